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
//! Where inversion by sequential search from 0 would be slow or inaccurate
//! (large means, or a first probability that underflows), the search starts
//! instead near the quantile (a Cornish–Fisher guess from the normal
//! quantile), reads statrs' distribution function there and steps by the
//! ratio of neighbouring terms: still inversion, so every draw is monotone in
//! its rate over the whole range and common random numbers hold at every
//! rate. [`STREAM_VERSION`] names this use of the streams.

use statrs::distribution::{Binomial, ContinuousCDF, Discrete, DiscreteCDF, Normal, Poisson};

/// The version of the way draws are made from the streams, recorded in
/// every manifest and checkpoint: results of different versions differ, so
/// `merge` and `--resume` refuse to mix them. Version 2: counts invert at
/// every mean and number of trials (version 1 drew large ones with statrs'
/// samplers seeded by the word, which broke monotonicity in the rate).
pub const STREAM_VERSION: &str = "2";

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
pub(super) const GUIDE_BITS: u32 = 8;

/// `⌊2^GUIDE_BITS · u⌋` for the uniform `u` of word `w` ([`uniform`]): its
/// top bits, exactly, since `u` is the top 53 bits over 2⁵³.
#[inline(always)]
pub(super) fn guide_bin(w: u64) -> usize {
    (w >> (64 - GUIDE_BITS)) as usize
}

/// A draw that succeeds with probability `p`, at word `w`.
#[inline]
pub(crate) fn bernoulli(w: u64, p: f64) -> bool {
    uniform(w) < p
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
        (p, cdf) = poisson_next(p, cdf, lambda, k);
        Some(this)
    })
}

/// From the term `p` of `k − 1` and the value `cdf = P(X ≤ k − 1)` of
/// Poisson(`lambda`), the term and the value of `k`: the one recurrence of
/// [`poisson_cdf`] and of [`poisson_bracketed`], whose values must be made
/// by the same operations in the same order.
#[inline(always)]
fn poisson_next(p: f64, cdf: f64, lambda: f64, k: u64) -> (f64, f64) {
    let p = p * (lambda * reciprocal(k));
    (p, cdf + p)
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
pub(crate) fn poisson<R: rand::Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    poisson_at(rng.next_u64(), lambda)
}

/// [`poisson`] at word `w`.
#[inline]
pub(super) fn poisson_at(w: u64, lambda: f64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda <= POISSON_INVERSION_MAX {
        return match poisson_bracketed(uniform(w), lambda) {
            Some(k) => k,
            None => poisson_search(w, lambda),
        };
    }
    poisson_from_quantile(uniform(w), lambda)
}

/// The sequential search itself: the number of values of [`poisson_cdf`]
/// that are ≤ the uniform of `w`.
#[cold]
#[inline(never)]
pub(super) fn poisson_search(w: u64, lambda: f64) -> u64 {
    let u = uniform(w);
    poisson_cdf(lambda).take_while(|&c| u >= c).count() as u64
}

/// Largest relative error of [`exp_neg`]: its polynomial's remainder is
/// below 6·10⁻¹⁰, and its rounding errors are some 10⁻¹⁵ (a test checks it
/// against the C library's `exp`).
const EXP_NEG_ERROR: f64 = 1e-9;

/// How far (relative) the uniform must lie from the two values around it
/// for [`poisson_bracketed`] to be sure of its draw: some 900 times the
/// largest difference between the values of the approximate and the exact
/// sequence ([`EXP_NEG_ERROR`], plus 2⁻⁵² for each rounding in up to 2,000
/// steps, about 4.4·10⁻¹³).
const BRACKET_MARGIN: f64 = 1.0 / (1u64 << 20) as f64;

// The margin covers the approximation's error some thousand times over.
const _: () = assert!(900.0 * EXP_NEG_ERROR < BRACKET_MARGIN);

/// The smallest term [`poisson_bracketed`] trusts: far above the subnormal
/// numbers, where roundings are no longer relative.
const BRACKET_MIN_TERM: f64 = 1e-280;

/// `2^(−j/32)`, j = 0 … 31, for [`exp_neg`]: Taylor series of `e^y` at
/// `y = −j·ln 2/32` to 30 terms, evaluated when the crate is compiled
/// (remainder below 10⁻³⁰; rounding some 10⁻¹⁶).
const EXP2_NEG_32NDS: [f64; 32] = {
    let mut table = [0.0; 32];
    let mut j = 0;
    while j < 32 {
        let y = -(j as f64) * std::f64::consts::LN_2 / 32.0;
        let (mut term, mut sum, mut i) = (1.0, 1.0, 1);
        while i < 30 {
            term = term * y / i as f64;
            sum += term;
            i += 1;
        }
        table[j] = sum;
        j += 1;
    }
    table
};

