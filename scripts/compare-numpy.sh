#!/usr/bin/env bash
# Side by side with an independent numpy implementation of the model
# (scripts/numpy-baseline.py, vectorised across runs): times both on the
# benchmark scenario and prints runs per second and the ratio, and the share
# of runs entering each phase from both (they agree statistically, not bit for
# bit: numpy draws its own random numbers).
#
#   scripts/compare-numpy.sh [SCENARIO.toml] [RUNS]
#
# Installs numpy from PyPI into a virtual environment (default
# target/numpy-venv, or $CEASEFIRE_NUMPY_VENV); needs python3 ≥ 3.11 with venv.
# The engine's time is the wall time of the whole `ceasefire run` command on
# all cores, files written; numpy's is the simulation loop alone.
set -euo pipefail
cd "$(dirname "$0")/.."

scenario=${1:-benches/scenarios/three-party-60.toml}
runs=${2:-200000}
venv=${CEASEFIRE_NUMPY_VENV:-target/numpy-venv}

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "numpy==2.*"
fi

cargo build --release --quiet
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "== numpy ($runs runs of $scenario)"
"$venv/bin/python" scripts/numpy-baseline.py "$scenario" "$runs" | tee "$scratch/numpy.txt"
numpy_s=$(awk '$1 == "seconds" { print $2 }' "$scratch/numpy.txt")

echo "== ceasefire ($runs runs)"
start=$(date +%s.%N)
target/release/ceasefire run "$scenario" --runs "$runs" --quiet --out "$scratch/out"
end=$(date +%s.%N)

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v r="$runs" -v n="$numpy_s" -v a="$start" -v b="$end" 'BEGIN {
  e = b - a
  printf "numpy:     %.3f s, %.0f runs/s\n", n, r / n
  printf "ceasefire: %.3f s, %.0f runs/s\n", e, r / e
  printf "ceasefire is %.1fx faster\n", n / e
}'
