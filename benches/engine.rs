//! Throughput of the engine on the bench scenarios: the yardstick
//! (3 parties, 60 days, retaliation on), a scenario of the same size written
//! the way researchers write theirs (`second-class-60`: per-party
//! half-lives, a retaliating excluded spoiler, false reports, `counts =
//! "any"`, `all`/`any` and probability conditions), and the two reference
//! scenarios, at 1 and 2 threads, with every output tally kept but no file
//! written.
//!
//! `cargo bench --bench engine`. Group `runs` reports "elem/s" = runs/s;
//! group `days` reports simulated days/s (a run ends on the day it enters
//! an absorbing phase), whose inverse is the cost per simulated day, so that
//! a scenario whose runs collapse early is not flattered.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use ceasefire::{Batch, Scenario};

/// Runs per measured iteration: large enough to fill both cores.
const RUNS: u64 = 50_000;

/// The seed of every batch.
const SEED: u64 = 20_160_912;

fn scenarios() -> Vec<(&'static str, Scenario)> {
    [
        (
            "three-party-60",
            include_str!("scenarios/three-party-60.toml"),
        ),
        (
            "second-class-60",
            include_str!("scenarios/second-class-60.toml"),
        ),
        ("geneva-2016", include_str!("../scenarios/geneva-2016.toml")),
        ("munich-2016", include_str!("../scenarios/munich-2016.toml")),
    ]
    .into_iter()
    .map(|(name, text)| {
        (
            name,
            Scenario::from_toml(text, name).expect("valid scenario"),
        )
    })
    .collect()
}

fn batches(c: &mut Criterion) {
    let scenarios = scenarios();
    for unit in ["runs", "days"] {
        let mut group = c.benchmark_group(unit);
        group.sample_size(10);
        for (name, sc) in &scenarios {
            let batch = Batch::new(sc, SEED);
            let days = batch.run(0..RUNS).expect("no run fails").simulated_days(sc);
            group.throughput(Throughput::Elements(match unit {
                "runs" => RUNS,
                _ => u64::try_from(days).expect("days of a bench batch fit u64"),
            }));
            for threads in [1, 2] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .expect("a thread pool");
                let id = BenchmarkId::new(*name, format!("{threads}-threads"));
                group.bench_with_input(id, &batch, |b, batch| {
                    b.iter(|| pool.install(|| batch.run(0..RUNS).expect("no run fails")))
                });
            }
        }
        group.finish();
    }
}

criterion_group!(benches, batches);
criterion_main!(benches);
