//! Checks of a tally read back from a file (a shard's tally.json, a sweep
//! shard's tallies.json, a checkpoint): is it one the engine could have
//! written, does it add up to the runs.csv rows it summarises, and can it be
//! added to others without an integer wrapping round?
//!
//! A tally is a pile of integers; an edited one (a count changed by hand, a
//! tally copied from another shard, a counter set to 2⁶⁴−1) still has the
//! right shape, so [`Tally::check_fits`] accepts it. These checks use what
//! the engine guarantees: every run is somewhere on every day, the per-day
//! sums add up to the per-run totals, an absorbing phase is entered on the
//! day its runs come to rest, and runs.csv holds exactly the per-run values
//! the tally counts. Every sum here is checked, so no input can overflow.

use super::{DailyTally, DayMetric, RunTally, Sums, Tally};
use crate::engine::RunSummary;
use crate::scenario::Scenario;

/// The first way a tally disagrees with what it should be, in words:
/// `runs.entered[collapse] is 12, but the rows give 11`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyInconsistent {
    /// The counter, e.g. `runs.entered[collapse]` or `daily.occupancy[day 3]`.
    pub(crate) what: String,
    /// Its value in the tally.
    pub(crate) found: String,
    /// What it should be, in words (`the rows give 11`).
    pub(crate) expected: String,
}

impl std::fmt::Display for TallyInconsistent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.expected.is_empty() {
            write!(f, "{} {}", self.what, self.found)
        } else {
            write!(f, "{} is {}, but {}", self.what, self.found, self.expected)
        }
    }
}

impl std::error::Error for TallyInconsistent {}

fn inconsistent(what: String, found: impl ToString, expected: String) -> TallyInconsistent {
    TallyInconsistent {
        what,
        found: found.to_string(),
        expected,
    }
}

/// A sum that would not fit its integer type.
fn overflow(what: String) -> TallyInconsistent {
    inconsistent(
        what,
        "overflows when added up (no batch of the engine reaches such a count)",
        String::new(),
    )
}

/// The per-run counters of a tally, summed from runs.csv rows (checked),
/// to compare with the tally the rows belong to. `first_exit` is not in
/// runs.csv, so it is not summed; `first_move` is derived from the entry
/// days (the first move goes to the phase entered first after day 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowTotals {
    initial: usize,
    count: u64,
    entered: Vec<u64>,
    entry_day: Vec<Sums>,
    entry_histogram: Vec<Vec<u64>>,
    in_phase_at_end: Vec<u64>,
    first_move: Vec<u64>,
    attacks: Vec<Sums>,
    reported: Vec<Sums>,
    convoys_delivered: Sums,
    convoys_blocked: Sums,
}

fn add_to(sums: &mut Sums, x: u64, what: impl Fn() -> String) -> Result<(), TallyInconsistent> {
    let x128 = u128::from(x);
    sums.n = sums.n.checked_add(1).ok_or_else(|| overflow(what()))?;
    sums.sum = sums.sum.checked_add(x128).ok_or_else(|| overflow(what()))?;
    sums.sum_sq = (sums.sum_sq)
        .checked_add(x128 * x128)
        .ok_or_else(|| overflow(what()))?;
    Ok(())
}

fn inc(count: &mut u64, what: impl Fn() -> String) -> Result<(), TallyInconsistent> {
    *count = count.checked_add(1).ok_or_else(|| overflow(what()))?;
    Ok(())
}

impl RowTotals {
    /// No rows yet, for a scenario: the counters of an empty [`RunTally`]
    /// but `first_exit`.
    #[doc(hidden)]
    pub fn new(scenario: &Scenario) -> Self {
        let empty = RunTally::new(scenario);
        RowTotals {
            initial: scenario.initial_phase(),
            count: empty.count,
            entered: empty.entered,
            entry_day: empty.entry_day,
            entry_histogram: empty.entry_histogram,
            in_phase_at_end: empty.in_phase_at_end,
            first_move: empty.first_move,
            attacks: empty.attacks,
            reported: empty.reported,
            convoys_delivered: empty.convoys_delivered,
            convoys_blocked: empty.convoys_blocked,
        }
    }

