#!/usr/bin/env bash
# Checks `ceasefire export-prism` against the Storm model checker: for every
# Markov-class reference scenario (scenarios/markov/*.toml, and the bench
# yardstick benches/scenarios/three-party-60-markov.toml), exports the PRISM
# model, asks Storm (through stormpy) P=? [ F<=t "phase" ] for every phase and
# every day t, and compares with the cumulative_share of `ceasefire exact`'s
# curves.csv. Fails if any difference exceeds 1e-9 or any property of the
# exported .props file does not parse and check.
#
# Installs stormpy 2.0.0 (a binary wheel from PyPI) into a virtual
# environment (default target/prism-venv, or $CEASEFIRE_PRISM_VENV); needs
# python3 with venv (installed with apt-get when missing and possible).
#
# Models with more than MAX_STATES states (default 50000) are reported and
# skipped: the explicit PRISM text of a larger chain (e.g. the Munich variant,
# 0.7M states, 0.7 GB) is beyond what is reasonable to parse here.
set -euo pipefail
cd "$(dirname "$0")/.."

TOLERANCE=1e-9
MAX_STATES=${MAX_STATES:-50000}
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
bin=target/release/ceasefire
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

status=0
for scenario in scenarios/markov/*.toml benches/scenarios/three-party-60-markov.toml; do
  stem=$(basename "$scenario" .toml)
  states=$("$bin" exact "$scenario" --out "$scratch/$stem" | sed -n 's/^states: \([0-9]*\);.*/\1/p')
  if [ "$states" -gt "$MAX_STATES" ]; then
    echo "check-prism: $stem: SKIPPED ($states states > MAX_STATES=$MAX_STATES)"
    continue
  fi
  "$bin" export-prism "$scenario" --out "$scratch/$stem.pm" >/dev/null
  "$venv/bin/python" - "$scratch/$stem.pm" "$scratch/$stem.props" "$scratch/$stem/curves.csv" "$TOLERANCE" "$stem" <<'PY' || status=1
import csv, re, sys
import stormpy

model_path, props_path, curves_path, tolerance, stem = sys.argv[1:]
tolerance = float(tolerance)
program = stormpy.parse_prism_program(model_path)
model = stormpy.build_model(program)
initial = model.initial_states[0]

def check(formula):
    prop = stormpy.parse_properties(formula, program)[0]
    result = stormpy.model_checking(model, prop, only_initial_states=True)
    return result.get_value(initial)

# The exported properties file parses and checks.
with open(props_path) as f:
    props = [l.strip() for l in f if l.strip() and not l.startswith("//")]
for p in props:
    check(p)

labels = dict(re.findall(r'^label "(phase_[^"]*)" = phase=(\d+);', open(model_path).read(), re.M))
with open(curves_path) as f:
    rows = list(csv.DictReader(f))
worst = (0.0, None)
for row in rows:
    label = "phase_" + row["phase"].replace("-", "_")
    storm = check(f'P=? [ F<={row["day"]} "{label}" ]')
    gap = abs(storm - float(row["cumulative_share"]))
    if gap > worst[0] or worst[1] is None:
        worst = (gap, (row["phase"], row["day"], storm, row["cumulative_share"]))
print(f"check-prism: {stem}: {model.nr_states} states, {model.nr_transitions} transitions, "
      f"{len(rows)} comparisons, {len(props)} properties; max |Storm - exact| = {worst[0]:.3e} "
      f"(phase {worst[1][0]} day {worst[1][1]}: Storm {worst[1][2]!r}, exact {worst[1][3]})")
if worst[0] > tolerance:
    print(f"check-prism: {stem}: FAILED (tolerance {tolerance})", file=sys.stderr)
    sys.exit(1)
PY
done
exit $status
