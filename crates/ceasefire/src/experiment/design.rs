//! Designs of sweeps: which parameter values each point of a sweep uses.

use crate::options::Opt;
use std::str::FromStr;

use rand::RngExt;
use rand::seq::SliceRandom;

use crate::scenario::paths::{ParamPath, PathError};
use crate::sensitivity::{Bounds, SensitivityError, morris_design, saltelli_design};

/// Label of the design's random stream (Latin hypercubes), kept apart from
/// every run's streams.
const DESIGN_LABEL: &[u8; 16] = b"ceasefire/lhs/v1";

/// One varied parameter: `PATH=LO:HI[:STEPS]`, `PATH=log:LO:HI:STEPS` or
/// `PATH=A,B,C`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// The parameter.
    pub(crate) path: ParamPath,
    /// Lowest value.
    pub(crate) lo: f64,
    /// Highest value.
    pub(crate) hi: f64,
    /// Which values a grid takes between `lo` and `hi`.
    pub(crate) values: Values,
}

/// The values a grid takes for one varied parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// `LO:HI`: a range for sampled designs (Latin hypercube, Saltelli,
    /// Morris); a grid refuses it, since it would not know how many values
    /// to take.
    Range,
    /// `LO:HI:STEPS`: `STEPS` evenly spaced values, LO + i·(HI−LO)/(STEPS−1),
    /// rounded to decimals (see `Vary::grid`).
    Even(usize),
    /// `log:LO:HI:STEPS`: `STEPS` geometrically spaced values,
    /// LO·(HI/LO)^(i/(STEPS−1)), rounded to significant digits.
    Log(usize),
    /// `A,B,C`: exactly these values, in this order.
    List(Vec<f64>),
    /// `A,B,C` with words (`major,any`, `true,false`): categorical or
    /// boolean values, each set as `--set PATH=A` would set it. The grid
    /// values are their positions 0, 1, 2…, and the files show the words.
    Labels(Vec<String>),
}

impl Values {
    /// How many values a grid takes (a bare range, which a grid refuses,
    /// counts as its two ends).
    pub(crate) fn count(&self) -> usize {
        match self {
            Values::Range => 2,
            Values::Even(steps) | Values::Log(steps) => *steps,
            Values::List(values) => values.len(),
            Values::Labels(labels) => labels.len(),
        }
    }
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
                "'{s}' is not PATH=LO:HI:STEPS, PATH=log:LO:HI:STEPS or PATH=A,B,C (e.g. monitoring.detection=0.5:0.95:10)"
            ))
        };
        let (path, range) = s.split_once('=').ok_or_else(usage)?;
        let path: ParamPath = path.trim().parse()?;
        let number = |t: &str| -> Result<f64, VaryError> {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| VaryError(format!("'{t}' in '{s}' is not a finite number")))
        };
        let steps = |t: &str, least: usize| -> Result<usize, VaryError> {
            t.trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= least)
                .ok_or_else(|| {
                    VaryError(format!(
                        "STEPS '{t}' in '{s}' is not allowed (allowed: a whole number ≥ {least})"
                    ))
                })
        };
        let range = range.trim();
        let words: Vec<&str> = range.split(',').map(str::trim).collect();
        let is_number = |t: &&str| t.parse::<f64>().is_ok();
        let (lo, hi, values) = if range.contains(',') && !words.iter().any(is_number) {
            if let Some(bad) = words.iter().find(|w| !is_label(w)) {
                return Err(VaryError(format!(
                    "'{bad}' in '{s}' is not allowed (allowed: numbers, or words of letters, digits, '_' and '-' such as major,any or true,false)"
                )));
            }
            let n = (words.len() - 1) as f64;
            (
                0.0,
                n,
                Values::Labels(words.iter().map(|w| w.to_string()).collect()),
            )
        } else if range.contains(',') {
            let list = words
                .iter()
                .map(|w| number(w))
                .collect::<Result<Vec<f64>, _>>()?;
            let lo = list.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = list.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (lo, hi, Values::List(list))
        } else {
            let parts: Vec<&str> = range.split(':').collect();
            match parts[..] {
                ["log", lo, hi, n] => {
                    let (lo, hi) = (number(lo)?, number(hi)?);
                    if lo <= 0.0 {
                        return Err(VaryError(format!(
                            "LO {lo} of the log range '{s}' is not allowed (allowed: LO > 0)"
                        )));
                    }
                    (lo, hi, Values::Log(steps(n, 2)?))
                }
                ["log", ..] => {
                    return Err(VaryError(format!(
                        "'{s}' is not PATH=log:LO:HI:STEPS (e.g. party.isis.rate=log:0.01:1:5)"
                    )));
                }
                [lo, hi] => (number(lo)?, number(hi)?, Values::Range),
                [lo, hi, n] => (number(lo)?, number(hi)?, Values::Even(steps(n, 1)?)),
                _ => return Err(usage()),
            }
        };
        if lo > hi {
            return Err(VaryError(format!("LO {lo} is above HI {hi} in '{s}'")));
        }
        Ok(Vary {
            path,
            lo,
            hi,
            values,
        })
    }
}

