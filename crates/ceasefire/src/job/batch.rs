//! A batch of runs of one scenario (`ceasefire run`): a fixed number of
//! runs with checkpoints (and resume), runs until a precision is reached,
//! or one shard of a batch; written as a results directory, or kept in
//! memory ([`BatchJob::simulate`]) for a caller that wants the tables
//! rather than files.

use std::path::{Path, PathBuf};

use super::daily_runs::daily_runs;
use super::estimate::CostEstimate;
use super::write::{csv_error, put, tables, write_shard, write_tables};
use super::{Execution, JobError, LoadedScenario, Progress, default_dir, shard_dir};
use crate::engine::{
    Batch, BatchObserver, Mode, ObserverError, Outcome, Reason, RunSummary, Shard, Tally,
};
use crate::experiment::{PRECISION_BLOCK, entered_half_width};
use crate::layout::{BATCH_SHARD, ResultFile};
use crate::options::Opt;
use crate::report::RunsCsv;
use crate::scenario::limits::MAX_RUNS;
use crate::stats::Estimate;
#[doc(hidden)]
pub use crate::store::checkpoint::{BatchKey, CheckpointPolicy, Checkpointer, KEPT_CHECKPOINT};
use crate::store::shard::to_json_line;
use crate::store::{Manifest, ShardRecord, StagedDir, StagedFile};

/// Run until every phase's `entered` 95% interval is this narrow, in blocks
/// of `PRECISION_BLOCK` runs, up to `max_runs`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionTarget {
    /// Largest half-width wanted, in (0, 0.5).
    pub eps: f64,
    /// Stop here even if `eps` is not reached.
    pub max_runs: u64,
}

impl PrecisionTarget {
    /// Whether `tally` is precise enough: every `entered` interval at most
    /// `eps` wide on either side.
    pub(crate) fn is_met(&self, tally: &Tally) -> bool {
        entered_half_width(tally) <= self.eps
    }

    /// The executor's mode for this target, whose rule is `met` (a closure
    /// calling [`PrecisionTarget::is_met`]).
    pub(crate) fn mode<'a>(&self, met: &'a (dyn Fn(&Tally) -> bool + Sync)) -> Mode<'a> {
        Mode::Until {
            met,
            every: PRECISION_BLOCK,
            max_runs: self.max_runs,
        }
    }
}

/// How a batch keeps its progress: checkpoints as `policy` says, and with
/// `resume`, continuing from the checkpoint in its output directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Checkpoints {
    /// Continue from the checkpoint in the output directory, if any.
    pub resume: bool,
    /// When to checkpoint.
    pub policy: CheckpointPolicy,
}

/// What a whole batch writes besides its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Extras {
    /// Also draw the charts.
    pub plots: bool,
    /// Also write daily_runs.csv, the day-by-day records of the first this
    /// many runs (0: none, and no work).
    pub keep_daily: u64,
}

/// What a batch runs and writes. Each mode carries only the options that
/// make sense for it: a shard has no estimates to draw, and a batch run to
/// a precision keeps no checkpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BatchMode {
    /// `runs` runs, checkpointed, written as a whole results directory.
    Whole {
        /// Runs of the batch.
        runs: u64,
        /// Checkpoints and resume.
        checkpoints: Checkpoints,
        /// Charts and kept daily records.
        extras: Extras,
    },
    /// Runs until the target is reached, written as a whole results
    /// directory.
    Precision {
        /// The precision wanted, and the runs at most.
        target: PrecisionTarget,
        /// Charts and kept daily records.
        extras: Extras,
    },
    /// Only `shard` of a batch of `runs` runs, written as partial files
    /// for `merge`.
    Shard {
        /// Runs of the whole batch.
        runs: u64,
        /// Which shard.
        shard: Shard,
        /// Checkpoints and resume.
        checkpoints: Checkpoints,
    },
}

impl BatchMode {
    /// The runs of the batch (of the whole batch, for a shard; at most,
    /// with a precision).
    pub(crate) fn runs(&self) -> u64 {
        match *self {
            BatchMode::Whole { runs, .. } | BatchMode::Shard { runs, .. } => runs,
            BatchMode::Precision { target, .. } => target.max_runs,
        }
    }

