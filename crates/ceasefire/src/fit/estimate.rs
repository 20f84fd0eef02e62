//! Maximum likelihood for [`Model`]: argmin's L-BFGS (Moré–Thuente line
//! search) over the logarithms of the free parameters from several starts,
//! profile-likelihood intervals, and the observed information for Wald
//! intervals.

use argmin::core::{CostFunction, Error, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;

use super::model::{Model, Slot};
use crate::numeric::invert_spd;

/// Logarithms of parameters are kept in this range while optimising: wide
/// enough for any rate or half-life a daily series can support (e^-30 is
/// indistinguishable from 0; e^12 ≈ 160,000), narrow enough that `exp`
/// never overflows in a line search.
const LOG_RANGE: (f64, f64) = (-30.0, 12.0);
/// The smallest α a profile searches: at 1e-6 extra attacks per remembered
/// attack, no series of realistic length can tell it from none.
pub(crate) const ALPHA_ZERO: f64 = 1e-6;
/// An α is 0 when fixing it there costs less log-likelihood than this: a
/// change of deviance of 2e-7, far below anything a test could detect.
const SNAP_TOL: f64 = 1e-7;
/// Gradient tolerance of L-BFGS on the per-observation log-likelihood: a
/// total gradient of about 1e-5 per parameter, which leaves the
/// log-likelihood within 1e-9 of its maximum for any curvature a daily
/// series gives.
const TOL_GRAD: f64 = 1e-8;
/// Stop when one iteration changes the per-observation log-likelihood by
/// less than this (1e-10 in total for a year of three parties).
const TOL_COST: f64 = 1e-13;
/// Iterations of one L-BFGS run.
const MAX_ITERS: u64 = 400;
/// Half the 95% quantile of χ²₁: the profile drop that bounds a 95% interval.
pub(crate) const PROFILE_DROP: f64 = 3.841_458_820_694_124 / 2.0;
/// Where an α fixed at 0 restarts when it is released while profiling
/// another parameter: inside the range of retaliation daily data support.
const RELEASED_ALPHA: f64 = 0.05;
/// The slope of the log-likelihood in an α at 0 (per unit of α) above which
/// that α is released: a rise of 1e-6 over α = 0.05 is 5e-8 of
/// log-likelihood, nothing a profile can see.
const RISING: f64 = 1e-6;
/// Width, on the log scale, to which a profile bound is bisected.
const PROFILE_TOL: f64 = 1e-3;

/// A maximum found by `maximise`.
#[derive(Debug, Clone)]
pub(crate) struct Optimum {
    /// Every slot's value (natural scale).
    pub(crate) values: Vec<f64>,
    /// The log-likelihood there.
    pub(crate) log_likelihood: f64,
}

/// The negative per-observation log-likelihood of the free slots' logs.
struct Objective<'a> {
    model: &'a Model,
    base: &'a [f64],
    free: &'a [usize],
    scale: f64,
}

impl Objective<'_> {
    fn values(&self, x: &[f64]) -> Vec<f64> {
        let mut v = self.base.to_vec();
        for (&i, &xi) in self.free.iter().zip(x) {
            v[i] = xi.clamp(LOG_RANGE.0, LOG_RANGE.1).exp();
        }
        v
    }
}

impl CostFunction for Objective<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, x: &Vec<f64>) -> Result<f64, Error> {
        Ok(-self.model.log_likelihood(&self.values(x)) * self.scale)
    }
}

impl Gradient for Objective<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, x: &Vec<f64>) -> Result<Vec<f64>, Error> {
        let v = self.values(x);
        let mut g = vec![0.0; v.len()];
        self.model.log_likelihood_grad(&v, &mut g);
        Ok(self
            .free
            .iter()
            .zip(x)
            .map(|(&i, &xi)| {
                // Flat outside the range, as the clamp makes the cost.
                if xi < LOG_RANGE.0 || xi > LOG_RANGE.1 {
                    0.0
                } else {
                    -g[i] * self.scale
                }
            })
            .collect())
    }
}

