//! A lane-parallel day step for Markov scenarios: the prototype of the design
//! study of issue 15, part 3 (`docs/lanes-study.md`). Not part of the engine:
//! its bench (`benches/lanes.rs`) measures it and its test (`tests/lanes.rs`) checks that it gives,
//! run for run, exactly the engine's [`RunSummary`].
//!
//! `L` runs advance together, one per lane. Every per-day quantity is an
//! array `[_; L]`, and the work on it is a plain loop over the lanes that
//! LLVM may vectorise:
//!
//! - **Keystream.** Every purpose's stream key depends only on the seed and
//!   the purpose, so the lanes of one purpose share the key and differ only
//!   in the stream number (the run) and the block counter (the lane's day).
//!   [`chacha8_blocks`] computes one ChaCha8 block for each lane from
//!   transposed state (`[[u32; L]; 16]`), word for word rand_chacha's
//!   `ChaCha8Rng`. Day `t` of a purpose with `n` words a day owns the words
//!   `t·n … t·n + n − 1` of its stream, so [`PERIOD`] = 4 days of every purpose
//!   fill whole blocks (one for attacks and convoys, two for monitoring, half
//!   of one for a probability condition). The lanes therefore start runs only
//!   on steps that are multiples of [`PERIOD`] (a lane whose run ended waits
//!   for the next such step), and every [`PERIOD`] steps the blocks of the
//!   next [`PERIOD`] days are computed for all lanes at once.
//! - **Draws.** In a Markov scenario every draw reads one of the engine's
//!   exact inversion tables ([`Tables`]). A table draw counts the values
//!   `P(X ≤ k)` that are ≤ u, u = m·2⁻⁵³ with m the word's 53 high bits; as
//!   m is an integer, `u ≥ c` is `m ≥ T` for the integer threshold
//!   `T = ⌈c·2⁵³⌉`. The thresholds are found once, by bisection on the
//!   engine's own table draw (`T_k` is the least m whose draw exceeds k), so
//!   they are the engine's tables by construction, not a recomputation. A
//!   search either compares [`CHUNK`] thresholds of each lane's row at a time
//!   while some lane has found all of them ≤ u ([`Search::Chunks`]), or
//!   looks up one threshold per lane per step, a gather, while some lane
//!   moves on ([`Search::Gather`]).
//! - **The rest** (compliance, counters, window sums, transitions, a run's
//!   totals) is per lane, with scalar code where the work is rare or
//!   branchy (conditions, entries).
//!
//! A binomial draw with more trials than the tables hold (more than 32) and
//! every draw of a non-Markov scenario are outside this prototype: the first
//! falls back to the engine's own table draw for that lane, the second is
//! refused by [`Lanes::new`].

#![allow(clippy::needless_range_loop)] // lane loops index several arrays by lane

use std::ops::Range;

use ceasefire::RunSummary;
use ceasefire::Scenario;
use ceasefire::model::{Tables, intensity};
use ceasefire::scenario::{Condition, Severity};

/// A threshold that no 53-bit m reaches: `u ≥ c` never holds (c > 1 − 2⁻⁵³,
/// or c = +∞, the padding of the engine's rows).
const NEVER: i64 = 1 << 53;

/// Thresholds compared per lane per step of a search.
const CHUNK: usize = 8;

/// The largest number of trials a binomial table holds rows for (as the
/// engine's tables); rows are [`BIN_STRIDE`] thresholds apart.
const BIN_ROWS: u64 = 32;

/// Thresholds per binomial row: row n uses the first n, and at least one
/// [`NEVER`] follows them, where a search that found them all ≤ u stops.
const BIN_STRIDE: usize = 40;

/// The table of thresholds has `2^TABLE_BITS` entries, so that an index
/// masked by [`TABLE_MASK`] needs no bounds check (and a lane loop of
/// look-ups can become one vector gather).
const TABLE_BITS: u32 = 18;

/// See [`TABLE_BITS`].
const TABLE_MASK: usize = (1 << TABLE_BITS) - 1;

/// How a table draw finds its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// Each lane compares [`CHUNK`] thresholds of its row at a time (as the
    /// engine does for one run), while some lane found them all ≤ u.
    Chunks,
    /// Lane-parallel: each step looks up one threshold per lane (a gather)
    /// and moves on the lanes whose threshold is ≤ u, while any moves.
    Gather,
}

/// Days between keystream refills; lanes start runs on multiples of it.
pub const PERIOD: u32 = 4;

