//! The rows of summary.csv, built from a batch's tally.

use super::{Estimate, mean, quantile, quantile_interval, wilson};
use crate::engine::RunTally;
use crate::scenario::Scenario;

/// One row of summary.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// What is estimated (`entered`, `attacks_per_run`, …).
    pub metric: &'static str,
    /// The phase or party it concerns (`all` for convoys).
    pub subject: String,
    /// The estimate and its 95% interval.
    pub value: Estimate,
    /// Number of runs the estimate rests on (`None` for an exact answer,
    /// which rests on no sample).
    pub runs: Option<u64>,
}

/// Quantiles of the entry day reported for every phase, with their metric
/// names.
pub const ENTRY_DAY_QUANTILES: [(f64, &str); 3] = [
    (0.1, "entry_day_q10"),
    (0.5, "entry_day_q50"),
    (0.9, "entry_day_q90"),
];

/// Subject suffix of the `first_exit` row counting runs that entered a phase
/// and never left it before the horizon. Parentheses cannot occur in ids.
pub const STAYED: &str = "(stayed)";

/// The phases a run can move to from phase `phase` (not itself), each once,
/// in file order: the subjects of its `first_exit` rows.
pub fn exit_targets(scenario: &Scenario, phase: usize) -> Vec<usize> {
    let mut targets: Vec<usize> = Vec::new();
    for tr in &scenario.phases[phase].transitions {
        if tr.to != phase && !targets.contains(&tr.to) {
            targets.push(tr.to);
        }
    }
    targets
}

/// Every row of summary.csv, in a fixed order: phase metrics phase by phase
/// (entry share, share at the end, entry-day mean and quantiles, then the
/// competing first exits), then party metrics party by party, then convoys.
pub fn summary_rows(scenario: &Scenario, t: &RunTally) -> Vec<SummaryRow> {
    let mut rows = Vec::new();
    let mut row = |metric, subject: &str, value, runs| {
        rows.push(SummaryRow {
            metric,
            subject: subject.to_string(),
            value,
            runs: Some(runs),
        })
    };
    for (i, phase) in scenario.phases.iter().enumerate() {
        let id = phase.id.as_str();
        row("entered", id, wilson(t.entered[i], t.runs), t.runs);
        row(
            "in_phase_at_end",
            id,
            wilson(t.in_phase_at_end[i], t.runs),
            t.runs,
        );
        row("entry_day_mean", id, mean(&t.entry_day[i]), t.entered[i]);
        for (q, metric) in ENTRY_DAY_QUANTILES {
            let value = quantile_interval(&t.entry_histogram[i], q).unwrap_or(Estimate::UNDEFINED);
            row(metric, id, value, t.entered[i]);
        }
        if phase.is_absorbing() {
            continue;
        }
        // Competing outcomes: where runs went when they first left the phase.
        let exits = &t.first_exit[i];
        for to in exit_targets(scenario, i) {
            let subject = format!("{id}>{}", scenario.phases[to].id);
            row(
                "first_exit",
                &subject,
                wilson(exits[to], t.entered[i]),
                t.entered[i],
            );
        }
        let stayed = t.entered[i] - exits.iter().sum::<u64>();
        let subject = format!("{id}>{STAYED}");
        row(
            "first_exit",
            &subject,
            wilson(stayed, t.entered[i]),
            t.entered[i],
        );
    }
    for (p, party) in scenario.parties.iter().enumerate() {
        row("attacks_per_run", &party.id, mean(&t.attacks[p]), t.runs);
    }
    for (p, party) in scenario.parties.iter().enumerate().filter(|(_, p)| p.bound) {
        row("reported_per_run", &party.id, mean(&t.reported[p]), t.runs);
    }
    row(
        "convoys_delivered_per_run",
        "all",
        mean(&t.convoys_delivered),
        t.runs,
    );
    row(
        "convoys_blocked_per_run",
        "all",
        mean(&t.convoys_blocked),
        t.runs,
    );
    rows
}

/// One line of the table `run` prints: a phase, the share of runs that
/// entered it, and the median entry day among those.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseLine {
    /// Phase id.
    pub phase: String,
    /// Share of runs that entered the phase, with its interval.
    pub entered: Estimate,
    /// Median entry day among runs that entered it.
    pub median_entry_day: Option<u32>,
}

/// The per-phase table printed after a run.
pub fn phase_table(scenario: &Scenario, t: &RunTally) -> Vec<PhaseLine> {
    scenario
        .phases
        .iter()
        .enumerate()
        .map(|(i, phase)| PhaseLine {
            phase: phase.id.clone(),
            entered: wilson(t.entered[i], t.runs),
            median_entry_day: quantile(&t.entry_histogram[i], 0.5),
        })
        .collect()
}
