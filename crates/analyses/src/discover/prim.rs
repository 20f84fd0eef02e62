//! PRIM (patient rule induction), as the EMA Workbench 2.5 implements it
//! for real-valued parameters with a binary outcome and its default
//! objective (`LENIENT1`).
//!
//! Starting from the box that holds every point, PRIM *peels*: of the 2D
//! candidate boxes that cut off the `peel_alpha` quantile of the points at
//! the lower or upper end of one parameter, it keeps the one that raises
//! the share of points of interest most per point removed (ties go to the
//! box restricting fewer parameters, then to the first candidate), as long
//! as the mass stays ≥ `mass_min`. Then it *pastes*: it widens a restricted
//! side again by `paste_alpha` while that raises the share. Every box on
//! the way is a row of the peeling trajectory, which trades coverage (the
//! share of all points of interest that the box holds) against density
//! (the share of the box's points that are of interest).

/// Default share of points peeled off at each step (the Workbench's
/// `peel_alpha`).
pub const DEFAULT_PEEL_ALPHA: f64 = 0.05;

/// Default share of points pasted back at each step (`paste_alpha`).
pub const DEFAULT_PASTE_ALPHA: f64 = 0.05;

/// Default smallest share of all points a box may hold (`mass_min`).
pub const DEFAULT_MASS_MIN: f64 = 0.05;

/// PRIM's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct PrimOptions {
    /// Share of the box's points peeled off at each step, in (0, 0.5).
    pub peel_alpha: f64,
    /// Share used to paste a side back, in (0, 0.5).
    pub paste_alpha: f64,
    /// Smallest share of all points a box may hold, in [0, 1).
    pub mass_min: f64,
}

impl Default for PrimOptions {
    fn default() -> Self {
        PrimOptions {
            peel_alpha: DEFAULT_PEEL_ALPHA,
            paste_alpha: DEFAULT_PASTE_ALPHA,
            mass_min: DEFAULT_MASS_MIN,
        }
    }
}

/// PRIM inputs that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrimError {
    /// An option out of its range.
    #[error("{name} {value} is not allowed (allowed: {allowed})")]
    Option {
        /// The option.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The allowed range.
        allowed: &'static str,
    },
    /// Points and flags that do not fit together, or no points.
    #[error("{0}")]
    Data(String),
    /// No point is of interest: there is nothing to find.
    #[error("no point of the {0} points is of interest: there is no region to describe")]
    NothingOfInterest(usize),
}

/// One box of the peeling trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    /// `(lower, upper)` limit of every parameter (inclusive).
    #[doc(hidden)]
    pub limits: Vec<(f64, f64)>,
    /// Share of all points of interest that lie in the box.
    #[doc(hidden)]
    pub coverage: f64,
    /// Share of the box's points that are of interest.
    #[doc(hidden)]
    pub density: f64,
    /// Share of all points that lie in the box.
    #[doc(hidden)]
    pub mass: f64,
    /// Parameters whose limits differ from those of the first box.
    #[doc(hidden)]
    pub restricted: Vec<usize>,
    /// Points in the box.
    #[doc(hidden)]
    pub points: usize,
    /// Points of interest in the box.
    pub of_interest: usize,
}

/// The quantile as the Workbench's `get_quantile` (modelled on sdtoolkit)
/// computes it: the midpoint between the order statistics around
/// `(n − 1)·q`, widened past ties (downwards for q > 0.5, upwards
/// otherwise) so that a cut never falls on a value.
pub(crate) fn quantile(data: &[f64], q: f64) -> f64 {
    let mut d = data.to_vec();
    d.sort_by(f64::total_cmp);
    let i = (d.len() - 1) as f64 * q;
    let (mut lo, mut hi) = (i.floor() as usize, i.ceil() as usize);
    if q > 0.5 {
        while d[lo] == d[hi] && lo > 0 {
            lo -= 1;
        }
    } else {
        while d[lo] == d[hi] && hi < d.len() - 1 {
            hi += 1;
        }
    }
    (d[lo] + d[hi]) / 2.0
}

/// The Workbench's `LENIENT1` objective: the change of the mean outcome per
/// point removed (or added).
fn lenient1(old: &[usize], new: &[usize], y: &[bool]) -> f64 {
    let share = |idx: &[usize]| match idx.len() {
        0 => 0.0,
        n => idx.iter().filter(|&&i| y[i]).count() as f64 / n as f64,
    };
    let (m_old, m_new) = (share(old), share(new));
    if m_old == m_new || old.len() == new.len() {
        return 0.0;
    }
    (m_new - m_old) / old.len().abs_diff(new.len()) as f64
}

struct Search<'a> {
    x: &'a [Vec<f64>],
    y: &'a [bool],
    init: Vec<(f64, f64)>,
    total_of_interest: usize,
    options: PrimOptions,
}

