//! The engine: one run, batches of runs in parallel, and the per-run random
//! streams that make every result independent of how the work is split.
//!
//! The engine knows nothing of files: its executor (crate-private; the jobs
//! drive it) hands run summaries to a [`BatchObserver`], checkpoints through
//! a trait that `store` implements, stops when a [`CancelToken`] asks, and
//! returns integer [`Tally`] aggregates.

mod batch;
mod executor;
mod internals;
mod run;
mod shard;
#[doc(hidden)]
pub mod streams;
mod tally;
mod windows;

pub use batch::Batch;
pub use batch::{BLOCK_RUNS, BatchError, BatchObserver, ObserverError, ProgressFn};
pub use executor::CancelToken;
#[doc(hidden)]
pub use executor::{Checkpoint, Executor, Mode, Outcome, Reason};
#[doc(hidden)]
pub use internals::RunInternals;
pub use run::RunSummary;
pub use run::{DayObserver, RunError, Workspace};
pub use shard::{Shard, ShardError};
pub use tally::Tally;
pub use tally::{
    DailyTally, DayMetric, RowTotals, RunTally, Sums, TallyInconsistent, TallyMismatch,
    TallyOverflow,
};
#[doc(hidden)]
pub use windows::WindowReadings;
