//! A batch of runs of one scenario (`ceasefire run`): a fixed number of
//! runs with checkpoints (and `--resume`), runs until a precision is
//! reached, or one shard of a batch.

use std::ops::Range;
use std::path::PathBuf;

use super::write::{csv_error, write_shard, write_tables};
use super::{Execution, JobError, LoadedScenario, Progress, default_dir, shard_dir};
use crate::engine::{Batch, BatchObserver, ObserverError, RunSummary, Shard, Tally};
use crate::experiment::{entered_half_width, run_to_precision};
use crate::report::RunsCsv;
use crate::store::checkpoint::{BatchKey, CheckpointPolicy, Checkpointer};
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
    /// Threads and the command line for the manifest.
    pub exec: Execution,
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
            exec: Execution::default(),
        }
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
                let (tally, from) = self
                    .exec
                    .install(|| checkpointed(&batch, &key, &mut staged, self, progress))??;
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
                let first = [ResultFile::Runs];
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
    };
    progress.start(None);
    let mut tally = Tally::new(sc);
    let result = run_to_precision(batch, target.eps, target.max_runs, &mut tally, &mut writer);
    progress.finish();
    let done = result?.end;
    writer.finish()?;
    let reached = entered_half_width(&tally);
    Ok((tally, done, reached))
}

/// The runs of `key` into runs.csv in `staged`, checkpointing as the job's
/// policy says, resuming from a checkpoint with `--resume`. Returns their
/// tally and the run resumed from.
fn checkpointed(
    batch: &Batch,
    key: &BatchKey,
    staged: &mut StagedDir,
    job: &BatchJob,
    progress: &dyn Progress,
) -> Result<(Tally, Option<u64>), JobError> {
    let sc = batch.scenario();
    let range = key.range();
    let (checkpointer, resumed) = Checkpointer::open(staged, key, sc, job.resume, job.checkpoints)?;
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
    };
    progress.start(Some(range.end - range.start));
    progress.advance(next - range.start);
    let result = batch.run_observed(next..range.end, &mut tally, &mut writer);
    progress.finish();
    result?;
    writer.finish()?;
    Ok((tally, resumed_from))
}

/// Writes runs.csv as runs complete, checkpoints at the end of blocks when
/// due, and reports progress.
struct RunsWriter<'a> {
    runs_csv: RunsCsv<'a, StagedFile>,
    checkpoints: Option<Checkpointer>,
    progress: &'a dyn Progress,
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
        if let Some(c) = &mut self.checkpoints
            && c.due(block.end)
        {
            self.runs_csv.flush()?;
            let bytes = self.runs_csv.get_ref().sync_flushed()?;
            c.save(block.end, bytes, tally)?;
        }
        Ok(())
    }
}
