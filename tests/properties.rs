//! Property tests: invariants of MODEL.md that must hold for every valid
//! scenario and every seed. Scenarios are written as TOML by the strategies
//! (so parsing is exercised too), and every random choice, seeds included,
//! comes from proptest.

use ceasefire::engine::{BatchObserver, DayObserver, ObserverError, RunSummary};
use ceasefire::model::DayRecord;
use ceasefire::scenario::{Condition, Severity};
use ceasefire::{Batch, Scenario, Tally};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use crate::generate;
use crate::util;
use generate::scenario_text;
use util::{changed, same_in_every_phase, without_retaliation};

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

/// The tally of `runs`, with every summary handed to `sink`.
fn tally_of(batch: &Batch, runs: std::ops::Range<u64>, sink: &mut Collect) -> Tally {
    let mut tally = Tally::new(batch.scenario());
    batch.run_observed(runs, &mut tally, sink).unwrap();
    tally
}

impl BatchObserver for Collect {
    fn run(&mut self, s: &RunSummary) -> Result<(), ObserverError> {
        self.0.push(s.clone());
        Ok(())
    }
}

/// Scenarios whose runs always reach their horizon: retaliation is
/// subcritical in every phase (the branching ratio times the largest rate
/// multiplier is below 1, which bounds every phase's ratio). In an
/// explosive scenario a run may stop with an intensity error, which is the
/// engine's answer and not a failure of the properties below, which are
/// about the runs a scenario completes.
fn runnable_scenario_text() -> impl Strategy<Value = String> {
    scenario_text().prop_filter("retaliation is explosive in some phase", |text| {
        let sc = parse(text);
        let multipliers = sc.phases().iter().flat_map(|ph| ph.rate_multiplier.iter());
        sc.branching_ratio() * multipliers.copied().fold(1.0, f64::max) < 1.0
    })
}

fn parse(text: &str) -> Scenario {
    match Scenario::from_toml(text, "generated.toml") {
        Ok(s) => s,
        Err(e) => panic!("generated scenario refused: {e}\n{text}"),
    }
}

/// Checks every per-day invariant of one recorded run.
/// The sum of `value` over the window of `w` days ending on day `i` (days
/// before 0 count as 0), straight from the recorded days.
fn window_sum(days: &[DayRecord], i: usize, w: u32, value: impl Fn(&DayRecord) -> u64) -> u64 {
    days[(i + 1).saturating_sub(w as usize)..=i]
        .iter()
        .map(value)
        .sum()
}

/// Whether `c` holds at the end of day `i`, computed from the recorded days
/// alone, as MODEL.md states each condition; `None` if it depends on a
/// `probability` draw.
fn holds_naively(sc: &Scenario, c: &Condition, days: &[DayRecord], i: usize) -> Option<bool> {
    let d = &days[i];
    Some(match c {
        Condition::StreakAtLeast(n) => d.streak >= *n,
        Condition::DaysInPhaseAtLeast(n) => d.days_in_phase >= *n,
        Condition::ReportedInWindow {
            days: w,
            at_least,
            severity,
            party,
        } => {
            let reported = |r: &DayRecord| {
                let parties = sc.parties().iter().enumerate();
                parties
                    .filter(|(p, q)| q.bound && party.is_none_or(|only| only == *p))
                    .map(|(p, _)| match severity {
                        Severity::Major => r.reported_major[p],
                        Severity::Any => r.reported(p),
                    })
                    .sum()
            };
            window_sum(days, i, *w, reported) >= *at_least
        }
        Condition::BlockedInWindow { days: w, at_least } => {
            window_sum(days, i, *w, |r| r.blocked) >= *at_least
        }
        Condition::ViolationDaysInWindow { days: w, at_least } => {
            window_sum(days, i, *w, |r| u64::from(!r.compliant)) >= *at_least
        }
        Condition::Probability { .. } => return None,
        Condition::All(cs) | Condition::Any(cs) => {
            let each: Vec<bool> = cs
                .iter()
                .map(|c| holds_naively(sc, c, days, i))
                .collect::<Option<_>>()?;
            match c {
                Condition::All(_) => each.iter().all(|&h| h),
                _ => each.iter().any(|&h| h),
            }
        }
    })
}

