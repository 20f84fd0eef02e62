//! A batch of runs of one scenario (`ceasefire run`): a fixed number of
//! runs with checkpoints (and `--resume`), runs until a precision is
//! reached, or one shard of a batch.

use std::ops::Range;
use std::path::PathBuf;

use super::daily_runs::daily_runs;
use super::estimate::Estimate;
use super::interrupt::{resume_command, stop_requested};
use super::write::{csv_error, put, write_shard, write_tables};
use super::{Execution, JobError, LoadedScenario, Progress, default_dir, shard_dir};
use crate::engine::{Batch, BatchError, BatchObserver, ObserverError, RunSummary, Shard, Tally};
use crate::experiment::{entered_half_width, run_to_precision};
use crate::report::RunsCsv;
use crate::scenario::limits::MAX_RUNS;
use crate::store::checkpoint::{BatchKey, CheckpointPolicy, Checkpointer, KEPT_CHECKPOINT};
use crate::store::layout::{BATCH_SHARD, ResultFile};
use crate::store::shard::to_json_line;
use crate::store::{Manifest, ShardRecord, StagedDir, StagedFile};

/// Run until every phase's `entered` 95% interval is this narrow, in blocks
/// of [`crate::experiment::PRECISION_BLOCK`] runs, up to `max_runs`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionTarget {
    /// Largest half-width wanted, in (0, 0.5).
    pub eps: f64,
    /// Stop here even if `eps` is not reached.
    pub max_runs: u64,
}

/// A batch of runs, as `ceasefire run` performs it.
#[derive(Debug, Clone)]
pub struct BatchJob {
    /// The scenario.
    pub loaded: LoadedScenario,
    /// Master seed.
    pub seed: u64,
    /// Runs of the batch (of the whole batch, for a shard).
    pub runs: u64,
    /// Instead of `runs`, run to a precision.
    pub precision: Option<PrecisionTarget>,
    /// Only this shard of the batch, written as partial files for `merge`.
    pub shard: Option<Shard>,
    /// Continue from the checkpoint in the output directory, if any.
    pub resume: bool,
    /// Also draw the charts.
    pub plots: bool,
    /// Output directory (default: [`BatchJob::default_out`]).
    pub out: Option<PathBuf>,
    /// When to checkpoint.
    pub checkpoints: CheckpointPolicy,
    /// Also write daily_runs.csv, the day-by-day records of the first this
    /// many runs (0: none, and no work).
    pub keep_daily: u64,
    /// Threads and the command line for the manifest.
    pub exec: Execution,
    /// Run even if the estimate ([`BatchJob::estimate`]) is beyond the
    /// limits of time or output size.
    pub force: bool,
    /// The estimate already measured (by a caller that printed it), so
    /// that [`BatchJob::run`] does not measure it again.
    pub estimated: Option<Estimate>,
}

/// What a batch found and wrote.
#[derive(Debug)]
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

impl BatchJob {
    /// A batch of `runs` runs of `loaded` under master seed `seed`, with
    /// default options: no shard, no resume, no charts, default output
    /// directory and checkpoints.
    pub fn new(loaded: LoadedScenario, seed: u64, runs: u64) -> Self {
        BatchJob {
            loaded,
            seed,
            runs,
            precision: None,
            shard: None,
            resume: false,
            plots: false,
            out: None,
            checkpoints: CheckpointPolicy::default(),
            keep_daily: 0,
            exec: Execution::default(),
            force: false,
            estimated: None,
        }
    }

    /// The time and output size of the batch (of its shard, or up to
    /// `--max-runs` with a precision), from a calibration slice.
    pub fn estimate(&self) -> Estimate {
        let runs = match (self.precision, self.shard) {
            (Some(target), _) => target.max_runs,
            (None, Some(shard)) => {
                let r = shard.runs(self.runs);
                r.end - r.start
            }
            (None, None) => self.runs,
        };
        let mut estimate = Estimate::measure(&self.loaded.scenario, runs, self.exec.threads_used());
        estimate.at_most = self.precision.is_some();
        estimate
    }

    /// `results/<scenario file stem>/`, or its `shard-K-of-N/` for a shard.
    pub fn default_out(&self) -> PathBuf {
        shard_dir(default_dir(&self.loaded.stem), self.shard)
    }