/// The ChaCha constants, "expand 32-byte k".
const SIGMA: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// One ChaCha quarter round on words `a, b, c, d` of every lane.
#[inline(always)]
fn quarter<const L: usize>(x: &mut [[u32; L]; 16], a: usize, b: usize, c: usize, d: usize) {
    // The four rows as local arrays, so that LLVM keeps them in registers.
    let (mut va, mut vb, mut vc, mut vd) = (x[a], x[b], x[c], x[d]);
    for l in 0..L {
        va[l] = va[l].wrapping_add(vb[l]);
        vd[l] = (vd[l] ^ va[l]).rotate_left(16);
        vc[l] = vc[l].wrapping_add(vd[l]);
        vb[l] = (vb[l] ^ vc[l]).rotate_left(12);
        va[l] = va[l].wrapping_add(vb[l]);
        vd[l] = (vd[l] ^ va[l]).rotate_left(8);
        vc[l] = vc[l].wrapping_add(vd[l]);
        vb[l] = (vb[l] ^ vc[l]).rotate_left(7);
    }
    (x[a], x[b], x[c], x[d]) = (va, vb, vc, vd);
}

/// One ChaCha8 block per lane: lane `l` gets block `counter[l]` of stream
/// `stream[l]` under `key`, in `out[i][l]` for word `i` of the block. These
/// are the words of rand_chacha's `ChaCha8Rng::from_seed(key bytes)` after
/// `set_stream(stream[l])`, at word positions `16·counter[l] …`.
#[inline(always)]
pub fn chacha8_blocks<const L: usize>(
    key: &[u32; 8],
    counter: &[u64; L],
    stream: &[u64; L],
    out: &mut [[u32; L]; 16],
) {
    let mut x = [[0u32; L]; 16];
    for l in 0..L {
        x[..4].iter_mut().zip(SIGMA).for_each(|(w, s)| w[l] = s);
        x[4..12].iter_mut().zip(key).for_each(|(w, k)| w[l] = *k);
        x[12][l] = counter[l] as u32;
        x[13][l] = (counter[l] >> 32) as u32;
        x[14][l] = stream[l] as u32;
        x[15][l] = (stream[l] >> 32) as u32;
    }
    let start = x;
    for _ in 0..4 {
        quarter(&mut x, 0, 4, 8, 12);
        quarter(&mut x, 1, 5, 9, 13);
        quarter(&mut x, 2, 6, 10, 14);
        quarter(&mut x, 3, 7, 11, 15);
        quarter(&mut x, 0, 5, 10, 15);
        quarter(&mut x, 1, 6, 11, 12);
        quarter(&mut x, 2, 7, 8, 13);
        quarter(&mut x, 3, 4, 9, 14);
    }
    for i in 0..16 {
        for l in 0..L {
            out[i][l] = x[i][l].wrapping_add(start[i][l]);
        }
    }
}

/// The 32-byte key of a purpose's streams, as 8 little-endian words: seed (8
/// bytes, little-endian), purpose tag (4), purpose index (4) and the label
/// `ceasefire/run/v1` (docs/model.md, *Random streams*).
pub fn key_words(seed: u64, tag: u32, index: u32) -> [u32; 8] {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..12].copy_from_slice(&tag.to_le_bytes());
    bytes[12..16].copy_from_slice(&index.to_le_bytes());
    bytes[16..].copy_from_slice(b"ceasefire/run/v1");
    std::array::from_fn(|i| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap()))
}

/// The uniform of a word whose 53 high bits are `m`, as the engine makes it.
fn uniform(m: i64) -> f64 {
    m as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The least m in [0, 2⁵³) for which `above(m)` holds, or [`NEVER`];
/// `above` must be monotone (false, then true).
fn least(above: impl Fn(i64) -> bool) -> i64 {
    let (mut lo, mut hi) = (0, NEVER);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if above(mid) { hi = mid } else { lo = mid + 1 }
    }
    lo
}

/// Thresholds `T_k`, k = 0, 1, …: the least m whose draw exceeds k, for a
/// draw that never decreases in m (every table draw).
fn thresholds(draw: impl Fn(i64) -> u64, n: u64) -> impl Iterator<Item = i64> {
    (0..n).map(move |k| least(|m| draw(m) > k))
}

/// Which engine table a binomial row set copies (for draws beyond its rows).
#[derive(Debug, Clone, Copy)]
enum Which {
    /// The major share of a party.
    Major(usize),
    /// The detection of a phase.
    Detection(usize),
    /// Blocking in a phase, on a quiet or a violent day.
    Block(usize, bool),
}

/// A binomial table: rows n = 0 … `rows` of thresholds.
#[derive(Debug, Clone, Copy)]
struct Binomial {
    base: usize,
    rows: u64,
    which: Which,
}

/// Where a run of each lane stands, apart from what is kept in arrays.
#[derive(Debug, Clone)]
struct Entries {
    entered: Vec<Option<u32>>,
    first_move: Option<usize>,
    first_exit: Vec<Option<usize>>,
}

