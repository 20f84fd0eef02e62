//! The lane-parallel prototype of issue 15, part 3 (`research/lanes/src/lib.rs`,
//! `docs/lanes-study.md`) against the engine, on the Markov yardstick
//! (`benches/scenarios/three-party-60-markov.toml`), in runs per second.
//!
//! Run it on one thread, so that the engine's batch is comparable with the
//! single-threaded prototype:
//! `RAYON_NUM_THREADS=1 cargo bench -p ceasefire-lanes`.
//!
//! Before measuring, the set-up checks that the prototype gives exactly the
//! engine's run summaries for the first runs (every variant measured), and
//! prints the simulated days, so that runs/s converts to ns per day.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use ceasefire::{Batch, RunSummary, Scenario};

use ceasefire_lanes as proto;
use proto::{Lanes, Search, Stats};

/// Runs per measured iteration.
const RUNS: u64 = 20_000;

/// The master seed.
const SEED: u64 = 20_160_912;

/// Runs checked against the engine before measuring.
const CHECKED: u64 = 4_096;

/// An entry point of the prototype: runs 0 … n, each summary to `out`;
/// `None` when the CPU lacks the variant's instructions.
type RunFn = fn(&Lanes, u64, &mut dyn FnMut(RunSummary)) -> Option<Stats>;

/// A way to run the prototype: its name and its entry point.
type Variant = (&'static str, RunFn);

fn variants() -> Vec<Variant> {
    let mut v: Vec<Variant> = vec![
        ("L4-portable", |g, r, o| Some(g.run::<4>(0..r, o))),
        ("L8-portable", |g, r, o| Some(g.run::<8>(0..r, o))),
        ("L16-portable", |g, r, o| Some(g.run::<16>(0..r, o))),
    ];
    #[cfg(target_arch = "x86_64")]
    {
        let more: [Variant; 5] = [
            ("L4-avx2", |g, r, o| proto::run_avx2::<4>(g, 0..r, o)),
            ("L8-avx2", |g, r, o| proto::run_avx2::<8>(g, 0..r, o)),
            ("L16-avx2", |g, r, o| proto::run_avx2::<16>(g, 0..r, o)),
            ("L8-avx512", |g, r, o| proto::run_avx512::<8>(g, 0..r, o)),
            ("L16-avx512", |g, r, o| proto::run_avx512::<16>(g, 0..r, o)),
        ];
        v.extend(more);
    }
    v
}

/// Asserts that a variant gives the engine's summary for runs 0 … CHECKED.
fn check(name: &str, batch: &Batch, lanes: &Lanes, run: RunFn) -> bool {
    let mut got: Vec<Option<RunSummary>> = vec![None; CHECKED as usize];
    let ran = run(lanes, CHECKED, &mut |s| {
        let i = s.run as usize;
        got[i] = Some(s);
    });
    if ran.is_none() {
        eprintln!("{name}: not available on this CPU");
        return false;
    }
    let mut ws = batch.workspace();
    for (i, s) in got.into_iter().enumerate() {
        let want = ws.run(i as u64, &mut ()).expect("no run fails");
        assert_eq!(s.as_ref(), Some(&want), "{name}: run {i}");
    }
    true
}

fn lanes(c: &mut Criterion) {
    let sc = Scenario::from_toml(
        include_str!("../../../benches/scenarios/three-party-60-markov.toml"),
        "three-party-60-markov",
    )
    .expect("valid scenario");
    let batch = Batch::new(&sc, SEED);
    let searches = [Search::Chunks, Search::Gather].map(|search| {
        let lanes = Lanes::new(&sc, SEED, search).expect("a Markov scenario within the tables");
        (search, lanes)
    });

    let mut available = Vec::new();
    for (search, lanes) in &searches {
        for (name, run) in variants() {
            let name = format!("{search:?}-{name}");
            if check(&name, &batch, lanes, run) {
                eprintln!("{name}: runs 0..{CHECKED} equal the engine's");
                let stats = run(lanes, RUNS, &mut |s| {
                    black_box(s);
                })
                .expect("available");
                eprintln!(
                    "{name}: {RUNS} runs, {} simulated days ({:.2} per run), {} steps, {} refills of {} blocks",
                    stats.days,
                    stats.days as f64 / RUNS as f64,
                    stats.steps,
                    stats.refills,
                    lanes.blocks_per_refill(),
                );
                available.push((name, lanes, run, stats));
            }
        }
    }

    let mut group = c.benchmark_group("lanes");
    group.throughput(Throughput::Elements(RUNS));
    group.sample_size(10);
    group.bench_function("engine-batch", |b| {
        b.iter(|| batch.run(0..RUNS).expect("no run fails"))
    });
    group.bench_function("engine-workspace", |b| {
        let mut ws = batch.workspace();
        b.iter(|| {
            for i in 0..RUNS {
                black_box(ws.run(i, &mut ()).expect("no run fails"));
            }
        })
    });
    for (name, lanes, run, _) in &available {
        group.bench_with_input(BenchmarkId::new("proto", name), lanes, |b, lanes| {
            b.iter(|| {
                run(lanes, RUNS, &mut |s| {
                    black_box(s);
                })
            })
        });
    }
    // The keystream alone, as many refills as the runs above needed (so
    // that its "runs/s" is the keystream's share of the same work).
    for (name, lanes, _, stats) in &available {
        let refills = stats.refills;
        let ks: Option<fn(&Lanes, u64) -> Option<u32>> = match name.as_str() {
            "Gather-L8-portable" => Some(|g, r| Some(g.keystream_only::<8>(r))),
            "Gather-L16-portable" => Some(|g, r| Some(g.keystream_only::<16>(r))),
            #[cfg(target_arch = "x86_64")]
            "Gather-L8-avx2" => Some(proto::keystream_avx2::<8>),
            #[cfg(target_arch = "x86_64")]
            "Gather-L16-avx2" => Some(proto::keystream_avx2::<16>),
            _ => None,
        };
        if let Some(ks) = ks {
            let name = name.trim_start_matches("Gather-");
            group.bench_with_input(BenchmarkId::new("keystream", name), lanes, |b, lanes| {
                b.iter(|| ks(lanes, refills))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, lanes);
criterion_main!(benches);
