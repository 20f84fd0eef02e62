# Shared by the bench scripts (`source scripts/lib/bench.sh` from the
# repository's root): finding the engine bench's executable, and reading one
# measurement of it.

# Builds the engine bench (`cargo bench --bench engine --no-run`) of the
# checkout in the current directory and prints its executable's path.
# Extra arguments go to cargo (e.g. `--manifest-path FILE`, `--target-dir
# DIR`); cargo's messages, errors included, go to standard error.
bench_exe() {
  cargo bench --locked --bench engine --no-run --message-format=json "$@" |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "engine" and m.get("executable"):
        print(m["executable"])'
}

# Runs/s of one criterion measurement of one scenario (its point estimate):
# `bench_measure EXE THREADS SCENARIO [SECONDS [PREFIX...]]`, where PREFIX
# is a command to run the executable under (e.g. `taskset -c 0`); a PREFIX
# needs SECONDS before it. SECONDS is criterion's measurement time
# (default 4), after a warm-up of 1 s.
bench_measure() {
  local exe=$1 threads=$2 scenario=$3 seconds=${4:-4} report
  shift $(($# < 4 ? $# : 4))
  report=$(RAYON_NUM_THREADS=$threads "$@" "$exe" --bench --noplot --measurement-time "$seconds" \
    --warm-up-time 1 "batch/runs/$scenario\$" 2>/dev/null)
  awk '/thrpt:/ { v = $4; u = $5
      if (u ~ /^Kelem/) v *= 1e3; else if (u ~ /^Melem/) v *= 1e6
      printf "%.0f\n", v; exit }' <<< "$report"
}