/// What a call of [`Lanes::run`] did, for the figures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// Group steps (each simulates one day in every live lane).
    pub steps: u64,
    /// Lane-days of live runs: the simulated days.
    pub days: u64,
    /// Keystream refills (each [`Lanes::blocks_per_refill`] `L`-wide blocks).
    pub refills: u64,
}

/// A Markov scenario prepared for the lane-parallel day step, under one
/// seed.
#[derive(Debug)]
pub struct Lanes<'a> {
    sc: &'a Scenario,
    tables: Tables,
    /// Every row of thresholds, each table at its offset.
    thr: Box<[i64]>,
    search: Search,
    parties: usize,
    bound: Vec<bool>,
    /// `[phase × parties + p]`: offset of the attacks row.
    attacks: Vec<usize>,
    /// Per party: offset of the false reports row.
    false_reports: Vec<usize>,
    /// Per party: its major share.
    major: Vec<Binomial>,
    /// Per phase: convoys row offset, detection, block (quiet, violent).
    convoys: Vec<usize>,
    detection: Vec<Binomial>,
    block: Vec<[Binomial; 2]>,
    absorbing: Vec<bool>,
    /// Keys per stream slot, in the engine's order: attacks per party,
    /// monitoring per party, convoys, probability conditions.
    keys: Vec<[u32; 8]>,
    /// Window ring: slots and values per slot (as the engine's).
    window_len: usize,
    stride: usize,
    counts_any: bool,
}

/// Words per day of the stream slot `slot` (attacks 4, monitoring 8, convoys
/// 4, a condition 2).
fn words_per_day(slot: usize, parties: usize) -> u32 {
    match slot {
        s if s < parties => 4,
        s if s < 2 * parties => 8,
        s if s == 2 * parties => 4,
        _ => 2,
    }
}

/// Blocks a slot needs for [`PERIOD`] days (at least one).
fn blocks_of(slot: usize, parties: usize) -> usize {
    ((PERIOD * words_per_day(slot, parties)) as usize).div_ceil(16)
}

impl<'a> Lanes<'a> {
    /// The prototype for `scenario` under `seed`, or why it does not apply
    /// (a scenario with retaliation, or a mean beyond the tables).
    pub fn new(sc: &'a Scenario, seed: u64, search: Search) -> Result<Self, String> {
        if !sc.is_markov() {
            return Err("a scenario with retaliation".into());
        }
        let tables = Tables::new(sc);
        let n = sc.parties().len();
        let phases = sc.phases().len();
        let mut thr = Vec::new();
        // A Poisson row: its thresholds, padded, then a chunk of NEVER so
        // that a search that found the whole row ≤ u stops there.
        let poisson_row = |thr: &mut Vec<i64>, draw: Option<&dyn Fn(i64) -> u64>, mean: f64| {
            let start = thr.len();
            match draw {
                Some(draw) => {
                    let kmax = draw(NEVER - 1);
                    thr.extend(thresholds(draw, kmax));
                }
                None if mean <= 0.0 => {}
                None => return Err(format!("a Poisson mean of {mean} (beyond the tables)")),
            }
            while !(thr.len() - start).is_multiple_of(CHUNK) {
                thr.push(NEVER);
            }
            thr.extend([NEVER; CHUNK]);
            Ok(start)
        };
        let mut attacks = Vec::new();
        for (phase, ph) in sc.phases().iter().enumerate() {
            for (p, party) in sc.parties().iter().enumerate() {
                let t = tables.attacks(phase, p);
                let draw = t.map(|t| move |m: i64| t.draw((m as u64) << 11));
                let lambda = intensity(ph, p, party, 0.0);
                attacks.push(poisson_row(
                    &mut thr,
                    draw.as_ref().map(|d| d as &dyn Fn(i64) -> u64),
                    lambda,
                )?);
            }
        }
        let mut false_reports = Vec::new();
        for (p, party) in sc.parties().iter().enumerate() {
            let t = tables.false_reports(p);
            let draw = t.map(|t| move |m: i64| t.draw((m as u64) << 11));
            false_reports.push(poisson_row(
                &mut thr,
                draw.as_ref().map(|d| d as &dyn Fn(i64) -> u64),
                party.false_reports_per_day,
            )?);
        }
        let mut convoys = Vec::new();
        for phase in 0..phases {
            let (_, t) = tables.convoys(phase);
            let draw = t.map(|t| move |m: i64| t.draw((m as u64) << 11));
            convoys.push(poisson_row(
                &mut thr,
                draw.as_ref().map(|d| d as &dyn Fn(i64) -> u64),
                sc.phase_humanitarian(phase).convoys_per_day,
            )?);
        }
        // Binomial rows n = 0 … 32, each BIN_STRIDE wide; rows the engine's
        // table does not hold ((1 − p)^n underflows) stay NEVER and are
        // never read (the draw falls back to the engine's).
        let binomial = |thr: &mut Vec<i64>, p: f64, which: Which| {
            let rows = if p <= 0.0 || p >= 1.0 {
                BIN_ROWS
            } else {
                (1..=BIN_ROWS)
                    .take_while(|&n| (1.0 - p).powi(n as i32) > 1e-250)
                    .last()
                    .unwrap_or(0)
            };
            let base = thr.len();
            thr.resize(base + (BIN_ROWS as usize + 1) * BIN_STRIDE, NEVER);
            for n in 1..=rows {
                let draw = |m: i64| {
                    let w = (m as u64) << 11;
                    match which {
                        Which::Major(p) => tables.major(p).draw(w, n),
                        Which::Detection(ph) => tables.detection(ph).draw(w, n),
                        Which::Block(ph, v) => tables.block(ph, v).draw(w, n),
                    }
                };
                let row = base + n as usize * BIN_STRIDE;
                for (k, t) in thresholds(draw, n).enumerate() {
                    thr[row + k] = t;
                }
            }
            Binomial { base, rows, which }
        };
        let major = (0..n)
            .map(|p| binomial(&mut thr, sc.parties()[p].major_share, Which::Major(p)))
            .collect();
        let detection = (0..phases)
            .map(|ph| binomial(&mut thr, sc.phase_detection(ph), Which::Detection(ph)))
            .collect();
        let block = (0..phases)
            .map(|ph| {
                let h = sc.phase_humanitarian(ph);
                [
                    binomial(&mut thr, h.block_probability, Which::Block(ph, false)),
                    binomial(
                        &mut thr,
                        h.block_probability_violent,
                        Which::Block(ph, true),
                    ),
                ]
            })
            .collect();
        let mut keys: Vec<[u32; 8]> = (0..n).map(|p| key_words(seed, 1, p as u32)).collect();
        keys.extend((0..n).map(|p| key_words(seed, 2, p as u32)));
        keys.push(key_words(seed, 3, 0));
        keys.extend((0..sc.probability_conditions()).map(|k| key_words(seed, 4, k as u32)));
        let w = sc.max_window() as usize;
        if thr.len() > TABLE_MASK + 1 {
            return Err(format!(
                "{} thresholds (beyond the prototype's table)",
                thr.len()
            ));
        }
        thr.resize(TABLE_MASK + 1, NEVER);
        Ok(Lanes {
            sc,
            tables,
            thr: thr.into(),
            search,
            parties: n,
            bound: sc.parties().iter().map(|p| p.bound).collect(),
            attacks,
            false_reports,
            major,
            convoys,
            detection,
            block,
            absorbing: sc.phases().iter().map(|p| p.is_absorbing()).collect(),
            keys,
            window_len: if w == 0 { 0 } else { w + 1 },
            stride: 2 * (1 + n) + 2,
            counts_any: sc.compliance().counts == Severity::Any,
        })
    }

