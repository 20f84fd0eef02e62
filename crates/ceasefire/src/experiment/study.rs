//! Sensitivity studies and scenario discovery over the points of a sweep:
//! the analyses of `ceasefire sensitivity` and `ceasefire discover`.
//!
//! A study is a sweep whose design is a Saltelli design or Morris
//! trajectories (every point on the same run seeds, so the points differ
//! only by their parameters: common random numbers); this module takes the
//! sweep's table of estimates and returns the indices of every outcome, the
//! share of each outcome's variance that is Monte Carlo noise, and the rows
//! of design.csv and outputs.csv. Discovery runs PRIM over any sweep's
//! points. Both take what the command parsed and return results; running
//! the points and writing files are done by their callers.

use crate::discover::{PrimBox, PrimError, PrimOptions, prim};
use crate::engine::Tally;
use crate::numeric::z;
use crate::report::sensitivity::{IndexMethod, IndexRow, Outcome, OutputRow};
use crate::report::sweep::{Series, SweepTable};
use crate::scenario::Scenario;
use crate::sensitivity::{SensitivityError, analyze_morris, analyze_sobol};
use crate::stats::summary::summary_rows;

use super::Design;

/// Share of an outcome's variance over the points above which the Monte
/// Carlo noise of the points' estimates is worth a warning: the indices then
/// partly split noise (the 5%).
pub(crate) const NOISE_WARNING: f64 = 0.05;

/// What a study or a discovery cannot do with its inputs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StudyError {
    /// The sweep's design is not one a study can analyse.
    #[error(
        "design '{0}' has no sensitivity analysis (allowed: saltelli:N, saltelli2:N, morris:R:P)"
    )]
    Design(String),
    /// An outcome that the scenario (or the sweep) does not have.
    #[error("outcome {outcome} does not exist (available: {available})")]
    Outcome {
        /// The outcome asked for.
        outcome: String,
        /// The outcomes there are.
        available: String,
    },
    /// An outcome with no estimate at a point (e.g. an entry day of a phase
    /// no run entered, or a row the point does not have).
    #[error(
        "outcome {outcome} has no estimate at point {point} (no run gave it a value, or the point has no row for it); choose another outcome or more runs"
    )]
    Undefined {
        /// The outcome.
        outcome: String,
        /// The point.
        point: usize,
    },
    /// The sweep's points do not form the design.
    #[error(
        "the sweep has {found} points, but {design} over {parameters} parameters has {expected}"
    )]
    Points {
        /// The design.
        design: String,
        /// Parameters.
        parameters: usize,
        /// Points the design has.
        expected: usize,
        /// Points found.
        found: usize,
    },
    /// The estimators refused.
    #[error(transparent)]
    Sensitivity(#[from] SensitivityError),
    /// PRIM refused.
    #[error(transparent)]
    Prim(#[from] PrimError),
}

/// Every outcome of summary.csv that `scenario` has, in its order.
pub(crate) fn available_outcomes(scenario: &Scenario) -> Vec<Outcome> {
    summary_rows(scenario, &Tally::new(scenario))
        .into_iter()
        .map(|r| Outcome {
            metric: r.metric.to_string(),
            subject: r.subject,
        })
        .collect()
}

/// The outcomes of a study by default: the share of runs entering every
/// phase but the initial one, and every party's attacks per run.
pub(crate) fn default_outcomes(scenario: &Scenario) -> Vec<Outcome> {
    let phases = scenario
        .phases()
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != scenario.initial_phase())
        .map(|(_, p)| ("entered", p.id.clone()));
    let parties = scenario
        .parties()
        .iter()
        .map(|p| ("attacks_per_run", p.id.clone()));
    phases
        .chain(parties)
        .map(|(metric, subject)| Outcome {
            metric: metric.to_string(),
            subject,
        })
        .collect()
}

