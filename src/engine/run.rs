//! One run: the day step of [`crate::model`] repeated to the horizon, with the
//! bookkeeping of entries and totals that outputs need.

use super::streams::{RunStreams, StreamKeys};
use crate::model::{self, DayRecord, IntensityError, RunState, Tables};
use crate::scenario::Scenario;

/// Receives every simulated day of a run (a trace writer, a daily tally).
pub trait DayObserver {
    /// Day `rec.day` has been simulated.
    fn day(&mut self, rec: &DayRecord);
    /// The run is in absorbing phase `phase` from day `from` to the horizon;
    /// no further days are simulated.
    fn absorbed(&mut self, _phase: usize, _from: u32) {}
}

/// Observes nothing.
impl DayObserver for () {
    fn day(&mut self, _rec: &DayRecord) {}
}

/// What a batch keeps of one run: one row of runs.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    /// Run index within the batch.
    pub run: u64,
    /// Phase of the last day.
    pub final_phase: usize,
    /// Day each phase was first entered, per phase (`None`: censored).
    pub entered: Vec<Option<u32>>,
    /// Phase entered by the first transition to another phase, if any.
    pub first_move: Option<usize>,
    /// Per phase φ: the phase the run moved to when it first left φ, if it
    /// did (competing outcomes of φ).
    pub first_exit: Vec<Option<usize>>,
    /// Total actual attacks per party.
    pub attacks: Vec<u64>,
    /// Total reported violations per party (0 for excluded parties).
    pub reported: Vec<u64>,
    /// Convoys delivered over the run.
    pub convoys_delivered: u64,
    /// Convoys blocked over the run.
    pub convoys_blocked: u64,
}

/// A run could not be completed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("run {run} stopped")]
pub struct RunError {
    /// The run index.
    pub run: u64,
    /// What went wrong.
    #[source]
    pub source: IntensityError,
}

/// Reusable buffers for simulating runs one after another on one thread.
#[derive(Debug)]
pub struct Workspace<'a> {
    scenario: &'a Scenario,
    tables: &'a Tables,
    state: RunState,
    rec: DayRecord,
    streams: RunStreams<'a>,
    /// The summary of the run simulated last, its vectors reused.
    summary: RunSummary,
}

impl<'a> Workspace<'a> {
    /// Buffers for a scenario and the stream keys of a seed.
    pub(crate) fn new(scenario: &'a Scenario, tables: &'a Tables, keys: &'a StreamKeys) -> Self {
        Workspace {
            scenario,
            tables,
            state: RunState::new(scenario),
            rec: DayRecord::new(scenario),
            streams: RunStreams::new(keys),
            summary: RunSummary {
                run: 0,
                final_phase: scenario.initial_phase(),
                entered: vec![None; scenario.phases().len()],
                first_move: None,
                first_exit: vec![None; scenario.phases().len()],
                attacks: vec![0; scenario.parties().len()],
                reported: vec![0; scenario.parties().len()],
                convoys_delivered: 0,
                convoys_blocked: 0,
            },
        }
    }

    /// Simulates run `run`, telling `observer` about every day.
    pub fn run<O: DayObserver>(
        &mut self,
        run: u64,
        observer: &mut O,
    ) -> Result<RunSummary, RunError> {
        self.simulate(run, observer).cloned()
    }

    /// [`Workspace::run`], with the summary lent from the workspace: a batch
    /// that only tallies its runs allocates nothing per run.
    pub(crate) fn simulate<O: DayObserver>(
        &mut self,
        run: u64,
        observer: &mut O,
    ) -> Result<&RunSummary, RunError> {
        let sc = self.scenario;
        self.state.reset(sc);
        self.streams.start_run(run);
        let s = &mut self.summary;
        s.run = run;
        s.entered.fill(None);
        s.first_move = None;
        s.first_exit.fill(None);
        s.attacks.fill(0);
        s.reported.fill(0);
        s.convoys_delivered = 0;
        s.convoys_blocked = 0;
        s.entered[sc.initial_phase()] = Some(0);
        let horizon = sc.horizon_days();
        for day in 0..horizon {
            let phase = self.state.phase;
            if sc.phases()[phase].is_absorbing() {
                observer.absorbed(phase, day);
                break;
            }
            let rec = &mut self.rec;
            model::step(
                sc,
                self.tables,
                &mut self.state,
                rec,
                &mut self.streams,
                day,
                day + 1 == horizon,
            )
            .map_err(|source| RunError { run, source })?;
            observer.day(rec);
            for (total, x) in s.attacks.iter_mut().zip(rec.attacks_by_party()) {
                *total += x;
            }
            for (total, x) in s.reported.iter_mut().zip(rec.reported_by_party()) {
                *total += x;
            }
            s.convoys_blocked += rec.blocked;
            s.convoys_delivered += rec.convoys - rec.blocked;
            let to = self.state.phase;
            if rec.transition.is_some() && to != phase {
                s.first_move.get_or_insert(to);
                s.first_exit[phase].get_or_insert(to);
                s.entered[to].get_or_insert(day + 1);
            }
        }
        s.final_phase = self.state.phase;
        Ok(s)
    }
}
