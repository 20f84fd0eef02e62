//! Goodness of fit: would the fitted model have predicted each day's count?
//!
//! Every scored day's count is judged against its one-step-ahead predictive
//! Poisson (intensity from the observed past). Randomised PIT values are
//! uniform when the model is right, whatever the rates; a KS test measures
//! how far they are from uniform. Pearson residuals of a right model are
//! uncorrelated; their autocorrelation at lags 1–14 with a Ljung–Box test
//! shows memory the model misses (a Poisson-only fit to retaliating
//! parties fails here).

use rand::RngExt;
use statrs::distribution::{ChiSquared, ContinuousCDF, DiscreteCDF, Poisson};

use super::simulate::purpose_rng;

/// Bins of the PIT histogram.
pub(crate) const PIT_BINS: usize = 10;
/// Largest lag of the residual autocorrelation.
pub(crate) const MAX_LAG: usize = 14;

/// The diagnostics of one party (or of all pooled, for the PIT).
#[derive(Debug, Clone, PartialEq)]
pub struct PartyCheck {
    /// Party id, or `all`.
    pub party: String,
    /// Days judged.
    pub(crate) days: usize,
    /// Share of PIT values in each of [`PIT_BINS`] equal bins.
    pub(crate) pit_histogram: Vec<f64>,
    /// KS distance of the PIT values from uniform.
    pub(crate) ks_statistic: f64,
    /// Its p-value.
    pub ks_p_value: f64,
    /// Autocorrelation of Pearson residuals at lags 1..=MAX_LAG (empty for
    /// the pooled row).
    pub acf: Vec<f64>,
    /// Ljung–Box statistic over those lags (NaN for the pooled row).
    pub(crate) ljung_box: f64,
    /// Its p-value (χ² with MAX_LAG degrees of freedom).
    pub ljung_box_p_value: f64,
}

/// Randomised PIT value of count `y` under Poisson(`lambda`), from `v ~ U(0,1)`.
pub(crate) fn randomised_pit(y: f64, lambda: f64, v: f64) -> f64 {
    let Ok(dist) = Poisson::new(lambda.max(1e-300)) else {
        return v;
    };
    let k = y as u64;
    let upper = dist.cdf(k);
    let lower = if k == 0 { 0.0 } else { dist.cdf(k - 1) };
    lower + v * (upper - lower)
}

/// KS statistic of `u` against the uniform distribution and its asymptotic
/// p-value (Kolmogorov's distribution with Stephens' small-sample factor).
pub(crate) fn ks_uniform(u: &[f64]) -> (f64, f64) {
    let mut s = u.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len() as f64;
    let d = s
        .iter()
        .enumerate()
        .map(|(i, &x)| ((i as f64 + 1.0) / n - x).max(x - i as f64 / n))
        .fold(0.0, f64::max);
    let t = (n.sqrt() + 0.12 + 0.11 / n.sqrt()) * d;
    let mut p = 0.0;
    for j in 1..=100 {
        let j = j as f64;
        let term = 2.0 * (-2.0 * j * j * t * t).exp();
        p += if j as u32 % 2 == 1 { term } else { -term };
        if term < 1e-16 {
            break;
        }
    }
    (d, p.clamp(0.0, 1.0))
}

/// Autocorrelation of `e` at lags 1..=max_lag.
pub(crate) fn autocorrelation(e: &[f64], max_lag: usize) -> Vec<f64> {
    let n = e.len();
    let mean = e.iter().sum::<f64>() / n as f64;
    let var: f64 = e.iter().map(|x| (x - mean).powi(2)).sum();
    (1..=max_lag)
        .map(|k| {
            if k >= n || var == 0.0 {
                return 0.0;
            }
            (0..n - k)
                .map(|t| (e[t] - mean) * (e[t + k] - mean))
                .sum::<f64>()
                / var
        })
        .collect()
}

