//! Designs of sweeps: which parameter values each point of a sweep uses.

use std::str::FromStr;

use rand::RngExt;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::scenario::paths::{ParamPath, PathError};
use crate::sensitivity::{Bounds, SensitivityError, morris_design, saltelli_design};

/// Label of the design's random stream (Latin hypercubes), kept apart from
/// every run's streams.
const DESIGN_LABEL: &[u8; 16] = b"ceasefire/lhs/v1";

/// One varied parameter: `PATH=LO:HI[:STEPS]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// The parameter.
    pub path: ParamPath,
    /// Lowest value.
    pub lo: f64,
    /// Highest value.
    pub hi: f64,
    /// Number of grid values from `lo` to `hi` (ignored by Latin hypercubes).
    pub steps: usize,
}

/// A `--vary` argument that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct VaryError(String);

impl From<PathError> for VaryError {
    fn from(e: PathError) -> Self {
        VaryError(e.to_string())
    }
}

impl FromStr for Vary {
    type Err = VaryError;

    fn from_str(s: &str) -> Result<Self, VaryError> {
        let usage = || {
            VaryError(format!(
                "'{s}' is not PATH=LO:HI:STEPS (e.g. monitoring.detection=0.5:0.95:10)"
            ))
        };
        let (path, range) = s.split_once('=').ok_or_else(usage)?;
        let parts: Vec<&str> = range.split(':').collect();
        let number = |t: &str| -> Result<f64, VaryError> {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| VaryError(format!("'{t}' in '{s}' is not a finite number")))
        };
        let (lo, hi, steps) = match parts[..] {
            [lo, hi] => (number(lo)?, number(hi)?, 2),
            [lo, hi, steps] => {
                let steps = steps
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        VaryError(format!(
                            "STEPS '{steps}' in '{s}' is not allowed (allowed: a whole number ≥ 1)"
                        ))
                    })?;
                (number(lo)?, number(hi)?, steps)
            }
            _ => return Err(usage()),
        };
        if lo > hi {
            return Err(VaryError(format!("LO {lo} is above HI {hi} in '{s}'")));
        }
        Ok(Vary {
            path: path.trim().parse()?,
            lo,
            hi,
            steps,
        })
    }
}

/// `PATH=LO:HI:STEPS`, which reads back as the same `Vary` (floats are
/// written with the shortest digits that round-trip).
impl std::fmt::Display for Vary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}:{}:{}", self.path, self.lo, self.hi, self.steps)
    }
}

impl Vary {
    /// The grid values: `steps` values evenly spaced from `lo` to `hi`.
    pub fn grid(&self) -> Vec<f64> {
        if self.steps == 1 {
            return vec![self.lo];
        }
        let n = (self.steps - 1) as f64;
        (0..self.steps)
            .map(|i| self.lo + (self.hi - self.lo) * i as f64 / n)
            .collect()
    }
}

/// How the points of a sweep are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Every combination of every path's grid values.
    Grid,
    /// A Latin hypercube of this many points: each path's range is cut into
    /// that many equal strata and each stratum is used exactly once.
    LatinHypercube(usize),
    /// Saltelli's design for Sobol' indices from this many base samples (a
    /// power of two), with the rows for second-order indices or not
    /// (`crate::sensitivity::saltelli`).
    Saltelli {
        /// Base samples N.
        samples: usize,
        /// N·(2D + 2) rows instead of N·(D + 2).
        second_order: bool,
    },
    /// Morris trajectories on a grid of this many levels
    /// (`crate::sensitivity::morris`).
    Morris {
        /// Trajectories r.
        trajectories: usize,
        /// Grid levels p.
        levels: usize,
    },
}

impl From<SensitivityError> for VaryError {
    fn from(e: SensitivityError) -> Self {
        VaryError(e.to_string())
    }
}

