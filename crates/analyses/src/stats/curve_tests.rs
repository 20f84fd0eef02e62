//! The time-to-event curves and daily metrics against a scenario whose answer
//! is known exactly.
//!
//! One bound party attacks Poisson(μ) times a day, every attack major and
//! seen by monitors, with no tolerance: a day is compliant with probability
//! q = e^(−μ), independently of everything else. The truce moves to `joint`
//! after a streak of K compliant days, and otherwise collapses on a
//! violation day with probability P. Both targets are absorbing. The
//! distribution of the phase of every day is then a small recursion over the
//! streak, computed here without sampling, and every day of the Monte Carlo
//! curves must agree with it within 4.5 standard errors.

use crate::engine::DayMetric;
use crate::engine::Tally;
use crate::stats::Metric;
use crate::stats::curves::curve_rows;
use crate::stats::daily_metrics::daily_metric_rows;
use crate::stats::summary::summary_rows;
use crate::stats::wilson_with_z;
use crate::{engine::Batch, scenario::Scenario};

const MU: f64 = 0.4;
const K: usize = 5;
const P: f64 = 0.1;
const HORIZON: usize = 40;
const RUNS: u64 = 40_000;
const SEED: u64 = 20_160_912;
/// Standard errors a Monte Carlo estimate may stray from the exact value:
/// with about 200 comparisons, a false alarm has probability about 1e-3
/// per seed, and the seed is fixed.
const Z: f64 = 4.5;

fn scenario() -> Scenario {
    let text = format!(
        r#"
[scenario]
name = "exact"
start_date = 2020-01-01
horizon_days = {HORIZON}
initial_phase = "truce"

[compliance]
counts = "major"
tolerance = 0

[monitoring]
detection = 1.0

[[party]]
id = "a"
rate = {MU}
major_share = 1.0

[[phase]]
id = "truce"

[[phase.transition]]
to = "joint"
when = {{ streak_at_least = {K} }}

[[phase.transition]]
to = "collapse"
when = {{ probability = {P}, on = "violation_day" }}

[[phase]]
id = "joint"

[[phase]]
id = "collapse"
"#
    );
    Scenario::from_toml(&text, "exact.toml").expect("the test scenario is valid")
}

/// Exact answer: for every day t, P(in truce on day t) and P(entered joint by
/// day t), P(entered collapse by day t).
struct Exact {
    truce: Vec<f64>,
    joint: Vec<f64>,
    collapse: Vec<f64>,
}

fn exact() -> Exact {
    let q = (-MU).exp();
    // streak[s]: probability of being in the truce at the start of a day
    // with streak s (< K).
    let mut streak = vec![0.0; K];
    streak[0] = 1.0;
    let (mut joint, mut collapse) = (0.0, 0.0);
    let mut out = Exact {
        truce: Vec::new(),
        joint: Vec::new(),
        collapse: Vec::new(),
    };
    for day in 0..HORIZON {
        out.truce.push(streak.iter().sum());
        out.joint.push(joint);
        out.collapse.push(collapse);
        if day + 1 == HORIZON {
            break; // no transition at the end of the last day
        }
        let mut next = vec![0.0; K];
        for (s, &mass) in streak.iter().enumerate() {
            // A compliant day lengthens the streak; at K the joint phase
            // begins tomorrow.
            if s + 1 >= K {
                joint += mass * q;
            } else {
                next[s + 1] += mass * q;
            }
            // A violation day resets the streak and may end the truce.
            collapse += mass * (1.0 - q) * P;
            next[0] += mass * (1.0 - q) * (1.0 - P);
        }
        streak = next;
    }
    out
}

fn simulate(sc: &Scenario) -> Tally {
    Batch::new(sc, SEED)
        .run(0..RUNS)
        .expect("the runs complete")
}

/// Asserts that a share estimated from `RUNS` runs is within Z standard
/// errors of the exact probability `p`.
fn assert_share(what: &str, day: usize, estimate: f64, p: f64) {
    let se = (p * (1.0 - p) / RUNS as f64).sqrt();
    assert!(
        (estimate - p).abs() <= Z * se + 1e-12,
        "{what} on day {day}: estimate {estimate} vs exact {p} (±{Z} SE = {}); \
         μ = {MU}, K = {K}, P = {P}, runs = {RUNS}, seed = {SEED}",
        Z * se
    );
}

