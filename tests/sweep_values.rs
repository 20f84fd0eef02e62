//! Sweep values through the real binary: grid points are the decimals a
//! user would type (so `== 0.4` finds the row), grids refuse points that
//! would run twice and ranges without steps, and value lists and log
//! ranges take exactly their values.

use crate::util;

use util::{
    Csv, Dir, assert_plot_redraws_sweep, discover_collapse, outputs_under, reference_scenario,
};

fn geneva() -> String {
    reference_scenario("geneva-2016").display().to_string()
}

/// The distinct values of a column, in file order, as written.
fn distinct<'a>(csv: &'a Csv, column: &str) -> Vec<&'a str> {
    let mut seen: Vec<&str> = Vec::new();
    for v in csv.column(column) {
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen
}

#[test]
fn grid_points_are_written_as_the_decimals_of_the_design() {
    let dir = Dir::new();
    dir.command([
        "sweep",
        &geneva(),
        "--vary",
        "monitoring.detection=0.3:1:15",
        "--runs",
        "50",
        "--out",
        "sw",
        "-q",
    ])
    .success();
    let expected: Vec<String> = (0..15)
        .map(|i| {
            let hundredths = 30 + 5 * i;
            let text = format!("{}.{:02}", hundredths / 100, hundredths % 100);
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        })
        .collect();
    for file in ["sw/points.csv", "sw/sweep.csv"] {
        let csv = Csv::parse(&dir.read(file));
        let values = distinct(&csv, "monitoring.detection");
        assert_eq!(values, expected, "{file}");
        assert!(values.contains(&"0.4"), "{file}: {values:?}");
    }
}

#[test]
fn lists_and_log_ranges_take_exactly_their_values() {
    let dir = Dir::new();
    dir.command([
        "sweep",
        &geneva(),
        "--vary",
        "compliance.tolerance=0,1,3",
        "--vary",
        "party.isis.rate=log:0.01:1:5",
        "--runs",
        "20",
        "--out",
        "sw",
        "-q",
    ])
    .success();
    let points = Csv::parse(&dir.read("sw/points.csv"));
    assert_eq!(points.rows.len(), 15);
    assert_eq!(distinct(&points, "compliance.tolerance"), ["0", "1", "3"]);
    assert_eq!(
        distinct(&points, "party.isis.rate"),
        ["0.01", "0.0316", "0.1", "0.316", "1"]
    );
}

#[test]
fn grids_refuse_duplicate_points_and_missing_steps() {
    let dir = Dir::new();
    let cases: [(&str, &[&str]); 4] = [
        (
            "compliance.tolerance=0:3:7",
            &[
                "compliance.tolerance",
                "whole numbers",
                "compliance.tolerance=0:3:4",
            ],
        ),
        (
            "monitoring.detection=0.5:0.9",
            &[
                "monitoring.detection=0.5:0.9",
                "give steps: PATH=LO:HI:STEPS",
            ],
        ),
        (
            "monitoring.detection=0.5,0.5",
            &["monitoring.detection=0.5,0.5", "twice"],
        ),
        ("party.isis.rate=log:0:1:3", &["log range", "LO > 0"]),
    ];
    for (vary, expect) in cases {
        let ran = dir
            .command([
                "sweep",
                &geneva(),
                "--vary",
                vary,
                "--runs",
                "20",
                "--out",
                "sw",
            ])
            .failure();
        for e in expect {
            assert!(
                ran.stderr.contains(e),
                "--vary {vary}: expected {e:?}\n{ran}"
            );
        }
        assert!(outputs_under(&dir.join("sw")).is_empty(), "{ran}");
    }
    let ran = dir
        .command([
            "sweep",
            &geneva(),
            "--design",
            "lhs",
            "--points",
            "4",
            "--vary",
            "monitoring.detection=0.5,0.9",
            "--out",
            "sw",
        ])
        .failure();
    assert!(
        ran.stderr
            .contains("value lists and log ranges are for grids"),
        "{ran}"
    );
}

