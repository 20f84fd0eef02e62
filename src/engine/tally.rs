//! Integer accumulators of a batch. Every aggregate is a count or an exact
//! integer sum, so tallies of parts of a batch can be merged in any order and
//! give the same bytes: thread count and block size cannot change a result.

use super::run::{DayObserver, RunSummary};
use crate::model::DayRecord;
use crate::scenario::Scenario;

/// Count, sum and sum of squares of a non-negative integer quantity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    /// Number of observations.
    pub n: u64,
    /// Σx.
    pub sum: u128,
    /// Σx².
    pub sum_sq: u128,
}

impl Sums {
    /// Adds one observation.
    pub fn add(&mut self, x: u64) {
        let x = u128::from(x);
        self.n += 1;
        self.sum += x;
        self.sum_sq += x * x;
    }

    /// Adds every observation of `other`.
    pub fn merge(&mut self, other: &Sums) {
        self.n += other.n;
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
    }
}

/// Per-day counts: which phase each run was in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyTally {
    phases: usize,
    /// `occupancy[t * phases + φ]`: runs simulated in phase φ on day t.
    occupancy: Vec<u64>,
    /// `absorbed[t * phases + φ]`: runs that rest in absorbing φ from day t.
    absorbed: Vec<u64>,
}

impl DailyTally {
    /// An empty tally for a scenario.
    pub fn new(scenario: &Scenario) -> Self {
        let cells = scenario.horizon_days as usize * scenario.phases.len();
        DailyTally {
            phases: scenario.phases.len(),
            occupancy: vec![0; cells],
            absorbed: vec![0; cells],
        }
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &DailyTally) {
        for (a, b) in self.occupancy.iter_mut().zip(&other.occupancy) {
            *a += b;
        }
        for (a, b) in self.absorbed.iter_mut().zip(&other.absorbed) {
            *a += b;
        }
    }

    /// `occupancy[t][φ]`: number of runs in phase φ on day t, for every day.
    pub fn occupancy(&self) -> Vec<Vec<u64>> {
        let mut resting = vec![0u64; self.phases];
        self.occupancy
            .chunks(self.phases)
            .zip(self.absorbed.chunks(self.phases))
            .map(|(sim, abs)| {
                for (r, a) in resting.iter_mut().zip(abs) {
                    *r += a;
                }
                sim.iter().zip(&resting).map(|(s, r)| s + r).collect()
            })
            .collect()
    }
}

impl DayObserver for DailyTally {
    fn day(&mut self, rec: &DayRecord) {
        self.occupancy[rec.day as usize * self.phases + rec.phase] += 1;
    }

    fn absorbed(&mut self, phase: usize, from: u32) {
        self.absorbed[from as usize * self.phases + phase] += 1;
    }
}

/// Per-run aggregates, observed in run order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunTally {
    /// Runs observed.
    pub runs: u64,
    /// Per phase: runs that entered it.
    pub entered: Vec<u64>,
    /// Per phase: entry day of the runs that entered it.
    pub entry_day: Vec<Sums>,
    /// Per phase: histogram of entry days (`horizon_days` buckets).
    pub entry_histogram: Vec<Vec<u64>>,
    /// Per phase: runs whose last day was in it.
    pub in_phase_at_end: Vec<u64>,
    /// Per phase ψ: runs whose first move out of the initial phase went to ψ.
    pub first_move: Vec<u64>,
    /// Per party: actual attacks per run.
    pub attacks: Vec<Sums>,
    /// Per party: reported violations per run.
    pub reported: Vec<Sums>,
    /// Convoys delivered per run.
    pub convoys_delivered: Sums,
    /// Convoys blocked per run.
    pub convoys_blocked: Sums,
}

impl RunTally {
    /// An empty tally for a scenario.
    pub fn new(scenario: &Scenario) -> Self {
        let (np, nq) = (scenario.phases.len(), scenario.parties.len());
        RunTally {
            runs: 0,
            entered: vec![0; np],
            entry_day: vec![Sums::default(); np],
            entry_histogram: vec![vec![0; scenario.horizon_days as usize]; np],
            in_phase_at_end: vec![0; np],
            first_move: vec![0; np],
            attacks: vec![Sums::default(); nq],
            reported: vec![Sums::default(); nq],
            convoys_delivered: Sums::default(),
            convoys_blocked: Sums::default(),
        }
    }

    /// Adds one run.
    pub fn observe(&mut self, s: &RunSummary) {
        self.runs += 1;
        for (phase, day) in s.entered.iter().enumerate() {
            if let Some(day) = *day {
                self.entered[phase] += 1;
                self.entry_day[phase].add(u64::from(day));
                self.entry_histogram[phase][day as usize] += 1;
            }
        }
        self.in_phase_at_end[s.final_phase] += 1;
        if let Some(to) = s.first_move {
            self.first_move[to] += 1;
        }
        for (p, (a, r)) in s.attacks.iter().zip(&s.reported).enumerate() {
            self.attacks[p].add(*a);
            self.reported[p].add(*r);
        }
        self.convoys_delivered.add(s.convoys_delivered);
        self.convoys_blocked.add(s.convoys_blocked);
    }
}

/// Everything a batch accumulates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Per-day counts.
    pub daily: DailyTally,
    /// Per-run aggregates.
    pub runs: RunTally,
}

impl Tally {
    /// An empty tally for a scenario.
    pub fn new(scenario: &Scenario) -> Self {
        Tally {
            daily: DailyTally::new(scenario),
            runs: RunTally::new(scenario),
        }
    }
}
