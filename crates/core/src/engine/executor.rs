//! The executor: the one loop that runs a batch, whatever the job.
//!
//! A batch of `run`, a point of a sweep or of a study, a side of a check:
//! each is the same loop over blocks of runs, told how far to go by a
//! [`Mode`] (a range of runs, or chunks until a rule is met), watched by a
//! [`BatchObserver`], checkpointed by a [`Checkpoint`] (implemented by the
//! store) and stopped by a [`CancelToken`]. It returns an [`Outcome`] that
//! says why it stopped, so that no job rebuilds the loop, and a stop the
//! user asked for is an outcome, not an error.
//!
//! Block `k` is handed to the observer (runs.csv written, say) while the
//! pool simulates block `k + 1`; a checkpoint or a stop is decided at the
//! end of a block, after the observer has seen it.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::batch::{BLOCK_RUNS, Batch, BatchError, BatchObserver, BlockPart, ObserverError};
use super::tally::Tally;

/// Asks running batches to stop at their next safe point (the end of a
/// block of runs). Cloned tokens share one flag: the command line cancels
/// its token on Ctrl-C, the Python binding on `KeyboardInterrupt`.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every batch watching this token to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Durable progress of a batch, so that a killed batch can resume. The
/// store's checkpointer implements it; the executor decides when.
#[doc(hidden)]
pub trait Checkpoint {
    /// Whether a checkpoint is due now that every run before `next_run` is
    /// done.
    fn due(&self, next_run: u64) -> bool;

    /// Durably records that every run before `next_run` is in `tally` (and,
    /// the observers having been [persisted](BatchObserver::persist), in
    /// what they wrote).
    fn save(&mut self, next_run: u64, tally: &Tally) -> Result<(), ObserverError>;

    /// The next run of the checkpoint a resume would continue from now.
    fn latest(&self) -> Option<u64>;
}

/// How far a batch goes.
#[derive(Clone)]
#[doc(hidden)]
pub enum Mode<'a> {
    /// Exactly these runs: a whole batch, a shard's share of one, or what a
    /// resumed batch has left.
    Runs(Range<u64>),
    /// Runs from 0 in chunks of `every` runs until `met` holds of the tally
    /// after a chunk (it is never asked before the first), or `max_runs`
    /// runs are done. Where the batch stops depends only on the scenario,
    /// the seed and the rule.
    Until {
        /// Whether the tally so far is enough.
        met: &'a (dyn Fn(&Tally) -> bool + Sync),
        /// Runs added between two looks at the rule.
        every: u64,
        /// Runs at most.
        max_runs: u64,
    },
}

impl std::fmt::Debug for Mode<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mode::Runs(r) => f.debug_tuple("Runs").field(r).finish(),
            Mode::Until {
                every, max_runs, ..
            } => f
                .debug_struct("Until")
                .field("every", every)
                .field("max_runs", max_runs)
                .finish_non_exhaustive(),
        }
    }
}

/// Why a batch stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Reason {
    /// Every run of [`Mode::Runs`] is done.
    Completed,
    /// The rule of [`Mode::Until`] is met.
    Met,
    /// [`Mode::Until`] reached its largest number of runs first.
    MaxRuns,
    /// The [`CancelToken`] was cancelled: the batch stopped at the end of a
    /// block, with a checkpoint there if it had a [`Checkpoint`].
    Interrupted {
        /// The next run of the checkpoint to resume from (`None`: none).
        checkpoint: Option<u64>,
    },
}

/// What a batch did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[doc(hidden)]
pub struct Outcome {
    /// The runs simulated and added to the tally.
    #[doc(hidden)]
    pub runs: Range<u64>,
    /// Why it stopped.
    #[doc(hidden)]
    pub reason: Reason,
}

/// Runs a [`Batch`]: see the module docs.
#[doc(hidden)]
pub struct Executor<'e, 'b> {
    batch: &'e Batch<'b>,
    observer: Option<&'e mut (dyn BatchObserver + Send)>,
    checkpoint: Option<&'e mut (dyn Checkpoint + Send)>,
    cancel: Option<&'e CancelToken>,
}

impl<'e, 'b> Executor<'e, 'b> {
    /// Runs `batch`, observed by nothing, without checkpoints, not
    /// cancellable.
    #[doc(hidden)]
    pub fn new(batch: &'e Batch<'b>) -> Self {
        Executor {
            batch,
            observer: None,
            checkpoint: None,
            cancel: None,
        }
    }

