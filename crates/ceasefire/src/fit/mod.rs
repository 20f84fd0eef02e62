//! `ceasefire fit`: estimate parties' rates, retaliation and half-lives,
//! and each period's rate multiplier, from observed daily event counts,
//! with honest uncertainty, goodness-of-fit diagnostics and a predictive
//! check with the engine.
//!
//! Every party number of the reference scenarios is ILLUSTRATIVE; this
//! module is how a researcher replaces them with numbers SOURCED from data.
//! The statistical model is MODEL.md's intensity ([`Model`]); estimation is
//! maximum likelihood; [`run`] does the whole job for one counts file and
//! returns a [`Fit`], whose [`Fit::estimate_rows`] are fit.csv. [`simulate`]
//! makes counts from known parameters with the engine, for recovery studies.

mod diagnostics;
mod estimate;
mod model;
mod output;
pub(crate) mod plot;
pub mod simulate;
mod stages;

// The fit's statistical behaviour on simulated data, and its recovery of
// known parameters (the full study is `#[ignore]`d).
#[cfg(test)]
mod recovery_tests;
#[cfg(test)]
mod statistical_tests;

use crate::options::{DEFAULT_SEED, Opt};
use std::str::FromStr;

use chrono::NaiveDate;
use statrs::distribution::{ChiSquared, ContinuousCDF};

pub use diagnostics::PartyCheck;
pub use model::{HalfLife, Model};
pub use output::EstimateRow;

use crate::counts::{Counts, CountsError, valid_id};
use crate::stats::Estimate;

use estimate::{Optimum, log_covariance, maximise_from};
use model::Slot;
use simulate::{PartyParams, PhaseParams};

/// Half-life of a party whose half-life is not estimated and not given
/// (MODEL.md's default).
pub(crate) const DEFAULT_HALF_LIFE: f64 = 2.0;
/// Half-lives are profiled over this range of days; a bound beyond it is
/// reported as 0 or infinity.
const HALF_LIFE_SEARCH: (f64, f64) = (0.05, 1000.0);
/// Rates and multipliers are profiled over this range; a bound beyond it is
/// reported as 0 or infinity.
const RATE_SEARCH: (f64, f64) = (1e-8, 1e6);
/// α is profiled up to this value (extra attacks per remembered attack).
const ALPHA_SEARCH_MAX: f64 = 100.0;
/// Draws from the normal approximation for the branching ratio's interval.
const BRANCHING_DRAWS: usize = 2000;
/// Name of the burn-in phase of a simulated scenario.
const BURN_IN_PHASE: &str = "burn-in";

/// One observation period: `NAME=START..END[:PHASE]`, dates inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodSpec {
    /// Its name (an id).
    pub name: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// The scenario phase whose `rate_multiplier` it gives, if any.
    pub phase: Option<String>,
}

impl PeriodSpec {
    /// Its number of days (0 if it ends before it starts).
    pub(crate) fn days(&self) -> usize {
        ((self.end - self.start).num_days() + 1).max(0) as usize
    }
}

impl FromStr for PeriodSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = |why: &str| {
            format!(
                "'{s}': {why} (allowed: NAME=START..END or NAME=START..END:PHASE, e.g. truce=2016-09-12..2016-09-19:truce)"
            )
        };
        let (name, rest) = s.split_once('=').ok_or_else(|| bad("no '='"))?;
        let (range, phase) = match rest.split_once(':') {
            Some((r, p)) => (r, Some(p.to_string())),
            None => (rest, None),
        };
        let (a, b) = range.split_once("..").ok_or_else(|| bad("no '..'"))?;
        let date = |d: &str| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| bad(&format!("'{d}' is not a date YYYY-MM-DD")))
        };
        if !valid_id(name) {
            return Err(bad(&format!(
                "name '{name}' is not an id (use letters, digits, '_' and '-')"
            )));
        }
        if let Some(p) = &phase
            && !valid_id(p)
        {
            return Err(bad(&format!("phase '{p}' is not an id")));
        }
        Ok(PeriodSpec {
            name: name.to_string(),
            start: date(a)?,
            end: date(b)?,
            phase,
        })
    }
}

/// Which pairs may retaliate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retaliation {
    /// Every ordered pair, self-excitation included.
    All,
    /// None: a Poisson model with period multipliers.
    None,
    /// The listed `source->target` pairs: attacks of source provoke target.
    Pairs(Vec<(String, String)>),
}

