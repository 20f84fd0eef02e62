//! Per-run, per-purpose random streams.
//!
//! Run `i` of master seed `S` draws, for each `Purpose`, from a ChaCha8
//! generator whose 256-bit key is derived from `(S, purpose)` and whose
//! 64-bit stream number is `i`. A run's numbers therefore depend on nothing
//! but `(S, i, purpose)`: not on threads, batch size, shards, or which other
//! runs exist. A stream's words are made only when a run first draws from
//! it, so a purpose that a scenario never uses (monitoring with detection 1
//! and no false reports) costs nothing, and they are read from a window of
//! 4 ChaCha blocks rather than one call to the generator per word.
//!
//! The generator is chacha20's ChaCha8, whose words are rand_chacha's (the
//! stream docs/model.md defines) word for word, as a test below checks; it
//! changes stream and position by writing its state, where rand_chacha's
//! goes through a dispatch on the CPU's features each time.

use chacha20::ChaCha8Rng;
use rand::{Rng, SeedableRng};

use crate::model::{Purpose, Streams};
use crate::scenario::Scenario;

/// Domain-separation label written into every key.
const KEY_LABEL: &[u8; 16] = b"ceasefire/run/v1";

/// The keys of every purpose a scenario uses, derived once per batch.
#[derive(Debug, Clone)]
pub(crate) struct StreamKeys {
    parties: usize,
    keys: Vec<[u8; 32]>,
}

impl StreamKeys {
    /// The keys for master seed `seed`.
    pub(crate) fn new(scenario: &Scenario, seed: u64) -> Self {
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

/// Key bytes of a run's purpose: seed (8, little-endian), purpose tag (4),
/// purpose index (4), and the label (16). Documented in docs/model.md.
fn key(seed: u64, purpose: Purpose) -> [u8; 32] {
    let (tag, index): (u32, usize) = match purpose {
        Purpose::Attacks(p) => (1, p),
        Purpose::Monitoring(p) => (2, p),
        Purpose::Convoys => (3, 0),
        Purpose::Condition(k) => (4, k),
    };
    derive_key(seed, &tagged(tag, index as u32, KEY_LABEL))
}

/// The one derivation of every ChaCha8 key in the project: the master
/// seed's 8 little-endian bytes, then up to 24 bytes naming the purpose
/// (zero-padded; longer names are cut at 24). Runs name theirs with
/// [`tagged`]; the analyses (a design, a bootstrap, a fit's draws) with a
/// label of their own, so that no two purposes share a stream.
pub(crate) fn derive_key(seed: u64, domain: &[u8]) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    for (k, b) in key[8..].iter_mut().zip(domain) {
        *k = *b;
    }
    key
}

/// A domain of [`derive_key`] in the layout of the run keys: a purpose tag
/// (4 bytes, little-endian), an index (4) and a 16-byte label. Tag 0 is no
/// purpose of a run: the analyses' 16-byte labels use it.
pub(crate) fn tagged(tag: u32, index: u32, label: &[u8; 16]) -> [u8; 24] {
    let mut domain = [0u8; 24];
    domain[..4].copy_from_slice(&tag.to_le_bytes());
    domain[4..8].copy_from_slice(&index.to_le_bytes());
    domain[8..].copy_from_slice(label);
    domain
}

/// The generator of one purpose of an analysis (rand_chacha's ChaCha8,
/// whose words docs/model.md defines), keyed by `derive_key`.
#[doc(hidden)]
pub fn analysis_rng(seed: u64, domain: &[u8]) -> rand_chacha::ChaCha8Rng {
    rand_chacha::ChaCha8Rng::from_seed(derive_key(seed, domain))
}

/// [`analysis_rng`] for a 16-byte label under tag 0 (a design, a
/// sensitivity bootstrap): apart from every run's streams, whose tags are
/// 1 to 4 and whose label differs.
#[doc(hidden)]
pub fn labelled_rng(seed: u64, label: &[u8; 16]) -> rand_chacha::ChaCha8Rng {
    analysis_rng(seed, &tagged(0, 0, label))
}

/// 64-bit words in a stream's window: 4 ChaCha blocks, as many as one
/// refill of the generator makes.
const WINDOW_WORDS: usize = 32;

/// The streams of one run. Reused across runs to keep allocations out of the
/// hot loop.
#[derive(Debug)]
pub(crate) struct RunStreams<'k> {
    keys: &'k StreamKeys,
    run: u64,
    /// Per purpose: its generator and the window of its words at hand.
    streams: Vec<Window>,
}

