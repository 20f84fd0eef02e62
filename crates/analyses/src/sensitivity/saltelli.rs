//! Saltelli's design and the variance-based (Sobol') indices, as SALib 1.6
//! samples and analyses them (`SALib.sample.sobol`, `SALib.analyze.sobol`).
//!
//! The base samples are the first N points of a 2D-dimensional
//! Owen-scrambled Sobol' sequence (Burley's hash-based scrambling, from the
//! `sobol_burley` crate; SALib uses scipy's LMS+shift scrambling, so the
//! points differ but both are randomised quasi-Monte Carlo nets). Column
//! halves give the matrices A and B, and the design rows come in SALib's
//! order: for every base sample, A, then AB_1 … AB_D (A with column j taken
//! from B), then BA_1 … BA_D with second order (B with column j from A),
//! then B. The estimators are Saltelli (2010) for first order, Jansen for
//! total order and Saltelli (2002) for second order, applied after SALib's
//! standardisation of the outputs and with its variance over the A and B
//! rows, so the point estimates equal SALib's to rounding.

use rand::RngExt;

use crate::engine::streams::labelled_rng;

use super::{BootstrapEstimate, Bounds, SensitivityError, mean, sample_sd, variance};

/// Most base samples: the scrambled sequence has 2^16 points per seed.
#[doc(hidden)]
pub const MAX_SAMPLES: usize = 1 << 16;

/// Most parameters: the sequence has 256 dimensions, two per parameter.
#[doc(hidden)]
pub const MAX_PARAMETERS: usize = 128;

/// Label of the scrambling seed's stream.
const SCRAMBLE_LABEL: &[u8; 16] = b"ceasefire/sobol1";

/// Label of the bootstrap stream of the Sobol' analysis.
const BOOTSTRAP_LABEL: &[u8; 16] = b"ceasefire/sboot1";

/// Rows of a Saltelli design per base sample: D + 2, or 2D + 2 with second
/// order.
#[doc(hidden)]
pub fn rows_per_sample(parameters: usize, second_order: bool) -> usize {
    if second_order {
        2 * parameters + 2
    } else {
        parameters + 2
    }
}

/// The smallest power of two ≥ `n` (at least 2): the base sample count a
/// request of `n` is rounded up to.
#[doc(hidden)]
pub fn round_up_samples(n: usize) -> usize {
    n.max(2).next_power_of_two()
}

/// Saltelli's design of `n` base samples (a power of two from 2 to
/// `MAX_SAMPLES`) over `bounds`: `n · (D + 2)` rows, or `n · (2D + 2)`
/// with `second_order`, in SALib's row order. `seed` chooses the
/// scrambling.
pub fn saltelli_design(
    bounds: &[Bounds],
    n: usize,
    second_order: bool,
    seed: u64,
) -> Result<Vec<Vec<f64>>, SensitivityError> {
    let d = bounds.len();
    if d == 0 || d > MAX_PARAMETERS {
        return Err(SensitivityError::Parameters(d));
    }
    if !(2..=MAX_SAMPLES).contains(&n) || !n.is_power_of_two() {
        return Err(SensitivityError::Samples(n));
    }
    let scramble = labelled_rng(seed, SCRAMBLE_LABEL).random::<u32>();
    let mut rows = Vec::with_capacity(n * rows_per_sample(d, second_order));
    for i in 0..n {
        // `n` ≤ 2^16 and 2d ≤ 256 were checked above.
        let u = |dim: usize| f64::from(sobol_burley::sample(i as u32, dim as u32, scramble));
        let a: Vec<f64> = (0..d).map(u).collect();
        let b: Vec<f64> = (d..2 * d).map(u).collect();
        let mix = |base: &[f64], other: &[f64], k: usize| -> Vec<f64> {
            (0..d)
                .map(|j| if j == k { other[j] } else { base[j] })
                .collect()
        };
        rows.push(a.clone());
        rows.extend((0..d).map(|k| mix(&a, &b, k)));
        if second_order {
            rows.extend((0..d).map(|k| mix(&b, &a, k)));
        }
        rows.push(b);
    }
    for row in &mut rows {
        for (x, b) in row.iter_mut().zip(bounds) {
            *x = b.scale(*x);
        }
    }
    Ok(rows)
}

