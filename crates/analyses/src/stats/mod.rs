//! Estimates with 95% intervals, computed from the engine's integer tallies.
//!
//! Proportions use the Wilson score interval (good near 0 and 1, never
//! outside [0, 1]); means use Student's t interval. Quantiles of entry days
//! come straight from exact histograms, with distribution-free intervals
//! from order statistics.

pub mod curves;
pub mod daily_metrics;
mod estimates;
mod metric;
pub mod occupancy;
pub mod solution;
pub mod summary;

// The curves, hazards and daily means against a scenario whose answer is
// known exactly.
#[cfg(test)]
mod curve_tests;

pub use estimates::Estimates;
pub use metric::{Metric, UnknownMetric};

use crate::engine::Sums;
use crate::numeric::{t_quantile, z};

/// An estimate with its interval (equal to the estimate where there is no
/// sampling error to speak of, `NaN` where it is undefined).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Point estimate.
    pub estimate: f64,
    /// Lower bound of the 95% interval.
    pub low: f64,
    /// Upper bound of the 95% interval.
    pub high: f64,
}

impl Estimate {
    /// An estimate that is undefined (no observations): `NaN` throughout,
    /// written as empty CSV fields.
    #[doc(hidden)]
    pub const UNDEFINED: Estimate = Estimate {
        estimate: f64::NAN,
        low: f64::NAN,
        high: f64::NAN,
    };

    /// A value known without sampling error: its interval is the value
    /// itself.
    pub(crate) fn point(x: f64) -> Estimate {
        Estimate {
            estimate: x,
            low: x,
            high: x,
        }
    }
}

/// Wilson score interval for `successes` out of `n`. With `n = 0` all three
/// values are `NaN`.
#[doc(hidden)]
pub fn wilson(successes: u64, n: u64) -> Estimate {
    wilson_with_z(successes, n, z())
}

/// Wilson interval with a given normal quantile (see `wilson`).
pub(crate) fn wilson_with_z(successes: u64, n: u64, z: f64) -> Estimate {
    if n == 0 {
        return Estimate::UNDEFINED;
    }
    let n_f = n as f64;
    let p = successes as f64 / n_f;
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = z * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denom;
    Estimate {
        estimate: p,
        // Rounding can leave a bound a hair inside p at 0 or 1; an interval
        // always contains its estimate.
        low: (centre - half).max(0.0).min(p),
        high: (centre + half).min(1.0).max(p),
    }
}

/// Sample mean with Student's t interval. One observation gives `NaN`
/// bounds; none gives `NaN` throughout.
#[doc(hidden)]
pub fn mean(s: &Sums) -> Estimate {
    mean_of(s.n, s.sum as i128, s.sum_sq)
}

/// [`mean`] of `n` integer observations (possibly negative, such as paired
/// differences) given their exact sum and sum of squares.
#[doc(hidden)]
pub fn mean_of(n: u64, sum: i128, sum_sq: u128) -> Estimate {
    if n == 0 {
        return Estimate::UNDEFINED;
    }
    let mean = sum as f64 / n as f64;
    let half = t_quantile(n as f64 - 1.0) * (variance(n, sum, sum_sq) / n as f64).sqrt();
    Estimate {
        estimate: mean,
        low: mean - half,
        high: mean + half,
    }
}

/// Sample variance (denominator `n − 1`) of integer observations from their
/// exact sums: `n·Σx² − (Σx)²` is computed in integers, then scaled. `NaN`
/// for fewer than two observations.
#[doc(hidden)]
pub fn variance(n: u64, sum: i128, sum_sq: u128) -> f64 {
    if n < 2 {
        return f64::NAN;
    }
    let spread = (u128::from(n) * sum_sq).saturating_sub(sum.unsigned_abs().pow(2)) as f64;
    spread / (n as f64 * (n as f64 - 1.0))
}

/// The smallest day `d` with `P(entry day ≤ d) ≥ q` among the entries in
/// `histogram` (`None` if there are none).
pub(crate) fn quantile(histogram: &[u64], q: f64) -> Option<u32> {
    let weights: Vec<f64> = histogram.iter().map(|&c| c as f64).collect();
    weighted_quantile(&weights, q)
}

/// `quantile` of a distribution given by non-negative weights per day
/// (counts of runs, or exact probabilities); `None` if they sum to 0.
pub fn weighted_quantile(weights: &[f64], q: f64) -> Option<u32> {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut acc = 0.0;
    for (day, &w) in weights.iter().enumerate() {
        acc += w;
        if acc >= q * total {
            return Some(day as u32);
        }
    }
    Some(weights.len() as u32 - 1)
}

