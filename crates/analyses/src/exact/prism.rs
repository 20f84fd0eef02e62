//! Export of a scenario's chain as a DTMC in the PRISM language, for the
//! probabilistic model checkers PRISM and Storm.
//!
//! The model is structured, not explicit: the model checker explores the
//! states itself, so the file stays a few kilobytes however many states the
//! chain has (the Munich variant has 0.7 million). Its variables are those
//! of a chain state without the visited and left sets (a model
//! checker asks reachability questions directly): `phase`, `days` and
//! `streak` (capped per phase as the solver caps them), and one variable
//! `h<k>_<i>` per window key `k` and day `i` ago, holding the solver's
//! canonical history (each day's count cut down so that the running sums
//! stay within the key's cap). There is one command per phase; its
//! probabilistic choice enumerates the phase's day outcome table (the
//! solver's own per-phase tables), and each outcome branches once
//! more on which transition fires: the first whose condition holds, in file
//! order, with probability conditions as the products of `chance` written
//! as expressions of the state. An absorbing phase loops on itself and, as
//! in the solver, forgets everything but its phase, so the model checker
//! builds exactly the solver's states.
//!
//! One step is one day, so `P=? [ F<=t "phase" ]` is the probability of
//! having entered the phase by day `t`: the `cumulative_share` of
//! curves.csv (the transition of the last day is never looked at). The
//! companion properties file asks it for every phase at the horizon.

use std::fmt::Write as _;

use super::ExactError;
use super::chain::{Chance, Leaf, Tables, chance, window_of};
use super::outcome::WindowKey;
use crate::scenario::Scenario;

/// A PRISM model and its properties file.
#[derive(Debug, Clone, PartialEq)]
#[doc(hidden)]
pub struct PrismExport {
    /// The model (`.pm`).
    #[doc(hidden)]
    pub model: String,
    /// Bounded reachability properties for every phase (`.props`).
    #[doc(hidden)]
    pub properties: String,
    /// Number of commands of the model (one per phase).
    #[doc(hidden)]
    pub commands: usize,
}

/// The label of a phase in the exported model: its id, with `-` (allowed
/// in ids, not in PRISM identifiers) written `_`, after a `phase_` prefix so
/// that no label clashes with a keyword.
pub(crate) fn label(id: &str) -> String {
    format!("phase_{}", id.replace('-', "_"))
}

/// A probability as a PRISM expression, with constants folded so that a
/// branch known to be impossible is left out and certain factors vanish.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    /// A number.
    Const(f64),
    /// A parenthesised expression of the state variables.
    Text(String),
}

impl Expr {
    /// `1` if the PRISM condition `test` holds, else `0`.
    fn indicator(test: String) -> Expr {
        Expr::Text(format!("({test} ? 1 : 0)"))
    }
}

impl Chance for Expr {
    fn constant(p: f64) -> Self {
        Expr::Const(p)
    }
    fn product(factors: Vec<Self>) -> Self {
        let mut constant = 1.0;
        let mut texts = Vec::new();
        for f in factors {
            match f {
                Expr::Const(c) => constant *= c,
                Expr::Text(t) => texts.push(t),
            }
        }
        if constant == 0.0 || texts.is_empty() {
            return Expr::Const(constant);
        }
        if constant != 1.0 {
            texts.insert(0, constant.to_string());
        }
        if texts.len() == 1 {
            Expr::Text(texts.remove(0))
        } else {
            Expr::Text(format!("({})", texts.join("*")))
        }
    }
    fn complement(self) -> Self {
        match self {
            Expr::Const(c) => Expr::Const(1.0 - c),
            Expr::Text(t) => Expr::Text(format!("(1-{t})")),
        }
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expr::Const(c) => write!(f, "{c}"),
            Expr::Text(t) => f.write_str(t),
        }
    }
}

/// Name of the variable holding window key `k`'s count `i` days ago
/// (`i ≥ 1`).
fn history_var(k: usize, i: usize) -> String {
    format!("h{k}_{i}")
}

/// `min(x, cap)` in PRISM.
fn capped(x: String, cap: u32) -> String {
    format!("min({x},{cap})")
}

