//! The exact distribution of what one day of a phase produces, as far as the
//! chain needs it: whether the day is compliant, and the reported counts that
//! windows read (each capped at the largest threshold that reads it).
//!
//! Without retaliation a day's draws depend only on the phase, so this table
//! is computed once per phase. It follows steps 2 to 5 of MODEL.md through
//! Poisson thinning: for a bound party with intensity `λ`, major share `s`,
//! detection `d` and false reports `f`, the detected major attacks
//! `D ~ Poisson(λsd)`, undetected ones `U ~ Poisson(λs(1−d))` and false major
//! reports `F ~ Poisson(fs)` are independent; reported majors are `D + F`,
//! and the party made an actual major attack iff `D + U > 0`. Minor reports
//! are an independent `Poisson(λ(1−s)d + f(1−s))`. Counts at or above a cap
//! are kept in one "≥ cap" bucket whose probability is a Poisson survival
//! function, so no probability is dropped.

use std::collections::BTreeMap;

use statrs::distribution::{Discrete, DiscreteCDF, Poisson};

use crate::scenario::{Scenario, Severity};

/// A daily count a window condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WindowKey {
    /// Reported violations of a severity, by one bound party or (`None`)
    /// all bound parties together.
    Reported {
        /// Which severities count.
        severity: Severity,
        /// The party, or all bound parties.
        party: Option<usize>,
    },
    /// (v2) Blocked convoys.
    Blocked,
    /// (v2) 1 on a violation day (a day that is not compliant), else 0.
    ViolationDays,
}

/// One possible day: its compliance, today's capped count for every window
/// key, and its probability. Blocked convoys ~ Poisson(convoys · block
/// probability) by thinning, given whether any party made a major attack.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DayOutcome {
    /// Whether the day is compliant.
    pub(crate) compliant: bool,
    /// Today's count for each window key (in key order), capped.
    pub(crate) counts: Vec<u32>,
    /// Probability of this outcome.
    pub(crate) probability: f64,
}

/// Expected values of one simulated day in a phase (the daily metrics).
#[derive(Debug, Clone, PartialEq)]
pub struct DayMeans {
    /// Mean actual attacks per party.
    pub(crate) attacks: Vec<f64>,
    /// Mean reported violations per party (0 for excluded parties).
    pub(crate) reported: Vec<f64>,
    /// Probability that the day is compliant.
    pub compliant: f64,
    /// Mean convoys delivered.
    pub(crate) convoys_delivered: f64,
    /// Mean convoys blocked.
    pub convoys_blocked: f64,
}

/// `P(X = 0), …, P(X = cap − 1), P(X ≥ cap)` for `X ~ Poisson(lambda)`.
fn poisson_buckets(lambda: f64, cap: u32) -> Vec<f64> {
    let mut b = vec![0.0; cap as usize + 1];
    match Poisson::new(lambda) {
        Ok(d) if lambda > 0.0 => {
            for (k, x) in b.iter_mut().enumerate().take(cap as usize) {
                *x = d.pmf(k as u64);
            }
            b[cap as usize] = if cap == 0 {
                1.0
            } else {
                d.sf(u64::from(cap) - 1)
            };
        }
        // λ = 0: no events (validation keeps λ finite and ≥ 0).
        _ => b[0] = 1.0,
    }
    b
}

/// One bound party's day: `(reported major, reported any, made an actual
/// major attack)`, counts capped at `cap`, with probabilities.
fn bound_party_day(lambda: f64, s: f64, d: f64, f: f64, cap: u32) -> Vec<((u32, u32, bool), f64)> {
    // Reported majors, and their joint law with "no actual major attack":
    // P(R = r, no major) = P(D = 0) P(U = 0) P(F = r) = e^{−λs} P(F = r).
    let reported_major = poisson_buckets(lambda * s * d + f * s, cap);
    let quiet = (-lambda * s).exp();
    let false_major = poisson_buckets(f * s, cap);
    let reported_minor = poisson_buckets(lambda * (1.0 - s) * d + f * (1.0 - s), cap);
    let mut out = Vec::new();
    for (r, (&total, &falsely)) in reported_major.iter().zip(&false_major).enumerate() {
        let none = quiet * falsely;
        let some = (total - none).max(0.0);
        for (m, &pm) in reported_minor.iter().enumerate() {
            let any = (r + m).min(cap as usize) as u32;
            for (flag, p) in [(false, none), (true, some)] {
                if p * pm > 0.0 {
                    out.push(((r as u32, any, flag), p * pm));
                }
            }
        }
    }
    out
}

/// The largest count any quantity of a day must be told apart below: the
/// window thresholds, and `tolerance + 1` for compliance.
pub(crate) fn count_cap(scenario: &Scenario, keys: &[(WindowKey, u32)]) -> u32 {
    let tol = u32::try_from(scenario.compliance().tolerance.saturating_add(1)).unwrap_or(u32::MAX);
    keys.iter()
        .filter(|(key, _)| matches!(key, WindowKey::Reported { .. }))
        .map(|&(_, cap)| cap)
        .fold(tol, u32::max)
}

