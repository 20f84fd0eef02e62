//! The spread of the engine's cost per simulated day over scenarios it was
//! not tuned on: a fixed-seed sample of scenarios drawn by the proptest
//! strategies of `ceasefire::strategies` (the ones the property tests run),
//! each timed on one thread, and the distribution printed.
//!
//! `bash scripts/per-day-spread.sh` (or `cargo bench --bench spread
//! --features proptest-strategies`). The same seed gives the same
//! scenarios on every machine; only the times differ.

use std::time::{Duration, Instant};

use ceasefire::strategies::scenario_text;
use ceasefire::{Batch, Scenario};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Scenarios in the sample.
const SCENARIOS: usize = 50;

/// Simulated days per timed batch: enough for a stable time (about 0.1 s).
const DAYS_PER_BATCH: u128 = 2_000_000;

/// Timed repetitions of each batch; the fastest is kept.
const REPEATS: usize = 3;

fn main() {
    let seed = [29u8; 32];
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    let mut costs = Vec::new();
    let mut skipped = 0;
    println!("scenario,parties,phases,horizon_days,runs,days_per_run,ns_per_day");
    while costs.len() < SCENARIOS {
        let text = scenario_text()
            .new_tree(&mut runner)
            .expect("a scenario")
            .current();
        let sc = Scenario::from_toml(&text, "generated.toml").expect("a valid scenario");
        let batch = Batch::new(&sc, 1);
        // A calibration batch for the run count (explosive retaliation can
        // stop a run: such scenarios are counted and skipped).
        let Ok(probe) = pool.install(|| batch.run(0..1000)) else {
            skipped += 1;
            continue;
        };
        let per_run = (probe.simulated_days(&sc) / 1000).max(1);
        let runs =
            u64::try_from((DAYS_PER_BATCH / per_run).clamp(1000, 10_000_000)).expect("a run count");
        let mut best = Duration::MAX;
        let mut days = 0;
        for _ in 0..REPEATS {
            let start = Instant::now();
            let Ok(tally) = pool.install(|| batch.run(0..runs)) else {
                break;
            };
            best = best.min(start.elapsed());
            days = tally.simulated_days(&sc);
        }
        if days == 0 {
            skipped += 1;
            continue;
        }
        let ns = best.as_nanos() as f64 / days as f64;
        println!(
            "{},{},{},{},{runs},{:.2},{ns:.2}",
            costs.len(),
            sc.parties().len(),
            sc.phases().len(),
            sc.horizon_days(),
            days as f64 / runs as f64,
        );
        costs.push(ns);
    }
    costs.sort_by(f64::total_cmp);
    let at = |q: f64| costs[((costs.len() - 1) as f64 * q).round() as usize];
    println!();
    println!(
        "{} generated scenarios (seed [29; 32], {skipped} skipped: a run stopped or no day simulated), one thread, ns per simulated day:",
        costs.len()
    );
    println!(
        "min {:.1}  p10 {:.1}  median {:.1}  p90 {:.1}  max {:.1}  (max/min {:.2}, p90/p10 {:.2})",
        at(0.0),
        at(0.1),
        at(0.5),
        at(0.9),
        at(1.0),
        at(1.0) / at(0.0),
        at(0.9) / at(0.1)
    );
}
