//! Proptest strategies that write whole valid scenarios as TOML (so that
//! parsing is exercised too), for property tests of the engine, of the exact
//! solver, and of users' own invariants (feature `proptest-strategies`).
//! Every random choice is proptest's, so a failing case shrinks and replays.
//!
//! ```
//! use ceasefire_core::scenario::Scenario;
//! use ceasefire_core::strategies::scenario_text;
//! use proptest::prelude::*;
//!
//! proptest!(|(text in scenario_text())| {
//!     let sc = Scenario::from_toml(&text, "generated.toml").unwrap();
//!     prop_assert!(sc.horizon_days() >= 1);
//! });
//! ```
//!
//! The project's own tests include this file as a module, so it uses
//! nothing of the crate.

// Each test crate of the project uses a different subset of these
// strategies.
#![allow(dead_code)]

use std::fmt::Write as _;

use proptest::prelude::*;

/// A party as the strategy draws it.
#[derive(Debug, Clone)]
pub(crate) struct PartySpec {
    bound: bool,
    rate: f64,
    major_share: f64,
    false_reports: f64,
    retaliation: Vec<(usize, f64)>,
    half_life: f64,
}

/// A party's parameters, drawn from ranges that keep runs short and
/// retaliation mostly tame (it can still be explosive, as users' files can).
pub(crate) fn party() -> impl Strategy<Value = PartySpec> {
    (
        any::<bool>(),
        0.0..3.0f64,
        0.0..=1.0f64,
        prop_oneof![Just(0.0), 0.0..1.5f64],
        prop::collection::vec((0usize..3, 0.0..0.3f64), 0..3),
        0.5..6.0f64,
    )
        .prop_map(
            |(bound, rate, major_share, false_reports, retaliation, half_life)| PartySpec {
                bound,
                rate,
                major_share,
                false_reports,
                retaliation,
                half_life,
            },
        )
}

/// A condition in TOML inline-table syntax. `bound` lists the ids of bound
/// parties, which are the only ones a window may name.
pub(crate) fn condition(bound: Vec<String>) -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u32..6).prop_map(|n| format!("{{ streak_at_least = {n} }}")),
        (0u32..12).prop_map(|n| format!("{{ days_in_phase_at_least = {n} }}")),
        (
            1u32..5,
            1u32..8,
            prop::bool::ANY,
            prop::option::of(prop::sample::select(if bound.is_empty() {
                vec![String::new()]
            } else {
                bound.clone()
            }))
        )
            .prop_map(move |(days, k, major, party)| {
                let sev = if major { "major" } else { "any" };
                let party = match party {
                    Some(p) if !p.is_empty() => format!(", party = \"{p}\""),
                    _ => String::new(),
                };
                format!(
                    "{{ reported_in_window = {{ days = {days}, at_least = {k}, severity = \"{sev}\"{party} }} }}"
                )
            }),
        (1u32..5, 1u32..4)
            .prop_map(|(days, k)| format!("{{ blocked_in_window = {{ days = {days}, at_least = {k} }} }}")),
        (1u32..5, 1u32..5).prop_map(|(days, k)| format!(
            "{{ violation_days_in_window = {{ days = {days}, at_least = {k} }} }}"
        )),
        (
            0.0..=1.0f64,
            prop::sample::select(vec!["violation_day", "compliant_day", "any_day"])
        )
            .prop_map(|(p, on)| format!("{{ probability = {p:?}, on = \"{on}\" }}")),
    ];
    leaf.prop_recursive(2, 6, 3, |inner| {
        (prop::bool::ANY, prop::collection::vec(inner, 1..3)).prop_map(|(all, cs)| {
            format!(
                "{{ {} = [{}] }}",
                if all { "all" } else { "any" },
                cs.join(", ")
            )
        })
    })
}

