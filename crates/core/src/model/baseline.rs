//! (v2) What one day of each phase produces on average at baseline rates,
//! with no retaliation memory: the figures `ceasefire check` prints next to
//! the thresholds that read them, so that a scenario author can see before
//! running anything that a rule will fire almost every day (or never).
//!
//! Everything here is in closed form from MODEL.md's steps 1 to 5 with
//! `E_p = 0`, by Poisson thinning: a bound party's reported majors are
//! `Poisson(λsd + fs)`, its reports of any severity `Poisson(λd + f)`, and
//! blocked convoys `Poisson(c·b)` given whether any party made a major
//! attack (no party did with probability `e^{−Σλs}`).

use std::fmt::Write as _;

use statrs::distribution::{DiscreteCDF, Poisson};

use crate::scenario::{Condition, Scenario, Severity};

/// The expected day of one phase at baseline rates.
#[derive(Debug, Clone, PartialEq)]
#[doc(hidden)]
pub struct Baseline {
    /// Per party: expected reported major violations (0 if excluded).
    #[doc(hidden)]
    pub reported_major: Vec<f64>,
    /// Per party: expected reported violations of any severity (0 if
    /// excluded).
    #[doc(hidden)]
    pub reported_any: Vec<f64>,
    /// Expected blocked convoys.
    #[doc(hidden)]
    pub blocked: f64,
    /// Probability that the day is a violation day (not compliant).
    #[doc(hidden)]
    pub violation_day: f64,
}

impl Baseline {
    /// The expected day of phase `phase` of `scenario`, every party at its
    /// `rate` times the phase's multiplier, with the phase's own monitoring
    /// and aid.
    #[doc(hidden)]
    pub fn of(scenario: &Scenario, phase: usize) -> Baseline {
        let ph = &scenario.phases()[phase];
        let d = scenario.phase_detection(phase);
        let n = scenario.parties().len();
        let (mut reported_major, mut reported_any) = (vec![0.0; n], vec![0.0; n]);
        // Mean of reports that remain when no party made a major attack.
        let (mut quiet_major, mut quiet_any) = (0.0, 0.0);
        let mut majors = 0.0;
        for (p, party) in scenario.parties().iter().enumerate() {
            let lambda = ph.rate_multiplier[p] * party.rate;
            let (s, f) = (party.major_share, party.false_reports_per_day);
            majors += lambda * s;
            if party.bound {
                reported_major[p] = lambda * s * d + f * s;
                reported_any[p] = lambda * d + f;
                quiet_major += f * s;
                quiet_any += f + lambda * (1.0 - s) * d;
            }
        }
        let quiet = (-majors).exp();
        let h = scenario.phase_humanitarian(phase);
        let blocked = h.convoys_per_day
            * (quiet * h.block_probability + (1.0 - quiet) * h.block_probability_violent);
        let c = &scenario.compliance();
        let (counted, counted_quiet) = match c.counts {
            Severity::Major => (reported_major.iter().sum(), quiet_major),
            Severity::Any => (reported_any.iter().sum(), quiet_any),
        };
        let within = poisson_cdf(counted, c.tolerance);
        let compliant = if c.requires_aid {
            // Within tolerance and no convoy blocked: the block probability
            // depends on whether a major attack happened, which also
            // drives the reports.
            let within_quiet = quiet * poisson_cdf(counted_quiet, c.tolerance);
            let none_blocked = |b: f64| (-h.convoys_per_day * b).exp();
            none_blocked(h.block_probability_violent) * (within - within_quiet)
                + none_blocked(h.block_probability) * within_quiet
        } else {
            within
        };
        Baseline {
            reported_major,
            reported_any,
            blocked,
            violation_day: 1.0 - compliant,
        }
    }

    /// Expected reported violations of a severity by one party or (`None`)
    /// all bound parties.
    #[doc(hidden)]
    pub fn reported(&self, severity: Severity, party: Option<usize>) -> f64 {
        let per = match severity {
            Severity::Major => &self.reported_major,
            Severity::Any => &self.reported_any,
        };
        party.map_or_else(|| per.iter().sum(), |p| per[p])
    }
}

/// `P(X ≤ k)` for `X ~ Poisson(mean)`.
fn poisson_cdf(mean: f64, k: u64) -> f64 {
    match Poisson::new(mean) {
        Ok(d) => d.cdf(k),
        // A mean of 0 (validation keeps every rate finite and ≥ 0).
        Err(_) => 1.0,
    }
}

/// The baseline of every phase that is not absorbing, in words, with each
/// threshold that reads it: what `ceasefire check` prints.
pub fn describe(scenario: &Scenario) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "at baseline rates (no retaliation memory), per day of each phase:"
    );
    for (i, ph) in scenario.phases().iter().enumerate() {
        if ph.is_absorbing() {
            continue;
        }
        let b = Baseline::of(scenario, i);
        let _ = writeln!(
            s,
            "  {}: reported violations {:.3} (major {:.3}); blocked convoys {:.3}; violation day {:.1}%",
            ph.id,
            b.reported(Severity::Any, None),
            b.reported(Severity::Major, None),
            b.blocked,
            100.0 * b.violation_day
        );
        for (k, t) in ph.transitions.iter().enumerate() {
            t.when.visit(&mut |c| {
                if let Condition::StreakAtLeast(n @ 1..) = *c {
                    let _ = writeln!(
                        s,
                        "    transition {k} (→ {}): {n} compliant days in a row: chance {:.4} for any {n} given days",
                        scenario.phases()[t.to].id,
                        (1.0 - b.violation_day).powf(f64::from(n))
                    );
                }
                let Some((expected, threshold)) = reading(&b, c) else {
                    return;
                };
                let note = if expected >= threshold as f64 {
                    " — at or above the threshold: expect it to hold on most days"
                } else {
                    ""
                };
                let _ = writeln!(
                    s,
                    "    transition {k} (→ {}): {}: expected {expected:.3} over the window{note}",
                    scenario.phases()[t.to].id,
                    scenario.describe_condition(c)
                );
            });
        }
    }
    s
}

/// For a window condition: its expected value over a full window at
/// baseline, and its threshold.
fn reading(b: &Baseline, c: &Condition) -> Option<(f64, u64)> {
    let (daily, days, at_least) = match *c {
        Condition::ReportedInWindow {
            days,
            at_least,
            severity,
            party,
        } => (b.reported(severity, party), days, at_least),
        Condition::BlockedInWindow { days, at_least } => (b.blocked, days, at_least),
        Condition::ViolationDaysInWindow { days, at_least } => (b.violation_day, days, at_least),
        _ => return None,
    };
    Some((daily * f64::from(days), at_least))
}
