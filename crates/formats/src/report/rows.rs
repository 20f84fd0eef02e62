//! The rows of the CSV files whose columns are fixed, as serde types used
//! both to write the files and to read them back (for charts, merges and
//! checks), so that a writer and a reader cannot disagree on a column.
//!
//! Numbers are written as the shortest decimal that reads back to the same
//! `f64` (Rust's `Display`), and an undefined value (`NaN`) as an empty
//! field, through `Num`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::DayMetric;
use crate::stats::Metric;

/// A number in a CSV field: shortest round-trip digits, empty for `NaN`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Num(pub f64);

impl Num {
    /// The value, or `None` for an empty field.
    pub(crate) fn value(self) -> Option<f64> {
        (!self.0.is_nan()).then_some(self.0)
    }
}

/// Formats a float for CSV: shortest round-trip digits, empty for `NaN`.
pub(crate) fn number(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        x.to_string()
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&number(self.0))
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.is_empty() {
            return Ok(Num(f64::NAN));
        }
        s.parse::<f64>()
            .map(Num)
            .map_err(|_| serde::de::Error::custom(format!("'{s}' is not a number")))
    }
}

/// One row of daily.csv: the share of runs in a phase on a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[doc(hidden)]
pub struct DailyRow {
    /// Day index.
    pub(crate) day: u32,
    /// Calendar date of the day.
    pub(crate) date: String,
    /// Phase id.
    pub(crate) phase: String,
    /// Share of runs in the phase.
    pub(crate) share: Num,
    /// Lower bound of its 95% interval.
    pub(crate) ci_low: Num,
    /// Upper bound of its 95% interval.
    pub(crate) ci_high: Num,
}

/// One row of curves.csv: first entry into a phase by a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[doc(hidden)]
pub struct CurveRow {
    /// Phase id.
    pub(crate) phase: String,
    /// Day index.
    pub(crate) day: u32,
    /// Calendar date of the day.
    pub(crate) date: String,
    /// Runs (a probability, for exact answers) not yet in the phase.
    pub(crate) at_risk: Num,
    /// Runs (or probability) entering the phase that day, first time.
    pub(crate) entered: Num,
    /// Share of all runs that have entered the phase by that day.
    pub(crate) cumulative_share: Num,
    /// Lower bound of its 95% interval.
    pub(crate) ci_low: Num,
    /// Upper bound of its 95% interval.
    pub(crate) ci_high: Num,
    /// Discrete hazard `entered / at_risk`.
    pub(crate) hazard: Num,
}

/// One row of daily_metrics.csv: a day's mean of a quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[doc(hidden)]
pub struct MetricRow {
    /// Day index.
    pub(crate) day: u32,
    /// Calendar date of the day.
    pub(crate) date: String,
    /// The quantity (see [`DayMetric::name`]).
    pub(crate) metric: String,
    /// The party, or `all`.
    pub(crate) subject: String,
    /// Mean over runs (a share for `compliant`).
    pub(crate) mean: Num,
    /// Lower bound of its 95% interval.
    pub(crate) ci_low: Num,
    /// Upper bound of its 95% interval.
    pub(crate) ci_high: Num,
}

impl MetricRow {
    /// Whether the row measures `metric` (whatever its party).
    pub(crate) fn is(&self, metric: DayMetric) -> bool {
        self.metric == metric.name()
    }
}

/// One row of summary.csv: a metric of a phase, a party or all runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SummaryRow {
    /// The metric.
    pub(crate) metric: Metric,
    /// The phase, party, `from>to` or `all`.
    pub(crate) subject: String,
    /// The estimate.
    pub(crate) estimate: Num,
    /// Lower bound of its 95% interval.
    pub(crate) ci_low: Num,
    /// Upper bound of its 95% interval.
    pub(crate) ci_high: Num,
    /// Runs the estimate rests on (empty for exact answers).
    pub(crate) runs: Option<u64>,
}
