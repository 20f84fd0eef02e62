//! The lane-parallel prototype of `research/lanes/src/lib.rs` (issue 15, part
//! 3; `docs/lanes-study.md`) keeps every output byte: its keystream is
//! rand_chacha's `ChaCha8Rng` word for word, and its runs are the engine's,
//! summary for summary, on every Markov scenario of the repository.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use ceasefire::{Batch, RunSummary, Scenario};

use ceasefire_lanes as proto;
use proto::{Lanes, Search, Stats};

/// The key bytes of 8 little-endian words.
fn key_bytes(words: &[u32; 8]) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    for (i, w) in words.iter().enumerate() {
        bytes[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
    }
    bytes
}

#[test]
fn transposed_chacha8_is_rand_chachas_word_for_word() {
    let mut pick = ChaCha8Rng::seed_from_u64(15);
    for (seed, tag, index) in [(0, 1, 0), (20_160_912, 2, 1), (u64::MAX, 4, 7), (7, 3, 0)] {
        let key = proto::key_words(seed, tag, index);
        for _ in 0..20 {
            // Streams and block counters, small and large (high words set).
            let stream: [u64; 8] = std::array::from_fn(|l| match l {
                0 => 0,
                1 => u64::MAX,
                _ => pick.next_u64() >> (pick.next_u32() % 64),
            });
            let counter: [u64; 8] = std::array::from_fn(|l| match l {
                0 => 0,
                1 => u64::from(u32::MAX),
                _ => pick.next_u64() >> (pick.next_u32() % 64),
            });
            let mut out = [[0u32; 8]; 16];
            proto::chacha8_blocks(&key, &counter, &stream, &mut out);
            for l in 0..8 {
                let mut rng = ChaCha8Rng::from_seed(key_bytes(&key));
                rng.set_stream(stream[l]);
                rng.set_word_pos(u128::from(counter[l]) * 16);
                for (i, word) in out.iter().enumerate() {
                    assert_eq!(
                        word[l],
                        rng.next_u32(),
                        "stream {}, block {}, word {i}",
                        stream[l],
                        counter[l]
                    );
                }
            }
        }
    }
}

/// Asserts that `run` gives the engine's summary for runs `first..first + n`.
fn assert_engines_runs(
    what: &str,
    sc: &Scenario,
    seed: u64,
    first: u64,
    n: u64,
    run: impl Fn(&Lanes, std::ops::Range<u64>, &mut dyn FnMut(RunSummary)) -> Option<Stats>,
) {
    for search in [Search::Chunks, Search::Gather] {
        let what = format!("{what}, {search:?}");
        assert_search_gives_engines_runs(&what, sc, seed, search, first, n, &run);
    }
}

/// [`assert_engines_runs`] for one way of searching the tables.
fn assert_search_gives_engines_runs(
    what: &str,
    sc: &Scenario,
    seed: u64,
    search: Search,
    first: u64,
    n: u64,
    run: &impl Fn(&Lanes, std::ops::Range<u64>, &mut dyn FnMut(RunSummary)) -> Option<Stats>,
) {
    let lanes = Lanes::new(sc, seed, search).expect("a Markov scenario within the tables");
    let mut got: Vec<Option<RunSummary>> = vec![None; n as usize];
    let Some(_) = run(&lanes, first..first + n, &mut |s| {
        let i = (s.run - first) as usize;
        assert!(got[i].is_none(), "{what}: run {} twice", s.run);
        got[i] = Some(s);
    }) else {
        eprintln!("{what}: not available on this CPU, skipped");
        return;
    };
    let batch = Batch::new(sc, seed);
    let mut ws = batch.workspace();
    for (i, s) in got.into_iter().enumerate() {
        let run = first + i as u64;
        let want = ws.run(run, &mut ()).expect("no run fails");
        assert_eq!(s.as_ref(), Some(&want), "{what}: run {run}");
    }
}

/// A scenario of the repository, by its path from the repository's root.
fn scenario(path: &str) -> Scenario {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    Scenario::from_path(&root.join(path)).expect("valid scenario")
}

#[test]
fn lanes_give_the_engines_runs_on_the_yardstick() {
    let sc = scenario("benches/scenarios/three-party-60-markov.toml");
    for seed in [20_160_912, 1, u64::MAX] {
        let what = |l| format!("three-party-60-markov, seed {seed}, L = {l}");
        assert_engines_runs(&what(1), &sc, seed, 0, 500, |g, r, o| {
            Some(g.run::<1>(r, o))
        });
        assert_engines_runs(&what(4), &sc, seed, 0, 3000, |g, r, o| {
            Some(g.run::<4>(r, o))
        });
        assert_engines_runs(&what(8), &sc, seed, 1_000_000, 3000, |g, r, o| {
            Some(g.run::<8>(r, o))
        });
        assert_engines_runs(&what(16), &sc, seed, 0, 3000, |g, r, o| {
            Some(g.run::<16>(r, o))
        });
        #[cfg(target_arch = "x86_64")]
        {
            assert_engines_runs(&what(8), &sc, seed, 0, 3000, proto::run_avx2::<8>);
            assert_engines_runs(&what(16), &sc, seed, 0, 3000, proto::run_avx512::<16>);
        }
    }
}

#[test]
fn lanes_give_the_engines_runs_on_every_markov_scenario() {
    for path in [
        "scenarios/markov/geneva-2016-no-retaliation.toml",
        "scenarios/markov/munich-2016-no-retaliation.toml",
        "scenarios/markov/aid-access-no-retaliation.toml",
    ] {
        let sc = scenario(path);
        assert_engines_runs(path, &sc, 20_160_912, 0, 2000, |g, r, o| {
            Some(g.run::<8>(r, o))
        });
    }
}

#[test]
fn scenarios_with_retaliation_are_refused() {
    let sc = scenario("benches/scenarios/three-party-60.toml");
    assert!(Lanes::new(&sc, 1, Search::Gather).is_err());
}