/// (v2) A phase's own monitoring and aid keys, each present or not, as TOML
/// lines.
pub(crate) fn phase_overrides() -> impl Strategy<Value = String> {
    (
        prop::option::of(0.0..=1.0f64),
        prop::option::of(0.0..3.0f64),
        prop::option::of(0.0..=1.0f64),
        prop::option::of(0.0..=1.0f64),
    )
        .prop_map(|(d, c, b, bv)| {
            let mut s = String::new();
            for (key, value) in [
                ("detection", d),
                ("convoys_per_day", c),
                ("block_probability", b),
                ("block_probability_violent", bv),
            ] {
                if let Some(v) = value {
                    let _ = writeln!(s, "{key} = {v:?}");
                }
            }
            s
        })
}

/// A whole valid scenario as TOML text.
pub fn scenario_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(party(), 1..4),
        2usize..5,
        1u32..40,
        (0u64..3, any::<bool>(), any::<bool>()),
        (0.0..=1.0f64, 0.0..2.0f64, 0.0..=1.0f64, 0.0..=1.0f64),
    )
        .prop_flat_map(|(parties, phases, horizon, compliance, monitoring)| {
            let bound: Vec<String> = parties
                .iter()
                .enumerate()
                .filter(|(_, p)| p.bound)
                .map(|(i, _)| format!("p{i}"))
                .collect();
            let transitions = prop::collection::vec(
                prop::collection::vec((0..phases, condition(bound)), 0..4),
                phases,
            );
            let multipliers = prop::collection::vec(
                prop::collection::vec(prop_oneof![Just(1.0), 0.0..2.0f64], parties.len()),
                phases,
            );
            let overrides = prop::collection::vec(phase_overrides(), phases);
            (
                Just(parties),
                Just(horizon),
                Just(compliance),
                Just(monitoring),
                transitions,
                (multipliers, overrides),
                0..phases,
            )
        })
        .prop_map(
            |(parties, horizon, (tolerance, any, aid), (d, convoys, b, bv), transitions, (mult, overrides), initial)| {
                let mut s = String::new();
                let _ = writeln!(
                    s,
                    "[scenario]\nname = \"generated\"\nstart_date = 2016-09-12\nhorizon_days = {horizon}\ninitial_phase = \"f{initial}\"\n"
                );
                let counts = if any { "any" } else { "major" };
                let _ = writeln!(
                    s,
                    "[compliance]\ncounts = \"{counts}\"\ntolerance = {tolerance}\nrequires_aid = {aid}\n"
                );
                let _ = writeln!(s, "[monitoring]\ndetection = {d:?}\n");
                let _ = writeln!(
                    s,
                    "[humanitarian]\nconvoys_per_day = {convoys:?}\nblock_probability = {b:?}\nblock_probability_violent = {bv:?}\n"
                );
                let n = parties.len();
                for (i, p) in parties.iter().enumerate() {
                    // One α per other party: a later draw for the same party wins.
                    let retaliation: std::collections::BTreeMap<usize, f64> =
                        p.retaliation.iter().filter(|(q, _)| *q < n).copied().collect();
                    let retaliation: Vec<String> =
                        retaliation.iter().map(|(q, a)| format!("p{q} = {a:?}")).collect();
                    let _ = writeln!(
                        s,
                        "[[party]]\nid = \"p{i}\"\nbound = {}\nrate = {:?}\nmajor_share = {:?}\nfalse_reports_per_day = {:?}\nhalf_life_days = {:?}",
                        p.bound,
                        p.rate,
                        p.major_share,
                        if p.bound { p.false_reports } else { 0.0 },
                        p.half_life
                    );
                    let _ = writeln!(s, "retaliation = {{ {} }}\n", retaliation.join(", "));
                }
                for (f, ((ts, m), own)) in transitions.iter().zip(&mult).zip(&overrides).enumerate() {
                    let m: Vec<String> =
                        m.iter().enumerate().map(|(p, x)| format!("p{p} = {x:?}")).collect();
                    let _ = writeln!(
                        s,
                        "[[phase]]\nid = \"f{f}\"\nrate_multiplier = {{ {} }}\n{own}",
                        m.join(", ")
                    );
                    for (to, when) in ts {
                        let _ = writeln!(s, "[[phase.transition]]\nto = \"f{to}\"\nwhen = {when}\n");
                    }
                }
                s
            },
        )
}
