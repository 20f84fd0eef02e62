//! Batches: many runs in parallel, reported in run order.
//!
//! Runs are simulated in blocks of [`BLOCK_RUNS`]; within a block, rayon
//! splits the run indices across threads, each split with its own workspace
//! and daily tally. The block's run summaries are then handed to the sink in
//! run order and the tallies merged. Memory is bounded by the block size,
//! whatever the number of runs.

use std::ops::Range;

use rayon::prelude::*;

use super::run::{KeptRuns, RunError, RunSummary, Workspace};
use super::streams::StreamKeys;
use super::tally::{DailyTally, RunTally, Tally, TallyOverflow};
use crate::model::Tables;
use crate::scenario::Scenario;

/// Runs per block: large enough to keep both cores busy, small enough that
/// a block's summaries take little memory.
pub const BLOCK_RUNS: u64 = 8192;

/// Runs a rayon task simulates (the last of a block may have fewer): enough
/// that per-task set-up is amortised, few enough that the last task of a
/// block leaves the other threads idle only briefly.
const MIN_RUNS_PER_TASK: usize = 128;

/// Why a batch stopped.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// A run could not be simulated.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A tally counter would overflow (a tally to resume from is corrupt).
    #[error(transparent)]
    Overflow(#[from] TallyOverflow),
    /// An observer refused a run or a block (e.g. a write failed).
    #[error("cannot record a finished run")]
    Sink(#[source] ObserverError),
}

/// What an observer returns when it cannot take a run or a block.
pub type ObserverError = Box<dyn std::error::Error + Send + Sync>;

/// Watches a batch: every run summary in run order, and the end of every
/// block of runs with the tally so far. Writers of runs.csv, checkpoints
/// and progress bars are observers; the engine knows nothing of them.
pub trait BatchObserver {
    /// Whether [`BatchObserver::run`] needs the run summaries (if not, the
    /// batch does not keep them).
    fn wants_runs(&self) -> bool {
        true
    }

    /// Run `s.run` is complete. Runs arrive in run order.
    fn run(&mut self, _s: &RunSummary) -> Result<(), ObserverError> {
        Ok(())
    }

    /// Runs `block` are complete, and `tally` holds every run of the batch
    /// up to `block.end` (the moment to checkpoint or report progress).
    fn block_done(&mut self, _block: Range<u64>, _tally: &Tally) -> Result<(), ObserverError> {
        Ok(())
    }

    /// Makes everything told so far durable, because a checkpoint that
    /// describes it follows (a runs.csv writer flushes and syncs its file).
    fn persist(&mut self) -> Result<(), ObserverError> {
        Ok(())
    }
}

/// Observes nothing.
impl BatchObserver for () {
    fn wants_runs(&self) -> bool {
        false
    }
}

impl<T: BatchObserver + ?Sized> BatchObserver for &mut T {
    fn wants_runs(&self) -> bool {
        (**self).wants_runs()
    }

    fn run(&mut self, s: &RunSummary) -> Result<(), ObserverError> {
        (**self).run(s)
    }

    fn block_done(&mut self, block: Range<u64>, tally: &Tally) -> Result<(), ObserverError> {
        (**self).block_done(block, tally)
    }

    fn persist(&mut self) -> Result<(), ObserverError> {
        (**self).persist()
    }
}

/// Two observers, told in turn.
impl<A: BatchObserver, B: BatchObserver> BatchObserver for (A, B) {
    fn wants_runs(&self) -> bool {
        self.0.wants_runs() || self.1.wants_runs()
    }

    fn run(&mut self, s: &RunSummary) -> Result<(), ObserverError> {
        self.0.run(s)?;
        self.1.run(s)
    }

    fn block_done(&mut self, block: Range<u64>, tally: &Tally) -> Result<(), ObserverError> {
        self.0.block_done(block.clone(), tally)?;
        self.1.block_done(block, tally)
    }

    fn persist(&mut self) -> Result<(), ObserverError> {
        self.0.persist()?;
        self.1.persist()
    }
}

/// Tells a function how many runs each block completed (a progress bar).
#[derive(Debug, Clone, Copy)]
pub struct ProgressFn<F>(pub F);

impl<F: Fn(u64)> BatchObserver for ProgressFn<F> {
    fn wants_runs(&self) -> bool {
        false
    }

    fn block_done(&mut self, block: Range<u64>, _tally: &Tally) -> Result<(), ObserverError> {
        (self.0)(block.end - block.start);
        Ok(())
    }
}

/// A scenario with a master seed: the source of every run.
#[derive(Debug)]
pub struct Batch<'a> {
    scenario: &'a Scenario,
    seed: u64,
    keys: StreamKeys,
    tables: Tables,
}

impl<'a> Batch<'a> {
    /// Runs of `scenario` under master seed `seed`.
    pub fn new(scenario: &'a Scenario, seed: u64) -> Self {
        Batch {
            scenario,
            seed,
            keys: StreamKeys::new(scenario, seed),
            tables: Tables::new(scenario),
        }
    }

