//! The rows of daily_metrics.csv: day-by-day means over runs of attacks,
//! reported violations, compliance and convoys, from the daily tally.
//!
//! Every mean divides by all runs of the batch. A run that rests in an
//! absorbing phase has no simulated days there and counts as 0 (0 attacks,
//! 0 convoys, not compliant), so a falling line after a collapse says that
//! fewer runs are still being fought over, not that fighting eased.

use super::Estimate;
use super::estimates::Estimates;
use crate::engine::DayMetric;
use crate::scenario::Scenario;

/// One row of daily_metrics.csv.
#[derive(Debug, Clone, PartialEq)]
#[doc(hidden)]
pub struct MetricRow {
    /// Day index.
    #[doc(hidden)]
    pub day: u32,
    /// What is measured.
    #[doc(hidden)]
    pub metric: DayMetric,
    /// The party it concerns, or `all`.
    #[doc(hidden)]
    pub subject: String,
    /// Mean over runs (a share for `compliant`) with its 95% interval.
    #[doc(hidden)]
    pub value: Estimate,
}

/// Every row of daily_metrics.csv, day by day; within a day: attacks of
/// every party, reported violations of every bound party, compliance,
/// convoys delivered and blocked.
#[doc(hidden)]
pub fn daily_metric_rows(scenario: &Scenario, est: &dyn Estimates) -> Vec<MetricRow> {
    let mut rows = Vec::new();
    for day in 0..scenario.horizon_days() {
        let mut push = |metric, subject: &str| {
            rows.push(MetricRow {
                day,
                metric,
                subject: subject.to_string(),
                value: est.daily(day, metric),
            })
        };
        for (p, party) in scenario.parties().iter().enumerate() {
            push(DayMetric::Attacks(p), &party.id);
        }
        for (p, party) in scenario
            .parties()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.bound)
        {
            push(DayMetric::Reported(p), &party.id);
        }
        push(DayMetric::Compliant, "all");
        push(DayMetric::ConvoysDelivered, "all");
        push(DayMetric::ConvoysBlocked, "all");
    }
    rows
}
