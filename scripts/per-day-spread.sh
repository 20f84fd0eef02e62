#!/usr/bin/env bash
# The engine's cost per simulated day over a fixed-seed sample of 50
# scenarios drawn by the property tests' strategies (crates/core/src/strategies.rs),
# each timed on one thread: one CSV row per scenario, then the
# distribution (min, p10, median, p90, max). Issue 29: speed must hold on
# the scenarios people write, not only on the bench files.
#
#   bash scripts/per-day-spread.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --quiet --bench spread --features proptest-strategies
