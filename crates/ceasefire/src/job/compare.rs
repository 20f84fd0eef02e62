//! A paired comparison (`ceasefire compare`): two scenarios, or one and its
//! changes, run by run on the same run seeds.

use std::path::PathBuf;

use super::write::{finish, put, table};
use super::{Execution, JobError, LoadedScenario, Progress, default_dir};
use crate::engine::Batch;
use crate::experiment::{Comparison, compare};
use crate::layout::ResultFile;
use crate::report::experiment::write_comparison;
use crate::store::{Manifest, StagedDir};

/// A comparison, as `ceasefire compare` performs it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CompareJob {
    /// Scenario A.
    pub a: LoadedScenario,
    /// Scenario B (A with changes, or another file).
    pub b: LoadedScenario,
    /// Whether B is another file (rather than A with changes): it names the
    /// default output directory.
    pub b_is_file: bool,
    /// Master seed of both sides.
    pub seed: u64,
    /// Runs of each side.
    pub runs: u64,
    /// Output directory (default: `CompareJob::default_out`).
    pub out: Option<PathBuf>,
    /// Threads and the command line for the manifest.
    pub exec: Execution,
}

/// What a comparison found and wrote.
#[derive(Debug)]
#[non_exhaustive]
pub struct CompareDone {
    /// The directory written.
    pub dir: PathBuf,
    /// The files written.
    pub files: Vec<String>,
    /// Every metric compared.
    pub comparison: Comparison,
    /// The warnings of either scenario, as the manifest records them.
    pub warnings: Vec<String>,
}

impl CompareJob {
    /// A comparison of `runs` runs of `a` and of `b` under the master seed
    /// `seed` (the same runs on both sides), with B taken as A with
    /// changes, the default output directory and execution.
    pub fn new(a: LoadedScenario, b: LoadedScenario, seed: u64, runs: u64) -> Self {
        CompareJob {
            a,
            b,
            b_is_file: false,
            seed,
            runs,
            out: None,
            exec: Execution::default(),
        }
    }

    /// `results/<A stem>-vs-<B stem>[-<B's changes>]/`, B's stem being A's
    /// when B is A with changes: each comparison its own directory. Changes
    /// are spelt `PATH=VALUE` joined by `-` (characters other than letters,
    /// digits and `.=_-` as `_`); a name over 100 characters is cut and ends
    /// with the first 12 hex digits of the SHA-256 of the changes.
    pub(crate) fn default_out(&self) -> PathBuf {
        let b = if self.b_is_file {
            &self.b.stem
        } else {
            &self.a.stem
        };
        let mut name = format!("{}-vs-{b}", self.a.stem);
        let changes = &self.b.source.changes;
        if !changes.is_empty() {
            let spelt: String = changes
                .join("-")
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "._=-".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            name = format!("{name}-{spelt}");
        }
        if name.len() > 100 {
            let digest = crate::store::digest::sha256_hex(changes.join("\n").as_bytes());
            let cut: String = name.chars().take(86).collect();
            name = format!("{cut}-{}", &digest[..12]);
        }
        default_dir(&name)
    }

    /// Runs both sides in memory, writing nothing: every metric compared,
    /// as compare.csv's rows.
    pub fn compare(&self, progress: &dyn Progress) -> Result<Comparison, JobError> {
        let (a, b) = (
            Batch::new(&self.a.scenario, self.seed),
            Batch::new(&self.b.scenario, self.seed),
        );
        progress.start(Some(self.runs));
        let result = self
            .exec
            .install(|| compare(&a, &b, self.runs, &|n| progress.advance(n)));
        progress.finish();
        Ok(result??)
    }

    /// Runs both sides in memory, writing nothing, and returns the bytes of
    /// compare.csv as [`CompareJob::run`] writes it.
    pub fn compare_csv(&self, progress: &dyn Progress) -> Result<Vec<u8>, JobError> {
        Ok(comparison_csv(&self.compare(progress)?)?.1)
    }

    /// Runs both sides and writes compare.csv and the manifest.
    pub fn run(&self, progress: &dyn Progress) -> Result<CompareDone, JobError> {
        let sides = [("A", &self.a), ("B", &self.b)];
        let warnings = sides
            .iter()
            .flat_map(|(side, l)| {
                l.scenario
                    .warnings()
                    .iter()
                    .map(move |w| format!("{side}: {w}"))
            })
            .collect();
        let warnings = self.exec.warnings(warnings)?;
        let dir = self.out.clone().unwrap_or_else(|| self.default_out());
        let mut staged = StagedDir::results(&dir, self.exec.force)?;
        let comparison = self.compare(progress)?;
        let (file, bytes) = comparison_csv(&comparison)?;
        put(&mut staged, file.name(), &bytes)?;
        // The manifest names B's source; A's is in the command line.
        let mut manifest = Manifest::monte_carlo(
            self.b.source.clone(),
            self.seed,
            self.runs,
            &self.exec.command_line,
        );
        manifest.warnings = warnings.clone();
        let files = finish(staged, manifest, vec![file.name().to_string()])?;
        Ok(CompareDone {
            dir,
            files,
            comparison,
            warnings,
        })
    }
}

/// compare.csv of `comparison`.
fn comparison_csv(comparison: &Comparison) -> Result<(ResultFile, Vec<u8>), JobError> {
    table(ResultFile::Compare, |w| {
        write_comparison(&comparison.rows(), w)
    })
}
