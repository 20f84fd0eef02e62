//! Transition conditions and the window history they read.

use super::{DayRecord, Purpose, RunState, Streams, sample};
use crate::scenario::{Condition, Scenario, Severity};

/// Running totals of reported violations over the last `W` days, where `W`
/// is the longest window any condition asks for, so that every window sum is
/// one subtraction whatever its length. Each day keeps, for all bound
/// parties together and for each party, the cumulative major and
/// any-severity counts since day 0, and (v2) the cumulative blocked convoys
/// and violation days; the sum over days `t-w+1 ..= t` is the total at `t`
/// minus the total at `t-w`.
///
/// Totals cannot overflow: a day's count over all parties is below 2⁴⁸ and
/// a run has at most 2¹⁶ days (see [`crate::scenario::limits`]).
#[derive(Debug, Clone)]
pub struct WindowHistory {
    /// `W + 1` slots (0 when no condition reads a window): the totals of
    /// days `t-W ..= t`, enough for any window of up to `W` days.
    len: usize,
    /// Values per day: `2 × (1 + parties) + 2`: `[total major, total any,
    /// party 0 major, party 0 any, …, blocked convoys, violation days]`.
    stride: usize,
    /// Ring buffer of `len × stride` cumulative counts; day `t`'s totals
    /// (days 0 ..= t) are at slot `t % len`.
    counts: Vec<u64>,
    /// The slot of the day recorded last, `day % len`, kept as a running
    /// index so that no day pays an integer division.
    here: usize,
}

impl WindowHistory {
    /// An empty history for a scenario (every day before 0 counts as 0).
    pub fn new(scenario: &Scenario) -> Self {
        let w = scenario.max_window() as usize;
        let len = if w == 0 { 0 } else { w + 1 };
        let stride = 2 * (1 + scenario.parties().len()) + 2;
        WindowHistory {
            len,
            stride,
            counts: vec![0; len * stride],
            here: 0,
        }
    }

    /// Forgets every day.
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.here = 0;
    }

    /// Records the reported violations of day `day`, which follows the day
    /// recorded last (day 0 after [`WindowHistory::new`] or
    /// [`WindowHistory::clear`]).
    pub fn record(&mut self, day: u32, rec: &DayRecord, scenario: &Scenario) {
        if self.len == 0 {
            return;
        }
        let stride = self.stride;
        // Day 0 is at slot 0; each later day at the slot after yesterday's.
        let before = self.here * stride;
        if day > 0 {
            self.here = if self.here + 1 == self.len {
                0
            } else {
                self.here + 1
            };
        }
        debug_assert_eq!(self.here, day as usize % self.len);
        let here = self.here * stride;
        let slot = &mut self.counts[here..here + stride];
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
        slot[stride - 2] = rec.blocked;
        slot[stride - 1] = u64::from(!rec.compliant);
        // Today's counts plus yesterday's totals (none before day 0). The
        // ring has at least 2 slots, so yesterday's is another slot.
        if day > 0 {
            let (lo, hi) = self.counts.split_at_mut(here.max(before));
            let (today, yesterday) = if here > before {
                (&mut hi[..stride], &lo[before..before + stride])
            } else {
                (&mut lo[here..here + stride], &hi[..stride])
            };
            for (t, y) in today.iter_mut().zip(yesterday) {
                *t += y;
            }
        }
    }

    /// Reported violations over days `day-w+1 ..= day` (days before 0 count
    /// as 0), of a severity, by one party or all bound parties. `day` is the
    /// day recorded last (conditions read the history at the end of a day),
    /// and `w` at most the longest window of the scenario.
    pub fn sum(&self, day: u32, w: u32, severity: Severity, party: Option<usize>) -> u64 {
        let offset = party.map_or(0, |p| 2 + 2 * p) + usize::from(severity == Severity::Any);
        self.sum_at(day, w, offset)
    }

    /// (v2) Blocked convoys over days `day-w+1 ..= day` (`day` and `w` as
    /// for [`WindowHistory::sum`]).
    pub fn blocked(&self, day: u32, w: u32) -> u64 {
        self.sum_at(day, w, self.stride - 2)
    }

    /// (v2) Violation days (days that were not compliant) among days
    /// `max(0, day-w+1) ..= day` (`day` and `w` as for [`WindowHistory::sum`]).
    pub fn violation_days(&self, day: u32, w: u32) -> u64 {
        self.sum_at(day, w, self.stride - 1)
    }

    /// The values at `offset` summed over the window of `w ≤ W` days ending
    /// on `day`, the day recorded last: the total at `day` minus the total
    /// at `day - w`, which is `w < len` slots back in the ring.
    fn sum_at(&self, day: u32, w: u32, offset: usize) -> u64 {
        debug_assert_eq!(
            self.here,
            day as usize % self.len,
            "day {day} is the last recorded"
        );
        let at = |slot: usize| self.counts[slot * self.stride + offset];
        let w = w as usize;
        match day.checked_sub(w as u32) {
            Some(_) if self.here >= w => at(self.here) - at(self.here - w),
            Some(_) => at(self.here) - at(self.here + self.len - w),
            None => at(self.here),
        }
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
