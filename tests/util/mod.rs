//! Helpers shared by the integration tests that run the real `ceasefire`
//! binary: a temporary working directory per test, and commands whose
//! failures print everything needed to see what went wrong (the command
//! line, the exit status, stdout and stderr), as ripgrep's `tests/util.rs`
//! does.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// The binary under test, built by Cargo for integration tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_ceasefire");

/// A file of this repository (e.g. `scenarios/geneva-2016.toml`).
pub fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The reference scenarios every command must handle, as file stems.
pub const REFERENCE_SCENARIOS: [&str; 2] = ["geneva-2016", "munich-2016"];

/// The path of reference scenario `stem`.
pub fn reference_scenario(stem: &str) -> PathBuf {
    repo_file(&format!("scenarios/{stem}.toml"))
}

/// SHA-256 of a file's bytes, in lowercase hex.
pub fn sha256_hex(path: &Path) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The CSV files `run` writes (the manifest records the command line, so it
/// legitimately differs between invocations).
pub const CSV_FILES: [&str; 5] = [
    "runs.csv",
    "daily.csv",
    "curves.csv",
    "daily_metrics.csv",
    "summary.csv",
];

/// `ceasefire run SCENARIO --runs RUNS --out OUT --quiet` plus `extra`.
pub fn run_batch(dir: &Dir, scenario: &Path, out: &str, runs: u64, extra: &[&str]) -> Ran {
    let runs = runs.to_string();
    let mut args = vec![
        scenario.to_str().expect("utf-8 path"),
        "--runs",
        &runs,
        "--out",
        out,
        "--quiet",
    ];
    args.extend_from_slice(extra);
    dir.command(std::iter::once("run").chain(args)).success()
}

/// Asserts that the CSV files of two output directories are byte-identical.
pub fn assert_same_csvs(dir: &Dir, a: &str, b: &str) {
    for file in CSV_FILES {
        let (x, y) = (
            dir.read_bytes(Path::new(a).join(file)),
            dir.read_bytes(Path::new(b).join(file)),
        );
        assert!(!x.is_empty(), "{a}/{file} is empty");
        assert!(x == y, "{a}/{file} and {b}/{file} differ");
    }
}

/// The arguments of `ceasefire discover SWEEP` for the points where more
/// than half the runs enter collapse, written into `out`.
pub fn discover_collapse<'a>(sweep: &'a str, out: &'a str) -> [&'a str; 8] {
    [
        "discover",
        sweep,
        "--outcome",
        "entered:collapse",
        "--above",
        "0.5",
        "--out",
        out,
    ]
}

/// Asserts that `ceasefire plot` redraws the sweep chart of the sweep
/// directory `sweep` byte for byte, after removing it, and returns the chart.
pub fn assert_plot_redraws_sweep(dir: &Dir, sweep: &str) -> String {
    let chart = Path::new(sweep).join("sweep.svg");
    let drawn = dir.read(&chart);
    fs::remove_file(dir.join(&chart)).unwrap();
    dir.command(["plot", sweep]).success();
    assert_eq!(dir.read(&chart), drawn, "plot redraws the same chart");
    drawn
}

/// A temporary directory that is the working directory of every command a
/// test runs, removed when the test ends.
pub struct Dir {
    tmp: TempDir,
}

impl Dir {
    /// A fresh, empty directory.
    pub fn new() -> Dir {
        let tmp = tempfile::Builder::new()
            .prefix("ceasefire-test-")
            .tempdir()
            .expect("cannot create a temporary directory");
        Dir { tmp }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// `name` inside the directory.
    pub fn join(&self, name: impl AsRef<Path>) -> PathBuf {
        self.path().join(name)
    }

    /// Writes `contents` to `name` inside the directory and returns its path.
    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.join(name);
        fs::write(&path, contents)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }

    /// Reads `name` (relative to the directory) as text.
    pub fn read(&self, name: impl AsRef<Path>) -> String {
        let path = self.join(name);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Reads `name` (relative to the directory) as bytes.
    pub fn read_bytes(&self, name: impl AsRef<Path>) -> Vec<u8> {
        let path = self.join(name);
        fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// A `ceasefire` command with `args`, run in this directory.
    pub fn command<I, S>(&self, args: I) -> TestCommand
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new(BIN);
        cmd.args(args).current_dir(self.path());
        TestCommand { cmd }
    }
}

/// A command of the binary under test.
pub struct TestCommand {
    cmd: Command,
}

impl TestCommand {
    /// The underlying command (to add arguments or pipes).
    pub fn cmd(&mut self) -> &mut Command {
        &mut self.cmd
    }

