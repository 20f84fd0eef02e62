//! Throughput of the engine: runs per second on the reference scenarios and
//! on the yardstick (3 parties, 60 days, retaliation on), on all
//! cores, with every output tally kept but no file written.
//!
//! `cargo bench --bench engine`; criterion reports "elem/s" = runs/s.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use ceasefire::{Batch, Scenario};

/// Runs per measured iteration: large enough to fill both cores.
const RUNS: u64 = 50_000;

fn scenarios() -> Vec<(&'static str, Scenario)> {
    [
        (
            "three-party-60",
            include_str!("scenarios/three-party-60.toml"),
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
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(RUNS));
    group.sample_size(10);
    for (name, sc) in scenarios() {
        let batch = Batch::new(&sc, 20_160_912);
        group.bench_with_input(BenchmarkId::new("runs", name), &batch, |b, batch| {
            b.iter(|| batch.run(0..RUNS).expect("no run fails"))
        });
    }
    group.finish();
}

criterion_group!(benches, batches);
criterion_main!(benches);
