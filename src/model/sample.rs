//! Thin wrappers over the samplers of statrs and rand, with the degenerate
//! cases handled without drawing, so that a parameter of 0 (or a detection of
//! 1) costs nothing and consumes no random numbers.

use rand::Rng;
use rand::distr::{Bernoulli, Distribution};
use statrs::distribution::{Binomial, Poisson};

/// Up to this many trials, a binomial draw is made trial by trial: at the
/// small counts a day produces, `n` Bernoulli draws (one 64-bit word and an
/// integer comparison each) are several times cheaper than statrs' BINV
/// inversion, which needs a logarithm and an exponential per draw. Both give
/// exactly Binomial(n, p).
const TRIAL_BY_TRIAL_MAX: u64 = 16;

/// A draw from Poisson(`lambda`); `lambda` must be finite and ≥ 0.
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    if lambda <= 0.0 {
        return 0;
    }
    match Poisson::new(lambda) {
        Ok(d) => d.sample(rng),
        Err(_) => unreachable!("λ = {lambda} was checked to be finite and > 0"),
    }
}

/// A draw from Binomial(`n`, `p`); `p` must lie in [0, 1].
pub fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if n <= TRIAL_BY_TRIAL_MAX {
        let Ok(trial) = Bernoulli::new(p) else {
            unreachable!("p = {p} was checked to lie in [0, 1]")
        };
        return (0..n).map(|_| u64::from(trial.sample(rng))).sum();
    }
    match Binomial::new(p, n) {
        Ok(d) => d.sample(rng),
        Err(_) => unreachable!("p = {p} was checked to lie in [0, 1]"),
    }
}

/// Splits `n` events into `(major, minor)`, each major with probability `s`.
pub fn split<R: Rng + ?Sized>(rng: &mut R, n: u64, s: f64) -> (u64, u64) {
    let major = binomial(rng, n, s);
    (major, n - major)
}