#[test]
fn entry_curves_agree_with_the_exact_answer_on_every_day() {
    let sc = scenario();
    let runs = simulate(&sc);
    let truth = exact();
    let rows = curve_rows(&runs, sc.phases().len());
    assert_eq!(rows.len(), 3 * HORIZON);
    for row in &rows {
        let day = row.day as usize;
        let (name, p) = match sc.phases()[row.phase].id.as_str() {
            "truce" => ("truce", 1.0),
            "joint" => ("joint", truth.joint[day]),
            _ => ("collapse", truth.collapse[day]),
        };
        assert_share(name, day, row.cumulative.estimate, p);
        // The interval at the same width covers the truth too.
        let wide = wilson_with_z(
            (row.cumulative.estimate * RUNS as f64).round() as u64,
            RUNS,
            Z,
        );
        assert!(
            wide.low <= p && p <= wide.high,
            "{name} day {day}: {wide:?} misses {p}"
        );
        assert!(row.cumulative.low <= row.cumulative.estimate);
        assert!(row.cumulative.estimate <= row.cumulative.high);
    }
    // The exact answer is not trivial: both outcomes are common.
    assert!(truth.joint[HORIZON - 1] > 0.3 && truth.collapse[HORIZON - 1] > 0.2);
}

#[test]
fn hazards_multiply_to_the_curve_and_its_end_is_the_entered_share() {
    let sc = scenario();
    let runs = simulate(&sc);
    let rows = curve_rows(&runs, sc.phases().len());
    let summary = summary_rows(&sc, &runs);
    for (phase, p) in sc.phases().iter().enumerate() {
        let curve: Vec<_> = rows.iter().filter(|r| r.phase == phase).collect();
        let mut survival = 1.0;
        for r in &curve {
            if r.at_risk > 0.0 {
                survival *= 1.0 - r.hazard;
            }
            assert!(
                (1.0 - survival - r.cumulative.estimate).abs() < 1e-9,
                "{} day {}: 1 − Π(1 − h) = {} but the curve says {}",
                p.id,
                r.day,
                1.0 - survival,
                r.cumulative.estimate
            );
        }
        let entered = summary
            .iter()
            .find(|s| s.metric == Metric::Entered && s.subject == p.id)
            .expect("an entered row per phase");
        assert_eq!(curve.last().unwrap().cumulative, entered.value, "{}", p.id);
    }
}

#[test]
fn competing_first_exits_agree_with_the_exact_answer() {
    let sc = scenario();
    let runs = simulate(&sc);
    let truth = exact();
    let summary = summary_rows(&sc, &runs);
    let share = |subject: &str| {
        summary
            .iter()
            .find(|s| s.metric == Metric::FirstExit && s.subject == subject)
            .unwrap_or_else(|| panic!("no first_exit row for {subject}"))
            .value
            .estimate
    };
    let last = HORIZON - 1;
    assert_share("truce>joint", last, share("truce>joint"), truth.joint[last]);
    assert_share(
        "truce>collapse",
        last,
        share("truce>collapse"),
        truth.collapse[last],
    );
    assert_share(
        "truce>(stayed)",
        last,
        share("truce>(stayed)"),
        truth.truce[last],
    );
}

#[test]
fn daily_means_count_absorbed_runs_as_zeros_and_agree_with_the_exact_answer() {
    let sc = scenario();
    let tally = simulate(&sc);
    let truth = exact();
    let q = (-MU).exp();
    for row in daily_metric_rows(&sc, &tally) {
        let day = row.day as usize;
        let in_truce = truth.truce[day];
        match row.metric {
            DayMetric::Attacks(_) | DayMetric::Reported(_) => {
                // X = Poisson(μ) in the truce, 0 once absorbed.
                let mean = MU * in_truce;
                let var = in_truce * (MU + MU * MU) - mean * mean;
                let se = (var / RUNS as f64).sqrt();
                assert!(
                    (row.value.estimate - mean).abs() <= Z * se,
                    "{} day {day}: {} vs exact {mean} (SE {se})",
                    row.metric.name(),
                    row.value.estimate
                );
                assert!(row.value.low <= mean + Z * se && mean - Z * se <= row.value.high);
            }
            DayMetric::Compliant => {
                assert_share("compliant", day, row.value.estimate, in_truce * q)
            }
            DayMetric::ConvoysDelivered | DayMetric::ConvoysBlocked => {
                assert_eq!(row.value.estimate, 0.0)
            }
        }
    }
}
