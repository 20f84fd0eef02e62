//! Parameter recovery of `fit` with the project's own engine: simulate
//! replicate series from known parameters, fit each, and check that the 95%
//! intervals cover the truth at a rate consistent with 95% (binomial
//! tolerance of 4.5 standard errors, fixed seeds). Prints bias and RMSE per
//! parameter.
//!
//! The full study (200 replicates × 90 and 365 days, two designs) is
//! `#[ignore]`d: run it in release with
//! `cargo test --release --lib fit::recovery_tests:: -- --ignored --nocapture`.
//! A small version runs by default.

use std::collections::BTreeMap;

use crate::counts::Counts;
use crate::fit::simulate::{PartyParams, PhaseParams, scenario, simulate};
use crate::fit::{self, FitOptions, IntervalMethod, PeriodSpec, Retaliation};
use chrono::NaiveDate;
use rayon::prelude::*;

/// A design: known parameters, the pairs fitted, the period split.
struct Design {
    name: &'static str,
    parties: Vec<PartyParams>,
    /// Multipliers in the second period ("truce"), per party.
    truce: Vec<f64>,
    /// Share of days in the first (reference) period.
    reference_share: f64,
    /// Pairs fitted (source->target), the zero α among them.
    pairs: Vec<(&'static str, &'static str)>,
}

/// Two parties, a few events a day each (as in conflict event data; at
/// about one a day, 90 days leave μ of a self-exciting party under-covered,
/// see docs/calibration.md): cross-excitation both ways, self-excitation of
/// b, and a zero α (a against a) among the fitted pairs.
fn two_parties() -> Design {
    Design {
        name: "2 parties",
        parties: vec![
            PartyParams::new("a", 2.5, 2.0, &[("b", 0.12), ("a", 0.0)]),
            PartyParams::new("b", 1.5, 3.0, &[("a", 0.10), ("b", 0.08)]),
        ],
        truce: vec![0.5, 0.4],
        reference_share: 0.6,
        pairs: vec![("a", "a"), ("b", "a"), ("a", "b"), ("b", "b")],
    }
}

/// Three parties: a chain of cross-excitation, self-excitation of a, and a
/// zero α (c against b).
fn three_parties() -> Design {
    Design {
        name: "3 parties",
        parties: vec![
            PartyParams::new("a", 2.0, 2.0, &[("b", 0.10), ("a", 0.06)]),
            PartyParams::new("b", 1.25, 3.0, &[("a", 0.12), ("c", 0.0)]),
            PartyParams::new("c", 1.0, 1.5, &[("b", 0.15)]),
        ],
        truce: vec![0.5, 0.6, 0.3],
        reference_share: 0.5,
        pairs: vec![("a", "a"), ("b", "a"), ("a", "b"), ("c", "b"), ("b", "c")],
    }
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 1, 1).unwrap()
}

/// The periods of a design over `days` days.
fn periods(d: &Design, days: u32) -> (Vec<PhaseParams>, Vec<PeriodSpec>) {
    let first = (days as f64 * d.reference_share).round() as u32;
    let n = d.parties.len();
    let phases = vec![
        PhaseParams {
            id: "before".into(),
            days: first,
            multipliers: vec![1.0; n],
        },
        PhaseParams {
            id: "truce".into(),
            days: days - first,
            multipliers: d.truce.clone(),
        },
    ];
    let mut specs = Vec::new();
    let mut from = start();
    for ph in &phases {
        let to = from + chrono::Days::new(u64::from(ph.days) - 1);
        specs.push(PeriodSpec {
            name: ph.id.clone(),
            start: from,
            end: to,
            phase: None,
        });
        from = to + chrono::Days::new(1);
    }
    (phases, specs)
}

/// Replicate `rep` of a design as a counts file's contents.
fn replicate(d: &Design, days: u32, seed: u64, rep: u64) -> Counts {
    let (phases, _) = periods(d, days);
    let sc = scenario(&d.parties, &phases, start()).unwrap();
    let y = simulate(&sc, seed, rep).unwrap();
    Counts {
        parties: d.parties.iter().map(|p| p.id.clone()).collect(),
        start: start(),
        counts: y,
        major: None,
    }
}

