//! Estimates of every metric, from whatever produced them: the integer
//! tally of a batch of runs (with 95% intervals) or an exact solution (with
//! intervals equal to their values). Each table of the outputs is built
//! once, from this trait, whichever the source.

use super::{Estimate, mean, quantile_interval, wilson};
use crate::engine::{DayMetric, Tally};

/// A per-run total whose mean over runs summary.csv reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunTotal {
    /// Actual attacks of a party.
    Attacks(usize),
    /// Reported violations of a bound party.
    Reported(usize),
    /// Convoys delivered.
    ConvoysDelivered,
    /// Convoys blocked.
    ConvoysBlocked,
}

/// The estimates the output tables are made of.
///
/// Quantities that are counts of runs for a batch are probabilities for an
/// exact solution: `total()` is then 1, and [`Estimates::share`] turns
/// either into an estimate of a proportion.
pub trait Estimates {
    /// Runs the estimates rest on (`None` for exact answers).
    fn runs(&self) -> Option<u64>;

    /// The whole: the number of runs, or 1.
    fn total(&self) -> f64;

    /// `part` of [`Estimates::total`] as a proportion with its interval.
    fn share(&self, part: f64) -> Estimate;

    /// `part` of `whole` (a sub-population of runs, such as those that
    /// entered a phase) as a proportion; undefined when `whole` is 0.
    fn share_of(&self, part: f64, whole: f64) -> Estimate;

    /// For every day, how many runs (or how much probability) were in each
    /// phase.
    fn occupancy(&self) -> Vec<Vec<f64>>;

    /// For every day, how many runs (or how much probability) entered
    /// `phase` for the first time that day.
    fn entries(&self, phase: usize) -> Vec<f64>;

    /// How many runs entered `phase` at all, as the `runs` column of the
    /// metrics conditional on entering it (`None` for exact answers).
    fn entered_runs(&self, phase: usize) -> Option<u64>;

    /// How many runs ended in `phase`.
    fn at_end(&self, phase: usize) -> f64;

    /// For every phase ψ, how many runs (or how much probability) first
    /// left `phase` for ψ.
    fn first_exits(&self, phase: usize) -> Vec<f64>;

    /// Mean first-entry day of `phase` among runs that entered it.
    fn entry_day_mean(&self, phase: usize) -> Estimate;

    /// The `q`-quantile of the first-entry day of `phase`.
    fn entry_day_quantile(&self, phase: usize, q: f64) -> Estimate;

    /// Mean of a per-run total over runs.
    fn per_run(&self, total: RunTotal) -> Estimate;

    /// Mean over runs of a quantity on day `day`.
    fn daily(&self, day: u32, metric: DayMetric) -> Estimate;

    /// The share of runs that ever entered `phase` (summary.csv's `entered`
    /// row of it), with its interval.
    fn entered_share(&self, phase: usize) -> Estimate {
        self.share(self.entries(phase).iter().sum())
    }
}

impl Estimates for Tally {
    fn runs(&self) -> Option<u64> {
        Some(self.runs.count)
    }

    fn total(&self) -> f64 {
        // Counts of runs are exact in f64 below 2⁵³ runs.
        self.runs.count as f64
    }

    fn share(&self, part: f64) -> Estimate {
        wilson(part as u64, self.runs.count)
    }

    fn share_of(&self, part: f64, whole: f64) -> Estimate {
        wilson(part as u64, whole as u64)
    }

    fn occupancy(&self) -> Vec<Vec<f64>> {
        let counts = self.daily.occupancy();
        counts
            .into_iter()
            .map(|day| day.into_iter().map(|c| c as f64).collect())
            .collect()
    }

    fn entries(&self, phase: usize) -> Vec<f64> {
        self.runs.entry_histogram[phase]
            .iter()
            .map(|&c| c as f64)
            .collect()
    }

    fn entered_runs(&self, phase: usize) -> Option<u64> {
        Some(self.runs.entered[phase])
    }

    fn at_end(&self, phase: usize) -> f64 {
        self.runs.in_phase_at_end[phase] as f64
    }

    fn first_exits(&self, phase: usize) -> Vec<f64> {
        self.runs.first_exit[phase]
            .iter()
            .map(|&c| c as f64)
            .collect()
    }

    fn entry_day_mean(&self, phase: usize) -> Estimate {
        mean(&self.runs.entry_day[phase])
    }

    fn entry_day_quantile(&self, phase: usize, q: f64) -> Estimate {
        quantile_interval(&self.runs.entry_histogram[phase], q).unwrap_or(Estimate::UNDEFINED)
    }

    fn per_run(&self, total: RunTotal) -> Estimate {
        let t = &self.runs;
        mean(match total {
            RunTotal::Attacks(p) => &t.attacks[p],
            RunTotal::Reported(p) => &t.reported[p],
            RunTotal::ConvoysDelivered => &t.convoys_delivered,
            RunTotal::ConvoysBlocked => &t.convoys_blocked,
        })
    }

    fn daily(&self, day: u32, metric: DayMetric) -> Estimate {
        let sums = self.daily.sums(day, metric);
        match metric {
            // A 0/1 quantity: its sum is a count, and its mean a proportion.
            DayMetric::Compliant => wilson(u64::try_from(sums.sum).unwrap_or(u64::MAX), sums.n),
            _ => mean(&sums),
        }
    }
}
