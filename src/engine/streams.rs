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

    #[inline]
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
    /// Per purpose: its generator (for the current run once `next` says it
    /// has been drawn from).
    rngs: Vec<ChaCha8Rng>,
    /// Per purpose: the day whose words start at its generator's current
    /// position, or [`UNUSED`] if the run has not drawn from it yet.
    next: Vec<u32>,
}

/// [`RunStreams::next`] of a purpose the current run has not drawn from.
const UNUSED: u32 = u32::MAX;

impl<'k> RunStreams<'k> {
    /// Streams over `keys`, initially for run 0.
    pub fn new(keys: &'k StreamKeys) -> Self {
        RunStreams {
            keys,
            run: 0,
            rngs: keys
                .keys
                .iter()
                .map(|k| ChaCha8Rng::from_seed(*k))
                .collect(),
            next: vec![UNUSED; keys.keys.len()],
        }
    }

    /// Switches to run `run`. A generator is made for it only when the run
    /// first draws from its purpose, so a purpose a run never uses costs
    /// nothing.
    pub fn start_run(&mut self, run: u64) {
        self.run = run;
        self.next.fill(UNUSED);
    }

    /// Puts the generator of `slot` (of `purpose`) at day `day`'s words:
    /// a fresh generator for the run on its first use, else a skip ahead.
    /// Kept out of line, so that the common request (the day after the
    /// last) is a comparison and an increment.
    #[cold]
    #[inline(never)]
    fn reposition(&mut self, slot: usize, purpose: Purpose, day: u32) {
        let rng = &mut self.rngs[slot];
        if self.next[slot] == UNUSED {
            *rng = ChaCha8Rng::from_seed(self.keys.keys[slot]);
            rng.set_stream(self.run);
        }
        // Day t's draws are the 32-bit words [2nt, 2n(t+1)) of the stream.
        let words = 2 * u64::from(purpose.draws_per_day());
        rng.set_word_pos(u128::from(u64::from(day) * words));
    }
}

impl Streams for RunStreams<'_> {
    type Rng = ChaCha8Rng;

    #[inline]
    fn stream(&mut self, purpose: Purpose, day: u32) -> &mut ChaCha8Rng {
        let slot = self.keys.slot(purpose);
        // Every request takes exactly n draws, so a stream asked for on
        // consecutive days is already in place.
        if self.next[slot] != day {
            self.reposition(slot, purpose, day);
        }
        self.next[slot] = day + 1;
        let rng = &mut self.rngs[slot];
        debug_assert_eq!(rng.get_stream(), self.run);
        debug_assert_eq!(
            rng.get_word_pos(),
            u128::from(u64::from(day) * 2 * u64::from(purpose.draws_per_day()))
        );
        rng
    }
}