impl FromStr for Retaliation {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "all" => Ok(Retaliation::All),
            "none" => Ok(Retaliation::None),
            _ => s
                .split(',')
                .map(|pair| {
                    pair.split_once("->")
                        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                        .ok_or_else(|| {
                            format!("'{pair}' is not allowed (allowed: all, none, or pairs SOURCE->TARGET separated by commas, e.g. rebels->government,government->government)")
                        })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Retaliation::Pairs),
        }
    }
}

impl FromStr for HalfLife {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "free" => Ok(HalfLife::Free),
            "shared" => Ok(HalfLife::Shared),
            _ => match s.parse::<f64>() {
                Ok(h) if h > 0.0 && h.is_finite() => Ok(HalfLife::Fixed(h)),
                _ => Err(format!(
                    "'{s}' is not allowed (allowed: free, shared, or a half-life in days > 0)"
                )),
            },
        }
    }
}

/// What `fit` is asked to do.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FitOptions {
    /// The observation periods (at least one), contiguous once sorted.
    pub periods: Vec<PeriodSpec>,
    /// The reference period (multiplier 1); default the first given.
    pub reference: Option<String>,
    /// Which pairs retaliate.
    pub retaliation: Retaliation,
    /// How half-lives are estimated.
    pub half_life: HalfLife,
    /// Days before the first period that feed memory only.
    pub burn_in: usize,
    /// Parametric bootstrap replicates (0: none).
    pub bootstrap: usize,
    /// Runs of the predictive check (0: none).
    pub simulate: usize,
    /// Master seed of PIT draws, bootstrap and predictive runs.
    pub seed: u64,
}

impl FitOptions {
    /// A fit over `periods` (at least one) with the command line's
    /// defaults: the first period as the reference, every pair
    /// retaliating, a free half-life per party, no burn-in, no bootstrap,
    /// no predictive runs, and [`DEFAULT_SEED`].
    pub fn new(periods: Vec<PeriodSpec>) -> Self {
        FitOptions {
            periods,
            reference: None,
            retaliation: Retaliation::All,
            half_life: HalfLife::Free,
            burn_in: 0,
            bootstrap: 0,
            simulate: 0,
            seed: DEFAULT_SEED,
        }
    }
}

/// Why a fit could not be made. Nothing is written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// The counts file was refused.
    #[error(transparent)]
    Counts(#[from] CountsError),
    /// The options do not fit the counts.
    #[error("{0}")]
    Options(String),
    /// The fitted scenario could not be simulated.
    #[error("cannot simulate the fitted scenario: {0}")]
    Simulation(String),
}

/// The names of fit.csv's `parameter` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quantity {
    /// μ of a party.
    Rate,
    /// m of a party in a period.
    RateMultiplier,
    /// α of a pair.
    Alpha,
    /// h of a party.
    HalfLife,
    /// Spectral radius of α/(1−β).
    BranchingRatio,
    /// Share of major events.
    MajorShare,
    /// The maximised log-likelihood.
    LogLikelihood,
    /// Akaike's information criterion.
    Aic,
    /// The log-likelihood without retaliation.
    NullLogLikelihood,
    /// AIC without retaliation.
    NullAic,
    /// The likelihood-ratio statistic against no retaliation.
    LrStatistic,
    /// Its p-value.
    LrPValue,
}

impl Quantity {
    /// As written in fit.csv.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Quantity::Rate => "rate",
            Quantity::RateMultiplier => "rate_multiplier",
            Quantity::Alpha => "alpha",
            Quantity::HalfLife => "half_life_days",
            Quantity::BranchingRatio => "branching_ratio",
            Quantity::MajorShare => "major_share",
            Quantity::LogLikelihood => "log_likelihood",
            Quantity::Aic => "aic",
            Quantity::NullLogLikelihood => "null_log_likelihood",
            Quantity::NullAic => "null_aic",
            Quantity::LrStatistic => "lr_statistic",
            Quantity::LrPValue => "lr_p_value",
        }
    }
}

