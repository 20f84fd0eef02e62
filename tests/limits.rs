//! Documented limits (`ceasefire::scenario::limits`, docs/model.md "Limits"):
//! every value beyond a limit is refused as the scenario is loaded, before
//! any run, with the key, the value and the limit;
//! values at a limit give exact, unwrapped counts; `exact` and
//! `export-prism` refuse oversized tables before allocating them.

use crate::util;

use ceasefire::scenario::limits;
use util::{Csv, Dir, outputs_under};

/// A short valid scenario with convoys, false reports and a window.
const SMALL: &str = include_str!("fixtures/small.toml");

/// [`SMALL`] with `from` (which must occur once) replaced by `to`.
fn small_with(from: &str, to: &str) -> String {
    assert_eq!(SMALL.matches(from).count(), 1, "{from:?} must occur once");
    SMALL.replacen(from, to, 1)
}

/// The library refuses `text` (named `bad.toml`) as it loads it, before
/// any run, with a message containing every one of `says`, which it
/// returns. (`scenario_errors` checks that `check` and `run` print such a
/// refusal and that `run` then writes nothing.)
fn refused(text: &str, says: &[&str]) -> String {
    let msg = util::refusal("bad.toml", text);
    for s in says {
        assert!(msg.contains(s), "expected {s:?} in the message\n{msg}");
    }
    msg
}

#[test]
fn convoys_per_day_above_the_poisson_limit_is_refused_at_check() {
    for value in ["1e17", "1e19", "10000001"] {
        let text = small_with(
            "convoys_per_day = 0.5",
            &format!("convoys_per_day = {value}"),
        );
        let msg = refused(
            &text,
            &["humanitarian.convoys_per_day", "1e7", "bad.toml:15:"],
        );
        assert!(msg.contains("too large"), "{msg}");
    }
}

#[test]
fn false_reports_above_the_poisson_limit_are_refused_at_check() {
    let text = small_with(
        "false_reports_per_day = 0.5",
        "false_reports_per_day = 1e17",
    );
    refused(
        &text,
        &[
            "party 'government' false_reports_per_day = 100000000000000000",
            "1e7",
        ],
    );
}

#[test]
fn an_attack_rate_above_the_limit_is_refused_at_check_not_at_run_time() {
    // Without retaliation, `run` used to refuse this on day 0 as
    // "retaliation is explosive" while `check` passed it.
    let text = small_with("rate = 1.0", "rate = 1e8");
    let msg = refused(&text, &["party 'government' rate = 100000000", "1e7"]);
    assert!(!msg.contains("explosive"), "{msg}");
}

#[test]
fn the_limit_applies_after_rate_multipliers_and_phase_overrides() {
    // 2e6 is allowed alone; a multiplier of 10 makes the mean 2e7.
    let text = small_with("rate = 1.0", "rate = 2e6").replace(
        "id = \"truce\"\n",
        "id = \"truce\"\nrate_multiplier = { government = 10 }\n",
    );
    refused(
        &text,
        &[
            "phase 'truce' rate_multiplier.government = 10",
            "2e7",
            "1e7",
        ],
    );
    // A phase's own convoys are checked; a scenario value that every
    // phase overrides is never drawn.
    let text = SMALL.replace(
        "id = \"collapse\"\n",
        "id = \"collapse\"\nconvoys_per_day = 5e7\n",
    );
    refused(
        &text,
        &["phase 'collapse' convoys_per_day = 50000000", "1e7"],
    );
}

#[test]
fn means_at_the_limit_give_exact_counts_not_wrapped_ones() {
    let text = small_with("convoys_per_day = 0.5", "convoys_per_day = 1e7")
        .replace("rate = 1.0", "rate = 1e7")
        .replace("false_reports_per_day = 0.5", "false_reports_per_day = 1e7");
    let dir = Dir::new();
    let file = dir.write("edge.toml", &text);
    util::run_batch(&dir, &file, "out", 300, &[]);
    let runs = Csv::parse(&dir.read("out/runs.csv"));
    // Every count of a run of at most 10 days is at most 10 × 2²⁴ per
    // source, and the convoys of 10 days at a mean of 1e7 are near 1e8
    // (a wrapped sum would be near 2⁶⁴ or far below).
    for col in ["convoys_delivered", "convoys_blocked", "attacks_government"] {
        for v in runs.column(col) {
            let v: u64 = v.parse().unwrap();
            assert!(v <= 10 * limits::MAX_DRAW, "{col} = {v}");
        }
    }
    let delivered: Vec<u64> = runs
        .column("convoys_delivered")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    let mean = delivered.iter().sum::<u64>() as f64 / delivered.len() as f64;
    // Convoys of days 0 … (at most) 9, 90% delivered: the mean lies
    // between 1 day's and 10 days' worth.
    assert!((0.8e7..=1.0e8).contains(&mean), "mean delivered {mean}");
    let daily = Csv::parse(&dir.read("out/daily_metrics.csv"));
    let (metric, subject, value) = (daily.col("metric"), daily.col("subject"), daily.col("mean"));
    let day0 = daily
        .rows
        .iter()
        .find(|r| r[0] == "0" && r[metric] == "convoys_delivered" && r[subject] == "all")
        .expect("a convoys_delivered row on day 0");
    let m: f64 = day0[value].parse().unwrap();
    // Poisson(1e7) thinned by 0.9: 9e6 ± a few thousand.
    assert!((8.9e6..=9.1e6).contains(&m), "day 0 convoys delivered {m}");
}

