//! The rows of summary.csv, from any [`Estimates`].

use super::estimates::{Estimates, RunTotal};
use super::metric::Metric;
use super::{Estimate, quantile, wilson};
use crate::engine::RunTally;
use crate::scenario::Scenario;

/// One row of summary.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryEntry {
    /// What is estimated.
    pub metric: Metric,
    /// The phase or party it concerns (`all` for convoys).
    pub subject: String,
    /// The estimate and its 95% interval.
    pub value: Estimate,
    /// Number of runs the estimate rests on (`None` for an exact answer,
    /// which rests on no sample).
    #[doc(hidden)]
    pub runs: Option<u64>,
}

/// Subject suffix of the `first_exit` row counting runs that entered a phase
/// and never left it before the horizon. Parentheses cannot occur in ids.
pub(crate) const STAYED: &str = "(stayed)";

/// The phases a run can move to from phase `phase` (not itself), each once,
/// in file order: the subjects of its `first_exit` rows.
pub(crate) fn exit_targets(scenario: &Scenario, phase: usize) -> Vec<usize> {
    let mut targets: Vec<usize> = Vec::new();
    for tr in &scenario.phases()[phase].transitions {
        if tr.to != phase && !targets.contains(&tr.to) {
            targets.push(tr.to);
        }
    }
    targets
}

/// Every row of summary.csv, in a fixed order: phase metrics phase by phase
/// (entry share, share at the end, entry-day mean and quantiles, then the
/// competing first exits), then party metrics party by party, then convoys.
pub fn summary_rows(scenario: &Scenario, est: &dyn Estimates) -> Vec<SummaryEntry> {
    let mut rows = Vec::new();
    let mut row = |metric, subject: &str, value, runs| {
        rows.push(SummaryEntry {
            metric,
            subject: subject.to_string(),
            value,
            runs,
        })
    };
    let runs = est.runs();
    for (i, phase) in scenario.phases().iter().enumerate() {
        let id = phase.id.as_str();
        let entered: f64 = est.entries(i).iter().sum();
        let entered_runs = est.entered_runs(i);
        row(Metric::Entered, id, est.entered_share(i), runs);
        row(Metric::InPhaseAtEnd, id, est.share(est.at_end(i)), runs);
        row(
            Metric::EntryDayMean,
            id,
            est.entry_day_mean(i),
            entered_runs,
        );
        for (q, metric) in Metric::ENTRY_DAY_QUANTILES {
            row(metric, id, est.entry_day_quantile(i, q), entered_runs);
        }
        if phase.is_absorbing() {
            continue;
        }
        // Competing outcomes: where runs went when they first left the phase.
        let exits = est.first_exits(i);
        for to in exit_targets(scenario, i) {
            let subject = format!("{id}>{}", scenario.phases()[to].id);
            let value = est.share_of(exits[to], entered);
            row(Metric::FirstExit, &subject, value, entered_runs);
        }
        let stayed = (entered - exits.iter().sum::<f64>()).max(0.0);
        let subject = format!("{id}>{STAYED}");
        let value = est.share_of(stayed, entered);
        row(Metric::FirstExit, &subject, value, entered_runs);
    }
    for (p, party) in scenario.parties().iter().enumerate() {
        let value = est.per_run(RunTotal::Attacks(p));
        row(Metric::AttacksPerRun, &party.id, value, runs);
    }
    for (p, party) in scenario
        .parties()
        .iter()
        .enumerate()
        .filter(|(_, p)| p.bound)
    {
        let value = est.per_run(RunTotal::Reported(p));
        row(Metric::ReportedPerRun, &party.id, value, runs);
    }
    let delivered = est.per_run(RunTotal::ConvoysDelivered);
    row(Metric::ConvoysDeliveredPerRun, "all", delivered, runs);
    let blocked = est.per_run(RunTotal::ConvoysBlocked);
    row(Metric::ConvoysBlockedPerRun, "all", blocked, runs);
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
        .phases()
        .iter()
        .enumerate()
        .map(|(i, phase)| PhaseLine {
            phase: phase.id.clone(),
            entered: wilson(t.entered[i], t.count),
            median_entry_day: quantile(&t.entry_histogram[i], 0.5),
        })
        .collect()
}