    /// The shard, if the batch is one.
    pub(crate) fn shard(&self) -> Option<Shard> {
        match *self {
            BatchMode::Shard { shard, .. } => Some(shard),
            _ => None,
        }
    }

    /// The precision target, if the batch has one.
    pub fn precision(&self) -> Option<PrecisionTarget> {
        match *self {
            BatchMode::Precision { target, .. } => Some(target),
            _ => None,
        }
    }

    /// Charts and kept daily records (none for a shard).
    pub(crate) fn extras(&self) -> Extras {
        match *self {
            BatchMode::Whole { extras, .. } | BatchMode::Precision { extras, .. } => extras,
            BatchMode::Shard { .. } => Extras::default(),
        }
    }

    /// Whether the batch continues from a checkpoint.
    pub(crate) fn resumes(&self) -> bool {
        match *self {
            BatchMode::Whole { checkpoints, .. } | BatchMode::Shard { checkpoints, .. } => {
                checkpoints.resume
            }
            BatchMode::Precision { .. } => false,
        }
    }
}

/// A batch of runs, as `ceasefire run` performs it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchJob {
    /// The scenario.
    pub loaded: LoadedScenario,
    /// Master seed.
    pub(crate) seed: u64,
    /// What to run and write.
    pub mode: BatchMode,
    /// Output directory (default: `BatchJob::default_out`).
    pub out: Option<PathBuf>,
    /// Threads, cancellation and the command line for the manifest.
    pub exec: Execution,
    /// Run even if the estimate ([`BatchJob::estimate`]) is beyond the
    /// limits of time or output size.
    pub force: bool,
    /// The estimate already measured (by a caller that printed it), so
    /// that [`BatchJob::run`] does not measure it again.
    pub estimated: Option<CostEstimate>,
}

/// What a batch found and wrote.
#[derive(Debug)]
#[non_exhaustive]
pub struct BatchDone {
    /// The directory written.
    pub dir: PathBuf,
    /// The files written, in manifest order.
    pub files: Vec<String>,
    /// The tally of every run of the batch (of the shard's runs, for a
    /// shard).
    pub tally: Tally,
    /// Runs of the batch.
    pub runs: u64,
    /// The run a resumed batch started from.
    pub resumed_from: Option<u64>,
    /// With a precision target: the largest `entered` half-width reached.
    pub half_width: Option<f64>,
    /// For a shard: which runs it holds.
    pub shard: Option<ShardRecord>,
    /// Every warning, as the manifest records it: the scenario's, then the
    /// batch's own (a precision not reached).
    pub warnings: Vec<String>,
}

/// A batch simulated in memory ([`BatchJob::simulate`]): everything a
/// results directory would hold, as the bytes `ceasefire run` writes, and
/// [`BatchResults::write`] to write them.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchResults {
    /// The scenario.
    pub loaded: LoadedScenario,
    /// Master seed.
    pub seed: u64,
    /// Runs simulated.
    pub runs: u64,
    /// The tally of every run.
    pub(crate) tally: Tally,
    /// With a precision target: the largest `entered` half-width reached.
    pub half_width: Option<f64>,
    /// Every warning, as the manifest records it.
    pub warnings: Vec<String>,
    runs_csv: Vec<u8>,
    daily_runs: Option<Vec<u8>>,
}

impl BatchJob {
    /// A whole batch of `runs` runs of `loaded` under master seed `seed`,
    /// with default options: no charts, default output directory and
    /// checkpoints.
    pub fn new(loaded: LoadedScenario, seed: u64, runs: u64) -> Self {
        BatchJob {
            loaded,
            seed,
            mode: BatchMode::Whole {
                runs,
                checkpoints: Checkpoints::default(),
                extras: Extras::default(),
            },
            out: None,
            exec: Execution::default(),
            force: false,
            estimated: None,
        }
    }