/// How an interval (or a number) was obtained: fit.csv's `method` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalMethod {
    /// Wald on the log scale (from the observed information).
    WaldLog,
    /// Profile likelihood.
    Profile,
    /// Given, not estimated.
    Fixed,
    /// Not identified by the data (every α into the party is 0).
    Unidentified,
    /// Percentiles of a parametric bootstrap.
    Bootstrap,
    /// Wilson score interval.
    Wilson,
    /// Percentiles of draws from the normal approximation of the log-parameters.
    NormalSimulation,
    /// A statistic without an interval.
    Statistic,
    /// p-value from the χ̄² mixture of the boundary.
    ChiBarSquared,
}

impl IntervalMethod {
    /// As written in fit.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            IntervalMethod::WaldLog => "wald-log",
            IntervalMethod::Profile => "profile",
            IntervalMethod::Fixed => "fixed",
            IntervalMethod::Unidentified => "unidentified",
            IntervalMethod::Bootstrap => "bootstrap-percentile",
            IntervalMethod::Wilson => "wilson",
            IntervalMethod::NormalSimulation => "normal-simulation",
            IntervalMethod::Statistic => "statistic",
            IntervalMethod::ChiBarSquared => "chi-bar-squared",
        }
    }
}

/// One row of fit.csv.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// What it estimates.
    pub(crate) quantity: Quantity,
    /// The party (the retaliating one for α), if any.
    pub(crate) party: Option<usize>,
    /// The provoking party of an α.
    pub(crate) source: Option<usize>,
    /// The period of a multiplier.
    pub(crate) period: Option<usize>,
    /// Estimate and 95% interval (NaN where there is none).
    pub(crate) value: Estimate,
    /// How it was obtained.
    pub(crate) method: IntervalMethod,
}

/// The likelihood-ratio test against the model without retaliation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LrTest {
    /// Log-likelihood of the model without retaliation.
    pub(crate) null_log_likelihood: f64,
    /// Its number of parameters.
    pub(crate) null_parameters: usize,
    /// 2 (ℓ̂ − ℓ̂₀), at least 0.
    pub statistic: f64,
    /// α parameters on the boundary under the null.
    pub alphas: usize,
    /// p-value from the χ̄² mixture `Σ_j C(k,j) 2^-k χ²_j` (for one α, the
    /// 50:50 mixture of χ²₀ and χ²₁).
    pub p_value: f64,
}

/// The predictive check: observed counts against simulated bands.
#[derive(Debug, Clone, PartialEq)]
pub struct Predictive {
    /// Simulated runs.
    pub runs: usize,
    /// Per party and scored day: observed, and the 5, 25, 50, 75, 95%
    /// quantiles of simulated counts.
    pub(crate) bands: Vec<Vec<[f64; 6]>>,
    /// Per party: share of days inside the 50% band.
    pub inside50: Vec<f64>,
    /// Per party: share of days inside the 90% band.
    pub inside90: Vec<f64>,
}

/// A complete fit and everything reported about it.
#[derive(Debug, Clone)]
pub struct Fit {
    /// Party ids, as in the counts file.
    pub parties: Vec<String>,
    /// The periods, in time order.
    pub periods: Vec<PeriodSpec>,
    /// The reference period.
    pub(crate) reference: usize,
    /// The model (data and structure).
    pub model: Model,
    /// The estimates, one per slot of the model.
    pub(crate) values: Vec<f64>,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// Parameters estimated (α at 0 included).
    pub(crate) parameters: usize,
    /// The test against no retaliation, if the model has any α.
    pub lr: Option<LrTest>,
    /// Every row of fit.csv.
    pub(crate) rows: Vec<Row>,
    /// Share of major events per party, if the counts have severities.
    pub(crate) major_share: Option<Vec<Estimate>>,
    /// Warnings about the fit.
    pub warnings: Vec<String>,
    /// Notes (what the numbers mean, data left out).
    pub notes: Vec<String>,
    /// Goodness of fit per party and pooled.
    pub checks: Vec<PartyCheck>,
    /// The predictive check, if asked for.
    pub predictive: Option<Predictive>,
    /// First scored day.
    pub first_day: NaiveDate,
    /// The options.
    pub(crate) options: FitOptions,
}

impl Fit {
    /// Akaike's information criterion.
    pub fn aic(&self) -> f64 {
        2.0 * self.parameters as f64 - 2.0 * self.log_likelihood
    }