/// `grid`, `lhs:N`, `saltelli:N` (`saltelli2:N` with second order) or
/// `morris:R:P`, which reads back as the same design.
impl std::fmt::Display for Design {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Design::Grid => f.write_str("grid"),
            Design::LatinHypercube(n) => write!(f, "lhs:{n}"),
            Design::Saltelli {
                samples,
                second_order,
            } => write!(
                f,
                "saltelli{}:{samples}",
                if *second_order { "2" } else { "" }
            ),
            Design::Morris {
                trajectories,
                levels,
            } => write!(f, "morris:{trajectories}:{levels}"),
        }
    }
}

impl FromStr for Design {
    type Err = VaryError;

    fn from_str(s: &str) -> Result<Self, VaryError> {
        let bad = || {
            VaryError(format!(
                "design '{s}' is not allowed (allowed: grid, lhs:N with N ≥ 1, saltelli:N or saltelli2:N with N a power of two, morris:R:P)"
            ))
        };
        let numbers = |rest: &str| -> Result<Vec<usize>, VaryError> {
            rest.split(':')
                .map(|n| n.parse().map_err(|_| bad()))
                .collect()
        };
        let (kind, rest) = match s.split_once(':') {
            Some((kind, rest)) => (kind, numbers(rest)?),
            None => (s, Vec::new()),
        };
        let design = match (kind, rest.as_slice()) {
            ("grid", []) => Design::Grid,
            ("lhs", &[n]) if n >= 1 => Design::LatinHypercube(n),
            ("saltelli", &[samples]) | ("saltelli2", &[samples]) => Design::Saltelli {
                samples,
                second_order: kind == "saltelli2",
            },
            ("morris", &[trajectories, levels]) => Design::Morris {
                trajectories,
                levels,
            },
            _ => return Err(bad()),
        };
        // Refuse now what the design's generator would refuse later.
        let one = [Bounds::new(0.0, 1.0)?];
        match design {
            Design::Saltelli {
                samples,
                second_order,
            } => saltelli_design(&one, samples, second_order, 0).map(drop)?,
            Design::Morris {
                trajectories,
                levels,
            } => morris_design(&one, trajectories, levels, 0).map(drop)?,
            _ => {}
        }
        Ok(design)
    }
}

