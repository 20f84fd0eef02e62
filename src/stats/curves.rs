//! Time-to-event curves of phase entry: for every phase and day, the share of
//! runs that have entered the phase by that day, and the daily hazard.
//!
//! Every run is followed to the horizon, so the only censoring is at the
//! horizon itself: a run that has not entered a phase by day `H − 1` is
//! censored there, and on every earlier day its status is known. The
//! Kaplan–Meier estimate `1 − Π(1 − hazard)` is then exactly the empirical
//! share `entered by t / runs`, a binomial proportion, so it gets the Wilson
//! interval like every other proportion in the outputs.
//!
//! The exact solver ([`super::exact`]) feeds the same rows, with `at_risk`
//! and `entered` as probabilities (shares of all runs).

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
    /// Runs (or probability) that had not entered the phase before this day.
    pub at_risk: f64,
    /// Runs (or probability) that entered the phase on this day, first time.
    pub entered: f64,
    /// Share of all runs that have entered the phase by this day, with its
    /// interval (Wilson for a batch, the value itself for exact answers).
    pub cumulative: Estimate,
    /// Discrete hazard `entered / at_risk` (`NaN` when nobody is at risk).
    pub hazard: f64,
}

/// The discrete hazard `entered / at_risk`, undefined (`NaN`) when nothing
/// is at risk.
pub fn hazard(entered: f64, at_risk: f64) -> f64 {
    if at_risk > 0.0 {
        entered / at_risk
    } else {
        f64::NAN
    }
}

/// Every row of curves.csv: phase by phase (file order), day by day.
pub fn entry_curves(scenario: &Scenario, t: &RunTally) -> Vec<CurveRow> {
    let mut rows = Vec::with_capacity(scenario.phases.len() * scenario.horizon_days as usize);
    for (phase, histogram) in t.entry_histogram.iter().enumerate() {
        let mut so_far = 0u64;
        for (day, &entered) in histogram.iter().enumerate() {
            // Counts of runs: exact in f64 below 2⁵³ runs.
            let at_risk = (t.runs - so_far) as f64;
            so_far += entered;
            rows.push(CurveRow {
                phase,
                day: day as u32,
                at_risk,
                entered: entered as f64,
                cumulative: wilson(so_far, t.runs),
                hazard: hazard(entered as f64, at_risk),
            });
        }
    }
    rows
}
