//! The model of `shared/MODEL.md`: the state of one run and the one-day step.
//!
//! This is the file to read to learn what one simulated day does. It knows
//! nothing of threads, batches or files: randomness comes in through the
//! `Streams` trait (one independent stream per purpose), and what happened
//! goes out in a [`DayRecord`].

pub mod baseline;
mod condition;
mod sample;
pub use sample::STREAM_VERSION;
mod tables;

use crate::scenario::{Party, Phase, Scenario, Severity};
pub(crate) use condition::{WindowHistory, holds};
pub use tables::Tables;

/// Largest daily attack intensity λ the engine accepts. Beyond it the run is
/// stopped with an error: such values only arise from explosive retaliation,
/// and counts would soon overflow.
pub(crate) const MAX_INTENSITY: f64 = crate::scenario::limits::MAX_POISSON_MEAN;

/// What a random stream is used for. Each purpose of each run has its own
/// stream, so that changing one party's parameters leaves the draws of every
/// other purpose untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Purpose {
    /// Major and minor attacks of a party.
    Attacks(usize),
    /// Monitoring of a bound party: detection of its attacks, false reports.
    Monitoring(usize),
    /// Convoys scheduled and blocked.
    Convoys,
    /// The draws of one `probability` condition (its index in file order).
    Condition(usize),
}

impl Purpose {
    /// How many draws (64-bit words) the purpose may use on one day. Day
    /// `t`'s draws of a purpose are the words `t·n … t·n + n − 1` of its
    /// stream, whatever happened on other days, so that two runs on the same
    /// stream (a paired comparison) stay aligned day by day.
    pub(crate) fn draws_per_day(self) -> u32 {
        match self {
            Purpose::Attacks(_) => 2,
            Purpose::Monitoring(_) => 4,
            Purpose::Convoys => 2,
            Purpose::Condition(_) => 1,
        }
    }
}

/// Where a run's random numbers come from: one stream per purpose.
pub(crate) trait Streams {
    /// The `N` words of day `day` of `purpose`'s stream, `N` being
    /// [`Purpose::draws_per_day`]: the stream's 64-bit words
    /// `day · N … day · N + N − 1`.
    fn words<const N: usize>(&mut self, purpose: Purpose, day: u32) -> [u64; N];
}

/// The state a run carries from one day to the next.
#[derive(Debug, Clone)]
pub(crate) struct RunState {
    /// Index of today's phase.
    pub(crate) phase: usize,
    /// Days completed in the current phase.
    pub(crate) days_in_phase: u32,
    /// Consecutive compliant days in the current phase.
    pub(crate) streak: u32,
    /// `E_p`: remembered attacks driving each party's retaliation.
    pub(crate) memory: Vec<f64>,
    /// Reported violations of recent days, for window conditions.
    pub(crate) window: WindowHistory,
}

impl RunState {
    /// The state at the start of day 0.
    pub(crate) fn new(scenario: &Scenario) -> Self {
        RunState {
            phase: scenario.initial_phase(),
            days_in_phase: 0,
            streak: 0,
            memory: vec![0.0; scenario.parties().len()],
            window: WindowHistory::new(scenario),
        }
    }

    /// Returns to the state at the start of day 0, keeping allocations.
    pub(crate) fn reset(&mut self, scenario: &Scenario) {
        self.phase = scenario.initial_phase();
        self.days_in_phase = 0;
        self.streak = 0;
        self.memory.fill(0.0);
        self.window.clear();
    }
}

/// Everything that happened on one simulated day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayRecord {
    /// Day index `t`.
    pub day: u32,
    /// Phase of the day.
    pub phase: usize,
    /// Actual major attacks per party.
    pub attacks_major: Vec<u64>,
    /// Actual minor attacks per party.
    pub attacks_minor: Vec<u64>,
    /// Reported major violations per party (0 for excluded parties).
    pub reported_major: Vec<u64>,
    /// Reported minor violations per party (0 for excluded parties).
    pub reported_minor: Vec<u64>,
    /// Convoys scheduled.
    pub convoys: u64,
    /// Convoys blocked.
    pub blocked: u64,
    /// Whether the day was compliant.
    pub compliant: bool,
    /// Streak after the day's update (before any transition).
    pub streak: u32,
    /// Days in phase after the day's update (before any transition).
    pub days_in_phase: u32,
    /// Index (within the phase) of the transition that fired, if any.
    pub transition: Option<usize>,
}

