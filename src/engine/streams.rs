//! Per-run, per-purpose random streams.
//!
//! Run `i` of master seed `S` draws, for each [`Purpose`], from a ChaCha8
//! generator whose 256-bit key is derived from `(S, purpose)` and whose
//! 64-bit stream number is `i`. A run's numbers therefore depend on nothing
//! but `(S, i, purpose)`: not on threads, batch size, shards, or which other
//! runs exist. Generators are created lazily, so a purpose that a scenario
//! never uses (monitoring with detection 1 and no false reports) costs
//! nothing.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::model::{Purpose, Streams};
use crate::scenario::Scenario;

/// Domain-separation label written into every key.
const KEY_LABEL: &[u8; 16] = b"ceasefire/run/v1";

/// The keys of every purpose a scenario uses, derived once per batch.
#[derive(Debug, Clone)]
pub struct StreamKeys {
    parties: usize,
    keys: Vec<[u8; 32]>,
}

impl StreamKeys {
    /// The keys for master seed `seed`.
    pub fn new(scenario: &Scenario, seed: u64) -> Self {
        let parties = scenario.parties().len();
        let slots = 2 * parties + 1 + scenario.probability_conditions();
        let keys = (0..slots)
            .map(|slot| key(seed, purpose_of(slot, parties)))
            .collect();
        StreamKeys { parties, keys }
    }

    fn slot(&self, purpose: Purpose) -> usize {
        let n = self.parties;
        match purpose {
            Purpose::Attacks(p) => p,
            Purpose::Monitoring(p) => n + p,
            Purpose::Convoys => 2 * n,
            Purpose::Condition(k) => 2 * n + 1 + k,
        }
    }
}

fn purpose_of(slot: usize, n: usize) -> Purpose {
    match slot {
        s if s < n => Purpose::Attacks(s),
        s if s < 2 * n => Purpose::Monitoring(s - n),
        s if s == 2 * n => Purpose::Convoys,
        s => Purpose::Condition(s - 2 * n - 1),
    }
}

/// Key bytes: seed (8, little-endian), purpose tag (4), purpose index (4),
/// and the label (16). Documented in docs/model.md.
fn key(seed: u64, purpose: Purpose) -> [u8; 32] {
    let (tag, index): (u32, usize) = match purpose {
        Purpose::Attacks(p) => (1, p),
        Purpose::Monitoring(p) => (2, p),
        Purpose::Convoys => (3, 0),
        Purpose::Condition(k) => (4, k),
    };
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..12].copy_from_slice(&tag.to_le_bytes());
    key[12..16].copy_from_slice(&(index as u32).to_le_bytes());
    key[16..].copy_from_slice(KEY_LABEL);
    key
}

/// The streams of one run. Reused across runs to keep allocations out of the
/// hot loop.
#[derive(Debug)]
pub struct RunStreams<'k> {
    keys: &'k StreamKeys,
    run: u64,
    /// Per purpose: its generator and the day whose words start at its
    /// current position.
    rngs: Vec<Option<(ChaCha8Rng, u32)>>,
}

impl<'k> RunStreams<'k> {
    /// Streams over `keys`, initially for run 0.
    pub fn new(keys: &'k StreamKeys) -> Self {
        RunStreams {
            keys,
            run: 0,
            rngs: vec![None; keys.keys.len()],
        }
    }

    /// Switches to run `run`, forgetting every generator.
    pub fn start_run(&mut self, run: u64) {
        self.run = run;
        self.rngs.fill(None);
    }
}

impl Streams for RunStreams<'_> {
    type Rng = ChaCha8Rng;

    fn stream(&mut self, purpose: Purpose, day: u32) -> &mut ChaCha8Rng {
        let slot = self.keys.slot(purpose);
        let (keys, run) = (&self.keys.keys, self.run);
        let (rng, next) = self.rngs[slot].get_or_insert_with(|| {
            let mut rng = ChaCha8Rng::from_seed(keys[slot]);
            rng.set_stream(run);
            (rng, 0)
        });
        // Day t's draws are the 32-bit words [2nt, 2n(t+1)) of the stream.
        // Every request takes exactly n draws, so a stream asked for on
        // consecutive days is already in place; otherwise it skips ahead.
        let words = 2 * u64::from(purpose.draws_per_day());
        if day != *next {
            rng.set_word_pos(u128::from(u64::from(day) * words));
        }
        debug_assert_eq!(rng.get_word_pos(), u128::from(u64::from(day) * words));
        *next = day + 1;
        rng
    }
}
