//! (v2) The running value of every window condition on the days it is
//! read, for `ceasefire trace`: what a reader of a trace needs to see why a
//! window rule fired, or did not, on a given day.
//!
//! The values are recomputed from the day records a run reports, with the
//! model's own window history, so the hot path of a batch computes nothing
//! for them.

use super::DayObserver;
use crate::model::{DayRecord, WindowHistory};
use crate::scenario::{Condition, Scenario};

/// One window condition of a scenario and where it is.
#[derive(Debug, Clone)]
struct Window {
    /// The phase whose transition reads it.
    phase: usize,
    /// The transition (within the phase) whose condition contains it.
    transition: usize,
    /// The condition itself.
    condition: Condition,
    /// Its column name: its `--set` path without the leading `phase.`.
    column: String,
}

/// Observes a run and keeps, for each day, the running value of every
/// window condition on that day (`None` when it is not read).
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct WindowReadings<'a> {
    scenario: &'a Scenario,
    history: WindowHistory,
    windows: Vec<Window>,
    rows: Vec<Vec<Option<u64>>>,
}

impl<'a> WindowReadings<'a> {
    /// Readings of every window condition of `scenario`, in file order.
    #[doc(hidden)]
    pub fn new(scenario: &'a Scenario) -> Self {
        let mut windows = Vec::new();
        for (phase, ph) in scenario.phases().iter().enumerate() {
            for (transition, t) in ph.transitions.iter().enumerate() {
                collect(
                    &t.when,
                    &format!("{}.transition.{transition}.when", ph.id),
                    &mut |condition, column| {
                        windows.push(Window {
                            phase,
                            transition,
                            condition: condition.clone(),
                            column,
                        });
                    },
                );
            }
        }
        WindowReadings {
            scenario,
            history: WindowHistory::new(scenario),
            windows,
            rows: Vec::new(),
        }
    }

    /// One column name per window condition, e.g.
    /// `truce.transition.1.when.reported_in_window`.
    #[doc(hidden)]
    pub fn columns(&self) -> Vec<String> {
        self.windows.iter().map(|w| w.column.clone()).collect()
    }

    /// Per observed day (absorbed days included), the value of each window
    /// on that day, or `None` where it is not read.
    #[doc(hidden)]
    pub fn rows(&self) -> &[Vec<Option<u64>>] {
        &self.rows
    }
}

/// Calls `f` with every window condition in `c` and its path.
fn collect(c: &Condition, path: &str, f: &mut impl FnMut(&Condition, String)) {
    match c {
        Condition::ReportedInWindow { .. } => f(c, format!("{path}.reported_in_window")),
        Condition::BlockedInWindow { .. } => f(c, format!("{path}.blocked_in_window")),
        Condition::ViolationDaysInWindow { .. } => {
            f(c, format!("{path}.violation_days_in_window"));
        }
        Condition::All(cs) | Condition::Any(cs) => {
            let kind = if matches!(c, Condition::All(_)) {
                "all"
            } else {
                "any"
            };
            for (i, inner) in cs.iter().enumerate() {
                collect(inner, &format!("{path}.{kind}.{i}"), f);
            }
        }
        _ => {}
    }
}

impl DayObserver for WindowReadings<'_> {
    fn day(&mut self, rec: &DayRecord) {
        let sc = self.scenario;
        self.history.record(rec.day, rec);
        // Transitions are tried on every day but the last, in file order,
        // until one fires.
        let tried = rec.day + 1 < sc.horizon_days();
        let h = &self.history;
        let row = self
            .windows
            .iter()
            .map(|w| {
                let read = tried
                    && w.phase == rec.phase
                    && rec.transition.is_none_or(|fired| w.transition <= fired);
                read.then(|| match w.condition {
                    Condition::ReportedInWindow {
                        days,
                        severity,
                        party,
                        ..
                    } => h.sum(rec.day, days, severity, party),
                    Condition::BlockedInWindow { days, .. } => h.blocked(rec.day, days),
                    Condition::ViolationDaysInWindow { days, .. } => {
                        h.violation_days(rec.day, days)
                    }
                    _ => unreachable!("only window conditions are collected"),
                })
            })
            .collect();
        self.rows.push(row);
    }

    fn absorbed(&mut self, _phase: usize, from: u32) {
        for _ in from..self.scenario.horizon_days() {
            self.rows.push(vec![None; self.windows.len()]);
        }
    }
}

/// Two observers of the same run.
impl<A: DayObserver, B: DayObserver> DayObserver for (A, B) {
    fn day(&mut self, rec: &DayRecord) {
        self.0.day(rec);
        self.1.day(rec);
    }
    fn absorbed(&mut self, phase: usize, from: u32) {
        self.0.absorbed(phase, from);
        self.1.absorbed(phase, from);
    }
}