/// The Sobol' indices of every parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// First-order index of each parameter (Saltelli 2010).
    #[doc(hidden)]
    pub s1: Vec<BootstrapEstimate>,
    /// Total index of each parameter (Jansen).
    #[doc(hidden)]
    pub st: Vec<BootstrapEstimate>,
    /// Second-order index of each pair `(j, k, index)` with `j < k`, in
    /// SALib's order, when the design has second order.
    #[doc(hidden)]
    pub s2: Vec<(usize, usize, BootstrapEstimate)>,
}

/// The outputs of a design split as SALib's `separate_output_values` does.
struct Split {
    a: Vec<f64>,
    b: Vec<f64>,
    ab: Vec<Vec<f64>>,
    ba: Vec<Vec<f64>>,
}

/// One resample (or the sample itself): the rows used, and the variance of
/// the A and B outputs at them, or `None` when SALib's guards set the
/// indices to 0 (outputs constant to within machine epsilon).
struct Draw<'a> {
    rows: &'a [usize],
    var: Option<f64>,
}

impl Split {
    fn draw<'a>(&self, rows: &'a [usize]) -> Draw<'a> {
        let y: Vec<f64> = rows
            .iter()
            .map(|&i| self.a[i])
            .chain(rows.iter().map(|&i| self.b[i]))
            .collect();
        let (lo, hi) = y
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        let var = variance(&y);
        let usable = hi - lo > f64::EPSILON && var > f64::EPSILON;
        Draw {
            rows,
            var: usable.then_some(var),
        }
    }

    /// SALib's `first_order`: mean(B·(AB_j − A)) / var.
    fn first(&self, d: &Draw, j: usize) -> f64 {
        let Some(var) = d.var else { return 0.0 };
        let terms: Vec<f64> = d
            .rows
            .iter()
            .map(|&i| self.b[i] * (self.ab[j][i] - self.a[i]))
            .collect();
        mean(&terms) / var
    }

    /// SALib's `total_order`: mean((A − AB_j)²) / 2 / var.
    fn total(&self, d: &Draw, j: usize) -> f64 {
        let Some(var) = d.var else { return 0.0 };
        let terms: Vec<f64> = d
            .rows
            .iter()
            .map(|&i| (self.a[i] - self.ab[j][i]).powi(2))
            .collect();
        0.5 * mean(&terms) / var
    }

    /// SALib's `second_order`: mean(BA_j·AB_k − A·B) / var − S1_j − S1_k.
    fn second(&self, d: &Draw, j: usize, k: usize) -> f64 {
        let Some(var) = d.var else { return 0.0 };
        let terms: Vec<f64> = d
            .rows
            .iter()
            .map(|&i| self.ba[j][i] * self.ab[k][i] - self.a[i] * self.b[i])
            .collect();
        mean(&terms) / var - self.first(d, j) - self.first(d, k)
    }
}