    /// The branching ratio's row.
    pub fn branching_ratio(&self) -> Estimate {
        self.rows
            .iter()
            .find(|r| {
                r.quantity == Quantity::BranchingRatio && r.method != IntervalMethod::Bootstrap
            })
            .map_or(Estimate::UNDEFINED, |r| r.value)
    }

    /// The fitted parties as a scenario's `[[party]]` tables hold them.
    pub(crate) fn party_params(&self) -> Vec<PartyParams> {
        party_params(
            &self.model,
            &self.values,
            &self.parties,
            self.major_share.as_ref(),
        )
    }

    /// The phases of a simulation of the fit: the burn-in (at reference
    /// multipliers) and every period.
    pub fn phase_params(&self) -> Vec<PhaseParams> {
        phase_params(
            &self.model,
            &self.values,
            &self.periods,
            self.options.burn_in,
        )
    }
}

/// Parties of a model with `values`.
fn party_params(
    model: &Model,
    values: &[f64],
    ids: &[String],
    major: Option<&Vec<Estimate>>,
) -> Vec<PartyParams> {
    (0..model.parties())
        .map(|p| PartyParams {
            id: ids[p].clone(),
            rate: values[p],
            half_life: model.half_life(values, p),
            retaliation: model
                .pairs()
                .iter()
                .enumerate()
                .filter(|(_, (_, t))| *t == p)
                .map(|(j, &(q, _))| (ids[q].clone(), model.alpha(values, j)))
                .collect(),
            major_share: major.map(|m| m[p].estimate).filter(|s| s.is_finite()),
        })
        .collect()
}

/// Phases of a simulation: burn-in days (reference multipliers), then periods.
fn phase_params(
    model: &Model,
    values: &[f64],
    periods: &[PeriodSpec],
    burn_in: usize,
) -> Vec<PhaseParams> {
    let mult = |k: usize| {
        (0..model.parties())
            .map(|p| model.multiplier(values, p, k))
            .collect()
    };
    let mut phases = Vec::new();
    if burn_in > 0 {
        phases.push(PhaseParams {
            id: BURN_IN_PHASE.into(),
            days: burn_in as u32,
            multipliers: mult(model.reference()),
        });
    }
    for (k, p) in periods.iter().enumerate() {
        phases.push(PhaseParams {
            id: p.name.clone(),
            days: p.days() as u32,
            multipliers: mult(k),
        });
    }
    phases
}

/// Spectral radius of the branching matrix `α_{q→p} / (1 − β_p)`.
pub(crate) fn branching_ratio(model: &Model, values: &[f64]) -> f64 {
    let n = model.parties();
    let mut k = vec![vec![0.0; n]; n];
    for (j, &(q, p)) in model.pairs().iter().enumerate() {
        let beta = 0.5f64.powf(1.0 / model.half_life(values, p));
        k[p][q] += model.alpha(values, j) / (1.0 - beta);
    }
    crate::numeric::spectral_radius(k)
}

/// The checked set-up of a fit.
struct Prepared {
    model: Model,
    periods: Vec<PeriodSpec>,
    reference: usize,
    first_day: NaiveDate,
    notes: Vec<String>,
}

