//! Jobs: one type per thing the `ceasefire` command does (a batch of runs, a
//! sweep, a comparison, an exact solution, a merge of shards, a trace, the
//! charts of a directory, a PRISM export).
//!
//! A job takes a validated scenario (with its provenance) and options,
//! does the work through the engine, the statistics and the writers, and
//! returns what it found and which files it wrote. The command line is a
//! thin client: it parses arguments, builds a job, calls [`run`] on it (the
//! job's own method) and prints the result. A library user does the same
//! without compiling the command line.
//!
//! ```
//! use ceasefire::job::{BatchJob, LoadedScenario};
//!
//! let dir = tempfile::tempdir()?;
//! let loaded = LoadedScenario::builtin(&[])?;
//! let mut job = BatchJob::new(loaded, 7, 500);
//! job.out = Some(dir.path().join("geneva"));
//! let done = job.run(&())?;
//! let share = done.tally.runs.entered[1] as f64 / 500.0;
//! assert!(share > 0.0 && share < 1.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`run`]: BatchJob::run

mod batch;
mod compare;
mod counts;
mod daily_runs;
mod discover;
mod error;
mod estimate;
mod exact;
#[cfg(feature = "fit")]
mod fit;
mod merge;
mod plot;
mod prism;
mod sensitivity;
mod sweep;
mod trace;
mod write;

use std::path::{Path, PathBuf};

pub use batch::{
    BatchDone, BatchJob, BatchMode, BatchResults, Checkpoints, Extras, PrecisionTarget,
};
pub use compare::{CompareDone, CompareJob};
pub use counts::CountsJob;
pub use discover::{DiscoverDone, DiscoverJob};
pub use error::{JobError, OutRefusal, StudyDirError};
pub use estimate::CostEstimate;
pub use exact::{CHECK_MAX_SE, CheckOutcome, ExactCheck, ExactDone, ExactJob, ExactResults};
#[cfg(feature = "fit")]
pub use fit::{FitDone, FitJob};
pub use merge::{MergeDone, MergeJob};
pub use plot::{PlotDone, PlotJob};
pub use prism::{PrismDone, PrismJob};
pub use sensitivity::{SensitivityDone, SensitivityJob, StudyMethod, read_table};
pub use sweep::{SweepDesign, SweepDone, SweepJob, SweepMode, SweepPoints, SweepResults};
pub use trace::TraceJob;

use crate::builtin;
use crate::engine::{CancelToken, Shard};
use crate::options::Opt;
use crate::scenario::paths::Assignment;
use crate::scenario::{Scenario, ScenarioError};
use crate::stats::{Estimate, Estimates};
use crate::store::ScenarioSource;

/// The share of runs (or, for exact answers, the probability) that ever
/// entered the phase `id` of `scenario`: summary.csv's `entered` row of it.
fn share_entering(
    scenario: &Scenario,
    estimates: &impl Estimates,
    id: &str,
) -> Result<Estimate, JobError> {
    let phase = scenario
        .phase_index(id)
        .ok_or_else(|| JobError::UnknownPhase {
            phase: id.to_string(),
            known: scenario.phases().iter().map(|p| p.id.clone()).collect(),
        })?;
    Ok(estimates.entered_share(phase))
}

/// A scenario as loaded for a job: the validated scenario and what
/// provenance and default output directories need.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The validated scenario (with any changes applied).
    pub scenario: Scenario,
    /// Path, name, hash and changes, for the manifest.
    pub source: ScenarioSource,
    /// File stem, for the default output directory.
    pub stem: String,
    /// The file's text, before changes.
    pub text: String,
    /// The file as named in messages.
    pub origin: String,
    /// The changes applied to the text, in order.
    pub changes: Vec<Assignment>,
}

impl LoadedScenario {
    /// Loads the scenario file at `path` and applies `changes`.
    pub fn from_path(path: &Path, changes: &[Assignment]) -> Result<Self, ScenarioError> {
        let origin = path.display().to_string();
        let text = crate::input::read_scenario(path).map_err(|cause| ScenarioError::Io {
            file: origin.clone(),
            cause,
        })?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
        Self::from_text(text, origin, stem, changes)
    }

    /// The built-in Geneva 2016 scenario with `changes`.
    pub fn builtin(changes: &[Assignment]) -> Result<Self, ScenarioError> {
        Self::from_text(
            builtin::GENEVA_2016.to_string(),
            format!("built-in:{}.toml", builtin::GENEVA_2016_STEM),
            builtin::GENEVA_2016_STEM.to_string(),
            changes,
        )
    }

    /// The file at `path`, or the built-in scenario without one.
    pub fn load(path: Option<&Path>, changes: &[Assignment]) -> Result<Self, ScenarioError> {
        match path {
            Some(p) => Self::from_path(p, changes),
            None => Self::builtin(changes),
        }
    }

