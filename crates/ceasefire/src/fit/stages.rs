//! The stages of one fit after the maximum-likelihood estimate, in the order
//! [`run`](super::run) calls them: which slots are inside the parameter
//! space, the intervals, the warnings about boundaries, the values a
//! simulation uses, the shares of major events, the bootstrap, the branching
//! ratio's interval, fit.csv's rows and the predictive check.
//!
//! Each stage is a function of what earlier stages returned, so each is
//! tested here alone; `run` only chains them. None of them writes a file.

use rand::RngExt;
use rayon::prelude::*;

use super::estimate::{ALPHA_ZERO, Optimum, maximise_from, profile_interval, snap_alphas};
use super::model::{Model, Slot};
use super::simulate::{self, purpose_rng, purpose_seed};
use super::{
    ALPHA_SEARCH_MAX, BRANCHING_DRAWS, DEFAULT_HALF_LIFE, FitError, HALF_LIFE_SEARCH,
    IntervalMethod, LrTest, PeriodSpec, Predictive, Quantity, RATE_SEARCH, Row, all_free,
    branching_ratio, starts,
};
use crate::Scenario;
use crate::counts::Counts;
use crate::numeric::{cholesky, z};
use crate::stats::{Estimate, wilson};

/// An interval of a slot and how it was obtained.
pub(super) type Interval = (Estimate, IntervalMethod);

/// Whether the data identify the half-life of group `g`: some α into one of
/// its parties is above 0. Without one the likelihood is flat in it.
pub(super) fn half_life_identified(model: &Model, values: &[f64], g: usize) -> bool {
    let members = model.group_parties(g);
    model
        .pairs()
        .iter()
        .enumerate()
        .any(|(j, &(_, t))| members.contains(&t) && model.alpha(values, j) > 0.0)
}

/// The slots over which the observed information is taken: the `free` ones
/// inside the parameter space. An α at 0 is already not free; a half-life
/// that no α feeds (flat likelihood) or at an edge of the searched range
/// (h → 0 or ∞) is held at its estimate, as a boundary value must be.
pub(super) fn inner_slots(model: &Model, values: &[f64], free: &[bool]) -> Vec<bool> {
    let mut inner = free.to_vec();
    for (i, slot) in model.slots().iter().enumerate() {
        if let Slot::HalfLife(g) = *slot {
            let h = values[i];
            if !half_life_identified(model, values, g)
                || h <= HALF_LIFE_SEARCH.0
                || h >= HALF_LIFE_SEARCH.1
            {
                inner[i] = false;
            }
        }
    }
    inner
}

/// The profile-likelihood interval of every slot (in parallel); an
/// unidentified half-life has none.
pub(super) fn profile_intervals(model: &Model, opt: &Optimum, free: &[bool]) -> Vec<Interval> {
    let values = &opt.values;
    let profile = |i: usize, zero: Option<f64>, range: (f64, f64)| {
        let (low, high) = profile_interval(model, opt, free, i, zero, range);
        (
            Estimate {
                estimate: values[i],
                low,
                high,
            },
            IntervalMethod::Profile,
        )
    };
    model
        .slots()
        .par_iter()
        .enumerate()
        .map(|(i, slot)| match *slot {
            Slot::Rate(_) | Slot::Multiplier { .. } => profile(i, None, RATE_SEARCH),
            Slot::Alpha(_) => profile(i, Some(0.0), (ALPHA_ZERO, ALPHA_SEARCH_MAX)),
            Slot::HalfLife(g) if !half_life_identified(model, values, g) => {
                (Estimate::UNDEFINED, IntervalMethod::Unidentified)
            }
            Slot::HalfLife(_) => profile(i, None, HALF_LIFE_SEARCH),
        })
        .collect()
}

/// The Wald interval on the log scale of slot `i` from the covariance of the
/// log-parameters; without one (or with a negative variance) the estimate
/// alone.
pub(super) fn wald_interval(cov: Option<&[Vec<f64>]>, values: &[f64], i: usize) -> Estimate {
    match cov {
        Some(c) if c[i][i] >= 0.0 => {
            let (z, se) = (z(), c[i][i].sqrt());
            Estimate {
                estimate: values[i],
                low: values[i] * (-z * se).exp(),
                high: values[i] * (z * se).exp(),
            }
        }
        _ => Estimate {
            estimate: values[i],
            ..Estimate::UNDEFINED
        },
    }
}