/// A candidate: its limits and the points in it.
type Candidate = (Vec<(f64, f64)>, Vec<usize>);

impl Search<'_> {
    fn restricted(&self, limits: &[(f64, f64)]) -> Vec<usize> {
        (0..limits.len())
            .filter(|&j| limits[j] != self.init[j])
            .collect()
    }

    fn make_box(&self, limits: Vec<(f64, f64)>, idx: &[usize]) -> PrimBox {
        let n = self.x.len();
        let k = idx.iter().filter(|&&i| self.y[i]).count();
        PrimBox {
            restricted: self.restricted(&limits),
            limits,
            coverage: k as f64 / self.total_of_interest as f64,
            density: k as f64 / idx.len() as f64,
            mass: idx.len() as f64 / n as f64,
            points: idx.len(),
            of_interest: k,
        }
    }

    /// The best candidate: highest objective, then fewest restricted
    /// parameters, then first in order (Python's stable sort, reversed).
    fn best(&self, current: &[usize], candidates: Vec<Candidate>) -> Option<(f64, Candidate)> {
        let d = self.init.len();
        let mut best: Option<(f64, usize, Candidate)> = None;
        for c in candidates {
            let obj = lenient1(current, &c.1, self.y);
            let free = d - self.restricted(&c.0).len();
            if best
                .as_ref()
                .is_none_or(|(o, f, _)| obj > *o || (obj == *o && free > *f))
            {
                best = Some((obj, free, c));
            }
        }
        best.map(|(o, _, c)| (o, c))
    }

    fn peels(&self, limits: &[(f64, f64)], idx: &[usize]) -> Vec<Candidate> {
        let alpha = self.options.peel_alpha;
        let mut out = Vec::new();
        for j in 0..limits.len() {
            let xj: Vec<f64> = idx.iter().map(|&i| self.x[i][j]).collect();
            let upper = quantile(&xj, 1.0 - alpha);
            let mut l = limits.to_vec();
            l[j].1 = upper;
            out.push((
                l,
                idx.iter()
                    .copied()
                    .filter(|&i| self.x[i][j] <= upper)
                    .collect(),
            ));
            let lower = quantile(&xj, alpha);
            let mut l = limits.to_vec();
            l[j].0 = lower;
            out.push((
                l,
                idx.iter()
                    .copied()
                    .filter(|&i| self.x[i][j] >= lower)
                    .collect(),
            ));
        }
        out
    }

    fn inside(&self, limits: &[(f64, f64)], dims: &[usize]) -> Vec<usize> {
        (0..self.x.len())
            .filter(|&i| {
                dims.iter()
                    .all(|&j| limits[j].0 <= self.x[i][j] && self.x[i][j] <= limits[j].1)
            })
            .collect()
    }

    fn pastes(&self, limits: &[(f64, f64)]) -> Vec<Candidate> {
        let alpha = self.options.paste_alpha;
        let dims = self.restricted(limits);
        let mut out = Vec::new();
        for &j in &dims {
            let (min, max) = self.init[j];
            for lower in [true, false] {
                let mut slab = limits.to_vec();
                slab[j] = if lower {
                    (min, limits[j].0)
                } else {
                    (limits[j].1, max)
                };
                let data: Vec<f64> = self
                    .inside(&slab, &dims)
                    .iter()
                    .map(|&i| self.x[i][j])
                    .collect();
                let mut l = limits.to_vec();
                if lower {
                    l[j].0 = if data.is_empty() {
                        min
                    } else {
                        quantile(&data, 1.0 - alpha)
                    };
                } else {
                    l[j].1 = if data.is_empty() {
                        max
                    } else {
                        quantile(&data, alpha)
                    };
                }
                let idx = self.inside(&l, &dims);
                out.push((l, idx));
            }
        }
        out
    }
}