    /// `L`-wide ChaCha8 blocks computed per refill (every [`PERIOD`] steps).
    pub fn blocks_per_refill(&self) -> usize {
        (0..self.keys.len())
            .filter(|&s| {
                !(s >= self.parties && s < 2 * self.parties && !self.bound[s - self.parties])
            })
            .map(|s| blocks_of(s, self.parties))
            .sum()
    }

    /// Poisson draws: for each lane, the number of thresholds of the row at
    /// `row[l]` that are ≤ `m[l]`.
    #[inline(always)]
    fn poisson<const L: usize>(&self, row: &[usize; L], m: &[i64; L]) -> [u64; L] {
        if self.search == Search::Gather {
            return self.gather(row, m);
        }
        let mut count = [0u64; L];
        let mut at = 0;
        loop {
            for l in 0..L {
                let chunk: &[i64; CHUNK] = self.thr[row[l] + at..][..CHUNK].try_into().unwrap();
                let c: u64 = chunk.iter().map(|&t| u64::from(m[l] >= t)).sum();
                count[l] += if count[l] == at as u64 { c } else { 0 };
            }
            at += CHUNK;
            if !count.contains(&(at as u64)) {
                return count;
            }
        }
    }

    /// Binomial draws: lane `l` draws from table `tab[l]` with `n[l]`
    /// trials, at the word `w[l]`.
    #[inline(always)]
    fn binomial<const L: usize>(
        &self,
        tab: &[Binomial; L],
        n: &[u64; L],
        w: &[u64; L],
    ) -> [u64; L] {
        let row: [usize; L] =
            std::array::from_fn(|l| tab[l].base + n[l].min(BIN_ROWS) as usize * BIN_STRIDE);
        let mut count = if self.search == Search::Gather {
            let m: [i64; L] = std::array::from_fn(|l| (w[l] >> 11) as i64);
            self.gather(&row, &m)
        } else {
            self.binomial_chunks(&row, n, w)
        };
        for l in 0..L {
            if n[l] > tab[l].rows {
                count[l] = self.binomial_beyond(tab[l].which, w[l], n[l]);
            }
        }
        count
    }