    /// Adds the row of run `s` (whose `first_move` and `first_exit` are not
    /// read). Fails, naming the counter, if a sum would overflow or an entry
    /// day is not a day of the scenario.
    #[doc(hidden)]
    pub fn add(&mut self, s: &RunSummary) -> Result<(), TallyInconsistent> {
        inc(&mut self.count, || "the number of runs".into())?;
        let mut first: Option<(u32, usize)> = None;
        for (phase, day) in s.entered.iter().enumerate() {
            let Some(day) = *day else { continue };
            let what = || format!("entered[{phase}]");
            inc(&mut self.entered[phase], what)?;
            add_to(&mut self.entry_day[phase], u64::from(day), what)?;
            let cell = self.entry_histogram[phase]
                .get_mut(day as usize)
                .ok_or_else(|| {
                    inconsistent(
                        format!("the entry day of phase {phase}"),
                        day,
                        "entry days are days of the horizon".into(),
                    )
                })?;
            inc(cell, what)?;
            if phase != self.initial && first.is_none_or(|(d, _)| day < d) {
                first = Some((day, phase));
            }
        }
        inc(&mut self.in_phase_at_end[s.final_phase], || {
            "in_phase_at_end".into()
        })?;
        if let Some((_, to)) = first {
            inc(&mut self.first_move[to], || "first_move".into())?;
        }
        for (p, (a, r)) in s.attacks.iter().zip(&s.reported).enumerate() {
            add_to(&mut self.attacks[p], *a, || format!("attacks[{p}]"))?;
            add_to(&mut self.reported[p], *r, || format!("reported[{p}]"))?;
        }
        add_to(&mut self.convoys_delivered, s.convoys_delivered, || {
            "convoys_delivered".into()
        })?;
        add_to(&mut self.convoys_blocked, s.convoys_blocked, || {
            "convoys_blocked".into()
        })
    }
}

/// Names of a scenario's phases and parties, for messages.
struct Names<'a>(&'a Scenario);

impl Names<'_> {
    fn phase(&self, i: usize) -> &str {
        self.0.phases().get(i).map_or("?", |p| p.id.as_str())
    }
    fn party(&self, i: usize) -> &str {
        self.0.parties().get(i).map_or("?", |p| p.id.as_str())
    }
}

impl Tally {
    /// Checks that every per-run counter of this tally (but `first_exit`,
    /// which runs.csv does not hold) equals the sum of the rows `rows`,
    /// and names the first that does not. The tally must fit `scenario`
    /// ([`Tally::check_fits`]).
    #[doc(hidden)]
    pub fn check_rows(
        &self,
        scenario: &Scenario,
        rows: &RowTotals,
    ) -> Result<(), TallyInconsistent> {
        let n = Names(scenario);
        let r = &self.runs;
        let differ = |what: String, found: String, rows: String| {
            Err(inconsistent(what, found, format!("the rows give {rows}")))
        };
        if r.count != rows.count {
            return differ(
                "runs.runs".into(),
                r.count.to_string(),
                rows.count.to_string(),
            );
        }
        let per_phase: [(&str, &Vec<u64>, &Vec<u64>); 3] = [
            ("entered", &r.entered, &rows.entered),
            ("in_phase_at_end", &r.in_phase_at_end, &rows.in_phase_at_end),
            ("first_move", &r.first_move, &rows.first_move),
        ];
        for (name, tally, rows) in per_phase {
            if let Some((i, (a, b))) = tally
                .iter()
                .zip(rows)
                .enumerate()
                .find(|(_, (a, b))| a != b)
            {
                return differ(
                    format!("runs.{name}[{}]", n.phase(i)),
                    a.to_string(),
                    b.to_string(),
                );
            }
        }
        let sums = |a: &Sums, b: &Sums| {
            [
                ("n", u128::from(a.n), u128::from(b.n)),
                ("sum", a.sum, b.sum),
                ("sum_sq", a.sum_sq, b.sum_sq),
            ]
            .into_iter()
            .find(|(_, x, y)| x != y)
        };
        for (i, (a, b)) in r.entry_day.iter().zip(&rows.entry_day).enumerate() {
            if let Some((part, x, y)) = sums(a, b) {
                return differ(
                    format!("runs.entry_day[{}].{part}", n.phase(i)),
                    x.to_string(),
                    y.to_string(),
                );
            }
        }
        for (i, (a, b)) in r
            .entry_histogram
            .iter()
            .zip(&rows.entry_histogram)
            .enumerate()
        {
            if let Some((day, (x, y))) = a.iter().zip(b).enumerate().find(|(_, (x, y))| x != y) {
                return differ(
                    format!("runs.entry_histogram[{}][day {day}]", n.phase(i)),
                    x.to_string(),
                    y.to_string(),
                );
            }
        }
        let per_party: [(&str, &Vec<Sums>, &Vec<Sums>); 2] = [
            ("attacks", &r.attacks, &rows.attacks),
            ("reported", &r.reported, &rows.reported),
        ];
        for (name, tally, rows) in per_party {
            for (i, (a, b)) in tally.iter().zip(rows).enumerate() {
                if let Some((part, x, y)) = sums(a, b) {
                    return differ(
                        format!("runs.{name}[{}].{part}", n.party(i)),
                        x.to_string(),
                        y.to_string(),
                    );
                }
            }
        }
        let convoys = [
            (
                "convoys_delivered",
                &r.convoys_delivered,
                &rows.convoys_delivered,
            ),
            ("convoys_blocked", &r.convoys_blocked, &rows.convoys_blocked),
        ];
        for (name, a, b) in convoys {
            if let Some((part, x, y)) = sums(a, b) {
                return differ(format!("runs.{name}.{part}"), x.to_string(), y.to_string());
            }
        }
        Ok(())
    }

