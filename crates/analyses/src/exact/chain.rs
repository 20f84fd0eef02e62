//! The finite Markov chain of a scenario without retaliation: its reachable
//! states and their one-day transition probabilities, in sparse form.
//!
//! A state is what the start of a day needs to know: the phase, the days in
//! it and the streak (each capped at the largest threshold of that phase's
//! conditions), the last `w − 1` days' reported counts of every window key
//! (capped at the key's largest threshold), and, when the solver asks for
//! them, the phases visited and the phases left so far (for first entries and
//! first exits). The same chain without those two sets is what
//! [`super::prism`] exports.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

use super::ExactError;
use super::outcome::{DayMeans, DayOutcome, WindowKey, count_cap, day_outcomes, table_size};
use crate::scenario::{Condition, Scenario};

/// A deterministic hasher: state numbering (and so every float sum) must not
/// change from one process to the next.
type FixedHash = BuildHasherDefault<DefaultHasher>;

/// One state of the chain, as of the start of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct State {
    /// Phase index.
    pub(crate) phase: u32,
    /// Days completed in the phase, capped.
    pub(crate) days: u32,
    /// Consecutive compliant days, capped.
    pub(crate) streak: u32,
    /// The window history, in the mixed radix of [`HistoryLayout`].
    pub(crate) history: u128,
    /// Bit φ: phase φ has been entered (0 when history is not tracked).
    pub(crate) visited: u64,
    /// Bit φ: the run has moved from φ to another phase (likewise).
    pub(crate) left: u64,
}

/// How the window history is packed into [`State::history`]: for each key,
/// the counts of yesterday, the day before, … (`len` days), each in
/// `0..=cap`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HistoryLayout {
    /// Window keys with the cap of their daily counts.
    pub(crate) keys: Vec<(WindowKey, u32)>,
    /// Days kept per key (its longest window minus today).
    pub(crate) len: Vec<u32>,
    /// `place[k][i]`: the weight of key k's count `i + 1` days ago.
    place: Vec<Vec<u128>>,
}

impl HistoryLayout {
    /// The keys that the scenario's windows read, each with its largest
    /// threshold and the days of history its longest window needs.
    pub(crate) fn new(scenario: &Scenario) -> Result<Self, ExactError> {
        let mut keys: Vec<(WindowKey, u32)> = Vec::new();
        let mut len: Vec<u32> = Vec::new();
        for phase in scenario.phases() {
            for t in &phase.transitions {
                t.when.visit(&mut |c| {
                    if let Some((key, days, at_least)) = window_of(c) {
                        let cap = u32::try_from(at_least).unwrap_or(u32::MAX);
                        let keep = days - 1;
                        match keys.iter().position(|(k, _)| *k == key) {
                            Some(i) => {
                                keys[i].1 = keys[i].1.max(cap);
                                len[i] = len[i].max(keep);
                            }
                            None => {
                                keys.push((key, cap));
                                len.push(keep);
                            }
                        }
                    }
                });
            }
        }
        let mut weight: u128 = 1;
        let mut place = Vec::new();
        for (&(_, cap), &l) in keys.iter().zip(&len) {
            let mut p = Vec::new();
            for _ in 0..l {
                p.push(weight);
                weight = weight
                    .checked_mul(u128::from(cap) + 1)
                    .ok_or(ExactError::TooLarge {
                        what: "window history (thresholds and window lengths)",
                        limit: "128 bits per state",
                    })?;
            }
            place.push(p);
        }
        Ok(HistoryLayout { keys, len, place })
    }

    /// The counts of every key, most recent first.
    pub(crate) fn decode(&self, mut code: u128) -> Vec<Vec<u32>> {
        self.keys
            .iter()
            .zip(&self.len)
            .map(|(&(_, cap), &l)| {
                (0..l)
                    .map(|_| {
                        let radix = u128::from(cap) + 1;
                        let x = (code % radix) as u32;
                        code /= radix;
                        x
                    })
                    .collect()
            })
            .collect()
    }

    /// The history after a day with counts `today`: yesterday's counts
    /// become two days ago's, and so on; the oldest are forgotten. The result
    /// is put in canonical form: only the sums of the most recent days matter
    /// (every window ends today), and only up to the key's cap, so each day's
    /// count is cut down to what keeps those capped running sums. Histories
    /// that no window can tell apart then share one state.
    fn after(&self, past: &[Vec<u32>], today: &[u32]) -> u128 {
        let mut code = 0;
        for (k, (&(_, cap), w)) in self.keys.iter().zip(&self.place).enumerate() {
            let mut sum = 0u32;
            let days = std::iter::once(today[k]).chain(past[k].iter().copied());
            for (&weight, x) in w.iter().zip(days) {
                let next = sum.saturating_add(x).min(cap);
                code += u128::from(next - sum) * weight;
                sum = next;
            }
        }
        code
    }

