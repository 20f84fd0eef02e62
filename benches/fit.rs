//! Time of `ceasefire fit` on the yardstick: three parties, 365
//! days, two periods, every pair retaliating, free half-lives, with profile
//! intervals for every α and h (no bootstrap, no predictive runs). The
//! counts are simulated with the engine outside the timed closure; each
//! iteration is one complete `fit::run`.
//!
//! `cargo bench --bench fit`.

use criterion::{Criterion, criterion_group, criterion_main};

use ceasefire::counts::Counts;
use ceasefire::fit::simulate::{PartyParams, PhaseParams, scenario, simulate};
use ceasefire::fit::{self, FitOptions, HalfLife, Retaliation};
use chrono::NaiveDate;

fn three_parties_one_year() -> (Counts, FitOptions) {
    let parties = [
        PartyParams::new("a", 0.8, 2.0, &[("b", 0.10), ("a", 0.06)]),
        PartyParams::new("b", 0.5, 3.0, &[("a", 0.12)]),
        PartyParams::new("c", 0.4, 1.5, &[("b", 0.15)]),
    ];
    let phases = [
        PhaseParams {
            id: "before".into(),
            days: 183,
            multipliers: vec![1.0; 3],
        },
        PhaseParams {
            id: "truce".into(),
            days: 182,
            multipliers: vec![0.5, 0.6, 0.3],
        },
    ];
    let start = NaiveDate::from_ymd_opt(2016, 1, 1).expect("a date");
    let sc = scenario(&parties, &phases, start).expect("a valid scenario");
    let counts = Counts {
        parties: parties.iter().map(|p| p.id.clone()).collect(),
        start,
        counts: simulate(&sc, 2016, 0).expect("a run"),
        major: None,
    };
    let mut opts = FitOptions::new(vec![
        "before=2016-01-01..2016-07-01".parse().expect("a period"),
        "truce=2016-07-02..2016-12-30".parse().expect("a period"),
    ]);
    opts.retaliation = Retaliation::All;
    opts.half_life = HalfLife::Free;
    opts.seed = 1;
    (counts, opts)
}

fn bench_fit(c: &mut Criterion) {
    let (counts, opts) = three_parties_one_year();
    let mut group = c.benchmark_group("fit");
    group.sample_size(10);
    group.bench_function("three-party-365-days-all-pairs-profiles", |b| {
        b.iter(|| fit::run(&counts, &opts, &|_| {}).expect("a fit"))
    });
    group.finish();
}

criterion_group!(benches, bench_fit);
criterion_main!(benches);
