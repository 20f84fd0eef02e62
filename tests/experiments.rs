//! Experiments end to end: `--set`, `sweep`, `compare` and `--precision`,
//! run through the real binary.

use crate::util;

use util::{Csv, Dir, assert_plot_redraws_sweep, outputs_under, reference_scenario};

fn geneva() -> String {
    reference_scenario("geneva-2016").display().to_string()
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} is not a number: {e}"))
}

/// The `entered` estimate of `phase` in a summary-shaped CSV.
fn entered(csv: &Csv, phase: &str) -> f64 {
    let (m, s, e) = (csv.col("metric"), csv.col("subject"), csv.col("estimate"));
    let row = csv
        .rows
        .iter()
        .find(|r| r[m] == "entered" && r[s] == phase)
        .unwrap_or_else(|| panic!("no entered row for {phase}"));
    num(&row[e])
}

#[test]
fn set_changes_the_scenario_and_is_recorded() {
    let dir = Dir::new();
    let g = geneva();
    for (out, extra) in [
        ("base", vec![]),
        (
            "changed",
            vec![
                "--set",
                "party.opposition.rate=0",
                "--set",
                "party.opposition.retaliation.government=0",
            ],
        ),
    ] {
        let mut args = vec!["run", g.as_str(), "--runs", "2000", "--out", out, "-q"];
        args.extend(extra);
        dir.command(args).success();
    }
    let runs = Csv::parse(&dir.read("changed/runs.csv"));
    assert!(runs.column("attacks_opposition").iter().all(|a| *a == "0"));
    let base = Csv::parse(&dir.read("base/runs.csv"));
    assert!(base.column("attacks_opposition").iter().any(|a| *a != "0"));
    let manifest = dir.read("changed/manifest.json");
    assert!(manifest.contains("party.opposition.rate=0"), "{manifest}");
    // check and trace take --set too.
    let ran = dir
        .command(["check", g.as_str(), "--set", "monitoring.detection=0.25"])
        .success();
    assert!(ran.stdout.contains("detection 0.25"), "{ran}");
    let ran = dir
        .command([
            "trace",
            g.as_str(),
            "--run",
            "0",
            "--set",
            "phase.truce.rate_multiplier.government=0",
            "--set",
            "phase.joint_targeting.rate_multiplier.government=0",
        ])
        .success();
    let trace = Csv::parse(&ran.stdout);
    assert!(trace.column("attacks_government").iter().all(|a| *a == "0"));
}

#[test]
fn bad_paths_and_values_are_refused_before_any_work() {
    let dir = Dir::new();
    let g = geneva();
    for (set, expect) in [
        (
            "party.goverment.rate=1",
            "no party 'goverment' (declared: government",
        ),
        (
            "monitoring.detection=2",
            "monitoring.detection = 2 is not allowed",
        ),
        (
            "phase.truce.transition.9.when.probability=0.1",
            "no transition 9",
        ),
        ("party.government.rat=1", "unknown key 'rat'"),
        ("nonsense", "is not PATH=VALUE"),
    ] {
        let ran = dir
            .command([
                "run",
                g.as_str(),
                "--runs",
                "100",
                "--out",
                "out",
                "--set",
                set,
            ])
            .failure();
        assert!(
            ran.stderr.contains(expect),
            "--set {set}: expected {expect:?}\n{ran}"
        );
        assert!(outputs_under(&dir.join("out")).is_empty(), "{ran}");
    }
    let ran = dir
        .command([
            "sweep",
            g.as_str(),
            "--vary",
            "monitoring.detection=0.5:1.5:3",
            "--out",
            "sw",
        ])
        .failure();
    assert!(ran.stderr.contains("monitoring.detection=1.5"), "{ran}");
    assert!(ran.stderr.contains("[0, 1]"), "{ran}");
    assert!(outputs_under(&dir.join("sw")).is_empty(), "{ran}");
    let ran = dir
        .command([
            "sweep",
            g.as_str(),
            "--vary",
            "monitoring.detection=0.9:0.5:3",
        ])
        .failure();
    assert!(ran.stderr.contains("above HI"), "{ran}");
}

#[test]
fn a_sweep_writes_every_point_and_does_not_depend_on_threads() {
    let dir = Dir::new();
    let g = geneva();
    for (out, threads) in [("one", "1"), ("two", "2")] {
        dir.command([
            "sweep",
            g.as_str(),
            "--vary",
            "monitoring.detection=0.5:0.9:3",
            "--vary",
            "compliance.tolerance=0:2:2",
            "--runs",
            "3000",
            "--threads",
            threads,
            "--out",
            out,
            "-q",
        ])
        .success();
    }
    for file in ["sweep.csv", "points.csv"] {
        assert_eq!(
            dir.read_bytes(format!("one/{file}")),
            dir.read_bytes(format!("two/{file}")),
            "{file}"
        );
    }
    let points = Csv::parse(&dir.read("one/points.csv"));
    assert_eq!(
        points.header,
        [
            "point",
            "monitoring.detection",
            "compliance.tolerance",
            "runs"
        ]
    );
    assert_eq!(points.rows.len(), 6);
    assert_eq!(
        points.column("compliance.tolerance"),
        ["0", "2", "0", "2", "0", "2"]
    );
    let sweep = Csv::parse(&dir.read("one/sweep.csv"));
    assert_eq!(
        sweep.header,
        [
            "point",
            "monitoring.detection",
            "compliance.tolerance",
            "metric",
            "subject",
            "estimate",
            "ci_low",
            "ci_high",
            "runs"
        ]
    );
    // Point 0 equals a plain run of the same scenario with the same changes.
    dir.command([
        "run",
        g.as_str(),
        "--runs",
        "3000",
        "--out",
        "single",
        "-q",
        "--set",
        "monitoring.detection=0.5",
        "--set",
        "compliance.tolerance=0",
    ])
    .success();
    let single = Csv::parse(&dir.read("single/summary.csv"));
    let point0 = Csv {
        header: sweep.header[3..].to_vec(),
        rows: sweep
            .rows
            .iter()
            .filter(|r| r[0] == "0")
            .map(|r| r[3..].to_vec())
            .collect(),
    };
    for phase in ["joint_targeting", "collapse"] {
        assert_eq!(entered(&point0, phase), entered(&single, phase), "{phase}");
    }
}

