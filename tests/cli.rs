//! The `ceasefire` binary end to end: `run`, `trace` and `check` on the
//! reference scenarios, in a temporary working directory per test.
//!
//! Expected headers are derived from the ids the scenario file declares
//! (read here with the `toml` crate, not with the library), so that a test
//! fails if the binary's columns drift from the scenario.

use crate::util;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use chrono::NaiveDate;
use util::{
    CSV_FILES, Csv, Dir, REFERENCE_SCENARIOS, assert_same_csvs, outputs_under, reference_scenario,
    run_batch, sha256_hex,
};

/// Runs per batch: enough for every phase of the reference scenarios to be
/// entered by some run, few enough to be quick in a debug build.
const RUNS: u64 = 300;

/// Daily shares of a day must sum to 1 up to rounding of one division per
/// phase.
const SHARE_SUM_TOLERANCE: f64 = 1e-9;

/// A share's 95% interval must contain it. The Wilson bounds at a share of
/// exactly 0 or 1 come out one rounding error inside (an upper bound of
/// 0.9999999999999999 for a share of 1), which is not worth failing on.
const INTERVAL_TOLERANCE: f64 = 1e-12;

/// A mean recomputed from runs.csv agrees with summary.csv up to float
/// rounding of a sum of a few hundred integers.
const MEAN_TOLERANCE: f64 = 1e-9;

/// The files `run` writes.
const RUN_FILES: [&str; 6] = [
    "runs.csv",
    "daily.csv",
    "curves.csv",
    "daily_metrics.csv",
    "summary.csv",
    "manifest.json",
];

/// What a scenario file declares, read straight from its TOML.
#[derive(Debug)]
struct Declared {
    start_date: NaiveDate,
    horizon_days: usize,
    initial_phase: String,
    phases: Vec<String>,
    parties: Vec<String>,
    bound_parties: Vec<String>,
}

fn declared(path: &Path) -> Declared {
    let text = std::fs::read_to_string(path).expect("readable scenario");
    let table: toml::Table = text.parse().expect("a reference scenario is valid TOML");
    let header = table["scenario"].as_table().expect("[scenario]");
    let date = header["start_date"].as_datetime().expect("start_date");
    let ids = |key: &str| -> Vec<&toml::Table> {
        table[key]
            .as_array()
            .expect("array of tables")
            .iter()
            .map(|t| t.as_table().expect("table"))
            .collect()
    };
    let id = |t: &toml::Table| t["id"].as_str().expect("id").to_string();
    let parties = ids("party");
    Declared {
        start_date: NaiveDate::parse_from_str(&date.to_string(), "%Y-%m-%d").expect("plain date"),
        horizon_days: header["horizon_days"].as_integer().expect("horizon") as usize,
        initial_phase: header["initial_phase"].as_str().expect("initial").into(),
        phases: ids("phase").into_iter().map(id).collect(),
        parties: parties.iter().map(|t| id(t)).collect(),
        bound_parties: parties
            .iter()
            .filter(|t| t.get("bound").and_then(|b| b.as_bool()).unwrap_or(true))
            .map(|t| id(t))
            .collect(),
    }
}

fn number(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} is not a number: {e}"))
}

fn count(s: &str) -> u64 {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} is not a count: {e}"))
}

#[test]
fn run_writes_its_files_and_nothing_else() {
    for stem in REFERENCE_SCENARIOS {
        let dir = Dir::new();
        let ran = run_batch(&dir, &reference_scenario(stem), "out", RUNS, &[]);
        let mut names: Vec<String> = std::fs::read_dir(dir.join("out"))
            .expect("the output directory exists")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected: Vec<String> = RUN_FILES.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(
            names, expected,
            "{stem}: files in the output directory\n{ran}"
        );
        assert!(
            ran.stdout.contains("wrote out"),
            "{stem}: run should say where it wrote\n{ran}"
        );
    }
}

