//! Thin wrappers over statrs' samplers with the degenerate cases handled
//! without drawing, so that a parameter of 0 (or a detection of 1) costs
//! nothing and consumes no random numbers.

use rand::Rng;
use rand::distr::Distribution;
use statrs::distribution::{Binomial, Poisson};

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
    match Binomial::new(p, n) {
        Ok(d) => d.sample(rng),
        Err(_) => unreachable!("p = {p} was checked to lie in [0, 1]"),
    }
}
