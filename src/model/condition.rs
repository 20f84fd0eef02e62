//! Transition conditions and the window history they read.

use super::{DayRecord, Purpose, RunState, Streams, sample};
use crate::scenario::{Condition, Scenario, Severity};

/// Running totals, over the last `W` days, of what the scenario's window
/// conditions count, where `W` is the longest window any condition asks
/// for, so that every window sum is one subtraction whatever its length.
///
/// Each day keeps one cumulative count since day 0 per *column*: a kind of
/// value some window condition of the scenario reads (reported violations
/// of a severity by one bound party or all of them, blocked convoys, or
/// violation days). Columns no condition reads are not kept, so a day costs
/// as many additions as the scenario has distinct window columns. The sum
/// over days `t-w+1 ..= t` is the total at `t` minus the total at `t-w`.
///
/// Totals cannot overflow: a day's count over all parties is below 2⁴⁸ and
/// a run has at most 2¹⁶ days (see [`crate::scenario::limits`]).
#[derive(Debug, Clone)]
pub struct WindowHistory {
    /// `W + 1` slots (0 when no condition reads a window): the totals of
    /// days `t-W ..= t`, enough for any window of up to `W` days.
    len: usize,
    /// The columns the scenario's window conditions read, in file order,
    /// each once.
    columns: Vec<Column>,
    /// Ring buffer of `len × columns.len()` cumulative counts; day `t`'s
    /// totals (days 0 ..= t) are at slot `t % len`.
    counts: Vec<u64>,
    /// The slot of the day recorded last, `day % len`, kept as a running
    /// index so that no day pays an integer division.
    here: usize,
}

/// One value a window condition sums over its days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// Reported violations of a severity, by one bound party or (`None`)
    /// all bound parties together.
    Reported {
        severity: Severity,
        party: Option<usize>,
    },
    /// (v2) Blocked convoys.
    Blocked,
    /// (v2) Days that were not compliant.
    ViolationDays,
}

impl Column {
    /// The column a window condition reads, if `c` is one.
    fn of(c: &Condition) -> Option<Column> {
        match *c {
            Condition::ReportedInWindow {
                severity, party, ..
            } => Some(Column::Reported { severity, party }),
            Condition::BlockedInWindow { .. } => Some(Column::Blocked),
            Condition::ViolationDaysInWindow { .. } => Some(Column::ViolationDays),
            _ => None,
        }
    }

    /// The column's value on the day `rec` describes. Excluded parties'
    /// reports never count.
    fn today(self, rec: &DayRecord, scenario: &Scenario) -> u64 {
        match self {
            Column::Reported { severity, party } => {
                let reported = |p: usize| match severity {
                    Severity::Major => rec.reported_major[p],
                    Severity::Any => rec.reported(p),
                };
                let parties = scenario.parties().iter().enumerate();
                parties
                    .filter(|&(p, q)| q.bound && party.is_none_or(|only| only == p))
                    .map(|(p, _)| reported(p))
                    .sum()
            }
            Column::Blocked => rec.blocked,
            Column::ViolationDays => u64::from(!rec.compliant),
        }
    }
}

impl WindowHistory {
    /// An empty history for a scenario (every day before 0 counts as 0),
    /// keeping the columns its window conditions read.
    pub fn new(scenario: &Scenario) -> Self {
        let w = scenario.max_window() as usize;
        let len = if w == 0 { 0 } else { w + 1 };
        let mut columns = Vec::new();
        for phase in scenario.phases() {
            for t in &phase.transitions {
                t.when.visit(&mut |c| {
                    if let Some(column) = Column::of(c)
                        && !columns.contains(&column)
                    {
                        columns.push(column);
                    }
                });
            }
        }
        WindowHistory {
            len,
            counts: vec![0; len * columns.len()],
            columns,
            here: 0,
        }
    }

    /// Forgets every day.
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.here = 0;
    }

    /// Records day `day`, which follows the day recorded last (day 0 after
    /// [`WindowHistory::new`] or [`WindowHistory::clear`]).
    pub fn record(&mut self, day: u32, rec: &DayRecord, scenario: &Scenario) {
        if self.len == 0 {
            return;
        }
        let stride = self.columns.len();
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
        // Today's count plus yesterday's total (none before day 0). The
        // ring has at least 2 slots, so yesterday's is another slot.
        for (i, column) in self.columns.iter().enumerate() {
            let yesterday = if day > 0 { self.counts[before + i] } else { 0 };
            self.counts[here + i] = yesterday + column.today(rec, scenario);
        }
    }

    /// Reported violations over days `day-w+1 ..= day` (days before 0 count
    /// as 0), of a severity, by one party or all bound parties. `day` is the
    /// day recorded last (conditions read the history at the end of a day),
    /// and `w` at most the longest window of the scenario.
    ///
    /// # Panics
    /// If no `reported_in_window` condition of the scenario reads this
    /// severity and party: the history keeps only what its conditions read.
    pub fn sum(&self, day: u32, w: u32, severity: Severity, party: Option<usize>) -> u64 {
        self.sum_at(day, w, Column::Reported { severity, party })
    }

    /// (v2) Blocked convoys over days `day-w+1 ..= day` (`day` and `w` as
    /// for [`WindowHistory::sum`]).
    ///
    /// # Panics
    /// If the scenario has no `blocked_in_window` condition.
    pub fn blocked(&self, day: u32, w: u32) -> u64 {
        self.sum_at(day, w, Column::Blocked)
    }

    /// (v2) Violation days (days that were not compliant) among days
    /// `max(0, day-w+1) ..= day` (`day` and `w` as for [`WindowHistory::sum`]).
    ///
    /// # Panics
    /// If the scenario has no `violation_days_in_window` condition.
    pub fn violation_days(&self, day: u32, w: u32) -> u64 {
        self.sum_at(day, w, Column::ViolationDays)
    }

    /// `column` summed over the window of `w ≤ W` days ending on `day`, the
    /// day recorded last: the total at `day` minus the total at `day - w`,
    /// which is `w < len` slots back in the ring.
    fn sum_at(&self, day: u32, w: u32, column: Column) -> u64 {
        debug_assert_eq!(
            self.here,
            day as usize % self.len,
            "day {day} is the last recorded"
        );
        let Some(offset) = self.columns.iter().position(|&c| c == column) else {
            panic!("no window condition of the scenario reads {column:?}");
        };
        let at = |slot: usize| self.counts[slot * self.columns.len() + offset];
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