    /// [`Search::Chunks`] for binomial rows.
    #[inline(always)]
    fn binomial_chunks<const L: usize>(
        &self,
        row: &[usize; L],
        n: &[u64; L],
        w: &[u64; L],
    ) -> [u64; L] {
        let mut count = [0u64; L];
        let mut at = 0;
        while at < BIN_ROWS as usize {
            for l in 0..L {
                let chunk: &[i64; CHUNK] = self.thr[row[l] + at..][..CHUNK].try_into().unwrap();
                let m = (w[l] >> 11) as i64;
                let c: u64 = chunk.iter().map(|&t| u64::from(m >= t)).sum();
                count[l] += if count[l] == at as u64 { c } else { 0 };
            }
            at += CHUNK;
            if !(0..L).any(|l| count[l] == at as u64 && n[l] > at as u64) {
                break;
            }
        }
        count
    }

    /// [`Search::Gather`]: lane `l` counts the thresholds from `row[l]` on
    /// that are ≤ `m[l]` (every row ends with a [`NEVER`]).
    #[inline(always)]
    fn gather<const L: usize>(&self, row: &[usize; L], m: &[i64; L]) -> [u64; L] {
        let thr: &[i64; TABLE_MASK + 1] = (&*self.thr).try_into().unwrap();
        let mut at = *row;
        loop {
            let mut moved = false;
            for l in 0..L {
                let go = m[l] >= thr[at[l] & TABLE_MASK];
                at[l] += usize::from(go);
                moved |= go;
            }
            if !moved {
                return std::array::from_fn(|l| (at[l] - row[l]) as u64);
            }
        }
    }

    /// A binomial draw with more trials than the rows: the engine's own.
    #[cold]
    #[inline(never)]
    fn binomial_beyond(&self, which: Which, w: u64, n: u64) -> u64 {
        match which {
            Which::Major(p) => self.tables.major(p).draw(w, n),
            Which::Detection(ph) => self.tables.detection(ph).draw(w, n),
            Which::Block(ph, v) => self.tables.block(ph, v).draw(w, n),
        }
    }

    /// Simulates runs `runs` with `L` lanes and hands each run's summary to
    /// `out` as the run ends (not in run order).
    #[inline(always)]
    pub fn run<const L: usize>(&self, runs: Range<u64>, out: &mut dyn FnMut(RunSummary)) -> Stats {
        let mut g = Group::<L>::new(self);
        let mut next = runs.start;
        let mut stats = Stats::default();
        loop {
            // Refill idle lanes and the keystream, every PERIOD steps.
            for l in 0..L {
                while !g.live[l] && next < runs.end {
                    g.start(self, l, next, out);
                    next += 1;
                }
            }
            if !g.live.iter().any(|&x| x) {
                return stats;
            }
            g.refill(self);
            stats.refills += 1;
            for c in 0..PERIOD as usize {
                stats.days += g.live.iter().filter(|&&x| x).count() as u64;
                g.day(self, c, out);
                stats.steps += 1;
            }
        }
    }

    /// Only the keystream of [`Lanes::run`]: `refills` refills of `L` lanes
    /// (for the split of its time).
    #[inline(always)]
    pub fn keystream_only<const L: usize>(&self, refills: u64) -> u32 {
        let mut g = Group::<L>::new(self);
        let mut acc = 0u32;
        for r in 0..refills {
            for l in 0..L {
                g.run[l] = r * L as u64 + l as u64;
                g.day[l] = (r as u32 % 15) * PERIOD;
            }
            g.refill(self);
            // Every word computed is read, so none can be optimised away.
            acc ^= std::hint::black_box(&g.keystream)[0][0][0];
        }
        acc
    }
}

/// The state of `L` lanes.
struct Group<const L: usize> {
    live: [bool; L],
    run: [u64; L],
    day: [u32; L],
    phase: [usize; L],
    days_in_phase: [u32; L],
    streak: [u32; L],
    /// Per party: total attacks and reported violations.
    attacks: Vec<[u64; L]>,
    reported: Vec<[u64; L]>,
    /// Today's reported major and any-severity counts per party.
    rep_major: Vec<[u64; L]>,
    rep_any: Vec<[u64; L]>,
    delivered: [u64; L],
    blocked: [u64; L],
    entries: Vec<Entries>,
    /// Per lane, the window ring (`window_len × stride`).
    window: Vec<u64>,
    /// Per slot, its blocks for the current PERIOD days.
    keystream: Vec<[[u32; L]; 16]>,
    slot_start: Vec<usize>,
}