#[test]
fn runs_csv_has_one_row_per_run_in_run_order_with_the_declared_columns() {
    for stem in REFERENCE_SCENARIOS {
        let path = reference_scenario(stem);
        let d = declared(&path);
        let dir = Dir::new();
        run_batch(&dir, &path, "out", RUNS, &[]);
        let runs = Csv::parse(&dir.read("out/runs.csv"));

        let mut expected = vec!["run".to_string(), "final_phase".to_string()];
        expected.extend(d.phases.iter().map(|p| format!("entered_{p}")));
        expected.extend(d.parties.iter().map(|p| format!("attacks_{p}")));
        expected.extend(d.bound_parties.iter().map(|p| format!("reported_{p}")));
        expected.extend(["convoys_delivered".into(), "convoys_blocked".into()]);
        assert_eq!(runs.header, expected, "{stem}: runs.csv header");

        assert_eq!(runs.rows.len() as u64, RUNS, "{stem}: one row per run");
        for (i, run) in runs.column("run").into_iter().enumerate() {
            assert_eq!(run, i.to_string(), "{stem}: runs.csv is in run order");
        }
        let initial = format!("entered_{}", d.initial_phase);
        assert!(
            runs.column(&initial).iter().all(|e| *e == "0"),
            "{stem}: every run enters the initial phase on day 0"
        );
        for (i, row) in runs.rows.iter().enumerate() {
            let final_phase = &row[runs.col("final_phase")];
            assert!(
                d.phases.contains(final_phase),
                "{stem}: run {i} ends in undeclared phase {final_phase:?}"
            );
            // The final phase was entered, on a day within the horizon.
            let entered = &row[runs.col(&format!("entered_{final_phase}"))];
            assert!(
                !entered.is_empty() && (count(entered) as usize) < d.horizon_days,
                "{stem}: run {i} ends in {final_phase} but entered it on {entered:?}"
            );
        }
    }
}

#[test]
fn daily_csv_has_every_day_and_phase_and_shares_sum_to_one() {
    for stem in REFERENCE_SCENARIOS {
        let path = reference_scenario(stem);
        let d = declared(&path);
        let dir = Dir::new();
        run_batch(&dir, &path, "out", RUNS, &[]);
        let daily = Csv::parse(&dir.read("out/daily.csv"));
        assert_eq!(
            daily.header,
            ["day", "date", "phase", "share", "ci_low", "ci_high"],
            "{stem}: daily.csv header"
        );
        assert_eq!(
            daily.rows.len(),
            d.horizon_days * d.phases.len(),
            "{stem}: horizon_days × phases rows"
        );
        for (day, rows) in daily.rows.chunks(d.phases.len()).enumerate() {
            let date = (d.start_date + chrono::Days::new(day as u64)).to_string();
            let mut sum = 0.0;
            for (row, phase) in rows.iter().zip(&d.phases) {
                assert_eq!(row[0], day.to_string(), "{stem}: day column");
                assert_eq!(row[1], date, "{stem}: date of day {day}");
                assert_eq!(&row[2], phase, "{stem}: phases in declared order");
                let (share, low, high) = (number(&row[3]), number(&row[4]), number(&row[5]));
                assert!(
                    (0.0..=1.0).contains(&share)
                        && low <= share + INTERVAL_TOLERANCE
                        && share <= high + INTERVAL_TOLERANCE,
                    "{stem}: day {day} {phase}: share {share} outside [{low}, {high}]"
                );
                sum += share;
            }
            assert!(
                (sum - 1.0).abs() <= SHARE_SUM_TOLERANCE,
                "{stem}: shares of day {day} sum to {sum}"
            );
        }
        let first = &daily.rows[d.phases.iter().position(|p| *p == d.initial_phase).unwrap()];
        assert_eq!(number(&first[3]), 1.0, "{stem}: day 0 is the initial phase");
    }
}