#[test]
fn a_run_past_the_year_9999_is_refused_at_check() {
    let text = small_with("start_date = 2016-09-12", "start_date = 9999-12-25");
    refused(
        &text,
        &[
            "scenario.start_date = 9999-12-25",
            "horizon_days = 10",
            "9999-12-31",
        ],
    );
    // The last allowed day is fine.
    let ok = small_with("start_date = 2016-09-12", "start_date = 9999-12-22");
    if let Err(e) = ceasefire::Scenario::from_toml(&ok, "ok.toml") {
        panic!("the last allowed day is refused: {e}");
    }
}

#[test]
fn too_many_parties_or_phases_are_refused_before_allocating() {
    let mut text = SMALL.to_string();
    for i in 0..limits::MAX_PARTIES {
        text.push_str(&format!("\n[[party]]\nid = \"p{i}\"\nrate = 0.1\n"));
    }
    refused(&text, &["[[party]]", "at most 100"]);
    let mut text = SMALL.to_string();
    for i in 0..limits::MAX_PHASES {
        text.push_str(&format!("\n[[phase]]\nid = \"f{i}\"\n"));
    }
    refused(&text, &["[[phase]]", "at most 100"]);
}

#[test]
fn tallies_beyond_the_memory_limit_are_refused_with_what_to_change() {
    // 60 phases over 36,500 days: 24 bytes × 36,500 × 65 cells a day.
    let mut text = small_with("horizon_days = 10", "horizon_days = 36500");
    for i in 0..60 {
        text.push_str(&format!("\n[[phase]]\nid = \"f{i}\"\n"));
    }
    refused(
        &text,
        &[
            "MiB of tallies per worker",
            "36500 days",
            "limit of 32 MiB",
            "horizon_days",
        ],
    );
}

#[test]
fn run_counts_above_the_limit_are_refused() {
    let dir = Dir::new();
    dir.write("s.toml", SMALL);
    let too_many = (limits::MAX_RUNS + 1).to_string();
    for args in [
        vec!["run", "s.toml", "--runs", &too_many, "--out", "out"],
        vec![
            "run",
            "s.toml",
            "--precision",
            "0.01",
            "--max-runs",
            &too_many,
            "--out",
            "out",
        ],
    ] {
        let ran = dir.command(args).failure();
        assert!(
            ran.stderr.contains("at most 100000000000"),
            "the limit is named\n{ran}"
        );
    }
    assert!(outputs_under(&dir.join("out")).is_empty());
}

/// A scenario without retaliation whose compliance tolerance is `tolerance`
/// and whose window threshold is `at_least`.
fn markov(tolerance: &str, at_least: &str) -> String {
    small_with("tolerance = 1", &format!("tolerance = {tolerance}"))
        .replace("at_least = 5", &format!("at_least = {at_least}"))
}

#[test]
fn exact_and_export_prism_refuse_huge_tables_before_allocating() {
    for (tolerance, at_least, size) in [
        ("10000000000", "5", "7.379e19"),
        ("1", "5000000000", "7.379e19"),
        ("1000000", "5", "4.000e12"),
    ] {
        let dir = Dir::new();
        dir.write("m.toml", &markov(tolerance, at_least));
        let exact = dir.command(["exact", "m.toml", "--out", "out"]).failure();
        let prism = dir
            .command(["export-prism", "m.toml", "--out", "m.pm"])
            .failure();
        for ran in [&exact, &prism] {
            for s in [
                size,
                "--max-states 2000000",
                "compliance.tolerance",
                "lower those values",
            ] {
                assert!(ran.stderr.contains(s), "expected {s:?}\n{ran}");
            }
            // Refused, not killed by the allocator.
            assert_eq!(ran.status.code(), Some(1), "{ran}");
        }
        assert!(outputs_under(&dir.join("out")).is_empty());
        assert!(!dir.join("m.pm").exists());
    }
    // A smaller bound refuses what the default accepts, and says so.
    let dir = Dir::new();
    dir.write("m.toml", &markov("1", "5"));
    dir.command(["exact", "m.toml", "--out", "out"]).success();
    let ran = dir
        .command(["exact", "m.toml", "--out", "out2", "--max-states", "10"])
        .failure();
    assert!(ran.stderr.contains("--max-states 10"), "{ran}");
    dir.command(["export-prism", "m.toml", "--out", "m.pm"])
        .success();
    let ran = dir
        .command([
            "export-prism",
            "m.toml",
            "--out",
            "n.pm",
            "--max-states",
            "10",
        ])
        .failure();
    assert!(ran.stderr.contains("--max-states 10"), "{ran}");
}