    /// The time and output size of the batch (of its shard, or up to
    /// its largest number of runs with a precision), from a calibration
    /// slice.
    pub fn estimate(&self) -> CostEstimate {
        let runs = match self.mode {
            BatchMode::Shard { runs, shard, .. } => {
                let r = shard.runs(runs);
                r.end - r.start
            }
            mode => mode.runs(),
        };
        let mut estimate =
            CostEstimate::measure(&self.loaded.scenario, runs, self.exec.threads_used());
        estimate.at_most = self.mode.precision().is_some();
        estimate
    }

    /// `results/<scenario file stem>/`, or its `shard-K-of-N/` for a shard.
    pub(crate) fn default_out(&self) -> PathBuf {
        shard_dir(default_dir(&self.loaded.stem), self.mode.shard())
    }

    /// The output directory.
    pub(crate) fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.default_out())
    }

    /// Refuses a batch beyond the limits, before any work.
    fn check(&self) -> Result<(), JobError> {
        let runs = self.mode.runs();
        if runs == 0 || runs > MAX_RUNS {
            return Err(JobError::TooManyRuns {
                runs,
                max: MAX_RUNS,
            });
        }
        if !self.force {
            let estimate = self.estimated.unwrap_or_else(|| self.estimate());
            if estimate.is_absurd() {
                return Err(JobError::Beyond(estimate));
            }
        }
        Ok(())
    }

    /// Simulates the batch and writes its results directory.
    pub fn run(&self, progress: &dyn Progress) -> Result<BatchDone, JobError> {
        self.check()?;
        let sc = &self.loaded.scenario;
        let mut warnings = self.exec.warnings(sc.warnings().to_vec())?;
        let dir = self.out_dir();
        let mut staged = StagedDir::results(&dir, self.exec.force)?;
        let batch = Batch::new(sc, self.seed);
        let file = |staged: &mut StagedDir| staged.file(ResultFile::Runs.name());
        let (tally, outcome, resumed_from) = match self.mode {
            BatchMode::Precision { target, .. } => {
                let runs_csv = RunsCsv::new(sc, file(&mut staged)?)
                    .map_err(|e| csv_error(ResultFile::Runs, e))?;
                let mut writer = RunsWriter(runs_csv);
                let (tally, outcome) = self.execute(&batch, target, &mut writer, progress)?;
                writer.finish()?;
                (tally, outcome, None)
            }
            BatchMode::Whole {
                runs, checkpoints, ..
            }
            | BatchMode::Shard {
                runs, checkpoints, ..
            } => {
                let key = BatchKey::new(&self.loaded.source, self.seed, runs, self.mode.shard());
                let (tally, outcome, said) =
                    self.checkpointed(&batch, &key, checkpoints, &mut staged, progress)?;
                warnings.extend(said);
                let from = checkpoints.resume.then_some(outcome.runs.start);
                (tally, outcome, from.filter(|&f| f > key.range().start))
            }
        };
        let runs = match self.mode {
            BatchMode::Precision { .. } => outcome.runs.end,
            mode => mode.runs(),
        };
        let half_width = self.precision_reached(&tally, &mut warnings);
        let warnings = self.exec.warnings(warnings)?;
        let mut manifest = Manifest::monte_carlo(
            self.loaded.source.clone(),
            self.seed,
            runs,
            &self.exec.command_line,
        );
        manifest.warnings = warnings.clone();
        let (files, shard) = match self.mode {
            BatchMode::Shard { shard, .. } => {
                let record = ShardRecord::new(shard, runs);
                manifest.shard = Some(record);
                let json = to_json_line(&tally);
                let tallies = (ResultFile::Tally, json.as_slice());
                let text = &self.loaded.text;
                let files = write_shard(staged, tallies, text, manifest, &BATCH_SHARD)?;
                (files, Some(record))
            }
            _ => {
                let extras = self.mode.extras();
                let mut first = vec![ResultFile::Runs];
                if extras.keep_daily > 0 {
                    let bytes = daily_runs(sc, self.seed, 0..extras.keep_daily.min(runs))?;
                    put(&mut staged, ResultFile::DailyRuns.name(), &bytes)?;
                    first.push(ResultFile::DailyRuns);
                }
                let files = write_tables(staged, sc, &tally, extras.plots, manifest, &first)?;
                (files, None)
            }
        };
        Ok(BatchDone {
            dir,
            files,
            tally,
            runs,
            resumed_from,
            half_width,
            shard,
            warnings,
        })
    }

    /// Simulates a whole batch (or one run to a precision) in memory,
    /// writing nothing: runs.csv (and daily_runs.csv) as bytes, the tables
    /// from the tally. A shard, or a batch that resumes, needs a results
    /// directory and is refused.
    pub fn simulate(&self, progress: &dyn Progress) -> Result<BatchResults, JobError> {
        if self.mode.shard().is_some() || self.mode.resumes() {
            return Err(JobError::NeedsDirectory);
        }
        self.check()?;
        let sc = &self.loaded.scenario;
        let mut warnings = self.exec.warnings(sc.warnings().to_vec())?;
        let batch = Batch::new(sc, self.seed);
        let runs_csv = RunsCsv::new(sc, Vec::new()).map_err(|e| csv_error(ResultFile::Runs, e))?;
        let mut writer = RunsWriter(runs_csv);
        let (tally, outcome) = match self.mode {
            BatchMode::Precision { target, .. } => {
                self.execute(&batch, target, &mut writer, progress)?
            }
            mode => {
                let mut tally = Tally::new(sc);
                progress.start(Some(mode.runs()));
                let mode = Mode::Runs(0..mode.runs());
                let outcome = self.runs(&batch, mode, &mut tally, &mut writer, None, progress);
                progress.finish();
                (tally, uncheckpointed(outcome?)?)
            }
        };
        let runs = outcome.runs.end;
        let half_width = self.precision_reached(&tally, &mut warnings);
        let keep_daily = self.mode.extras().keep_daily;
        let daily_runs = (keep_daily > 0)
            .then(|| daily_runs(sc, self.seed, 0..keep_daily.min(runs)))
            .transpose()?;
        let runs_csv = writer
            .0
            .into_inner()
            .map_err(|e| csv_error(ResultFile::Runs, e.into()))?;
        Ok(BatchResults {
            loaded: self.loaded.clone(),
            seed: self.seed,
            runs,
            tally,
            half_width,
            warnings: self.exec.warnings(warnings)?,
            runs_csv,
            daily_runs,
        })
    }

    /// With a precision target: the largest `entered` half-width reached,
    /// with a warning if it is not the target.
    fn precision_reached(&self, tally: &Tally, warnings: &mut Vec<String>) -> Option<f64> {
        let target = self.mode.precision()?;
        let reached = entered_half_width(tally);
        if reached > target.eps {
            warnings.push(format!(
                "{} {} reached before precision {}: the largest half-width of `entered` is {reached:.5}",
                Opt::MaxRuns,
                target.max_runs,
                target.eps
            ));
        }
        Some(reached)
    }

    /// Runs to `target` on the job's threads, telling `observer`.
    fn execute(
        &self,
        batch: &Batch,
        target: PrecisionTarget,
        observer: &mut (dyn BatchObserver + Send),
        progress: &dyn Progress,
    ) -> Result<(Tally, Outcome), JobError> {
        let met = |t: &Tally| target.is_met(t);
        let mode = target.mode(&met);
        let mut tally = Tally::new(batch.scenario());
        progress.start(None);
        let outcome = self.runs(batch, mode, &mut tally, observer, None, progress);
        progress.finish();
        Ok((tally, uncheckpointed(outcome?)?))
    }

    /// The executor on the job's threads, telling `progress` of every
    /// block and watching the job's cancel token.
    fn runs(
        &self,
        batch: &Batch,
        mode: Mode<'_>,
        tally: &mut Tally,
        observer: &mut (dyn BatchObserver + Send),
        checkpoint: Option<&mut Checkpointer>,
        progress: &dyn Progress,
    ) -> Result<Outcome, JobError> {
        let mut told = (observer, Told(progress));
        let outcome = self.exec.install(|| {
            let executor = self.exec.executor(batch).observer(&mut told);
            match checkpoint {
                Some(c) => executor.checkpoint(c).run(mode, tally),
                None => executor.run(mode, tally),
            }
        });
        Ok(outcome??)
    }

    /// The runs of `key` into runs.csv in `staged`, checkpointing as
    /// `checkpoints` says, resuming from a checkpoint if asked. Returns
    /// their tally, the outcome (whose runs start where it resumed) and the
    /// warnings said on the way (an earlier checkpoint of the same batch,
    /// kept until this run passes it).
    fn checkpointed(
        &self,
        batch: &Batch,
        key: &BatchKey,
        checkpoints: Checkpoints,
        staged: &mut StagedDir,
        progress: &dyn Progress,
    ) -> Result<(Tally, Outcome, Vec<String>), JobError> {
        let sc = batch.scenario();
        let range = key.range();
        let (mut checkpointer, found) =
            Checkpointer::open(staged, key, sc, checkpoints.resume, checkpoints.policy)?;
        let mut said = Vec::new();
        if let Some(kept) = found.kept {
            said.push(format!(
                "{} holds a checkpoint of this same batch (every run before run {kept} done), and {} was not given: this run starts again from run {} and keeps that checkpoint beside its own (as {KEPT_CHECKPOINT}) until it passes run {kept}; to continue from it instead, {}",
                staged.dir().display(),
                Opt::Resume,
                range.start,
                self.exec.how_to_resume()
            ));
            said = self.exec.warnings(said)?;
            for w in &said {
                progress.warn(w);
            }
        }
        let (runs_csv, mut tally, next) = match found.resumed {
            Some(r) => {
                let file = staged.reopen(ResultFile::Runs.name(), r.runs_csv_bytes)?;
                (RunsCsv::append(sc, file), r.tally, r.next_run)
            }
            None => {
                let file = staged.file(ResultFile::Runs.name())?;
                let csv = RunsCsv::new(sc, file).map_err(|e| csv_error(ResultFile::Runs, e))?;
                (csv, Tally::new(sc), range.start)
            }
        };
        let mut writer = RunsWriter(runs_csv);
        progress.start(Some(range.end - range.start));
        progress.advance(next - range.start);
        let mode = Mode::Runs(next..range.end);
        let checkpoint = Some(&mut checkpointer);
        let result = self.runs(batch, mode, &mut tally, &mut writer, checkpoint, progress);
        progress.finish();
        let outcome = result?;
        if let Reason::Interrupted { .. } = outcome.reason {
            // The checkpoint and the rows it describes stay on disk: a
            // staged directory keeps its durable files when dropped.
            let latest = checkpointer.latest_file();
            return Err(JobError::Interrupted {
                checkpoint: latest.as_ref().map(|(path, _)| path.clone()),
                next_run: latest.map(|(_, next)| next),
            });
        }
        checkpointer.drop_kept()?;
        writer.finish()?;
        Ok((tally, outcome, said))
    }
}

