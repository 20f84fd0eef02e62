//! Integer accumulators of a batch. Every aggregate is a count or an exact
//! integer sum, so tallies of parts of a batch can be merged in any order and
//! give the same bytes: thread count and block size cannot change a result.

use serde::{Deserialize, Serialize};

mod check;
pub use check::RowTotals;
pub use check::TallyInconsistent;

use super::run::{DayObserver, RunSummary};
use crate::model::DayRecord;
use crate::scenario::Scenario;

/// Count, sum and sum of squares of a non-negative integer quantity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    #[doc(hidden)]
    pub fn add(&mut self, x: u64) {
        let x = u128::from(x);
        self.n += 1;
        self.sum += x;
        self.sum_sq += x * x;
    }

    /// Adds every observation of `other`; `name` names these sums in the
    /// error if a total would overflow.
    pub(crate) fn merge(&mut self, other: &Sums, name: &str) -> Result<(), TallyOverflow> {
        self.n = checked(self.n, other.n, || format!("{name}.n"))?;
        self.sum = checked(self.sum, other.sum, || format!("{name}.sum"))?;
        self.sum_sq = checked(self.sum_sq, other.sum_sq, || format!("{name}.sum_sq"))?;
        Ok(())
    }
}

/// A tally counter would overflow: the tallies merged are corrupt or count
/// more runs than [`crate::scenario::limits::MAX_RUNS`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the tally counter '{counter}' would overflow: the tallies merged count more than the tool can add up (at most {max} runs in all; see docs/model.md, Limits), or one of them is corrupt",
    max = crate::scenario::limits::MAX_RUNS
)]
pub struct TallyOverflow {
    /// The counter, e.g. `daily.sum[day 3, cell 0]`.
    pub(crate) counter: String,
}

/// `a + b`, or an overflow naming the counter.
fn checked<T: CheckedAdd>(
    a: T,
    b: T,
    counter: impl FnOnce() -> String,
) -> Result<T, TallyOverflow> {
    a.checked(b)
        .ok_or_else(|| TallyOverflow { counter: counter() })
}

/// An integer width tallies use, with its checked addition.
trait CheckedAdd: Sized {
    /// `self + other`, or `None` on overflow.
    fn checked(self, other: Self) -> Option<Self>;
}

impl CheckedAdd for u64 {
    fn checked(self, other: Self) -> Option<Self> {
        self.checked_add(other)
    }
}

impl CheckedAdd for u128 {
    fn checked(self, other: Self) -> Option<Self> {
        self.checked_add(other)
    }
}

/// Adds `b` into `a` cell by cell, naming cell `i` by `name(i)` on overflow.
fn add_cells<T: CheckedAdd + Copy>(
    a: &mut [T],
    b: &[T],
    name: impl Fn(usize) -> String,
) -> Result<(), TallyOverflow> {
    for (i, (x, y)) in a.iter_mut().zip(b).enumerate() {
        *x = checked(*x, *y, || name(i))?;
    }
    Ok(())
}

/// A per-day quantity the daily tally sums over runs (see `DailyTally::sums`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayMetric {
    /// Actual attacks of a party.
    Attacks(usize),
    /// Reported violations of a party (always 0 for excluded parties).
    Reported(usize),
    /// 1 if the day was compliant, else 0.
    Compliant,
    /// Convoys delivered.
    ConvoysDelivered,
    /// Convoys blocked.
    ConvoysBlocked,
}

impl DayMetric {
    /// The name of the metric in daily_metrics.csv.
    pub const fn name(self) -> &'static str {
        match self {
            DayMetric::Attacks(_) => "attacks",
            DayMetric::Reported(_) => "reported",
            DayMetric::Compliant => "compliant",
            DayMetric::ConvoysDelivered => "convoys_delivered",
            DayMetric::ConvoysBlocked => "convoys_blocked",
        }
    }
}