/// The peeling (and pasting) trajectory of PRIM over points `x` (one row per
/// point, one column per parameter) with `y` telling which points are of
/// interest. The first box holds every point; the last is the box PRIM
/// settles on (the Workbench's `find_box()`).
pub fn prim(x: &[Vec<f64>], y: &[bool], options: PrimOptions) -> Result<Vec<PrimBox>, PrimError> {
    let check = |name, value: f64, ok: bool, allowed| {
        if ok {
            Ok(())
        } else {
            Err(PrimError::Option {
                name,
                value,
                allowed,
            })
        }
    };
    let o = options;
    check(
        "peel_alpha",
        o.peel_alpha,
        o.peel_alpha > 0.0 && o.peel_alpha < 0.5,
        "0 < x < 0.5",
    )?;
    check(
        "paste_alpha",
        o.paste_alpha,
        o.paste_alpha > 0.0 && o.paste_alpha < 0.5,
        "0 < x < 0.5",
    )?;
    check(
        "mass_min",
        o.mass_min,
        (0.0..1.0).contains(&o.mass_min),
        "0 ≤ x < 1",
    )?;
    let d = x.first().map_or(0, Vec::len);
    if x.is_empty() || d == 0 || x.len() != y.len() || x.iter().any(|r| r.len() != d) {
        return Err(PrimError::Data(format!(
            "{} points of {d} parameters with {} flags: PRIM needs one flag per point and at least one parameter",
            x.len(),
            y.len()
        )));
    }
    if let Some((i, j)) = (0..x.len())
        .flat_map(|i| (0..d).map(move |j| (i, j)))
        .find(|&(i, j)| !x[i][j].is_finite())
    {
        return Err(PrimError::Data(format!(
            "point {i}, parameter {j} is {} (allowed: a finite number)",
            x[i][j]
        )));
    }
    let total_of_interest = y.iter().filter(|b| **b).count();
    if total_of_interest == 0 {
        return Err(PrimError::NothingOfInterest(x.len()));
    }
    let init: Vec<(f64, f64)> = (0..d)
        .map(|j| {
            x.iter()
                .map(|r| r[j])
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                    (l.min(v), h.max(v))
                })
        })
        .collect();
    let s = Search {
        x,
        y,
        init: init.clone(),
        total_of_interest,
        options,
    };
    let n = x.len() as f64;
    let mut idx: Vec<usize> = (0..x.len()).collect();
    let mut limits = init;
    let mut trajectory = vec![s.make_box(limits.clone(), &idx)];
    // Peel while the best peel raises the share and keeps enough mass.
    while let Some((obj, (l, next))) = s.best(&idx, s.peels(&limits, &idx)) {
        let (mass_old, mass_new) = (idx.len() as f64 / n, next.len() as f64 / n);
        if !(mass_new >= o.mass_min && mass_new < mass_old && obj > 0.0) {
            break;
        }
        (limits, idx) = (l, next);
        trajectory.push(s.make_box(limits.clone(), &idx));
    }
    // Paste while the best paste raises the share.
    while let Some((obj, (l, next))) = s.best(&idx, s.pastes(&limits)) {
        let (mass_old, mass_new) = (idx.len() as f64 / n, next.len() as f64 / n);
        let share = |v: &[usize]| v.iter().filter(|&&i| y[i]).count() as f64 / v.len() as f64;
        let raises = !next.is_empty() && share(&next) > share(&idx);
        if !(mass_new >= o.mass_min && mass_new > mass_old && obj > 0.0 && raises) {
            break;
        }
        (limits, idx) = (l, next);
        trajectory.push(s.make_box(limits.clone(), &idx));
    }
    Ok(trajectory)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn quantiles_are_the_workbenchs() {
        let d = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&d, 0.05), 1.5);
        assert_eq!(quantile(&d, 0.95), 4.5);
        // (n − 1)q = 2 exactly: the cut moves off the value 3.
        assert_eq!(quantile(&d, 0.5), 3.5);
        // Ties are stepped over.
        assert_eq!(quantile(&[1.0, 1.0, 1.0, 2.0], 0.05), 1.5);
        assert_eq!(quantile(&[1.0, 2.0, 2.0, 2.0], 0.95), 1.5);
    }

    #[test]
    fn prim_finds_a_planted_box() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let x: Vec<Vec<f64>> = (0..1000)
            .map(|_| (0..3).map(|_| rng.random::<f64>()).collect())
            .collect();
        let y: Vec<bool> = x.iter().map(|p| p[0] > 0.7 && p[1] < 0.4).collect();
        let t = prim(&x, &y, PrimOptions::default()).unwrap();
        let first = &t[0];
        assert_eq!(
            (first.mass, first.coverage, first.restricted.len()),
            (1.0, 1.0, 0)
        );
        let last = t.last().unwrap();
        assert!(last.density > 0.9 && last.coverage > 0.8, "{last:?}");
        assert_eq!(last.restricted, vec![0, 1], "{last:?}");
        assert!((last.limits[0].0 - 0.7).abs() < 0.05, "{last:?}");
        assert!((last.limits[1].1 - 0.4).abs() < 0.05, "{last:?}");
        // Peeling never raises mass and keeps at least mass_min.
        assert!(t.iter().all(|b| b.mass >= 0.05));
        for w in t.windows(2) {
            assert!(w[1].density >= w[0].density, "{w:?}");
        }
    }

    #[test]
    fn bad_inputs_are_named() {
        let x = vec![vec![0.0], vec![1.0]];
        assert!(prim(&x, &[false, false], PrimOptions::default()).is_err());
        assert!(prim(&x, &[true], PrimOptions::default()).is_err());
        let bad = PrimOptions {
            peel_alpha: 0.7,
            ..PrimOptions::default()
        };
        assert!(
            prim(&x, &[true, false], bad)
                .unwrap_err()
                .to_string()
                .contains("peel_alpha 0.7")
        );
    }
}
