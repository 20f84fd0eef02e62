//! compare.csv of `compare`, the paired comparison of two scenarios.
//! Columns are documented in docs/outputs.md. (A sweep's files are in
//! `report::sweep`.)

use std::io::Write;

use super::{csv_writer, number};
use crate::stats::Estimate;

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
pub(crate) fn write_comparison<W: Write>(rows: &[ComparisonRow<'_>], w: W) -> csv::Result<()> {
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
