//! The rows of daily.csv, curves.csv and summary.csv from an exact
//! [`Solution`]: the same tables as a batch of runs, with every interval
//! equal to its value and no run counts.

use super::curves::{CurveRow, hazard};
use super::daily::MetricRow;
use super::occupancy::OccupancyRow;
use super::summary::{ENTRY_DAY_QUANTILES, STAYED, SummaryRow, exit_targets};
use super::{Estimate, exact, weighted_quantile};
use crate::exact::Solution;
use crate::scenario::Scenario;

/// A probability from the solution as an estimate. Sums of many products
/// can overshoot [0, 1] by rounding (by ~1e-13 over Munich's 120 days);
/// shares are written clamped, as the mass balance is reported separately.
fn probability(p: f64) -> Estimate {
    exact(p.clamp(0.0, 1.0))
}

/// Rows of daily.csv.
pub fn occupancy_rows(solution: &Solution) -> Vec<OccupancyRow> {
    let mut rows = Vec::new();
    for (day, occ) in solution.occupancy.iter().enumerate() {
        for (phase, &p) in occ.iter().enumerate() {
            rows.push(OccupancyRow {
                day: day as u32,
                phase,
                share: probability(p),
            });
        }
    }
    rows
}

/// Rows of curves.csv: `at_risk` and `entered` are probabilities.
pub fn curve_rows(solution: &Solution) -> Vec<CurveRow> {
    let mut rows = Vec::new();
    for (phase, entry) in solution.entry.iter().enumerate() {
        let mut so_far = 0.0;
        for (day, &entered) in entry.iter().enumerate() {
            let at_risk = 1.0 - so_far;
            so_far += entered;
            rows.push(CurveRow {
                phase,
                day: day as u32,
                at_risk,
                entered,
                cumulative: probability(so_far),
                hazard: hazard(entered, at_risk),
            });
        }
    }
    rows
}

/// Rows of summary.csv, in the order and with the metrics of
/// [`super::summary::summary_rows`].
pub fn summary_rows(scenario: &Scenario, solution: &Solution) -> Vec<SummaryRow> {
    let mut rows = Vec::new();
    let mut row = |metric, subject: &str, value| {
        rows.push(SummaryRow {
            metric,
            subject: subject.to_string(),
            value,
            runs: None,
        })
    };
    let last = solution.occupancy.last();
    for (i, phase) in scenario.phases.iter().enumerate() {
        let id = phase.id.as_str();
        let entered = solution.entered(i);
        row("entered", id, probability(entered));
        row(
            "in_phase_at_end",
            id,
            probability(last.map_or(0.0, |o| o[i])),
        );
        let mean = if entered > 0.0 {
            let days: f64 = solution.entry[i]
                .iter()
                .enumerate()
                .map(|(d, p)| d as f64 * p)
                .sum();
            exact(days / entered)
        } else {
            Estimate::UNDEFINED
        };
        row("entry_day_mean", id, mean);
        for (q, metric) in ENTRY_DAY_QUANTILES {
            let value = weighted_quantile(&solution.entry[i], q)
                .map_or(Estimate::UNDEFINED, |d| exact(f64::from(d)));
            row(metric, id, value);
        }
        if phase.is_absorbing() {
            continue;
        }
        let share = |p: f64| {
            if entered > 0.0 {
                exact(p / entered)
            } else {
                Estimate::UNDEFINED
            }
        };
        let exits = &solution.first_exit[i];
        for to in exit_targets(scenario, i) {
            let subject = format!("{id}>{}", scenario.phases[to].id);
            row("first_exit", &subject, share(exits[to]));
        }
        let stayed = (entered - exits.iter().sum::<f64>()).max(0.0);
        row("first_exit", &format!("{id}>{STAYED}"), share(stayed));
    }
    let total = |f: &dyn Fn(&crate::exact::outcome::DayMeans) -> f64| {
        exact(solution.daily.iter().map(f).sum())
    };
    for (p, party) in scenario.parties.iter().enumerate() {
        row("attacks_per_run", &party.id, total(&|m| m.attacks[p]));
    }
    for (p, party) in scenario.parties.iter().enumerate().filter(|(_, p)| p.bound) {
        row("reported_per_run", &party.id, total(&|m| m.reported[p]));
    }
    row(
        "convoys_delivered_per_run",
        "all",
        total(&|m| m.convoys_delivered),
    );
    row(
        "convoys_blocked_per_run",
        "all",
        total(&|m| m.convoys_blocked),
    );
    rows
}

/// Rows of daily_metrics.csv, in the order of
/// [`super::daily::daily_metric_rows`].
pub fn daily_metric_rows(scenario: &Scenario, solution: &Solution) -> Vec<MetricRow> {
    let mut rows = Vec::new();
    for (day, m) in solution.daily.iter().enumerate() {
        let mut push = |metric, subject: &str, value: f64| {
            rows.push(MetricRow {
                day: day as u32,
                metric,
                subject: subject.to_string(),
                value: exact(value),
            })
        };
        for (p, party) in scenario.parties.iter().enumerate() {
            push("attacks", &party.id, m.attacks[p]);
        }
        for (p, party) in scenario.parties.iter().enumerate().filter(|(_, p)| p.bound) {
            push("reported", &party.id, m.reported[p]);
        }
        push("compliant", "all", m.compliant);
        push("convoys_delivered", "all", m.convoys_delivered);
        push("convoys_blocked", "all", m.convoys_blocked);
    }
    rows
}

/// The median first-entry day of each phase among runs that enter it.
pub fn median_entry_day(solution: &Solution, phase: usize) -> Option<u32> {
    weighted_quantile(&solution.entry[phase], 0.5)
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
    pub expected: f64,
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
pub fn standard_errors(exact: f64, successes: u64, runs: u64) -> f64 {
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
    let runs = tally.runs.runs;
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
pub fn largest_deviation(devs: &[Deviation]) -> Option<&Deviation> {
    devs.iter()
        .filter(|d| d.is_judged())
        .fold(None, |best: Option<&Deviation>, d| match best {
            Some(b) if b.standard_errors >= d.standard_errors => Some(b),
            _ => Some(d),
        })
}
