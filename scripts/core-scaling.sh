#!/usr/bin/env bash
# How much the engine gains from a second core, and how much the machine
# itself gives a second copy of the same work. For each scenario and round,
# the engine bench (`cargo bench --bench engine`, criterion, runs/s) runs:
#
#   1. alone, with 1 thread;
#   2. as two 1-thread copies at the same time, one pinned to each of the
#      first two CPUs (independent processes: nothing is shared but the
#      machine);
#   3. alone, with 2 threads.
#
# and prints the three, with "two threads / one thread" (the engine's gain
# from the second core) and "two threads / both copies" (its parallel
# efficiency against what the machine gives two independent copies). If two
# copies together gain less than 2x, the machine, not the engine, limits
# the second core.
#
#   scripts/core-scaling.sh [--rounds N] [SCENARIO...]
#
# SCENARIO is a bench name (three-party-60, geneva-2016, munich-2016;
# default three-party-60). Needs taskset (util-linux) and two CPUs.
# $CEASEFIRE_BENCH_EXE runs another bench executable instead of building
# this checkout's (e.g. one built at an older commit, for a comparison).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/bench.sh

rounds=3
if [ "${1:-}" = "--rounds" ]; then
  rounds=$2
  shift 2
fi
[ $# -gt 0 ] || set -- three-party-60
command -v taskset >/dev/null || { echo "core-scaling.sh needs taskset (util-linux)" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "core-scaling.sh needs two CPUs; this machine has $(nproc)" >&2; exit 1; }

exe=${CEASEFIRE_BENCH_EXE:-$(bench_exe)}
[ -x "$exe" ] || { echo "no bench executable: '$exe'" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Median runs/s of one bench run: `measure THREADS SCENARIO [taskset -c CPU]`.
measure() {
  bench_measure "$exe" "$1" "$2" 4 "${@:3}"
}

echo "bench executable: $exe"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) CPUs"
printf '%-16s %5s %12s %12s %12s %12s %12s %10s\n' scenario round "1 thread" "copy on 0" \
  "copy on 1" "both copies" "2 threads" "2t / 1t"
for scenario in "$@"; do
  for round in $(seq "$rounds"); do
    one=$(measure 1 "$scenario")
    measure 1 "$scenario" taskset -c 0 > "$scratch/c0" &
    measure 1 "$scenario" taskset -c 1 > "$scratch/c1"
    wait
    c0=$(cat "$scratch/c0")
    c1=$(cat "$scratch/c1")
    two=$(measure 2 "$scenario")
    awk -v s="$scenario" -v r="$round" -v one="$one" -v c0="$c0" -v c1="$c1" -v two="$two" 'BEGIN {
      printf "%-16s %5d %12d %12d %12d %12d %12d %9.2fx   (copies %.2fx alone; 2 threads = %.0f%% of both copies)\n",
        s, r, one, c0, c1, c0 + c1, two, two / one, (c0 + c1) / one, 100 * two / (c0 + c1) }'
  done
done