/// `e^−λ` for λ in (0, [`POISSON_INVERSION_MAX`]], within a relative
/// [`EXP_NEG_ERROR`], in a few operations and without a call into the C
/// library. With `t = 32·λ·log₂e` and `n = 32i + j` the integer nearest
/// `t`, `e^−λ = 2^−i · 2^(−j/32) · e^x` with `x = (n − t)·ln 2/32`, `|x| ≤
/// ln 2/64`, and `e^x` by its Taylor polynomial of degree 3 (remainder below
/// `x⁴/24·e^|x| < 6·10⁻¹⁰`).
#[inline(always)]
fn exp_neg(lambda: f64) -> f64 {
    // Adding 1.5·2⁵² rounds a number in [0, 2⁵¹) to the nearest integer,
    // which the sum's low bits then hold.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let t = lambda * (32.0 * std::f64::consts::LOG2_E);
    let shifted = t + ROUND;
    let n = shifted.to_bits() & 0xffff;
    let x = ((shifted - ROUND) - t) * (std::f64::consts::LN_2 / 32.0);
    let poly = (1.0 + x) + x * x * (0.5 + x * (1.0 / 6.0));
    // 2^−i for i ≤ 93: a normal number, built exactly from its exponent.
    let scale = f64::from_bits((1023 - (n >> 5)) << 52);
    EXP2_NEG_32NDS[(n & 31) as usize] * poly * scale
}

/// How many values [`poisson_bracketed`] computes and counts without a
/// branch at the least mean: 6 paid 10 % over 4 on three-party-60 (means of
/// 1 to 3), and 8 paid less than 6.
const FIRST: usize = 6;

/// Values [`poisson_bracketed`] adds without a branch for each step of
/// [`extra_chunks`].
const CHUNK: usize = 4;

/// The most chunks [`extra_chunks`] asks for (means up to about 11); a
/// draw beyond them steps on in a loop.
const MAX_CHUNKS: usize = 4;

/// How many chunks of [`CHUNK`] values [`poisson_bracketed`] computes
/// beyond the first [`FIRST`] at mean `lambda`: about `1.5·λ + 3` values in
/// all, beyond which the draw lies at most about 5 % of the time for
/// means up to the cap (about 11; more often above it), so that the search
/// seldom goes on in a loop whose exit is as random as the draw. The number
/// depends only on λ, which changes slowly from day to day, so the loop
/// over the chunks is well predicted.
#[inline(always)]
fn extra_chunks(lambda: f64) -> usize {
    // `as` truncates (and saturates: λ is positive and finite here).
    let wanted = (1.5 * lambda) as usize + 3;
    wanted.saturating_sub(FIRST).div_ceil(CHUNK).min(MAX_CHUNKS)
}

/// The draw of Poisson(`lambda`) at uniform `u` without the exact `e^−λ`:
/// the same search on values computed from [`exp_neg`] by the same
/// operations, which differ from [`poisson_cdf`]'s by a relative 10⁻⁹ at
/// most. Where `u` lies clear of both values around it by
/// [`BRACKET_MARGIN`], the exact values bracket it the same way, so the
/// count is the exact search's (the values never decrease). Otherwise, or
/// deep in the tail, `None`: the exact search decides (at most about 2
/// draws in a million: `u` falls within the margin of a value).
#[inline(always)]
fn poisson_bracketed(u: f64, lambda: f64) -> Option<u64> {
    // The first values, as many as λ calls for, and how many are ≤ u,
    // without a branch on u: the count is as random as the draw, and a
    // loop exit would mispredict. `values[j]` is the value of j − 1.
    let mut values = [0.0; FIRST + CHUNK * MAX_CHUNKS + 1];
    let mut p = exp_neg(lambda);
    let mut cdf = p;
    values[1] = cdf;
    let mut count = u64::from(u >= cdf);
    let mut k = 0;
    // `p`, `cdf` and `k` are passed rather than captured, and kept out of
    // any struct: written as a struct with a step method over the same
    // array, LLVM kept the state in memory, and the draw ran 0.76× as fast
    // on Geneva and 0.90× on three-party-60 (docs/performance.md, stop 25).
    let mut next = |p: &mut f64, cdf: &mut f64, k: &mut usize| {
        *k += 1;
        (*p, *cdf) = poisson_next(*p, *cdf, lambda, *k as u64);
        values[*k + 1] = *cdf;
        count += u64::from(u >= *cdf);
    };
    for _ in 1..FIRST {
        next(&mut p, &mut cdf, &mut k);
    }
    for _ in 0..extra_chunks(lambda) {
        for _ in 0..CHUNK {
            next(&mut p, &mut cdf, &mut k);
        }
    }
    // The terms rise and then fall, so none of those terms lies below
    // both the first (at least e^−64) and the last of them.
    if p < BRACKET_MIN_TERM {
        return None;
    }
    let (mut k, mut below) = (k as u64, values[count as usize]);
    if count <= k {
        cdf = values[count as usize + 1];
        k = count;
    } else {
        // Beyond the last of them (at most about one draw in twenty below
        // the cap): step on from it.
        while u >= cdf {
            k += 1;
            below = cdf;
            (p, cdf) = poisson_next(p, cdf, lambda, k);
            if p < BRACKET_MIN_TERM || k >= 2000 {
                return None;
            }
        }
    }
    let clear = u < cdf * (1.0 - BRACKET_MARGIN) && u >= below * (1.0 + BRACKET_MARGIN);
    clear.then_some(k)
}