/// The argument's own form (`PATH=LO:HI`, `PATH=LO:HI:STEPS`,
/// `PATH=log:LO:HI:STEPS`, `PATH=A,B,C`), which reads back as the same
/// `Vary` (floats are written with the shortest digits that round-trip).
impl std::fmt::Display for Vary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (path, lo, hi) = (&self.path, self.lo, self.hi);
        match &self.values {
            Values::Range => write!(f, "{path}={lo}:{hi}"),
            Values::Even(n) => write!(f, "{path}={lo}:{hi}:{n}"),
            Values::Log(n) => write!(f, "{path}=log:{lo}:{hi}:{n}"),
            Values::List(list) => {
                let list: Vec<String> = list.iter().map(f64::to_string).collect();
                write!(f, "{path}={}", list.join(","))
            }
            Values::Labels(words) => write!(f, "{path}={}", words.join(",")),
        }
    }
}

/// Whether a word can be a categorical value: a bare TOML word.
fn is_label(w: &str) -> bool {
    !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Decimals in the shortest text of `x` that reads back as `x`.
fn decimals(x: f64) -> i32 {
    let text = x.to_string();
    text.split_once('.').map_or(0, |(_, d)| d.len() as i32)
}

/// `x` rounded to `d` decimals, through its decimal text so that `0.4`
/// comes out as the double nearest 0.4.
fn round_decimals(x: f64, d: i32) -> f64 {
    let d = d.clamp(0, 17) as usize;
    format!("{x:.d$}").parse().unwrap_or(x)
}

/// `x` rounded to `digits` significant digits.
fn round_significant(x: f64, digits: usize) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let d = digits.saturating_sub(1).min(16);
    format!("{x:.d$e}").parse().unwrap_or(x)
}