impl Design {
    /// Refuses, before anything is allocated, a design of more than
    /// [`MAX_DESIGN_POINTS`] points (counted in floating point, so that no
    /// product can overflow).
    ///
    /// [`MAX_DESIGN_POINTS`]: crate::scenario::limits::MAX_DESIGN_POINTS
    pub fn check_size(&self, vary: &[Vary]) -> Result<(), VaryError> {
        use crate::scenario::limits::MAX_DESIGN_POINTS;
        let d = vary.len() as f64;
        let points = match *self {
            Design::Grid => vary.iter().map(|v| v.steps as f64).product(),
            Design::LatinHypercube(n) => n as f64,
            Design::Saltelli {
                samples,
                second_order,
            } => samples as f64 * if second_order { 2.0 * d + 2.0 } else { d + 2.0 },
            Design::Morris { trajectories, .. } => trajectories as f64 * (d + 1.0),
        };
        if points > MAX_DESIGN_POINTS as f64 {
            let what = vary
                .iter()
                .map(Vary::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            return Err(VaryError(format!(
                "the design has {points:.0} points ({what}), more than the limit of {MAX_DESIGN_POINTS} (allowed: fewer STEPS or points; see docs/model.md, Limits)"
            )));
        }
        Ok(())
    }

    /// The parameter values of every point, in point order; `seed` makes a
    /// Latin hypercube, a Saltelli design or Morris trajectories
    /// reproducible. Saltelli and Morris designs need LO < HI in every
    /// range.
    pub fn points(&self, vary: &[Vary], seed: u64) -> Result<Vec<Vec<f64>>, VaryError> {
        self.check_size(vary)?;
        let bounds = || -> Result<Vec<Bounds>, VaryError> {
            vary.iter()
                .map(|v| Bounds::new(v.lo, v.hi).map_err(|e| VaryError(format!("{}: {e}", v.path))))
                .collect()
        };
        Ok(match *self {
            Design::Saltelli {
                samples,
                second_order,
            } => saltelli_design(&bounds()?, samples, second_order, seed)?,
            Design::Morris {
                trajectories,
                levels,
            } => morris_design(&bounds()?, trajectories, levels, seed)?,
            Design::Grid => vary.iter().fold(vec![Vec::new()], |points, v| {
                points
                    .iter()
                    .flat_map(|p| {
                        v.grid().into_iter().map(move |x| {
                            let mut q = p.clone();
                            q.push(x);
                            q
                        })
                    })
                    .collect()
            }),
            Design::LatinHypercube(n) => {
                let mut key = [0u8; 32];
                key[..8].copy_from_slice(&seed.to_le_bytes());
                key[16..].copy_from_slice(DESIGN_LABEL);
                let mut rng = ChaCha8Rng::from_seed(key);
                let columns: Vec<Vec<f64>> = vary
                    .iter()
                    .map(|v| {
                        let mut strata: Vec<usize> = (0..n).collect();
                        strata.shuffle(&mut rng);
                        strata
                            .into_iter()
                            .map(|k| {
                                let u: f64 = rng.random();
                                v.lo + (v.hi - v.lo) * (k as f64 + u) / n as f64
                            })
                            .collect()
                    })
                    .collect();
                (0..n)
                    .map(|i| columns.iter().map(|c| c[i]).collect())
                    .collect()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vary_and_design_read_back_what_they_write() {
        for text in ["a.b=0.1:0.30000000000000004:7", "party.x.rate=-1:1e300:1"] {
            let v: Vary = text.parse().unwrap();
            assert_eq!(v.to_string().parse::<Vary>().unwrap(), v, "{text}");
        }
        for d in [
            Design::Grid,
            Design::LatinHypercube(12),
            Design::Saltelli {
                samples: 64,
                second_order: true,
            },
            Design::Saltelli {
                samples: 2,
                second_order: false,
            },
            Design::Morris {
                trajectories: 10,
                levels: 6,
            },
        ] {
            assert_eq!(d.to_string().parse::<Design>().unwrap(), d);
        }
        for bad in [
            "lhs:0",
            "lhs",
            "Grid",
            "lhs:x",
            "grid:",
            "saltelli:100",
            "saltelli:1",
            "morris:10:3",
            "morris:1:4",
            "morris:10",
        ] {
            assert!(bad.parse::<Design>().is_err(), "{bad}");
        }
    }

    #[test]
    fn grids_cover_every_combination_in_order() {
        let a: Vary = "monitoring.detection=0.5:1:3".parse().unwrap();
        let b: Vary = "compliance.tolerance=0:2:2".parse().unwrap();
        assert_eq!(a.grid(), vec![0.5, 0.75, 1.0]);
        let pts = Design::Grid.points(&[a, b], 0).unwrap();
        assert_eq!(pts.len(), 6);
        assert_eq!(pts[0], vec![0.5, 0.0]);
        assert_eq!(pts[1], vec![0.5, 2.0]);
        assert_eq!(pts[5], vec![1.0, 2.0]);
    }

    #[test]
    fn latin_hypercubes_use_every_stratum_once() {
        let a: Vary = "monitoring.detection=0:1".parse().unwrap();
        let b: Vary = "party.x.rate=10:20".parse().unwrap();
        let pts = Design::LatinHypercube(8)
            .points(&[a.clone(), b.clone()], 42)
            .unwrap();
        assert_eq!(
            pts,
            Design::LatinHypercube(8).points(&[a, b], 42).unwrap(),
            "reproducible"
        );
        for (dim, (lo, hi)) in [(0.0, 1.0), (10.0, 20.0)].into_iter().enumerate() {
            let mut strata: Vec<usize> = pts
                .iter()
                .map(|p| ((p[dim] - lo) / (hi - lo) * 8.0).floor() as usize)
                .collect();
            strata.sort();
            assert_eq!(strata, (0..8).collect::<Vec<_>>());
        }
    }

    #[test]
    fn bad_vary_arguments_are_named() {
        for bad in [
            "x",
            "a.b=1",
            "a.b=1:x:3",
            "a.b=2:1:3",
            "a.b=0:1:0",
            "a..b=0:1:2",
            "a.b=nan:1",
        ] {
            assert!(bad.parse::<Vary>().is_err(), "{bad}");
        }
    }
}