    /// Runs the command to completion, whatever its exit status.
    pub fn output(&mut self) -> Ran {
        let out = self
            .cmd
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", describe(&self.cmd)));
        Ran {
            command: describe(&self.cmd),
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs the command and panics, showing everything, unless it succeeds.
    pub fn success(&mut self) -> Ran {
        let ran = self.output();
        assert!(
            ran.status.success(),
            "command was expected to succeed\n{ran}"
        );
        ran
    }

    /// Runs the command and panics, showing everything, unless it fails with
    /// a non-zero exit code (a crash by signal is not an orderly failure).
    pub fn failure(&mut self) -> Ran {
        let ran = self.output();
        assert!(
            !ran.status.success() && ran.status.code().is_some(),
            "command was expected to fail with a non-zero exit code\n{ran}"
        );
        ran
    }
}

/// The command line of `cmd`, quoted enough to be read back.
fn describe(cmd: &Command) -> String {
    let mut s = String::new();
    if let Some(dir) = cmd.get_current_dir() {
        s.push_str(&format!("(in {}) ", dir.display()));
    }
    s.push_str(&cmd.get_program().to_string_lossy());
    for arg in cmd.get_args() {
        s.push_str(&format!(" {:?}", arg.to_string_lossy()));
    }
    s
}

/// A finished command: what ran, how it ended and what it printed.
pub struct Ran {
    /// The command line.
    pub command: String,
    /// Exit status.
    pub status: ExitStatus,
    /// Standard output, decoded lossily.
    pub stdout: String,
    /// Standard error, decoded lossily.
    pub stderr: String,
}

impl fmt::Display for Ran {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "command: {}", self.command)?;
        writeln!(f, "status: {}", self.status)?;
        writeln!(f, "---- stdout ----\n{}", self.stdout)?;
        write!(f, "---- stderr ----\n{}", self.stderr)
    }
}

/// Every file under `dir` (recursively) whose name ends in `.csv`,
/// `.partial` or is `manifest.json`: what a failed command must not leave
/// behind. Empty if `dir` does not exist.
pub fn outputs_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("readable directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if name.ends_with(".csv") || name.ends_with(".partial") || name == "manifest.json" {
                found.push(path);
            }
        }
    }
    found
}

/// A CSV file: its header and its records, as text.
pub struct Csv {
    /// Column names.
    pub header: Vec<String>,
    /// Records, field by field.
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    /// Parses CSV text with a header line.
    pub fn parse(text: &str) -> Csv {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .expect("a header")
            .iter()
            .map(String::from)
            .collect();
        let rows = reader
            .records()
            .map(|r| {
                r.expect("a well-formed record")
                    .iter()
                    .map(String::from)
                    .collect()
            })
            .collect();
        Csv { header, rows }
    }

    /// Index of a column, panicking with the header if it is missing.
    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {:?}", self.header))
    }

    /// Every value of a column.
    pub fn column(&self, name: &str) -> Vec<&str> {
        let c = self.col(name);
        self.rows.iter().map(|r| r[c].as_str()).collect()
    }
}

/// `sc` with `changes` (`PATH=VALUE`) applied and validated again.
pub fn changed(sc: &ceasefire::Scenario, changes: &[String]) -> ceasefire::Scenario {
    let changes: Vec<ceasefire::scenario::paths::Assignment> = changes
        .iter()
        .map(|c| c.parse().unwrap_or_else(|e| panic!("{c}: {e}")))
        .collect();
    sc.with(&changes)
        .unwrap_or_else(|e| panic!("{changes:?} refused: {e}"))
}

/// `sc` with every retaliation coefficient set to 0: its Markov variant.
pub fn without_retaliation(sc: &ceasefire::Scenario) -> ceasefire::Scenario {
    let mut changes = Vec::new();
    for p in sc.parties() {
        for &(q, _) in &p.retaliation {
            let q = &sc.parties()[q].id;
            changes.push(format!("party.{}.retaliation.{q}=0", p.id));
        }
    }
    changed(sc, &changes)
}

/// `sc` with every phase's monitoring and convoy keys set to the
/// scenario-level values: the same in every phase, as in model v1.
pub fn same_in_every_phase(sc: &ceasefire::Scenario) -> ceasefire::Scenario {
    let h = sc.humanitarian();
    let mut changes = Vec::new();
    for ph in sc.phases() {
        for (key, value) in [
            ("detection", sc.detection()),
            ("convoys_per_day", h.convoys_per_day),
            ("block_probability", h.block_probability),
            ("block_probability_violent", h.block_probability_violent),
        ] {
            changes.push(format!("phase.{}.{key}={value:?}", ph.id));
        }
    }
    changed(sc, &changes)
}

/// The library's refusal of scenario `text` named `file` with `changes`
/// (`PATH=VALUE`), as the command line prints it after `error: `. Panics
/// if the scenario is accepted.
pub fn refusal_with(file: &str, text: &str, changes: &[&str]) -> String {
    let changes: Vec<ceasefire::scenario::paths::Assignment> = changes
        .iter()
        .map(|c| c.parse().unwrap_or_else(|e| panic!("{c}: {e}")))
        .collect();
    match ceasefire::LoadedScenario::from_text(text.into(), file.into(), "s".into(), &changes) {
        Ok(_) => panic!("{file} was accepted"),
        Err(e) => e.to_string(),
    }
}

/// [`refusal_with`] without changes.
pub fn refusal(file: &str, text: &str) -> String {
    refusal_with(file, text, &[])
}

/// The warnings the library gives for scenario `text` named `file`, which
/// it accepts; `check` and `run` print each after `warning: `.
pub fn warnings(file: &str, text: &str) -> Vec<String> {
    ceasefire::Scenario::from_toml(text, file)
        .unwrap_or_else(|e| panic!("{file} refused: {e}"))
        .warnings()
        .to_vec()
}
