//! Exact answers (`ceasefire exact`) for a scenario without retaliation,
//! written in the schemas of a batch of runs, and optionally a batch
//! compared against them.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::options::Opt;
use crate::stats::Estimate;

use super::write::{tables, write_tables};
use super::{Execution, JobError, LoadedScenario, default_dir};
use crate::engine::Batch;
use crate::exact::{self, DEFAULT_MAX_LOSS, DEFAULT_MAX_STATES, Solution, SolveOptions};
use crate::layout::ResultFile;
use crate::stats::solution::{Deviation, deviations, largest_deviation};
use crate::store::{Manifest, StagedDir};

/// Largest deviation of a check, in standard errors, that still passes:
/// with a few hundred (correlated) comparisons, chance alone exceeds 4.5 SE
/// less than once in a thousand checks.
pub const CHECK_MAX_SE: f64 = 4.5;

/// A batch of runs to compare with the exact answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExactCheck {
    /// Runs of the batch.
    pub runs: u64,
    /// Its master seed.
    pub seed: u64,
}

/// Exact answers, as `ceasefire exact` computes them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExactJob {
    /// The scenario (no party may retaliate).
    pub loaded: LoadedScenario,
    /// Largest probability mass the solution may lose to rounding.
    pub max_loss: f64,
    /// Largest number of chain states to build.
    pub max_states: usize,
    /// Also compare a batch of runs.
    pub check: Option<ExactCheck>,
    /// Also draw the charts of `ceasefire plot`.
    pub plots: bool,
    /// Output directory (default: `ExactJob::default_out`).
    pub out: Option<PathBuf>,
    /// Threads (of the check) and the command line for the manifest.
    pub exec: Execution,
}

/// The outcome of a check.
#[derive(Debug)]
#[non_exhaustive]
pub struct CheckOutcome {
    /// The batch.
    pub check: ExactCheck,
    /// Every comparison (share in each phase, share entered by each day).
    pub deviations: Vec<Deviation>,
}

impl CheckOutcome {
    /// The largest judged deviation.
    pub fn worst(&self) -> Option<&Deviation> {
        largest_deviation(&self.deviations)
    }

    /// Whether the runs stay within [`CHECK_MAX_SE`] of the exact answers.
    pub fn passed(&self) -> bool {
        self.worst()
            .is_none_or(|w| w.standard_errors <= CHECK_MAX_SE)
    }
}

/// What the solver found and wrote.
#[derive(Debug)]
#[non_exhaustive]
pub struct ExactDone {
    /// The directory written.
    pub dir: PathBuf,
    /// The files written.
    pub files: Vec<String>,
    /// The solution.
    pub solution: Solution,
    /// Time to solve.
    pub elapsed: Duration,
    /// The check, if asked for.
    pub check: Option<CheckOutcome>,
    /// The scenario's warnings, as the manifest records them.
    pub warnings: Vec<String>,
}

impl ExactJob {
    /// Exact answers for `loaded` with the default limits.
    pub fn new(loaded: LoadedScenario) -> Self {
        ExactJob {
            loaded,
            max_loss: DEFAULT_MAX_LOSS,
            max_states: DEFAULT_MAX_STATES,
            check: None,
            plots: false,
            out: None,
            exec: Execution::default(),
        }
    }

    /// `results/<scenario file stem>-exact/`.
    pub(crate) fn default_out(&self) -> PathBuf {
        default_dir(&format!("{}-exact", self.loaded.stem))
    }

    /// Solves the scenario, writing nothing: the solution, in the schemas
    /// of a batch of runs, and the scenario's warnings.
    pub fn solve(&self) -> Result<ExactResults, JobError> {
        if !(0.0..=1.0).contains(&self.max_loss) {
            return Err(JobError::OptionValue {
                opt: Opt::MaxLoss,
                value: self.max_loss.to_string(),
                allowed: "0 to 1".into(),
            });
        }
        let sc = &self.loaded.scenario;
        let warnings = self.exec.warnings(sc.warnings().to_vec())?;
        let mut options = SolveOptions::default();
        options.max_loss = self.max_loss;
        options.max_states = self.max_states;
        let solution = exact::solve(sc, options).map_err(|source| JobError::Exact {
            file: self.loaded.origin.clone(),
            source,
        })?;
        Ok(ExactResults {
            loaded: self.loaded.clone(),
            solution,
            warnings,
        })
    }

    /// Solves the scenario, writes the tables and runs the check.
    pub fn run(&self) -> Result<ExactDone, JobError> {
        let dir = self.out.clone().unwrap_or_else(|| self.default_out());
        let started = Instant::now();
        let results = self.solve()?;
        let manifest = results.manifest(&self.exec);
        let ExactResults {
            solution, warnings, ..
        } = results;
        let sc = &self.loaded.scenario;
        let staged = StagedDir::results(&dir, self.exec.force)?;
        let elapsed = started.elapsed();
        let files = write_tables(staged, sc, &solution, self.plots, manifest, &[])?;
        let check = match self.check {
            None => None,
            Some(check) => {
                let batch = Batch::new(sc, check.seed);
                let tally = self.exec.install(|| batch.run(0..check.runs))??;
                Some(CheckOutcome {
                    check,
                    deviations: deviations(&solution, &tally),
                })
            }
        };
        Ok(ExactDone {
            dir,
            files,
            solution,
            elapsed,
            check,
            warnings,
        })
    }
}

/// Exact answers computed in memory ([`ExactJob::solve`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExactResults {
    /// The scenario.
    pub loaded: LoadedScenario,
    /// The solution.
    pub(crate) solution: Solution,
    /// The scenario's warnings, as the manifest records them.
    pub warnings: Vec<String>,
}

impl ExactResults {
    /// The probability that the phase with id `phase` is ever entered.
    ///
    /// ```
    /// use std::path::Path;
    ///
    /// use ceasefire::job::{ExactJob, LoadedScenario};
    ///
    /// // The repository's scenarios/markov/geneva-2016-no-retaliation.toml.
    /// # let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/markov/geneva-2016-no-retaliation.toml");
    /// let file = Path::new(file);
    /// let loaded = LoadedScenario::from_path(file, &[])?;
    /// let exact = ExactJob::new(loaded).solve()?;
    /// let joint = exact.share_entering("joint_targeting")?;
    /// assert!(joint.estimate > 0.0 && joint.estimate < 1.0);
    /// assert_eq!(joint.low, joint.estimate); // exact: no interval
    /// assert!(exact.share_entering("joint").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn share_entering(&self, phase: &str) -> Result<Estimate, JobError> {
        super::share_entering(&self.loaded.scenario, &self.solution, phase)
    }

    /// The manifest `ceasefire exact` records with `exec`'s command line,
    /// as JSON, without the files and their digests.
    pub fn manifest_json(&self, exec: &Execution) -> String {
        self.manifest(exec).to_json()
    }

    fn manifest(&self, exec: &Execution) -> Manifest {
        let mut manifest = Manifest::exact(self.loaded.source.clone(), &exec.command_line);
        manifest.warnings = self.warnings.clone();
        manifest
    }

    /// The bytes of `file` as `ceasefire exact` writes it: daily.csv,
    /// curves.csv, daily_metrics.csv or summary.csv; `None` for a file it
    /// does not write.
    pub fn table(&self, file: ResultFile) -> Result<Option<Vec<u8>>, JobError> {
        Ok(tables(&self.loaded.scenario, &self.solution)?
            .into_iter()
            .find(|(f, _)| *f == file)
            .map(|(_, bytes)| bytes))
    }
}