/// One purpose's stream: its generator, keyed for the purpose, and a window
/// of [`WINDOW_WORDS`] consecutive words of the current run's stream, read
/// straight from an array.
///
/// A window starts at a multiple of its size, so that it holds the words of
/// whole days (the days `first ..` of a purpose of `n` words a day are the
/// words `first · n ..`, and `n` divides the window), and a day seen again
/// after a gap is found in it whenever it lies in the same window.
#[derive(Debug)]
struct Window {
    rng: ChaCha8Rng,
    /// The words, each as its 8 little-endian bytes (the generator's byte
    /// order, in which a word is its two 32-bit halves, low first, as
    /// `next_u64` makes it).
    words: [[u8; 8]; WINDOW_WORDS],
    /// The day whose words start the window, or [`UNUSED`] if the current
    /// run has not drawn from the stream yet.
    first: u64,
    /// The run whose stream the generator is set to.
    run: u64,
}

/// [`Window::first`] of a stream the current run has not drawn from: so
/// far above every day that `day - UNUSED`, wrapping, lies beyond every
/// window.
const UNUSED: u64 = 1 << 63;

impl<'k> RunStreams<'k> {
    /// Streams over `keys`, initially for run 0.
    pub(crate) fn new(keys: &'k StreamKeys) -> Self {
        let window = |key: &[u8; 32]| Window {
            rng: ChaCha8Rng::from_seed(*key),
            words: [[0; 8]; WINDOW_WORDS],
            first: UNUSED,
            run: 0,
        };
        RunStreams {
            keys,
            run: 0,
            streams: keys.keys.iter().map(window).collect(),
        }
    }

    /// Switches to run `run`. A stream's words are made only when the run
    /// first draws from its purpose, so a purpose a run never uses costs
    /// nothing.
    pub(crate) fn start_run(&mut self, run: u64) {
        self.run = run;
        for w in &mut self.streams {
            w.first = UNUSED;
        }
    }

    /// Fills the window of `slot` with the words of day `day` of a purpose
    /// of `n` words a day, and returns the day's place in it (in days).
    /// Kept out of line, so that the common request (a day in the window)
    /// is a subtraction and a comparison.
    #[cold]
    #[inline(never)]
    fn refill(&mut self, slot: usize, day: u32, n: usize) -> usize {
        let days = (WINDOW_WORDS / n) as u32;
        let first = day - day % days;
        let w = &mut self.streams[slot];
        if w.run != self.run {
            w.rng.set_stream(self.run);
            w.run = self.run;
        }
        // Day t's words are the 32-bit words [2nt, 2n(t+1)) of the stream.
        w.rng.set_word_pos(u128::from(first) * 2 * n as u128);
        w.rng.fill_bytes(w.words.as_flattened_mut());
        w.first = u64::from(first);
        (day - first) as usize
    }
}