/// Per-day counts: which phase each run was in, and the sums of every
/// [`DayMetric`] over runs.
///
/// A run that rests in an absorbing phase has no simulated days after it
/// entered it; it adds nothing to the sums of those days, which is the same
/// as adding 0 attacks, 0 reports, 0 convoys and a day that is not compliant.
/// Means divide by every run of the batch, so such runs count as zeros.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyTally {
    phases: usize,
    parties: usize,
    /// `occupancy[t * phases + φ]`: runs simulated in phase φ on day t.
    occupancy: Vec<u64>,
    /// `absorbed[t * phases + φ]`: runs that rest in absorbing φ from day t.
    absorbed: Vec<u64>,
    /// `sum[t * stride + k]`: Σ over runs of metric k on day t, where k is
    /// [`DailyTally::slot`] and `stride = 2 × parties + 3`. A day's value is at
    /// most about [`crate::model::MAX_INTENSITY`].
    ///
    /// A batch's own runs add without checks in [`DayObserver::day`] (the
    /// proof is in [`crate::scenario::limits`]: a day's value is below 2²⁵
    /// and a batch has fewer than 2³⁷ runs); merges are checked.
    sum: Vec<u64>,
    /// `sum_sq[t * stride + k]`: Σ over runs of the square of metric k.
    sum_sq: Vec<u128>,
}

impl DailyTally {
    /// An empty tally for a scenario.
    pub(crate) fn new(scenario: &Scenario) -> Self {
        let days = scenario.horizon_days() as usize;
        let cells = days * scenario.phases().len();
        let parties = scenario.parties().len();
        let metric_cells = days * Self::stride_of(parties);
        DailyTally {
            phases: scenario.phases().len(),
            parties,
            occupancy: vec![0; cells],
            absorbed: vec![0; cells],
            sum: vec![0; metric_cells],
            sum_sq: vec![0; metric_cells],
        }
    }

    /// Cells per day: every [`DayMetric`] of `parties` parties.
    fn stride_of(parties: usize) -> usize {
        2 * parties + 3
    }

    /// Position of a metric within a day's cells.
    fn slot(parties: usize, metric: DayMetric) -> usize {
        match metric {
            DayMetric::Attacks(p) => p,
            DayMetric::Reported(p) => parties + p,
            DayMetric::Compliant => 2 * parties,
            DayMetric::ConvoysDelivered => 2 * parties + 1,
            DayMetric::ConvoysBlocked => 2 * parties + 2,
        }
    }