/// A first guess at the `u`-quantile of a distribution of mean `mean`,
/// standard deviation `sd` and skewness `skew` (Cornish–Fisher), clamped to
/// `[0, max]`.
fn quantile_guess(u: f64, mean: f64, sd: f64, skew: f64, max: f64) -> u64 {
    let z = Normal::standard().inverse_cdf(u.max(f64::MIN_POSITIVE));
    let guess = mean + sd * (z + skew * (z * z - 1.0) / 6.0);
    guess.clamp(0.0, max).floor() as u64
}

/// Inversion from a guess: the least `k` with `P(X ≤ k) > u`, starting at
/// `k`, where `cdf` and `pmf` are `P(X ≤ k)` and `P(X = k)`, `up(k, p)` is the
/// term of `k + 1` from that of `k` and `down(k, p)` the term of `k − 1` from
/// that of `k`; the search ends at `max` or where the terms underflow.
fn invert_from(
    u: f64,
    mut k: u64,
    max: u64,
    (mut cdf, mut pk): (f64, f64),
    up: impl Fn(u64, f64) -> f64,
    down: impl Fn(u64, f64) -> f64,
) -> u64 {
    if cdf <= u {
        while k < max {
            pk = up(k, pk);
            k += 1;
            cdf += pk;
            if cdf > u || pk <= f64::MIN_POSITIVE {
                break;
            }
        }
        return k;
    }
    while k > 0 {
        let below = cdf - pk;
        if below <= u {
            break;
        }
        pk = down(k, pk);
        k -= 1;
        cdf = below;
    }
    k
}

/// Poisson(`lambda`) by inversion at `u` from near its quantile: large means.
#[cold]
#[inline(never)]
fn poisson_from_quantile(u: f64, lambda: f64) -> u64 {
    let Ok(d) = Poisson::new(lambda) else {
        unreachable!("λ = {lambda} was checked to be finite and > 0")
    };
    let sd = lambda.sqrt();
    let k = quantile_guess(u, lambda, sd, 1.0 / sd, u64::MAX as f64);
    invert_from(
        u,
        k,
        u64::MAX,
        (d.cdf(k), d.pmf(k)),
        |k, p| p * lambda / (k + 1) as f64,
        |k, p| p * k as f64 / lambda,
    )
}

/// A draw from Binomial(`n`, `p`), `p` in [0, 1]: one word. (The day step
/// takes its word first and calls [`binomial_at`] or a table.)
#[cfg(test)]
pub(crate) fn binomial<R: rand::Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    binomial_at(rng.next_u64(), n, p)
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
        None => binomial_from_quantile(u, n, p),
    }
}