/// Refuses numbers PRISM's 32-bit integers cannot hold.
fn fits(x: u64) -> Result<(), ExactError> {
    if x > i32::MAX as u64 {
        return Err(ExactError::TooLarge {
            what: "a threshold, cap or window sum",
            limit: "PRISM's 32-bit integers",
        });
    }
    Ok(())
}

/// Builds the PRISM model of a scenario of the Markov class, refusing it
/// before allocating if its day outcome tables could exceed `max_states`
/// entries (see [`super::DEFAULT_MAX_STATES`]).
#[doc(hidden)]
pub fn export(scenario: &Scenario, max_states: usize) -> Result<PrismExport, ExactError> {
    super::require_markov(scenario)?;
    let tables = Tables::new(scenario, max_states)?;
    let layout = &tables.layout;
    let top = |v: &[u32]| v.iter().copied().max().unwrap_or(0);
    let (days_top, streak_top) = (top(&tables.days_cap), top(&tables.streak_cap));
    for (&(_, cap), &len) in layout.keys.iter().zip(&layout.len) {
        fits(u64::from(cap) * (u64::from(len) + 1))?;
    }
    for phase in scenario.phases() {
        for t in &phase.transitions {
            let mut at_least = 0;
            t.when.visit(&mut |c| {
                if let Some((_, _, k)) = window_of(c) {
                    at_least = at_least.max(k);
                }
            });
            fits(at_least)?;
        }
    }
    let horizon = scenario.horizon_days().saturating_sub(1);

    let mut m = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        m,
        "// {}: exported by ceasefire {} (`ceasefire export-prism`).",
        scenario.name(),
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        m,
        "// One step is one day: a DTMC equal in law to the scenario's runs (no party\n\
         // retaliates), with one command per phase whose branches are the phase's day\n\
         // outcomes times the transition that fires. Variables: phase (index below),\n\
         // days in phase and streak (capped at the largest threshold of the phase that\n\
         // reads them), and h<k>_<i>: the daily count of window key k, i days ago,\n\
         // cut down so that the running sums stay within the key's cap."
    );
    for (i, p) in scenario.phases().iter().enumerate() {
        let kind = if p.is_absorbing() { " (absorbing)" } else { "" };
        let _ = writeln!(
            m,
            "//   phase {i} = {}{kind}: days capped at {}, streak at {}",
            p.id, tables.days_cap[i], tables.streak_cap[i]
        );
    }
    for (k, &(key, cap)) in layout.keys.iter().enumerate() {
        let what = match key {
            WindowKey::Reported { severity, party } => format!(
                "{} reports of {}",
                severity.as_str(),
                party.map_or("all bound parties", |p| scenario.parties()[p].id.as_str())
            ),
            WindowKey::Blocked => "blocked convoys".to_string(),
            WindowKey::ViolationDays => "violation days".to_string(),
        };
        let _ = writeln!(
            m,
            "//   window key {k} = {what}: {} days kept, capped at {cap}",
            layout.len[k]
        );
    }
    let _ = writeln!(m, "\ndtmc\n\nmodule agreement");
    let _ = writeln!(
        m,
        "  phase : [0..{}] init {};",
        scenario.phases().len().saturating_sub(1),
        scenario.initial_phase()
    );
    let _ = writeln!(m, "  days : [0..{days_top}] init 0;");
    let _ = writeln!(m, "  streak : [0..{streak_top}] init 0;");
    for (k, (&(_, cap), &len)) in layout.keys.iter().zip(&layout.len).enumerate() {
        for i in 1..=len as usize {
            let _ = writeln!(m, "  {} : [0..{cap}] init 0;", history_var(k, i));
        }
    }
    let _ = writeln!(m);
    let mut commands = 0;
    for (index, phase) in scenario.phases().iter().enumerate() {
        commands += 1;
        if phase.is_absorbing() {
            let _ = writeln!(
                m,
                "  // {}: absorbing\n  [] phase={index} -> true;",
                phase.id
            );
            continue;
        }
        // Tomorrow's counters, `None` when known to be 0.
        let counter = |var: &str, cap: u32| (cap > 0).then(|| capped(format!("{var}+1"), cap));
        let days = counter("days", tables.days_cap[index]);
        let mut branches = Vec::new();
        for o in &tables.outcomes[index] {
            let streak = if o.compliant {
                counter("streak", tables.streak_cap[index])
            } else {
                None
            };
            // The history after today, in the solver's canonical form
            // (`HistoryLayout::after`): day i ago keeps what it adds to the
            // capped running sum of today and the days before it.
            let mut history = Vec::new();
            for (k, (&(_, cap), &len)) in layout.keys.iter().zip(&layout.len).enumerate() {
                let mut sum = o.counts[k].to_string();
                let mut before: Option<String> = None;
                for i in 1..=len as usize {
                    let value = match &before {
                        None => o.counts[k].min(cap).to_string(),
                        Some(b) => {
                            format!("{}-{}", capped(sum.clone(), cap), capped(b.clone(), cap))
                        }
                    };
                    history.push((history_var(k, i), value));
                    before = Some(sum.clone());
                    sum = format!("{sum}+{}", history_var(k, i));
                }
            }
            let at_least = |counter: &Option<String>, n: u32| match counter {
                Some(x) => Expr::indicator(format!("{x}>={n}")),
                None => Expr::Const(if n == 0 { 1.0 } else { 0.0 }),
            };
            let test = |leaf: Leaf| match leaf {
                Leaf::Streak(n) => at_least(&streak, n),
                Leaf::Days(n) => at_least(&days, n),
                Leaf::Window {
                    key,
                    days: w,
                    at_least,
                } => {
                    let k = layout.key_index(key);
                    let today = u64::from(o.counts[k]);
                    if w <= 1 {
                        return Expr::Const(if today >= at_least { 1.0 } else { 0.0 });
                    }
                    let past: Vec<String> = (1..w as usize).map(|i| history_var(k, i)).collect();
                    Expr::indicator(format!("{today}+{}>={at_least}", past.join("+")))
                }
            };
            let update = |to: usize, days: &str, streak: &str| {
                let mut parts = vec![
                    format!("(phase'={to})"),
                    format!("(days'={days})"),
                    format!("(streak'={streak})"),
                ];
                let forget = scenario.phases()[to].is_absorbing();
                for (var, value) in &history {
                    let value = if forget { "0" } else { value.as_str() };
                    parts.push(format!("({var}'={value})"));
                }
                parts.join("&")
            };
            // The first transition that holds fires: transition k with
            // probability h_k · Π_{j<k} (1 − h_j), as in the solver.
            let mut none = Expr::Const(o.probability);
            for t in &phase.transitions {
                if none == Expr::Const(0.0) {
                    break;
                }
                let h = chance(&t.when, o.compliant, &test);
                if h == Expr::Const(0.0) {
                    continue;
                }
                let fire = Expr::product(vec![none.clone(), h.clone()]);
                branches.push(format!("{fire}:{}", update(t.to, "0", "0")));
                none = Expr::product(vec![none, h.complement()]);
            }
            if none != Expr::Const(0.0) {
                let zero = || "0".to_string();
                let (days, streak) = (
                    days.clone().unwrap_or_else(zero),
                    streak.clone().unwrap_or_else(zero),
                );
                branches.push(format!("{none}:{}", update(index, &days, &streak)));
            }
        }
        let _ = writeln!(
            m,
            "  // {}: {} day outcomes\n  [] phase={index} ->\n      {};",
            phase.id,
            tables.outcomes[index].len(),
            branches.join("\n    + ")
        );
    }
    let _ = writeln!(m, "endmodule\n");
    for (i, p) in scenario.phases().iter().enumerate() {
        let _ = writeln!(m, "label \"{}\" = phase={i};", label(&p.id));
    }

    let mut props = String::new();
    let _ = writeln!(
        props,
        "// {}: probability of entering each phase by day t (here t = {horizon}, the last day).\n\
         // Replace the bound to ask about another day; `ceasefire exact` writes the same\n\
         // numbers as the cumulative_share of curves.csv.",
        scenario.name()
    );
    for p in scenario.phases() {
        let l = label(&p.id);
        let _ = writeln!(
            props,
            "\"entered_{}\": P=? [ F<={horizon} \"{l}\" ];",
            &l[6..]
        );
    }
    Ok(PrismExport {
        model: m,
        properties: props,
        commands,
    })
}
