//! Experiments over scenarios: designs of parameter sweeps, paired
//! comparisons on common random numbers, and runs until a precision is
//! reached.
//!
//! Everything here is built on [`Batch`]: a sweep point or a side of a
//! comparison is a batch of a changed scenario under the same master seed,
//! so run `i` of every point draws from the same streams (common random
//! numbers), and results stay independent of threads.

mod compare;
mod design;
mod design_file;
pub mod study;

pub(crate) use compare::{CompareError, Comparison, compare};
pub use design::{Design, Values, Vary, VaryError, labels_of};
pub use design_file::{DesignChoice, DesignFile, DesignFileError, read_design_file};

use crate::engine::{Batch, Tally};
use crate::stats::wilson;

/// Runs added at a time by [`run_to_precision`]: fixed, so that where a
/// batch stops depends only on the scenario, the seed and the target.
pub(crate) const PRECISION_BLOCK: u64 = 10_000;

/// The largest half-width of the 95% intervals of `entered` over all phases.
pub(crate) fn entered_half_width(tally: &Tally) -> f64 {
    let t = &tally.runs;
    t.entered
        .iter()
        .map(|&k| {
            let e = wilson(k, t.count);
            (e.high - e.low) / 2.0
        })
        .fold(0.0, f64::max)
}
