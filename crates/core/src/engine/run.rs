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

impl RunSummary {
    /// An empty summary sized for a scenario: no phase entered, no move,
    /// every total 0.
    pub(crate) fn new(scenario: &Scenario) -> Self {
        RunSummary {
            run: 0,
            final_phase: scenario.initial_phase(),
            entered: vec![None; scenario.phases().len()],
            first_move: None,
            first_exit: vec![None; scenario.phases().len()],
            attacks: vec![0; scenario.parties().len()],
            reported: vec![0; scenario.parties().len()],
            convoys_delivered: 0,
            convoys_blocked: 0,
        }
    }
}

/// The summaries of consecutive runs, kept in a few flat vectors for all of
/// them rather than four vectors per run: a batch keeps every run of a
/// block for its observer, and would otherwise allocate four vectors per
/// run on a worker and free them on the thread that delivers the block.
#[derive(Debug, Default)]
pub(crate) struct KeptRuns {
    /// Per run: its scalar fields.
    heads: Vec<Head>,
    /// The per-phase and per-party fields of every run, one run after
    /// another.
    entered: Vec<Option<u32>>,
    first_exit: Vec<Option<usize>>,
    attacks: Vec<u64>,
    reported: Vec<u64>,
}

/// The scalar fields of a [`RunSummary`].
#[derive(Debug, Clone, Copy)]
struct Head {
    run: u64,
    final_phase: usize,
    first_move: Option<usize>,
    convoys_delivered: u64,
    convoys_blocked: u64,
}

impl KeptRuns {
    /// Keeps a copy of `s`.
    pub(crate) fn push(&mut self, s: &RunSummary) {
        self.heads.push(Head {
            run: s.run,
            final_phase: s.final_phase,
            first_move: s.first_move,
            convoys_delivered: s.convoys_delivered,
            convoys_blocked: s.convoys_blocked,
        });
        self.entered.extend_from_slice(&s.entered);
        self.first_exit.extend_from_slice(&s.first_exit);
        self.attacks.extend_from_slice(&s.attacks);
        self.reported.extend_from_slice(&s.reported);
    }

    /// Hands each kept run to `f` in the order kept, rebuilt in `scratch`,
    /// a summary made for the same scenario ([`RunSummary::new`]).
    pub(crate) fn each<E>(
        &self,
        scratch: &mut RunSummary,
        mut f: impl FnMut(&RunSummary) -> Result<(), E>,
    ) -> Result<(), E> {
        let (phases, parties) = (scratch.entered.len(), scratch.attacks.len());
        for (i, h) in self.heads.iter().enumerate() {
            scratch.run = h.run;
            scratch.final_phase = h.final_phase;
            scratch.first_move = h.first_move;
            scratch.convoys_delivered = h.convoys_delivered;
            scratch.convoys_blocked = h.convoys_blocked;
            let (by_phase, by_party) =
                (i * phases..(i + 1) * phases, i * parties..(i + 1) * parties);
            scratch
                .entered
                .copy_from_slice(&self.entered[by_phase.clone()]);
            scratch
                .first_exit
                .copy_from_slice(&self.first_exit[by_phase]);
            scratch
                .attacks
                .copy_from_slice(&self.attacks[by_party.clone()]);
            scratch.reported.copy_from_slice(&self.reported[by_party]);
            f(scratch)?;
        }
        Ok(())
    }
}

/// A run could not be completed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("run {run} stopped")]
pub struct RunError {
    /// The run index.
    pub(crate) run: u64,
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
            summary: RunSummary::new(scenario),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Batch;

    /// Geneva 2016: 4 parties and 3 phases, so that a mix-up of the
    /// per-party and per-phase ranges shows.
    fn geneva() -> Scenario {
        let scenario = Scenario::from_toml(
            include_str!("../../../../scenarios/geneva-2016.toml"),
            "geneva-2016",
        )
        .expect("valid scenario");
        assert_ne!(scenario.parties().len(), scenario.phases().len());
        scenario
    }

    /// Kept runs come back as they were kept, field for field, in order,
    /// on a scenario whose runs end in different phases and totals.
    #[test]
    fn kept_runs_come_back_as_kept() {
        let scenario = geneva();
        let batch = Batch::new(&scenario, 7);
        let mut ws = batch.workspace();
        let mut kept = KeptRuns::default();
        let mut cloned = Vec::new();
        for run in 0..300 {
            let s = ws.simulate(run, &mut ()).expect("no run fails");
            kept.push(s);
            cloned.push(s.clone());
        }
        // The runs differ, so a mix-up of runs would show.
        assert!(
            cloned
                .iter()
                .any(|s| s.final_phase != cloned[0].final_phase)
        );
        assert!(cloned.iter().any(|s| s.attacks != cloned[0].attacks));
        let mut back = Vec::new();
        kept.each(&mut RunSummary::new(&scenario), |s| {
            back.push(s.clone());
            Ok::<_, ()>(())
        })
        .expect("no refusal");
        assert_eq!(back, cloned);
    }

    /// A refusal stops the hand-over at the run refused.
    #[test]
    fn kept_runs_stop_at_a_refusal() {
        let scenario = geneva();
        let batch = Batch::new(&scenario, 7);
        let mut ws = batch.workspace();
        let mut kept = KeptRuns::default();
        for run in 0..10 {
            kept.push(ws.simulate(run, &mut ()).expect("no run fails"));
        }
        let mut seen = Vec::new();
        let refused = kept.each(&mut RunSummary::new(&scenario), |s| {
            seen.push(s.run);
            if s.run == 4 { Err(s.run) } else { Ok(()) }
        });
        assert_eq!(refused, Err(4));
        assert_eq!(seen, [0, 1, 2, 3, 4]);
    }
}
