//! Time-to-event curves of phase entry: for every phase and day, the share of
//! runs that have entered the phase by that day, and the daily hazard.
//!
//! Every run is followed to the horizon, so the only censoring is at the
//! horizon itself: a run that has not entered a phase by day `H − 1` is
//! censored there, and on every earlier day its status is known. The
//! Kaplan–Meier estimate `1 − Π(1 − hazard)` is then exactly the empirical
//! share `entered by t / runs`, a binomial proportion, so it gets the Wilson
//! interval like every other proportion in the outputs.

use super::{Estimate, wilson};
use crate::engine::RunTally;
use crate::scenario::Scenario;

/// One row of curves.csv: phase `phase` on day `day`.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveRow {
    /// Phase index.
    pub phase: usize,
    /// Day index.
    pub day: u32,
    /// Runs that had not entered the phase before this day.
    pub at_risk: u64,
    /// Runs that entered the phase on this day (their first entry).
    pub entered: u64,
    /// Share of all runs that have entered the phase by this day, with its
    /// Wilson interval.
    pub cumulative: Estimate,
    /// Discrete hazard `entered / at_risk` (`NaN` when nobody is at risk).
    pub hazard: f64,
}

/// Every row of curves.csv: phase by phase (file order), day by day.
pub fn entry_curves(scenario: &Scenario, t: &RunTally) -> Vec<CurveRow> {
    let mut rows = Vec::with_capacity(scenario.phases.len() * scenario.horizon_days as usize);
    for (phase, histogram) in t.entry_histogram.iter().enumerate() {
        let mut so_far = 0u64;
        for (day, &entered) in histogram.iter().enumerate() {
            let at_risk = t.runs - so_far;
            so_far += entered;
            rows.push(CurveRow {
                phase,
                day: day as u32,
                at_risk,
                entered,
                cumulative: wilson(so_far, t.runs),
                hazard: if at_risk == 0 {
                    f64::NAN
                } else {
                    entered as f64 / at_risk as f64
                },
            });
        }
    }
    rows
}
