//! Samplers that use exactly one 64-bit word of their stream per draw.
//!
//! Each draw inverts the distribution function at one uniform number. Two
//! scenarios run on the same streams (a paired comparison, neighbouring
//! points of a sweep) therefore stay synchronised draw for draw, and their
//! counts move together: a higher rate gives at least as many attacks from the
//! same uniform. statrs' own samplers (Knuth's method, BTPE) consume a varying
//! number of words, which would desynchronise the streams after the first
//! differing draw and throw away most of the variance reduction.
//!
//! Where inversion by sequential search would be slow or inaccurate (large
//! means, or a first probability that underflows), the one word seeds a
//! local generator for statrs' sampler instead: the stream still advances by
//! exactly one word.

use rand::distr::Distribution;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::distribution::{Binomial, Poisson};

/// Up to this mean, Poisson draws invert by sequential search from 0: at most
/// a few dozen multiplications, all in double precision well above
/// underflow (e^−64 ≈ 1.6·10⁻²⁸).
pub(super) const POISSON_INVERSION_MAX: f64 = 64.0;

/// Binomial draws invert from 0 while `P(X = 0)` stays above this, so that the
/// search starts from a representable probability.
const BINOMIAL_INVERSION_MIN_P0: f64 = 1e-250;

/// Binomial draws with more trials than this use statrs (inversion would
/// take too many steps).
const BINOMIAL_INVERSION_MAX_N: u64 = 4096;

/// `1/k` for the first steps of a sequential search: a multiplication is
/// several times cheaper than a division in the innermost loops.
static RECIPROCALS: [f64; 256] = {
    let mut table = [0.0; 256];
    let mut k = 1;
    while k < 256 {
        table[k] = 1.0 / k as f64;
        k += 1;
    }
    table
};

/// `1/k`, from the table when it holds it.
#[inline]
fn reciprocal(k: u64) -> f64 {
    match RECIPROCALS.get(k as usize) {
        Some(r) => *r,
        None => 1.0 / k as f64,
    }
}

/// The next word of a stream: every draw inverts its distribution at one.
#[inline]
pub(super) fn word<R: Rng + ?Sized>(rng: &mut R) -> u64 {
    rng.next_u64()
}

/// The uniform number in [0, 1) of word `w`: its 53 high bits `m`, as rand's
/// standard f64 does, times 2⁻⁵³ (exact: `m` < 2⁵³ is a double).
#[inline]
pub(super) fn uniform(w: u64) -> f64 {
    mantissa(w) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The 53 high bits `m` of word `w`, whose uniform is `m · 2⁻⁵³`.
#[inline(always)]
pub(super) fn mantissa(w: u64) -> u64 {
    w >> 11
}

/// The least `m` whose uniform `m · 2⁻⁵³` is ≥ `c`, so that for every word,
/// `uniform(w) >= c` exactly when `mantissa(w) >= threshold(c)`: `c · 2⁵³`
/// is exact (a power of two), and an integer is ≥ a number exactly when it
/// is ≥ its ceiling. `+∞` and NaN give `u64::MAX`, above every mantissa.
pub(super) fn threshold(c: f64) -> u64 {
    if c.is_nan() {
        return u64::MAX;
    }
    // `as` saturates: +∞ to u64::MAX, −∞ and anything ≤ 0 to 0.
    (c * (1u64 << 53) as f64).ceil() as u64
}

/// Bits of a word that give the bin of its uniform among `2^GUIDE_BITS`
/// equal bins (see [`guide_bin`]).
pub(super) const GUIDE_BITS: u32 = 6;

/// `⌊2^GUIDE_BITS · u⌋` for the uniform `u` of word `w` ([`uniform`]): its
/// top bits, exactly, since `u` is the top 53 bits over 2⁵³.
#[inline(always)]
pub(super) fn guide_bin(w: u64) -> usize {
    (w >> (64 - GUIDE_BITS)) as usize
}

/// A draw that succeeds with probability `p`: one word.
#[inline]
pub fn bernoulli<R: Rng + ?Sized>(rng: &mut R, p: f64) -> bool {
    uniform(word(rng)) < p
}

/// The values `P(X ≤ k)`, k = 0, 1, …, that inversion of Poisson(`lambda`)
/// compares the uniform with, each computed from the one before by the same
/// operations in the same order, up to (not including) the first `k` whose
/// probability underflows to 0, where every search stops. `lambda` must lie
/// in (0, [`POISSON_INVERSION_MAX`]].
///
/// The draw is the number of leading values ≤ u. The sequential search and
/// the tables of [`super::tables`] both read this one sequence, so their
/// draws are the same bit for bit.
#[inline]
pub(super) fn poisson_cdf(lambda: f64) -> impl Iterator<Item = f64> {
    let mut p = (-lambda).exp();
    let mut cdf = p;
    let mut k = 0u64;
    std::iter::from_fn(move || {
        if p <= 0.0 {
            return None;
        }
        let this = cdf;
        k += 1;
        p *= lambda * reciprocal(k);
        cdf += p;
        Some(this)
    })
}

/// The values `P(X ≤ k)`, k = 0 … n − 1, that inversion of Binomial(`n`, `p`)
/// compares the uniform with (the draw is the number of leading values ≤ u),
/// or `None` where the search cannot start from a representable `P(X = 0)`
/// and statrs draws instead. `n` ≥ 1 and `p` in (0, 1).
#[inline]
pub(super) fn binomial_cdf(n: u64, p: f64) -> Option<impl Iterator<Item = f64>> {
    let q = 1.0 - p;
    let p0 = if n <= BINOMIAL_INVERSION_MAX_N {
        q.powi(n as i32)
    } else {
        0.0
    };
    if p0 <= BINOMIAL_INVERSION_MIN_P0 {
        return None;
    }
    let ratio = p / q;
    let (mut pk, mut cdf, mut k) = (p0, p0, 0u64);
    Some(std::iter::from_fn(move || {
        if k >= n {
            return None;
        }
        let this = cdf;
        pk *= ratio * (n - k) as f64 * reciprocal(k + 1);
        k += 1;
        cdf += pk;
        Some(this)
    }))
}

/// A draw from Poisson(`lambda`), `lambda` finite and ≥ 0: one word. (The
/// day step takes its word first and calls [`poisson_at`] or a table.)
#[cfg(test)]
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    poisson_at(word(rng), lambda)
}