/// Checks the options against the counts and builds the model.
fn prepare(counts: &Counts, opts: &FitOptions) -> Result<Prepared, FitError> {
    let err = |m: String| FitError::Options(m);
    if opts.periods.is_empty() {
        return Err(err(format!(
            "no {p} given (give at least one, e.g. {p} all=2016-09-01..2016-10-31)",
            p = Opt::Period
        )));
    }
    let (first, last) = (counts.start, counts.end());
    for (i, p) in opts.periods.iter().enumerate() {
        let spec = format!("{} {}={}..{}", Opt::Period, p.name, p.start, p.end);
        if p.end < p.start {
            return Err(err(format!(
                "{spec}: the period is empty (it ends before it starts)"
            )));
        }
        if p.start < first || p.end > last {
            return Err(err(format!(
                "{spec}: the period is outside the data (the counts run from {first} to {last})"
            )));
        }
        if opts.periods[..i].iter().any(|q| q.name == p.name) {
            return Err(err(format!("{spec}: period '{}' is given twice", p.name)));
        }
    }
    let mut periods = opts.periods.clone();
    periods.sort_by_key(|p| p.start);
    for w in periods.windows(2) {
        if w[1].start <= w[0].end {
            return Err(err(format!(
                "periods '{}' ({}..{}) and '{}' ({}..{}) overlap (every day belongs to one period)",
                w[0].name, w[0].start, w[0].end, w[1].name, w[1].start, w[1].end
            )));
        }
        if w[1].start != w[0].end + chrono::Days::new(1) {
            return Err(err(format!(
                "no period covers the days between '{}' (ends {}) and '{}' (starts {}); periods must follow one another",
                w[0].name, w[0].end, w[1].name, w[1].start
            )));
        }
    }
    let reference_name = opts
        .reference
        .clone()
        .unwrap_or_else(|| opts.periods[0].name.clone());
    let reference = periods
        .iter()
        .position(|p| p.name == reference_name)
        .ok_or_else(|| {
            err(format!(
                "{} {reference_name}: no such period (periods: {})",
                Opt::Reference,
                names(periods.iter().map(|p| &p.name))
            ))
        })?;
    let start_day = (periods[0].start - first).num_days() as usize;
    if opts.burn_in > start_day {
        return Err(err(format!(
            "{} {}: the counts have only {start_day} days before the first period starts on {}",
            Opt::BurnIn,
            opts.burn_in,
            periods[0].start
        )));
    }
    let from = start_day - opts.burn_in;
    let to = (periods[periods.len() - 1].end - first).num_days() as usize + 1;
    let mut notes = Vec::new();
    let unused = counts.days() - (to - from);
    if unused > 0 {
        notes.push(format!(
            "{unused} days of the counts file lie outside the periods and the burn-in and are not used"
        ));
    }
    let n = counts.parties.len();
    let party = |id: &str| {
        counts.party_index(id).ok_or_else(|| {
            err(format!(
                "{}: unknown party '{id}' (parties in the counts: {})",
                Opt::Retaliation,
                names(counts.parties.iter())
            ))
        })
    };
    let pairs: Vec<(usize, usize)> = match &opts.retaliation {
        Retaliation::None => Vec::new(),
        Retaliation::All => (0..n).flat_map(|t| (0..n).map(move |s| (s, t))).collect(),
        Retaliation::Pairs(list) => {
            let mut pairs = Vec::new();
            for (s, t) in list {
                let pair = (party(s)?, party(t)?);
                if pairs.contains(&pair) {
                    return Err(err(format!(
                        "{}: {s}->{t} is given twice",
                        Opt::Retaliation
                    )));
                }
                pairs.push(pair);
            }
            pairs
        }
    };
    let y: Vec<Vec<f64>> = counts
        .counts
        .iter()
        .map(|row| row[from..to].iter().map(|&c| c as f64).collect())
        .collect();
    let mut period = vec![reference; opts.burn_in];
    for (k, p) in periods.iter().enumerate() {
        period.extend(std::iter::repeat_n(k, p.days()));
    }
    let model = Model::new(
        y,
        period,
        opts.burn_in,
        (periods.len(), reference),
        pairs,
        opts.half_life,
    );
    Ok(Prepared {
        model,
        first_day: periods[0].start,
        periods,
        reference,
        notes,
    })
}

fn names<'a>(it: impl Iterator<Item = &'a String>) -> String {
    it.map(String::as_str).collect::<Vec<_>>().join(", ")
}

/// Starting points: rates and multipliers from period means, α and h from a
/// few spread values (retaliation weak and short, moderate, strong and long).
fn starts(model: &Model) -> Vec<Vec<f64>> {
    let periods = model.scored_periods();
    let mean = |p: usize, k: usize| {
        let (mut s, mut n) = (0.0, 0.0);
        for (y, &pk) in model.scored(p).iter().zip(periods) {
            if pk == k {
                s += y;
                n += 1.0;
            }
        }
        (s + 0.1) / (n + 1.0)
    };
    [(0.01, 2.0, 0.9), (0.15, 5.0, 0.6), (0.4, 1.0, 0.4)]
        .iter()
        .map(|&(a, h, share)| {
            model
                .slots()
                .iter()
                .map(|&slot| match slot {
                    Slot::Rate(p) => share * mean(p, model.reference()),
                    Slot::Multiplier { party, period } => {
                        mean(party, period) / mean(party, model.reference())
                    }
                    Slot::Alpha(_) => a,
                    Slot::HalfLife(_) => h,
                })
                .collect()
        })
        .collect()
}

