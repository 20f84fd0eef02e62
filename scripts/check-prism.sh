#!/usr/bin/env bash
# Checks `ceasefire export-prism` against the Storm model checker: for every
# Markov-class reference scenario (scenarios/markov/*.toml, and the bench
# yardstick benches/scenarios/three-party-60-markov.toml; or the scenario
# files given as arguments), exports the PRISM
# model, asks Storm (through stormpy) P=? [ F<=t "phase" ] for every phase and
# every day t, and compares with the cumulative_share of `ceasefire exact`'s
# curves.csv. Fails if any difference exceeds 1e-9 or any property of the
# exported .props file does not parse and check.
#
# Installs stormpy 2.0.0 (a binary wheel from PyPI) into a virtual
# environment (default target/prism-venv, or $CEASEFIRE_PRISM_VENV); needs
# python3 with venv (installed with apt-get when missing and possible).
#
# The exported model is structured (one command per phase), so Storm builds
# the state space itself: the Munich variant's 0.7M states in about 10 s.
# Asking Storm P=? [ F<=t ] separately for every day would cost a quadratic
# number of matrix-vector products (about 10 minutes for Munich), so every
# day is had from ONE bounded query per phase on a copy of the model with a
# countdown prelude: a variable `delay` starting at the last day d, counting
# down one per step while the agreement's commands wait for delay=0. From
# the prelude state with k steps left, P(F<=d "phase") is the original
# model's P(F<=d-k "phase"), so the values at the d+1 prelude states are the
# answers for every day. The exported .pm and .props themselves are also
# built and checked as they are.
set -euo pipefail
cd "$(dirname "$0")/.."

TOLERANCE=1e-9
venv=${CEASEFIRE_PRISM_VENV:-target/prism-venv}

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y -q python3-venv >/dev/null
  else
    echo "check-prism: python3 with venv is needed (apt-get install python3-venv)" >&2
    exit 1
  fi
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -c 'import stormpy' 2>/dev/null \
  || "$venv/bin/pip" install -q 'stormpy==2.0.0'
"$venv/bin/python" -c 'import stormpy; print("check-prism: stormpy", stormpy.__version__)'

cargo build --locked --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/ceasefire
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

status=0
if [ $# -eq 0 ]; then
  set -- scenarios/markov/*.toml benches/scenarios/three-party-60-markov.toml
fi
for scenario in "$@"; do
  stem=$(basename "$scenario" .toml)
  states=$("$bin" exact "$scenario" --out "$scratch/$stem" | sed -n 's/^states: \([0-9]*\);.*/\1/p')
  start=$(date +%s%N)
  "$bin" export-prism "$scenario" --out "$scratch/$stem.pm" >/dev/null
  end=$(date +%s%N)
  echo "check-prism: $stem: exported in $(((end - start) / 1000000)) ms:" \
    "$(wc -c <"$scratch/$stem.pm") bytes (.pm), $(wc -c <"$scratch/$stem.props") bytes (.props);" \
    "exact's chain (with visited and left phases) has $states states"
  "$venv/bin/python" - "$scratch/$stem.pm" "$scratch/$stem.props" "$scratch/$stem/curves.csv" "$TOLERANCE" "$stem" <<'PY' || status=1
import csv, re, sys, time
import stormpy

model_path, props_path, curves_path, tolerance, stem = sys.argv[1:]
tolerance = float(tolerance)
with open(curves_path) as f:
    exact = {(r["phase"], int(r["day"])): float(r["cumulative_share"]) for r in csv.DictReader(f)}
last = max(day for _, day in exact)
phases = sorted({phase for phase, _ in exact})
worst = (0.0, None)

def compare(phase, day, storm):
    global worst
    gap = abs(storm - exact[(phase, day)])
    if gap > worst[0] or worst[1] is None:
        worst = (gap, (phase, day, storm, exact[(phase, day)]))

def label(phase):
    return "phase_" + phase.replace("-", "_")

# 1. The exported model and properties file, as they are.
clock = time.time()
program = stormpy.parse_prism_program(model_path)
model = stormpy.build_model(program)
built = time.time() - clock
clock = time.time()
with open(props_path) as f:
    props = [l.strip() for l in f if l.strip() and not l.startswith("//")]
for p in props:
    bound, goal = re.search(r'F<=(\d+) "([^"]*)"', p).groups()
    (phase,) = [q for q in phases if label(q) == goal]
    prop = stormpy.parse_properties(p, program)[0]
    result = stormpy.model_checking(model, prop, only_initial_states=True)
    compare(phase, int(bound), result.get_value(model.initial_states[0]))
checked = time.time() - clock

# 2. Every day at once, on the model with a countdown prelude.
with open(model_path) as f:
    text = f.read()
text, n = re.subn(r"^(\s*)\[\] ", r"\1[] delay=0 & ", text, flags=re.M)
assert n == len(phases), f"{n} commands for {len(phases)} phases"
assert text.count("\nmodule agreement\n") == 1 and text.count("\nendmodule\n") == 1
text = text.replace("\nmodule agreement\n", f"\nmodule agreement\n  delay : [0..{last}] init {last};\n")
text = text.replace("\nendmodule\n", "\n  [] delay>0 -> (delay'=delay-1);\nendmodule\n")
delayed_path = model_path[:-3] + "-delayed.pm"
with open(delayed_path, "w") as f:
    f.write(text)
clock = time.time()
delayed_program = stormpy.parse_prism_program(delayed_path)
delayed = stormpy.build_model(delayed_program)
# prelude[k]: the prelude state with k countdown steps left (delay=k), from
# which the bound leaves last-k days of the original model; prelude[0] is
# the original start.
prelude = [delayed.initial_states[0]]
for _ in range(last):
    (entry,) = list(delayed.transition_matrix.get_row(prelude[-1]))
    prelude.append(entry.column)
prelude.reverse()
for phase in phases:
    prop = stormpy.parse_properties(f'P=? [ F<={last} "{label(phase)}" ]', delayed_program)[0]
    result = stormpy.model_checking(delayed, prop, only_initial_states=False)
    for day in range(last + 1):
        compare(phase, day, result.get_value(prelude[last - day]))
every_day = time.time() - clock
assert delayed.nr_states == model.nr_states + last, (delayed.nr_states, model.nr_states, last)

print(f"check-prism: {stem}: Storm built {model.nr_states} states, {model.nr_transitions} transitions "
      f"in {built:.1f} s; {len(props)} properties of the .props file in {checked:.1f} s; "
      f"every phase and day ({len(exact)} values) in {every_day:.1f} s with the prelude; "
      f"max |Storm - exact| = {worst[0]:.3e} (phase {worst[1][0]} day {worst[1][1]}: "
      f"Storm {worst[1][2]!r}, exact {worst[1][3]!r})")
if worst[0] > tolerance:
    print(f"check-prism: {stem}: FAILED (tolerance {tolerance})", file=sys.stderr)
    sys.exit(1)
PY
done
exit $status
