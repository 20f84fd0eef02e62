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
//! An exact solution feeds the same rows (see [`Estimates`]), with
//! `at_risk` and `entered` as probabilities (shares of all runs).

use super::Estimate;
use super::estimates::Estimates;

/// One row of curves.csv: phase `phase` on day `day`.
#[derive(Debug, Clone, PartialEq)]
#[doc(hidden)]
pub struct CurveRow {
    /// Phase index.
    #[doc(hidden)]
    pub phase: usize,
    /// Day index.
    #[doc(hidden)]
    pub day: u32,
    /// Runs (or probability) that had not entered the phase before this day.
    #[doc(hidden)]
    pub at_risk: f64,
    /// Runs (or probability) that entered the phase on this day, first time.
    #[doc(hidden)]
    pub entered: f64,
    /// Share of all runs that have entered the phase by this day, with its
    /// interval (Wilson for a batch, the value itself for exact answers).
    #[doc(hidden)]
    pub cumulative: Estimate,
    /// Discrete hazard `entered / at_risk` (`NaN` when nobody is at risk).
    #[doc(hidden)]
    pub hazard: f64,
}

/// The discrete hazard `entered / at_risk`, undefined (`NaN`) when nothing
/// is at risk.
pub(crate) fn hazard(entered: f64, at_risk: f64) -> f64 {
    if at_risk > 0.0 {
        entered / at_risk
    } else {
        f64::NAN
    }
}

/// Every row of curves.csv: phase by phase (file order), day by day.
#[doc(hidden)]
pub fn curve_rows(est: &dyn Estimates, phases: usize) -> Vec<CurveRow> {
    let mut rows = Vec::new();
    let total = est.total();
    for phase in 0..phases {
        let mut so_far = 0.0;
        for (day, entered) in est.entries(phase).into_iter().enumerate() {
            let at_risk = total - so_far;
            so_far += entered;
            rows.push(CurveRow {
                phase,
                day: day as u32,
                at_risk,
                entered,
                cumulative: est.share(so_far),
                hazard: hazard(entered, at_risk),
            });
        }
    }
    rows
}