#[test]
fn a_latin_hypercube_uses_each_stratum_once() {
    let dir = Dir::new();
    dir.command([
        "sweep",
        &geneva(),
        "--design",
        "lhs",
        "--points",
        "5",
        "--vary",
        "monitoring.detection=0.5:1",
        "--vary",
        "party.government.rate=2:4",
        "--runs",
        "500",
        "--out",
        "lhs",
        "-q",
    ])
    .success();
    let points = Csv::parse(&dir.read("lhs/points.csv"));
    assert_eq!(points.rows.len(), 5);
    let mut strata: Vec<usize> = points
        .column("monitoring.detection")
        .iter()
        .map(|x| ((num(x) - 0.5) / 0.5 * 5.0).floor() as usize)
        .collect();
    strata.sort();
    assert_eq!(strata, [0, 1, 2, 3, 4]);
}

#[test]
fn comparing_a_scenario_with_itself_gives_exact_zeros() {
    let dir = Dir::new();
    dir.command([
        "compare",
        &geneva(),
        "--runs",
        "3000",
        "--out",
        "self",
        "-q",
    ])
    .success();
    let c = Csv::parse(&dir.read("self/compare.csv"));
    for col in ["difference", "ci_low", "ci_high"] {
        assert!(
            c.column(col).iter().all(|x| num(x) == 0.0),
            "{col}: {:?}",
            c.column(col)
        );
    }
}

#[test]
fn paired_intervals_are_several_times_narrower_than_independent_ones() {
    let dir = Dir::new();
    dir.command([
        "compare",
        &geneva(),
        "--set",
        "party.opposition.rate=5.0",
        "--runs",
        "8000",
        "--out",
        "small",
        "-q",
    ])
    .success();
    let c = Csv::parse(&dir.read("small/compare.csv"));
    let (m, s, n) = (c.col("metric"), c.col("subject"), c.col("narrowing"));
    for row in &c.rows {
        if row[m] == "entered" && row[s] != "truce" || row[m] == "attacks_per_run" {
            assert!(
                num(&row[n]) > 2.5,
                "{} {}: only {}× narrower",
                row[m],
                row[s],
                row[n]
            );
        }
    }
}

#[test]
fn compare_refuses_scenarios_of_different_shape() {
    let dir = Dir::new();
    let ran = dir
        .command([
            "compare",
            &geneva(),
            &reference_scenario("munich-2016").display().to_string(),
            "--runs",
            "10",
        ])
        .failure();
    assert!(ran.stderr.contains("phases differ"), "{ran}");
}

#[test]
fn precision_runs_blocks_until_the_target_and_does_not_depend_on_threads() {
    let dir = Dir::new();
    let g = geneva();
    for (out, threads) in [("one", "1"), ("two", "2")] {
        dir.command([
            "run",
            g.as_str(),
            "--precision",
            "0.01",
            "--threads",
            threads,
            "--out",
            out,
        ])
        .success();
    }
    assert_eq!(
        dir.read_bytes("one/summary.csv"),
        dir.read_bytes("two/summary.csv")
    );
    let runs = Csv::parse(&dir.read("one/runs.csv")).rows.len();
    assert_eq!(runs % 10_000, 0, "runs come in blocks of 10,000: {runs}");
    let summary = Csv::parse(&dir.read("one/summary.csv"));
    let (m, lo, hi) = (
        summary.col("metric"),
        summary.col("ci_low"),
        summary.col("ci_high"),
    );
    for row in summary.rows.iter().filter(|r| r[m] == "entered") {
        assert!((num(&row[hi]) - num(&row[lo])) / 2.0 <= 0.01, "{row:?}");
    }
    // A limit below what the target needs stops there and says so.
    let ran = dir
        .command([
            "run",
            g.as_str(),
            "--precision",
            "0.001",
            "--max-runs",
            "20000",
            "--out",
            "capped",
        ])
        .success();
    assert!(ran.stderr.contains("--max-runs 20000 reached"), "{ran}");
    assert_eq!(Csv::parse(&dir.read("capped/runs.csv")).rows.len(), 20_000);
    dir.command(["run", g.as_str(), "--precision", "0.7"])
        .failure();
    dir.command(["run", g.as_str(), "--precision", "0.01", "--runs", "5"])
        .failure();
}

#[test]
fn sweep_plots_are_drawn_from_sweep_csv() {
    let dir = Dir::new();
    dir.command([
        "sweep",
        &geneva(),
        "--vary",
        "monitoring.detection=0.5:0.9:3",
        "--runs",
        "1000",
        "--plots",
        "--out",
        "sw",
        "-q",
    ])
    .success();
    let drawn = assert_plot_redraws_sweep(&dir, "sw");
    assert!(
        drawn.contains("<svg") && drawn.contains("Geneva 2016"),
        "{drawn:.200}"
    );
}
