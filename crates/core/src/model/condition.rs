//! Transition conditions and the window history they read.

use super::{DayRecord, Purpose, RunState, Streams, sample};
use crate::scenario::{Condition, DayKind, Scenario, Severity};

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
pub(crate) struct WindowHistory {
    /// `W + 1` slots (0 when no condition reads a window): the totals of
    /// days `t-W ..= t`, enough for any window of up to `W` days.
    len: usize,
    /// The columns the scenario's window conditions read, in file order,
    /// each once.
    columns: Vec<Column>,
    /// Per column: its [`Column::reporters`], found once.
    reporters: Vec<Box<[usize]>>,
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

    /// The columns the window conditions of `scenario` read, in file order,
    /// each once: the columns of its [`WindowHistory`], which a [`Check`]
    /// refers to by their index.
    fn all(scenario: &Scenario) -> Vec<Column> {
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
        columns
    }

    /// The parties whose reports the column counts: the bound parties, or
    /// the one it names (none for a column that counts no reports).
    /// Excluded parties' reports never count.
    fn reporters(self, scenario: &Scenario) -> Box<[usize]> {
        let parties = scenario.parties().iter().enumerate();
        match self {
            Column::Reported { party, .. } => parties
                .filter(|&(p, q)| q.bound && party.is_none_or(|only| only == p))
                .map(|(p, _)| p)
                .collect(),
            Column::Blocked | Column::ViolationDays => Box::new([]),
        }
    }

    /// The column's value on the day `rec` describes, given its
    /// [`Column::reporters`].
    #[inline]
    fn today(self, rec: &DayRecord, reporters: &[usize]) -> u64 {
        let reporters = reporters.iter();
        match self {
            Column::Reported {
                severity: Severity::Major,
                ..
            } => reporters.map(|&p| rec.reported_major[p]).sum(),
            Column::Reported {
                severity: Severity::Any,
                ..
            } => reporters.map(|&p| rec.reported(p)).sum(),
            Column::Blocked => rec.blocked,
            Column::ViolationDays => u64::from(!rec.compliant),
        }
    }
}

impl WindowHistory {
    /// An empty history for a scenario (every day before 0 counts as 0),
    /// keeping the columns its window conditions read.
    pub(crate) fn new(scenario: &Scenario) -> Self {
        let w = scenario.max_window() as usize;
        let len = if w == 0 { 0 } else { w + 1 };
        let columns = Column::all(scenario);
        WindowHistory {
            len,
            counts: vec![0; len * columns.len()],
            reporters: columns.iter().map(|c| c.reporters(scenario)).collect(),
            columns,
            here: 0,
        }
    }

    /// Forgets every day.
    pub(crate) fn clear(&mut self) {
        self.counts.fill(0);
        self.here = 0;
    }