/// Maximises the likelihood over the slots marked `free`, from `start`
/// (natural scale; the others stay at their value in `start`). A free slot
/// must start above 0.
pub(crate) fn maximise(model: &Model, start: &[f64], free: &[bool]) -> Optimum {
    let idx: Vec<usize> = (0..start.len()).filter(|&i| free[i]).collect();
    let scale = 1.0 / (model.scored_days() * model.parties()).max(1) as f64;
    let x0: Vec<f64> = idx.iter().map(|&i| start[i].ln()).collect();
    let objective = Objective {
        model,
        base: start,
        free: &idx,
        scale,
    };
    let at = |x: &[f64]| {
        let values = objective.values(x);
        let log_likelihood = model.log_likelihood(&values);
        Optimum {
            values,
            log_likelihood,
        }
    };
    if idx.is_empty() {
        return at(&x0);
    }
    let mut best = at(&x0);
    // Restart L-BFGS from where it stopped until it stops improving: a line
    // search that fails near the optimum (rounding) ends one run, not the fit.
    let mut x = x0;
    for _ in 0..4 {
        let solver = LBFGS::new(MoreThuenteLineSearch::new(), 10)
            .with_tolerance_grad(TOL_GRAD)
            .and_then(|s| s.with_tolerance_cost(TOL_COST));
        let Ok(solver) = solver else { break };
        let result = Executor::new(
            Objective {
                model,
                base: start,
                free: &idx,
                scale,
            },
            solver,
        )
        .configure(|s| s.param(x.clone()).max_iters(MAX_ITERS))
        .run();
        let Ok(result) = result else { break };
        let Some(bx) = result.state().get_best_param().map(|p| p.to_vec()) else {
            break;
        };
        let candidate = at(&bx);
        let gain = candidate.log_likelihood - best.log_likelihood;
        if candidate.log_likelihood.is_finite() && gain >= 0.0 {
            best = candidate;
            x = bx;
        }
        if gain.is_nan() || gain <= 1e-7 {
            break;
        }
    }
    best
}

/// The best of `maximise` from several starts.
pub(crate) fn maximise_from(model: &Model, starts: &[Vec<f64>], free: &[bool]) -> Optimum {
    starts
        .iter()
        .map(|s| maximise(model, s, free))
        .max_by(|a, b| a.log_likelihood.total_cmp(&b.log_likelihood))
        .expect("at least one start")
}

/// The maximum with every α that the data cannot tell from 0 set to
/// exactly 0 and the rest re-maximised; returns it and the free mask without
/// those α.
///
/// On the log scale the optimiser only approaches the boundary α = 0 (the
/// gradient in log α vanishes with α), so each α, smallest first, is tried
/// at 0: if the maximum with it at 0 is within `SNAP_TOL` of the best, 0 is
/// the estimate.
pub(crate) fn snap_alphas(model: &Model, opt: Optimum, free: &[bool]) -> (Optimum, Vec<bool>) {
    let mut free = free.to_vec();
    let mut best = opt;
    let mut alphas: Vec<usize> = (0..free.len())
        .filter(|&i| free[i] && matches!(model.slots()[i], Slot::Alpha(_)))
        .collect();
    alphas.sort_by(|&a, &b| best.values[a].total_cmp(&best.values[b]));
    for i in alphas {
        let mut start = best.values.clone();
        start[i] = 0.0;
        let mut f = free.clone();
        f[i] = false;
        let candidate = maximise(model, &start, &f);
        if candidate.log_likelihood >= best.log_likelihood - SNAP_TOL {
            best = candidate;
            free = f;
        }
    }
    (best, free)
}

