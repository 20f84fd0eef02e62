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
    #[doc(hidden)]
    pub metric: &'a str,
    /// Its phase or party.
    #[doc(hidden)]
    pub subject: &'a str,
    /// Mean under A.
    #[doc(hidden)]
    pub a: f64,
    /// Mean under B.
    #[doc(hidden)]
    pub b: f64,
    /// B − A with the paired interval.
    #[doc(hidden)]
    pub difference: Estimate,
    /// B − A with the interval of independent batches.
    #[doc(hidden)]
    pub independent: Estimate,
    /// How many times narrower the paired interval is.
    #[doc(hidden)]
    pub narrowing: f64,
    /// Runs on each side.
    #[doc(hidden)]
    pub runs: u64,
}

/// Writes compare.csv: `metric,subject,a,b,difference,ci_low,ci_high,
/// independent_ci_low,independent_ci_high,narrowing,runs`.
#[doc(hidden)]
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