    /// Scenario text named `origin` (in messages and the manifest), whose
    /// default output directory is named after `stem`, with `changes`.
    pub fn from_text(
        text: String,
        origin: String,
        stem: String,
        changes: &[Assignment],
    ) -> Result<Self, ScenarioError> {
        let scenario = Scenario::from_toml_with(&text, &origin, changes)?;
        let mut source = ScenarioSource::new(scenario.name(), &origin, &text);
        source.changes = changes
            .iter()
            .map(|c| format!("{}={}", c.path, c.value))
            .collect();
        Ok(LoadedScenario {
            scenario,
            source,
            stem,
            text,
            origin,
            changes: changes.to_vec(),
        })
    }
}

/// Told how far a long job has come (a progress bar, or nothing). Called
/// from worker threads.
pub trait Progress: Sync {
    /// Work of `total` runs begins (`None`: not known in advance).
    fn start(&self, _total: Option<u64>) {}
    /// `runs` more runs are done.
    fn advance(&self, _runs: u64) {}
    /// The work is over (successfully or not).
    fn finish(&self) {}
    /// A warning the user should see now rather than at the end (the
    /// command line prints it); it is also among the job's warnings.
    fn warn(&self, _message: &str) {}
}

/// Reports nothing.
impl Progress for () {}

/// How a job uses the machine: none of it changes a result.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Execution {
    /// Worker threads (`None`: all cores).
    pub threads: Option<usize>,
    /// Stops the job's batches at their next safe point once cancelled
    /// (the command line cancels it on Ctrl-C): the job then fails with
    /// [`JobError::Interrupted`], keeping its checkpoint.
    pub cancel: CancelToken,
    /// How the caller continues an interrupted job (the command line: its
    /// command with `--resume`), said in the warning about a checkpoint
    /// found and kept.
    pub resume_hint: Option<String>,
    /// The command line that started the job, word by word, recorded in
    /// manifests (empty for a library call unless the caller says).
    pub command_line: Vec<String>,
    /// Every warning is an error: the job stops and writes nothing.
    pub strict: bool,
    /// Write into a non-empty output directory that ceasefire did not write
    /// (one without a manifest.json); its other files are left untouched.
    pub force: bool,
}

impl Execution {
    /// The executor of `batch`, stopped by this job's cancel token.
    fn executor<'e, 'b>(
        &'e self,
        batch: &'e crate::engine::Batch<'b>,
    ) -> crate::engine::Executor<'e, 'b> {
        crate::engine::Executor::new(batch).cancel(&self.cancel)
    }

    /// What a warning about a kept checkpoint tells the user to do to
    /// continue from it.
    fn how_to_resume(&self) -> String {
        match &self.resume_hint {
            Some(cmd) => format!("stop this run (Ctrl-C) and run: {cmd}"),
            None => format!("stop this run and run it again with {}", Opt::Resume),
        }
    }

    /// `warnings` as they go into the manifest, or an error with all of
    /// them when `strict`.
    fn warnings(&self, mut warnings: Vec<String>) -> Result<Vec<String>, JobError> {
        if let Some(w) = self.threads_warning()
            && !warnings.contains(&w)
        {
            warnings.push(w);
        }
        if self.strict && !warnings.is_empty() {
            return Err(JobError::Strict(warnings));
        }
        Ok(warnings)
    }

    /// The worker threads to start: the chosen number, capped at the
    /// machine's available parallelism (more threads only spin).
    fn worker_threads(&self) -> Option<usize> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.threads.map(|t| t.min(cores))
    }

    /// The worker threads a job will run on.
    pub(crate) fn threads_used(&self) -> usize {
        self.worker_threads()
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    /// The warning that `threads` was capped, if it was.
    fn threads_warning(&self) -> Option<String> {
        match (self.threads, self.worker_threads()) {
            (Some(asked), Some(used)) if used < asked => Some(format!(
                "{} {asked} is more than the {used} this machine can run at once: using {used} (results do not depend on it)",
                Opt::Threads
            )),
            _ => None,
        }
    }

    /// Runs `work` on a rayon pool of the chosen size (capped, see
    /// [`Execution::worker_threads`]).
    fn install<T: Send>(&self, work: impl FnOnce() -> T + Send) -> Result<T, JobError> {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(t) = self.worker_threads() {
            b = b.num_threads(t);
        }
        let pool = b.build().map_err(JobError::Threads)?;
        Ok(pool.install(work))
    }
}

/// The default results directory named `name`: `results/<name>/`.
pub(crate) fn default_dir(name: &str) -> PathBuf {
    Path::new("results").join(name)
}

/// The directory of shard `K/N` of outputs that go to `dir`:
/// `dir/shard-K-of-N/` (`dir` itself for a whole batch).
pub(crate) fn shard_dir(dir: PathBuf, shard: Option<Shard>) -> PathBuf {
    match shard {
        Some(s) => dir.join(format!("shard-{}-of-{}", s.index(), s.count())),
        None => dir,
    }
}