impl BatchResults {
    /// The share of runs that ever entered the phase with id `phase`, with
    /// its 95% interval (summary.csv's `entered` row of the phase).
    ///
    /// ```
    /// use ceasefire::job::{BatchJob, LoadedScenario};
    ///
    /// let loaded = LoadedScenario::load(None, &[])?; // the built-in Geneva 2016
    /// let batch = BatchJob::new(loaded, 1, 500).simulate(&())?; // no progress shown
    /// let joint = batch.share_entering("joint_targeting")?;
    /// assert!(joint.low <= joint.estimate && joint.estimate <= joint.high);
    /// assert!(batch.share_entering("joint").is_err()); // no such phase
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn share_entering(&self, phase: &str) -> Result<Estimate, JobError> {
        super::share_entering(&self.loaded.scenario, &self.tally, phase)
    }

    /// The bytes of `file` as `ceasefire run` writes it: runs.csv,
    /// daily_runs.csv (if kept), daily.csv, curves.csv, daily_metrics.csv
    /// or summary.csv. `None` for a file a batch does not write.
    pub fn table(&self, file: ResultFile) -> Result<Option<Vec<u8>>, JobError> {
        Ok(match file {
            ResultFile::Runs => Some(self.runs_csv.clone()),
            ResultFile::DailyRuns => self.daily_runs.clone(),
            _ => tables(&self.loaded.scenario, &self.tally)?
                .into_iter()
                .find(|(f, _)| *f == file)
                .map(|(_, bytes)| bytes),
        })
    }