impl DayRecord {
    /// An empty record sized for a scenario.
    pub(crate) fn new(scenario: &Scenario) -> Self {
        let n = scenario.parties().len();
        DayRecord {
            attacks_major: vec![0; n],
            attacks_minor: vec![0; n],
            reported_major: vec![0; n],
            reported_minor: vec![0; n],
            ..DayRecord::default()
        }
    }

    /// Actual attacks of party `p`, of any severity.
    pub fn attacks(&self, p: usize) -> u64 {
        self.attacks_major[p] + self.attacks_minor[p]
    }

    /// Reported violations of party `p`, of any severity.
    pub fn reported(&self, p: usize) -> u64 {
        self.reported_major[p] + self.reported_minor[p]
    }

    /// Actual attacks of every party, of any severity, in party order.
    pub(crate) fn attacks_by_party(&self) -> impl Iterator<Item = u64> + '_ {
        both(&self.attacks_major, &self.attacks_minor)
    }

    /// Reported violations of every party, of any severity, in party order.
    pub(crate) fn reported_by_party(&self) -> impl Iterator<Item = u64> + '_ {
        both(&self.reported_major, &self.reported_minor)
    }
}

/// Major plus minor, party by party.
fn both<'a>(major: &'a [u64], minor: &'a [u64]) -> impl Iterator<Item = u64> + 'a {
    major.iter().zip(minor).map(|(a, b)| a + b)
}

/// A day could not be simulated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the attack intensity of party '{party}' reached {intensity:.4e} per day on day {day} (the engine stops above {MAX_INTENSITY:e}); retaliation is explosive in this scenario (see the scenario's warnings)"
)]
pub struct IntensityError {
    /// The party's id.
    pub(crate) party: String,
    /// The day index.
    pub(crate) day: u32,
    /// The offending λ.
    pub(crate) intensity: f64,
}

/// Party `p`'s attack intensity λ today (MODEL.md step 1): the phase's
/// multiplier times the party's base rate plus its remembered attacks
/// `memory` (E_p at the start of the day).
#[inline]
pub fn intensity(phase: &Phase, p: usize, party: &Party, memory: f64) -> f64 {
    phase.rate_multiplier[p] * (party.rate + memory)
}

/// A party's remembered attacks after day `rec` (MODEL.md step 7): `memory`
/// decayed by its half-life, plus each retaliation weight times the day's
/// actual attacks of the party it answers.
#[inline]
pub(crate) fn next_memory(party: &Party, memory: f64, rec: &DayRecord) -> f64 {
    let provoked: f64 = party
        .retaliation
        .iter()
        .map(|&(q, alpha)| alpha * rec.attacks(q) as f64)
        .sum();
    party.decay * memory + provoked
}

