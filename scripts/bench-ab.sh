#!/usr/bin/env bash
# Two commits' engines side by side: builds the engine bench (`cargo bench
# --bench engine`) of each commit, then runs the two executables one after
# the other, alternating, round by round, so that both see the same machine
# (a busy or throttled machine slows both alike). Prints each round's
# runs/s (criterion's point estimate) and the ratio NEW / BASE, then per
# scenario and thread count the median of each side's rounds and the median
# and range of the rounds' ratios. This is how docs/performance.md's side by
# side tables are made.
#
#   scripts/bench-ab.sh [--rounds N] [--threads 1,2] [--seconds S]
#                       [--scenarios three-party-60,geneva-2016,munich-2016]
#                       BASE [NEW]
#
# BASE and NEW are commits (NEW defaults to HEAD). Each is checked out in a
# temporary git worktree and built with its own Cargo.lock into
# target/bench-ab/ (executables are kept there, by commit, and reused). S is
# criterion's measurement time per measurement (default 3, after a 1 s
# warm-up). Rounds default to 5. Kept executables are keyed by commit only:
# delete target/bench-ab/ after changing the toolchain or RUSTFLAGS.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench.sh

rounds=5
threads=1,2
seconds=3
scenarios=three-party-60,geneva-2016,munich-2016
usage() {
  echo "usage: scripts/bench-ab.sh [options] BASE [NEW] (see --help)" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case $1 in
    --rounds|--threads|--seconds|--scenarios)
      [ $# -ge 2 ] || usage
      case $1 in
        --rounds) rounds=$2 ;;
        --threads) threads=$2 ;;
        --seconds) seconds=$2 ;;
        --scenarios) scenarios=$2 ;;
      esac
      shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench-ab.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || usage

store=$PWD/target/bench-ab
mkdir -p "$store"

# The worktree being built, removed on any exit (an interrupted build too).
tree=
results=
cleanup() {
  if [ -n "$tree" ]; then
    git worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"
    git worktree prune
  fi
  [ -z "$results" ] || rm -f "$results"
}
trap cleanup EXIT

# Sets `exe` to the bench executable of commit $1, built once (from the
# commit's own checkout and Cargo.lock) and kept in $store.
executable() {
  local sha built
  sha=$(git rev-parse --verify --quiet "$1^{commit}") || { echo "bench-ab.sh: no commit '$1'" >&2; exit 1; }
  exe=$store/engine-${sha:0:12}
  [ -x "$exe" ] && return
  echo "building the bench of $1 ($sha) ..." >&2
  tree=$(mktemp -d "$store/tree-XXXXXX")
  git worktree add --quiet --detach "$tree" "$sha" >&2
  built=$(bench_exe --manifest-path "$tree/Cargo.toml" --target-dir "$store/target")
  [ -x "$built" ] || { echo "bench-ab.sh: building the bench of $1 failed" >&2; exit 1; }
  # Copied under another name first, so that an interrupted copy is never
  # taken for a built executable.
  cp "$built" "$exe.partial"
  mv "$exe.partial" "$exe"
  git worktree remove --force "$tree"
  tree=
}

executable "$1"
base=$exe
executable "${2:-HEAD}"
new=$exe
echo "BASE $1: $base"
echo "NEW  ${2:-HEAD}: $new"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"

results=$(mktemp)
printf '%-16s %7s %5s %12s %12s %7s\n' scenario threads round BASE NEW ratio
for t in ${threads//,/ }; do
  for scenario in ${scenarios//,/ }; do
    for round in $(seq "$rounds"); do
      a=$(bench_measure "$base" "$t" "$scenario" "$seconds")
      b=$(bench_measure "$new" "$t" "$scenario" "$seconds")
      [ -n "$a" ] && [ -n "$b" ] || { echo "bench-ab.sh: no figure for $scenario (is it a bench of both commits?)" >&2; exit 1; }
      echo "$scenario $t $a $b" >> "$results"
      awk -v s="$scenario" -v t="$t" -v r="$round" -v a="$a" -v b="$b" \
        'BEGIN { printf "%-16s %7d %5d %12d %12d %6.2fx\n", s, t, r, a, b, b / a }'
    done
  done
done

echo
echo "medians of $rounds rounds (runs/s), and of the rounds' ratios:"
python3 - "$results" <<'PY'
import statistics, sys
cells = {}
for line in open(sys.argv[1]):
    s, t, a, b = line.split()
    cells.setdefault((s, int(t)), []).append((int(a), int(b)))
print(f"{'scenario':16} {'threads':>7} {'BASE':>12} {'NEW':>12} {'ratio':>7}  range")
for (s, t), pairs in cells.items():
    ratios = [b / a for a, b in pairs]
    print(f"{s:16} {t:7d} {statistics.median(a for a, _ in pairs):12.0f} "
          f"{statistics.median(b for _, b in pairs):12.0f} {statistics.median(ratios):6.2f}x  "
          f"{min(ratios):.2f}-{max(ratios):.2f}x")
PY