/// The true value of a row of fit.csv, if it is a parameter.
fn truth(d: &Design, r: &crate::fit::output::EstimateRow) -> Option<f64> {
    let idx = |id: &str| d.parties.iter().position(|p| p.id == id).unwrap();
    match r.parameter.as_str() {
        "rate" => Some(d.parties[idx(&r.party)].rate),
        "rate_multiplier" => Some(d.truce[idx(&r.party)]),
        "half_life_days" => Some(d.parties[idx(&r.party)].half_life),
        "alpha" => d.parties[idx(&r.party)]
            .retaliation
            .iter()
            .find(|(q, _)| *q == r.source)
            .map(|&(_, a)| a),
        _ => None,
    }
}

#[derive(Default)]
struct Tally {
    n: u64,
    covered: u64,
    sum_err: f64,
    sum_sq: f64,
    truth: f64,
}

/// The fit of a design's replicates: its periods and pairs, free
/// half-lives, no bootstrap.
fn options(d: &Design, days: u32, seed: u64) -> FitOptions {
    let mut opts = FitOptions::new(periods(d, days).1);
    opts.retaliation = Retaliation::Pairs(
        d.pairs
            .iter()
            .map(|&(a, b)| (a.to_string(), b.to_string()))
            .collect(),
    );
    opts.seed = seed;
    opts
}

/// Fits `reps` replicates and returns, per parameter, the coverage tally.
fn study(d: &Design, days: u32, reps: u64, seed: u64) -> BTreeMap<String, Tally> {
    let opts = options(d, days, seed);
    // Replicates are independent: fit them on every core, then tally them
    // in replicate order.
    let fits: Vec<_> = (0..reps)
        .into_par_iter()
        .map(|rep| fit::run(&replicate(d, days, seed, rep), &opts, &|_| {}).unwrap())
        .collect();
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for f in fits {
        for r in f.estimate_rows() {
            let Some(t) = truth(d, &r) else { continue };
            if r.method == IntervalMethod::Bootstrap.as_str() {
                continue;
            }
            let mut key = match r.parameter.as_str() {
                "alpha" => format!("alpha {}->{}", r.source, r.party),
                "rate_multiplier" => format!("rate_multiplier {} {}", r.party, r.period),
                p => format!("{p} {}", r.party),
            };
            if r.method == IntervalMethod::WaldLog.as_str() {
                key.push_str(WALD);
            }
            let e = out.entry(key).or_default();
            e.truth = t;
            let (Some(est), Some(lo), Some(hi)) = (r.estimate, r.ci_low, r.ci_high) else {
                // No interval (unidentified): counts as not covering.
                e.n += 1;
                continue;
            };
            e.n += 1;
            e.covered += u64::from(lo <= t && t <= hi);
            e.sum_err += est - t;
            e.sum_sq += (est - t).powi(2);
        }
    }
    out
}

/// Suffix of the keys of the secondary Wald rows of μ and m: printed for
/// comparison, not checked (they under-cover on short series; the profile
/// intervals are the ones fit.csv gives first).
const WALD: &str = " (wald-log)";

/// Prints the table and checks coverage of the primary (profile) intervals
/// against 95% within 4.5 binomial standard errors (only too-low coverage
/// fails: an α whose truth is 0 sits on the boundary, where profile
/// intervals are conservative).
fn report_and_check(d: &Design, days: u32, reps: u64, seed: u64) -> Vec<String> {
    let res = study(d, days, reps, seed);
    println!(
        "\n{} × {days} days, {reps} replicates (seed {seed})",
        d.name
    );
    println!(
        "{:<28} {:>8} {:>9} {:>10} {:>10}",
        "parameter", "truth", "coverage", "bias", "rmse"
    );
    let mut failures = Vec::new();
    for (k, t) in &res {
        let n = t.n as f64;
        let cov = t.covered as f64 / n;
        println!(
            "{k:<28} {:>8.3} {:>8.1}% {:>10.4} {:>10.4}",
            t.truth,
            100.0 * cov,
            t.sum_err / n,
            (t.sum_sq / n).sqrt()
        );
        let se = (0.95 * 0.05 / n).sqrt();
        if cov < 0.95 - 4.5 * se && !k.ends_with(WALD) {
            failures.push(format!("{k}: coverage {cov:.3} over {n} replicates"));
        }
    }
    failures
        .into_iter()
        .map(|f| format!("{} × {days} days: {f}", d.name))
        .collect()
}

