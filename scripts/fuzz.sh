#!/usr/bin/env bash
# Fuzzes scenario parsing and validation (fuzz/fuzz_targets/scenario.rs)
# for SECONDS of wall clock on one core (default 600), starting from the
# committed corpus (fuzz/corpus/scenario, seeded with the reference
# scenarios), then minimises the corpus (tests/messages.rs reads every
# input of it on each `cargo test`). Any panic, hang (an input taking
# over 10 s) or out-of-memory stops it with the input in fuzz/artifacts/.
#
#   scripts/fuzz.sh            # 10 minutes
#   scripts/fuzz.sh 60         # one minute
#
# Needs cargo-fuzz (installed from crates.io if missing) and a C++
# compiler. cargo-fuzz asks for nightly features; with a stable toolchain
# RUSTC_BOOTSTRAP=1 allows them. The fuzz crate is a workspace of its own,
# so `cargo build` and `cargo test` of the main crate never build it.
set -euo pipefail

seconds="${1:-600}"
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
# -s none: safe Rust needs no address sanitizer; -a: debug assertions, so
# that an integer overflow is a panic the fuzzer finds.
cargo fuzz run -s none -a scenario corpus/scenario -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -dict=scenario.dict -print_final_stats=1
# Keep the committed corpus small: the fewest inputs that cover every edge
# the corpus covers (set cover, without hit counts), plus the seeds.
bin="target/$(rustc -vV | sed -n 's/^host: //p')/release/scenario"
min=$(mktemp -d)
trap 'rm -rf "$min"' EXIT
"$bin" -set_cover_merge=1 -use_counters=0 -use_cmp=0 "$min" corpus/scenario
rm -f corpus/scenario/*
cp "$min"/* corpus/scenario/
cp ../scenarios/*.toml ../scenarios/markov/*.toml ../benches/scenarios/*.toml corpus/scenario/
echo "corpus: $(ls corpus/scenario | wc -l) files"
