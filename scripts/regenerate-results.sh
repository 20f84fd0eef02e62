#!/usr/bin/env bash
# Rebuilds every committed result under results/, or checks that the
# committed results are exactly what the current code produces.
#
#   scripts/regenerate-results.sh          rewrite results/ (then commit it)
#   scripts/regenerate-results.sh --check  compare, change nothing; exit 1 if stale
#
# Every result uses the release build, the default seed and the default number
# of runs (100000), with the charts (--plots). runs.csv (5 MB per scenario) is
# written but not committed (see .gitignore); it is the input of everything
# else, so the committed summaries change whenever it would.
#
# results/geneva-2016 is what the main job (`ceasefire` with no arguments, i.e.
# `cargo run --release`) writes, byte for byte, manifest included: running it
# in the repository leaves the tree clean. The other manifests record an
# --out, which differs in --check (it writes elsewhere), so the check compares
# their CSV and SVG files only.
set -euo pipefail

cd "$(dirname "$0")/.."

# Every committed result: a directory under results/ and the arguments that
# produce it (the output directory is added as --out). Runs use the default
# seed and, for `run`, the default 100000 runs.
JOBS=(
    "geneva-2016|"
    "munich-2016|run scenarios/munich-2016.toml --plots --quiet"
    "geneva-2016-detection-sweep|sweep scenarios/geneva-2016.toml --vary monitoring.detection=0.3:1:15 --runs 20000 --plots --quiet"
    "geneva-2016-sensitivity|sensitivity scenarios/geneva-2016.toml --vary monitoring.detection=0.3:0.9 --vary compliance.tolerance=0:3 --vary party.government.rate=2:6 --vary party.opposition.rate=3:8 --vary humanitarian.block_probability_violent=0.05:0.5 --samples 128 --runs 1000 --outcome entered:collapse --outcome entered:joint_targeting --quiet"
    "geneva-2016-collapse-discovery|discover results/geneva-2016-sensitivity --outcome entered:collapse --above 0.5"
)

mode=write
case "${1:-}" in
    "") ;;
    --check) mode=check ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/ceasefire
bin=$(cd "$(dirname "$bin")" && pwd)/ceasefire

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The files of a results directory that are committed and compared. A
# sensitivity study keeps its design.csv and outputs.csv but not its 4 MB
# sweep.csv (nor points.csv): `discover` reads the study from the former.
compared() {
    local skip=(! -name runs.csv)
    local kinds=(-name '*.csv' -o -name '*.svg')
    [[ $1 == *-sensitivity ]] && skip+=(! -name sweep.csv ! -name points.csv)
    [[ $1 == */geneva-2016 ]] && kinds+=(-o -name manifest.json)
    (cd "$1" && find . -maxdepth 1 -type f \( "${kinds[@]}" \) "${skip[@]}" \
        | sed 's|^\./||' | LC_ALL=C sort)
}

stale=0
for job in "${JOBS[@]}"; do
    name=${job%%|*}
    read -r -a args <<<"${job#*|}"
    committed="results/$name"
    if [[ ${#args[@]} == 0 ]]; then
        # The main job, run where its default output is the committed one.
        where=$PWD
        [[ $mode == check ]] && where=$scratch
        (cd "$where" && "$bin" >/dev/null)
        [[ $mode == write ]] && { echo "wrote $committed"; continue; }
        fresh="$scratch/results/$name"
    elif [[ $mode == write ]]; then
        "$bin" "${args[@]}" --out "$committed" >/dev/null
        echo "wrote $committed"
        continue
    else
        fresh="$scratch/$name"
        "$bin" "${args[@]}" --out "$fresh" >/dev/null
    fi
    if [[ ! -d "$committed" ]]; then
        echo "stale: $committed does not exist" >&2
        stale=1
        continue
    fi
    if [[ "$(compared "$committed")" != "$(compared "$fresh")" ]]; then
        echo "stale: $committed does not have the files the code writes:" >&2
        diff <(compared "$committed") <(compared "$fresh") >&2 || true
        stale=1
    fi
    while read -r file; do
        if [[ -f "$committed/$file" ]] && ! cmp -s "$committed/$file" "$fresh/$file"; then
            echo "stale: $committed/$file differs from what the code produces" >&2
            stale=1
        fi
    done < <(compared "$fresh")
    [[ $stale == 0 ]] && echo "ok: $committed"
done

if [[ $stale != 0 ]]; then
    echo "results/ is stale: run scripts/regenerate-results.sh and commit results/" >&2
    exit 1
fi
