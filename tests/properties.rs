//! Property tests: invariants of MODEL.md that must hold for every valid
//! scenario and every seed. Scenarios are written as TOML by the strategies
//! (so parsing is exercised too), and every random choice, seeds included,
//! comes from proptest.

use std::fmt::Write as _;

use ceasefire::engine::{DayObserver, RunSink, RunSummary};
use ceasefire::model::DayRecord;
use ceasefire::scenario::Condition;
use ceasefire::{Batch, Scenario};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// A party as the strategy draws it.
#[derive(Debug, Clone)]
struct PartySpec {
    bound: bool,
    rate: f64,
    major_share: f64,
    false_reports: f64,
    retaliation: Vec<(usize, f64)>,
    half_life: f64,
}

fn party() -> impl Strategy<Value = PartySpec> {
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
fn condition(bound: Vec<String>) -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u32..6).prop_map(|n| format!("{{ streak_at_least = {n} }}")),
        (0u32..12).prop_map(|n| format!("{{ days_in_phase_at_least = {n} }}")),
        (
            1u32..5,
            0u32..8,
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

/// A whole valid scenario as TOML text.
fn scenario_text() -> impl Strategy<Value = String> {
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
            (
                Just(parties),
                Just(horizon),
                Just(compliance),
                Just(monitoring),
                transitions,
                multipliers,
                0..phases,
            )
        })
        .prop_map(
            |(parties, horizon, (tolerance, any, aid), (d, convoys, b, bv), transitions, mult, initial)| {
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
                for (f, (ts, m)) in transitions.iter().zip(&mult).enumerate() {
                    let m: Vec<String> =
                        m.iter().enumerate().map(|(p, x)| format!("p{p} = {x:?}")).collect();
                    let _ = writeln!(
                        s,
                        "[[phase]]\nid = \"f{f}\"\nrate_multiplier = {{ {} }}\n",
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

/// Records every day of a run, and where the run came to rest.
#[derive(Default)]
struct Recorder {
    days: Vec<DayRecord>,
    absorbed: Option<(usize, u32)>,
}

impl DayObserver for Recorder {
    fn day(&mut self, rec: &DayRecord) {
        self.days.push(rec.clone());
    }
    fn absorbed(&mut self, phase: usize, from: u32) {
        assert!(self.absorbed.is_none(), "absorbed twice");
        self.absorbed = Some((phase, from));
    }
}

/// Collects run summaries in the order the batch hands them over.
#[derive(Default)]
struct Collect(Vec<RunSummary>);

impl RunSink for Collect {
    fn run(&mut self, s: &RunSummary) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.0.push(s.clone());
        Ok(())
    }
}

fn parse(text: &str) -> Scenario {
    match Scenario::from_toml(text, "generated.toml") {
        Ok(s) => s,
        Err(e) => panic!("generated scenario refused: {e}\n{text}"),
    }
}

/// Checks every per-day invariant of one recorded run.
fn check_run(sc: &Scenario, rec: &Recorder, summary: &RunSummary) {
    let days = &rec.days;
    let mut phase = sc.initial_phase;
    for (i, d) in days.iter().enumerate() {
        assert_eq!(d.day as usize, i, "days are consecutive from 0");
        assert_eq!(
            d.phase, phase,
            "day {i}: phase changes only by a transition"
        );
        assert!(
            !sc.phases[phase].is_absorbing(),
            "day {i}: an absorbing phase is never simulated"
        );
        assert!(
            d.streak <= d.days_in_phase,
            "day {i}: streak ≤ days in phase"
        );
        for (p, party) in sc.parties.iter().enumerate() {
            if !party.bound {
                assert_eq!(d.reported(p), 0, "day {i}: excluded party {p} has reports");
            }
        }
        assert!(d.blocked <= d.convoys);
        if let Some(k) = d.transition {
            assert!(
                i + 1 < sc.horizon_days as usize,
                "no transition on the last day"
            );
            let t = &sc.phases[phase].transitions[k];
            if let Condition::StreakAtLeast(n @ 1..) = t.when {
                let n = n as usize;
                assert!(i + 1 >= n);
                for back in &days[i + 1 - n..=i] {
                    assert!(
                        back.compliant && back.phase == phase,
                        "streak gate {n} passed early on day {i}"
                    );
                }
                assert!(
                    days[i + 1 - n..i].iter().all(|b| b.transition.is_none()),
                    "streak counted across a transition"
                );
            }
            phase = t.to;
        }
    }
    match rec.absorbed {
        Some((p, from)) => {
            assert_eq!(p, phase);
            assert_eq!(from as usize, days.len());
            assert!(sc.phases[p].is_absorbing());
        }
        None => assert_eq!(days.len(), sc.horizon_days as usize),
    }
    assert_eq!(summary.final_phase, phase);
    for (p, party) in sc.parties.iter().enumerate() {
        let attacks: u64 = days.iter().map(|d| d.attacks(p)).sum();
        assert_eq!(summary.attacks[p], attacks);
        if !party.bound {
            assert_eq!(summary.reported[p], 0);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/properties.txt",
        ))),
        ..ProptestConfig::default()
    })]

    /// Only declared transitions happen, absorbing phases are never left,
    /// streak gates hold, streak ≤ days in phase, excluded parties are never
    /// reported, and a batch's summaries equal runs simulated alone.
    #[test]
    fn runs_obey_the_model(text in scenario_text(), seed in any::<u64>(), runs in 1u64..24) {
        let sc = parse(&text);
        let batch = Batch::new(&sc, seed);
        let mut sink = Collect::default();
        let tally = batch.run(0..runs, &mut sink, &|_| {}).unwrap();
        prop_assert_eq!(sink.0.len() as u64, runs);
        let mut ws = batch.workspace();
        for (i, summary) in sink.0.iter().enumerate() {
            prop_assert_eq!(summary.run, i as u64);
            let mut rec = Recorder::default();
            let alone = ws.run(i as u64, &mut rec).unwrap();
            prop_assert_eq!(&alone, summary, "run {} alone differs from the batch", i);
            check_run(&sc, &rec, summary);
        }
        for (day, counts) in tally.daily.occupancy().iter().enumerate() {
            prop_assert_eq!(counts.iter().sum::<u64>(), runs, "day {}: shares do not sum to 1", day);
        }
    }

    /// With detection 1 and no false reports, reported violations equal
    /// actual attacks for every bound party, day by day.
    #[test]
    fn perfect_monitoring_reports_every_attack(text in scenario_text(), seed in any::<u64>(), run in any::<u64>()) {
        let mut sc = parse(&text);
        sc.detection = 1.0;
        for p in &mut sc.parties {
            p.false_reports_per_day = 0.0;
        }
        let batch = Batch::new(&sc, seed);
        let mut rec = Recorder::default();
        batch.workspace().run(run, &mut rec).unwrap();
        for d in &rec.days {
            for (p, party) in sc.parties.iter().enumerate() {
                let expected = if party.bound { (d.attacks_major[p], d.attacks_minor[p]) } else { (0, 0) };
                prop_assert_eq!((d.reported_major[p], d.reported_minor[p]), expected);
            }
        }
    }

    /// Thread count and the split of run indices into calls change nothing.
    #[test]
    fn results_do_not_depend_on_threads_or_splits(text in scenario_text(), seed in any::<u64>(), runs in 2u64..300, cut in 0.0..1.0f64) {
        let sc = parse(&text);
        let batch = Batch::new(&sc, seed);
        let run_with = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let mut sink = Collect::default();
            let tally = pool.install(|| batch.run(0..runs, &mut sink, &|_| {})).unwrap();
            (sink.0, tally)
        };
        let (one, tally_one) = run_with(1);
        let (four, tally_four) = run_with(4);
        prop_assert_eq!(&one, &four);
        prop_assert_eq!(&tally_one, &tally_four);
        let k = ((runs as f64) * cut) as u64;
        let mut parts = Collect::default();
        let mut merged = batch.run(0..k, &mut parts, &|_| {}).unwrap();
        merged.merge(&batch.run(k..runs, &mut parts, &|_| {}).unwrap());
        prop_assert_eq!(&parts.0, &one);
        prop_assert_eq!(&merged, &tally_one, "tallies of parts merge into the whole");
        let mut extended = ceasefire::Tally::new(&sc);
        batch.run_into(0..k, &mut extended, &mut (), &|_| {}).unwrap();
        batch.run_into(k..runs, &mut extended, &mut (), &|_| {}).unwrap();
        prop_assert_eq!(&extended, &tally_one, "a batch extended block by block");
    }

    /// Changing one party's parameters leaves every other purpose's draws
    /// untouched: with no retaliation and no rate multipliers, the other
    /// parties' attacks and reports, and the convoys scheduled, are the same
    /// day by day for as long as both runs are simulated.
    #[test]
    fn other_purposes_do_not_see_a_partys_change(
        text in scenario_text(),
        seed in any::<u64>(),
        run in 0u64..1000,
        rate in 0.0..4.0f64,
        share in 0.0..=1.0f64,
    ) {
        let mut a = parse(&text);
        for p in &mut a.parties {
            p.retaliation.clear();
        }
        for ph in &mut a.phases {
            ph.rate_multiplier.fill(1.0);
        }
        let mut b = a.clone();
        b.parties[0].rate = rate;
        b.parties[0].major_share = share;
        let (mut ra, mut rb) = (Recorder::default(), Recorder::default());
        Batch::new(&a, seed).workspace().run(run, &mut ra).unwrap();
        Batch::new(&b, seed).workspace().run(run, &mut rb).unwrap();
        for (da, db) in ra.days.iter().zip(&rb.days) {
            for p in 1..a.parties.len() {
                prop_assert_eq!(
                    (da.attacks_major[p], da.attacks_minor[p], da.reported_major[p], da.reported_minor[p]),
                    (db.attacks_major[p], db.attacks_minor[p], db.reported_major[p], db.reported_minor[p]),
                    "day {} party {}", da.day, p
                );
            }
            prop_assert_eq!(da.convoys, db.convoys, "day {}", da.day);
        }
    }
}