    /// The master seed.
    #[doc(hidden)]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The scenario.
    pub fn scenario(&self) -> &'a Scenario {
        self.scenario
    }

    /// A workspace for simulating single runs of this batch (e.g. a trace).
    pub fn workspace(&self) -> Workspace<'_> {
        Workspace::new(self.scenario, &self.tables, &self.keys)
    }

    /// Simulates the runs of one block in tasks of [`MIN_RUNS_PER_TASK`]
    /// consecutive runs, each a plain loop over one workspace. Each task
    /// tallies its own runs (integer sums: the merge order cannot change a
    /// byte) and keeps their summaries only if `keep`.
    pub(super) fn simulate(
        &self,
        block: Range<u64>,
        keep: bool,
    ) -> Result<Vec<BlockPart>, RunError> {
        let (start, end) = (block.start, block.end);
        let tasks = (end - start).div_ceil(MIN_RUNS_PER_TASK as u64);
        // One task per split at most: left to itself, rayon runs a quarter
        // of a block's tasks (at 2 threads) as one sequence that no idle
        // thread can take a part of.
        (0..tasks as usize)
            .into_par_iter()
            .with_max_len(1)
            .map(|t| {
                #[cfg(feature = "task-timing")]
                let _task = task_timing::Task::start();
                let t = t as u64;
                let first = start + t * MIN_RUNS_PER_TASK as u64;
                let last = end.min(first + MIN_RUNS_PER_TASK as u64);
                let mut summaries = KeptRuns::default();
                let mut runs = RunTally::new(self.scenario);
                let mut daily = DailyTally::new(self.scenario);
                let mut ws = self.workspace();
                for run in first..last {
                    let s = ws.simulate(run, &mut daily)?;
                    runs.observe(s);
                    if keep {
                        summaries.push(s);
                    }
                }
                Ok((summaries, runs, daily))
            })
            .collect()
    }
}

/// What one task of a block hands back: its run summaries (if kept) and
/// its tallies.
pub(super) type BlockPart = (KeptRuns, RunTally, DailyTally);

/// Hands a simulated block of `scenario` to the observer in run order and
/// adds its tallies to `tally`.
pub(super) fn deliver(
    scenario: &Scenario,
    block: Range<u64>,
    parts: Vec<BlockPart>,
    tally: &mut Tally,
    mut observer: Option<&mut (dyn BatchObserver + Send + '_)>,
) -> Result<(), BatchError> {
    let mut scratch = RunSummary::new(scenario);
    for (summaries, runs, daily) in parts {
        if let Some(o) = observer.as_deref_mut() {
            summaries
                .each(&mut scratch, |s| o.run(s))
                .map_err(BatchError::Sink)?;
        }
        // Checked at block level: a tally resumed from a file may hold
        // anything.
        tally.runs.merge(&runs)?;
        tally.daily.merge(&daily)?;
    }
    match observer {
        Some(o) => o.block_done(block, tally).map_err(BatchError::Sink),
        None => Ok(()),
    }
}

/// (Feature `task-timing`) How busy a batch keeps its threads: the time
/// spent inside tasks, summed over threads, against the batch's wall time
/// times the thread count. What is missing is time a thread spent idle,
/// delivering blocks or splitting work.
#[cfg(feature = "task-timing")]
pub(super) mod task_timing {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Instant;

    /// Nanoseconds spent in tasks since the current batch started.
    static IN_TASKS: AtomicU64 = AtomicU64::new(0);

    /// A batch being timed.
    pub(in crate::engine) struct Batch(Instant);

    impl Batch {
        /// Starts timing a batch (one batch at a time per process).
        pub(in crate::engine) fn start() -> Self {
            IN_TASKS.store(0, Ordering::Relaxed);
            Batch(Instant::now())
        }

        /// Prints the batch's wall time, task time and busy share to stderr.
        pub(in crate::engine) fn report(self) {
            let wall = self.0.elapsed().as_secs_f64();
            let tasks = IN_TASKS.load(Ordering::Relaxed) as f64 / 1e9;
            let threads = rayon::current_num_threads();
            eprintln!(
                "task-timing: wall {:.1} ms, in tasks {:.1} ms, busy share {:.3} of {threads} threads",
                wall * 1e3,
                tasks * 1e3,
                tasks / (wall * threads as f64)
            );
        }
    }

    /// A task being timed: its time is added when it is dropped.
    pub(in crate::engine) struct Task(Instant);

    impl Task {
        /// Starts timing a task.
        pub(in crate::engine) fn start() -> Self {
            Task(Instant::now())
        }
    }

    impl Drop for Task {
        fn drop(&mut self) {
            let ns = u64::try_from(self.0.elapsed().as_nanos()).unwrap_or(u64::MAX);
            IN_TASKS.fetch_add(ns, Ordering::Relaxed);
        }
    }
}
