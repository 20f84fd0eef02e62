//! The analyst outputs through the real binary: curves.csv, daily_metrics.csv
//! and the charts are byte-identical whatever the thread count, `plot`
//! redraws exactly what `run --plots` drew, and a directory that is not a
//! results directory gives an error naming the file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_ceasefire");
/// More runs than a block of the batch holds (8192), so that tallies of
/// several blocks and of several tasks within a block are merged.
const MANY_RUNS: &str = "9000";
/// Enough runs for charts with something in them.
const FEW_RUNS: &str = "1000";

fn ceasefire(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary starts")
}

fn ok(args: &[&str]) -> Output {
    let out = ceasefire(args);
    assert!(
        out.status.success(),
        "ceasefire {args:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn fails(args: &[&str]) -> String {
    let out = ceasefire(args);
    assert!(
        !out.status.success(),
        "ceasefire {args:?} should have failed\nstdout:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn run_with_plots(dir: &Path, runs: &str, threads: &str) -> PathBuf {
    let out = dir.join(format!("threads-{threads}"));
    let out_s = out.to_str().unwrap();
    ok(&[
        "run",
        "-q",
        "--plots",
        "--runs",
        runs,
        "--threads",
        threads,
        "--out",
        out_s,
    ]);
    out
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const COMPARED: [&str; 7] = [
    "curves.csv",
    "daily_metrics.csv",
    "summary.csv",
    "daily.csv",
    "occupancy.svg",
    "entry_curves.svg",
    "violence.svg",
];

#[test]
fn outputs_and_charts_do_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let one = run_with_plots(tmp.path(), MANY_RUNS, "1");
    let two = run_with_plots(tmp.path(), MANY_RUNS, "2");
    for name in COMPARED {
        assert!(
            read(&one.join(name)) == read(&two.join(name)),
            "{name} differs between --threads 1 and --threads 2"
        );
    }
}

#[test]
fn plot_redraws_exactly_what_run_drew_and_lists_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run_with_plots(tmp.path(), FEW_RUNS, "2");
    let before: Vec<Vec<u8>> = ["occupancy.svg", "entry_curves.svg", "violence.svg"]
        .iter()
        .map(|n| read(&dir.join(n)))
        .collect();
    for n in ["occupancy.svg", "entry_curves.svg", "violence.svg"] {
        std::fs::remove_file(dir.join(n)).unwrap();
    }
    ok(&["plot", dir.to_str().unwrap()]);
    for (k, n) in ["occupancy.svg", "entry_curves.svg", "violence.svg"]
        .iter()
        .enumerate()
    {
        let svg = read(&dir.join(n));
        assert!(
            svg == before[k],
            "{n} from `plot` differs from `run --plots`"
        );
        let text = String::from_utf8(svg).unwrap();
        assert!(text.starts_with("<svg"), "{n} is not SVG");
        assert!(text.contains("Geneva 2016"), "{n} has no title");
        assert!(
            text.contains("Date (day 0 = Mon 12 Sep 2016)"),
            "{n} has no date axis"
        );
    }
    let manifest = String::from_utf8(read(&dir.join("manifest.json"))).unwrap();
    for name in COMPARED {
        assert!(
            manifest.contains(&format!("\"{name}\"")),
            "manifest lacks {name}"
        );
    }
}

#[test]
fn plot_on_a_directory_missing_a_file_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run_with_plots(tmp.path(), FEW_RUNS, "2");
    std::fs::remove_file(dir.join("curves.csv")).unwrap();
    let err = fails(&["plot", dir.to_str().unwrap()]);
    assert!(err.contains("curves.csv: missing"), "{err}");

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let err = fails(&["plot", empty.to_str().unwrap()]);
    assert!(err.contains("manifest.json: missing"), "{err}");
}

#[test]
fn plot_on_a_damaged_file_names_it_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run_with_plots(tmp.path(), FEW_RUNS, "2");
    for n in ["occupancy.svg", "entry_curves.svg", "violence.svg"] {
        std::fs::remove_file(dir.join(n)).unwrap();
    }
    std::fs::write(dir.join("daily_metrics.csv"), "day,date\n0,nonsense\n").unwrap();
    let err = fails(&["plot", dir.to_str().unwrap()]);
    assert!(
        err.contains("daily_metrics.csv: not a file written by"),
        "{err}"
    );
    assert!(!dir.join("occupancy.svg").exists(), "a chart was written");

    std::fs::write(
        dir.join("daily.csv"),
        "day,date,phase,share,ci_low,ci_high\n0,2016-02-31,truce,1,1,1\n",
    )
    .unwrap();
    let err = fails(&["plot", dir.to_str().unwrap()]);
    assert!(err.contains("daily.csv: date '2016-02-31'"), "{err}");
}