impl Streams for RunStreams<'_> {
    #[inline]
    fn words<const N: usize>(&mut self, purpose: Purpose, day: u32) -> [u64; N] {
        const { assert!(N > 0 && WINDOW_WORDS.is_multiple_of(N)) };
        debug_assert_eq!(N, purpose.draws_per_day() as usize);
        let slot = self.keys.slot(purpose);
        let days = (WINDOW_WORDS / N) as u64;
        let at = match u64::from(day).wrapping_sub(self.streams[slot].first) {
            d if d < days => d as usize,
            _ => self.refill(slot, day, N),
        };
        let words = &self.streams[slot].words;
        std::array::from_fn(|j| u64::from_le_bytes(words[(at * N + j) % WINDOW_WORDS]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use rand::Rng;

    /// Every key the project derives keeps its documented bytes: a run's
    /// (seed, tag, index, label), an analysis label's (seed, 8 zero bytes,
    /// label) and a fit purpose's (seed, then `ceasefire-fit:` and the
    /// purpose, zero-padded).
    #[test]
    fn every_key_keeps_its_documented_bytes() {
        let seed = 0x0102_0304_0506_0708_u64;
        let run = key(seed, Purpose::Monitoring(3));
        assert_eq!(run[..8], seed.to_le_bytes());
        assert_eq!(run[8..16], [2, 0, 0, 0, 3, 0, 0, 0]);
        assert_eq!(&run[16..], KEY_LABEL);

        let label = b"ceasefire/lhs/v1";
        let domain = tagged(0, 0, label);
        let analysis = derive_key(seed, &domain);
        assert_eq!(analysis[..8], seed.to_le_bytes());
        assert_eq!(analysis[8..16], [0; 8]);
        assert_eq!(&analysis[16..], label);
        let mut a = labelled_rng(seed, label);
        let mut b = rand_chacha::ChaCha8Rng::from_seed(analysis);
        assert_eq!(a.next_u64(), b.next_u64());

        let fit = derive_key(seed, b"ceasefire-fit:pit");
        assert_eq!(&fit[8..25], b"ceasefire-fit:pit");
        assert_eq!(fit[25..], [0; 7]);
        // A name longer than 24 bytes is cut, not an error.
        let long = derive_key(seed, b"ceasefire-fit:predictive-and-more");
        assert_eq!(&long[8..], b"ceasefire-fit:predictive");
    }

    /// chacha20's generator gives rand_chacha's words for any key, stream
    /// and position, across the generators' 4-block refills and across the
    /// low half of their 64-bit block counters.
    #[test]
    fn chacha20_words_are_rand_chachas() {
        let mut draw = rand_chacha::ChaCha8Rng::seed_from_u64(20);
        for case in 0..500 {
            let mut key = [0u8; 32];
            draw.fill_bytes(&mut key);
            let stream = match case {
                0 => 0,
                1 => u64::MAX,
                _ => draw.next_u64(),
            };
            // Near the start, or across the low half of the block counter.
            let word_pos = match case % 2 {
                0 => u128::from(draw.next_u32() % 4096),
                _ => ((1 << 32) - 4) * 16 + u128::from(draw.next_u32() % 64),
            };
            let mut ours = ChaCha8Rng::from_seed(key);
            let mut theirs = rand_chacha::ChaCha8Rng::from_seed(key);
            ours.set_stream(stream);
            theirs.set_stream(stream);
            ours.set_word_pos(word_pos);
            theirs.set_word_pos(word_pos);
            for i in 0..150 {
                assert_eq!(
                    ours.next_u64(),
                    theirs.next_u64(),
                    "case {case}, stream {stream}, word position {word_pos}, word {i}"
                );
            }
        }
    }

    /// Every purpose's words, asked for on any days in any order, are the
    /// words a fresh generator of the run's stream gives at the day's
    /// position.
    #[test]
    fn words_are_the_generators_words_at_the_days_position() {
        let scenario = Scenario::from_toml(
            include_str!("../../../../benches/scenarios/three-party-60.toml"),
            "three-party-60",
        )
        .expect("valid scenario");
        let keys = StreamKeys::new(&scenario, 42);
        let mut streams = RunStreams::new(&keys);
        let purposes = [
            Purpose::Attacks(0),
            Purpose::Attacks(2),
            Purpose::Monitoring(1),
            Purpose::Convoys,
            Purpose::Condition(0),
        ];
        let days = [
            0, 1, 2, 7, 8, 9, 3, 15, 16, 17, 40, 31, 32, 33, 0, 63, 64, 1000,
        ];
        // Each run backwards first, so that a run's first request of a
        // stream, which changes the generator's stream, lies in a later
        // window than the first (set_stream must come before the position).
        let backwards: Vec<u32> = days.iter().rev().copied().collect();
        for (run, order) in [0, 1, 7, u64::MAX]
            .into_iter()
            .flat_map(|run| [(run, &backwards[..]), (run, &days[..])])
        {
            streams.start_run(run);
            for (i, &day) in order.iter().enumerate() {
                let purpose = purposes[i % purposes.len()];
                let n = purpose.draws_per_day();
                let mut rng = rand_chacha::ChaCha8Rng::from_seed(keys.keys[keys.slot(purpose)]);
                rng.set_stream(run);
                rng.set_word_pos(u128::from(day) * 2 * u128::from(n));
                let expected: Vec<u64> = (0..n).map(|_| rng.next_u64()).collect();
                let got: Vec<u64> = match n {
                    1 => streams.words::<1>(purpose, day).to_vec(),
                    2 => streams.words::<2>(purpose, day).to_vec(),
                    4 => streams.words::<4>(purpose, day).to_vec(),
                    _ => unreachable!("no purpose draws {n} words a day"),
                };
                assert_eq!(got, expected, "run {run}, {purpose:?}, day {day}");
            }
        }
    }
}