/// Which slots are estimated: all of them (fixed half-lives are not slots).
fn all_free(model: &Model) -> Vec<bool> {
    vec![true; model.slots().len()]
}

/// The maximum-likelihood estimate from several starts, small α set to 0.
pub(crate) fn maximum_likelihood(model: &Model) -> (Optimum, Vec<bool>) {
    let free = all_free(model);
    let best = maximise_from(model, &starts(model), &free);
    estimate::snap_alphas(model, best, &free)
}

/// The same model without retaliation (all α fixed at 0).
fn null_fit(model: &Model) -> Optimum {
    let mut free = all_free(model);
    let mut starts = starts(model);
    for (i, slot) in model.slots().iter().enumerate() {
        if matches!(slot, Slot::Alpha(_) | Slot::HalfLife(_)) {
            free[i] = false;
            for s in &mut starts {
                if matches!(slot, Slot::Alpha(_)) {
                    s[i] = 0.0;
                }
            }
        }
    }
    maximise_from(model, &starts, &free)
}

/// p-value of the χ̄² mixture `Σ_{j=0}^{k} C(k,j) 2^-k χ²_j` at `x` (χ²₀ is a
/// point mass at 0).
pub(crate) fn chi_bar_squared_p(x: f64, k: usize) -> f64 {
    if x <= 0.0 || k == 0 {
        return 1.0;
    }
    let mut p = 0.0;
    let mut binom = 1.0; // C(k, j)
    for j in 1..=k {
        binom = binom * (k - j + 1) as f64 / j as f64;
        let tail = ChiSquared::new(j as f64).map_or(0.0, |c| 1.0 - c.cdf(x));
        p += binom * tail;
    }
    p / 2f64.powi(k as i32)
}

/// The likelihood-ratio test of `opt` against no retaliation.
pub(crate) fn lr_test(model: &Model, opt: &Optimum) -> Option<LrTest> {
    let alphas = model.pairs().len();
    if alphas == 0 {
        return None;
    }
    let null = null_fit(model);
    let statistic = (2.0 * (opt.log_likelihood - null.log_likelihood)).max(0.0);
    Some(LrTest {
        null_log_likelihood: null.log_likelihood,
        null_parameters: model.parties() * model.periods(),
        statistic,
        alphas,
        p_value: chi_bar_squared_p(statistic, alphas),
    })
}