/// [`poisson`] at word `w`.
#[inline]
pub(super) fn poisson_at(w: u64, lambda: f64) -> u64 {
    let u = uniform(w);
    if lambda <= 0.0 {
        return 0;
    }
    if lambda <= POISSON_INVERSION_MAX {
        return poisson_cdf(lambda).take_while(|&c| u >= c).count() as u64;
    }
    poisson_statrs(w, lambda)
}

/// Poisson(`lambda`) by statrs, seeded by the one word `w`: large means.
#[cold]
#[inline(never)]
fn poisson_statrs(w: u64, lambda: f64) -> u64 {
    match Poisson::new(lambda) {
        Ok(d) => d.sample(&mut ChaCha8Rng::seed_from_u64(w)),
        Err(_) => unreachable!("λ = {lambda} was checked to be finite and > 0"),
    }
}

/// A draw from Binomial(`n`, `p`), `p` in [0, 1]: one word. (The day step
/// takes its word first and calls [`binomial_at`] or a table.)
#[cfg(test)]
pub fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    binomial_at(word(rng), n, p)
}

/// [`binomial`] at word `w`.
#[inline]
pub(super) fn binomial_at(w: u64, n: u64, p: f64) -> u64 {
    let u = uniform(w);
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    match binomial_cdf(n, p) {
        Some(cdf) => cdf.take_while(|&c| u >= c).count() as u64,
        None => binomial_statrs(w, n, p),
    }
}

