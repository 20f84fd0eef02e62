//! The rows of daily.csv: the share of runs in each phase, day by day.
//!
//! Both a batch of runs ([`occupancy_rows`]) and the exact solver
//! ([`super::exact`]) produce these rows, so one writer serves both.

use super::{Estimate, wilson_with_z, z};
use crate::engine::Tally;
use crate::scenario::Scenario;

/// One row of daily.csv: phase `phase` on day `day`.
#[derive(Debug, Clone, PartialEq)]
pub struct OccupancyRow {
    /// Day index.
    pub day: u32,
    /// Phase index.
    pub phase: usize,
    /// Share of runs in the phase that day, with its interval.
    pub share: Estimate,
}

/// Every row of daily.csv from a batch: day by day, phases in file order.
pub fn occupancy_rows(scenario: &Scenario, tally: &Tally) -> Vec<OccupancyRow> {
    let runs = tally.runs.runs;
    let z = z();
    let mut rows = Vec::with_capacity(scenario.horizon_days as usize * scenario.phases.len());
    for (day, counts) in tally.daily.occupancy().iter().enumerate() {
        for (phase, &count) in counts.iter().enumerate() {
            rows.push(OccupancyRow {
                day: day as u32,
                phase,
                share: wilson_with_z(count, runs, z),
            });
        }
    }
    rows
}