    /// The manifest that [`BatchResults::write`] records with `exec`'s
    /// command line, as JSON, without the files and their digests (which
    /// only a written directory has).
    pub fn manifest_json(&self, exec: &Execution) -> String {
        self.manifest(exec).to_json()
    }

    fn manifest(&self, exec: &Execution) -> Manifest {
        let mut manifest = Manifest::monte_carlo(
            self.loaded.source.clone(),
            self.seed,
            self.runs,
            &exec.command_line,
        );
        manifest.warnings = self.warnings.clone();
        manifest
    }

    /// Writes the results directory `dir` exactly as `ceasefire run`
    /// writes it for the same scenario, seed and runs (charts with
    /// `plots`); `exec` gives the command line for the manifest and whether
    /// to write into a directory ceasefire did not write. Returns the files
    /// written.
    pub fn write(
        &self,
        dir: &Path,
        plots: bool,
        exec: &Execution,
    ) -> Result<Vec<String>, JobError> {
        let mut staged = StagedDir::results(dir, exec.force)?;
        let manifest = self.manifest(exec);
        put(&mut staged, ResultFile::Runs.name(), &self.runs_csv)?;
        let mut first = vec![ResultFile::Runs];
        if let Some(bytes) = &self.daily_runs {
            put(&mut staged, ResultFile::DailyRuns.name(), bytes)?;
            first.push(ResultFile::DailyRuns);
        }
        let sc = &self.loaded.scenario;
        write_tables(staged, sc, &self.tally, plots, manifest, &first)
    }
}

