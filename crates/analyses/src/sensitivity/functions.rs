//! Analytic test functions whose sensitivity indices are known in closed
//! form: the yardsticks on which the estimators are checked with no Monte
//! Carlo noise at all.

use std::f64::consts::PI;

use super::Bounds;

/// The Ishigami function `sin x1 + a sin² x2 + b x3⁴ sin x1` on
/// `[−π, π]³` (Ishigami & Homma 1990), the standard test of variance-based
/// indices: x1 acts alone and with x3, x2 alone, x3 only through x1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ishigami {
    /// Weight of `sin² x2` (7 in the literature and in SALib).
    pub a: f64,
    /// Weight of `x3⁴ sin x1` (0.1 in the literature and in SALib).
    pub b: f64,
}

impl Default for Ishigami {
    /// a = 7, b = 0.1.
    fn default() -> Self {
        Ishigami { a: 7.0, b: 0.1 }
    }
}

impl Ishigami {
    /// The three ranges, each `[−π, π]`.
    pub fn bounds(&self) -> [Bounds; 3] {
        [Bounds { lo: -PI, hi: PI }; 3]
    }

    /// The function at `x` (three values).
    pub fn eval(&self, x: &[f64]) -> f64 {
        x[0].sin() + self.a * x[1].sin().powi(2) + self.b * x[2].powi(4) * x[0].sin()
    }

    /// The variance: a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2.
    pub fn variance(&self) -> f64 {
        let (a, b) = (self.a, self.b);
        a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5
    }

    /// The variance of x1 and x3's interaction: 8b²π⁸/225.
    fn v13(&self) -> f64 {
        8.0 * self.b * self.b * PI.powi(8) / 225.0
    }

    /// First-order indices (0.314, 0.442, 0 for a = 7, b = 0.1).
    pub fn first_order(&self) -> [f64; 3] {
        let v1 = 0.5 * (1.0 + self.b * PI.powi(4) / 5.0).powi(2);
        let v2 = self.a * self.a / 8.0;
        [v1, v2, 0.0].map(|v| v / self.variance())
    }

    /// Total indices (0.558, 0.442, 0.244 for a = 7, b = 0.1).
    pub fn total_order(&self) -> [f64; 3] {
        let [s1, s2, _] = self.first_order();
        let s13 = self.v13() / self.variance();
        [s1 + s13, s2, s13]
    }

    /// Second-order index of parameters `j < k` (zero-based): only x1 and
    /// x3 interact.
    pub fn second_order(&self, j: usize, k: usize) -> f64 {
        if (j, k) == (0, 2) {
            self.v13() / self.variance()
        } else {
            0.0
        }
    }
}

/// A linear function `Σ c_j x_j` of independent uniform parameters, whose
/// first-order and total indices are equal:
/// `c_j² w_j² / Σ_k c_k² w_k²`, with `w_j` the width of range j.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    coefficients: Vec<f64>,
    bounds: Vec<Bounds>,
}

impl Linear {
    /// The function with these coefficients over these ranges.
    ///
    /// # Panics
    /// If the two lists differ in length or every coefficient is 0 (the
    /// indices are then undefined): a test function is built by tests.
    pub fn new(coefficients: Vec<f64>, bounds: Vec<Bounds>) -> Self {
        assert_eq!(
            coefficients.len(),
            bounds.len(),
            "one coefficient per range"
        );
        assert!(
            coefficients.iter().any(|c| *c != 0.0),
            "a non-constant function"
        );
        Linear {
            coefficients,
            bounds,
        }
    }

    /// The ranges.
    pub fn bounds(&self) -> &[Bounds] {
        &self.bounds
    }

    /// The function at `x`.
    pub fn eval(&self, x: &[f64]) -> f64 {
        self.coefficients.iter().zip(x).map(|(c, x)| c * x).sum()
    }

    /// Each parameter's first-order (and total) index.
    pub fn indices(&self) -> Vec<f64> {
        let parts: Vec<f64> = self
            .coefficients
            .iter()
            .zip(&self.bounds)
            .map(|(c, b)| (c * (b.hi - b.lo)).powi(2))
            .collect();
        let total: f64 = parts.iter().sum();
        parts.iter().map(|p| p / total).collect()
    }

    /// Each parameter's Morris elementary effect on the unit grid, as SALib
    /// defines it (the change of the output over a step of Δ of the unit
    /// range, divided by Δ): `c_j · (hi_j − lo_j)`, the same for every
    /// trajectory.
    pub fn elementary_effects(&self) -> Vec<f64> {
        self.coefficients
            .iter()
            .zip(&self.bounds)
            .map(|(c, b)| c * (b.hi - b.lo))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ishigami_indices_are_the_published_ones() {
        let f = Ishigami::default();
        let round = |x: [f64; 3]| x.map(|v| (v * 1000.0).round() / 1000.0);
        assert_eq!(round(f.first_order()), [0.314, 0.442, 0.0]);
        assert_eq!(round(f.total_order()), [0.558, 0.442, 0.244]);
        assert_eq!((f.second_order(0, 2) * 1000.0).round(), 244.0);
    }

    #[test]
    fn linear_indices_add_up_to_one() {
        let b = Bounds::new(0.0, 2.0).unwrap();
        let f = Linear::new(vec![1.0, 2.0, 0.0], vec![b; 3]);
        assert_eq!(f.indices(), vec![0.2, 0.8, 0.0]);
        assert_eq!(f.eval(&[1.0, 1.0, 5.0]), 3.0);
    }
}