/// Fits `counts` as `opts` asks. `progress` is told of every bootstrap
/// replicate and predictive run done. Nothing here writes a file.
///
/// The stages after the maximum-likelihood estimate live in `stages`, each
/// tested alone; this function chains them.
pub fn run(
    counts: &Counts,
    opts: &FitOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Fit, FitError> {
    let prep = prepare(counts, opts)?;
    let model = prep.model;
    let (opt, free) = maximum_likelihood(&model);
    let values = &opt.values;
    let parties = counts.parties.clone();
    let mut notes = prep.notes;
    notes.push("the counts are of reported events: with monitoring detection below 1 or false reports, every estimate describes the reported process, not every attack (docs/calibration.md)".into());

    // Intervals: profile likelihood for every parameter, and Wald on the log
    // scale (over the slots inside the parameter space) for μ and m.
    let inner = stages::inner_slots(&model, values, &free);
    let cov = log_covariance(&model, &opt, &inner);
    let cov = cov.as_deref();
    let mut warnings = Vec::new();
    if cov.is_none() {
        warnings.push("the observed information is not positive definite: Wald intervals are not given (a parameter is at a boundary or not identified)".into());
    }
    let intervals = stages::profile_intervals(&model, &opt, &free);
    warnings.extend(stages::boundary_warnings(
        &model,
        values,
        &intervals,
        &parties,
        &prep.periods,
    ));

    // What a simulation of the fit plays: the bootstrap's and the
    // predictive check's scenario.
    let fitted = stages::simulated_values(values, &intervals);
    let major_share = stages::major_shares(counts, &model);
    let scenario = if opts.bootstrap > 0 || opts.simulate > 0 {
        let scenario = simulate::scenario(
            &party_params(&model, &fitted, &parties, major_share.as_ref()),
            &phase_params(&model, &fitted, &prep.periods, opts.burn_in),
            counts.date(0),
        )
        .map_err(|e| FitError::Simulation(e.to_string()))?;
        Some(scenario)
    } else {
        None
    };
    let boot = match &scenario {
        Some(sc) if opts.bootstrap > 0 => Some(stages::bootstrap(
            &model,
            sc,
            &fitted,
            opts.seed,
            opts.bootstrap,
            progress,
        )?),
        _ => None,
    };

    let branching = stages::branching_interval(&model, cov, &inner, &fitted, opts.seed);
    if branching.estimate >= 1.0 {
        warnings.push(format!(
            "the branching ratio is {:.3} (≥ 1): the fitted retaliation is explosive, and a scenario built from it stops when intensities run away",
            branching.estimate
        ));
    }

    // Rows of fit.csv.
    let fixed_half_life = match opts.half_life {
        HalfLife::Fixed(h) => Some(h),
        _ => None,
    };
    let mut rows = stages::parameter_rows(
        &model,
        values,
        &intervals,
        cov,
        boot.as_ref(),
        fixed_half_life,
    );
    rows.extend(stages::branching_rows(&model, branching, boot.as_ref()));
    if let Some(shares) = &major_share {
        rows.extend(stages::major_share_rows(shares));
    }
    let parameters = model.slots().len();
    let lr = lr_test(&model, &opt);
    if lr.is_some() && model.groups() > 0 {
        notes.push("the likelihood-ratio p-value uses the χ̄² mixture, exact for a known half-life; with estimated half-lives (not identified without retaliation) it is anti-conservative (docs/calibration.md gives the measured rate)".into());
    }
    rows.extend(stages::statistic_rows(
        opt.log_likelihood,
        parameters,
        lr.as_ref(),
    ));

    // Goodness of fit.
    let lambda = model.intensities(values);
    let ys: Vec<&[f64]> = (0..parties.len()).map(|p| model.scored(p)).collect();
    let checks = diagnostics::check(&parties, &ys, &lambda, opts.seed);

    // Predictive check with the engine.
    let predictive = match &scenario {
        Some(sc) if opts.simulate > 0 => Some(stages::predictive(
            &model,
            sc,
            opts.seed,
            opts.simulate,
            opts.burn_in,
            progress,
        )?),
        _ => None,
    };

    Ok(Fit {
        parties,
        periods: prep.periods,
        reference: prep.reference,
        model,
        values: fitted,
        log_likelihood: opt.log_likelihood,
        parameters,
        lr,
        rows,
        major_share,
        warnings,
        notes,
        checks,
        predictive,
        first_day: prep.first_day,
        options: opts.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chi_bar_squared_mixture_is_half_chi_squared_for_one_alpha() {
        let chi1 = ChiSquared::new(1.0).unwrap();
        for x in [0.1, 1.0, 2.71, 3.84, 10.0] {
            let p = chi_bar_squared_p(x, 1);
            assert!((p - 0.5 * (1.0 - chi1.cdf(x))).abs() < 1e-15);
        }
        assert_eq!(chi_bar_squared_p(0.0, 3), 1.0);
        // 2.705543 is the 90% point of χ²₁: its mixture p-value is 0.05.
        assert!((chi_bar_squared_p(2.705_543_454_095_404, 1) - 0.05).abs() < 1e-9);
    }

    #[test]
    fn options_parse_and_bad_ones_say_what_is_allowed() {
        let p: PeriodSpec = "truce=2016-09-12..2016-09-19:truce".parse().unwrap();
        assert_eq!(
            (p.name.as_str(), p.days(), p.phase.as_deref()),
            ("truce", 8, Some("truce"))
        );
        assert!(
            "truce=2016-09-12"
                .parse::<PeriodSpec>()
                .unwrap_err()
                .contains("no '..'")
        );
        assert!(
            "t=2016-09-12..x"
                .parse::<PeriodSpec>()
                .unwrap_err()
                .contains("'x' is not a date")
        );
        assert_eq!(
            "a->b, b->b".parse::<Retaliation>().unwrap(),
            Retaliation::Pairs(vec![("a".into(), "b".into()), ("b".into(), "b".into())])
        );
        assert!(
            "a-b"
                .parse::<Retaliation>()
                .unwrap_err()
                .contains("SOURCE->TARGET")
        );
        assert_eq!("3.5".parse::<HalfLife>().unwrap(), HalfLife::Fixed(3.5));
        assert!(
            "-1".parse::<HalfLife>()
                .unwrap_err()
                .contains("free, shared")
        );
    }
}
