//! What a run's day records do not show but a reader of a trace needs to
//! follow it: each party's attack intensity and remembered attacks, and,
//! for every transition whose condition is an `all` or `any`, which of its
//! parts held on the days it was read.
//!
//! Like [`super::WindowReadings`], these are recomputed from the day
//! records a run reports, with the model's own formulas
//! ([`crate::model::intensity`], [`crate::model::next_memory`],
//! [`crate::model::holds`]) and the run's own streams (a `probability`
//! part draws the very number the run drew: streams are positioned by
//! day), so the hot path of a batch computes nothing for them.

use super::DayObserver;
use super::streams::{RunStreams, StreamKeys};
use crate::model::{DayRecord, RunState, holds, intensity, next_memory};
use crate::scenario::{Condition, Scenario};

/// One part of an `all` or `any` condition and where it is.
#[derive(Debug, Clone)]
struct Part {
    phase: usize,
    transition: usize,
    condition: Condition,
    /// Its `--set` path without the leading `phase.`, e.g.
    /// `truce.transition.1.when.any.0`.
    column: String,
}

/// Observes one run and keeps, for each day, every party's intensity and
/// memory and whether each part of each `all`/`any` condition held.
#[derive(Debug)]
#[doc(hidden)]
pub struct RunInternals<'a> {
    scenario: &'a Scenario,
    keys: StreamKeys,
    run: u64,
    state: RunState,
    parts: Vec<Part>,
    rows: Vec<Vec<String>>,
}

impl<'a> RunInternals<'a> {
    /// For run `run` of seed `seed`.
    #[doc(hidden)]
    pub fn new(scenario: &'a Scenario, seed: u64, run: u64) -> Self {
        let mut parts = Vec::new();
        for (phase, ph) in scenario.phases().iter().enumerate() {
            for (transition, t) in ph.transitions.iter().enumerate() {
                let path = format!("{}.transition.{transition}.when", ph.id);
                collect(&t.when, &path, &mut |condition, column| {
                    parts.push(Part {
                        phase,
                        transition,
                        condition: condition.clone(),
                        column,
                    });
                });
            }
        }
        RunInternals {
            scenario,
            keys: StreamKeys::new(scenario, seed),
            run,
            state: RunState::new(scenario),
            parts,
            rows: Vec::new(),
        }
    }

    /// `intensity_<party>` and `memory_<party>` for every party, then one
    /// column per part of an `all`/`any` condition, in file order.
    #[doc(hidden)]
    pub fn columns(&self) -> Vec<String> {
        let parties = self.scenario.parties();
        let mut columns: Vec<String> = parties
            .iter()
            .map(|p| format!("intensity_{}", p.id))
            .collect();
        columns.extend(parties.iter().map(|p| format!("memory_{}", p.id)));
        columns.extend(self.parts.iter().map(|p| p.column.clone()));
        columns
    }

    /// Per observed day (absorbed days included), the cells of
    /// [`RunInternals::columns`]: empty where a value is not defined (days
    /// in an absorbing phase, parts not read that day).
    #[doc(hidden)]
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }
}

/// Calls `f` with every part of every `all`/`any` in `c`, and its path.
fn collect(c: &Condition, path: &str, f: &mut impl FnMut(&Condition, String)) {
    if let Condition::All(cs) | Condition::Any(cs) = c {
        let kind = if matches!(c, Condition::All(_)) {
            "all"
        } else {
            "any"
        };
        for (i, inner) in cs.iter().enumerate() {
            let here = format!("{path}.{kind}.{i}");
            f(inner, here.clone());
            collect(inner, &here, f);
        }
    }
}

impl DayObserver for RunInternals<'_> {
    fn day(&mut self, rec: &DayRecord) {
        let sc = self.scenario;
        let phase = &sc.phases()[rec.phase];
        let mut row: Vec<String> = sc
            .parties()
            .iter()
            .enumerate()
            .map(|(p, party)| intensity(phase, p, party, self.state.memory[p]).to_string())
            .collect();
        row.extend(self.state.memory.iter().map(f64::to_string));
        for (p, party) in sc.parties().iter().enumerate() {
            self.state.memory[p] = next_memory(party, self.state.memory[p], rec);
        }
        // The state at the end of the day, before any transition: what the
        // run's conditions read.
        let s = &mut self.state;
        (s.phase, s.streak, s.days_in_phase) = (rec.phase, rec.streak, rec.days_in_phase);
        s.window.record(rec.day, rec);
        let tried = rec.day + 1 < sc.horizon_days();
        let mut streams = RunStreams::new(&self.keys);
        streams.start_run(self.run);
        for part in &self.parts {
            let read = tried
                && part.phase == rec.phase
                && rec.transition.is_none_or(|fired| part.transition <= fired);
            row.push(match read {
                true => holds(&part.condition, s, rec.compliant, rec.day, &mut streams).to_string(),
                false => String::new(),
            });
        }
        self.rows.push(row);
    }

    fn absorbed(&mut self, _phase: usize, from: u32) {
        let width = 2 * self.scenario.parties().len() + self.parts.len();
        for _ in from..self.scenario.horizon_days() {
            self.rows.push(vec![String::new(); width]);
        }
    }
}
