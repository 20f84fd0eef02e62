//! The numerical building blocks the analyses share, in one private place:
//! the confidence level of every interval and its quantiles, Cholesky
//! factors and inverses (the fit's covariance and its normal draws), and the
//! spectral radius of a non-negative matrix (a scenario's branching ratio
//! at validation, a fit's from its estimates). Each is written once, so
//! that two analyses never disagree on, say, what "95 %" means.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Two-sided confidence level of every interval in the outputs.
pub(crate) const CONFIDENCE: f64 = 0.95;

/// The standard normal quantile for `CONFIDENCE` (≈ 1.96), as SALib's
/// `norm.ppf(0.5 + conf_level / 2)`.
#[doc(hidden)]
pub fn z() -> f64 {
    Normal::standard().inverse_cdf(0.5 + CONFIDENCE / 2.0)
}

/// The two-sided `CONFIDENCE` quantile of Student's t with `df` degrees of
/// freedom (`NaN` if `df` is not positive).
#[doc(hidden)]
pub fn t_quantile(df: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df)
        .map(|d| d.inverse_cdf(0.5 + CONFIDENCE / 2.0))
        .unwrap_or(f64::NAN)
}

// Only the fit needs a covariance.
#[cfg(feature = "fit")]
/// Inverse of a symmetric positive-definite matrix by Cholesky; `None` if
/// it is not positive definite.
#[allow(clippy::needless_range_loop)]
#[doc(hidden)]
pub fn invert_spd(a: Vec<Vec<f64>>) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let l = factor(&a, true)?;
    // Solve L Lᵀ X = I column by column.
    let mut inv = vec![vec![0.0; n]; n];
    for c in 0..n {
        let mut z = vec![0.0; n];
        for i in 0..n {
            let e = if i == c { 1.0 } else { 0.0 };
            z[i] = (e - (0..i).map(|k| l[i][k] * z[k]).sum::<f64>()) / l[i][i];
        }
        for i in (0..n).rev() {
            let s: f64 = ((i + 1)..n).map(|k| l[k][i] * inv[k][c]).sum();
            inv[i][c] = (z[i] - s) / l[i][i];
        }
    }
    Some(inv)
}

#[cfg(feature = "fit")]
/// The Cholesky factor (lower) of a symmetric positive semi-definite
/// matrix, rows and columns of zero variance left at zero; for drawing from
/// a normal approximation.
#[doc(hidden)]
pub fn cholesky(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    factor(a, false).expect("a lenient factorisation always succeeds")
}

#[cfg(feature = "fit")]
/// Cholesky factorisation. `strict`: `None` unless positive definite;
/// otherwise a non-positive pivot becomes 0 and its column is left at 0.
#[allow(clippy::needless_range_loop)]
fn factor(a: &[Vec<f64>], strict: bool) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                if strict && (s.is_nan() || s <= 0.0) {
                    return None;
                }
                l[i][i] = s.max(0.0).sqrt();
            } else if l[j][j] > 0.0 {
                l[i][j] = s / l[j][j];
            }
        }
    }
    Some(l)
}

/// Spectral radius (Perron root) of a non-negative square matrix given by
/// its non-zero entries, `rows[i] = [(j, a_ij), …]`, in time that grows with
/// the entries rather than the cube of the size.
///
/// The root is the largest of the roots of the diagonal blocks of the
/// strongly connected components (Tarjan's algorithm). A component of one
/// row without a diagonal entry has root 0; on any other, `A + I` is
/// primitive, so power iteration converges geometrically, and it stops when
/// the Collatz–Wielandt bounds `min (Ax)_i/x_i ≤ ρ ≤ max (Ax)_i/x_i` agree to
/// 1e-13 (or after a million steps, returning their midpoint).
pub(crate) fn perron_root(rows: &[Vec<(usize, f64)>]) -> f64 {
    components(rows)
        .iter()
        .map(|c| component_root(rows, c))
        .fold(0.0, f64::max)
}