    /// The index of `key` among [`HistoryLayout::keys`] (every window of
    /// the scenario has one).
    pub(crate) fn key_index(&self, key: WindowKey) -> usize {
        self.keys.iter().position(|(k, _)| *k == key).unwrap_or(0)
    }
}

/// The window a condition reads, if it is a window condition: its key, its
/// length in days and its threshold. Every window kind (reported
/// violations, and in v2 blocked convoys and violation days) is the same
/// to the chain: a daily count summed over the window.
pub(crate) fn window_of(c: &Condition) -> Option<(WindowKey, u32, u64)> {
    match *c {
        Condition::ReportedInWindow {
            days,
            at_least,
            severity,
            party,
        } => Some((WindowKey::Reported { severity, party }, days, at_least)),
        Condition::BlockedInWindow { days, at_least } => Some((WindowKey::Blocked, days, at_least)),
        Condition::ViolationDaysInWindow { days, at_least } => {
            Some((WindowKey::ViolationDays, days, at_least))
        }
        _ => None,
    }
}

/// A condition that reads the day's facts, as opposed to one that combines
/// others or draws a number: what [`chance`] asks its caller to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leaf {
    /// `streak ≥ n`, the streak counting today.
    Streak(u32),
    /// `days_in_phase ≥ n`, the days counting today.
    Days(u32),
    /// Today's count and those of the last `days − 1` days of `key` sum to
    /// at least `at_least`.
    Window {
        /// The window's key.
        key: WindowKey,
        /// The window's length in days (at least 1).
        days: u32,
        /// The threshold.
        at_least: u64,
    },
}

/// A probability in the form a caller computes it: a number for the solver,
/// an expression for the PRISM export. [`chance`] combines conditions in
/// this form, so that both read `all`, `any` and `probability` the same way.
pub(crate) trait Chance: Sized {
    /// A known probability.
    fn constant(p: f64) -> Self;
    /// The probability that independent events all happen.
    fn product(factors: Vec<Self>) -> Self;
    /// The probability that the event does not happen.
    fn complement(self) -> Self;
}

impl Chance for f64 {
    fn constant(p: f64) -> Self {
        p
    }
    fn product(factors: Vec<Self>) -> Self {
        factors.into_iter().product()
    }
    fn complement(self) -> Self {
        1.0 - self
    }
}

/// The probability that `c` holds at the end of a day whose compliance is
/// `compliant`, given `test`, the probability (0 or 1) of each leaf. Every
/// `probability` leaf is its own independent draw, so `all` multiplies and
/// `any` is one minus the product of the complements.
pub(crate) fn chance<V: Chance>(c: &Condition, compliant: bool, test: &impl Fn(Leaf) -> V) -> V {
    match c {
        Condition::StreakAtLeast(n) => test(Leaf::Streak(*n)),
        Condition::DaysInPhaseAtLeast(n) => test(Leaf::Days(*n)),
        Condition::ReportedInWindow { .. }
        | Condition::BlockedInWindow { .. }
        | Condition::ViolationDaysInWindow { .. } => {
            let (key, days, at_least) = window_of(c).expect("a window condition");
            test(Leaf::Window {
                key,
                days,
                at_least,
            })
        }
        Condition::Probability { p, on, .. } => {
            V::constant(if on.matches(compliant) { *p } else { 0.0 })
        }
        Condition::All(cs) => V::product(cs.iter().map(|c| chance(c, compliant, test)).collect()),
        Condition::Any(cs) => V::product(
            cs.iter()
                .map(|c| chance(c, compliant, test).complement())
                .collect(),
        )
        .complement(),
    }
}

/// What a condition sees at the end of a day.
struct Facts<'a> {
    days: u32,
    streak: u32,
    compliant: bool,
    today: &'a [u32],
    past: &'a [Vec<u32>],
    layout: &'a HistoryLayout,
}

/// The probability that `c` holds given the day's facts.
fn holds(c: &Condition, f: &Facts) -> f64 {
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    chance(c, f.compliant, &|leaf| match leaf {
        Leaf::Streak(n) => b(f.streak >= n),
        Leaf::Days(n) => b(f.days >= n),
        Leaf::Window {
            key,
            days,
            at_least,
        } => {
            let k = f.layout.key_index(key);
            let past: u64 = f.past[k]
                .iter()
                .take(days as usize - 1)
                .map(|&x| u64::from(x))
                .sum();
            b(u64::from(f.today[k]) + past >= at_least)
        }
    })
}