#[test]
fn summary_csv_has_phase_metrics_that_agree_with_runs_csv() {
    for stem in REFERENCE_SCENARIOS {
        let path = reference_scenario(stem);
        let d = declared(&path);
        let dir = Dir::new();
        run_batch(&dir, &path, "out", RUNS, &[]);
        let summary = Csv::parse(&dir.read("out/summary.csv"));
        let runs = Csv::parse(&dir.read("out/runs.csv"));
        let daily = Csv::parse(&dir.read("out/daily.csv"));
        assert_eq!(
            summary.header,
            ["metric", "subject", "estimate", "ci_low", "ci_high", "runs"],
            "{stem}: summary.csv header"
        );
        let rows: BTreeMap<(&str, &str), &Vec<String>> = summary
            .rows
            .iter()
            .map(|r| ((r[0].as_str(), r[1].as_str()), r))
            .collect();
        let n = RUNS as f64;
        let last_day = &daily.rows[(d.horizon_days - 1) * d.phases.len()..];
        for (k, phase) in d.phases.iter().enumerate() {
            let get = |metric: &'static str| {
                rows.get(&(metric, phase.as_str()))
                    .unwrap_or_else(|| panic!("{stem}: no {metric} row for phase {phase}"))
            };
            let entered_days: Vec<u64> = runs
                .column(&format!("entered_{phase}"))
                .into_iter()
                .filter(|e| !e.is_empty())
                .map(count)
                .collect();
            let at_end = runs
                .column("final_phase")
                .into_iter()
                .filter(|f| f == phase)
                .count();

            let entered = get("entered");
            assert_eq!(
                number(&entered[2]),
                entered_days.len() as f64 / n,
                "{stem}: entered {phase}"
            );
            assert_eq!(entered[5], RUNS.to_string(), "{stem}: entered {phase} runs");

            let end = get("in_phase_at_end");
            assert_eq!(
                number(&end[2]),
                at_end as f64 / n,
                "{stem}: in_phase_at_end {phase}"
            );
            // The last day of daily.csv says the same.
            assert_eq!(
                number(&last_day[k][3]),
                at_end as f64 / n,
                "{stem}: daily share of {phase} on the last day"
            );

            let mean = get("entry_day_mean");
            assert_eq!(
                mean[5],
                entered_days.len().to_string(),
                "{stem}: entry_day_mean of {phase} rests on the runs that entered it"
            );
            if entered_days.is_empty() {
                assert_eq!(mean[2], "", "{stem}: no mean entry day of {phase}");
            } else {
                let expected = entered_days.iter().sum::<u64>() as f64 / entered_days.len() as f64;
                let got = number(&mean[2]);
                assert!(
                    (got - expected).abs() <= MEAN_TOLERANCE * expected.max(1.0),
                    "{stem}: entry_day_mean of {phase} is {got}, runs.csv gives {expected}"
                );
            }
        }
    }
}

#[test]
fn every_phase_of_the_reference_scenarios_is_entered_by_some_run() {
    // Without this, the summary test above could pass on empty columns.
    for stem in REFERENCE_SCENARIOS {
        let path = reference_scenario(stem);
        let d = declared(&path);
        let dir = Dir::new();
        run_batch(&dir, &path, "out", RUNS, &[]);
        let runs = Csv::parse(&dir.read("out/runs.csv"));
        for phase in &d.phases {
            assert!(
                runs.column(&format!("entered_{phase}"))
                    .iter()
                    .any(|e| !e.is_empty()),
                "{stem}: no run of {RUNS} entered {phase}"
            );
        }
    }
}

