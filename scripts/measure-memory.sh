#!/usr/bin/env bash
# Measures the peak resident memory of `ceasefire run` and `ceasefire merge`
# as the number of runs grows, to show that it stays flat (runs are streamed
# to runs.csv block by block; merge streams the shards' rows).
#
#   scripts/measure-memory.sh [RUNS...]     default: 10000 100000 1000000 10000000
#
# For each RUNS: `run` of the built-in Geneva 2016 scenario with --threads 2,
# then 4 shards of the same batch and `merge` of them, each under
# `/usr/bin/time -v` (Debian package `time`, installed if missing). Prints
# one line per RUNS with the "Maximum resident set size" of run and merge,
# and checks that the merged CSVs equal the single run's. Needs about
# 1.1 kB of disk per 10 runs at the largest size (runs.csv twice, shards once).
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
((${#sizes[@]})) || sizes=(10000 100000 1000000 10000000)

if [[ ! -x /usr/bin/time ]]; then
    echo "installing the Debian package 'time'" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends time >/dev/null
fi
cargo build --locked --release --quiet
bin=$(realpath "${CARGO_TARGET_DIR:-target}")/release/ceasefire
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Peak RSS in kB of a command, from GNU time's report.
peak_kb() {
    /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null
    awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt"
}

printf '%-10s %14s %16s\n' runs "run peak RSS" "merge peak RSS"
for n in "${sizes[@]}"; do
    run_kb=$(peak_kb "$bin" run --runs "$n" --threads 2 --quiet --out "$work/whole")
    for k in 1 2 3 4; do
        "$bin" run --runs "$n" --threads 2 --quiet --shard "$k/4" --out "$work/s$k" >/dev/null
    done
    merge_kb=$(peak_kb "$bin" merge "$work"/s1 "$work"/s2 "$work"/s3 "$work"/s4 --out "$work/merged")
    for f in runs.csv daily.csv curves.csv daily_metrics.csv summary.csv; do
        cmp -s "$work/whole/$f" "$work/merged/$f" || { echo "merged $f differs at $n runs" >&2; exit 1; }
    done
    awk -v n="$n" -v r="$run_kb" -v m="$merge_kb" 'BEGIN { printf "%-10s %11.1f MB %13.1f MB\n", n, r / 1024, m / 1024 }' 
    rm -rf "$work"/whole "$work"/s? "$work"/merged
done