/// The 64-bit word `j` (32-bit words `2j`, `2j + 1`) of every lane in the
/// blocks `ks`, low word first as rand_core's `next_u64`.
#[inline(always)]
fn words<const L: usize>(ks: &[[[u32; L]; 16]], j: usize) -> [u64; L] {
    let (lo, hi) = (&ks[2 * j / 16][2 * j % 16], &ks[2 * j / 16][2 * j % 16 + 1]);
    std::array::from_fn(|l| u64::from(lo[l]) | (u64::from(hi[l]) << 32))
}

impl<const L: usize> Group<L> {
    fn new(lanes: &Lanes) -> Self {
        let n = lanes.parties;
        let mut slot_start = Vec::new();
        let mut blocks = 0;
        for s in 0..lanes.keys.len() {
            slot_start.push(blocks);
            blocks += blocks_of(s, n);
        }
        let phases = lanes.sc.phases().len();
        Group {
            live: [false; L],
            run: [0; L],
            day: [0; L],
            phase: [lanes.sc.initial_phase(); L],
            days_in_phase: [0; L],
            streak: [0; L],
            attacks: vec![[0; L]; n],
            reported: vec![[0; L]; n],
            rep_major: vec![[0; L]; n],
            rep_any: vec![[0; L]; n],
            delivered: [0; L],
            blocked: [0; L],
            entries: vec![
                Entries {
                    entered: vec![None; phases],
                    first_move: None,
                    first_exit: vec![None; phases],
                };
                L
            ],
            window: vec![0; L * lanes.window_len * lanes.stride],
            keystream: vec![[[0; L]; 16]; blocks],
            slot_start,
        }
    }

    /// Starts run `run` in lane `l` (or, if the initial phase is absorbing,
    /// hands its summary out at once).
    fn start(&mut self, lanes: &Lanes, l: usize, run: u64, out: &mut dyn FnMut(RunSummary)) {
        let first = lanes.sc.initial_phase();
        self.run[l] = run;
        self.day[l] = 0;
        self.phase[l] = first;
        self.days_in_phase[l] = 0;
        self.streak[l] = 0;
        for p in 0..lanes.parties {
            self.attacks[p][l] = 0;
            self.reported[p][l] = 0;
        }
        self.delivered[l] = 0;
        self.blocked[l] = 0;
        let e = &mut self.entries[l];
        e.entered.fill(None);
        e.entered[first] = Some(0);
        e.first_move = None;
        e.first_exit.fill(None);
        let size = lanes.window_len * lanes.stride;
        self.window[l * size..(l + 1) * size].fill(0);
        self.live[l] = true;
        if lanes.absorbing[first] {
            self.finish(lanes, l, out);
        }
    }

    /// Ends lane `l`'s run and hands its summary out.
    fn finish(&mut self, lanes: &Lanes, l: usize, out: &mut dyn FnMut(RunSummary)) {
        self.live[l] = false;
        let e = &self.entries[l];
        out(RunSummary {
            run: self.run[l],
            final_phase: self.phase[l],
            entered: e.entered.clone(),
            first_move: e.first_move,
            first_exit: e.first_exit.clone(),
            attacks: (0..lanes.parties).map(|p| self.attacks[p][l]).collect(),
            reported: (0..lanes.parties).map(|p| self.reported[p][l]).collect(),
            convoys_delivered: self.delivered[l],
            convoys_blocked: self.blocked[l],
        });
    }

    /// The blocks of the next PERIOD days of every slot and lane. Every
    /// live lane's day is a multiple of PERIOD here.
    #[inline(always)]
    fn refill(&mut self, lanes: &Lanes) {
        let n = lanes.parties;
        for (s, key) in lanes.keys.iter().enumerate() {
            if s >= n && s < 2 * n && !lanes.bound[s - n] {
                continue; // an excluded party is never monitored
            }
            let wpd = u64::from(words_per_day(s, n));
            for b in 0..blocks_of(s, n) {
                let counter: [u64; L] =
                    std::array::from_fn(|l| u64::from(self.day[l]) * wpd / 16 + b as u64);
                chacha8_blocks(
                    key,
                    &counter,
                    &self.run,
                    &mut self.keystream[self.slot_start[s] + b],
                );
            }
        }
    }