/// Ljung–Box statistic of autocorrelations `r` over `n` values and its p-value.
pub(crate) fn ljung_box(r: &[f64], n: usize) -> (f64, f64) {
    let nf = n as f64;
    let q = nf
        * (nf + 2.0)
        * r.iter()
            .enumerate()
            .map(|(k, rk)| rk * rk / (nf - k as f64 - 1.0))
            .sum::<f64>();
    let p = ChiSquared::new(r.len() as f64).map_or(f64::NAN, |c| 1.0 - c.cdf(q));
    (q, p)
}

fn histogram(u: &[f64]) -> Vec<f64> {
    let mut h = [0.0; PIT_BINS];
    for &x in u {
        h[((x * PIT_BINS as f64) as usize).min(PIT_BINS - 1)] += 1.0;
    }
    h.iter().map(|c| c / u.len().max(1) as f64).collect()
}

/// The diagnostics of every party and of all pooled, for counts `y` and
/// one-step-ahead intensities `lambda` (per party, per scored day). The PIT
/// draws come from the `pit` stream of `seed`.
pub(crate) fn check(
    parties: &[String],
    y: &[&[f64]],
    lambda: &[Vec<f64>],
    seed: u64,
) -> Vec<PartyCheck> {
    let mut rng = purpose_rng(seed, "pit");
    let mut all = Vec::new();
    let mut out = Vec::new();
    for (p, party) in parties.iter().enumerate() {
        let u: Vec<f64> = y[p]
            .iter()
            .zip(&lambda[p])
            .map(|(&yt, &l)| randomised_pit(yt, l, rng.random::<f64>()))
            .collect();
        let e: Vec<f64> = y[p]
            .iter()
            .zip(&lambda[p])
            .map(|(&yt, &l)| (yt - l) / l.max(1e-300).sqrt())
            .collect();
        let acf = autocorrelation(&e, MAX_LAG);
        let (lb, lb_p) = ljung_box(&acf, e.len());
        let (d, ks_p) = ks_uniform(&u);
        out.push(PartyCheck {
            party: party.clone(),
            days: u.len(),
            pit_histogram: histogram(&u),
            ks_statistic: d,
            ks_p_value: ks_p,
            acf,
            ljung_box: lb,
            ljung_box_p_value: lb_p,
        });
        all.extend(u);
    }
    let (d, ks_p) = ks_uniform(&all);
    out.push(PartyCheck {
        party: "all".into(),
        days: all.len(),
        pit_histogram: histogram(&all),
        ks_statistic: d,
        ks_p_value: ks_p,
        acf: Vec::new(),
        ljung_box: f64::NAN,
        ljung_box_p_value: f64::NAN,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pit_of_a_count_spans_its_probability() {
        // Poisson(1): P(0) = e^-1, so the PIT of 0 lies in [0, e^-1].
        let e1 = (-1.0f64).exp();
        assert_eq!(randomised_pit(0.0, 1.0, 0.0), 0.0);
        assert!((randomised_pit(0.0, 1.0, 1.0) - e1).abs() < 1e-15);
        assert!((randomised_pit(1.0, 1.0, 0.0) - e1).abs() < 1e-15);
    }

    #[test]
    fn ks_matches_known_values() {
        // Evenly spread points: D = 1/(2n) at the midpoints.
        let u: Vec<f64> = (0..100).map(|i| (i as f64 + 0.5) / 100.0).collect();
        let (d, p) = ks_uniform(&u);
        assert!((d - 0.005).abs() < 1e-12);
        assert!(p > 0.999);
        // All mass in the lower half: D = 0.5, p ≈ 0.
        let u: Vec<f64> = (0..100).map(|i| i as f64 / 200.0).collect();
        let (d, p) = ks_uniform(&u);
        assert!((d - 0.5).abs() < 0.011, "{d}");
        assert!(p < 1e-15, "{p}");
    }

    #[test]
    fn an_alternating_series_has_lag_one_autocorrelation_near_minus_one() {
        let e: Vec<f64> = (0..200)
            .map(|t| if t % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let r = autocorrelation(&e, 2);
        assert!((r[0] + 0.995).abs() < 1e-9, "{r:?}");
        assert!((r[1] - 0.99).abs() < 1e-9, "{r:?}");
        let (_, p) = ljung_box(&r, 200);
        assert!(p < 1e-12);
    }
}