/// The root of the diagonal block of `rows` on the component `c`.
fn component_root(rows: &[Vec<(usize, f64)>], c: &[usize]) -> f64 {
    let mut index = vec![usize::MAX; rows.len()];
    for (k, &i) in c.iter().enumerate() {
        index[i] = k;
    }
    if c.len() == 1 {
        let i = c[0];
        return rows[i]
            .iter()
            .filter(|&&(j, _)| j == i)
            .map(|&(_, a)| a)
            .sum();
    }
    let mut x = vec![1.0; c.len()];
    let mut y = vec![0.0; c.len()];
    let (mut lo, mut hi) = (0.0, 0.0);
    for _ in 0..1_000_000 {
        for (k, &i) in c.iter().enumerate() {
            y[k] = x[k]
                + rows[i]
                    .iter()
                    .filter(|&&(j, _)| index[j] != usize::MAX)
                    .map(|&(j, a)| a * x[index[j]])
                    .sum::<f64>();
        }
        let ratios = y.iter().zip(&x).map(|(a, b)| a / b);
        lo = ratios.clone().fold(f64::INFINITY, f64::min);
        hi = ratios.fold(0.0, f64::max);
        if !(hi.is_finite() && hi > 0.0) || hi - lo <= 1e-13 * hi {
            break;
        }
        for (a, b) in x.iter_mut().zip(&y) {
            *a = b / hi;
        }
    }
    0.5 * (lo + hi) - 1.0
}

/// The strongly connected components of the graph `i → j` for every entry
/// of `rows` (Tarjan's algorithm, without recursion).
fn components(rows: &[Vec<(usize, f64)>]) -> Vec<Vec<usize>> {
    let n = rows.len();
    let (mut index, mut low) = (vec![usize::MAX; n], vec![0; n]);
    let (mut on_stack, mut stack, mut out) = (vec![false; n], Vec::new(), Vec::new());
    let mut next = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, position in its row) frames of the depth-first search.
        let mut frames = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut pos)) = frames.last_mut() {
            if let Some(&(w, _)) = rows[v].get(*pos) {
                *pos += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    frames.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut c = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    c.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(c);
            }
        }
    }
    out
}

