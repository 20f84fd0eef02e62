//! Morris's elementary-effects screening, as SALib 1.6 samples and
//! analyses it (`SALib.sample.morris` without trajectory optimisation,
//! `SALib.analyze.morris` unscaled).
//!
//! A trajectory starts at a random point of a p-level grid of the unit
//! cube and moves one parameter at a time, in random order and direction,
//! by Δ = p / (2(p − 1)); each move gives one elementary effect, the change
//! of the output divided by Δ. Over r trajectories a parameter's effects
//! give μ (their mean), μ* (the mean of their absolute values: the
//! importance), σ (their standard deviation: nonlinearity or interaction),
//! and a bootstrap interval of μ*. Cheap: r·(D + 1) points.

use rand::RngExt;
use rand::seq::SliceRandom;

use crate::engine::streams::labelled_rng;

use super::{BootstrapEstimate, Bounds, SensitivityError, mean, sample_sd};

/// Label of the trajectories' stream.
const DESIGN_LABEL: &[u8; 16] = b"ceasefire/morr1 ";

/// Label of the bootstrap stream of the Morris analysis.
const BOOTSTRAP_LABEL: &[u8; 16] = b"ceasefire/mboot1";

/// The step Δ = p / (2(p − 1)) on the unit range, as SALib's
/// `_compute_delta`.
pub(crate) fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

fn check_levels(levels: usize) -> Result<(), SensitivityError> {
    if levels >= 2 && levels.is_multiple_of(2) {
        Ok(())
    } else {
        Err(SensitivityError::Morris(format!(
            "{levels} levels is not allowed (allowed: an even number ≥ 2, as unbiased Morris designs need)"
        )))
    }
}

/// `trajectories` Morris trajectories over `bounds` on a `levels`-level
/// grid: `trajectories · (D + 1)` rows, trajectory after trajectory, as
/// SALib's sampler lays them out. `seed` chooses the trajectories.
pub fn morris_design(
    bounds: &[Bounds],
    trajectories: usize,
    levels: usize,
    seed: u64,
) -> Result<Vec<Vec<f64>>, SensitivityError> {
    check_levels(levels)?;
    let d = bounds.len();
    if d == 0 {
        return Err(SensitivityError::Parameters(0));
    }
    if trajectories < 2 {
        return Err(SensitivityError::Morris(format!(
            "{trajectories} trajectories is not allowed (allowed: 2 or more, for a standard deviation)"
        )));
    }
    let step = delta(levels);
    // SALib's starting grid: linspace(0, 1 − Δ, p / 2).
    let starts: Vec<f64> = match levels / 2 {
        1 => vec![0.0],
        m => (0..m)
            .map(|k| k as f64 * (1.0 - step) / (m - 1) as f64)
            .collect(),
    };
    let mut rng = labelled_rng(seed, DESIGN_LABEL);
    let mut rows = Vec::with_capacity(trajectories * (d + 1));
    for _ in 0..trajectories {
        let mut order: Vec<usize> = (0..d).collect();
        order.shuffle(&mut rng);
        let up: Vec<bool> = (0..d).map(|_| rng.random()).collect();
        let start: Vec<f64> = (0..d)
            .map(|_| starts[rng.random_range(0..starts.len())])
            .collect();
        // `order[j]` is the move (0-based) at which parameter j changes:
        // from x* to x* + Δ upwards, or from x* + Δ to x* downwards.
        for r in 0..=d {
            rows.push(
                (0..d)
                    .map(|j| {
                        let moved = order[j] < r;
                        let high = moved == up[j];
                        let u = if high { start[j] + step } else { start[j] };
                        bounds[j].scale(u)
                    })
                    .collect(),
            );
        }
    }
    Ok(rows)
}

/// The Morris measures of every parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndices {
    /// Mean elementary effect.
    #[doc(hidden)]
    pub mu: Vec<f64>,
    /// Mean absolute elementary effect, with its bootstrap interval.
    #[doc(hidden)]
    pub mu_star: Vec<BootstrapEstimate>,
    /// Standard deviation of the elementary effects (denominator r − 1).
    #[doc(hidden)]
    pub sigma: Vec<f64>,
}

