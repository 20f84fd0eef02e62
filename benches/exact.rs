//! Time of an exact solution: the yardstick (3 parties, 60 days, a
//! 3-day window condition, no retaliation) and the Geneva 2016 variant
//! without retaliation. The scenario is parsed outside the timed closure;
//! each iteration builds the chain and propagates it to the horizon.
//!
//! `cargo bench --bench exact`.

use criterion::{Criterion, criterion_group, criterion_main};

use ceasefire::Scenario;
use ceasefire::exact::{self, SolveOptions};

fn solve(c: &mut Criterion) {
    let mut group = c.benchmark_group("exact");
    for (name, text) in [
        (
            "three-party-60-markov",
            include_str!("scenarios/three-party-60-markov.toml"),
        ),
        (
            "geneva-2016-no-retaliation",
            include_str!("../scenarios/markov/geneva-2016-no-retaliation.toml"),
        ),
    ] {
        let sc = Scenario::from_toml(text, name).expect("valid scenario");
        group.bench_function(name, |b| {
            b.iter(|| exact::solve(&sc, SolveOptions::default()).expect("solvable"))
        });
    }
    group.finish();
}

criterion_group!(benches, solve);
criterion_main!(benches);