#[test]
fn a_sweep_design_beyond_the_limit_is_refused_before_allocating() {
    let dir = Dir::new();
    dir.write("s.toml", SMALL);
    for vary in [
        vec!["--vary", "humanitarian.convoys_per_day=0:1:100000000"],
        // 1,000 × 1,000 grid points.
        vec![
            "--vary",
            "humanitarian.convoys_per_day=0:1:1000",
            "--vary",
            "monitoring.detection=0:1:1000",
        ],
    ] {
        let mut args = vec!["sweep", "s.toml", "--out", "out", "--runs", "10"];
        args.extend(vary);
        let ran = dir.command(args).failure();
        assert!(
            ran.stderr.contains("more than the limit of 100000"),
            "the limit is named\n{ran}"
        );
        assert!(outputs_under(&dir.join("out")).is_empty());
    }
    // 2,000 points of a 36,500-day scenario: 11.4 GiB of tallies.
    dir.write(
        "long.toml",
        &small_with("horizon_days = 10", "horizon_days = 36500"),
    );
    let ran = dir
        .command([
            "sweep",
            "long.toml",
            "--vary",
            "humanitarian.convoys_per_day=0:1:2000",
            "--out",
            "out",
            "--runs",
            "10",
        ])
        .failure();
    for s in ["2000 points", "11.4 GiB of tallies", "limit of 4 GiB"] {
        assert!(ran.stderr.contains(s), "expected {s:?}\n{ran}");
    }
    // A design file of too many points, likewise.
    let mut design = String::from("humanitarian.convoys_per_day\n");
    for i in 0..=limits::MAX_DESIGN_POINTS {
        design.push_str(&format!("{}\n", i as f64 / 1e6));
    }
    dir.write("design.csv", &design);
    let ran = dir
        .command([
            "sweep",
            "s.toml",
            "--design",
            "design.csv",
            "--out",
            "out",
            "--runs",
            "10",
        ])
        .failure();
    assert!(
        ran.stderr.contains("more than the limit of 100000"),
        "{ran}"
    );
    assert!(outputs_under(&dir.join("out")).is_empty());
}

#[test]
fn threads_beyond_the_machine_are_capped_with_a_warning_in_the_manifest() {
    let dir = Dir::new();
    let file = dir.write("s.toml", SMALL);
    let many = util::run_batch(&dir, &file, "many", 300, &["--threads", "65535"]);
    assert!(
        many.stderr.contains("--threads 65535 is more than the"),
        "{many}"
    );
    let manifest = dir.read("many/manifest.json");
    assert!(
        manifest.contains("--threads 65535 is more than the"),
        "{manifest}"
    );
    util::run_batch(&dir, &file, "one", 300, &["--threads", "1"]);
    util::assert_same_csvs(&dir, "many", "one");
    let one = dir.read("one/manifest.json");
    assert!(!one.contains("is more than the"), "{one}");
}

#[test]
fn run_and_check_estimate_time_and_output_and_run_refuses_absurd_requests() {
    let dir = Dir::new();
    dir.write("s.toml", SMALL);
    let check = dir.command(["check", "s.toml"]).success();
    assert!(
        check
            .stdout
            .contains("`ceasefire run` estimate from 200 calibration runs: 100000 runs take about"),
        "{check}"
    );
    let ran = dir
        .command(["run", "s.toml", "--runs", "1000", "--out", "ok"])
        .success();
    assert!(ran.stderr.contains("1000 runs take about"), "{ran}");
    assert!(ran.stderr.contains(" and write about "), "{ran}");
    // 10¹¹ runs of 30-odd bytes each are terabytes of runs.csv: refused
    // before anything is written, with what to change.
    let ran = dir
        .command(["run", "s.toml", "--runs", "100000000000", "--out", "big"])
        .failure();
    for s in [
        "TB",
        "beyond the limits of 7.0 days and 50.0 GB",
        "lower --runs",
        "--force",
    ] {
        assert!(ran.stderr.contains(s), "expected {s:?}\n{ran}");
    }
    assert!(outputs_under(&dir.join("big")).is_empty());
}
