//! Files of sensitivity studies and scenario discovery: indices.csv,
//! design.csv, outputs.csv and prim.csv (columns in docs/outputs.md). The
//! reader they start from, of a sweep's sweep.csv, is `report::sweep`.
//!
//! Row types are `Serialize + Deserialize`, so the same struct writes a file
//! and reads it back; columns that depend on the varied paths are written
//! with a reused record instead.

use std::io::Write;

use serde::{Deserialize, Serialize};

use super::{csv_writer, number, point_header};
use crate::discover::PrimBox;
use crate::sensitivity::{BootstrapEstimate, MorrisIndices, SobolIndices};

/// Which method computed an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IndexMethod {
    /// Variance-based indices on a Saltelli design.
    Sobol,
    /// Elementary effects on Morris trajectories.
    Morris,
}

/// Which index a row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Index {
    /// First-order Sobol' index.
    S1,
    /// Total Sobol' index.
    ST,
    /// Second-order Sobol' index of a pair.
    S2,
    /// Morris mean elementary effect.
    #[serde(rename = "mu")]
    Mu,
    /// Morris mean absolute elementary effect.
    #[serde(rename = "mu_star")]
    MuStar,
    /// Morris standard deviation of the elementary effects.
    #[serde(rename = "sigma")]
    Sigma,
}

/// One row of indices.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexRow {
    /// `sobol` or `morris`.
    pub(crate) method: IndexMethod,
    /// The metric of summary.csv (e.g. `entered`).
    pub(crate) outcome: String,
    /// Its subject (a phase or party).
    pub(crate) subject: String,
    /// The varied path, or `PATH_A:PATH_B` for a second-order index (R's
    /// notation for an interaction).
    pub parameter: String,
    /// `S1`, `ST`, `S2`, `mu`, `mu_star` or `sigma`.
    pub index: Index,
    /// The index.
    pub estimate: f64,
    /// Lower end of its 95% bootstrap interval (empty for mu and sigma).
    pub ci_low: Option<f64>,
    /// Upper end (empty for mu and sigma).
    pub ci_high: Option<f64>,
}

/// An outcome: a metric of summary.csv for one subject.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Outcome {
    /// The metric (`entered`, `attacks_per_run`, …).
    pub metric: String,
    /// The phase or party.
    pub subject: String,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.metric, self.subject)
    }
}

impl IndexRow {
    fn new(
        method: IndexMethod,
        o: &Outcome,
        parameter: String,
        index: Index,
        e: BootstrapEstimate,
    ) -> Self {
        IndexRow {
            method,
            outcome: o.metric.clone(),
            subject: o.subject.clone(),
            parameter,
            index,
            estimate: e.estimate,
            ci_low: Some(e.low()),
            ci_high: Some(e.high()),
        }
    }

    /// The rows of Sobol' indices: S1 and ST parameter by parameter, then
    /// S2 pair by pair.
    pub fn sobol(o: &Outcome, paths: &[String], s: &SobolIndices) -> Vec<IndexRow> {
        let mut rows = Vec::new();
        for (j, p) in paths.iter().enumerate() {
            rows.push(Self::new(
                IndexMethod::Sobol,
                o,
                p.clone(),
                Index::S1,
                s.s1[j],
            ));
            rows.push(Self::new(
                IndexMethod::Sobol,
                o,
                p.clone(),
                Index::ST,
                s.st[j],
            ));
        }
        for &(j, k, e) in &s.s2 {
            let pair = format!("{}:{}", paths[j], paths[k]);
            rows.push(Self::new(IndexMethod::Sobol, o, pair, Index::S2, e));
        }
        rows
    }

    /// The rows of Morris measures: mu, mu_star and sigma parameter by
    /// parameter.
    pub fn morris(o: &Outcome, paths: &[String], m: &MorrisIndices) -> Vec<IndexRow> {
        let mut rows = Vec::new();
        for (j, p) in paths.iter().enumerate() {
            let bare = |index, estimate| IndexRow {
                ci_low: None,
                ci_high: None,
                ..Self::new(
                    IndexMethod::Morris,
                    o,
                    p.clone(),
                    index,
                    BootstrapEstimate {
                        estimate,
                        half_width: 0.0,
                    },
                )
            };
            rows.push(bare(Index::Mu, m.mu[j]));
            rows.push(Self::new(
                IndexMethod::Morris,
                o,
                p.clone(),
                Index::MuStar,
                m.mu_star[j],
            ));
            rows.push(bare(Index::Sigma, m.sigma[j]));
        }
        rows
    }
}

/// One row of outputs.csv: the estimate of one outcome at one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputRow {
    /// The point (row of design.csv).
    pub point: usize,
    /// The metric.
    pub outcome: String,
    /// Its subject.
    pub subject: String,
    /// The estimate at the point.
    pub estimate: f64,
}

/// Writes design.csv: `point,<one column per path>`, one row per point.
pub fn write_design<W: Write>(paths: &[String], points: &[Vec<f64>], w: W) -> csv::Result<()> {
    let mut out = csv_writer(w);
    out.write_record(point_header(paths, &[]))?;
    for (k, p) in points.iter().enumerate() {
        let mut record = vec![k.to_string()];
        record.extend(p.iter().map(|x| number(*x)));
        out.write_record(&record)?;
    }
    out.flush()?;
    Ok(())
}

/// Writes prim.csv: `box,coverage,density,mass,points,of_interest,
/// restricted`, then `PATH:lo,PATH:hi` for every path; one row per box of
/// the peeling trajectory.
pub fn write_prim<W: Write>(paths: &[String], boxes: &[PrimBox], w: W) -> csv::Result<()> {
    let mut out = csv_writer(w);
    let mut header: Vec<String> = [
        "box",
        "coverage",
        "density",
        "mass",
        "points",
        "of_interest",
        "restricted",
    ]
    .map(String::from)
    .to_vec();
    for p in paths {
        header.push(format!("{p}:lo"));
        header.push(format!("{p}:hi"));
    }
    out.write_record(&header)?;
    for (k, b) in boxes.iter().enumerate() {
        let mut record = vec![
            k.to_string(),
            number(b.coverage),
            number(b.density),
            number(b.mass),
            b.points.to_string(),
            b.of_interest.to_string(),
            b.restricted.len().to_string(),
        ];
        for (lo, hi) in &b.limits {
            record.push(number(*lo));
            record.push(number(*hi));
        }
        out.write_record(&record)?;
    }
    out.flush()?;
    Ok(())
}