/// Parses `METRIC:SUBJECT` and checks it against `available`.
pub(crate) fn parse_outcome(text: &str, available: &[Outcome]) -> Result<Outcome, StudyError> {
    let outcome = text.split_once(':').map(|(m, s)| Outcome {
        metric: m.trim().to_string(),
        subject: s.trim().to_string(),
    });
    match outcome {
        Some(o) if available.contains(&o) => Ok(o),
        _ => Err(StudyError::Outcome {
            outcome: format!("'{text}'"),
            available: available
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// The results of one outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeStudy {
    /// The outcome.
    pub outcome: Outcome,
    /// Its rows of indices.csv.
    pub indices: Vec<IndexRow>,
    /// Share of its variance over the points that is Monte Carlo noise.
    pub noise_share: f64,
}

/// A study's results.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// `sobol` or `morris`.
    pub method: IndexMethod,
    /// The varied paths.
    pub(crate) paths: Vec<String>,
    /// Every point's values (the rows of design.csv).
    pub(crate) design: Vec<Vec<f64>>,
    /// The rows of outputs.csv.
    pub(crate) outputs: Vec<OutputRow>,
    /// Every outcome's indices.
    pub outcomes: Vec<OutcomeStudy>,
}

/// The share of an outcome's variance over the points that is the Monte
/// Carlo noise of the points' estimates: the mean of each point's noise
/// variance (its standard error, from the half-width of its 95% interval,
/// squared) over the variance of the estimates. Above 1 the differences
/// between points are all noise; NaN when the outcome does not vary.
pub(crate) fn noise_share(s: &Series) -> f64 {
    let z = z();
    let n = s.estimate.len() as f64;
    let noise = s
        .low
        .iter()
        .zip(&s.high)
        .map(|(l, h)| ((h - l) / (2.0 * z)).powi(2))
        .sum::<f64>()
        / n;
    let mean = s.estimate.iter().sum::<f64>() / n;
    let var = s.estimate.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    if var > 0.0 { noise / var } else { f64::NAN }
}

fn series<'a>(table: &'a SweepTable, o: &Outcome) -> Result<&'a Series, StudyError> {
    let s = table.series(o).ok_or_else(|| StudyError::Outcome {
        outcome: o.to_string(),
        available: table
            .series
            .iter()
            .map(|s| s.outcome.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })?;
    match s.estimate.iter().position(|x| !x.is_finite()) {
        Some(point) => Err(StudyError::Undefined {
            outcome: o.to_string(),
            point,
        }),
        None => Ok(s),
    }
}

/// Analyses the sweep `table` of a study of `design` for `outcomes`, with
/// `resamples` bootstrap resamples drawn from `seed`'s streams.
pub(crate) fn analyze_study(
    table: &SweepTable,
    design: Design,
    outcomes: &[Outcome],
    resamples: usize,
    seed: u64,
) -> Result<Study, StudyError> {
    let d = table.paths.len();
    let (method, expected) = match design {
        Design::Saltelli {
            samples,
            second_order,
        } => (
            IndexMethod::Sobol,
            samples * crate::sensitivity::saltelli::rows_per_sample(d, second_order),
        ),
        Design::Morris { trajectories, .. } => (IndexMethod::Morris, trajectories * (d + 1)),
        other => return Err(StudyError::Design(other.to_string())),
    };
    if table.points.len() != expected {
        return Err(StudyError::Points {
            design: design.to_string(),
            parameters: d,
            expected,
            found: table.points.len(),
        });
    }
    let mut study = Study {
        method,
        paths: table.paths.clone(),
        design: table.points.clone(),
        outputs: Vec::new(),
        outcomes: Vec::new(),
    };
    for o in outcomes {
        let s = series(table, o)?;
        let indices = match design {
            Design::Saltelli { second_order, .. } => {
                let si = analyze_sobol(&s.estimate, d, second_order, resamples, seed)?;
                IndexRow::sobol(o, &table.paths, &si)
            }
            Design::Morris { levels, .. } => {
                let m = analyze_morris(&table.points, &s.estimate, levels, resamples, seed)?;
                IndexRow::morris(o, &table.paths, &m)
            }
            _ => unreachable!("checked above"),
        };
        study.outputs.extend(
            s.estimate
                .iter()
                .enumerate()
                .map(|(point, &estimate)| OutputRow {
                    point,
                    outcome: o.metric.clone(),
                    subject: o.subject.clone(),
                    estimate,
                }),
        );
        study.outcomes.push(OutcomeStudy {
            outcome: o.clone(),
            indices,
            noise_share: noise_share(s),
        });
    }
    Ok(study)
}

/// Which points are of interest: those whose estimate is above (or below) a
/// threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// BootstrapEstimate > the value.
    Above(f64),
    /// BootstrapEstimate < the value.
    Below(f64),
}

impl Threshold {
    fn holds(&self, x: f64) -> bool {
        match *self {
            Threshold::Above(t) => x > t,
            Threshold::Below(t) => x < t,
        }
    }
}

/// The result of PRIM over a sweep's points.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    /// The outcome.
    pub(crate) outcome: Outcome,
    /// Which points were of interest.
    pub(crate) threshold: Threshold,
    /// The varied paths.
    pub(crate) paths: Vec<String>,
    /// The peeling trajectory, first box (every point) to last.
    pub boxes: Vec<PrimBox>,
}

/// PRIM over the points of `table`: which region of the paths holds the
/// points whose `outcome` passes `threshold`.
pub(crate) fn discover(
    table: &SweepTable,
    outcome: &Outcome,
    threshold: Threshold,
    options: PrimOptions,
) -> Result<Discovery, StudyError> {
    let s = series(table, outcome)?;
    let flags: Vec<bool> = s.estimate.iter().map(|&x| threshold.holds(x)).collect();
    let boxes = prim(&table.points, &flags, options)?;
    Ok(Discovery {
        outcome: outcome.clone(),
        threshold,
        paths: table.paths.clone(),
        boxes,
    })
}