    /// Checks that this tally (which fits `scenario`, see
    /// [`Tally::check_fits`]) is one the engine could have written, with
    /// checked arithmetic: on every day each run is simulated in one phase
    /// or rests in an absorbing one; the runs resting in an absorbing phase
    /// are those that entered it, on the day they entered it; the per-day
    /// sums of attacks, reports and convoys add up to the per-run totals;
    /// no run counts more often than there are runs; and every sum of
    /// squares lies between its sum and the sum's square.
    #[doc(hidden)]
    pub fn check_coherent(&self, scenario: &Scenario) -> Result<(), TallyInconsistent> {
        let n = Names(scenario);
        let d = &self.daily;
        let r = &self.runs;
        let runs = r.count;
        let np = d.phases;
        let days = scenario.horizon_days() as usize;
        let at_most = |what: String, x: u64| {
            if x > runs {
                Err(inconsistent(
                    what,
                    x,
                    format!("the tally counts only {runs} runs"),
                ))
            } else {
                Ok(())
            }
        };
        for (i, &x) in r.entered.iter().enumerate() {
            at_most(format!("runs.entered[{}]", n.phase(i)), x)?;
            // A run leaves a phase for the first time at most once, and
            // only a phase it entered.
            let mut left: u64 = 0;
            for &y in &r.first_exit[i] {
                left = left
                    .checked_add(y)
                    .ok_or_else(|| overflow(format!("runs.first_exit[{}]", n.phase(i))))?;
            }
            if left > x {
                return Err(inconsistent(
                    format!("the sum of runs.first_exit[{}]", n.phase(i)),
                    left,
                    format!("only {x} runs entered that phase"),
                ));
            }
        }
        let mut resting = vec![0u64; np];
        for t in 0..days {
            let cells = t * np..(t + 1) * np;
            let mut present: u64 = 0;
            for (phase, (&sim, &abs)) in d.occupancy[cells.clone()]
                .iter()
                .zip(&d.absorbed[cells])
                .enumerate()
            {
                let what = || format!("daily.occupancy[day {t}][{}]", n.phase(phase));
                resting[phase] = resting[phase]
                    .checked_add(abs)
                    .ok_or_else(|| overflow(what()))?;
                present = present
                    .checked_add(sim)
                    .and_then(|p| p.checked_add(resting[phase]))
                    .ok_or_else(|| overflow(what()))?;
                if scenario.phases()[phase].is_absorbing() && phase != scenario.initial_phase() {
                    let entered = r.entry_histogram[phase][t];
                    if abs != entered {
                        return Err(inconsistent(
                            format!("daily.absorbed[day {t}][{}]", n.phase(phase)),
                            abs,
                            format!("runs.entry_histogram says {entered} runs entered it that day"),
                        ));
                    }
                }
            }
            if present != runs {
                return Err(inconsistent(
                    format!("the number of runs on day {t} (daily.occupancy and daily.absorbed)"),
                    present,
                    format!("the tally counts {runs} runs"),
                ));
            }
        }
        let parties = d.parties;
        let totals: Vec<(DayMetric, String, u128)> = (0..parties)
            .flat_map(|p| {
                [
                    (
                        DayMetric::Attacks(p),
                        format!("attacks[{}]", n.party(p)),
                        r.attacks[p].sum,
                    ),
                    (
                        DayMetric::Reported(p),
                        format!("reported[{}]", n.party(p)),
                        r.reported[p].sum,
                    ),
                ]
            })
            .chain([
                (
                    DayMetric::ConvoysDelivered,
                    "convoys_delivered".into(),
                    r.convoys_delivered.sum,
                ),
                (
                    DayMetric::ConvoysBlocked,
                    "convoys_blocked".into(),
                    r.convoys_blocked.sum,
                ),
            ])
            .collect();
        let stride = DailyTally::stride_of(parties);
        for (metric, name, total) in totals {
            let k = DailyTally::slot(parties, metric);
            let mut sum: u128 = 0;
            for t in 0..days {
                let (x, sq) = (d.sum[t * stride + k], d.sum_sq[t * stride + k]);
                check_square(format!("daily.sum_sq[day {t}][{name}]"), x, sq)?;
                sum = sum
                    .checked_add(u128::from(x))
                    .ok_or_else(|| overflow(format!("daily.sum[{name}]")))?;
            }
            if sum != total {
                return Err(inconsistent(
                    format!("the sum over days of daily.sum[{name}]"),
                    sum,
                    format!("runs.{name}.sum is {total}"),
                ));
            }
        }
        let k = DailyTally::slot(parties, DayMetric::Compliant);
        for t in 0..days {
            let (x, sq) = (d.sum[t * stride + k], d.sum_sq[t * stride + k]);
            at_most(format!("daily.sum[day {t}][compliant]"), x)?;
            if sq != u128::from(x) {
                return Err(inconsistent(
                    format!("daily.sum_sq[day {t}][compliant]"),
                    sq,
                    format!("a day is compliant or not, so it equals daily.sum, {x}"),
                ));
            }
        }
        Ok(())
    }