/// The elementary effects `[parameter][trajectory]` of a Morris design `x`
/// (rows as [`morris_design`] gives them, at their scaled values) with
/// outputs `y`, as SALib's `_compute_elementary_effects`: at each move, the
/// parameters whose value rose or fell take the output at their higher
/// value minus the output at their lower value, over Δ.
pub(crate) fn elementary_effects(
    x: &[Vec<f64>],
    y: &[f64],
    levels: usize,
) -> Result<Vec<Vec<f64>>, SensitivityError> {
    check_levels(levels)?;
    let d = x.first().map_or(0, Vec::len);
    let size = d + 1;
    if d == 0 || x.len() != y.len() || !y.len().is_multiple_of(size) {
        return Err(SensitivityError::Outputs {
            outputs: y.len(),
            rows: x.len(),
        });
    }
    if let Some((row, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(SensitivityError::NotFinite { row, value });
    }
    let step = delta(levels);
    let trajectories = y.len() / size;
    let mut effects = vec![vec![0.0; trajectories]; d];
    for t in 0..trajectories {
        for i in t * size..(t + 1) * size - 1 {
            for (j, e) in effects.iter_mut().enumerate() {
                let change = x[i + 1][j] - x[i][j];
                if change > 0.0 {
                    e[t] += (y[i + 1] - y[i]) / step;
                } else if change < 0.0 {
                    e[t] += (y[i] - y[i + 1]) / step;
                }
            }
        }
    }
    Ok(effects)
}

/// μ, μ* (with a bootstrap interval of `resamples` resamples of the
/// trajectories, drawn from `seed`'s stream) and σ of every parameter.
pub fn analyze_morris(
    x: &[Vec<f64>],
    y: &[f64],
    levels: usize,
    resamples: usize,
    seed: u64,
) -> Result<MorrisIndices, SensitivityError> {
    let effects = elementary_effects(x, y, levels)?;
    let z = crate::numeric::z();
    let mut rng = labelled_rng(seed, BOOTSTRAP_LABEL);
    let mut indices = MorrisIndices {
        mu: Vec::new(),
        mu_star: Vec::new(),
        sigma: Vec::new(),
    };
    for e in &effects {
        let r = e.len();
        let abs: Vec<f64> = e.iter().map(|v| v.abs()).collect();
        let boot: Vec<f64> = (0..resamples)
            .map(|_| (0..r).map(|_| abs[rng.random_range(0..r)]).sum::<f64>() / r as f64)
            .collect();
        indices.mu.push(mean(e));
        indices.mu_star.push(BootstrapEstimate {
            estimate: mean(&abs),
            half_width: z * sample_sd(&boot),
        });
        indices.sigma.push(sample_sd(e));
    }
    Ok(indices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitivity::functions::{Ishigami, Linear};

    #[test]
    fn trajectories_move_one_parameter_at_a_time_on_the_grid() {
        let bounds = [Bounds::new(0.0, 1.0).unwrap(); 3];
        let rows = morris_design(&bounds, 20, 4, 5).unwrap();
        assert_eq!(rows.len(), 80);
        let levels = [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0];
        for t in rows.chunks(4) {
            let mut moved = [false; 3];
            for w in t.windows(2) {
                let changed: Vec<usize> = (0..3).filter(|&j| w[0][j] != w[1][j]).collect();
                assert_eq!(changed.len(), 1, "{w:?}");
                let j = changed[0];
                assert!(!moved[j], "each parameter moves once");
                moved[j] = true;
                assert!(((w[1][j] - w[0][j]).abs() - 2.0 / 3.0).abs() < 1e-12);
            }
            for x in t.iter().flatten() {
                assert!(
                    levels.iter().any(|l| (l - x).abs() < 1e-12),
                    "{x} on the grid"
                );
            }
        }
        assert_eq!(rows, morris_design(&bounds, 20, 4, 5).unwrap(), "seeded");
    }

    #[test]
    fn a_linear_function_has_constant_effects() {
        let b = [
            Bounds::new(0.0, 2.0).unwrap(),
            Bounds::new(-1.0, 1.0).unwrap(),
            Bounds::new(3.0, 4.0).unwrap(),
        ];
        let f = Linear::new(vec![1.5, -2.0, 0.0], b.to_vec());
        let x = morris_design(&b, 30, 4, 9).unwrap();
        let y: Vec<f64> = x.iter().map(|p| f.eval(p)).collect();
        let m = analyze_morris(&x, &y, 4, 100, 0).unwrap();
        for (j, truth) in f.elementary_effects().into_iter().enumerate() {
            assert!(
                (m.mu[j] - truth).abs() < 1e-9,
                "mu[{j}] {} vs {truth}",
                m.mu[j]
            );
            assert!((m.mu_star[j].estimate - truth.abs()).abs() < 1e-9);
            assert!(m.sigma[j] < 1e-9 && m.mu_star[j].half_width < 1e-9);
        }
    }

    #[test]
    fn ishigami_screening_ranks_x1_first_and_sees_x3_interact() {
        let f = Ishigami::default();
        let x = morris_design(&f.bounds(), 200, 4, 3).unwrap();
        let y: Vec<f64> = x.iter().map(|p| f.eval(p)).collect();
        let m = analyze_morris(&x, &y, 4, 200, 1).unwrap();
        // x3 acts only through its interaction with x1: its mean effect is
        // near 0 while its effects spread (σ > μ*/2).
        assert!(m.mu_star[0].estimate > m.mu_star[2].estimate, "{m:?}");
        assert!(m.sigma[2] > 0.5 * m.mu_star[2].estimate, "{m:?}");
        // On the 4-level grid sin² x2 only takes the values 0 and 3/4, so
        // every effect of x2 has the same size; x3's effects vary.
        assert!(m.mu_star[2].half_width > 0.0, "{m:?}");
    }

    #[test]
    fn bad_settings_are_refused() {
        let b = [Bounds::new(0.0, 1.0).unwrap()];
        assert!(morris_design(&b, 10, 3, 0).is_err());
        assert!(morris_design(&b, 1, 4, 0).is_err());
        assert!(analyze_morris(&[vec![0.0], vec![1.0]], &[1.0], 4, 10, 0).is_err());
    }
}