    /// Records day `day`, which follows the day recorded last (day 0 after
    /// [`WindowHistory::new`] or [`WindowHistory::clear`]).
    pub(crate) fn record(&mut self, day: u32, rec: &DayRecord) {
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
        let columns = self.columns.iter().zip(&self.reporters);
        for (i, (column, reporters)) in columns.enumerate() {
            let yesterday = if day > 0 { self.counts[before + i] } else { 0 };
            self.counts[here + i] = yesterday + column.today(rec, reporters);
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
    pub(crate) fn sum(&self, day: u32, w: u32, severity: Severity, party: Option<usize>) -> u64 {
        self.sum_at(day, w, self.index(Column::Reported { severity, party }))
    }

    /// (v2) Blocked convoys over days `day-w+1 ..= day` (`day` and `w` as
    /// for [`WindowHistory::sum`]).
    ///
    /// # Panics
    /// If the scenario has no `blocked_in_window` condition.
    pub(crate) fn blocked(&self, day: u32, w: u32) -> u64 {
        self.sum_at(day, w, self.index(Column::Blocked))
    }

    /// (v2) Violation days (days that were not compliant) among days
    /// `max(0, day-w+1) ..= day` (`day` and `w` as for [`WindowHistory::sum`]).
    ///
    /// # Panics
    /// If the scenario has no `violation_days_in_window` condition.
    pub(crate) fn violation_days(&self, day: u32, w: u32) -> u64 {
        self.sum_at(day, w, self.index(Column::ViolationDays))
    }

    /// The index of `column` among the history's columns.
    ///
    /// # Panics
    /// If no window condition of the scenario reads `column`.
    fn index(&self, column: Column) -> usize {
        index_of(&self.columns, column)
    }

    /// Column `column` (its index) summed over the window of `w ≤ W` days
    /// ending on `day`, the day recorded last: the total at `day` minus the
    /// total at `day - w`, which is `w < len` slots back in the ring.
    #[inline]
    fn sum_at(&self, day: u32, w: u32, column: usize) -> u64 {
        debug_assert_eq!(
            self.here,
            day as usize % self.len,
            "day {day} is the last recorded"
        );
        let at = |slot: usize| self.counts[slot * self.columns.len() + column];
        let w = w as usize;
        match day.checked_sub(w as u32) {
            Some(_) if self.here >= w => at(self.here) - at(self.here - w),
            Some(_) => at(self.here) - at(self.here + self.len - w),
            None => at(self.here),
        }
    }
}

/// The index of `column` in `columns`.
///
/// # Panics
/// If `column` is not among them: the history keeps only what its
/// scenario's conditions read.
fn index_of(columns: &[Column], column: Column) -> usize {
    match columns.iter().position(|&c| c == column) {
        Some(i) => i,
        None => panic!("no window condition of the scenario reads {column:?}"),
    }
}

/// A condition as the day step evaluates it: a [`Condition`] whose window
/// conditions know the index of their column in the [`WindowHistory`],
/// found once per batch instead of on every day.
#[derive(Debug, Clone)]
enum Check {
    StreakAtLeast(u32),
    DaysInPhaseAtLeast(u32),
    /// A window condition of any kind: its column, window and threshold.
    InWindow {
        column: usize,
        days: u32,
        at_least: u64,
    },
    Probability {
        p: f64,
        on: DayKind,
        stream: usize,
    },
    All(Box<[Check]>),
    Any(Box<[Check]>),
}

impl Check {
    /// `c`, its window columns looked up among `columns`.
    ///
    /// # Panics
    /// If `c` reads a window column that is not among `columns`.
    fn new(c: &Condition, columns: &[Column]) -> Check {
        let all = |cs: &[Condition]| cs.iter().map(|c| Check::new(c, columns)).collect();
        let window = |column, days, at_least| Check::InWindow {
            column: index_of(columns, column),
            days,
            at_least,
        };
        match *c {
            Condition::StreakAtLeast(n) => Check::StreakAtLeast(n),
            Condition::DaysInPhaseAtLeast(n) => Check::DaysInPhaseAtLeast(n),
            Condition::ReportedInWindow {
                days,
                at_least,
                severity,
                party,
            } => window(Column::Reported { severity, party }, days, at_least),
            Condition::BlockedInWindow { days, at_least } => {
                window(Column::Blocked, days, at_least)
            }
            Condition::ViolationDaysInWindow { days, at_least } => {
                window(Column::ViolationDays, days, at_least)
            }
            Condition::Probability { p, on, stream } => Check::Probability { p, on, stream },
            Condition::All(ref cs) => Check::All(all(cs)),
            Condition::Any(ref cs) => Check::Any(all(cs)),
        }
    }

    /// Whether the condition holds at the end of day `day`. Every
    /// `probability` inside is drawn whatever the others say (no
    /// short-circuit), so draws do not depend on the order of the
    /// conditions.
    fn holds<S: Streams>(
        &self,
        state: &RunState,
        compliant: bool,
        day: u32,
        streams: &mut S,
    ) -> bool {
        match *self {
            Check::StreakAtLeast(n) => state.streak >= n,
            Check::DaysInPhaseAtLeast(n) => state.days_in_phase >= n,
            Check::InWindow {
                column,
                days,
                at_least,
            } => state.window.sum_at(day, days, column) >= at_least,
            Check::Probability { p, on, stream } => {
                on.matches(compliant)
                    && sample::bernoulli(streams.words::<1>(Purpose::Condition(stream), day)[0], p)
            }
            Check::All(ref cs) => cs
                .iter()
                .fold(true, |acc, c| c.holds(state, compliant, day, streams) & acc),
            Check::Any(ref cs) => cs.iter().fold(false, |acc, c| {
                c.holds(state, compliant, day, streams) | acc
            }),
        }
    }
}

/// The transitions of every phase of a scenario, in file order, as the day
/// step tries them: built once per batch, with every window condition's
/// column resolved.
#[derive(Debug, Clone)]
pub(crate) struct Transitions {
    /// Per phase: each transition's target phase and condition.
    phases: Vec<Box<[(usize, Check)]>>,
}

impl Transitions {
    /// The transitions of `scenario`, for the [`WindowHistory`] that
    /// [`WindowHistory::new`] makes of the same scenario.
    pub(crate) fn new(scenario: &Scenario) -> Self {
        let columns = Column::all(scenario);
        let phases = scenario
            .phases()
            .iter()
            .map(|phase| {
                let checks = phase.transitions.iter();
                checks
                    .map(|t| (t.to, Check::new(&t.when, &columns)))
                    .collect()
            })
            .collect();
        Transitions { phases }
    }

    /// The first transition of phase `phase`, in file order, whose condition
    /// holds at the end of day `day`: its index within the phase and its
    /// target phase. Transitions after it are not tried (their
    /// `probability` conditions draw nothing).
    #[inline]
    pub(crate) fn first_holding<S: Streams>(
        &self,
        phase: usize,
        state: &RunState,
        compliant: bool,
        day: u32,
        streams: &mut S,
    ) -> Option<(usize, usize)> {
        let transitions = self.phases[phase].iter().enumerate();
        transitions
            .filter(|(_, (_, check))| check.holds(state, compliant, day, streams))
            .map(|(k, &(to, _))| (k, to))
            .next()
    }
}

/// Whether `c` holds at the end of day `day`. Every `probability` inside is
/// drawn whatever the others say (no short-circuit), so draws do not depend
/// on the order of the conditions.
///
/// # Panics
/// If `c` reads a window that no condition of the scenario of
/// `state.window` reads.
pub(crate) fn holds<S: Streams>(
    c: &Condition,
    state: &RunState,
    compliant: bool,
    day: u32,
    streams: &mut S,
) -> bool {
    Check::new(c, &state.window.columns).holds(state, compliant, day, streams)
}