fn check_run(sc: &Scenario, rec: &Recorder, summary: &RunSummary) {
    let days = &rec.days;
    let mut phase = sc.initial_phase();
    for (i, d) in days.iter().enumerate() {
        assert_eq!(d.day as usize, i, "days are consecutive from 0");
        assert_eq!(
            d.phase, phase,
            "day {i}: phase changes only by a transition"
        );
        assert!(
            !sc.phases()[phase].is_absorbing(),
            "day {i}: an absorbing phase is never simulated"
        );
        assert!(
            d.streak <= d.days_in_phase,
            "day {i}: streak ≤ days in phase"
        );
        for (p, party) in sc.parties().iter().enumerate() {
            if !party.bound {
                assert_eq!(d.reported(p), 0, "day {i}: excluded party {p} has reports");
            }
        }
        assert!(d.blocked <= d.convoys);
        // Transitions are tried in file order on every day but the last,
        // until one fires: those tried before it did not hold, it did.
        if i + 1 < sc.horizon_days() as usize {
            let transitions = &sc.phases()[phase].transitions;
            let tried = d.transition.map_or(transitions.len(), |k| k + 1);
            for (k, t) in transitions.iter().enumerate().take(tried) {
                if let Some(holds) = holds_naively(sc, &t.when, days, i) {
                    assert_eq!(
                        holds,
                        d.transition == Some(k),
                        "day {i}: transition {k} ({:?}) computed from the days",
                        t.when
                    );
                }
            }
        }
        if let Some(k) = d.transition {
            assert!(
                i + 1 < sc.horizon_days() as usize,
                "no transition on the last day"
            );
            let t = &sc.phases()[phase].transitions[k];
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
            assert!(sc.phases()[p].is_absorbing());
        }
        None => assert_eq!(days.len(), sc.horizon_days() as usize),
    }
    assert_eq!(summary.final_phase, phase);
    for (p, party) in sc.parties().iter().enumerate() {
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
    /// streak gates hold, transitions fire exactly when their conditions
    /// (recomputed from the recorded days) hold, streak ≤ days in phase,
    /// excluded parties are never reported, and a batch's summaries equal
    /// runs simulated alone.
    #[test]
    fn runs_obey_the_model(text in runnable_scenario_text(), seed in any::<u64>(), runs in 1u64..24) {
        let sc = parse(&text);
        let batch = Batch::new(&sc, seed);
        let mut sink = Collect::default();
        let tally = tally_of(&batch, 0..runs, &mut sink);
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
    fn perfect_monitoring_reports_every_attack(text in runnable_scenario_text(), seed in any::<u64>(), run in any::<u64>()) {
        let sc = parse(&text);
        let mut changes = vec!["monitoring.detection=1.0".to_string()];
        changes.extend(sc.phases().iter().map(|ph| format!("phase.{}.detection=1.0", ph.id)));
        changes.extend(sc.parties().iter().map(|p| format!("party.{}.false_reports_per_day=0.0", p.id)));
        let sc = changed(&sc, &changes);
        let batch = Batch::new(&sc, seed);
        let mut rec = Recorder::default();
        batch.workspace().run(run, &mut rec).unwrap();
        for d in &rec.days {
            for (p, party) in sc.parties().iter().enumerate() {
                let expected = if party.bound { (d.attacks_major[p], d.attacks_minor[p]) } else { (0, 0) };
                prop_assert_eq!((d.reported_major[p], d.reported_minor[p]), expected);
            }
        }
    }

    /// Thread count and the split of run indices into calls change nothing.
    #[test]
    fn results_do_not_depend_on_threads_or_splits(text in runnable_scenario_text(), seed in any::<u64>(), runs in 2u64..300, cut in 0.0..1.0f64) {
        let sc = parse(&text);
        let batch = Batch::new(&sc, seed);
        let run_with = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let mut sink = Collect::default();
            let tally = pool.install(|| tally_of(&batch, 0..runs, &mut sink));
            (sink.0, tally)
        };
        let (one, tally_one) = run_with(1);
        let (four, tally_four) = run_with(4);
        prop_assert_eq!(&one, &four);
        prop_assert_eq!(&tally_one, &tally_four);
        let k = ((runs as f64) * cut) as u64;
        let mut parts = Collect::default();
        let mut merged = tally_of(&batch, 0..k, &mut parts);
        merged.merge(&tally_of(&batch, k..runs, &mut parts)).unwrap();
        prop_assert_eq!(&parts.0, &one);
        prop_assert_eq!(&merged, &tally_one, "tallies of parts merge into the whole");
        let mut extended = ceasefire::Tally::new(&sc);
        batch.run_observed(0..k, &mut extended, &mut ()).unwrap();
        batch.run_observed(k..runs, &mut extended, &mut ()).unwrap();
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
        let a = without_retaliation(&parse(&text));
        // Monitoring and convoys the same in every phase (v2 overrides are
        // the subject of their own property below), and no multipliers.
        let a = same_in_every_phase(&a);
        let mut ones = Vec::new();
        for ph in a.phases() {
            for p in a.parties() {
                ones.push(format!("phase.{}.rate_multiplier.{}=1.0", ph.id, p.id));
            }
        }
        let a = changed(&a, &ones);
        let first = &a.parties()[0].id;
        let b = changed(&a, &[
            format!("party.{first}.rate={rate:?}"),
            format!("party.{first}.major_share={share:?}"),
        ]);
        let (mut ra, mut rb) = (Recorder::default(), Recorder::default());
        Batch::new(&a, seed).workspace().run(run, &mut ra).unwrap();
        Batch::new(&b, seed).workspace().run(run, &mut rb).unwrap();
        for (da, db) in ra.days.iter().zip(&rb.days) {
            for p in 1..a.parties().len() {
                prop_assert_eq!(
                    (da.attacks_major[p], da.attacks_minor[p], da.reported_major[p], da.reported_minor[p]),
                    (db.attacks_major[p], db.attacks_minor[p], db.reported_major[p], db.reported_minor[p]),
                    "day {} party {}", da.day, p
                );
            }
            prop_assert_eq!(da.convoys, db.convoys, "day {}", da.day);
        }
    }

    /// Issue 10: a phase's overrides change nothing in the phases that do
    /// not set them. Changing phase φ's four keys leaves every day of a run
    /// identical until the run first enters φ, and that day's attacks too
    /// (the draws of other purposes stay where they were).
    #[test]
    fn phase_overrides_change_nothing_in_other_phases(
        text in runnable_scenario_text(),
        seed in any::<u64>(),
        run in 0u64..1000,
        phase in any::<prop::sample::Index>(),
        (d, c, b, bv) in (0.0..=1.0f64, 0.0..3.0f64, 0.0..=1.0f64, 0.0..=1.0f64),
    ) {
        let a = parse(&text);
        let phi = phase.index(a.phases().len());
        let id = &a.phases()[phi].id;
        let b_sc = changed(&a, &[
            format!("phase.{id}.detection={d:?}"),
            format!("phase.{id}.convoys_per_day={c:?}"),
            format!("phase.{id}.block_probability={b:?}"),
            format!("phase.{id}.block_probability_violent={bv:?}"),
        ]);
        let (mut ra, mut rb) = (Recorder::default(), Recorder::default());
        Batch::new(&a, seed).workspace().run(run, &mut ra).unwrap();
        Batch::new(&b_sc, seed).workspace().run(run, &mut rb).unwrap();
        for (da, db) in ra.days.iter().zip(&rb.days) {
            if da.phase == phi {
                prop_assert_eq!(db.phase, phi);
                prop_assert_eq!(&da.attacks_major, &db.attacks_major, "day {}", da.day);
                prop_assert_eq!(&da.attacks_minor, &db.attacks_minor, "day {}", da.day);
                break;
            }
            prop_assert_eq!(da, db, "day {} in phase {} (overrides of phase {})", da.day, da.phase, phi);
        }
        if !ra.days.iter().any(|d| d.phase == phi) {
            prop_assert_eq!(&ra.days, &rb.days);
            prop_assert_eq!(ra.absorbed, rb.absorbed);
        }
    }

    /// Issue 10: a scenario whose phases set every override to the
    /// scenario-level value is the same scenario: the same runs and the
    /// same tallies (so byte-identical outputs).
    #[test]
    fn overrides_equal_to_the_scenario_values_change_nothing(
        text in runnable_scenario_text(),
        seed in any::<u64>(),
        runs in 1u64..40,
    ) {
        let a = parse(&text);
        let mut doc: toml::Table = toml::from_str(&text).unwrap();
        let h = &a.humanitarian();
        let phases = doc.get_mut("phase").and_then(|p| p.as_array_mut()).unwrap();
        for phase in phases {
            let t = phase.as_table_mut().unwrap();
            for (key, value) in [
                ("detection", a.detection()),
                ("convoys_per_day", h.convoys_per_day),
                ("block_probability", h.block_probability),
                ("block_probability_violent", h.block_probability_violent),
            ] {
                t.entry(key).or_insert(toml::Value::Float(value));
            }
        }
        let explicit = toml::to_string(&doc).unwrap();
        let b = parse(&explicit);
        prop_assert!(b.phases().iter().all(|p| p.overrides.detection.is_some()));
        let (mut sa, mut sb) = (Collect::default(), Collect::default());
        let ta = tally_of(&Batch::new(&a, seed), 0..runs, &mut sa);
        let tb = tally_of(&Batch::new(&b, seed), 0..runs, &mut sb);
        prop_assert_eq!(&sa.0, &sb.0);
        prop_assert_eq!(&ta, &tb);
    }
}