    /// Simulates one day in every lane (a lane without a run computes
    /// garbage that nothing reads) and ends the runs that are done. Every
    /// live lane is on day `c` of the PERIOD (its day modulo PERIOD).
    #[inline(always)]
    fn day(&mut self, lanes: &Lanes, c: usize, out: &mut dyn FnMut(RunSummary)) {
        let n = lanes.parties;
        let mut any_major = [false; L];
        let mut counted = [0u64; L];
        for p in 0..n {
            let ks = &self.keystream[self.slot_start[p]..];
            let (w0, w1) = (words(ks, 2 * c), words(ks, 2 * c + 1));
            let row: [usize; L] = std::array::from_fn(|l| lanes.attacks[self.phase[l] * n + p]);
            let m0: [i64; L] = std::array::from_fn(|l| (w0[l] >> 11) as i64);
            let attacks = lanes.poisson(&row, &m0);
            let major = lanes.binomial(&[lanes.major[p]; L], &attacks, &w1);
            for l in 0..L {
                any_major[l] |= major[l] > 0;
                self.attacks[p][l] += attacks[l];
            }
            if lanes.bound[p] {
                let ks = &self.keystream[self.slot_start[n + p]..];
                let w: [[u64; L]; 4] = std::array::from_fn(|j| words(ks, 4 * c + j));
                let det: [Binomial; L] = std::array::from_fn(|l| lanes.detection[self.phase[l]]);
                let minor: [u64; L] = std::array::from_fn(|l| attacks[l] - major[l]);
                let rep_major = lanes.binomial(&det, &major, &w[0]);
                let rep_minor = lanes.binomial(&det, &minor, &w[1]);
                let m2: [i64; L] = std::array::from_fn(|l| (w[2][l] >> 11) as i64);
                let false_reports = lanes.poisson(&[lanes.false_reports[p]; L], &m2);
                let false_major = lanes.binomial(&[lanes.major[p]; L], &false_reports, &w[3]);
                for l in 0..L {
                    let major = rep_major[l] + false_major[l];
                    let any = major + rep_minor[l] + false_reports[l] - false_major[l];
                    self.rep_major[p][l] = major;
                    self.rep_any[p][l] = any;
                    self.reported[p][l] += any;
                    counted[l] += if lanes.counts_any { any } else { major };
                }
            } else {
                self.rep_major[p] = [0; L];
                self.rep_any[p] = [0; L];
            }
        }
        let ks = &self.keystream[self.slot_start[2 * n]..];
        let (w0, w1) = (words(ks, 2 * c), words(ks, 2 * c + 1));
        let row: [usize; L] = std::array::from_fn(|l| lanes.convoys[self.phase[l]]);
        let m0: [i64; L] = std::array::from_fn(|l| (w0[l] >> 11) as i64);
        let convoys = lanes.poisson(&row, &m0);
        let block: [Binomial; L] =
            std::array::from_fn(|l| lanes.block[self.phase[l]][usize::from(any_major[l])]);
        let blocked = lanes.binomial(&block, &convoys, &w1);
        let comp = lanes.sc.compliance();
        let compliant: [bool; L] = std::array::from_fn(|l| {
            counted[l] <= comp.tolerance && !(comp.requires_aid && blocked[l] > 0)
        });
        for l in 0..L {
            self.blocked[l] += blocked[l];
            self.delivered[l] += convoys[l] - blocked[l];
            self.days_in_phase[l] += 1;
            self.streak[l] = if compliant[l] { self.streak[l] + 1 } else { 0 };
        }
        // Window history, per lane, as the engine's WindowHistory::record.
        if lanes.window_len > 0 {
            let (len, stride) = (lanes.window_len, lanes.stride);
            for l in 0..L {
                let ring = &mut self.window[l * len * stride..(l + 1) * len * stride];
                let day = self.day[l] as usize;
                let here = (day % len) * stride;
                let (mut major, mut any) = (0, 0);
                for p in 0..n {
                    ring[here + 2 + 2 * p] = self.rep_major[p][l];
                    ring[here + 3 + 2 * p] = self.rep_any[p][l];
                    major += self.rep_major[p][l];
                    any += self.rep_any[p][l];
                }
                ring[here] = major;
                ring[here + 1] = any;
                ring[here + stride - 2] = blocked[l];
                ring[here + stride - 1] = u64::from(!compliant[l]);
                if day > 0 {
                    let before = ((day - 1) % len) * stride;
                    for i in 0..stride {
                        ring[here + i] += ring[before + i];
                    }
                }
            }
        }
        // Transitions and the end of runs, lane by lane.
        let horizon = lanes.sc.horizon_days();
        for l in 0..L {
            if !self.live[l] {
                continue;
            }
            let day = self.day[l];
            let phase = self.phase[l];
            if day + 1 < horizon {
                for t in &lanes.sc.phases()[phase].transitions {
                    if self.holds(lanes, &t.when, l, compliant[l]) {
                        self.phase[l] = t.to;
                        self.days_in_phase[l] = 0;
                        self.streak[l] = 0;
                        if t.to != phase {
                            let e = &mut self.entries[l];
                            e.first_move.get_or_insert(t.to);
                            e.first_exit[phase].get_or_insert(t.to);
                            e.entered[t.to].get_or_insert(day + 1);
                        }
                        break;
                    }
                }
            }
            self.day[l] = day + 1;
            if day + 1 == horizon || lanes.absorbing[self.phase[l]] {
                self.finish(lanes, l, out);
            }
        }
    }