    /// Adds the counts of `other`, with checked additions (a batch's own
    /// runs cannot overflow them, see [`crate::scenario::limits`]; tallies
    /// read from files can).
    pub(crate) fn merge(&mut self, other: &DailyTally) -> Result<(), TallyOverflow> {
        let (phases, stride) = (self.phases.max(1), Self::stride_of(self.parties));
        let by_phase = |what: &'static str| {
            move |i: usize| format!("daily.{what}[day {}, phase {}]", i / phases, i % phases)
        };
        let by_cell = |what: &'static str| {
            move |i: usize| format!("daily.{what}[day {}, cell {}]", i / stride, i % stride)
        };
        add_cells(&mut self.occupancy, &other.occupancy, by_phase("occupancy"))?;
        add_cells(&mut self.absorbed, &other.absorbed, by_phase("absorbed"))?;
        add_cells(&mut self.sum, &other.sum, by_cell("sum"))?;
        add_cells(&mut self.sum_sq, &other.sum_sq, by_cell("sum_sq"))
    }

    /// Number of runs observed: every run is simulated on day 0 or rests in
    /// an absorbing initial phase from day 0.
    pub(crate) fn runs(&self) -> u64 {
        let day0 = 0..self.phases;
        self.occupancy[day0.clone()].iter().sum::<u64>() + self.absorbed[day0].iter().sum::<u64>()
    }

    /// Sums of `metric` on day `day` over every run (runs resting in an
    /// absorbing phase count as 0), ready for the mean of the analyses (`stats::mean`).
    ///
    /// # Panics
    ///
    /// If `day` is not before the horizon or the metric names a party the
    /// scenario does not have.
    #[doc(hidden)]
    pub fn sums(&self, day: u32, metric: DayMetric) -> Sums {
        let i = day as usize * Self::stride_of(self.parties) + Self::slot(self.parties, metric);
        Sums {
            n: self.runs(),
            sum: u128::from(self.sum[i]),
            sum_sq: self.sum_sq[i],
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
    // The hot path: a few integer additions per party and day, into cells
    // allocated once per tally.
    fn day(&mut self, rec: &DayRecord) {
        let day = rec.day as usize;
        self.occupancy[day * self.phases + rec.phase] += 1;
        let n = self.parties;
        let cells = day * Self::stride_of(n)..(day + 1) * Self::stride_of(n);
        let (sum, sum_sq) = (&mut self.sum[cells.clone()], &mut self.sum_sq[cells]);
        // The day's cells in slot order (see `slot`): attacks of each
        // party, reports of each party, then the day's three others.
        let others = [
            u64::from(rec.compliant),
            rec.convoys - rec.blocked,
            rec.blocked,
        ];
        let twice = 2 * n;
        add_day(&mut sum[..n], &mut sum_sq[..n], rec.attacks_by_party());
        let reported = rec.reported_by_party();
        add_day(&mut sum[n..twice], &mut sum_sq[n..twice], reported);
        add_day(&mut sum[twice..], &mut sum_sq[twice..], others);
    }

    fn absorbed(&mut self, phase: usize, from: u32) {
        self.absorbed[from as usize * self.phases + phase] += 1;
    }
}

/// Adds each of `xs` to its cell of `sum`, and its square to its cell of
/// `sum_sq`, in order.
#[inline]
fn add_day(sum: &mut [u64], sum_sq: &mut [u128], xs: impl IntoIterator<Item = u64>) {
    for ((s, q), x) in sum.iter_mut().zip(sum_sq).zip(xs) {
        *s += x;
        *q += u128::from(x) * u128::from(x);
    }
}

/// Per-run aggregates, observed in run order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunTally {
    /// Runs observed.
    #[serde(rename = "runs")]
    pub count: u64,
    /// Per phase: runs that entered it.
    pub entered: Vec<u64>,
    /// Per phase: entry day of the runs that entered it.
    #[doc(hidden)]
    pub entry_day: Vec<Sums>,
    /// Per phase: histogram of entry days (`horizon_days` buckets).
    pub entry_histogram: Vec<Vec<u64>>,
    /// Per phase: runs whose last day was in it.
    pub in_phase_at_end: Vec<u64>,
    /// Per phase ψ: runs whose first move out of the initial phase went to ψ.
    pub(crate) first_move: Vec<u64>,
    /// `first_exit[φ][ψ]`: runs whose first move out of phase φ went to ψ.
    #[doc(hidden)]
    pub first_exit: Vec<Vec<u64>>,
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
    pub(crate) fn new(scenario: &Scenario) -> Self {
        let (np, nq) = (scenario.phases().len(), scenario.parties().len());
        RunTally {
            count: 0,
            entered: vec![0; np],
            entry_day: vec![Sums::default(); np],
            entry_histogram: vec![vec![0; scenario.horizon_days() as usize]; np],
            in_phase_at_end: vec![0; np],
            first_move: vec![0; np],
            first_exit: vec![vec![0; np]; np],
            attacks: vec![Sums::default(); nq],
            reported: vec![Sums::default(); nq],
            convoys_delivered: Sums::default(),
            convoys_blocked: Sums::default(),
        }
    }

    /// Adds one run.
    pub(crate) fn observe(&mut self, s: &RunSummary) {
        self.count += 1;
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
        for (from, to) in s.first_exit.iter().enumerate() {
            if let Some(to) = *to {
                self.first_exit[from][to] += 1;
            }
        }
        for (p, (a, r)) in s.attacks.iter().zip(&s.reported).enumerate() {
            self.attacks[p].add(*a);
            self.reported[p].add(*r);
        }
        self.convoys_delivered.add(s.convoys_delivered);
        self.convoys_blocked.add(s.convoys_blocked);
    }

    /// Adds every run of `other` (a tally of other runs of the same
    /// scenario), with checked additions.
    pub(crate) fn merge(&mut self, other: &RunTally) -> Result<(), TallyOverflow> {
        fn add(a: &mut [u64], b: &[u64], what: &str) -> Result<(), TallyOverflow> {
            add_cells(a, b, |i| format!("runs.{what}[{i}]"))
        }
        fn add_sums(a: &mut [Sums], b: &[Sums], what: &str) -> Result<(), TallyOverflow> {
            for (i, (x, y)) in a.iter_mut().zip(b).enumerate() {
                x.merge(y, &format!("runs.{what}[{i}]"))?;
            }
            Ok(())
        }
        self.count = checked(self.count, other.count, || "runs.runs".into())?;
        add(&mut self.entered, &other.entered, "entered")?;
        add_sums(&mut self.entry_day, &other.entry_day, "entry_day")?;
        for (k, (a, b)) in self
            .entry_histogram
            .iter_mut()
            .zip(&other.entry_histogram)
            .enumerate()
        {
            add(a, b, &format!("entry_histogram[{k}]"))?;
        }
        add(
            &mut self.in_phase_at_end,
            &other.in_phase_at_end,
            "in_phase_at_end",
        )?;
        add(&mut self.first_move, &other.first_move, "first_move")?;
        for (k, (a, b)) in self
            .first_exit
            .iter_mut()
            .zip(&other.first_exit)
            .enumerate()
        {
            add(a, b, &format!("first_exit[{k}]"))?;
        }
        add_sums(&mut self.attacks, &other.attacks, "attacks")?;
        add_sums(&mut self.reported, &other.reported, "reported")?;
        let (d, b) = (&other.convoys_delivered, &other.convoys_blocked);
        self.convoys_delivered.merge(d, "runs.convoys_delivered")?;
        self.convoys_blocked.merge(b, "runs.convoys_blocked")
    }
}