#[test]
#[ignore = "the full recovery study: run in release (a few minutes)"]
fn recovery_study_200_replicates_of_90_and_365_days() {
    let mut failures = Vec::new();
    for days in [90, 365] {
        failures.extend(report_and_check(&two_parties(), days, 200, 11));
        failures.extend(report_and_check(&three_parties(), days, 200, 12));
    }
    assert!(failures.is_empty(), "coverage too low: {failures:?}");
}

#[test]
fn recovery_smoke_test_covers_the_truth() {
    // 5 replicates of one year of two parties: a smoke test of the full
    // study (coverage ≥ 95% − 4.5 SE, i.e. at least 3 of 5, for every
    // parameter).
    let failures = report_and_check(&two_parties(), 365, 5, 5);
    assert!(failures.is_empty(), "coverage too low: {failures:?}");
}

/// The profile log-likelihood of slot `i` at `value` maximised thoroughly:
/// every other slot free (an α snapped to 0 included) from several starts.
fn thorough_profile(m: &crate::fit::model::Model, values: &[f64], i: usize, value: f64) -> f64 {
    use crate::fit::model::Slot;
    let starts: Vec<Vec<f64>> = [(0.01, None), (0.1, Some(2.0)), (0.02, Some(20.0))]
        .iter()
        .map(|&(a, h)| {
            let mut s = values.to_vec();
            for (j, slot) in m.slots().iter().enumerate() {
                match slot {
                    Slot::Alpha(_) if s[j] < 1e-6 => s[j] = a,
                    Slot::HalfLife(_) => s[j] = h.unwrap_or(s[j]),
                    _ => {}
                }
            }
            s[i] = value;
            s
        })
        .collect();
    let mut free = vec![true; values.len()];
    free[i] = false;
    crate::fit::estimate::maximise_from(m, &starts, &free).log_likelihood
}

#[test]
fn a_half_life_profile_lets_a_snapped_alpha_move() {
    // Replicate 147 of the two-party, 90-day design of the study: α(b→b)
    // is estimated at 0, and with it held there the profile of h_b fell
    // below the 95% cut at the true 3 days (interval 3.23..38.6 days). The
    // thorough profile there is within the cut, so the interval must cover 3.
    use crate::fit::estimate::PROFILE_DROP;
    use crate::fit::model::Slot;
    let d = two_parties();
    let opts = options(&d, 90, 11);
    let f = fit::run(&replicate(&d, 90, 11, 147), &opts, &|_| {}).unwrap();
    let bb = f
        .model
        .pairs()
        .iter()
        .position(|&(q, p)| (q, p) == (1, 1))
        .unwrap();
    let slot = |s: Slot| f.model.slots().iter().position(|&t| t == s).unwrap();
    assert_eq!(f.values[slot(Slot::Alpha(bb))], 0.0);
    let i = slot(Slot::HalfLife(1));
    let drop = f.log_likelihood - thorough_profile(&f.model, &f.values, i, 3.0);
    assert!(drop < PROFILE_DROP, "drop {drop}");
    let row = f
        .estimate_rows()
        .into_iter()
        .find(|r| r.parameter == "half_life_days" && r.party == "b")
        .unwrap();
    let (lo, hi) = (row.ci_low.unwrap(), row.ci_high.unwrap());
    assert!(lo <= 3.0 && 3.0 <= hi, "h_b interval {lo}..{hi}");
}