/// Simulates day `day` from `state`, writing what happened into `rec`, and
/// applies the transition (if `last_day` is false and one fires) so that
/// `state` is the state at the start of the next day.
///
/// Steps 1 to 8 of "One day, in this order" in MODEL.md, in that order.
/// `tables` are `scenario`'s ([`Tables::new`]): draws with a fixed parameter
/// read them, and give exactly what the sequential search would.
///
/// # Panics
///
/// If `state` or `rec` was not made for `scenario` ([`RunState::new`],
/// [`DayRecord::new`]): their per-party vectors must have one entry per
/// party.
pub(crate) fn step<S: Streams>(
    scenario: &Scenario,
    tables: &Tables,
    state: &mut RunState,
    rec: &mut DayRecord,
    streams: &mut S,
    day: u32,
    last_day: bool,
) -> Result<(), IntensityError> {
    let phase = &scenario.phases()[state.phase];
    rec.day = day;
    rec.phase = state.phase;
    rec.transition = None;

    // The lengths the party loops below index by, stated once, so that the
    // loops need no bounds check per index.
    let n = scenario.parties().len();
    assert!(
        state.memory.len() == n
            && phase.rate_multiplier.len() == n
            && [&rec.attacks_major, &rec.attacks_minor]
                .into_iter()
                .chain([&rec.reported_major, &rec.reported_minor])
                .all(|v| v.len() == n),
        "a run state and day record sized for the scenario"
    );

    // 1–3. Intensity, attacks, monitoring (v2: at the phase's detection).
    let detection = tables.detection(state.phase);
    let d = detection.p();
    let mut any_major_attack = false;
    let mut counted = 0u64;
    for (p, party) in scenario.parties().iter().enumerate() {
        let lambda = intensity(phase, p, party, state.memory[p]);
        if lambda.is_nan() || lambda > MAX_INTENSITY {
            return Err(IntensityError {
                party: party.id.clone(),
                day,
                intensity: lambda,
            });
        }
        // Poisson(λ) attacks, each major with probability s: the same as
        // MODEL.md's independent Poisson(λs) major and Poisson(λ(1 − s))
        // minor attacks, for one exponential instead of two.
        let (major, minor) = if lambda > 0.0 {
            let [w, w_major] = streams.words(Purpose::Attacks(p), day);
            // With no remembered attacks, λ is the table's, bit for bit.
            let attacks = match tables.attacks(state.phase, p) {
                Some(t) if state.memory[p] == 0.0 => t.draw(w),
                _ => sample::poisson_at(w, lambda),
            };
            let major = tables.major(p).draw(w_major, attacks);
            (major, attacks - major)
        } else {
            (0, 0)
        };
        rec.attacks_major[p] = major;
        rec.attacks_minor[p] = minor;
        any_major_attack |= major > 0;

        let (mut rep_major, mut rep_minor) = (0, 0);
        if party.bound {
            let f = party.false_reports_per_day;
            if (major + minor > 0 && d < 1.0) || f > 0.0 {
                let [w_major, w_minor, w, w_false_major] =
                    streams.words(Purpose::Monitoring(p), day);
                rep_major = detection.draw(w_major, major);
                rep_minor = detection.draw(w_minor, minor);
                let false_reports = match tables.false_reports(p) {
                    Some(t) => t.draw(w),
                    None => sample::poisson_at(w, f),
                };
                let false_major = tables.major(p).draw(w_false_major, false_reports);
                rep_major += false_major;
                rep_minor += false_reports - false_major;
            } else {
                (rep_major, rep_minor) = (major, minor);
            }
            counted += match scenario.compliance().counts {
                Severity::Major => rep_major,
                Severity::Any => rep_major + rep_minor,
            };
        }
        rec.reported_major[p] = rep_major;
        rec.reported_minor[p] = rep_minor;
    }

    // 4. Humanitarian access, at the phase's rates (v2).
    let (convoys_per_day, table) = tables.convoys(state.phase);
    (rec.convoys, rec.blocked) = if convoys_per_day > 0.0 {
        let [w, w_blocked] = streams.words(Purpose::Convoys, day);
        let convoys = match table {
            Some(t) => t.draw(w),
            None => sample::poisson_at(w, convoys_per_day),
        };
        let block = tables.block(state.phase, any_major_attack);
        (convoys, block.draw(w_blocked, convoys))
    } else {
        (0, 0)
    };

    // 5. Compliance.
    let c = &scenario.compliance();
    rec.compliant = counted <= c.tolerance && !(c.requires_aid && rec.blocked > 0);

    // 6. Counters and window history.
    state.days_in_phase += 1;
    state.streak = if rec.compliant { state.streak + 1 } else { 0 };
    rec.days_in_phase = state.days_in_phase;
    rec.streak = state.streak;
    state.window.record(day, rec);

    // 7. Memory: actual attacks, decayed by each victim's half-life.
    for (p, party) in scenario.parties().iter().enumerate() {
        state.memory[p] = next_memory(party, state.memory[p], rec);
    }

    // 8. Transitions, in file order; the first that holds fires.
    if !last_day {
        let transitions = tables.transitions();
        if let Some((k, to)) =
            transitions.first_holding(state.phase, state, rec.compliant, day, streams)
        {
            rec.transition = Some(k);
            state.phase = to;
            state.days_in_phase = 0;
            state.streak = 0;
        }
    }
    Ok(())
}