// The fit's branching ratio, and the test of [`perron_root`].
#[cfg(any(feature = "fit", test))]
/// Spectral radius of a non-negative square matrix by repeated squaring:
/// `ρ = lim ‖K^(2^j)‖^(1/2^j)`, renormalising at each step to avoid overflow.
#[doc(hidden)]
pub fn spectral_radius(mut k: Vec<Vec<f64>>) -> f64 {
    let n = k.len();
    let mut log_scale = 0.0; // log of the factor divided out of K^(2^j)
    let mut power = 1.0; // 2^j
    let mut estimate = 0.0;
    for _ in 0..40 {
        let norm = k
            .iter()
            .map(|row| row.iter().sum::<f64>())
            .fold(0.0, f64::max);
        if norm == 0.0 {
            return 0.0;
        }
        estimate = ((norm.ln() + log_scale) / power).exp();
        for row in &mut k {
            for x in row.iter_mut() {
                *x /= norm;
            }
        }
        log_scale = 2.0 * (log_scale + norm.ln());
        power *= 2.0;
        let mut sq = vec![vec![0.0; n]; n];
        for (i, row) in k.iter().enumerate() {
            for (l, &a) in row.iter().enumerate() {
                if a != 0.0 {
                    for (j, &b) in k[l].iter().enumerate() {
                        sq[i][j] += a * b;
                    }
                }
            }
        }
        k = sq;
    }
    estimate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perron_root_agrees_with_repeated_squaring() {
        let cases: Vec<Vec<Vec<f64>>> = vec![
            vec![vec![0.5]],
            vec![vec![0.0, 2.0], vec![0.5, 0.0]],
            vec![vec![0.3, 5.0], vec![0.0, 0.7]],
            vec![vec![0.0, 1.0], vec![0.0, 0.0]],
            vec![
                vec![0.0, 0.2, 0.0, 0.0],
                vec![0.0, 0.0, 0.9, 0.0],
                vec![1.1, 0.0, 0.0, 0.0],
                vec![0.0, 0.0, 3.0, 0.1],
            ],
            vec![
                vec![0.1, 0.4, 0.2],
                vec![0.3, 0.0, 0.6],
                vec![0.0, 0.5, 0.25],
            ],
        ];
        for dense in cases {
            let rows: Vec<Vec<(usize, f64)>> = dense
                .iter()
                .map(|r| {
                    r.iter()
                        .enumerate()
                        .filter(|(_, a)| **a != 0.0)
                        .map(|(j, &a)| (j, a))
                        .collect()
                })
                .collect();
            let (fast, slow) = (perron_root(&rows), spectral_radius(dense.clone()));
            assert!((fast - slow).abs() < 1e-6, "{dense:?}: {fast} vs {slow}");
        }
        // A cycle of 100 parties (period 100): root (0.5^100)^(1/100) = 0.5.
        let rows: Vec<Vec<(usize, f64)>> = (0..100).map(|i| vec![((i + 1) % 100, 0.5)]).collect();
        assert!((perron_root(&rows) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn spectral_radius_of_known_matrices() {
        assert!((spectral_radius(vec![vec![0.5]]) - 0.5).abs() < 1e-9);
        // [[0, 2], [0.5, 0]] has eigenvalues ±1.
        let r = spectral_radius(vec![vec![0.0, 2.0], vec![0.5, 0.0]]);
        assert!((r - 1.0).abs() < 1e-6, "{r}");
        // Upper triangular: eigenvalues are the diagonal.
        let r = spectral_radius(vec![vec![0.3, 5.0], vec![0.0, 0.7]]);
        assert!((r - 0.7).abs() < 1e-3, "{r}");
        assert_eq!(spectral_radius(vec![vec![0.0, 1.0], vec![0.0, 0.0]]), 0.0);
    }

    #[cfg(feature = "fit")]
    #[test]
    #[allow(clippy::needless_range_loop)]
    fn cholesky_factors_and_inverts_a_positive_definite_matrix() {
        let a = vec![
            vec![4.0, 2.0, 0.4],
            vec![2.0, 5.0, 1.0],
            vec![0.4, 1.0, 3.0],
        ];
        let l = cholesky(&a);
        for i in 0..3 {
            for j in 0..3 {
                let llt: f64 = (0..3).map(|k| l[i][k] * l[j][k]).sum();
                assert!((llt - a[i][j]).abs() < 1e-12, "({i}, {j}): {llt}");
            }
            assert!(l[i][i + 1..].iter().all(|&x| x == 0.0), "lower triangular");
        }
        let inv = invert_spd(a.clone()).expect("positive definite");
        for i in 0..3 {
            for j in 0..3 {
                let id: f64 = (0..3).map(|k| a[i][k] * inv[k][j]).sum();
                assert!(
                    (id - f64::from(u8::from(i == j))).abs() < 1e-12,
                    "({i}, {j}): {id}"
                );
            }
        }
    }

    #[cfg(feature = "fit")]
    #[test]
    fn a_symmetric_matrix_inverts() {
        let a = vec![vec![4.0, 1.0], vec![1.0, 3.0]];
        let inv = invert_spd(a).unwrap();
        let det = 11.0;
        assert!((inv[0][0] - 3.0 / det).abs() < 1e-12);
        assert!((inv[0][1] + 1.0 / det).abs() < 1e-12);
        assert!((inv[1][1] - 4.0 / det).abs() < 1e-12);
        assert!(invert_spd(vec![vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
    }

    #[cfg(feature = "fit")]
    #[test]
    fn a_singular_matrix_has_no_inverse_and_a_lenient_factor() {
        // Variance 0 in the second coordinate: refused by the inverse, left
        // at zero by the factor used for drawing.
        let a = vec![vec![2.0, 0.0], vec![0.0, 0.0]];
        assert!(invert_spd(a.clone()).is_none());
        assert!(invert_spd(vec![vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
        let l = cholesky(&a);
        assert_eq!(l, vec![vec![2f64.sqrt(), 0.0], vec![0.0, 0.0]]);
    }

    #[test]
    fn the_quantiles_are_the_two_sided_95_percent_points() {
        assert!((z() - 1.959_963_984_540_054).abs() < 1e-12);
        // Student's t with 10 degrees of freedom: 2.228139.
        assert!((t_quantile(10.0) - 2.228_138_851_986_273).abs() < 1e-9);
        assert!(t_quantile(0.0).is_nan());
    }
}