#[test]
fn a_word_that_changes_which_rows_a_point_has_is_still_charted() {
    // jfs reports, and so has a reported_per_run row, only where it is bound.
    let dir = Dir::new();
    dir.command([
        "sweep",
        &geneva(),
        "--vary",
        "party.jfs.bound=false,true",
        "--runs",
        "50",
        "--plots",
        "--out",
        "sw",
        "-q",
    ])
    .success();
    let sweep = Csv::parse(&dir.read("sw/sweep.csv"));
    let (metric, subject) = (sweep.col("metric"), sweep.col("subject"));
    let jfs: Vec<&str> = sweep
        .rows
        .iter()
        .filter(|r| r[metric] == "reported_per_run" && r[subject] == "jfs")
        .map(|r| r[0].as_str())
        .collect();
    assert_eq!(jfs, ["1"], "jfs's reports at the bound point only");
    let drawn = assert_plot_redraws_sweep(&dir, "sw");
    assert!(drawn.contains(">\nfalse\n</text>"), "no tick 'false'");
}

#[test]
fn categorical_and_boolean_keys_take_their_words() {
    let dir = Dir::new();
    dir.command([
        "sweep",
        &geneva(),
        "--vary",
        "compliance.counts=major,any",
        "--vary",
        "compliance.requires_aid=true,false",
        "--runs",
        "200",
        "--plots",
        "--out",
        "sw",
        "-q",
    ])
    .success();
    let points = Csv::parse(&dir.read("sw/points.csv"));
    assert_eq!(
        points.column("compliance.counts"),
        ["major", "major", "any", "any"]
    );
    assert_eq!(
        points.column("compliance.requires_aid"),
        ["true", "false", "true", "false"]
    );
    // The point (any, false) is the scenario with those two values set, run
    // on the same seeds: its estimates equal those of `run --set`.
    dir.command([
        "run",
        &geneva(),
        "--runs",
        "200",
        "--set",
        "compliance.counts=any",
        "--set",
        "compliance.requires_aid=false",
        "--out",
        "run",
        "-q",
    ])
    .success();
    let summary = Csv::parse(&dir.read("run/summary.csv"));
    let sweep = Csv::parse(&dir.read("sw/sweep.csv"));
    let entered = |csv: &Csv, point: Option<&str>, phase: &str| -> String {
        let (m2, s2, e2) = (csv.col("metric"), csv.col("subject"), csv.col("estimate"));
        csv.rows
            .iter()
            .find(|r| r[m2] == "entered" && r[s2] == phase && point.is_none_or(|p| r[0] == p))
            .map(|r| r[e2].clone())
            .expect("an entered row")
    };
    for phase in ["joint_targeting", "collapse"] {
        assert_eq!(
            entered(&sweep, Some("3"), phase),
            entered(&summary, None, phase),
            "{phase}"
        );
    }
    let shares: Vec<String> = ["0", "1", "2", "3"]
        .iter()
        .map(|p| entered(&sweep, Some(p), "joint_targeting"))
        .collect();
    assert!(
        shares.iter().any(|x| *x != shares[0]),
        "the words change nothing: {shares:?}"
    );
    // PRIM needs numbers: it refuses the sweep and writes nothing.
    let ran = dir.command(discover_collapse("sw", "d")).failure();
    assert!(
        ran.stderr
            .contains("column compliance.counts holds words ('major')"),
        "{ran}"
    );
    assert!(outputs_under(&dir.join("d")).is_empty(), "{ran}");
    let svg = dir.read("sw/sweep.svg");
    for word in ["major", "any", "true", "false"] {
        assert!(
            svg.contains(&format!(">\n{word}\n</text>")),
            "no tick '{word}'"
        );
    }
    let ran = dir
        .command([
            "sweep",
            &geneva(),
            "--vary",
            "compliance.counts=major,sometimes",
            "--runs",
            "20",
            "--out",
            "bad",
        ])
        .failure();
    assert!(ran.stderr.contains("sometimes"), "{ran}");
    assert!(outputs_under(&dir.join("bad")).is_empty(), "{ran}");
}
