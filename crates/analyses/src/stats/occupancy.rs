//! The rows of daily.csv: the share of runs in each phase, day by day.
//!
//! Built from any [`Estimates`], so a batch of runs and the exact solver
//! share one table.

use super::Estimate;
use super::estimates::Estimates;

/// One row of daily.csv: phase `phase` on day `day`.
#[derive(Debug, Clone, PartialEq)]
#[doc(hidden)]
pub struct OccupancyRow {
    /// Day index.
    #[doc(hidden)]
    pub day: u32,
    /// Phase index.
    #[doc(hidden)]
    pub phase: usize,
    /// Share of runs in the phase that day, with its interval.
    #[doc(hidden)]
    pub share: Estimate,
}

/// Every row of daily.csv: day by day, phases in file order.
#[doc(hidden)]
pub fn occupancy_rows(est: &dyn Estimates) -> Vec<OccupancyRow> {
    let mut rows = Vec::new();
    for (day, amounts) in est.occupancy().iter().enumerate() {
        for (phase, &amount) in amounts.iter().enumerate() {
            rows.push(OccupancyRow {
                day: day as u32,
                phase,
                share: est.share(amount),
            });
        }
    }
    rows
}