    /// Checks that this tally can hold the runs of `part` (a tally of some
    /// of its runs, re-simulated): no counter of `part` exceeds this one's.
    /// A tally of other runs, of another seed or of another point of a
    /// sweep fails this as soon as one of the re-simulated runs did
    /// something the tally never saw (entered a phase on a day no counted
    /// run did, or made more attacks than all of them).
    #[doc(hidden)]
    pub fn check_contains(
        &self,
        scenario: &Scenario,
        part: &Tally,
    ) -> Result<(), TallyInconsistent> {
        let n = Names(scenario);
        let within = |what: String, whole: u128, part: u128| {
            if part > whole {
                Err(inconsistent(
                    what,
                    whole,
                    format!("the re-simulated runs alone give {part}"),
                ))
            } else {
                Ok(())
            }
        };
        let (r, p) = (&self.runs, &part.runs);
        for (i, (a, b)) in r.entry_histogram.iter().zip(&p.entry_histogram).enumerate() {
            for (day, (x, y)) in a.iter().zip(b).enumerate() {
                within(
                    format!("runs.entry_histogram[{}][day {day}]", n.phase(i)),
                    u128::from(*x),
                    u128::from(*y),
                )?;
            }
        }
        for (i, (a, b)) in r.first_exit.iter().zip(&p.first_exit).enumerate() {
            for (j, (x, y)) in a.iter().zip(b).enumerate() {
                within(
                    format!("runs.first_exit[{}][{}]", n.phase(i), n.phase(j)),
                    u128::from(*x),
                    u128::from(*y),
                )?;
            }
        }
        for (i, (a, b)) in r.in_phase_at_end.iter().zip(&p.in_phase_at_end).enumerate() {
            within(
                format!("runs.in_phase_at_end[{}]", n.phase(i)),
                u128::from(*a),
                u128::from(*b),
            )?;
        }
        for (i, (a, b)) in r.attacks.iter().zip(&p.attacks).enumerate() {
            within(
                format!("runs.attacks[{}].sum_sq", n.party(i)),
                a.sum_sq,
                b.sum_sq,
            )?;
        }
        for (i, (a, b)) in r.reported.iter().zip(&p.reported).enumerate() {
            within(
                format!("runs.reported[{}].sum_sq", n.party(i)),
                a.sum_sq,
                b.sum_sq,
            )?;
        }
        let (d, e) = (&self.daily, &part.daily);
        for (i, (a, b)) in d.occupancy.iter().zip(&e.occupancy).enumerate() {
            within(
                format!(
                    "daily.occupancy[day {}][{}]",
                    i / d.phases,
                    n.phase(i % d.phases)
                ),
                u128::from(*a),
                u128::from(*b),
            )?;
        }
        for (i, (a, b)) in d.absorbed.iter().zip(&e.absorbed).enumerate() {
            within(
                format!(
                    "daily.absorbed[day {}][{}]",
                    i / d.phases,
                    n.phase(i % d.phases)
                ),
                u128::from(*a),
                u128::from(*b),
            )?;
        }
        let stride = DailyTally::stride_of(d.parties);
        for (i, (a, b)) in d.sum_sq.iter().zip(&e.sum_sq).enumerate() {
            within(
                format!("daily.sum_sq[day {}][cell {}]", i / stride, i % stride),
                *a,
                *b,
            )?;
        }
        Ok(())
    }
}

/// A sum of squares of non-negative integers lies between their sum and the
/// sum's square.
fn check_square(what: String, sum: u64, sum_sq: u128) -> Result<(), TallyInconsistent> {
    let sum128 = u128::from(sum);
    if sum_sq < sum128 || sum_sq > sum128 * sum128 {
        return Err(inconsistent(
            what,
            sum_sq,
            format!(
                "a sum of squares of whole numbers summing to {sum} lies between {sum} and {sum}²"
            ),
        ));
    }
    Ok(())
}