/// The Sobol' indices from the outputs `y` of a Saltelli design of
/// `parameters` parameters (in the design's row order), with `resamples`
/// bootstrap resamples of the base samples drawn from `seed`'s stream.
///
/// As SALib: the outputs are first standardised (mean 0, population
/// standard deviation 1; constant outputs give indices of 0), each index
/// divides by the population variance of the A and B outputs, and an
/// interval is the estimate ± z(0.975) times the standard deviation of the
/// index over the resamples.
pub fn analyze_sobol(
    y: &[f64],
    parameters: usize,
    second_order: bool,
    resamples: usize,
    seed: u64,
) -> Result<SobolIndices, SensitivityError> {
    let d = parameters;
    let step = rows_per_sample(d, second_order);
    if d == 0 || y.is_empty() || !y.len().is_multiple_of(step) {
        return Err(SensitivityError::Outputs {
            outputs: y.len(),
            rows: step,
        });
    }
    if let Some((row, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(SensitivityError::NotFinite { row, value });
    }
    let n = y.len() / step;
    let (m, sd) = (mean(y), variance(y).sqrt());
    let z: Vec<f64> = if sd > 0.0 {
        y.iter().map(|v| (v - m) / sd).collect()
    } else {
        vec![0.0; y.len()]
    };
    let column = |offset: usize| -> Vec<f64> { (0..n).map(|i| z[i * step + offset]).collect() };
    let split = Split {
        a: column(0),
        b: column(step - 1),
        ab: (0..d).map(|j| column(1 + j)).collect(),
        ba: if second_order {
            (0..d).map(|j| column(1 + d + j)).collect()
        } else {
            Vec::new()
        },
    };
    let all: Vec<usize> = (0..n).collect();
    let whole = split.draw(&all);
    let mut rng = labelled_rng(seed, BOOTSTRAP_LABEL);
    let draws: Vec<Vec<usize>> = (0..resamples)
        .map(|_| (0..n).map(|_| rng.random_range(0..n)).collect())
        .collect();
    let boot: Vec<Draw> = draws.iter().map(|r| split.draw(r)).collect();
    let z = crate::numeric::z();
    let interval = |estimate: f64, f: &dyn Fn(&Draw) -> f64| -> BootstrapEstimate {
        let values: Vec<f64> = boot.iter().map(f).collect();
        // SALib reports 0 when every resampled output is the same value.
        let varies = boot.iter().any(|b| b.var.is_some());
        BootstrapEstimate {
            estimate,
            half_width: if varies { z * sample_sd(&values) } else { 0.0 },
        }
    };
    let s1 = (0..d)
        .map(|j| interval(split.first(&whole, j), &|b| split.first(b, j)))
        .collect();
    let st = (0..d)
        .map(|j| interval(split.total(&whole, j), &|b| split.total(b, j)))
        .collect();
    let mut s2 = Vec::new();
    if second_order {
        for j in 0..d {
            for k in j + 1..d {
                let e = interval(split.second(&whole, j, k), &|b| split.second(b, j, k));
                s2.push((j, k, e));
            }
        }
    }
    Ok(SobolIndices { s1, st, s2 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitivity::functions::{Ishigami, Linear};

    /// Whether `x` lies in `e`'s interval.
    fn covers(e: &BootstrapEstimate, x: f64) -> bool {
        e.low() <= x && x <= e.high()
    }

    /// N = 2^12 base samples, as the issue asks.
    const N: usize = 1 << 12;
    /// Enough resamples for intervals whose own noise is a few percent, few
    /// enough for a quick test.
    const RESAMPLES: usize = 200;

    #[test]
    fn rows_come_in_salibs_order() {
        let bounds = [
            Bounds::new(0.0, 1.0).unwrap(),
            Bounds::new(10.0, 20.0).unwrap(),
        ];
        for second in [false, true] {
            let rows = saltelli_design(&bounds, 4, second, 3).unwrap();
            let step = rows_per_sample(2, second);
            assert_eq!(rows.len(), 4 * step);
            for s in rows.chunks(step) {
                let (a, b) = (&s[0], &s[step - 1]);
                assert_eq!(s[1], vec![b[0], a[1]], "AB_1");
                assert_eq!(s[2], vec![a[0], b[1]], "AB_2");
                if second {
                    assert_eq!(s[3], vec![a[0], b[1]], "BA_1 = B with column 1 from A");
                    assert_eq!(s[4], vec![b[0], a[1]], "BA_2");
                }
                assert!((0.0..1.0).contains(&a[0]) && (10.0..20.0).contains(&a[1]));
            }
        }
    }

    #[test]
    fn the_base_samples_stratify_every_parameter() {
        // A scrambled Sobol' net: each of the N equal strata of every
        // column of A (and of B) holds exactly one base sample.
        let bounds = [Bounds::new(0.0, 1.0).unwrap(); 3];
        let rows = saltelli_design(&bounds, 64, false, 11).unwrap();
        for offset in [0, 4] {
            for j in 0..3 {
                let mut strata: Vec<usize> = rows
                    .iter()
                    .skip(offset)
                    .step_by(5)
                    .map(|r| (r[j] * 64.0) as usize)
                    .collect();
                strata.sort();
                assert_eq!(strata, (0..64).collect::<Vec<_>>(), "column {j}");
            }
        }
        assert_ne!(
            rows,
            saltelli_design(&bounds, 64, false, 12).unwrap(),
            "seeded"
        );
    }

    #[test]
    fn bad_designs_and_outputs_are_refused() {
        let b = [Bounds::new(0.0, 1.0).unwrap()];
        assert_eq!(
            saltelli_design(&b, 3, false, 0),
            Err(SensitivityError::Samples(3))
        );
        assert_eq!(
            saltelli_design(&[], 4, false, 0),
            Err(SensitivityError::Parameters(0))
        );
        assert!(Bounds::new(1.0, 1.0).is_err() && Bounds::new(0.0, f64::NAN).is_err());
        assert!(analyze_sobol(&[1.0; 7], 1, false, 10, 0).is_err());
        assert!(analyze_sobol(&[1.0, f64::NAN, 0.0], 1, false, 10, 0).is_err());
        assert_eq!(round_up_samples(1000), 1024);
        assert_eq!(round_up_samples(1024), 1024);
    }

    #[test]
    fn ishigami_indices_cover_their_true_values() {
        let f = Ishigami::default();
        for second in [false, true] {
            let rows = saltelli_design(&f.bounds(), N, second, 2026).unwrap();
            let y: Vec<f64> = rows.iter().map(|x| f.eval(x)).collect();
            let s = analyze_sobol(&y, 3, second, RESAMPLES, 7).unwrap();
            for j in 0..3 {
                let (s1, st) = (f.first_order()[j], f.total_order()[j]);
                assert!(covers(&s.s1[j], s1), "S1[{j}] {:?} vs {s1}", s.s1[j]);
                assert!(covers(&s.st[j], st), "ST[{j}] {:?} vs {st}", s.st[j]);
                // Informative intervals, not merely wide ones.
                assert!(s.s1[j].half_width < 0.1 && s.st[j].half_width < 0.1);
            }
            if second {
                assert_eq!(s.s2.len(), 3);
                for &(j, k, e) in &s.s2 {
                    let truth = f.second_order(j, k);
                    assert!(covers(&e, truth), "S2[{j},{k}] {e:?} vs {truth}");
                }
            }
        }
    }

    #[test]
    fn linear_indices_match_the_closed_form_and_an_ignored_parameter_gets_zero() {
        let f = Linear::new(
            vec![2.0, -1.0, 0.0, 0.5],
            vec![
                Bounds::new(0.0, 1.0).unwrap(),
                Bounds::new(-2.0, 2.0).unwrap(),
                Bounds::new(5.0, 6.0).unwrap(),
                Bounds::new(0.0, 3.0).unwrap(),
            ],
        );
        let rows = saltelli_design(f.bounds(), N, false, 1).unwrap();
        let y: Vec<f64> = rows.iter().map(|x| f.eval(x)).collect();
        let s = analyze_sobol(&y, 4, false, RESAMPLES, 1).unwrap();
        for j in 0..4 {
            let truth = f.indices()[j];
            assert!(covers(&s.s1[j], truth), "S1[{j}] {:?} vs {truth}", s.s1[j]);
            assert!(covers(&s.st[j], truth), "ST[{j}] {:?} vs {truth}", s.st[j]);
        }
        assert_eq!(
            s.st[2],
            BootstrapEstimate {
                estimate: 0.0,
                half_width: 0.0
            }
        );
        assert!(covers(&s.st[2], 0.0));
    }

    #[test]
    fn constant_outputs_give_zero_indices_as_salib() {
        let s = analyze_sobol(&[3.0; 12], 2, false, 20, 0).unwrap();
        assert!(
            s.s1.iter()
                .chain(&s.st)
                .all(|e| e.estimate == 0.0 && e.half_width == 0.0)
        );
    }

    #[test]
    fn the_bootstrap_is_seeded() {
        let f = Ishigami::default();
        let rows = saltelli_design(&f.bounds(), 64, false, 0).unwrap();
        let y: Vec<f64> = rows.iter().map(|x| f.eval(x)).collect();
        let a = analyze_sobol(&y, 3, false, 50, 1).unwrap();
        assert_eq!(a, analyze_sobol(&y, 3, false, 50, 1).unwrap());
        let b = analyze_sobol(&y, 3, false, 50, 2).unwrap();
        assert_eq!(a.s1[0].estimate, b.s1[0].estimate);
        assert_ne!(a.s1[0].half_width, b.s1[0].half_width);
    }
}