    /// A window sum of lane `l` at value `offset`, as the engine's.
    fn window_sum(&self, lanes: &Lanes, l: usize, w: u32, offset: usize) -> u64 {
        let (len, stride) = (lanes.window_len, lanes.stride);
        let ring = &self.window[l * len * stride..];
        let day = self.day[l];
        let at = |t: u32| ring[(t as usize % len) * stride + offset];
        match day.checked_sub(w) {
            Some(start) => at(day) - at(start),
            None => at(day),
        }
    }

    /// Whether `c` holds at the end of lane `l`'s day (the engine's `holds`).
    fn holds(&self, lanes: &Lanes, c: &Condition, l: usize, compliant: bool) -> bool {
        match c {
            Condition::StreakAtLeast(n) => self.streak[l] >= *n,
            Condition::DaysInPhaseAtLeast(n) => self.days_in_phase[l] >= *n,
            Condition::ReportedInWindow {
                days,
                at_least,
                severity,
                party,
            } => {
                let offset =
                    party.map_or(0, |p| 2 + 2 * p) + usize::from(*severity == Severity::Any);
                self.window_sum(lanes, l, *days, offset) >= *at_least
            }
            Condition::BlockedInWindow { days, at_least } => {
                self.window_sum(lanes, l, *days, lanes.stride - 2) >= *at_least
            }
            Condition::ViolationDaysInWindow { days, at_least } => {
                self.window_sum(lanes, l, *days, lanes.stride - 1) >= *at_least
            }
            Condition::Probability { p, on, stream } => {
                // Day t's word is word t of the stream: block t / 8.
                let slot = 2 * lanes.parties + 1 + stream;
                let j = (self.day[l] % 8) as usize;
                let ks = &self.keystream[self.slot_start[slot]];
                let w = u64::from(ks[2 * j][l]) | (u64::from(ks[2 * j + 1][l]) << 32);
                on.matches(compliant) && uniform((w >> 11) as i64) < *p
            }
            Condition::All(cs) => cs
                .iter()
                .fold(true, |acc, c| self.holds(lanes, c, l, compliant) & acc),
            Condition::Any(cs) => cs
                .iter()
                .fold(false, |acc, c| self.holds(lanes, c, l, compliant) | acc),
        }
    }
}

/// [`Lanes::run`] compiled for AVX2, if this CPU has it.
#[cfg(target_arch = "x86_64")]
pub fn run_avx2<const L: usize>(
    lanes: &Lanes,
    runs: Range<u64>,
    out: &mut dyn FnMut(RunSummary),
) -> Option<Stats> {
    #[target_feature(enable = "avx2")]
    fn inner<const L: usize>(
        lanes: &Lanes,
        runs: Range<u64>,
        out: &mut dyn FnMut(RunSummary),
    ) -> Stats {
        lanes.run::<L>(runs, out)
    }
    // SAFETY: `inner` only requires AVX2, which the CPU was just found to
    // have; calling it is then as sound as calling any safe function.
    is_x86_feature_detected!("avx2").then(|| unsafe { inner::<L>(lanes, runs, out) })
}

/// [`Lanes::run`] compiled for AVX-512 (F, VL, BW, DQ), if this CPU has it.
#[cfg(target_arch = "x86_64")]
pub fn run_avx512<const L: usize>(
    lanes: &Lanes,
    runs: Range<u64>,
    out: &mut dyn FnMut(RunSummary),
) -> Option<Stats> {
    #[target_feature(enable = "avx2,avx512f,avx512vl,avx512bw,avx512dq")]
    fn inner<const L: usize>(
        lanes: &Lanes,
        runs: Range<u64>,
        out: &mut dyn FnMut(RunSummary),
    ) -> Stats {
        lanes.run::<L>(runs, out)
    }
    let has = is_x86_feature_detected!("avx2")
        && is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512vl")
        && is_x86_feature_detected!("avx512bw")
        && is_x86_feature_detected!("avx512dq");
    // SAFETY: `inner` only requires these features, which the CPU was just
    // found to have; calling it is then as sound as calling any safe function.
    has.then(|| unsafe { inner::<L>(lanes, runs, out) })
}

/// [`Lanes::keystream_only`] compiled for AVX2, if this CPU has it.
#[cfg(target_arch = "x86_64")]
pub fn keystream_avx2<const L: usize>(lanes: &Lanes, refills: u64) -> Option<u32> {
    #[target_feature(enable = "avx2")]
    fn inner<const L: usize>(lanes: &Lanes, refills: u64) -> u32 {
        lanes.keystream_only::<L>(refills)
    }
    // SAFETY: as in `run_avx2`: the CPU has AVX2.
    is_x86_feature_detected!("avx2").then(|| unsafe { inner::<L>(lanes, refills) })
}