/// Binomial(`n`, `p`) by statrs, seeded by the one word `w`: many trials or
/// an underflowing `P(X = 0)`.
#[cold]
#[inline(never)]
fn binomial_statrs(w: u64, n: u64, p: f64) -> u64 {
    match Binomial::new(p, n) {
        Ok(d) => d.sample(&mut ChaCha8Rng::seed_from_u64(w)),
        Err(_) => unreachable!("p = {p} was checked to lie in [0, 1]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ChiSquared, ContinuousCDF, DiscreteCDF};

    /// Asserts that `draws` fit a distribution with CDF `cdf` by Pearson's χ²
    /// over the cells (≤ lo), lo+1, …, hi−1, (≥ hi), at p > 1e-6.
    fn assert_fits(what: &str, draws: &[u64], cdf: impl Fn(u64) -> f64, lo: u64, hi: u64) {
        let n = draws.len() as f64;
        let cells = (hi - lo + 1) as usize;
        let mut observed = vec![0f64; cells];
        for &d in draws {
            observed[(d.clamp(lo, hi) - lo) as usize] += 1.0;
        }
        let mut prev = 0.0;
        let x2: f64 = (lo..=hi)
            .zip(&observed)
            .map(|(k, o)| {
                let c = if k == hi { 1.0 } else { cdf(k) };
                let e = n * (c - prev);
                prev = c;
                (o - e) * (o - e) / e
            })
            .sum();
        let critical = ChiSquared::new((cells - 1) as f64)
            .unwrap()
            .inverse_cdf(1.0 - 1e-6);
        assert!(x2 < critical, "{what}: χ² = {x2:.1} ≥ {critical:.1}");
    }

    /// Cells covering mean ± 4 standard deviations.
    fn cells(mean: f64, sd: f64, max: u64) -> (u64, u64) {
        let lo = (mean - 4.0 * sd).max(0.0) as u64;
        let hi = ((mean + 4.0 * sd).ceil() as u64).clamp(lo + 2, max.max(lo + 2));
        (lo, hi)
    }

    #[test]
    fn poisson_draws_fit_the_distribution() {
        for lambda in [0.3, 4.5, 25.0, 63.9, 80.0] {
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let draws: Vec<u64> = (0..200_000).map(|_| poisson(&mut rng, lambda)).collect();
            let d = Poisson::new(lambda).unwrap();
            let (lo, hi) = cells(lambda, lambda.sqrt(), u64::MAX);
            assert_fits(&format!("Poisson({lambda})"), &draws, |k| d.cdf(k), lo, hi);
        }
    }

    #[test]
    fn binomial_draws_fit_the_distribution() {
        for (n, p) in [(3, 0.5), (20, 0.1), (40, 0.9), (5000, 0.3)] {
            let mut rng = ChaCha8Rng::seed_from_u64(4);
            let draws: Vec<u64> = (0..200_000).map(|_| binomial(&mut rng, n, p)).collect();
            let d = Binomial::new(p, n).unwrap();
            let mean = n as f64 * p;
            let (lo, hi) = cells(mean, (mean * (1.0 - p)).sqrt(), n);
            assert_fits(&format!("Binomial({n}, {p})"), &draws, |k| d.cdf(k), lo, hi);
        }
    }

    #[test]
    fn thresholds_decide_exactly_what_the_uniform_decides() {
        let mut rng = ChaCha8Rng::seed_from_u64(53);
        let special = [0.0, -0.0, 1.0, 0.5, 1e-300, 5e-324, 1.0 + f64::EPSILON];
        let random = (0..20_000).map(|_| uniform(rng.next_u64()) * 1.000_001);
        for c in special.into_iter().chain(random) {
            let t = threshold(c);
            let top = mantissa(u64::MAX);
            for m in [t.saturating_sub(1), t, t.saturating_add(1), 0, top] {
                let m = m.min(top);
                let w = m << 11 | (m & 0x7ff);
                assert_eq!(uniform(w) >= c, mantissa(w) >= t, "c = {c:e}, m = {m}");
            }
        }
        for (c, t) in [
            (f64::INFINITY, u64::MAX),
            (f64::NAN, u64::MAX),
            (f64::NEG_INFINITY, 0),
        ] {
            assert_eq!(threshold(c), t, "c = {c}");
        }
    }

    #[test]
    fn every_draw_uses_exactly_one_word() {
        let mut a = ChaCha8Rng::seed_from_u64(1);
        let mut b = ChaCha8Rng::seed_from_u64(1);
        for lambda in [0.0, 0.5, 10.0, 1000.0] {
            poisson(&mut a, lambda);
            b.next_u64();
            assert_eq!(a.get_word_pos(), b.get_word_pos(), "λ = {lambda}");
        }
        for (n, p) in [(0, 0.5), (10, 0.0), (10, 1.0), (10, 0.3), (100_000, 0.5)] {
            binomial(&mut a, n, p);
            b.next_u64();
            assert_eq!(a.get_word_pos(), b.get_word_pos(), "n = {n}, p = {p}");
        }
    }

    #[test]
    fn inversion_is_monotone_in_the_mean() {
        // The same word never gives fewer events at a higher rate.
        for seed in 0..200 {
            let draw = |lambda| poisson(&mut ChaCha8Rng::seed_from_u64(seed), lambda);
            assert!(draw(2.0) <= draw(2.5));
            let draw = |p| binomial(&mut ChaCha8Rng::seed_from_u64(seed), 12, p);
            assert!(draw(0.2) <= draw(0.3));
        }
    }
}