/// Warnings about estimates on a boundary: every α at 0, then, slot by slot,
/// multipliers at 0 and unidentified half-lives.
pub(super) fn boundary_warnings(
    model: &Model,
    values: &[f64],
    intervals: &[Interval],
    parties: &[String],
    periods: &[PeriodSpec],
) -> Vec<String> {
    let mut warnings = Vec::new();
    for (j, &(q, p)) in model.pairs().iter().enumerate() {
        if model.alpha(values, j) == 0.0 {
            warnings.push(format!(
                "alpha of '{}' against '{}' is at 0 (no retaliation found); the half-life of '{}' is not identified by this pair",
                parties[p], parties[q], parties[p]
            ));
        }
    }
    for (i, slot) in model.slots().iter().enumerate() {
        if let Slot::Multiplier { party, period } = *slot
            && values[i] < 1e-6
        {
            warnings.push(format!(
                "the multiplier of '{}' in period '{}' is at 0 (no events): its interval is not informative",
                parties[party], periods[period].name
            ));
        }
        if let (Slot::HalfLife(g), IntervalMethod::Unidentified) = (*slot, intervals[i].1) {
            let ps: Vec<&str> = model
                .group_parties(g)
                .iter()
                .map(|&p| parties[p].as_str())
                .collect();
            warnings.push(format!(
                "the half-life of {} is not identified (every alpha into it is 0); fit.toml keeps the default {DEFAULT_HALF_LIFE} days",
                ps.join(", ")
            ));
        }
    }
    warnings
}

/// The values a simulation of the fit uses (and fit.toml holds): the
/// estimates, with unidentified half-lives at the default.
pub(super) fn simulated_values(values: &[f64], intervals: &[Interval]) -> Vec<f64> {
    let mut v = values.to_vec();
    for (i, (_, m)) in intervals.iter().enumerate() {
        if *m == IntervalMethod::Unidentified {
            v[i] = DEFAULT_HALF_LIFE;
        }
    }
    v
}

/// The share of major events per party over the scored days, with its
/// Wilson interval, if the counts have severities.
pub(super) fn major_shares(counts: &Counts, model: &Model) -> Option<Vec<Estimate>> {
    let from = counts.days() - model.scored_days();
    counts.major.as_ref().map(|major| {
        (0..counts.parties.len())
            .map(|p| {
                let maj: u64 = major[p][from..].iter().sum();
                let all: u64 = counts.counts[p][from..].iter().sum();
                wilson(maj, all)
            })
            .collect()
    })
}

/// Empirical quantile (linear interpolation between order statistics) of
/// sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// A 95% percentile interval of the finite `xs` around `estimate`.
fn percentile_interval(mut xs: Vec<f64>, estimate: f64) -> Estimate {
    xs.retain(|x| x.is_finite());
    xs.sort_by(f64::total_cmp);
    Estimate {
        estimate,
        low: quantile(&xs, 0.025),
        high: quantile(&xs, 0.975),
    }
}

/// The refitted replicates of a parametric bootstrap.
pub(super) struct Bootstrap {
    /// Every slot's estimate, per replicate.
    values: Vec<Vec<f64>>,
    /// The branching ratio, per replicate.
    branching: Vec<f64>,
}

impl Bootstrap {
    /// The percentile interval of slot `i` around `estimate`.
    fn interval(&self, i: usize, estimate: f64) -> Estimate {
        percentile_interval(self.values.iter().map(|v| v[i]).collect(), estimate)
    }

    /// The percentile interval of the branching ratio around `estimate`.
    fn branching_interval(&self, estimate: f64) -> Estimate {
        percentile_interval(self.branching.clone(), estimate)
    }
}

/// Parameter estimates of a bootstrap replicate, and its branching ratio,
/// started from the fit's values (an α at 0 restarted just above it).
fn refit(model: &Model, mle: &[f64]) -> (Vec<f64>, f64) {
    let mut warm = mle.to_vec();
    for (i, slot) in model.slots().iter().enumerate() {
        if matches!(slot, Slot::Alpha(_)) && warm[i] < ALPHA_ZERO {
            warm[i] = 0.01;
        }
    }
    let mut s = vec![warm];
    s.extend(starts(model).into_iter().take(1));
    let best = maximise_from(model, &s, &all_free(model));
    let (opt, _) = snap_alphas(model, best, &all_free(model));
    let b = branching_ratio(model, &opt.values);
    (opt.values, b)
}