/// Largest `n` among the conditions of a phase that `pick` extracts, capped
/// at the horizon (a counter never exceeds it).
fn phase_cap(scenario: &Scenario, phase: usize, pick: fn(&Condition) -> Option<u32>) -> u32 {
    let mut cap = 0;
    for t in &scenario.phases()[phase].transitions {
        t.when.visit(&mut |c| {
            if let Some(n) = pick(c) {
                cap = cap.max(n);
            }
        });
    }
    cap.min(scenario.horizon_days())
}

/// What both the chain and its PRISM export are built from, computed once:
/// the window history's layout, each phase's day outcome table and means,
/// and each phase's caps on the days in it and on the streak.
#[derive(Debug, Clone)]
pub struct Tables {
    /// The window keys, their caps and the days of history kept.
    pub(crate) layout: HistoryLayout,
    /// `outcomes[φ]`: the day outcome table of phase φ (empty if absorbing).
    pub(crate) outcomes: Vec<Vec<DayOutcome>>,
    /// Means of a simulated day in each phase (`None`: absorbing).
    pub(crate) means: Vec<Option<DayMeans>>,
    /// `days_cap[φ]`: the largest `days_in_phase_at_least` of φ's
    /// conditions (at most the horizon); days in φ are counted up to it.
    pub(crate) days_cap: Vec<u32>,
    /// `streak_cap[φ]`: likewise for `streak_at_least`.
    pub(crate) streak_cap: Vec<u32>,
}

impl Tables {
    /// Computes the tables of a scenario (of any class: retaliation is
    /// ignored, so check [`super::require_markov`] first), refusing before
    /// allocating any whose size bound ([`table_size`]) exceeds
    /// `max_states`.
    pub(crate) fn new(scenario: &Scenario, max_states: usize) -> Result<Tables, ExactError> {
        let phases = scenario.phases().len();
        let layout = HistoryLayout::new(scenario)?;
        let cap = count_cap(scenario, &layout.keys);
        let estimate = table_size(&layout.keys, cap);
        if estimate > max_states as f64 {
            return Err(ExactError::TablesTooLarge {
                estimate,
                limit: max_states,
                cap,
            });
        }
        let mut outcomes: Vec<Vec<DayOutcome>> = Vec::new();
        let mut means = Vec::new();
        for (i, phase) in scenario.phases().iter().enumerate() {
            if phase.is_absorbing() {
                outcomes.push(Vec::new());
                means.push(None);
            } else {
                let (o, m) = day_outcomes(scenario, i, &layout.keys, cap);
                outcomes.push(o);
                means.push(Some(m));
            }
        }
        let caps = |pick: fn(&Condition) -> Option<u32>| -> Vec<u32> {
            (0..phases).map(|i| phase_cap(scenario, i, pick)).collect()
        };
        let days_cap = caps(|c| match c {
            Condition::DaysInPhaseAtLeast(n) => Some(*n),
            _ => None,
        });
        let streak_cap = caps(|c| match c {
            Condition::StreakAtLeast(n) => Some(*n),
            _ => None,
        });
        Ok(Tables {
            layout,
            outcomes,
            means,
            days_cap,
            streak_cap,
        })
    }
}

/// Limits on the size of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChainOptions {
    /// Track the phases visited and left (needed for first entries and
    /// first exits; not needed to export the chain).
    pub(crate) track_history: bool,
    /// Refuse chains with more states than this.
    pub(crate) max_states: usize,
}

/// The reachable states of a scenario's chain and its transitions.
#[derive(Debug, Clone)]
pub(crate) struct Chain {
    /// States in discovery order; state 0 is the start of day 0.
    pub(crate) states: Vec<State>,
    /// How the window history is packed.
    pub(crate) layout: HistoryLayout,
    /// The edges of state `s` are `row[s]..row[s + 1]`.
    pub(crate) row: Vec<usize>,
    /// Target state of each edge.
    pub(crate) target: Vec<u32>,
    /// Probability of each edge.
    pub(crate) probability: Vec<f64>,
    /// Phase first entered by taking the edge, plus one (0: none).
    pub(crate) entry: Vec<u32>,
    /// `from × phases + to + 1` if the edge is the first move out of
    /// `from` (to another phase `to`); 0 otherwise.
    pub(crate) exit: Vec<u32>,
    /// Means of a simulated day in each phase (`None`: absorbing).
    pub(crate) means: Vec<Option<DayMeans>>,
}

