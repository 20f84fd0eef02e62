//! The rows of daily_metrics.csv: day-by-day means over runs of attacks,
//! reported violations, compliance and convoys, from the daily tally.
//!
//! Every mean divides by all runs of the batch. A run that rests in an
//! absorbing phase has no simulated days there and counts as 0 (0 attacks,
//! 0 convoys, not compliant), so a falling line after a collapse says that
//! fewer runs are still being fought over, not that fighting eased.

use super::{Estimate, mean, wilson};
use crate::engine::{DailyTally, DayMetric};
use crate::scenario::Scenario;

/// One row of daily_metrics.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    /// Day index.
    pub day: u32,
    /// What is measured (`attacks`, `reported`, `compliant`, …).
    pub metric: &'static str,
    /// The party it concerns, or `all`.
    pub subject: String,
    /// Mean over runs (a share for `compliant`) with its 95% interval.
    pub value: Estimate,
}

/// Every row of daily_metrics.csv, day by day; within a day: attacks of
/// every party, reported violations of every bound party, compliance,
/// convoys delivered and blocked.
pub fn daily_metric_rows(scenario: &Scenario, daily: &DailyTally) -> Vec<MetricRow> {
    let mut rows = Vec::new();
    for day in 0..scenario.horizon_days {
        let mut push = |metric, subject: &str, value| {
            rows.push(MetricRow {
                day,
                metric,
                subject: subject.to_string(),
                value,
            })
        };
        for (p, party) in scenario.parties.iter().enumerate() {
            push(
                "attacks",
                &party.id,
                mean(&daily.sums(day, DayMetric::Attacks(p))),
            );
        }
        for (p, party) in scenario.parties.iter().enumerate().filter(|(_, p)| p.bound) {
            push(
                "reported",
                &party.id,
                mean(&daily.sums(day, DayMetric::Reported(p))),
            );
        }
        let compliant = daily.sums(day, DayMetric::Compliant);
        // A 0/1 quantity: its sum is a count, and its mean a proportion.
        let count = u64::try_from(compliant.sum).unwrap_or(u64::MAX);
        push("compliant", "all", wilson(count, compliant.n));
        push(
            "convoys_delivered",
            "all",
            mean(&daily.sums(day, DayMetric::ConvoysDelivered)),
        );
        push(
            "convoys_blocked",
            "all",
            mean(&daily.sums(day, DayMetric::ConvoysBlocked)),
        );
    }
    rows
}