#[test]
fn manifest_records_seed_runs_files_and_the_hash_of_the_scenario_bytes() {
    for stem in REFERENCE_SCENARIOS {
        let path = reference_scenario(stem);
        let dir = Dir::new();
        run_batch(&dir, &path, "out", 123, &["--seed", "4242"]);
        let text = dir.read("out/manifest.json");
        let m: serde_json::Value = serde_json::from_str(&text).expect("manifest is JSON");
        assert_eq!(m["seed"], 4242, "{stem}: seed\n{text}");
        assert_eq!(m["runs"], 123, "{stem}: runs\n{text}");
        assert_eq!(
            m["scenario"]["sha256"].as_str(),
            Some(sha256_hex(&path).as_str()),
            "{stem}: the hash of the scenario file's bytes\n{text}"
        );
        assert_eq!(
            m["scenario"]["path"].as_str(),
            path.to_str(),
            "{stem}: path as given\n{text}"
        );
        let files: Vec<&str> = m["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|f| f.as_str().expect("file name"))
            .collect();
        assert_eq!(files, RUN_FILES, "{stem}: files\n{text}");
        for krate in ["rand", "rand_chacha", "rand_core", "statrs"] {
            let v = m["versions"][krate].as_str().unwrap_or("");
            assert!(
                !v.is_empty() && v != "unknown",
                "{stem}: version of {krate} is {v:?}\n{text}"
            );
        }
    }
}

#[test]
fn thread_count_does_not_change_any_csv() {
    for stem in REFERENCE_SCENARIOS {
        let path = reference_scenario(stem);
        let dir = Dir::new();
        // More runs than one rayon task takes, so that two threads really
        // split the batch.
        run_batch(&dir, &path, "one", 1000, &["--threads", "1"]);
        run_batch(&dir, &path, "two", 1000, &["--threads", "2"]);
        assert_same_csvs(&dir, "one", "two");
    }
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_does_not() {
    let path = reference_scenario("munich-2016");
    let dir = Dir::new();
    run_batch(&dir, &path, "a", RUNS, &["--seed", "11"]);
    run_batch(&dir, &path, "b", RUNS, &["--seed", "11"]);
    run_batch(&dir, &path, "c", RUNS, &["--seed", "12"]);
    assert_same_csvs(&dir, "a", "b");
    for file in CSV_FILES {
        assert!(
            dir.read_bytes(Path::new("a").join(file)) != dir.read_bytes(Path::new("c").join(file)),
            "seeds 11 and 12 give the same {file}"
        );
    }
}

#[test]
fn a_run_does_not_depend_on_the_batch_it_is_in() {
    // MODEL.md: run i draws only from (seed, i). The first rows of a small
    // batch are the first rows of a larger one.
    let path = reference_scenario("geneva-2016");
    let dir = Dir::new();
    run_batch(&dir, &path, "small", 50, &[]);
    run_batch(&dir, &path, "large", RUNS, &[]);
    let small = dir.read("small/runs.csv");
    let large = dir.read("large/runs.csv");
    let lines = small.lines().count();
    assert_eq!(lines, 51, "header and 50 runs");
    let prefix: Vec<&str> = large.lines().take(lines).collect();
    assert_eq!(small.lines().collect::<Vec<_>>(), prefix);
}

/// Checks that `trace --run i` reproduces row `i` of runs.csv: totals of
/// attacks, reported violations and convoys, entry days and final phase.
fn assert_trace_matches_runs_csv(stem: &str, seed: &str, indices: &[usize]) {
    let path = reference_scenario(stem);
    let d = declared(&path);
    let dir = Dir::new();
    run_batch(&dir, &path, "out", RUNS, &["--seed", seed]);
    let runs = Csv::parse(&dir.read("out/runs.csv"));
    for &i in indices {
        let ran = dir
            .command([
                "trace",
                path.to_str().unwrap(),
                "--run",
                &i.to_string(),
                "--seed",
                seed,
            ])
            .success();
        let trace = Csv::parse(&ran.stdout);
        let row = &runs.rows[i];
        let cell = |name: &str| row[runs.col(name)].as_str();
        let total = |name: &str| -> u64 { trace.column(name).into_iter().map(count).sum() };
        assert_eq!(
            trace.rows.len(),
            d.horizon_days,
            "{stem} run {i}: one trace row per day"
        );
        let mut checked = Vec::new();
        for p in &d.parties {
            checked.push(format!("attacks_{p}"));
        }
        for p in &d.bound_parties {
            checked.push(format!("reported_{p}"));
        }
        checked.extend(["convoys_delivered".into(), "convoys_blocked".into()]);
        for name in &checked {
            assert_eq!(
                total(name),
                count(cell(name)),
                "{stem} seed {seed} run {i}: total {name} of the trace and runs.csv"
            );
        }
        let phases = trace.column("phase");
        for phase in &d.phases {
            let first = phases
                .iter()
                .position(|p| p == phase)
                .map(|day| day.to_string())
                .unwrap_or_default();
            assert_eq!(
                first,
                cell(&format!("entered_{phase}")),
                "{stem} seed {seed} run {i}: entry day of {phase}"
            );
        }
        assert_eq!(
            phases.last().copied(),
            Some(cell("final_phase")),
            "{stem} seed {seed} run {i}: final phase"
        );
    }
}

#[test]
fn trace_of_run_i_reproduces_row_i_of_runs_csv() {
    for stem in REFERENCE_SCENARIOS {
        assert_trace_matches_runs_csv(stem, "20160912", &[0, 1, 7, 100, RUNS as usize - 1]);
    }
}

#[test]
fn trace_reproduces_runs_of_a_non_default_seed() {
    assert_trace_matches_runs_csv("munich-2016", "99", &[3, 250]);
}

#[test]
fn trace_out_dash_writes_to_stdout_what_trace_out_file_writes() {
    let path = reference_scenario("munich-2016");
    let d = declared(&path);
    let dir = Dir::new();
    let p = path.to_str().unwrap();
    let stdout = dir
        .command(["trace", p, "--run", "5", "--out", "-"])
        .success();
    let to_file = dir
        .command(["trace", p, "--run", "5", "--out", "trace.csv"])
        .success();
    assert!(
        to_file.stdout.is_empty(),
        "trace to a file prints nothing\n{to_file}"
    );
    assert!(
        !dir.join("-").exists(),
        "--out - must not create a file '-'"
    );
    assert_eq!(
        stdout.stdout,
        dir.read("trace.csv"),
        "stdout and file differ"
    );
    let trace = Csv::parse(&stdout.stdout);
    assert_eq!(&trace.header[..3], ["day", "date", "phase"]);
    assert_eq!(trace.rows.len(), d.horizon_days, "one row per day");
    assert_eq!(outputs_under(dir.path()), vec![dir.join("trace.csv")]);
}

#[test]
fn trace_into_a_closed_pipe_is_not_an_error() {
    // A trace of many days is far larger than a pipe's buffer, so the
    // binary is still writing when the reader goes away (`trace | head -1`).
    let dir = Dir::new();
    let long = std::fs::read_to_string(reference_scenario("geneva-2016"))
        .unwrap()
        .replace("horizon_days = 60", "horizon_days = 36500");
    assert!(long.contains("horizon_days = 36500"));
    let path = dir.write("long.toml", &long);
    let mut cmd = dir.command(["trace", path.to_str().unwrap(), "--run", "0"]);
    let mut child = cmd
        .cmd()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("a first line");
    // The reader is dropped here, closing the pipe.
    let out = child.wait_with_output().expect("wait");
    assert!(first.starts_with("day,date,phase,"), "first line {first:?}");
    assert!(
        out.status.success(),
        "a closed pipe must not be an error: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_accepts_the_reference_scenarios_without_warnings() {
    let dir = Dir::new();
    let paths: Vec<String> = REFERENCE_SCENARIOS
        .iter()
        .map(|s| reference_scenario(s).to_str().unwrap().to_string())
        .collect();
    let ran = dir
        .command(std::iter::once("check".to_string()).chain(paths.iter().cloned()))
        .success();
    for (stem, path) in REFERENCE_SCENARIOS.iter().zip(&paths) {
        assert!(
            ran.stdout.contains(&format!("{path}: ok")),
            "{stem} not reported ok\n{ran}"
        );
        for phase in declared(Path::new(path)).phases {
            assert!(
                ran.stdout.contains(&phase),
                "{stem}: {phase} not described\n{ran}"
            );
        }
    }
    assert!(
        !ran.stdout.contains("warning") && !ran.stderr.contains("warning"),
        "reference scenarios must have no warnings\n{ran}"
    );
}

#[test]
fn check_fails_on_a_bad_scenario_among_good_ones_and_names_it() {
    let dir = Dir::new();
    let good = reference_scenario("geneva-2016");
    let bad_text = std::fs::read_to_string(&good)
        .unwrap()
        .replace("horizon_days = 60", "horizon_days = -60");
    assert!(bad_text.contains("horizon_days = -60"));
    dir.write("bad.toml", &bad_text);
    let ran = dir
        .command(["check", good.to_str().unwrap(), "bad.toml"])
        .failure();
    assert!(
        ran.stdout.contains(&format!("{}: ok", good.display())),
        "the good file is still checked\n{ran}"
    );
    assert!(
        ran.stderr.contains("bad.toml:") && ran.stderr.contains("horizon_days = -60"),
        "the bad file and value are named\n{ran}"
    );
    assert!(
        ran.stderr.contains("1 of 2 scenario files have errors"),
        "a count of failures\n{ran}"
    );
}

#[test]
fn check_fails_on_a_missing_file() {
    let dir = Dir::new();
    let ran = dir.command(["check", "nowhere.toml"]).failure();
    assert!(ran.stderr.contains("nowhere.toml"), "{ran}");
}

#[test]
fn run_without_a_scenario_writes_the_builtin_geneva_results_into_the_cwd() {
    let dir = Dir::new();
    let ran = dir.command(["run", "--runs", "2000", "--quiet"]).success();
    let out = dir.join("results/geneva-2016");
    for file in RUN_FILES {
        assert!(
            out.join(file).is_file(),
            "results/geneva-2016/{file} missing\n{ran}"
        );
    }
    let m: serde_json::Value =
        serde_json::from_str(&dir.read("results/geneva-2016/manifest.json")).unwrap();
    assert_eq!(m["runs"], 2000);
    assert_eq!(m["scenario"]["path"], "built-in:geneva-2016.toml");
    // The built-in scenario is the reference file, byte for byte.
    assert_eq!(
        m["scenario"]["sha256"].as_str(),
        Some(sha256_hex(&reference_scenario("geneva-2016")).as_str())
    );
    // And gives the same runs as the file.
    run_batch(&dir, &reference_scenario("geneva-2016"), "file", 2000, &[]);
    assert_same_csvs(&dir, "results/geneva-2016", "file");
}

#[test]
fn run_with_a_scenario_defaults_to_results_slash_its_stem() {
    let dir = Dir::new();
    let text = std::fs::read_to_string(reference_scenario("munich-2016")).unwrap();
    dir.write("my-agreement.toml", &text);
    let ran = dir
        .command(["run", "my-agreement.toml", "--runs", "50", "--quiet"])
        .success();
    for file in RUN_FILES {
        assert!(
            dir.join("results/my-agreement").join(file).is_file(),
            "results/my-agreement/{file} missing\n{ran}"
        );
    }
}

#[test]
fn run_prints_a_line_per_phase_and_warnings_unless_quiet() {
    let path = reference_scenario("munich-2016");
    let d = declared(&path);
    let dir = Dir::new();
    let ran = dir
        .command(["run", path.to_str().unwrap(), "--runs", "50", "--out", "o"])
        .success();
    assert!(
        ran.stdout
            .contains("Munich 2016: 50 runs of 120 days from 2016-02-12"),
        "{ran}"
    );
    for phase in &d.phases {
        assert!(
            ran.stdout.lines().any(|l| l.starts_with(phase.as_str())),
            "no line for {phase}\n{ran}"
        );
    }
}

#[test]
fn run_refuses_zero_runs_and_zero_threads_without_writing() {
    let path = reference_scenario("geneva-2016");
    let p = path.to_str().unwrap();
    for args in [
        vec!["run", p, "--runs", "0", "--out", "o"],
        vec!["run", p, "--runs", "10", "--threads", "0", "--out", "o"],
    ] {
        let dir = Dir::new();
        let ran = dir.command(&args).failure();
        assert!(ran.stderr.contains("0"), "{ran}");
        assert!(outputs_under(dir.path()).is_empty(), "output left\n{ran}");
    }
}

/// Issue 14: every --help ends with examples.
#[test]
fn every_help_ends_with_examples() {
    let dir = Dir::new();
    let commands = [
        "run",
        "check",
        "trace",
        "plot",
        "sweep",
        "compare",
        "exact",
        "export-prism",
        "merge",
        "sensitivity",
        "discover",
        "fit",
        "counts",
    ];
    let top = dir.command(["--help"]).success();
    assert!(top.stdout.contains("EXAMPLES:"), "{top}");
    for c in commands {
        let ran = dir.command([c, "--help"]).success();
        let examples = ran.stdout.rfind("EXAMPLES:");
        assert!(examples.is_some(), "{c} --help has no EXAMPLES\n{ran}");
        let rest = &ran.stdout[examples.unwrap()..];
        assert!(
            rest.contains(&format!("ceasefire {c}")),
            "{c}: no example of itself\n{ran}"
        );
    }
}

/// Issue 14: command-line mistakes are answered in the user's words.
#[test]
fn bad_runs_and_seeds_say_what_is_allowed() {
    let dir = Dir::new();
    let ran = dir.command(["run", "--runs", "0", "--out", "o"]).failure();
    assert!(
        ran.stderr.contains("a whole number of runs, 1 or more"),
        "{ran}"
    );
    assert!(!ran.stderr.contains("non-zero type"), "{ran}");
    let ran = dir.command(["run", "--seed", "-1", "--out", "o"]).failure();
    assert!(ran.stderr.contains("2^64 - 1"), "{ran}");
    assert!(!ran.stderr.contains("tip: to pass"), "{ran}");
    assert!(outputs_under(dir.path()).is_empty(), "output left\n{ran}");
}