impl Chain {
    /// Explores every state reachable from the start of day 0.
    pub(crate) fn build(scenario: &Scenario, opts: ChainOptions) -> Result<Chain, ExactError> {
        super::require_markov(scenario)?;
        let phases = scenario.phases().len();
        if opts.track_history && phases > 64 {
            return Err(ExactError::TooLarge {
                what: "number of phases",
                limit: "64",
            });
        }
        let Tables {
            layout,
            outcomes,
            means,
            days_cap,
            streak_cap,
        } = Tables::new(scenario, opts.max_states)?;

        let bit = |phase: usize| if opts.track_history { 1u64 << phase } else { 0 };
        let normal = |s: State| {
            if scenario.phases()[s.phase as usize].is_absorbing() {
                // Nothing about an absorbed run matters any more but its phase.
                State {
                    phase: s.phase,
                    days: 0,
                    streak: 0,
                    history: 0,
                    visited: 0,
                    left: 0,
                }
            } else {
                s
            }
        };
        let start = normal(State {
            phase: scenario.initial_phase() as u32,
            days: 0,
            streak: 0,
            history: 0,
            visited: bit(scenario.initial_phase()),
            left: 0,
        });
        let mut chain = Chain {
            states: vec![start],
            layout,
            row: vec![0],
            target: Vec::new(),
            probability: Vec::new(),
            entry: Vec::new(),
            exit: Vec::new(),
            means,
        };
        let mut index: HashMap<State, u32, FixedHash> = HashMap::default();
        index.insert(start, 0);
        let mut edges: Vec<(u32, f64, u32, u32)> = Vec::new();
        let mut s = 0;
        while s < chain.states.len() {
            let st = chain.states[s];
            let phase = st.phase as usize;
            let absorbing = scenario.phases()[phase].is_absorbing();
            // An absorbed run's state has forgotten its history: its
            // self-loop enters and leaves nothing.
            let track = opts.track_history && !absorbing;
            edges.clear();
            let mut add = |next: State, p: f64, edges: &mut Vec<(u32, f64, u32, u32)>| {
                let next = normal(next);
                let entry = if track && st.visited & (1 << next.phase) == 0 {
                    next.phase + 1
                } else {
                    0
                };
                let exit = if track && next.phase != st.phase && st.left & (1 << st.phase) == 0 {
                    st.phase * phases as u32 + next.phase + 1
                } else {
                    0
                };
                let id = match index.get(&next) {
                    Some(&id) => id,
                    None => {
                        let id = chain.states.len() as u32;
                        chain.states.push(next);
                        index.insert(next, id);
                        id
                    }
                };
                match edges.iter_mut().find(|e| e.0 == id) {
                    Some(e) => e.1 += p,
                    None => edges.push((id, p, entry, exit)),
                }
            };
            if absorbing {
                add(st, 1.0, &mut edges);
            } else {
                let past = chain.layout.decode(st.history);
                let days = (st.days + 1).min(days_cap[phase]);
                for o in &outcomes[phase] {
                    let streak = if o.compliant {
                        (st.streak + 1).min(streak_cap[phase])
                    } else {
                        0
                    };
                    let history = chain.layout.after(&past, &o.counts);
                    let facts = Facts {
                        days,
                        streak,
                        compliant: o.compliant,
                        today: &o.counts,
                        past: &past,
                        layout: &chain.layout,
                    };
                    // The first transition that holds fires: transition k
                    // with probability h_k · Π_{j<k} (1 − h_j).
                    let mut none = o.probability;
                    for t in &scenario.phases()[phase].transitions {
                        if none == 0.0 {
                            break;
                        }
                        let h = holds(&t.when, &facts);
                        if h > 0.0 {
                            let to = t.to;
                            let next = State {
                                phase: to as u32,
                                days: 0,
                                streak: 0,
                                history,
                                visited: st.visited | bit(to),
                                left: if to == phase {
                                    st.left
                                } else {
                                    st.left | bit(phase)
                                },
                            };
                            add(next, none * h, &mut edges);
                            none *= 1.0 - h;
                        }
                    }
                    if none > 0.0 {
                        let stay = State {
                            days,
                            streak,
                            history,
                            ..st
                        };
                        add(stay, none, &mut edges);
                    }
                }
            }
            if chain.states.len() > opts.max_states {
                return Err(ExactError::TooManyStates {
                    limit: opts.max_states,
                });
            }
            for &(t, p, e, x) in &edges {
                chain.target.push(t);
                chain.probability.push(p);
                chain.entry.push(e);
                chain.exit.push(x);
            }
            chain.row.push(chain.target.len());
            s += 1;
        }
        Ok(chain)
    }

    /// Number of states.
    pub(crate) fn len(&self) -> usize {
        self.states.len()
    }
}