/// Binomial(`n`, `p`) by inversion at `u` from near its quantile: many
/// trials, or an underflowing `P(X = 0)`.
#[cold]
#[inline(never)]
fn binomial_from_quantile(u: f64, n: u64, p: f64) -> u64 {
    let Ok(d) = Binomial::new(p, n) else {
        unreachable!("p = {p} was checked to lie in (0, 1)")
    };
    let q = 1.0 - p;
    let (mean, sd) = (n as f64 * p, (n as f64 * p * q).sqrt());
    let k = quantile_guess(u, mean, sd, (q - p) / sd, n as f64);
    let ratio = p / q;
    invert_from(
        u,
        k,
        n,
        (d.cdf(k), d.pmf(k)),
        |k, pk| pk * ratio * (n - k) as f64 / (k + 1) as f64,
        |k, pk| pk / ratio * k as f64 / (n - k + 1) as f64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
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
        for lambda in [0.3, 4.5, 25.0, 63.9, 80.0, 1500.0] {
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let draws: Vec<u64> = (0..200_000).map(|_| poisson(&mut rng, lambda)).collect();
            let d = Poisson::new(lambda).unwrap();
            let (lo, hi) = cells(lambda, lambda.sqrt(), u64::MAX);
            assert_fits(&format!("Poisson({lambda})"), &draws, |k| d.cdf(k), lo, hi);
        }
    }

    #[test]
    fn binomial_draws_fit_the_distribution() {
        for (n, p) in [(3, 0.5), (20, 0.1), (40, 0.9), (5000, 0.3), (3000, 1e-3)] {
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
    fn exp_neg_is_within_its_error_of_the_c_library() {
        let mut rng = ChaCha8Rng::seed_from_u64(16);
        let edges = [
            1e-300,
            1e-12,
            0.5 * std::f64::consts::LN_2,
            1.0,
            63.999,
            64.0,
        ];
        let random = (0..200_000).map(|_| POISSON_INVERSION_MAX * (1.0 - uniform(rng.next_u64())));
        for lambda in edges.into_iter().chain(random) {
            let exact = (-lambda).exp();
            let error = (exp_neg(lambda) / exact - 1.0).abs();
            assert!(
                error <= EXP_NEG_ERROR,
                "λ = {lambda}: relative error {error:e}"
            );
        }
    }

    #[test]
    fn bracketed_draws_are_the_exact_search() {
        // Random means and words, and for each mean the words just at and
        // just below every value of the exact sequence, where only the
        // exact values decide.
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        let (mut random, mut decided, mut undecided_at_values) = (0u64, 0u64, 0u64);
        for i in 0..3000 {
            let lambda = match i {
                0 => 1e-300,
                1 => POISSON_INVERSION_MAX,
                _ => POISSON_INVERSION_MAX * (1.0 - uniform(rng.next_u64())).powi(3),
            };
            let at_values: Vec<u64> = poisson_cdf(lambda)
                .map(threshold)
                .filter(|&t| t <= mantissa(u64::MAX))
                .flat_map(|t| [t << 11, t.saturating_sub(1) << 11 | 0x7ff])
                .collect();
            let words: Vec<u64> = (0..100).map(|_| rng.next_u64()).collect();
            for (at_value, w) in at_values
                .iter()
                .map(|&w| (true, w))
                .chain(words.iter().map(|&w| (false, w)))
            {
                assert_eq!(
                    poisson_at(w, lambda),
                    poisson_search(w, lambda),
                    "λ = {lambda}, w = {w}"
                );
                let sure = poisson_bracketed(uniform(w), lambda).is_some();
                if at_value {
                    undecided_at_values += u64::from(!sure);
                } else {
                    random += 1;
                    decided += u64::from(sure);
                }
            }
        }
        // Nearly every random word is decided without the exact values (all
        // but those of λ = 1e-300, whose second term is below the least
        // trusted); words at the values often are not, and the exact search
        // decides.
        assert!(decided >= random - 200, "{decided} of {random}");
        assert!(undecided_at_values > 10_000, "{undecided_at_values}");
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

    /// The inversion from near the quantile is the inversion from 0 where
    /// both apply (up to the rounding of the two sums, which a uniform
    /// almost never falls between).
    #[test]
    fn inversion_from_the_quantile_is_the_sequential_search() {
        let mut rng = ChaCha8Rng::seed_from_u64(12);
        for lambda in [0.7, 9.0, 40.0, 63.5] {
            for _ in 0..5_000 {
                let w = rng.next_u64();
                assert_eq!(
                    poisson_from_quantile(uniform(w), lambda),
                    poisson_search(w, lambda),
                    "Poisson({lambda}) at word {w}"
                );
            }
        }
        for (n, p) in [(10, 0.3), (400, 0.02), (4000, 0.05)] {
            for _ in 0..5_000 {
                let u = uniform(rng.next_u64());
                let search = binomial_cdf(n, p).unwrap().take_while(|&c| u >= c).count() as u64;
                assert_eq!(
                    binomial_from_quantile(u, n, p),
                    search,
                    "Binomial({n}, {p}) at {u}"
                );
            }
        }
    }

    proptest::proptest! {
        /// From the same word, a higher mean never draws fewer attacks, on
        /// both sides of the former switch to statrs' sampler at 64.
        #[test]
        fn poisson_draws_are_monotone_in_the_mean(
            w in proptest::num::u64::ANY,
            a in 0.0f64..400.0,
            b in 0.0f64..400.0,
        ) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            proptest::prop_assert!(poisson_at(w, lo) <= poisson_at(w, hi));
        }

        /// From the same word, a higher probability never draws fewer
        /// successes, below and above the former switch at 4,096 trials.
        #[test]
        fn binomial_draws_are_monotone_in_the_probability(
            w in proptest::num::u64::ANY,
            n in 1u64..20_000,
            a in 0.0f64..=1.0,
            b in 0.0f64..=1.0,
        ) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            proptest::prop_assert!(binomial_at(w, n, lo) <= binomial_at(w, n, hi));
        }
    }
}
