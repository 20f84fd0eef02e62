//! Golden outputs of the Markov-class scenarios (issue 10, "Model v2"):
//! the `exact` answers and a small `run` batch of every scenario under
//! `scenarios/markov/` and `benches/scenarios/`, committed under
//! `tests/fixtures/golden/<stem>/` as the code produced them before model v2. A
//! scenario that uses no v2 key must keep these bytes: the tests below run
//! the real binary again and compare every CSV file byte for byte
//! (manifest.json records the command line, so it is not compared).
//!
//! The goldens are written once, by the code they pin, with
//! `CEASEFIRE_BLESS_GOLDEN=1 cargo test --test tests golden:: -- --include-ignored`;
//! a change that moves them is a change of meaning and needs saying why.

use crate::util;

use std::fs;
use std::path::{Path, PathBuf};

use util::{Dir, repo_file};

/// Runs of the golden batches: small, so the test stays quick, but enough
/// that every phase and metric is exercised.
const GOLDEN_RUNS: &str = "200";
/// Seed of the golden batches.
const GOLDEN_SEED: &str = "7";

/// The CSV files `run` writes.
const RUN_FILES: [&str; 5] = [
    "runs.csv",
    "daily.csv",
    "curves.csv",
    "daily_metrics.csv",
    "summary.csv",
];
/// The CSV files `exact` writes.
const EXACT_FILES: [&str; 4] = [
    "daily.csv",
    "curves.csv",
    "daily_metrics.csv",
    "summary.csv",
];

fn golden_dir(stem: &str, kind: &str) -> PathBuf {
    repo_file(&format!("tests/fixtures/golden/{stem}/{kind}"))
}

fn blessing() -> bool {
    std::env::var_os("CEASEFIRE_BLESS_GOLDEN").is_some()
}

/// Runs `args` (with `--out out`) and compares `files` with the goldens of
/// `stem`/`kind`, or writes them when blessing.
fn compare(scenario: &str, kind: &str, args: &[&str], files: &[&str]) {
    let stem = Path::new(scenario)
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a scenario file name");
    let dir = Dir::new();
    let path = repo_file(scenario);
    let mut full = vec![args[0], path.to_str().expect("utf-8 path")];
    full.extend_from_slice(&args[1..]);
    full.extend_from_slice(&["--out", "out"]);
    let ran = dir.command(&full).success();
    let golden = golden_dir(stem, kind);
    if blessing() {
        fs::create_dir_all(&golden).expect("create the golden directory");
    }
    for file in files {
        let fresh = dir.read_bytes(Path::new("out").join(file));
        let committed = golden.join(file);
        if blessing() {
            fs::write(&committed, &fresh).expect("write a golden file");
            continue;
        }
        let expected = fs::read(&committed)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", committed.display()));
        assert!(
            fresh == expected,
            "{stem}: {kind}'s {file} differs from {} (a v1 scenario must keep its outputs byte for byte)\n{ran}",
            committed.display()
        );
    }
}

fn run_batch(scenario: &str) {
    compare(
        scenario,
        "run",
        &[
            "run",
            "--runs",
            GOLDEN_RUNS,
            "--seed",
            GOLDEN_SEED,
            "--quiet",
        ],
        &RUN_FILES,
    );
}

fn exact(scenario: &str) {
    compare(scenario, "exact", &["exact"], &EXACT_FILES);
}

#[test]
fn v1_markov_scenarios_keep_their_batch_outputs() {
    for scenario in [
        "scenarios/markov/geneva-2016-no-retaliation.toml",
        "scenarios/markov/munich-2016-no-retaliation.toml",
        "benches/scenarios/three-party-60-markov.toml",
        "benches/scenarios/three-party-60.toml",
    ] {
        run_batch(scenario);
    }
}

#[test]
fn v1_markov_scenarios_keep_their_exact_answers() {
    for scenario in [
        "scenarios/markov/geneva-2016-no-retaliation.toml",
        "benches/scenarios/three-party-60-markov.toml",
    ] {
        exact(scenario);
    }
}

/// Munich's chain has 0.7 million states: seconds, not milliseconds.
#[test]
#[ignore = "solves Munich's 0.7-million-state chain (a few seconds in a release build)"]
fn munich_keeps_its_exact_answers() {
    exact("scenarios/markov/munich-2016-no-retaliation.toml");
}