/// A value as a reader wants it: at most four significant digits.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A share as a percentage.
fn percent(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

impl Discovery {
    /// The box PRIM settles on: the last of the trajectory (the EMA
    /// Workbench's `find_box()`).
    pub(crate) fn chosen(&self) -> &PrimBox {
        self.boxes
            .last()
            .expect("PRIM returns at least the first box")
    }

    /// The chosen box in words, e.g. `entered collapse above 50% when
    /// monitoring.detection ≤ 0.62 and compliance.tolerance ≥ 1.2
    /// (coverage 81%, density 88%, mass 19%)`.
    pub fn describe(&self) -> String {
        let b = self.chosen();
        let first = &self.boxes[0];
        let is_share = matches!(
            self.outcome.metric.as_str(),
            "entered" | "in_phase_at_end" | "first_exit"
        );
        let value = |t: f64| if is_share { percent(t) } else { short(t) };
        let when = match self.threshold {
            Threshold::Above(t) => format!("above {}", value(t)),
            Threshold::Below(t) => format!("below {}", value(t)),
        };
        let conditions: Vec<String> = b
            .restricted
            .iter()
            .map(|&j| {
                let (lo, hi) = b.limits[j];
                let (lo_cut, hi_cut) = (lo != first.limits[j].0, hi != first.limits[j].1);
                let p = &self.paths[j];
                match (lo_cut, hi_cut) {
                    (true, true) => format!("{} ≤ {p} ≤ {}", short(lo), short(hi)),
                    (true, false) => format!("{p} ≥ {}", short(lo)),
                    _ => format!("{p} ≤ {}", short(hi)),
                }
            })
            .collect();
        let stats = format!(
            "coverage {}, density {}, mass {}",
            percent(b.coverage),
            percent(b.density),
            percent(b.mass)
        );
        let subject = format!("{} {}", self.outcome.metric, self.outcome.subject);
        if conditions.is_empty() {
            format!("{subject} {when}: no box improves on all points ({stats})")
        } else {
            format!(
                "{subject} {when} when {} ({stats})",
                conditions.join(" and ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> SweepTable {
        // Two paths on a 10 × 10 grid; the outcome is high when a > 0.55.
        let mut points = Vec::new();
        let mut est = Vec::new();
        for i in 0..10 {
            for j in 0..10 {
                let (a, b) = (i as f64 / 9.0, j as f64 / 9.0);
                points.push(vec![a, b]);
                est.push(if a > 0.55 { 0.9 } else { 0.1 });
            }
        }
        SweepTable {
            paths: vec!["a.x".into(), "b.y".into()],
            points,
            labels: vec![Vec::new(); 2],
            series: vec![Series {
                outcome: Outcome {
                    metric: "entered".into(),
                    subject: "collapse".into(),
                },
                estimate: est.clone(),
                low: est.iter().map(|x| x - 0.01).collect(),
                high: est.iter().map(|x| x + 0.01).collect(),
            }],
        }
    }

    #[test]
    fn discovery_describes_the_region_in_words() {
        let t = table();
        let o = t.series[0].outcome.clone();
        let d = discover(&t, &o, Threshold::Above(0.5), PrimOptions::default()).unwrap();
        let text = d.describe();
        // The cut falls midway between the grid values 4/9 and 5/9.
        assert_eq!(
            text,
            "entered collapse above 50% when a.x ≥ 0.5 (coverage 100%, density 100%, mass 50%)"
        );
        let below = discover(&t, &o, Threshold::Below(0.5), PrimOptions::default()).unwrap();
        assert!(
            below.describe().contains("a.x ≤ 0."),
            "{}",
            below.describe()
        );
    }

    #[test]
    fn noise_shares_compare_interval_widths_with_the_spread() {
        let t = table();
        let share = noise_share(&t.series[0]);
        // Noise sd 0.01/z against half the points at 0.1 and half at 0.9
        // (variance 0.16).
        let expect = (0.01 / z()).powi(2) / 0.16;
        assert!((share - expect).abs() < 1e-12, "{share} vs {expect}");
    }

    #[test]
    fn studies_refuse_what_they_cannot_analyse() {
        let t = table();
        let o = t.series[0].outcome.clone();
        assert!(matches!(
            analyze_study(&t, Design::Grid, std::slice::from_ref(&o), 10, 0),
            Err(StudyError::Design(_))
        ));
        let sobol = Design::Saltelli {
            samples: 8,
            second_order: false,
        };
        assert!(matches!(
            analyze_study(&t, sobol, &[o], 10, 0),
            Err(StudyError::Points {
                expected: 32,
                found: 100,
                ..
            })
        ));
        let e = parse_outcome("entered:nowhere", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("'entered:nowhere' does not exist"), "{e}");
    }
}
