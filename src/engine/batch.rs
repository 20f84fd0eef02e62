//! Batches: many runs in parallel, reported in run order.
//!
//! Runs are simulated in blocks of [`BLOCK_RUNS`]; within a block, rayon
//! splits the run indices across threads, each split with its own workspace
//! and daily tally. The block's run summaries are then handed to the sink in
//! run order and the tallies merged. Memory is bounded by the block size,
//! whatever the number of runs.

use std::ops::Range;

use rayon::prelude::*;

use super::run::{RunError, RunSummary, Workspace};
use super::streams::StreamKeys;
use super::tally::{DailyTally, Tally};
use crate::scenario::Scenario;

/// Runs per block: large enough to keep both cores busy, small enough that
/// a block's summaries take little memory.
pub const BLOCK_RUNS: u64 = 8192;

/// Fewest runs a rayon task simulates, so that per-task set-up is amortised.
const MIN_RUNS_PER_TASK: usize = 256;

/// Why a batch stopped.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// A run could not be simulated.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The sink refused a run summary (e.g. a write failed).
    #[error("cannot record a finished run")]
    Sink(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Receives run summaries in run order.
pub trait RunSink {
    /// Run `s.run` is complete.
    fn run(&mut self, s: &RunSummary) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;
}

/// Discards run summaries.
impl RunSink for () {
    fn run(&mut self, _s: &RunSummary) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        Ok(())
    }
}

/// A scenario with a master seed: the source of every run.
#[derive(Debug)]
pub struct Batch<'a> {
    scenario: &'a Scenario,
    seed: u64,
    keys: StreamKeys,
}

impl<'a> Batch<'a> {
    /// Runs of `scenario` under master seed `seed`.
    pub fn new(scenario: &'a Scenario, seed: u64) -> Self {
        Batch {
            scenario,
            seed,
            keys: StreamKeys::new(scenario, seed),
        }
    }

    /// The master seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The scenario.
    pub fn scenario(&self) -> &'a Scenario {
        self.scenario
    }

    /// A workspace for simulating single runs of this batch (e.g. a trace).
    pub fn workspace(&self) -> Workspace<'_> {
        Workspace::new(self.scenario, &self.keys)
    }

    /// Simulates runs `runs` on the current rayon pool, handing each summary
    /// to `sink` in run order and calling `progress` with the number of runs
    /// completed after each block.
    pub fn run(
        &self,
        runs: Range<u64>,
        sink: &mut dyn RunSink,
        progress: &dyn Fn(u64),
    ) -> Result<Tally, BatchError> {
        let mut tally = Tally::new(self.scenario);
        self.run_into(runs, &mut tally, sink, progress)?;
        Ok(tally)
    }

    /// Like [`Batch::run`], adding to an existing tally, so that a batch can
    /// be extended block by block (as `--precision` does) with the same
    /// result as one call over the whole range.
    pub fn run_into(
        &self,
        runs: Range<u64>,
        tally: &mut Tally,
        sink: &mut dyn RunSink,
        progress: &dyn Fn(u64),
    ) -> Result<(), BatchError> {
        let mut start = runs.start;
        while start < runs.end {
            let end = runs.end.min(start.saturating_add(BLOCK_RUNS));
            let parts: Vec<(Vec<RunSummary>, DailyTally)> = (0..(end - start) as usize)
                .into_par_iter()
                .with_min_len(MIN_RUNS_PER_TASK)
                .map(|k| start + k as u64)
                .fold(
                    || Ok((Vec::new(), DailyTally::new(self.scenario), self.workspace())),
                    |acc: Result<_, RunError>, run| {
                        let (mut summaries, mut daily, mut ws) = acc?;
                        summaries.push(ws.run(run, &mut daily)?);
                        Ok((summaries, daily, ws))
                    },
                )
                .map(|r| r.map(|(s, d, _)| (s, d)))
                .collect::<Result<_, _>>()?;
            for (summaries, daily) in parts {
                for s in &summaries {
                    sink.run(s).map_err(BatchError::Sink)?;
                    tally.runs.observe(s);
                }
                tally.daily.merge(&daily);
            }
            progress(end - start);
            start = end;
        }
        Ok(())
    }
}