    /// The output directory.
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.default_out())
    }

    /// Simulates the batch and writes its results directory.
    pub fn run(&self, progress: &dyn Progress) -> Result<BatchDone, JobError> {
        if self.shard.is_some() && (self.plots || self.precision.is_some()) {
            return Err(JobError::Invalid(
                "a shard has no estimates to draw or to judge: --shard cannot be combined with --plots or --precision".into(),
            ));
        }
        if self.resume && self.precision.is_some() {
            return Err(JobError::Invalid(
                "a batch run to a precision keeps no checkpoint: --resume cannot be combined with --precision".into(),
            ));
        }
        if self.shard.is_some() && self.keep_daily > 0 {
            return Err(JobError::Invalid(
                "--keep-daily keeps the first runs of a whole batch: it cannot be combined with --shard".into(),
            ));
        }
        if self.runs > MAX_RUNS {
            return Err(JobError::Invalid(format!(
                "{} runs is not allowed (allowed: 1 to {MAX_RUNS}; see docs/model.md, Limits)",
                self.runs
            )));
        }
        if !self.force {
            let estimate = self.estimated.unwrap_or_else(|| self.estimate());
            if estimate.is_absurd() {
                return Err(JobError::Invalid(estimate.refusal()));
            }
        }
        let sc = &self.loaded.scenario;
        let mut warnings = self.exec.warnings(sc.warnings().to_vec())?;
        let dir = self.out_dir();
        let mut staged = StagedDir::results(&dir, self.exec.force)?;
        let batch = Batch::new(sc, self.seed);
        let (tally, runs, resumed_from, half_width) = match self.precision {
            Some(target) => {
                let (tally, runs, reached) = self
                    .exec
                    .install(|| to_precision(&batch, target, &mut staged, progress))??;
                (tally, runs, None, Some(reached))
            }
            None => {
                let key = BatchKey::new(&self.loaded.source, self.seed, self.runs, self.shard);
                let ran = self
                    .exec
                    .install(|| checkpointed(&batch, &key, &mut staged, self, progress))?;
                let (tally, from, said) = match ran {
                    Err(e @ JobError::Interrupted { .. }) => {
                        // Keep the checkpoint and the rows it describes:
                        // dropping `staged` would remove them.
                        std::mem::forget(staged);
                        return Err(e);
                    }
                    other => other?,
                };
                warnings.extend(said);
                (tally, self.runs, from, None)
            }
        };

        if let (Some(target), Some(reached)) = (self.precision, half_width)
            && reached > target.eps
        {
            warnings.push(format!(
                "--max-runs {} reached before precision {}: the largest half-width of `entered` is {reached:.5}",
                target.max_runs, target.eps
            ));
        }
        let warnings = self.exec.warnings(warnings)?;
        let mut manifest = Manifest::monte_carlo(
            self.loaded.source.clone(),
            self.seed,
            runs,
            &self.exec.command_line,
        );
        manifest.warnings = warnings.clone();
        let (files, shard) = match self.shard {
            Some(shard) => {
                let record = ShardRecord::new(shard, runs);
                manifest.shard = Some(record);
                let json = to_json_line(&tally);
                let tallies = (ResultFile::Tally, json.as_slice());
                let text = &self.loaded.text;
                let files = write_shard(staged, tallies, text, manifest, &BATCH_SHARD)?;
                (files, Some(record))
            }
            None => {
                let mut first = vec![ResultFile::Runs];
                if self.keep_daily > 0 {
                    let kept = 0..self.keep_daily.min(runs);
                    let bytes = daily_runs(sc, self.seed, kept)?;
                    put(&mut staged, ResultFile::DailyRuns.name(), &bytes)?;
                    first.push(ResultFile::DailyRuns);
                }
                let files = write_tables(staged, sc, &tally, self.plots, manifest, &first)?;
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
}

/// `--precision`: blocks of runs into runs.csv in `staged` until every
/// `entered` interval is narrow enough (or `max_runs`); returns the tally,
/// the number of runs and the largest half-width reached.
fn to_precision(
    batch: &Batch,
    target: PrecisionTarget,
    staged: &mut StagedDir,
    progress: &dyn Progress,
) -> Result<(Tally, u64, f64), JobError> {
    let sc = batch.scenario();
    let file = staged.file(ResultFile::Runs.name())?;
    let runs_csv = RunsCsv::new(sc, file).map_err(|e| csv_error(ResultFile::Runs, e))?;
    let mut writer = RunsWriter {
        runs_csv,
        checkpoints: None,
        progress,
        end: u64::MAX,
    };
    progress.start(None);
    let mut tally = Tally::new(sc);
    let result = run_to_precision(batch, target.eps, target.max_runs, &mut tally, &mut writer);
    progress.finish();
    let done = result.map_err(|e| interrupted(e, None, &[]))?.end;
    writer.finish()?;
    let reached = entered_half_width(&tally);
    Ok((tally, done, reached))
}

/// The runs of `key` into runs.csv in `staged`, checkpointing as the job's
/// policy says, resuming from a checkpoint with `--resume`. Returns their
/// tally, the run resumed from and the warnings said on the way (an
/// earlier checkpoint of the same batch, kept until this run passes it).
fn checkpointed(
    batch: &Batch,
    key: &BatchKey,
    staged: &mut StagedDir,
    job: &BatchJob,
    progress: &dyn Progress,
) -> Result<(Tally, Option<u64>, Vec<String>), JobError> {
    let sc = batch.scenario();
    let range = key.range();
    let (checkpointer, found) = Checkpointer::open(staged, key, sc, job.resume, job.checkpoints)?;
    let mut said = Vec::new();
    if let Some(kept) = found.kept {
        let how = match resume_command(&job.exec.command_line) {
            Some(cmd) => format!("stop this run (Ctrl-C) and run: {cmd}"),
            None => "stop this run and run it again with --resume".into(),
        };
        said.push(format!(
            "{} holds a checkpoint of this same batch (every run before run {kept} done), and --resume was not given: this run starts again from run {} and keeps that checkpoint beside its own (as {KEPT_CHECKPOINT}) until it passes run {kept}; to continue from it instead, {how}",
            staged.dir().display(),
            range.start
        ));
        said = job.exec.warnings(said)?;
        for w in &said {
            progress.warn(w);
        }
    }
    let resumed = found.resumed;
    let resumed_from = resumed.as_ref().map(|r| r.next_run);
    let (runs_csv, mut tally, next) = match resumed {
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
    let mut writer = RunsWriter {
        runs_csv,
        checkpoints: Some(checkpointer),
        progress,
        end: range.end,
    };
    progress.start(Some(range.end - range.start));
    progress.advance(next - range.start);
    let result = batch.run_observed(next..range.end, &mut tally, &mut writer);
    progress.finish();
    if let Err(e) = result {
        let latest = writer.checkpoints.as_ref().and_then(Checkpointer::latest);
        return Err(interrupted(e, latest, &job.exec.command_line));
    }
    if let Some(c) = &mut writer.checkpoints {
        c.drop_kept()?;
    }
    writer.finish()?;
    Ok((tally, resumed_from, said))
}

/// A batch that stopped: [`JobError::Interrupted`] if the user asked it to
/// (with the checkpoint `latest` and the command that resumes it), else the
/// batch's own error.
fn interrupted(e: BatchError, latest: Option<(PathBuf, u64)>, command_line: &[String]) -> JobError {
    let asked = matches!(&e, BatchError::Sink(s) if s.is::<Stopped>());
    if !asked {
        return e.into();
    }
    let (checkpoint, next_run) = latest.map_or((None, None), |(p, n)| (Some(p), Some(n)));
    let resume = checkpoint
        .as_ref()
        .and_then(|_| resume_command(command_line));
    JobError::Interrupted {
        checkpoint,
        next_run,
        resume,
    }
}

/// The observer's answer at a safe point once a stop was asked for.
#[derive(Debug, thiserror::Error)]
#[error("stopped at the user's request")]
struct Stopped;

/// Writes runs.csv as runs complete, checkpoints at the end of blocks when
/// due, and reports progress.
struct RunsWriter<'a> {
    runs_csv: RunsCsv<'a, StagedFile>,
    checkpoints: Option<Checkpointer>,
    progress: &'a dyn Progress,
    /// The run after the last (a stop asked for after it is not obeyed: the
    /// batch is done).
    end: u64,
}

impl RunsWriter<'_> {
    /// Flushes runs.csv and leaves it staged.
    fn finish(self) -> Result<(), JobError> {
        let file = self
            .runs_csv
            .into_inner()
            .map_err(|e| csv_error(ResultFile::Runs, e.into()))?;
        file.finish()?;
        Ok(())
    }
}

impl BatchObserver for RunsWriter<'_> {
    fn run(&mut self, s: &RunSummary) -> Result<(), ObserverError> {
        self.runs_csv.run(s)
    }

    fn block_done(&mut self, block: Range<u64>, tally: &Tally) -> Result<(), ObserverError> {
        self.progress.advance(block.end - block.start);
        let stop = stop_requested() && block.end < self.end;
        if let Some(c) = &mut self.checkpoints
            && (stop || c.due(block.end))
        {
            self.runs_csv.flush()?;
            let bytes = self.runs_csv.get_ref().sync_flushed()?;
            c.save(block.end, bytes, tally)?;
        }
        if stop {
            return Err(Box::new(Stopped));
        }
        Ok(())
    }
}
