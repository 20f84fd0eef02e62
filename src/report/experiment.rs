//! Writers of the experiment outputs: sweep.csv and points.csv of `sweep`,
//! compare.csv of `compare`. Columns are documented in docs/outputs.md.

use std::io::Write;

use super::{csv_writer, number};
use crate::scenario::paths::ParamPath;
use crate::stats::Estimate;
use crate::stats::summary::SummaryEntry;

/// One evaluated point of a sweep.
#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// The value of each varied path, in `--vary` order (for a categorical
    /// path, the position of its word).
    pub values: Vec<f64>,
    /// The word of each categorical path's value (`None` for numeric
    /// paths), as the files show it.
    pub words: Vec<Option<String>>,
    /// Runs simulated at this point.
    pub(crate) runs: u64,
    /// The summary rows of this point (as in summary.csv).
    pub rows: Vec<SummaryEntry>,
}

impl SweepPoint {
    /// Each value as the files show it: the word of a categorical path, the
    /// number otherwise.
    pub(crate) fn shown(&self) -> Vec<String> {
        let words = self.words.iter().chain(std::iter::repeat(&None));
        self.values
            .iter()
            .zip(words)
            .map(|(x, w)| w.clone().unwrap_or_else(|| number(*x)))
            .collect()
    }
}

/// Writes sweep.csv: `point,<one column per path>,metric,subject,estimate,
/// ci_low,ci_high,runs`, one row per point and summary metric.
pub(crate) fn write_sweep<W: Write>(
    paths: &[ParamPath],
    points: &[SweepPoint],
    w: W,
) -> csv::Result<()> {
    let mut out = csv_writer(w);
    let mut header = vec!["point".to_string()];
    header.extend(paths.iter().map(ToString::to_string));
    header.extend(["metric", "subject", "estimate", "ci_low", "ci_high", "runs"].map(String::from));
    out.write_record(&header)?;
    for (k, p) in points.iter().enumerate() {
        for row in &p.rows {
            let mut record = vec![k.to_string()];
            record.extend(p.shown());
            record.extend([
                row.metric.to_string(),
                row.subject.clone(),
                number(row.value.estimate),
                number(row.value.low),
                number(row.value.high),
                row.runs.map(|r| r.to_string()).unwrap_or_default(),
            ]);
            out.write_record(&record)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Writes points.csv: `point,<one column per path>,runs`.
pub(crate) fn write_points<W: Write>(
    paths: &[ParamPath],
    points: &[SweepPoint],
    w: W,
) -> csv::Result<()> {
    let mut out = csv_writer(w);
    let mut header = vec!["point".to_string()];
    header.extend(paths.iter().map(ToString::to_string));
    header.push("runs".into());
    out.write_record(&header)?;
    for (k, p) in points.iter().enumerate() {
        let mut record = vec![k.to_string()];
        record.extend(p.shown());
        record.push(p.runs.to_string());
        out.write_record(&record)?;
    }
    out.flush()?;
    Ok(())
}

/// One row of compare.csv: a metric under both scenarios and their paired
/// difference.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow<'a> {
    /// The metric.
    pub(crate) metric: &'a str,
    /// Its phase or party.
    pub(crate) subject: &'a str,
    /// Mean under A.
    pub(crate) a: f64,
    /// Mean under B.
    pub(crate) b: f64,
    /// B − A with the paired interval.
    pub(crate) difference: Estimate,
    /// B − A with the interval of independent batches.
    pub(crate) independent: Estimate,
    /// How many times narrower the paired interval is.
    pub(crate) narrowing: f64,
    /// Runs on each side.
    pub(crate) runs: u64,
}

/// Writes compare.csv: `metric,subject,a,b,difference,ci_low,ci_high,
/// independent_ci_low,independent_ci_high,narrowing,runs`.
pub fn write_comparison<W: Write>(rows: &[ComparisonRow<'_>], w: W) -> csv::Result<()> {
    let mut out = csv_writer(w);
    out.write_record([
        "metric",
        "subject",
        "a",
        "b",
        "difference",
        "ci_low",
        "ci_high",
        "independent_ci_low",
        "independent_ci_high",
        "narrowing",
        "runs",
    ])?;
    for m in rows {
        out.write_record([
            m.metric.to_string(),
            m.subject.to_string(),
            number(m.a),
            number(m.b),
            number(m.difference.estimate),
            number(m.difference.low),
            number(m.difference.high),
            number(m.independent.low),
            number(m.independent.high),
            number(m.narrowing),
            m.runs.to_string(),
        ])?;
    }
    out.flush()?;
    Ok(())
}
