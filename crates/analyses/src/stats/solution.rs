//! Estimates from an exact [`Solution`] (the same tables as a batch of
//! runs, with every interval equal to its value and no run counts), and how
//! far a batch of runs lies from one.

use super::estimates::{Estimates, RunTotal};
use super::{Estimate, weighted_quantile};
use crate::engine::DayMetric;
use crate::exact::Solution;

/// A probability from the solution as an estimate. Sums of many products
/// can overshoot [0, 1] by rounding (by ~1e-13 over Munich's 120 days);
/// shares are written clamped, as the mass balance is reported separately.
fn probability(p: f64) -> Estimate {
    Estimate::point(p.clamp(0.0, 1.0))
}

impl Estimates for Solution {
    fn runs(&self) -> Option<u64> {
        None
    }

    fn total(&self) -> f64 {
        1.0
    }

    fn share(&self, part: f64) -> Estimate {
        probability(part)
    }

    fn share_of(&self, part: f64, whole: f64) -> Estimate {
        if whole > 0.0 {
            Estimate::point(part / whole)
        } else {
            Estimate::UNDEFINED
        }
    }

    fn occupancy(&self) -> Vec<Vec<f64>> {
        self.occupancy.clone()
    }

    fn entries(&self, phase: usize) -> Vec<f64> {
        self.entry[phase].clone()
    }

    fn entered_runs(&self, _phase: usize) -> Option<u64> {
        None
    }

    fn at_end(&self, phase: usize) -> f64 {
        self.occupancy.last().map_or(0.0, |o| o[phase])
    }

    fn first_exits(&self, phase: usize) -> Vec<f64> {
        self.first_exit[phase].clone()
    }

    fn entry_day_mean(&self, phase: usize) -> Estimate {
        let entered = self.entered(phase);
        if entered > 0.0 {
            let days: f64 = self.entry[phase]
                .iter()
                .enumerate()
                .map(|(d, p)| d as f64 * p)
                .sum();
            Estimate::point(days / entered)
        } else {
            Estimate::UNDEFINED
        }
    }

    fn entry_day_quantile(&self, phase: usize, q: f64) -> Estimate {
        weighted_quantile(&self.entry[phase], q)
            .map_or(Estimate::UNDEFINED, |d| Estimate::point(f64::from(d)))
    }

    fn per_run(&self, total: RunTotal) -> Estimate {
        let day = |m: &crate::exact::DayMeans| match total {
            RunTotal::Attacks(p) => m.attacks[p],
            RunTotal::Reported(p) => m.reported[p],
            RunTotal::ConvoysDelivered => m.convoys_delivered,
            RunTotal::ConvoysBlocked => m.convoys_blocked,
        };
        Estimate::point(self.daily.iter().map(day).sum())
    }

    fn daily(&self, day: u32, metric: DayMetric) -> Estimate {
        let m = &self.daily[day as usize];
        Estimate::point(match metric {
            DayMetric::Attacks(p) => m.attacks[p],
            DayMetric::Reported(p) => m.reported[p],
            DayMetric::Compliant => m.compliant,
            DayMetric::ConvoysDelivered => m.convoys_delivered,
            DayMetric::ConvoysBlocked => m.convoys_blocked,
        })
    }
}

/// Where a batch of runs departs from the exact solution.
#[derive(Debug, Clone, PartialEq)]
pub struct Deviation {
    /// `occupancy` (share in the phase that day) or `entered_by` (share
    /// that has entered the phase by that day).
    pub quantity: &'static str,
    /// Phase index.
    pub phase: usize,
    /// Day index.
    pub day: u32,
    /// The exact probability.
    pub exact: f64,
    /// The share of runs.
    pub estimate: f64,
    /// `|estimate − exact| / √(exact (1 − exact) / runs)`: 0 when equal,
    /// infinite when the exact value is 0 or 1 and the runs disagree.
    pub standard_errors: f64,
    /// `runs · min(exact, 1 − exact)`: the expected count on the rarer side.
    pub(crate) expected: f64,
}

/// Below this expected count on the rarer side, a share's normal
/// approximation is poor (one run in 100,000 where the exact value is 1e-7
/// is "30 standard errors" away), so such cells are not judged in standard
/// errors; an exact 0 or 1 is still judged (any disagreement is infinite).
pub const MIN_EXPECTED: f64 = 10.0;

impl Deviation {
    /// Whether the deviation is meaningful in standard errors (see
    /// [`MIN_EXPECTED`]).
    pub fn is_judged(&self) -> bool {
        !self.standard_errors.is_finite() || self.expected >= MIN_EXPECTED
    }
}

/// Deviation of a share of `runs` from an exact probability, in standard
/// errors of the share under the exact value.
pub(crate) fn standard_errors(exact: f64, successes: u64, runs: u64) -> f64 {
    let estimate = successes as f64 / runs as f64;
    let gap = (estimate - exact).abs();
    // Rounding can leave an exact 0 or 1 a hair off; below this it is exact.
    const CERTAIN: f64 = 1e-12;
    let variance = exact * (1.0 - exact) / runs as f64;
    if !(CERTAIN..=1.0 - CERTAIN).contains(&exact) {
        if gap < 1e-9 { 0.0 } else { f64::INFINITY }
    } else {
        gap / variance.sqrt()
    }
}

/// For every phase and day, how far a batch's shares (in phase, entered by)
/// lie from the exact probabilities, in standard errors.
pub fn deviations(solution: &Solution, tally: &crate::engine::Tally) -> Vec<Deviation> {
    let runs = tally.runs.count;
    let mut out = Vec::new();
    for (day, (counts, exact)) in tally
        .daily
        .occupancy()
        .iter()
        .zip(&solution.occupancy)
        .enumerate()
    {
        for (phase, (&c, &p)) in counts.iter().zip(exact).enumerate() {
            out.push(Deviation {
                quantity: "occupancy",
                phase,
                day: day as u32,
                exact: p,
                estimate: c as f64 / runs as f64,
                standard_errors: standard_errors(p, c, runs),
                expected: runs as f64 * p.min(1.0 - p),
            });
        }
    }
    for (phase, (hist, entry)) in tally
        .runs
        .entry_histogram
        .iter()
        .zip(&solution.entry)
        .enumerate()
    {
        let (mut c, mut p) = (0u64, 0.0);
        for (day, (&h, &e)) in hist.iter().zip(entry).enumerate() {
            c += h;
            p += e;
            out.push(Deviation {
                quantity: "entered_by",
                phase,
                day: day as u32,
                exact: p,
                estimate: c as f64 / runs as f64,
                standard_errors: standard_errors(p, c, runs),
                expected: runs as f64 * p.min(1.0 - p),
            });
        }
    }
    out
}

/// The largest of [`deviations`] among those [`Deviation::is_judged`] (the
/// first, if several are equal).
#[doc(hidden)]
pub fn largest_deviation(devs: &[Deviation]) -> Option<&Deviation> {
    devs.iter()
        .filter(|d| d.is_judged())
        .fold(None, |best: Option<&Deviation>, d| match best {
            Some(b) if b.standard_errors >= d.standard_errors => Some(b),
            _ => Some(d),
        })
}