/// The first two values of `values` that are equal, if any.
fn first_duplicate(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

impl Vary {
    /// The grid values, in order.
    ///
    /// - `LO:HI:STEPS`: LO + i·(HI−LO)/(STEPS−1), rounded to the decimals the
    ///   grid needs: those of LO and HI, plus as many as the step needs when
    ///   it ends (0.05 in `0.3:1:15`: 2 more), or else the digits of STEPS−1
    ///   plus one (`0:1:4` gives 0, 0.33, 0.67, 1). So `0.4` is written `0.4`,
    ///   never `0.39999999999999997`.
    /// - `log:LO:HI:STEPS`: LO·(HI/LO)^(i/(STEPS−1)), rounded to the fewest
    ///   significant digits, at least 3, that keep every value distinct
    ///   (`log:0.01:1:5` gives 0.01, 0.0316, 0.1, 0.316, 1).
    /// - `A,B,C`: the values as given.
    ///
    /// Refused: a range without steps (a grid must be told how many values
    /// to take), and, for keys that take whole numbers, values that round to
    /// the same whole number (they would run the same point twice).
    pub(crate) fn grid(&self) -> Result<Vec<f64>, VaryError> {
        let values = match &self.values {
            Values::Range => {
                return Err(VaryError(format!(
                    "{}={}:{} has no steps: a grid needs them (give steps: PATH=LO:HI:STEPS, e.g. {}={}:{}:5), or use {} lhs",
                    self.path,
                    self.lo,
                    self.hi,
                    self.path,
                    self.lo,
                    self.hi,
                    Opt::Design
                )));
            }
            Values::Even(n) => self.even(*n),
            Values::Log(n) => self.geometric(*n),
            Values::List(list) => list.clone(),
            Values::Labels(words) => {
                if let Some(k) = (1..words.len()).find(|&k| words[..k].contains(&words[k])) {
                    return Err(VaryError(format!(
                        "{self} gives the value {} twice (allowed: distinct values)",
                        words[k]
                    )));
                }
                return Ok((0..words.len()).map(|k| k as f64).collect());
            }
        };
        if let Some(x) = first_duplicate(&values) {
            return Err(VaryError(format!(
                "{self} gives the value {x} twice (allowed: distinct values)"
            )));
        }
        if self.path.is_integer() {
            let whole: Vec<f64> = values.iter().map(|x| x.round()).collect();
            if let Some(x) = first_duplicate(&whole) {
                let shown: Vec<String> = values.iter().map(f64::to_string).collect();
                let distinct = (self.hi.round() - self.lo.round()) as i64 + 1;
                return Err(VaryError(format!(
                    "{self}: {} takes whole numbers, and its values {} round to {x} more than once, so points would run twice (allowed: values that round to distinct whole numbers, e.g. at most {distinct} steps: {}={}:{}:{distinct})",
                    self.path,
                    shown.join(", "),
                    self.path,
                    self.lo.round(),
                    self.hi.round(),
                )));
            }
        }
        Ok(values)
    }

    /// `n` evenly spaced values from `lo` to `hi`, rounded as [`Vary::grid`]
    /// says.
    fn even(&self, n: usize) -> Vec<f64> {
        if n == 1 {
            return vec![self.lo];
        }
        let gaps = n - 1;
        let bounds = decimals(self.lo).max(decimals(self.hi));
        let d = bounds + self.step_decimals(bounds, gaps);
        (0..n)
            .map(|i| {
                let x = self.lo + (self.hi - self.lo) * i as f64 / gaps as f64;
                round_decimals(x, d)
            })
            .collect()
    }

    /// Decimals beyond those of the bounds that the grid's step needs: the
    /// step (HI−LO)/gaps in units of 10^−bounds is a fraction p/q; if q has
    /// no prime factors but 2 and 5, its decimal expansion ends after
    /// max(twos, fives) digits; otherwise the digits of `gaps` plus one.
    fn step_decimals(&self, bounds: i32, gaps: usize) -> i32 {
        let fallback = gaps.to_string().len() as i32 + 1;
        let scale = 10f64.powi(bounds.min(17));
        let span = ((self.hi - self.lo) * scale).round();
        if !(span.is_finite() && span.abs() < 1e15) {
            return fallback;
        }
        let gaps = gaps as u64;
        let mut q = gaps / gcd(span as u64, gaps);
        let (mut twos, mut fives) = (0, 0);
        while q.is_multiple_of(2) {
            q /= 2;
            twos += 1;
        }
        while q.is_multiple_of(5) {
            q /= 5;
            fives += 1;
        }
        if q == 1 { twos.max(fives) } else { fallback }
    }

    /// `n` geometrically spaced values from `lo` to `hi`, rounded as
    /// [`Vary::grid`] says.
    fn geometric(&self, n: usize) -> Vec<f64> {
        let gaps = (n - 1) as f64;
        let exact: Vec<f64> = (0..n)
            .map(|i| self.lo * (self.hi / self.lo).powf(i as f64 / gaps))
            .collect();
        (3..=17)
            .map(|digits| {
                exact
                    .iter()
                    .map(|&x| round_significant(x, digits))
                    .collect::<Vec<_>>()
            })
            .find(|v| first_duplicate(v).is_none())
            .unwrap_or(exact)
    }

    /// Refuses value lists and log ranges in designs that sample a range.
    fn range_only(&self, design: Design) -> Result<(), VaryError> {
        match self.values {
            Values::Range | Values::Even(_) => Ok(()),
            Values::Log(_) | Values::List(_) | Values::Labels(_) => Err(VaryError(format!(
                "{self}: value lists and log ranges are for grids; {} {design} samples a range (allowed: PATH=LO:HI)",
                Opt::Design
            ))),
        }
    }
}

/// The words of each categorical path (`None` for numeric ones), in path
/// order: a point's value for such a path is the position of its word.
pub fn labels_of(vary: &[Vary]) -> Vec<Option<Vec<String>>> {
    vary.iter()
        .map(|v| match &v.values {
            Values::Labels(words) => Some(words.clone()),
            _ => None,
        })
        .collect()
}

/// Greatest common divisor.
fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
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
    pub(crate) fn check_size(&self, vary: &[Vary]) -> Result<(), VaryError> {
        use crate::scenario::limits::MAX_DESIGN_POINTS;
        let d = vary.len() as f64;
        let points = match *self {
            Design::Grid => vary.iter().map(|v| v.values.count() as f64).product(),
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
    pub(crate) fn points(&self, vary: &[Vary], seed: u64) -> Result<Vec<Vec<f64>>, VaryError> {
        self.check_size(vary)?;
        if *self != Design::Grid {
            for v in vary {
                v.range_only(*self)?;
            }
        }
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
            Design::Grid => {
                let grids = vary.iter().map(Vary::grid).collect::<Result<Vec<_>, _>>()?;
                grids.iter().fold(vec![Vec::new()], |points, values| {
                    points
                        .iter()
                        .flat_map(|p| {
                            values.iter().map(move |&x| {
                                let mut q = p.clone();
                                q.push(x);
                                q
                            })
                        })
                        .collect()
                })
            }
            Design::LatinHypercube(n) => {
                let mut rng = crate::engine::streams::labelled_rng(seed, DESIGN_LABEL);
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
        for text in [
            "a.b=0.1:0.30000000000000004:7",
            "party.x.rate=-1:1e300:1",
            "a.b=0.5:1",
            "a.b=log:0.01:1:5",
            "a.b=0.9,0.1,0.5",
            "compliance.counts=major,any",
            "compliance.requires_aid=true,false",
        ] {
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
        assert_eq!(a.grid().unwrap(), vec![0.5, 0.75, 1.0]);
        let pts = Design::Grid.points(&[a, b], 0).unwrap();
        assert_eq!(pts.len(), 6);
        assert_eq!(pts[0], vec![0.5, 0.0]);
        assert_eq!(pts[1], vec![0.5, 2.0]);
        assert_eq!(pts[5], vec![1.0, 2.0]);
    }

    fn grid(text: &str) -> Result<Vec<f64>, VaryError> {
        text.parse::<Vary>().unwrap().grid()
    }

    #[test]
    fn grid_values_are_the_decimals_a_user_would_write() {
        let detection = grid("monitoring.detection=0.3:1:15").unwrap();
        assert_eq!(detection[2], 0.4);
        assert_eq!(detection[1], 0.35);
        assert_eq!(detection[14], 1.0);
        assert_eq!(grid("a.b=0:1:4").unwrap(), vec![0.0, 0.33, 0.67, 1.0]);
        assert_eq!(grid("a.b=0:1:65").unwrap()[1], 0.015625);
        assert_eq!(grid("a.b=0.1:0.3:3").unwrap(), vec![0.1, 0.2, 0.3]);
        assert_eq!(
            grid("a.b=log:0.01:1:5").unwrap(),
            vec![0.01, 0.0316, 0.1, 0.316, 1.0]
        );
        assert_eq!(grid("a.b=0.9,0.1,0.5").unwrap(), vec![0.9, 0.1, 0.5]);
        assert_eq!(grid("compliance.counts=major,any").unwrap(), vec![0.0, 1.0]);
        assert!(grid("compliance.counts=major,major").is_err());
        let fine = grid("a.b=log:1:1.01:50").unwrap();
        assert_eq!(first_duplicate(&fine), None);
    }

    #[test]
    fn grids_refuse_what_they_cannot_run_once_per_point() {
        let no_steps = grid("a.b=0:1").unwrap_err().to_string();
        assert!(
            no_steps.contains("give steps: PATH=LO:HI:STEPS"),
            "{no_steps}"
        );
        let twice = grid("compliance.tolerance=0:3:7").unwrap_err().to_string();
        assert!(twice.contains("whole numbers"), "{twice}");
        assert!(twice.contains("compliance.tolerance=0:3:4"), "{twice}");
        assert!(grid("compliance.tolerance=0:3:4").is_ok());
        assert!(grid("a.b=0.1,0.1").is_err());
        let lhs = Design::LatinHypercube(4).points(&["a.b=0.1,0.5".parse().unwrap()], 0);
        assert!(lhs.is_err());
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
            "a.b=log:0:1:3",
            "a.b=log:0.1:1",
            "a.b=0.1,x",
            "a.b=x,y z",
        ] {
            assert!(bad.parse::<Vary>().is_err(), "{bad}");
        }
    }
}