/// The `r`-th smallest entry day (1-based) in `histogram`.
fn order_statistic(histogram: &[u64], r: u64) -> Option<u32> {
    let mut acc = 0u64;
    for (day, &count) in histogram.iter().enumerate() {
        acc += count;
        if acc >= r {
            return Some(day as u32);
        }
    }
    None
}

/// The `q`-quantile of the entry days in `histogram` ([`quantile`]) with a
/// distribution-free 95% interval: the order statistics of ranks
/// `⌊nq − z√(nq(1−q))⌋` and `⌈nq + z√(nq(1−q))⌉ + 1`, clamped to `1..=n`,
/// between which the true quantile lies with probability about 95% whatever
/// the distribution (the normal approximation to the binomial count of
/// entries below the true quantile). `None` if the histogram is empty.
pub(crate) fn quantile_interval(histogram: &[u64], q: f64) -> Option<Estimate> {
    let estimate = quantile(histogram, q)?;
    let n: u64 = histogram.iter().sum();
    let n_f = n as f64;
    let spread = z() * (n_f * q * (1.0 - q)).sqrt();
    let rank = |r: f64| (r.max(1.0) as u64).min(n);
    let low = order_statistic(histogram, rank((n_f * q - spread).floor()))?;
    let high = order_statistic(histogram, rank((n_f * q + spread).ceil() + 1.0))?;
    Some(Estimate {
        estimate: f64::from(estimate),
        low: f64::from(low.min(estimate)),
        high: f64::from(high.max(estimate)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Newcombe (1998), "Two-sided confidence intervals for the single
    /// proportion", Statistics in Medicine 17, Table I, method 3 (Wilson
    /// score interval without continuity correction), to the four decimals
    /// published. The small-n cases pin the z²/(4n²) term: with z²/(2n²)
    /// the upper bound of 0/20 would be 0.194.
    #[test]
    fn wilson_matches_newcombes_published_intervals() {
        for (x, n, low, high) in [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ] {
            let e = wilson(x, n);
            assert!(
                (e.low - low).abs() < 5e-5 && (e.high - high).abs() < 5e-5,
                "{x}/{n}: {e:?}, published ({low}, {high})"
            );
        }
    }

    #[test]
    fn wilson_matches_a_textbook_value() {
        // 81 of 263: Wilson 95% interval (0.2553, 0.3662) (Newcombe 1998, example).
        let e = wilson(81, 263);
        assert!((e.low - 0.2553).abs() < 5e-4, "{e:?}");
        assert!((e.high - 0.3662).abs() < 5e-4, "{e:?}");
        let zero = wilson(0, 100);
        assert_eq!(zero.low, 0.0);
        assert!(zero.high > 0.0 && zero.high < 0.05);
        assert!(wilson(0, 0).estimate.is_nan());
    }

    #[test]
    fn t_interval_of_a_small_sample() {
        let mut s = Sums::default();
        for x in [2, 4, 4, 4, 5, 5, 7, 9] {
            s.add(x);
        }
        let e = mean(&s);
        assert_eq!(e.estimate, 5.0);
        // sd = 2.138, t(7) = 2.3646 → half-width 1.7875.
        assert!((e.high - e.estimate - 1.7875).abs() < 1e-3, "{e:?}");
    }

    #[test]
    fn quantiles_of_a_histogram() {
        let h = [0, 2, 0, 2];
        assert_eq!(quantile(&h, 0.5), Some(1));
        assert_eq!(quantile(&h, 0.9), Some(3));
        assert_eq!(quantile(&[0, 0], 0.5), None);
    }

    #[test]
    fn quantile_intervals_bracket_the_estimate() {
        // 100 entries, one per day: the median is day 49 (50th value); ranks
        // 50 ∓ 9.8 → order statistics 40 and 61, i.e. days 39 and 60.
        let h = vec![1u64; 100];
        let e = quantile_interval(&h, 0.5).unwrap();
        assert_eq!((e.estimate, e.low, e.high), (49.0, 39.0, 60.0));
        // All mass on one day: no uncertainty about the day.
        let e = quantile_interval(&[0, 0, 7, 0], 0.9).unwrap();
        assert_eq!((e.estimate, e.low, e.high), (2.0, 2.0, 2.0));
        // A single entry.
        let e = quantile_interval(&[0, 1], 0.1).unwrap();
        assert_eq!((e.estimate, e.low, e.high), (1.0, 1.0, 1.0));
        assert_eq!(quantile_interval(&[0, 0], 0.5), None);
    }
}
