//! The README must stay true: its scenario example is valid, and the figures
//! of its worked example are what the code produces.

use crate::util;

use util::{Csv, Dir, repo_file};

const README: &str = include_str!("../README.md");

/// The text of the first fenced block of `kind` after `marker`.
fn block_after(marker: &str, kind: &str) -> &'static str {
    let from = README
        .find(marker)
        .unwrap_or_else(|| panic!("README lacks {marker:?}"));
    let open = format!("```{kind}\n");
    let start = from + README[from..].find(&open).expect("a code block") + open.len();
    &README[start..start + README[start..].find("```").expect("closed code block")]
}

#[test]
fn the_readme_example_scenario_is_valid() {
    let text = block_after("## Writing a scenario", "toml");
    let sc = ceasefire::Scenario::from_toml(text, "README.md").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.phases().len(), 3);
    assert!(sc.warnings().is_empty(), "{:?}", sc.warnings());
}

#[test]
fn the_worked_example_table_matches_the_committed_results() {
    // results/ is checked against the code by scripts/regenerate-results.sh.
    let summary =
        Csv::parse(&std::fs::read_to_string(repo_file("results/geneva-2016/summary.csv")).unwrap());
    let table = block_after("## A worked example", "text");
    let (m, s, e, lo, hi) = (
        summary.col("metric"),
        summary.col("subject"),
        summary.col("estimate"),
        summary.col("ci_low"),
        summary.col("ci_high"),
    );
    for row in summary.rows.iter().filter(|r| r[m] == "entered") {
        let pct = |i: usize| format!("{:.2}%", 100.0 * row[i].parse::<f64>().unwrap());
        let line = table
            .lines()
            .find(|l| l.starts_with(&format!("{} ", row[s])))
            .unwrap_or_else(|| panic!("no line for {} in\n{table}", row[s]));
        for (what, i) in [("estimate", e), ("low", lo), ("high", hi)] {
            assert!(line.contains(&pct(i)), "{what} {} not in {line:?}", pct(i));
        }
    }
}

#[test]
fn the_worked_example_run_and_trace_are_reproduced() {
    let dir = Dir::new();
    // Run 1 of a batch does not depend on the batch's size.
    dir.command(["run", "--runs", "2", "--out", "out", "-q"])
        .success();
    let runs = dir.read("out/runs.csv");
    let quoted = block_after("the row of run 1", "text");
    for line in quoted.lines() {
        assert!(
            runs.lines().any(|l| l == line),
            "README's {line:?} is not in runs.csv:\n{runs}"
        );
    }
    let trace = dir.command(["trace", "--run", "1"]).success().stdout;
    let quoted = block_after("ceasefire trace --run 1", "text");
    for line in quoted.lines().skip(1) {
        assert!(
            trace.lines().any(|l| l == line),
            "README's {line:?} is not in the trace"
        );
    }
}
