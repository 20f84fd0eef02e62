#!/usr/bin/env bash
# Checks `ceasefire schema` with taplo, the TOML toolkit behind Even Better
# TOML: every reference scenario must pass the schema, and scenarios with a
# misspelt key or a value out of range must be flagged. This is what an
# editor does with the schema (docs/model.md, "In an editor").
#
# Installs taplo 0.9.3 (a binary wheel from PyPI) into a virtual environment
# (default target/taplo-venv, or $CEASEFIRE_TAPLO_VENV).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${CEASEFIRE_TAPLO_VENV:-target/taplo-venv}
if [ ! -x "$venv/bin/taplo" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet taplo==0.9.3
fi
taplo="$venv/bin/taplo"

# The release build, as every other script here uses: in CI it is already
# built, where a debug build would compile the crate once more.
cargo build --locked --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/ceasefire
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$bin" schema > "$scratch/scenario.schema.json"
schema="file://$scratch/scenario.schema.json"

echo "reference scenarios pass the schema:"
"$taplo" check --schema "$schema" scenarios/*.toml scenarios/markov/*.toml benches/scenarios/*.toml
for template in minimal geneva munich; do
    "$bin" init --template "$template" "$scratch/$template.toml" > /dev/null
    "$taplo" check --schema "$schema" "$scratch/$template.toml"
done

flagged() { # NAME SED-EXPRESSION EXPECTED-TEXT
    sed "$2" scenarios/geneva-2016.toml > "$scratch/$1.toml"
    if out=$("$taplo" check --schema "$schema" "$scratch/$1.toml" 2>&1); then
        echo "FAIL: taplo accepted $1" >&2
        exit 1
    fi
    grep -q "$3" <<< "$out" || { echo "FAIL: $1: taplo did not say '$3':" >&2; echo "$out" >&2; exit 1; }
    echo "flagged $1: $3"
}
flagged misspelt-key 's/^rate = 4.0/rat = 4.0/' "'rat' was unexpected"
flagged detection-out-of-range 's/^detection = .*/detection = 1.5/' "greater than the maximum"
flagged horizon-out-of-range 's/^horizon_days = .*/horizon_days = 40000/' "greater than the maximum"
flagged quoted-number 's/^horizon_days = \(.*\)/horizon_days = "\1"/' "is not of type"
echo "taplo agrees with the schema"