/// Everything a batch accumulates. It serialises (e.g. to JSON) exactly, so
/// that shards and checkpoints can carry it between processes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

    /// Days the engine simulated for the runs of this tally: a run ends on
    /// the day it enters an absorbing phase (that day is not simulated) and
    /// at the horizon otherwise. What the cost of a batch is proportional
    /// to, so that speed is compared per simulated day and early collapse
    /// does not flatter a scenario.
    pub fn simulated_days(&self, scenario: &Scenario) -> u128 {
        let runs = &self.runs;
        let mut days = 0;
        let mut absorbed = 0;
        for (i, phase) in scenario.phases().iter().enumerate() {
            if phase.is_absorbing() {
                days += runs.entry_day[i].sum;
                absorbed += runs.entered[i];
            }
        }
        days + u128::from(runs.count - absorbed) * u128::from(scenario.horizon_days())
    }

    /// Adds every run of `other` (a tally of other runs of the same
    /// scenario); an overflow names the counter and leaves `self` partly
    /// merged (callers drop it with the error).
    pub fn merge(&mut self, other: &Tally) -> Result<(), TallyOverflow> {
        self.daily.merge(&other.daily)?;
        self.runs.merge(&other.runs)
    }

    /// Checks that a tally read from a file has the shape of `scenario`'s
    /// tallies and counts exactly `runs` runs, so that merging it can neither
    /// panic nor silently drop cells.
    #[doc(hidden)]
    pub fn check_fits(&self, scenario: &Scenario, runs: u64) -> Result<(), TallyMismatch> {
        let empty = Tally::new(scenario);
        let (d, e) = (&self.daily, &empty.daily);
        let (r, f) = (&self.runs, &empty.runs);
        let lens = |a: &[Sums], b: &[Sums]| a.len() == b.len();
        let shape = [
            ("phases", d.phases == e.phases),
            ("parties", d.parties == e.parties),
            ("occupancy", d.occupancy.len() == e.occupancy.len()),
            ("absorbed", d.absorbed.len() == e.absorbed.len()),
            ("sum", d.sum.len() == e.sum.len()),
            ("sum_sq", d.sum_sq.len() == e.sum_sq.len()),
            ("entered", r.entered.len() == f.entered.len()),
            ("entry_day", lens(&r.entry_day, &f.entry_day)),
            (
                "entry_histogram",
                r.entry_histogram.len() == f.entry_histogram.len()
                    && r.entry_histogram
                        .iter()
                        .zip(&f.entry_histogram)
                        .all(|(a, b)| a.len() == b.len()),
            ),
            (
                "in_phase_at_end",
                r.in_phase_at_end.len() == f.in_phase_at_end.len(),
            ),
            ("first_move", r.first_move.len() == f.first_move.len()),
            (
                "first_exit",
                r.first_exit.len() == f.first_exit.len()
                    && r.first_exit
                        .iter()
                        .all(|row| row.len() == f.first_exit.len()),
            ),
            ("attacks", lens(&r.attacks, &f.attacks)),
            ("reported", lens(&r.reported, &f.reported)),
        ];
        if let Some((name, _)) = shape.iter().find(|(_, ok)| !ok) {
            return Err(TallyMismatch::Shape(name));
        }
        let counted = [
            self.runs.count,
            self.daily.runs(),
            self.runs.convoys_blocked.n,
        ];
        if counted.iter().any(|&n| n != runs) {
            return Err(TallyMismatch::Runs {
                expected: runs,
                found: counted.into_iter().find(|&n| n != runs).unwrap_or(runs),
            });
        }
        Ok(())
    }
}