/// The profile log-likelihood at slot `i` = `value`: the maximum over every
/// other slot, started from `warm`.
///
/// An α that [`snap_alphas`] fixed at 0 (not free in `free`) is part of the
/// parameter space all the same: holding it at 0 while profiling another
/// parameter gives a profile that is too low and an interval that is too
/// narrow (the half-life of a party whose self-excitation snapped to 0 is
/// the case that showed it). On the log scale the optimiser cannot leave 0,
/// so such an α is released from `RELEASED_ALPHA` as a second start, and
/// the better of the two maxima is the profile.
pub(crate) fn profile_at(
    model: &Model,
    warm: &[f64],
    free: &[bool],
    i: usize,
    value: f64,
) -> Optimum {
    let mut start = warm.to_vec();
    start[i] = value;
    let mut f = free.to_vec();
    f[i] = false;
    let snapped: Vec<usize> = (0..f.len())
        .filter(|&j| j != i && !f[j] && matches!(model.slots()[j], Slot::Alpha(_)))
        .collect();
    for &j in &snapped {
        start[j] = 0.0;
    }
    let held = maximise(model, &start, &f);
    // Only an α whose likelihood rises away from 0 there can gain (the
    // likelihood is concave in the α and rates for a fixed half-life): the
    // others stay at 0, which keeps a profile point to one fit in most cases.
    // The slope at 0 is the log-scale derivative at ALPHA_ZERO over it.
    let mut near = held.values.clone();
    for &j in &snapped {
        near[j] = ALPHA_ZERO;
    }
    let mut grad = vec![0.0; f.len()];
    model.log_likelihood_grad(&near, &mut grad);
    let rising: Vec<usize> = snapped
        .into_iter()
        .filter(|&j| grad[j] / ALPHA_ZERO > RISING)
        .collect();
    if rising.is_empty() {
        return held;
    }
    let mut start = held.values.clone();
    for &j in &rising {
        f[j] = true;
        if start[j] < ALPHA_ZERO {
            start[j] = RELEASED_ALPHA;
        }
    }
    let released = maximise(model, &start, &f);
    if released.log_likelihood > held.log_likelihood {
        released
    } else {
        held
    }
}

/// A 95% profile-likelihood interval of slot `i` around the maximum `opt`.
/// `floor` is the value the parameter may take at its lower boundary (0 for
/// α: tried exactly), `search` the range (natural scale) beyond which a bound
/// is reported as that limit (0 or infinity).
pub(crate) fn profile_interval(
    model: &Model,
    opt: &Optimum,
    free: &[bool],
    i: usize,
    floor: Option<f64>,
    search: (f64, f64),
) -> (f64, f64) {
    let target = opt.log_likelihood - PROFILE_DROP;
    let centre = opt.values[i].max(search.0);
    let upper = bound(model, opt, free, i, centre, target, search.1.ln(), 1.0)
        .map_or(f64::INFINITY, f64::exp);
    let lower = match floor {
        Some(f0) if profile_at(model, &opt.values, free, i, f0).log_likelihood >= target => f0,
        _ if opt.values[i] <= search.0 => floor.unwrap_or(0.0),
        _ => bound(model, opt, free, i, centre, target, search.0.ln(), -1.0)
            .map_or(floor.unwrap_or(0.0), f64::exp),
    };
    (lower, upper)
}