    /// Tells `observer` of every run (in run order) and every block.
    #[doc(hidden)]
    pub fn observer(mut self, observer: &'e mut (dyn BatchObserver + Send)) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Checkpoints when `checkpoint` says one is due, and before a stop.
    #[doc(hidden)]
    pub fn checkpoint(mut self, checkpoint: &'e mut (dyn Checkpoint + Send)) -> Self {
        self.checkpoint = Some(checkpoint);
        self
    }

    /// Stops at the end of the next block once `cancel` is cancelled.
    #[doc(hidden)]
    pub fn cancel(mut self, cancel: &'e CancelToken) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// Runs the batch as `mode` says, adding every run to `tally` (which
    /// may hold earlier runs: a batch extended range by range ends with the
    /// same tally as one run over the whole range).
    #[doc(hidden)]
    pub fn run(mut self, mode: Mode<'_>, tally: &mut Tally) -> Result<Outcome, BatchError> {
        match mode {
            Mode::Runs(range) => {
                let stopped = self.blocks(range.clone(), range.end, tally)?;
                Ok(match stopped {
                    Some(next) => self.interrupted(range.start..next),
                    None => Outcome {
                        runs: range,
                        reason: Reason::Completed,
                    },
                })
            }
            Mode::Until {
                met,
                every,
                max_runs,
            } => {
                let mut done = 0;
                loop {
                    let end = max_runs.min(done + every.max(1));
                    if let Some(next) = self.blocks(done..end, max_runs, tally)? {
                        return Ok(self.interrupted(0..next));
                    }
                    done = end;
                    let reason = if met(tally) {
                        Reason::Met
                    } else if done >= max_runs {
                        Reason::MaxRuns
                    } else {
                        continue;
                    };
                    return Ok(Outcome {
                        runs: 0..done,
                        reason,
                    });
                }
            }
        }
    }

    fn interrupted(&self, runs: Range<u64>) -> Outcome {
        let checkpoint = self.checkpoint.as_ref().and_then(|c| c.latest());
        Outcome {
            runs,
            reason: Reason::Interrupted { checkpoint },
        }
    }

    /// Simulates `runs` block by block, handing each block to the observer
    /// while the next is simulated. Returns the next run if it stopped
    /// early because it was cancelled (never after the batch's last run,
    /// `end`: a finished batch is not interrupted).
    fn blocks(
        &mut self,
        runs: Range<u64>,
        end: u64,
        tally: &mut Tally,
    ) -> Result<Option<u64>, BatchError> {
        let batch = self.batch;
        let keep = self.observer.as_ref().is_some_and(|o| o.wants_runs());
        let blocks = runs
            .clone()
            .step_by(BLOCK_RUNS as usize)
            .map(|start| start..runs.end.min(start.saturating_add(BLOCK_RUNS)));
        #[cfg(feature = "task-timing")]
        let timing = super::batch::task_timing::Batch::start();
        let mut done: Option<(Range<u64>, Vec<BlockPart>)> = None;
        for block in blocks.map(Some).chain([None]) {
            let (simulated, delivered) = rayon::join(
                || block.map(|b| batch.simulate(b.clone(), keep).map(|parts| (b, parts))),
                || match done.take() {
                    Some((b, parts)) => self.deliver(b, parts, end, tally),
                    None => Ok(None),
                },
            );
            if let Some(next) = delivered? {
                return Ok(Some(next));
            }
            done = simulated.transpose()?;
        }
        #[cfg(feature = "task-timing")]
        timing.report();
        Ok(None)
    }

    /// Hands a simulated block to the observer in run order, adds its
    /// tallies to `tally`, and checkpoints or stops at its end as due.
    fn deliver(
        &mut self,
        block: Range<u64>,
        parts: Vec<BlockPart>,
        end: u64,
        tally: &mut Tally,
    ) -> Result<Option<u64>, BatchError> {
        let observer = self.observer.as_deref_mut();
        super::batch::deliver(self.batch.scenario(), block.clone(), parts, tally, observer)?;
        let next = block.end;
        let stop = next < end && self.cancel.is_some_and(CancelToken::is_cancelled);
        if let Some(c) = self.checkpoint.as_deref_mut()
            && (stop || c.due(next))
        {
            if let Some(o) = self.observer.as_deref_mut() {
                o.persist().map_err(BatchError::Sink)?;
            }
            c.save(next, tally).map_err(BatchError::Sink)?;
        }
        Ok(stop.then_some(next))
    }
}

impl Batch<'_> {
    /// Simulates runs `runs` on the current rayon pool and returns their
    /// tally.
    pub fn run(&self, runs: Range<u64>) -> Result<Tally, BatchError> {
        let mut tally = Tally::new(self.scenario());
        Executor::new(self).run(Mode::Runs(runs), &mut tally)?;
        Ok(tally)
    }

    /// Simulates runs `runs`, adding them to `tally`, and tells `observer`
    /// of every run summary (in run order) and of the end of every block of
    /// [`BLOCK_RUNS`] runs: the jobs' executor with an observer and nothing
    /// else.
    pub fn run_observed(
        &self,
        runs: Range<u64>,
        tally: &mut Tally,
        observer: &mut (dyn BatchObserver + Send),
    ) -> Result<(), BatchError> {
        Executor::new(self)
            .observer(observer)
            .run(Mode::Runs(runs), tally)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin::GENEVA_2016;
    use crate::scenario::Scenario;

    fn geneva() -> Scenario {
        Scenario::from_toml(GENEVA_2016, "geneva.toml").unwrap()
    }

    /// Counts blocks and remembers the ends it was asked to persist at.
    #[derive(Default)]
    struct Blocks {
        ends: Vec<u64>,
        persisted: Vec<u64>,
    }

    impl BatchObserver for Blocks {
        fn wants_runs(&self) -> bool {
            false
        }
        fn block_done(&mut self, block: Range<u64>, _: &Tally) -> Result<(), ObserverError> {
            self.ends.push(block.end);
            Ok(())
        }
        fn persist(&mut self) -> Result<(), ObserverError> {
            let last = self.ends.last().copied().unwrap_or(0);
            self.persisted.push(last);
            Ok(())
        }
    }

    /// Due every other block; records what it saved.
    #[derive(Default)]
    struct EveryOther {
        saved: Vec<(u64, u64)>,
    }

    impl Checkpoint for EveryOther {
        fn due(&self, next_run: u64) -> bool {
            (next_run / BLOCK_RUNS).is_multiple_of(2)
        }
        fn save(&mut self, next_run: u64, tally: &Tally) -> Result<(), ObserverError> {
            self.saved.push((next_run, tally.runs.count));
            Ok(())
        }
        fn latest(&self) -> Option<u64> {
            self.saved.last().map(|s| s.0)
        }
    }

    #[test]
    fn runs_complete_with_checkpoints_where_due_after_the_observer_persisted() {
        let sc = geneva();
        let batch = Batch::new(&sc, 5);
        let (mut blocks, mut checkpoint) = (Blocks::default(), EveryOther::default());
        let mut tally = Tally::new(&sc);
        let runs = 0..5 * BLOCK_RUNS + 7;
        let outcome = Executor::new(&batch)
            .observer(&mut blocks)
            .checkpoint(&mut checkpoint)
            .run(Mode::Runs(runs.clone()), &mut tally)
            .unwrap();
        assert_eq!(outcome.reason, Reason::Completed);
        assert_eq!(outcome.runs, runs);
        assert_eq!(tally, batch.run(runs.clone()).unwrap());
        let due: Vec<u64> = [2, 4].map(|k| k * BLOCK_RUNS).to_vec();
        assert_eq!(
            checkpoint.saved,
            due.iter().map(|&n| (n, n)).collect::<Vec<_>>()
        );
        assert_eq!(blocks.persisted, due);
        assert_eq!(blocks.ends.last(), Some(&runs.end));
    }

    #[test]
    fn a_cancelled_batch_stops_at_a_block_end_with_a_checkpoint_there() {
        let sc = geneva();
        let batch = Batch::new(&sc, 5);
        let cancel = CancelToken::new();
        cancel.cancel();
        let mut checkpoint = EveryOther::default();
        let mut tally = Tally::new(&sc);
        let outcome = Executor::new(&batch)
            .checkpoint(&mut checkpoint)
            .cancel(&cancel)
            .run(Mode::Runs(100..100 + 3 * BLOCK_RUNS), &mut tally)
            .unwrap();
        let next = 100 + BLOCK_RUNS;
        assert_eq!(
            outcome,
            Outcome {
                runs: 100..next,
                reason: Reason::Interrupted {
                    checkpoint: Some(next)
                }
            }
        );
        assert_eq!(checkpoint.saved, vec![(next, BLOCK_RUNS)]);
        assert_eq!(tally, batch.run(100..next).unwrap());
    }

    #[test]
    fn a_stop_asked_for_during_the_last_block_is_not_obeyed() {
        let sc = geneva();
        let batch = Batch::new(&sc, 5);
        let cancel = CancelToken::new();
        cancel.cancel();
        let mut tally = Tally::new(&sc);
        let outcome = Executor::new(&batch)
            .cancel(&cancel)
            .run(Mode::Runs(0..300), &mut tally)
            .unwrap();
        assert_eq!(outcome.reason, Reason::Completed);
    }

    #[test]
    fn until_looks_at_the_rule_after_every_chunk_and_stops_at_the_limit() {
        let sc = geneva();
        let batch = Batch::new(&sc, 5);
        let at_least = |n: u64| move |t: &Tally| t.runs.count >= n;
        let rule = at_least(2500);
        let mut tally = Tally::new(&sc);
        let mode = Mode::Until {
            met: &rule,
            every: 1000,
            max_runs: 10_000,
        };
        let outcome = Executor::new(&batch).run(mode, &mut tally).unwrap();
        assert_eq!((outcome.runs, outcome.reason), (0..3000, Reason::Met));
        assert_eq!(tally, batch.run(0..3000).unwrap());

        let never = |_: &Tally| false;
        let mut tally = Tally::new(&sc);
        let mode = Mode::Until {
            met: &never,
            every: 1000,
            max_runs: 2500,
        };
        let outcome = Executor::new(&batch).run(mode, &mut tally).unwrap();
        assert_eq!((outcome.runs, outcome.reason), (0..2500, Reason::MaxRuns));
    }
}
