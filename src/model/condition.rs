//! Transition conditions and the window history they read.

use super::{DayRecord, Purpose, RunState, Streams, sample};
use crate::scenario::{Condition, Scenario, Severity};

/// Reported violations of the last `W` days, where `W` is the longest window
/// any condition asks for. Each day keeps, for all bound parties together and
/// for each party, the major and any-severity counts, and (v2) the blocked
/// convoys and whether the day was a violation day.
#[derive(Debug, Clone)]
pub struct WindowHistory {
    /// `W`; 0 when no condition reads a window.
    len: usize,
    /// Values per day: `2 × (1 + parties) + 2`: `[total major, total any,
    /// party 0 major, party 0 any, …, blocked convoys, violation day]`.
    stride: usize,
    /// Ring buffer of `len × stride` counts; day `t` is at slot `t % len`.
    counts: Vec<u64>,
}

impl WindowHistory {
    /// An empty history for a scenario (every day before 0 counts as 0).
    pub fn new(scenario: &Scenario) -> Self {
        let len = scenario.max_window() as usize;
        let stride = 2 * (1 + scenario.parties().len()) + 2;
        WindowHistory {
            len,
            stride,
            counts: vec![0; len * stride],
        }
    }

    /// Forgets every day.
    pub fn clear(&mut self) {
        self.counts.fill(0);
    }

    /// Records the reported violations of day `day`.
    pub fn record(&mut self, day: u32, rec: &DayRecord, scenario: &Scenario) {
        if self.len == 0 {
            return;
        }
        let base = (day as usize % self.len) * self.stride;
        let slot = &mut self.counts[base..base + self.stride];
        let (mut major, mut any) = (0, 0);
        for (p, party) in scenario.parties().iter().enumerate() {
            let (m, a) = if party.bound {
                (rec.reported_major[p], rec.reported(p))
            } else {
                (0, 0)
            };
            slot[2 + 2 * p] = m;
            slot[3 + 2 * p] = a;
            major += m;
            any += a;
        }
        slot[0] = major;
        slot[1] = any;
        slot[self.stride - 2] = rec.blocked;
        slot[self.stride - 1] = u64::from(!rec.compliant);
    }

    /// Reported violations over days `day-w+1 ..= day` (days before 0 count
    /// as 0), of a severity, by one party or all bound parties.
    pub fn sum(&self, day: u32, w: u32, severity: Severity, party: Option<usize>) -> u64 {
        let offset = party.map_or(0, |p| 2 + 2 * p) + usize::from(severity == Severity::Any);
        self.sum_at(day, w, offset)
    }

    /// (v2) Blocked convoys over days `day-w+1 ..= day`.
    pub fn blocked(&self, day: u32, w: u32) -> u64 {
        self.sum_at(day, w, self.stride - 2)
    }

    /// (v2) Violation days (days that were not compliant) among days
    /// `max(0, day-w+1) ..= day`.
    pub fn violation_days(&self, day: u32, w: u32) -> u64 {
        self.sum_at(day, w, self.stride - 1)
    }

    /// The values at `offset` of each slot, summed over the window.
    fn sum_at(&self, day: u32, w: u32, offset: usize) -> u64 {
        let days = (w as usize).min(day as usize + 1);
        // One division per read, then step back through the ring.
        let mut slot = day as usize % self.len;
        let mut total = 0;
        for _ in 0..days {
            total += self.counts[slot * self.stride + offset];
            slot = if slot == 0 { self.len - 1 } else { slot - 1 };
        }
        total
    }
}

/// Whether `c` holds at the end of day `day`. Every `probability` inside is
/// drawn whatever the others say (no short-circuit), so draws do not depend
/// on the order of the conditions.
pub fn holds<S: Streams>(
    c: &Condition,
    state: &RunState,
    compliant: bool,
    day: u32,
    streams: &mut S,
) -> bool {
    match c {
        Condition::StreakAtLeast(n) => state.streak >= *n,
        Condition::DaysInPhaseAtLeast(n) => state.days_in_phase >= *n,
        Condition::ReportedInWindow {
            days,
            at_least,
            severity,
            party,
        } => state.window.sum(day, *days, *severity, *party) >= *at_least,
        Condition::BlockedInWindow { days, at_least } => {
            state.window.blocked(day, *days) >= *at_least
        }
        Condition::ViolationDaysInWindow { days, at_least } => {
            state.window.violation_days(day, *days) >= *at_least
        }
        Condition::Probability { p, on, stream } => {
            on.matches(compliant)
                && sample::bernoulli(streams.stream(Purpose::Condition(*stream), day), *p)
        }
        Condition::All(cs) => cs.iter().fold(true, |acc, c| {
            holds(c, state, compliant, day, streams) & acc
        }),
        Condition::Any(cs) => cs.iter().fold(false, |acc, c| {
            holds(c, state, compliant, day, streams) | acc
        }),
    }
}