/// Where the profile crosses `target` going from `centre` towards `limit`
/// (log scale) in direction `dir`, or `None` if it stays above.
///
/// The crossing is found on `r(x) = sqrt(2 (ℓ̂ − ℓ_p(x)))`, which is close to
/// linear in the log of a parameter, by the Illinois variant of regula
/// falsi: a few profile fits per bound instead of a bisection's dozen.
#[allow(clippy::too_many_arguments)]
fn bound(
    model: &Model,
    opt: &Optimum,
    free: &[bool],
    i: usize,
    centre: f64,
    target: f64,
    limit: f64,
    dir: f64,
) -> Option<f64> {
    let crit = (2.0 * (opt.log_likelihood - target)).sqrt();
    let root = |ll: f64| (2.0 * (opt.log_likelihood - ll)).max(0.0).sqrt() - crit;
    let mut inside = (centre.ln(), -crit);
    if (limit - inside.0) * dir <= 0.0 {
        // The estimate is at or beyond the searched range (e.g. h → ∞).
        return None;
    }
    let mut warm = opt.values.clone();
    // The profile at x: re-maximised from the last point inside and from the
    // maximum, the better kept (the surface can have several modes in h).
    let at = |warm: &[f64], x: f64| {
        let a = profile_at(model, warm, free, i, x.exp());
        if warm == opt.values.as_slice() {
            return a;
        }
        let b = profile_at(model, &opt.values, free, i, x.exp());
        if b.log_likelihood > a.log_likelihood {
            b
        } else {
            a
        }
    };
    let mut step = 0.5;
    let mut outside = loop {
        let x = (inside.0 + dir * step).clamp(limit.min(inside.0), limit.max(inside.0));
        let p = at(&warm, x);
        let r = root(p.log_likelihood);
        if r > 0.0 {
            break (x, r);
        }
        if x == limit {
            return None;
        }
        inside = (x, r);
        warm = p.values;
        step *= 2.0;
    };
    let mut side = 0;
    for _ in 0..40 {
        if (outside.0 - inside.0).abs() <= PROFILE_TOL {
            break;
        }
        let x = outside.0 - outside.1 * (outside.0 - inside.0) / (outside.1 - inside.1);
        let p = at(&warm, x);
        let r = root(p.log_likelihood);
        if r.abs() < 1e-4 {
            return Some(x);
        }
        if r > 0.0 {
            outside = (x, r);
            if side == 1 {
                inside.1 *= 0.5;
            }
            side = 1;
        } else {
            inside = (x, r);
            warm = p.values;
            if side == -1 {
                outside.1 *= 0.5;
            }
            side = -1;
        }
    }
    Some(0.5 * (inside.0 + outside.0))
}

/// The covariance of the logarithms of the free slots at a maximum: the
/// inverse of the observed information, by central differences of the
/// analytic gradient. `None` if the information is not positive definite.
#[allow(clippy::needless_range_loop)] // matrix code reads best with indices
pub(crate) fn log_covariance(model: &Model, opt: &Optimum, free: &[bool]) -> Option<Vec<Vec<f64>>> {
    let idx: Vec<usize> = (0..free.len()).filter(|&i| free[i]).collect();
    let n = idx.len();
    let h = 1e-5;
    let grad_at = |i: usize, sign: f64| {
        let mut v = opt.values.clone();
        v[i] *= (sign * h).exp();
        let mut g = vec![0.0; v.len()];
        model.log_likelihood_grad(&v, &mut g);
        g
    };
    let mut info = vec![vec![0.0; n]; n];
    for (c, &j) in idx.iter().enumerate() {
        let (up, down) = (grad_at(j, 1.0), grad_at(j, -1.0));
        for (r, &i) in idx.iter().enumerate() {
            info[r][c] = -(up[i] - down[i]) / (2.0 * h);
        }
    }
    for r in 0..n {
        for c in 0..r {
            let m = 0.5 * (info[r][c] + info[c][r]);
            info[r][c] = m;
            info[c][r] = m;
        }
    }
    let inv = invert_spd(info)?;
    let mut full = vec![vec![0.0; free.len()]; free.len()];
    for (r, &i) in idx.iter().enumerate() {
        for (c, &j) in idx.iter().enumerate() {
            full[i][j] = inv[r][c];
        }
    }
    Some(full)
}

#[cfg(test)]
mod tests {
    use super::super::model::HalfLife;
    use super::*;

    #[test]
    fn a_poisson_mean_is_found_with_its_exact_wald_interval() {
        // One party, one period, no retaliation: μ̂ is the mean and the
        // variance of log μ̂ is 1 / Σy.
        let y = vec![vec![3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]];
        let m = Model::new(y, vec![0; 8], 0, (1, 0), vec![], HalfLife::Free);
        let opt = maximise(&m, &[1.0], &[true]);
        assert!(
            (opt.values[0] - 31.0 / 8.0).abs() < 1e-6,
            "{:?}",
            opt.values
        );
        let cov = log_covariance(&m, &opt, &[true]).unwrap();
        assert!((cov[0][0] - 1.0 / 31.0).abs() < 1e-5, "{cov:?}");
    }
}