/// An upper bound on the entries of the largest day outcome table (and of
/// the intermediate joint law of the parties' counts) of a scenario, computed
/// from its caps before anything is allocated: the reported counts of a day
/// take `cap + 1` values each (major and any severity), each per-party
/// window key multiplies that by its own cap plus one, and blocked convoys
/// by theirs (or by 2: blocked or not), times 2 for whether an actual major
/// attack happened. As a float, so that it cannot overflow.
pub(crate) fn table_size(keys: &[(WindowKey, u32)], cap: u32) -> f64 {
    let per_key: f64 = keys
        .iter()
        .map(|&(key, kcap)| match key {
            WindowKey::Reported { party: Some(_), .. } | WindowKey::Blocked => {
                f64::from(kcap) + 1.0
            }
            _ => 1.0,
        })
        .product();
    let counts = f64::from(cap) + 1.0;
    2.0 * counts * counts * per_key * 2.0
}

/// The outcome table and the means of a day in phase `phase`. `keys` lists
/// the window keys with their caps; `cap` is [`count_cap`].
pub(crate) fn day_outcomes(
    scenario: &Scenario,
    phase: usize,
    keys: &[(WindowKey, u32)],
    cap: u32,
) -> (Vec<DayOutcome>, DayMeans) {
    let ph = &scenario.phases()[phase];
    // (v2) The phase's own monitoring and aid (the scenario's unless it
    // overrides them).
    let d = scenario.phase_detection(phase);
    // Joint law, over the parties seen so far, of (total major, total any,
    // per-key party counts, any actual major attack).
    type Agg = (u32, u32, Vec<u32>, bool);
    let mut joint: BTreeMap<Agg, f64> = BTreeMap::new();
    joint.insert((0, 0, vec![0; keys.len()], false), 1.0);
    let mut means = DayMeans {
        attacks: vec![0.0; scenario.parties().len()],
        reported: vec![0.0; scenario.parties().len()],
        compliant: 0.0,
        convoys_delivered: 0.0,
        convoys_blocked: 0.0,
    };
    let mut p_no_major = 1.0;
    for (p, party) in scenario.parties().iter().enumerate() {
        let lambda = ph.rate_multiplier[p] * party.rate;
        let s = party.major_share;
        means.attacks[p] = lambda;
        p_no_major *= (-lambda * s).exp();
        let day: Vec<((u32, u32, bool), f64)> = if party.bound {
            means.reported[p] = lambda * d + party.false_reports_per_day;
            bound_party_day(lambda, s, d, party.false_reports_per_day, cap)
        } else {
            let quiet = (-lambda * s).exp();
            vec![((0, 0, false), quiet), ((0, 0, true), 1.0 - quiet)]
        };
        let mut next: BTreeMap<Agg, f64> = BTreeMap::new();
        for ((maj, any, per, flag), q) in &joint {
            for &((m, a, f), r) in &day {
                let mut per = per.clone();
                for (slot, (key, kcap)) in per.iter_mut().zip(keys) {
                    if let WindowKey::Reported {
                        severity,
                        party: Some(q),
                    } = *key
                        && q == p
                    {
                        let x = match severity {
                            Severity::Major => m,
                            Severity::Any => a,
                        };
                        *slot = x.min(*kcap);
                    }
                }
                let agg = ((maj + m).min(cap), (any + a).min(cap), per, *flag || f);
                *next.entry(agg).or_insert(0.0) += q * r;
            }
        }
        joint = next;
    }

    let h = &scenario.phase_humanitarian(phase);
    let c = &scenario.compliance();
    let block = |violent: bool| {
        if violent {
            h.block_probability_violent
        } else {
            h.block_probability
        }
    };
    // Convoys blocked ~ Poisson(c·b) by thinning: P(none blocked) = e^{−cb}.
    let p_blocked = |violent: bool| 1.0 - (-h.convoys_per_day * block(violent)).exp();
    // (v2) With a blocked_in_window, the law of today's blocked convoys up
    // to the largest threshold; otherwise only whether any was blocked
    // matters, and only when compliance requires aid.
    let blocked_cap = keys
        .iter()
        .filter(|(key, _)| *key == WindowKey::Blocked)
        .map(|&(_, cap)| cap)
        .max();
    let blocked_law = |violent: bool| -> Vec<(u32, f64)> {
        match blocked_cap {
            Some(cap) => poisson_buckets(h.convoys_per_day * block(violent), cap)
                .into_iter()
                .enumerate()
                .map(|(b, p)| (b as u32, p))
                .collect(),
            None if c.requires_aid => {
                let p = p_blocked(violent);
                vec![(0, 1.0 - p), (1, p)]
            }
            None => vec![(0, 1.0)],
        }
    };
    let mean_block =
        p_no_major * h.block_probability + (1.0 - p_no_major) * h.block_probability_violent;
    means.convoys_blocked = h.convoys_per_day * mean_block;
    means.convoys_delivered = h.convoys_per_day - means.convoys_blocked;

    let tolerance = u32::try_from(c.tolerance).unwrap_or(u32::MAX);
    let mut outcomes: BTreeMap<(bool, Vec<u32>), f64> = BTreeMap::new();
    for ((maj, any, per, flag), q) in joint {
        let counted = match c.counts {
            Severity::Major => maj,
            Severity::Any => any,
        };
        let within = counted <= tolerance;
        for (blocked, pb) in blocked_law(flag) {
            let compliant = within && !(c.requires_aid && blocked > 0);
            let counts: Vec<u32> = keys
                .iter()
                .zip(&per)
                .map(|((key, kcap), &own)| match *key {
                    WindowKey::Reported { party: Some(_), .. } => own,
                    WindowKey::Reported {
                        severity: Severity::Major,
                        party: None,
                    } => maj.min(*kcap),
                    WindowKey::Reported {
                        severity: Severity::Any,
                        party: None,
                    } => any.min(*kcap),
                    WindowKey::Blocked => blocked.min(*kcap),
                    WindowKey::ViolationDays => u32::from(!compliant).min(*kcap),
                })
                .collect();
            let p = q * pb;
            if p > 0.0 {
                *outcomes.entry((compliant, counts)).or_insert(0.0) += p;
            }
        }
    }
    let outcomes: Vec<DayOutcome> = outcomes
        .into_iter()
        .map(|((compliant, counts), probability)| DayOutcome {
            compliant,
            counts,
            probability,
        })
        .collect();
    means.compliant = outcomes
        .iter()
        .filter(|o| o.compliant)
        .map(|o| o.probability)
        .sum();
    (outcomes, means)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ceasefire_core::model::baseline::Baseline;

    #[test]
    fn buckets_keep_every_bit_of_mass() {
        let b = poisson_buckets(2.5, 3);
        assert_eq!(b.len(), 4);
        // statrs' survival function (a regularised incomplete gamma) is
        // accurate to a few ulps of 1, not to the last bit of the total.
        assert!((b.iter().sum::<f64>() - 1.0).abs() < 1e-14, "{b:?}");
        assert!((b[0] - (-2.5f64).exp()).abs() < 1e-16);
        assert_eq!(poisson_buckets(0.0, 2), vec![1.0, 0.0, 0.0]);
        assert_eq!(poisson_buckets(4.0, 0), vec![1.0]);
    }

    #[test]
    fn a_bound_party_day_matches_its_margins() {
        // λ = 2, s = 0.5, d = 0.5, f = 1: reported majors ~ Poisson(1),
        // P(no actual major) = e^{−1}.
        let day = bound_party_day(2.0, 0.5, 0.5, 1.0, 6);
        let total: f64 = day.iter().map(|x| x.1).sum();
        assert!((total - 1.0).abs() < 1e-14);
        let quiet: f64 = day.iter().filter(|x| !x.0.2).map(|x| x.1).sum();
        assert!((quiet - (-1.0f64).exp()).abs() < 1e-14);
        let zero_major: f64 = day.iter().filter(|x| x.0.0 == 0).map(|x| x.1).sum();
        assert!((zero_major - (-1.0f64).exp()).abs() < 1e-14);
    }

    /// The closed forms agree with the exact solver's day outcome table,
    /// which reaches the same quantities by enumerating outcomes.
    #[test]
    fn the_closed_forms_agree_with_the_day_outcome_tables() {
        for (counts, aid) in [("major", true), ("any", true), ("major", false)] {
            let text = format!(
                r#"
[scenario]
name = "b"
start_date = 2016-09-12
horizon_days = 10
initial_phase = "a"
[compliance]
counts = "{counts}"
tolerance = 2
requires_aid = {aid}
[monitoring]
detection = 0.6
[humanitarian]
convoys_per_day = 1.5
block_probability = 0.1
block_probability_violent = 0.5
[[party]]
id = "g"
rate = 2.0
major_share = 0.2
false_reports_per_day = 0.7
[[party]]
id = "x"
bound = false
rate = 0.8
major_share = 0.4
[[phase]]
id = "a"
detection = 0.9
convoys_per_day = 3.0
block_probability = 0.05
[[phase.transition]]
to = "b"
when = {{ violation_days_in_window = {{ days = 3, at_least = 2 }} }}
[[phase]]
id = "b"
"#
            );
            let sc = Scenario::from_toml(&text, "b.toml").unwrap();
            let b = Baseline::of(&sc, 0);
            let tol = u32::try_from(sc.compliance().tolerance + 1).unwrap();
            let (_, means) = day_outcomes(&sc, 0, &[], tol);
            let close = |x: f64, y: f64| (x - y).abs() < 1e-12;
            assert!(
                close(b.violation_day, 1.0 - means.compliant),
                "{counts} {aid}: {} vs {}",
                b.violation_day,
                1.0 - means.compliant
            );
            assert!(close(b.blocked, means.convoys_blocked));
            assert!(close(b.reported_any[0], means.reported[0]));
            // 2·0.2·0.9 + 0.7·0.2: the phase's own detection.
            assert!(close(b.reported_major[0], 0.5));
            assert_eq!(b.reported(Severity::Any, Some(1)), 0.0);
        }
    }
}