/// Tells a job's progress of every block.
struct Told<'a>(&'a dyn Progress);

impl BatchObserver for Told<'_> {
    fn wants_runs(&self) -> bool {
        false
    }

    fn block_done(&mut self, block: std::ops::Range<u64>, _: &Tally) -> Result<(), ObserverError> {
        self.0.advance(block.end - block.start);
        Ok(())
    }
}

/// Writes runs.csv as runs complete, and makes it durable before a
/// checkpoint.
struct RunsWriter<'a, W: std::io::Write>(RunsCsv<'a, W>);

/// Where runs.csv goes: a staged file, synced before a checkpoint, or
/// memory, which has nothing to sync.
trait Durable: std::io::Write + Send {
    /// Makes what was flushed durable.
    fn sync(&self) -> Result<(), ObserverError>;
}

impl Durable for StagedFile {
    fn sync(&self) -> Result<(), ObserverError> {
        self.sync_flushed()?;
        Ok(())
    }
}

impl Durable for Vec<u8> {
    fn sync(&self) -> Result<(), ObserverError> {
        Ok(())
    }
}

impl RunsWriter<'_, StagedFile> {
    /// Flushes runs.csv and leaves it staged.
    fn finish(self) -> Result<(), JobError> {
        let file = self
            .0
            .into_inner()
            .map_err(|e| csv_error(ResultFile::Runs, e.into()))?;
        file.finish()?;
        Ok(())
    }
}

impl<W: Durable> BatchObserver for RunsWriter<'_, W> {
    fn run(&mut self, s: &RunSummary) -> Result<(), ObserverError> {
        self.0.run(s)
    }

    fn persist(&mut self) -> Result<(), ObserverError> {
        self.0.flush()?;
        self.0.get_ref().sync()
    }
}

/// The outcome of runs that keep no checkpoint: interrupted, they leave
/// nothing to resume from.
fn uncheckpointed(outcome: Outcome) -> Result<Outcome, JobError> {
    match outcome.reason {
        Reason::Interrupted { .. } => Err(JobError::Interrupted {
            checkpoint: None,
            next_run: None,
        }),
        _ => Ok(outcome),
    }
}