/// A tally that cannot belong to the batch it claims to be part of.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TallyMismatch {
    /// A table has the wrong number of cells for the scenario.
    #[error("its '{0}' table does not have the shape of the scenario's tallies")]
    Shape(&'static str),
    /// The tally counts another number of runs.
    #[error("it counts {found} runs where {expected} were expected")]
    Runs {
        /// Runs the tally should count.
        expected: u64,
        /// Runs it counts.
        found: u64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geneva() -> Scenario {
        Scenario::from_toml(crate::builtin::GENEVA_2016, "geneva-2016.toml").unwrap()
    }

    #[test]
    fn each_metric_of_a_day_is_summed_in_its_own_cell() {
        let sc = geneva();
        let n = sc.parties().len();
        let mut rec = DayRecord::new(&sc);
        rec.day = 2;
        for p in 0..n {
            let p64 = p as u64;
            (rec.attacks_major[p], rec.attacks_minor[p]) = (10 + p64, 20 + p64);
            (rec.reported_major[p], rec.reported_minor[p]) = (100 + p64, 200 + p64);
        }
        (rec.compliant, rec.convoys, rec.blocked) = (true, 7, 3);
        let mut daily = DailyTally::new(&sc);
        daily.day(&rec);
        daily.day(&rec);
        let mut expected = vec![(DayMetric::Compliant, 1), (DayMetric::ConvoysDelivered, 4)];
        expected.push((DayMetric::ConvoysBlocked, 3));
        for p in 0..n {
            expected.push((DayMetric::Attacks(p), 30 + 2 * p as u128));
            expected.push((DayMetric::Reported(p), 300 + 2 * p as u128));
        }
        for (metric, x) in expected {
            let sums = daily.sums(2, metric);
            assert_eq!((sums.sum, sums.sum_sq), (2 * x, 2 * x * x), "{metric:?}");
            assert_eq!(daily.sums(1, metric).sum, 0, "{metric:?} on day 1");
        }
    }

    #[test]
    fn simulated_days_are_the_days_the_engine_stepped() {
        struct Days(u128);
        impl DayObserver for Days {
            fn day(&mut self, _: &DayRecord) {
                self.0 += 1;
            }
        }
        for text in [crate::builtin::GENEVA_2016, crate::builtin::MUNICH_2016] {
            let sc = Scenario::from_toml(text, "builtin.toml").unwrap();
            let batch = crate::engine::Batch::new(&sc, 7);
            let tally = batch.run(0..300).unwrap();
            let mut ws = batch.workspace();
            let mut days = Days(0);
            for run in 0..300 {
                ws.run(run, &mut days).unwrap();
            }
            assert!(days.0 > 0);
            assert_eq!(tally.simulated_days(&sc), days.0, "{}", sc.name());
        }
    }

    #[test]
    fn a_merge_that_would_overflow_names_the_counter() {
        let sc = geneva();
        let tally = crate::engine::Batch::new(&sc, 3).run(0..20).unwrap();
        let mut full = tally.clone();
        full.daily.sum[5] = u64::MAX;
        let err = full.merge(&tally).unwrap_err();
        assert_eq!(err.counter, "daily.sum[day 0, cell 5]");
        assert!(err.to_string().contains("would overflow"), "{err}");

        let mut full = tally.clone();
        full.runs.attacks[1].sum_sq = u128::MAX;
        let err = full.merge(&tally).unwrap_err();
        assert_eq!(err.counter, "runs.attacks[1].sum_sq");

        let mut full = tally.clone();
        full.runs.count = u64::MAX;
        assert_eq!(full.merge(&tally).unwrap_err().counter, "runs.runs");
    }

    #[test]
    fn merges_within_range_add_exactly() {
        let sc = geneva();
        let batch = crate::engine::Batch::new(&sc, 3);
        let mut a = batch.run(0..30).unwrap();
        a.merge(&batch.run(30..50).unwrap()).unwrap();
        assert_eq!(a, batch.run(0..50).unwrap());
    }
}