/// `replicates` runs of the fitted `scenario` with the engine, each refitted
/// from `fitted`; `progress` is told of each.
pub(super) fn bootstrap(
    model: &Model,
    scenario: &Scenario,
    fitted: &[f64],
    seed: u64,
    replicates: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Bootstrap, FitError> {
    let seed = purpose_seed(seed, "bootstrap");
    let reps: Vec<(Vec<f64>, f64)> = (0..replicates as u64)
        .into_par_iter()
        .map(|b| {
            let y = simulate::simulate(scenario, seed, b)
                .map_err(|e| FitError::Simulation(format!("{e}: {}", e.source)))?;
            let m = model.with_counts(
                y.iter()
                    .map(|r| r.iter().map(|&c| c as f64).collect())
                    .collect(),
            );
            let r = refit(&m, fitted);
            progress(1);
            Ok(r)
        })
        .collect::<Result<_, FitError>>()?;
    let (values, branching) = reps.into_iter().unzip();
    Ok(Bootstrap { values, branching })
}

/// The branching ratio at `fitted`, with an interval from the normal
/// approximation over the `inner` slots: α on its natural scale (delta
/// method, truncated at 0: on the log scale a small α with a wide interval
/// draws absurd values), the other parameters on the log scale; α at 0 stays
/// at 0. Without a covariance, the estimate alone.
pub(super) fn branching_interval(
    model: &Model,
    cov: Option<&[Vec<f64>]>,
    inner: &[bool],
    fitted: &[f64],
    seed: u64,
) -> Estimate {
    let br = branching_ratio(model, fitted);
    let Some(c) = cov else {
        return Estimate {
            estimate: br,
            ..Estimate::UNDEFINED
        };
    };
    let idx: Vec<usize> = (0..inner.len()).filter(|&i| inner[i]).collect();
    let sub: Vec<Vec<f64>> = idx
        .iter()
        .map(|&i| idx.iter().map(|&j| c[i][j]).collect())
        .collect();
    let l = cholesky(&sub);
    let mut rng = purpose_rng(seed, "branching");
    let normal = statrs::distribution::Normal::standard();
    let slots = model.slots();
    let draws: Vec<f64> = (0..BRANCHING_DRAWS)
        .map(|_| {
            let zs: Vec<f64> = (0..idx.len()).map(|_| rng.sample(normal)).collect();
            let mut v = fitted.to_vec();
            for (r, &i) in idx.iter().enumerate() {
                let shift: f64 = (0..=r).map(|c| l[r][c] * zs[c]).sum();
                v[i] = if matches!(slots[i], Slot::Alpha(_)) {
                    (fitted[i] * (1.0 + shift)).max(0.0)
                } else {
                    fitted[i] * shift.exp()
                };
            }
            branching_ratio(model, &v)
        })
        .collect();
    percentile_interval(draws, br)
}

/// Pushes `row`, followed by its bootstrap row if there is an interval.
fn push_with_bootstrap(rows: &mut Vec<Row>, row: Row, bootstrap: Option<Estimate>) {
    rows.push(row.clone());
    if let Some(value) = bootstrap {
        rows.push(Row {
            value,
            method: IntervalMethod::Bootstrap,
            ..row
        });
    }
}

/// A row of no party, source or period.
fn overall(quantity: Quantity, value: Estimate, method: IntervalMethod) -> Row {
    Row {
        quantity,
        party: None,
        source: None,
        period: None,
        value,
        method,
    }
}

/// fit.csv's rows of the slots, in slot order, each followed by its
/// bootstrap interval: μ and m also with their Wald interval, a half-life
/// once per party of its group; then a `fixed_half_life` once per party that
/// retaliates.
pub(super) fn parameter_rows(
    model: &Model,
    values: &[f64],
    intervals: &[Interval],
    cov: Option<&[Vec<f64>]>,
    boot: Option<&Bootstrap>,
    fixed_half_life: Option<f64>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    let boot_interval = |i: usize| boot.map(|b| b.interval(i, values[i]));
    for (i, slot) in model.slots().iter().enumerate() {
        let (value, method) = intervals[i];
        let base = overall(Quantity::Rate, value, method);
        match *slot {
            Slot::Rate(_) | Slot::Multiplier { .. } => {
                let row = match *slot {
                    Slot::Multiplier { party, period } => Row {
                        quantity: Quantity::RateMultiplier,
                        party: Some(party),
                        period: Some(period),
                        ..base
                    },
                    Slot::Rate(p) => Row {
                        party: Some(p),
                        ..base
                    },
                    _ => unreachable!("matched above"),
                };
                push_with_bootstrap(&mut rows, row.clone(), boot_interval(i));
                // The Wald interval on the log scale as well: quicker to
                // reason about, but it under-covers on short series (see
                // docs/calibration.md).
                rows.push(Row {
                    value: wald_interval(cov, values, i),
                    method: IntervalMethod::WaldLog,
                    ..row
                });
            }
            Slot::Alpha(j) => {
                let (q, p) = model.pairs()[j];
                let row = Row {
                    quantity: Quantity::Alpha,
                    party: Some(p),
                    source: Some(q),
                    ..base
                };
                push_with_bootstrap(&mut rows, row, boot_interval(i));
            }
            Slot::HalfLife(g) => {
                for p in model.group_parties(g) {
                    let b = if method == IntervalMethod::Unidentified {
                        None
                    } else {
                        boot_interval(i)
                    };
                    let row = Row {
                        quantity: Quantity::HalfLife,
                        party: Some(p),
                        ..base
                    };
                    push_with_bootstrap(&mut rows, row, b);
                }
            }
        }
    }
    if let Some(h) = fixed_half_life {
        for p in 0..model.parties() {
            if model.pairs().iter().any(|&(_, t)| t == p) {
                rows.push(Row {
                    party: Some(p),
                    ..overall(
                        Quantity::HalfLife,
                        Estimate {
                            estimate: h,
                            low: h,
                            high: h,
                        },
                        IntervalMethod::Fixed,
                    )
                });
            }
        }
    }
    rows
}

/// The branching ratio's row and its bootstrap row, if the model has any α.
pub(super) fn branching_rows(
    model: &Model,
    interval: Estimate,
    boot: Option<&Bootstrap>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    if !model.pairs().is_empty() {
        let row = overall(
            Quantity::BranchingRatio,
            interval,
            IntervalMethod::NormalSimulation,
        );
        let b = boot.map(|b| b.branching_interval(interval.estimate));
        push_with_bootstrap(&mut rows, row, b);
    }
    rows
}

/// One row per party of its share of major events.
pub(super) fn major_share_rows(shares: &[Estimate]) -> Vec<Row> {
    shares
        .iter()
        .enumerate()
        .map(|(p, e)| Row {
            party: Some(p),
            ..overall(Quantity::MajorShare, *e, IntervalMethod::Wilson)
        })
        .collect()
}

/// The statistics' rows: log-likelihood and AIC of the fit with
/// `parameters`, then the test against no retaliation if there is one.
pub(super) fn statistic_rows(
    log_likelihood: f64,
    parameters: usize,
    lr: Option<&LrTest>,
) -> Vec<Row> {
    let stat = |q: Quantity, x: f64, m: IntervalMethod| {
        let value = Estimate {
            estimate: x,
            ..Estimate::UNDEFINED
        };
        overall(q, value, m)
    };
    let aic = |k: usize, ll: f64| 2.0 * k as f64 - 2.0 * ll;
    let mut rows = vec![
        stat(
            Quantity::LogLikelihood,
            log_likelihood,
            IntervalMethod::Statistic,
        ),
        stat(
            Quantity::Aic,
            aic(parameters, log_likelihood),
            IntervalMethod::Statistic,
        ),
    ];
    if let Some(t) = lr {
        rows.extend([
            stat(
                Quantity::NullLogLikelihood,
                t.null_log_likelihood,
                IntervalMethod::Statistic,
            ),
            stat(
                Quantity::NullAic,
                aic(t.null_parameters, t.null_log_likelihood),
                IntervalMethod::Statistic,
            ),
            stat(
                Quantity::LrStatistic,
                t.statistic,
                IntervalMethod::Statistic,
            ),
            stat(Quantity::LrPValue, t.p_value, IntervalMethod::ChiBarSquared),
        ]);
    }
    rows
}

/// The predictive check: `runs` runs of the fitted `scenario` with the
/// engine against the observed counts; `progress` is told of each run.
pub(super) fn predictive(
    model: &Model,
    scenario: &Scenario,
    seed: u64,
    runs: usize,
    burn_in: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Predictive, FitError> {
    let seed = purpose_seed(seed, "predictive");
    let sims: Vec<Vec<Vec<u64>>> = (0..runs as u64)
        .into_par_iter()
        .map(|r| {
            let y = simulate::simulate(scenario, seed, r)
                .map_err(|e| FitError::Simulation(format!("{e}: {}", e.source)));
            progress(1);
            y
        })
        .collect::<Result<_, FitError>>()?;
    Ok(predictive_bands(model, burn_in, &sims))
}

/// Quantile bands of simulated counts per party and scored day, and the
/// share of observed days inside them.
fn predictive_bands(model: &Model, burn_in: usize, sims: &[Vec<Vec<u64>>]) -> Predictive {
    let days = model.scored_days();
    let mut bands = Vec::new();
    let (mut in50, mut in90) = (Vec::new(), Vec::new());
    for p in 0..model.parties() {
        let mut rows = Vec::with_capacity(days);
        let (mut a, mut b) = (0usize, 0usize);
        for t in 0..days {
            let mut xs: Vec<f64> = sims.iter().map(|s| s[p][burn_in + t] as f64).collect();
            xs.sort_by(f64::total_cmp);
            let y = model.scored(p)[t];
            let q = [0.05, 0.25, 0.5, 0.75, 0.95].map(|q| quantile(&xs, q));
            a += usize::from(q[1] <= y && y <= q[3]);
            b += usize::from(q[0] <= y && y <= q[4]);
            rows.push([y, q[0], q[1], q[2], q[3], q[4]]);
        }
        in50.push(a as f64 / days as f64);
        in90.push(b as f64 / days as f64);
        bands.push(rows);
    }
    Predictive {
        runs: sims.len(),
        bands,
        inside50: in50,
        inside90: in90,
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::HalfLife;
    use super::*;

    /// Slots of [`model`], in order.
    const RATE_B: usize = 1;
    const MULT_A: usize = 2;
    const ALPHA_AB: usize = 4;
    const ALPHA_BB: usize = 5;
    const HALF_LIFE_B: usize = 6;

    /// Two parties over 20 days in two periods (the first the reference);
    /// b retaliates against a and against itself, with its own half-life.
    /// Slots: μ_a, μ_b, m_a, m_b, α_ab, α_bb, h_b.
    fn model() -> Model {
        let a: Vec<f64> = (0..20).map(|t| f64::from((t * 7 + 3) % 5)).collect();
        let b: Vec<f64> = (0..20).map(|t| f64::from((t * 3 + 1) % 4)).collect();
        let period = (0..20).map(|t| usize::from(t >= 10)).collect();
        let m = Model::new(
            vec![a, b],
            period,
            0,
            (2, 0),
            vec![(0, 1), (1, 1)],
            HalfLife::Free,
        );
        assert_eq!(m.slots()[HALF_LIFE_B], Slot::HalfLife(0));
        m
    }

    fn values(alpha_ab: f64, alpha_bb: f64, h: f64) -> Vec<f64> {
        vec![2.0, 1.5, 0.8, 1.2, alpha_ab, alpha_bb, h]
    }

    #[test]
    fn a_half_life_is_identified_and_inside_only_while_an_alpha_feeds_it() {
        let m = model();
        let free = vec![true; 7];
        assert!(!half_life_identified(&m, &values(0.0, 0.0, 3.0), 0));
        assert!(half_life_identified(&m, &values(0.0, 0.2, 3.0), 0));
        assert!(half_life_identified(&m, &values(0.1, 0.0, 3.0), 0));
        assert_eq!(inner_slots(&m, &values(0.1, 0.2, 3.0), &free), free);
        let mut held = free.clone();
        held[HALF_LIFE_B] = false;
        assert_eq!(inner_slots(&m, &values(0.0, 0.0, 3.0), &free), held);
        for edge in [HALF_LIFE_SEARCH.0, HALF_LIFE_SEARCH.1] {
            assert_eq!(inner_slots(&m, &values(0.1, 0.2, edge), &free), held);
        }
        // A slot that is not free stays so.
        let mut alpha_fixed = free.clone();
        alpha_fixed[ALPHA_AB] = false;
        assert_eq!(
            inner_slots(&m, &values(0.0, 0.2, 3.0), &alpha_fixed),
            alpha_fixed
        );
    }

    #[test]
    fn an_unidentified_half_life_has_no_profile_interval_and_simulates_at_the_default() {
        // Counts without any clustering: the fit puts every α at 0, so no α
        // feeds b's half-life.
        let m = Model::new(
            vec![vec![2.0; 20], vec![1.0; 20]],
            (0..20).map(|t| usize::from(t >= 10)).collect(),
            0,
            (2, 0),
            vec![(0, 1), (1, 1)],
            HalfLife::Free,
        );
        let (opt, free) = super::super::maximum_likelihood(&m);
        assert_eq!((opt.values[ALPHA_AB], opt.values[ALPHA_BB]), (0.0, 0.0));
        let intervals = profile_intervals(&m, &opt, &free);
        assert_eq!(intervals.len(), 7);
        assert_eq!(intervals[HALF_LIFE_B].1, IntervalMethod::Unidentified);
        assert!(intervals[HALF_LIFE_B].0.estimate.is_nan());
        for (i, (e, method)) in intervals.iter().enumerate().take(HALF_LIFE_B) {
            assert_eq!(*method, IntervalMethod::Profile, "slot {i}");
            assert_eq!(e.estimate, opt.values[i]);
            assert!(
                e.low <= e.estimate && e.estimate <= e.high,
                "slot {i}: {e:?}"
            );
        }
        let sim = simulated_values(&opt.values, &intervals);
        assert_eq!(sim[HALF_LIFE_B], DEFAULT_HALF_LIFE);
        assert_eq!(sim[..HALF_LIFE_B], opt.values[..HALF_LIFE_B]);
    }

    #[test]
    fn wald_intervals_are_symmetric_on_the_log_scale_and_absent_without_a_variance() {
        let v = values(0.1, 0.2, 3.0);
        let mut cov = vec![vec![0.0; 7]; 7];
        cov[RATE_B][RATE_B] = 0.04;
        cov[MULT_A][MULT_A] = -1.0;
        let e = wald_interval(Some(&cov), &v, RATE_B);
        assert_eq!(e.estimate, 1.5);
        assert!((e.low - 1.5 * (-z() * 0.2).exp()).abs() < 1e-12, "{e:?}");
        assert!((e.low * e.high - 1.5 * 1.5).abs() < 1e-12, "{e:?}");
        for undefined in [
            wald_interval(None, &v, RATE_B),
            wald_interval(Some(&cov), &v, MULT_A),
        ] {
            assert_eq!(undefined.estimate, v[undefined_slot(&undefined, &v)]);
            assert!(undefined.low.is_nan() && undefined.high.is_nan());
        }
    }

    /// The slot whose value `e` estimates.
    fn undefined_slot(e: &Estimate, v: &[f64]) -> usize {
        v.iter().position(|&x| x == e.estimate).unwrap()
    }

    #[test]
    fn boundary_warnings_come_alphas_first_and_name_parties_and_periods() {
        let m = model();
        let mut v = values(0.0, 0.3, 3.0);
        v[MULT_A] = 0.0;
        let mut intervals = vec![(Estimate::UNDEFINED, IntervalMethod::Profile); 7];
        intervals[HALF_LIFE_B].1 = IntervalMethod::Unidentified;
        let parties = ["a".to_string(), "b".to_string()];
        let periods: Vec<PeriodSpec> = [
            "before=2016-09-01..2016-09-10",
            "truce=2016-09-11..2016-09-20",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        let w = boundary_warnings(&m, &v, &intervals, &parties, &periods);
        assert_eq!(w.len(), 3, "{w:#?}");
        assert!(
            w[0].starts_with("alpha of 'b' against 'a' is at 0"),
            "{}",
            w[0]
        );
        assert!(
            w[1].contains("multiplier of 'a' in period 'truce'"),
            "{}",
            w[1]
        );
        assert!(
            w[2].starts_with("the half-life of b is not identified"),
            "{}",
            w[2]
        );
        let none = boundary_warnings(
            &m,
            &values(0.1, 0.3, 3.0),
            &[(Estimate::UNDEFINED, IntervalMethod::Profile); 7],
            &parties,
            &periods,
        );
        assert!(none.is_empty(), "{none:#?}");
    }

    #[test]
    fn major_shares_count_the_scored_days_only() {
        let counts = Counts {
            parties: vec!["a".into()],
            start: chrono::NaiveDate::from_ymd_opt(2016, 9, 1).unwrap(),
            counts: vec![vec![9, 9, 4, 6]],
            major: Some(vec![vec![9, 9, 1, 3]]),
        };
        // The model scores the last two days: 4 of 10 events are major.
        let m = Model::new(
            vec![vec![4.0, 6.0]],
            vec![0, 0],
            0,
            (1, 0),
            vec![],
            HalfLife::Free,
        );
        assert_eq!(major_shares(&counts, &m), Some(vec![wilson(4, 10)]));
        let no_severity = Counts {
            major: None,
            ..counts
        };
        assert_eq!(major_shares(&no_severity, &m), None);
    }

    #[test]
    fn the_branching_interval_is_the_estimate_alone_without_a_covariance_and_seeded_with_one() {
        let m = model();
        let v = values(0.1, 0.2, 3.0);
        let inner = vec![true; 7];
        let br = branching_ratio(&m, &v);
        let alone = branching_interval(&m, None, &inner, &v, 1);
        assert_eq!(alone.estimate, br);
        assert!(alone.low.is_nan() && alone.high.is_nan());
        let mut cov = vec![vec![0.0; 7]; 7];
        for (i, row) in cov.iter_mut().enumerate() {
            row[i] = 0.01;
        }
        let a = branching_interval(&m, Some(&cov), &inner, &v, 1);
        assert_eq!(a.estimate, br);
        assert!(a.low < br && br < a.high, "{a:?}");
        assert_eq!(branching_interval(&m, Some(&cov), &inner, &v, 1), a);
        assert_ne!(branching_interval(&m, Some(&cov), &inner, &v, 2), a);
        // Slots held out of the inner set do not move: with only μ_a drawn,
        // which no α involves, every draw has the estimate's ratio.
        let mut only_rate = vec![false; 7];
        only_rate[0] = true;
        let held = branching_interval(&m, Some(&cov), &only_rate, &v, 1);
        assert_eq!((held.low, held.high), (br, br));
    }

    /// (quantity, party, source, method) of every row.
    fn shape(rows: &[Row]) -> Vec<(Quantity, Option<usize>, Option<usize>, IntervalMethod)> {
        rows.iter()
            .map(|r| (r.quantity, r.party, r.source, r.method))
            .collect()
    }

    #[test]
    fn parameter_rows_follow_the_slots_each_with_its_bootstrap_and_wald_rows() {
        let m = model();
        let v = values(0.1, 0.2, 3.0);
        let intervals: Vec<Interval> = v
            .iter()
            .map(|&x| {
                let e = Estimate {
                    estimate: x,
                    low: x / 2.0,
                    high: x * 2.0,
                };
                (e, IntervalMethod::Profile)
            })
            .collect();
        let boot = Bootstrap {
            values: vec![v.clone(), v.iter().map(|x| x * 3.0).collect()],
            branching: vec![0.1, 0.3],
        };
        use IntervalMethod::{Bootstrap as B, Profile as P, WaldLog as W};
        use Quantity::*;
        let rows = parameter_rows(&m, &v, &intervals, None, Some(&boot), None);
        assert_eq!(
            shape(&rows),
            [
                (Rate, Some(0), None, P),
                (Rate, Some(0), None, B),
                (Rate, Some(0), None, W),
                (Rate, Some(1), None, P),
                (Rate, Some(1), None, B),
                (Rate, Some(1), None, W),
                (RateMultiplier, Some(0), None, P),
                (RateMultiplier, Some(0), None, B),
                (RateMultiplier, Some(0), None, W),
                (RateMultiplier, Some(1), None, P),
                (RateMultiplier, Some(1), None, B),
                (RateMultiplier, Some(1), None, W),
                (Alpha, Some(1), Some(0), P),
                (Alpha, Some(1), Some(0), B),
                (Alpha, Some(1), Some(1), P),
                (Alpha, Some(1), Some(1), B),
                (HalfLife, Some(1), None, P),
                (HalfLife, Some(1), None, B),
            ]
        );
        assert_eq!(rows[6].period, Some(1));
        // The bootstrap row's interval spans the replicates (x and 3x).
        assert_eq!(rows[1].value.estimate, 2.0);
        assert!(
            (rows[1].value.low - 2.0 * 1.05).abs() < 1e-12,
            "{:?}",
            rows[1]
        );
        assert!(
            (rows[1].value.high - 2.0 * 2.95).abs() < 1e-12,
            "{:?}",
            rows[1]
        );

        // Without a bootstrap, an unidentified half-life has only its own
        // row; a fixed half-life adds one row per retaliating party.
        let mut unidentified = intervals.clone();
        unidentified[HALF_LIFE_B] = (Estimate::UNDEFINED, IntervalMethod::Unidentified);
        let rows = parameter_rows(&m, &v, &unidentified, None, Some(&boot), Some(4.0));
        let tail = &shape(&rows)[rows.len() - 2..];
        assert_eq!(
            tail,
            [
                (HalfLife, Some(1), None, IntervalMethod::Unidentified),
                (HalfLife, Some(1), None, IntervalMethod::Fixed),
            ]
        );
        assert_eq!(rows[rows.len() - 1].value.low, 4.0);
    }

    #[test]
    fn branching_share_and_statistic_rows() {
        let m = model();
        let e = Estimate {
            estimate: 0.2,
            low: 0.1,
            high: 0.4,
        };
        let boot = Bootstrap {
            values: vec![],
            branching: vec![0.1, 0.3],
        };
        let rows = branching_rows(&m, e, Some(&boot));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].value, e);
        assert_eq!(rows[1].method, IntervalMethod::Bootstrap);
        assert!((rows[1].value.low - 0.105).abs() < 1e-12);
        let poisson = Model::new(vec![vec![1.0]], vec![0], 0, (1, 0), vec![], HalfLife::Free);
        assert!(branching_rows(&poisson, e, Some(&boot)).is_empty());

        let shares = major_share_rows(&[e, Estimate::UNDEFINED]);
        assert_eq!(
            shape(&shares)[1],
            (Quantity::MajorShare, Some(1), None, IntervalMethod::Wilson)
        );

        let lr = LrTest {
            null_log_likelihood: -12.0,
            null_parameters: 2,
            statistic: 4.0,
            alphas: 1,
            p_value: 0.02,
        };
        let stats = statistic_rows(-10.0, 5, Some(&lr));
        let values: Vec<f64> = stats.iter().map(|r| r.value.estimate).collect();
        assert_eq!(values, [-10.0, 30.0, -12.0, 28.0, 4.0, 0.02]);
        assert_eq!(stats[5].method, IntervalMethod::ChiBarSquared);
        assert_eq!(statistic_rows(-10.0, 5, None).len(), 2);
    }

    #[test]
    fn copies_of_the_data_lie_inside_every_band_and_burn_in_days_are_skipped() {
        let m = Model::new(
            vec![vec![5.0, 1.0, 2.0, 0.0]],
            vec![0; 4],
            1,
            (1, 0),
            vec![],
            HalfLife::Free,
        );
        let copy = vec![vec![99u64, 1, 2, 0]];
        let p = predictive_bands(&m, 1, &[copy.clone(), copy]);
        assert_eq!(p.runs, 2);
        assert_eq!((p.inside50[0], p.inside90[0]), (1.0, 1.0));
        assert_eq!(p.bands[0][0], [1.0; 6]);
        let far = vec![vec![0u64, 9, 9, 9]];
        let p = predictive_bands(&m, 1, &[far]);
        assert_eq!((p.inside50[0], p.inside90[0]), (0.0, 0.0));
    }

    #[test]
    fn percentile_intervals_ignore_non_finite_replicates() {
        let e = percentile_interval(vec![f64::NAN, 3.0, 1.0, f64::INFINITY, 2.0], 2.0);
        assert_eq!(e.estimate, 2.0);
        assert!(
            (e.low - 1.05).abs() < 1e-12 && (e.high - 2.95).abs() < 1e-12,
            "{e:?}"
        );
        assert!(percentile_interval(vec![f64::NAN], 1.0).low.is_nan());
    }
}
