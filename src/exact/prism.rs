//! Export of a scenario's chain as a DTMC in the PRISM language, for the
//! probabilistic model checkers PRISM and Storm.
//!
//! The model is the chain of [`super::chain`] without the visited and left
//! sets (a model checker asks reachability questions directly): one command
//! per reachable state, whose guard fixes the variables `phase`, `days`,
//! `streak` and `history` (the packed window history) and whose updates are
//! the state's one-day transitions. One step is one day, so
//! `P=? [ F<=t "phase" ]` is the probability of having entered the phase by
//! day `t`: the `cumulative_share` of curves.csv. The companion properties
//! file asks it for every phase at the horizon.

use std::fmt::Write as _;

use super::ExactError;
use super::chain::{Chain, ChainOptions, State};
use crate::scenario::Scenario;

/// A PRISM model and its properties file.
#[derive(Debug, Clone, PartialEq)]
pub struct PrismExport {
    /// The model (`.pm`).
    pub model: String,
    /// Bounded reachability properties for every phase (`.props`).
    pub properties: String,
    /// Number of states of the model.
    pub states: usize,
}

/// The label of a phase in the exported model: its id, with `-` (allowed
/// in ids, not in PRISM identifiers) written `_`, after a `phase_` prefix so
/// that no label clashes with a keyword.
pub fn label(id: &str) -> String {
    format!("phase_{}", id.replace('-', "_"))
}

/// Builds the PRISM model of a scenario of the Markov class.
pub fn export(scenario: &Scenario, max_states: usize) -> Result<PrismExport, ExactError> {
    let chain = Chain::build(
        scenario,
        ChainOptions {
            track_history: false,
            max_states,
        },
    )?;
    type Get = fn(&State) -> u128;
    let getters: [(&str, Get); 4] = [
        ("phase", |s| u128::from(s.phase)),
        ("days", |s| u128::from(s.days)),
        ("streak", |s| u128::from(s.streak)),
        ("history", |s| s.history),
    ];
    let vars: Vec<(&str, u128, Get)> = getters
        .into_iter()
        .map(|(name, get)| (name, chain.states.iter().map(get).max().unwrap_or(0), get))
        .collect();
    if vars[3].1 > i32::MAX as u128 {
        return Err(ExactError::TooLarge {
            what: "packed window history",
            limit: "PRISM's 32-bit integers",
        });
    }
    let start = chain.states[0];
    let horizon = scenario.horizon_days - 1;

    let mut m = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        m,
        "// {}: exported by ceasefire {} (`ceasefire export-prism`).",
        scenario.name,
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        m,
        "// One step is one day. A DTMC of {} states, equal in law to the scenario's runs\n\
         // (no party retaliates). Variables: phase (index below), days in phase and\n\
         // streak (capped at the largest threshold that reads them), history (the\n\
         // reported counts of the last days that windows read, packed, capped).",
        chain.len()
    );
    for (i, p) in scenario.phases.iter().enumerate() {
        let kind = if p.is_absorbing() { " (absorbing)" } else { "" };
        let _ = writeln!(m, "//   phase {i} = {}{kind}", p.id);
    }
    let _ = writeln!(m, "\ndtmc\n\nmodule agreement");
    for (name, top, get) in &vars {
        let _ = writeln!(m, "  {name} : [0..{top}] init {};", get(&start));
    }
    let _ = writeln!(m);
    for (s, st) in chain.states.iter().enumerate() {
        let guard: Vec<String> = vars
            .iter()
            .map(|(name, _, get)| format!("{name}={}", get(st)))
            .collect();
        let updates: Vec<String> = (chain.row[s]..chain.row[s + 1])
            .map(|e| {
                let to = &chain.states[chain.target[e] as usize];
                let assign: Vec<String> = vars
                    .iter()
                    .map(|(name, _, get)| format!("({name}'={})", get(to)))
                    .collect();
                format!("{}:{}", chain.probability[e], assign.join("&"))
            })
            .collect();
        let _ = writeln!(m, "  [] {} -> {};", guard.join(" & "), updates.join(" + "));
    }
    let _ = writeln!(m, "endmodule\n");
    for (i, p) in scenario.phases.iter().enumerate() {
        let _ = writeln!(m, "label \"{}\" = phase={i};", label(&p.id));
    }

    let mut props = String::new();
    let _ = writeln!(
        props,
        "// {}: probability of entering each phase by day t (here t = {horizon}, the last day).\n\
         // Replace the bound to ask about another day; `ceasefire exact` writes the same\n\
         // numbers as the cumulative_share of curves.csv.",
        scenario.name
    );
    for p in &scenario.phases {
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
        states: chain.len(),
    })
}
