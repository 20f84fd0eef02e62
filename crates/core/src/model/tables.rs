//! Exact inversion tables for the draws whose parameter is fixed for a whole
//! batch, so that the day step spends no `exp`, `powi` or division on them.
//! [`Tables`] also carries the rest of what the step would otherwise work
//! out from the scenario every day: each phase's convoy rate and its
//! transitions, compiled ([`Transitions`]).
//!
//! Most draws of a day have a parameter that only the scenario sets: false
//! reports (Poisson with a fixed mean), convoys (per phase), the major share,
//! the detection probability and the block probabilities (binomials with a
//! fixed `p`), and the attacks of a party whose remembered attacks are still
//! exactly 0. For each, the values `P(X ≤ k)` that the sequential search of
//! [`super::sample`] compares with are computed once per batch, by the very
//! same sequence ([`sample::poisson_cdf`], [`sample::binomial_cdf`]), so a
//! draw from a table is bit for bit the draw of the search: the same word
//! gives the same count, and every output stays byte-identical.
//!
//! Each value `c` is kept as the integer [`sample::threshold`] of `c`, so a
//! draw compares the word's 53-bit mantissa with integers and never makes
//! the uniform: `u ≥ c` exactly when the mantissa is ≥ the threshold.
//!
//! A draw starts from a guide (Chen and Asau, 1974): the uniform's bin
//! `⌊256u⌋`, read straight off the word's top 8 bits, indexes the number of
//! values ≤ the bin's lower edge, all of which are ≤ u. Few of the 256 bins
//! hold a value, and for every other bin that number is the draw itself: a
//! flag marks the bins that hold one, and only there does the search go on
//! through the row. Every row ends with `+∞` (threshold `u64::MAX`), where
//! any search stops.

use super::condition::Transitions;
use super::sample;
use crate::scenario::Scenario;

/// Bins of a guide: `⌊BINS · u⌋` is the word's top 8 bits.
const BINS: usize = 1 << sample::GUIDE_BITS;

/// Largest number of trials a binomial table has rows for. Larger counts
/// (rare: a day with more than this many attacks) use the search.
const BINOMIAL_ROWS: u64 = 32;

/// The flag of a guide entry whose bin holds a threshold (or whose count is
/// too large for the entry): the search must go on from the count in the
/// other bits. Without it, the entry is the draw of every word of its bin.
const SEARCH: Entry = 1 << (Entry::BITS - 1);

/// A guide entry: a count, and the [`SEARCH`] flag in its top bit. One byte,
/// so that a guide is 256 bytes (4 cache lines) and the guides a day reads
/// stay in the first-level cache beside the day's tallies: with two-byte
/// entries they did not (cachegrind, 32 KiB L1: 35 % fewer data misses).
/// A larger count than 127 is flagged and searched from 127.
type Entry = u8;

/// The number of leading values of a row that are ≤ the uniform of word
/// `w`, from the row's thresholds `row` and its guide `guide`. `row` never
/// decreases and ends with `u64::MAX`; it is read only in a flagged bin.
#[inline(always)]
fn search<'r>(row: impl FnOnce() -> &'r [u64], guide: &[Entry; BINS], w: u64) -> u64 {
    let g = guide[sample::guide_bin(w)];
    if g & SEARCH == 0 {
        return u64::from(g);
    }
    search_on(row(), g & !SEARCH, w)
}

/// [`search`] in a flagged bin: on from the bin's count `from`.
#[inline(never)]
fn search_on(row: &[u64], from: Entry, w: u64) -> u64 {
    let m = sample::mantissa(w);
    let mut k = usize::from(from);
    while m >= row[k] {
        k += 1;
    }
    k as u64
}

/// A row's thresholds followed by `u64::MAX` (`+∞`), and its guide: for
/// each bin, the number of thresholds ≤ the bin's least mantissa, flagged
/// with [`SEARCH`] unless every mantissa of the bin has that same number.
fn row_and_guide(values: impl Iterator<Item = f64>) -> (Vec<u64>, [Entry; BINS]) {
    let mut row: Vec<u64> = values.map(sample::threshold).collect();
    row.push(u64::MAX);
    // The row never decreases, so the thresholds ≤ m are a prefix of it.
    let at_or_below = |m: u64| row.partition_point(|&t| t <= m);
    let mut guide = [0; BINS];
    let width = 1u64 << (64 - sample::GUIDE_BITS);
    for (j, g) in guide.iter_mut().enumerate() {
        let first = (j as u64) * width;
        let below = at_or_below(sample::mantissa(first));
        let last = at_or_below(sample::mantissa(first + (width - 1)));
        // A count too large for the entry (never in today's tables: at
        // most about 90, for λ = 64) starts such bins lower and searches:
        // still exact.
        *g = match Entry::try_from(below) {
            Ok(k) if k < SEARCH && last == below => k,
            Ok(k) if k < SEARCH => k | SEARCH,
            _ => (SEARCH - 1) | SEARCH,
        };
    }
    (row, guide)
}

/// Poisson(λ) for one fixed λ in (0, [`sample::POISSON_INVERSION_MAX`]].
#[derive(Debug, Clone)]
pub struct PoissonTable {
    /// Thresholds of `P(X ≤ k)`, then `u64::MAX`.
    cdf: Box<[u64]>,
    guide: Box<[Entry; BINS]>,
}

impl PoissonTable {
    /// The table of Poisson(`lambda`), or `None` where the draw is not a
    /// sequential search (λ ≤ 0 or above the inversion limit, or not finite).
    pub(crate) fn new(lambda: f64) -> Option<Self> {
        if !(lambda > 0.0 && lambda <= sample::POISSON_INVERSION_MAX) {
            return None;
        }
        let (cdf, guide) = row_and_guide(sample::poisson_cdf(lambda));
        Some(PoissonTable {
            cdf: cdf.into(),
            guide: Box::new(guide),
        })
    }

    /// The draw at word `w`: [`sample::poisson`]'s for the same word.
    #[inline(always)]
    pub fn draw(&self, w: u64) -> u64 {
        search(|| &self.cdf, &self.guide, w)
    }
}

/// Binomial(n, p) for one fixed `p` and every n up to a limit.
#[derive(Debug, Clone)]
pub struct BinomialTable {
    p: f64,
    /// Thresholds of `P(X ≤ k)`, k < n, then `u64::MAX`, for each n in turn.
    cdf: Box<[u64]>,
    /// Row n is `cdf[rows[n]..]`, and `guides[n]` its guide.
    rows: Box<[u32]>,
    guides: Box<[[Entry; BINS]]>,
}

impl BinomialTable {
    /// Rows for every n ≤ [`BINOMIAL_ROWS`] that the search would draw (all of
    /// them unless `P(X = 0)` underflows). `p` must lie in [0, 1].
    pub(crate) fn new(p: f64) -> Self {
        let mut cdf = Vec::new();
        let (mut rows, mut guides) = (Vec::new(), Vec::new());
        for n in 0..=BINOMIAL_ROWS {
            let n_usize = n as usize;
            let (row, guide) = if n == 0 || p <= 0.0 {
                // Never a success: no value is ≤ u.
                row_and_guide(std::iter::repeat_n(f64::INFINITY, n_usize))
            } else if p >= 1.0 {
                // Always n: every value is ≤ u.
                row_and_guide(std::iter::repeat_n(f64::NEG_INFINITY, n_usize))
            } else {
                match sample::binomial_cdf(n, p) {
                    Some(values) => row_and_guide(values),
                    // P(X = 0) only falls as n grows: no larger row either.
                    None => break,
                }
            };
            rows.push(cdf.len() as u32);
            cdf.extend(row);
            guides.push(guide);
        }
        BinomialTable {
            p,
            cdf: cdf.into(),
            rows: rows.into(),
            guides: guides.into(),
        }
    }

    /// The draw of Binomial(`n`, p) at word `w`: [`sample::binomial`]'s for
    /// the same word.
    #[inline(always)]
    pub fn draw(&self, w: u64, n: u64) -> u64 {
        // No branch on n = 0 (as likely as not after a quiet day): row 0's
        // guide is all 0, unflagged. Row n starts at `rows[n]`.
        match self.guides.get(n as usize) {
            Some(guide) => search(|| &self.cdf[self.rows[n as usize] as usize..], guide, w),
            None => self.draw_beyond(w, n),
        }
    }

    /// The success probability `p`.
    #[inline]
    pub(crate) fn p(&self) -> f64 {
        self.p
    }

    /// A draw with more trials than the table has rows for: the search.
    #[cold]
    #[inline(never)]
    fn draw_beyond(&self, w: u64, n: u64) -> u64 {
        sample::binomial_at(w, n, self.p)
    }
}

/// Every table of a scenario, and its transitions, built once per batch.
#[derive(Debug, Clone)]
pub struct Tables {
    parties: usize,
    /// `[phase × parties + p]`: attacks of p in a phase while its memory is 0.
    attacks: Vec<Option<PoissonTable>>,
    /// Per party: false reports.
    false_reports: Vec<Option<PoissonTable>>,
    /// Per party: the major share of attacks and of false reports.
    major: Vec<BinomialTable>,
    /// Per phase: the mean of convoys scheduled per day, and its table.
    convoys: Vec<(f64, Option<PoissonTable>)>,
    /// Per phase: detection of attacks.
    detection: Vec<BinomialTable>,
    /// Per phase: blocked convoys on a quiet and on a violent day.
    block: Vec<[BinomialTable; 2]>,
    /// Per phase: its transitions, ready to try.
    transitions: Transitions,
}

impl Tables {
    /// The tables of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        let parties = scenario.parties();
        let phases = 0..scenario.phases().len();
        let mut attacks = Vec::new();
        for phase in scenario.phases() {
            for (p, party) in parties.iter().enumerate() {
                // The day step's λ with a memory of exactly 0.
                attacks.push(PoissonTable::new(
                    phase.rate_multiplier[p] * (party.rate + 0.0),
                ));
            }
        }
        Tables {
            parties: parties.len(),
            attacks,
            false_reports: parties
                .iter()
                .map(|party| PoissonTable::new(party.false_reports_per_day))
                .collect(),
            major: parties
                .iter()
                .map(|party| BinomialTable::new(party.major_share))
                .collect(),
            convoys: phases
                .clone()
                .map(|phase| {
                    let mean = scenario.phase_humanitarian(phase).convoys_per_day;
                    (mean, PoissonTable::new(mean))
                })
                .collect(),
            detection: phases
                .clone()
                .map(|phase| BinomialTable::new(scenario.phase_detection(phase)))
                .collect(),
            block: phases
                .map(|phase| {
                    let h = scenario.phase_humanitarian(phase);
                    [
                        BinomialTable::new(h.block_probability),
                        BinomialTable::new(h.block_probability_violent),
                    ]
                })
                .collect(),
            transitions: Transitions::new(scenario),
        }
    }

    /// Attacks of party `p` in phase `phase` while its memory is 0.
    #[inline]
    pub fn attacks(&self, phase: usize, p: usize) -> Option<&PoissonTable> {
        self.attacks[phase * self.parties + p].as_ref()
    }

    /// False reports about party `p`.
    #[inline]
    pub fn false_reports(&self, p: usize) -> Option<&PoissonTable> {
        self.false_reports[p].as_ref()
    }

    /// The major share of party `p`.
    #[inline]
    pub fn major(&self, p: usize) -> &BinomialTable {
        &self.major[p]
    }

    /// Convoys scheduled per day in phase `phase`: the mean (the
    /// scenario's [`Scenario::phase_humanitarian`], read once), and its
    /// table if it has one.
    #[inline]
    pub fn convoys(&self, phase: usize) -> (f64, Option<&PoissonTable>) {
        let (mean, table) = &self.convoys[phase];
        (*mean, table.as_ref())
    }

    /// Detection in phase `phase` (its probability is the scenario's
    /// [`Scenario::phase_detection`]).
    #[inline]
    pub fn detection(&self, phase: usize) -> &BinomialTable {
        &self.detection[phase]
    }

    /// Blocking in phase `phase` on a day with (`violent`) or without an
    /// actual major attack.
    #[inline]
    pub fn block(&self, phase: usize, violent: bool) -> &BinomialTable {
        &self.block[phase][usize::from(violent)]
    }

    /// Every phase's transitions, compiled once like the tables.
    #[inline]
    pub(crate) fn transitions(&self) -> &Transitions {
        &self.transitions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Words that probe every branch: random ones, the extremes, and the
    /// first and last word of every guide bin (bin edges such as 1/2 are
    /// also table values, e.g. of Binomial(1, 0.5)).
    fn words() -> impl Iterator<Item = u64> {
        let mut rng = ChaCha8Rng::seed_from_u64(15);
        let width = 1u64 << (64 - sample::GUIDE_BITS);
        let edges = (0..BINS as u64).flat_map(move |j| [j * width, j * width + (width - 1)]);
        (0..20_000)
            .map(move |_| rng.next_u64())
            .chain([0, 1 << 11, u64::MAX, u64::MAX - (1 << 11)])
            .chain(edges)
    }

    /// The words just at and just below each threshold of `row`, where a
    /// draw changes its count.
    fn threshold_words(row: &[u64]) -> impl Iterator<Item = u64> + '_ {
        let top = sample::mantissa(u64::MAX);
        row.iter()
            .filter(move |&&t| t <= top)
            .flat_map(|&t| [t << 11, t.saturating_sub(1) << 11 | 0x7ff])
    }

    #[test]
    fn poisson_tables_draw_what_the_search_draws() {
        for lambda in [1e-300, 1e-9, 0.05, 0.2, 0.5, 1.0, 2.4, 7.0, 30.0, 64.0] {
            let t = PoissonTable::new(lambda).expect("λ in range");
            for w in words().chain(threshold_words(&t.cdf)) {
                assert_eq!(
                    t.draw(w),
                    sample::poisson_at(w, lambda),
                    "λ = {lambda}, w = {w}"
                );
            }
        }
        for lambda in [0.0, -1.0, 64.5, f64::NAN, f64::INFINITY] {
            assert!(PoissonTable::new(lambda).is_none(), "λ = {lambda}");
        }
    }

    #[test]
    fn binomial_tables_draw_what_the_search_draws() {
        for p in [0.0, 1e-12, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999_999, 1.0] {
            let t = BinomialTable::new(p);
            for (i, w) in words().enumerate() {
                let n = i as u64 % (BINOMIAL_ROWS + 8);
                assert_eq!(
                    t.draw(w, n),
                    sample::binomial_at(w, n, p),
                    "p = {p}, n = {n}"
                );
            }
            for n in 1..t.rows.len() as u64 {
                let row = &t.cdf[t.rows[n as usize] as usize..];
                for w in threshold_words(&row[..=n as usize]) {
                    assert_eq!(
                        t.draw(w, n),
                        sample::binomial_at(w, n, p),
                        "p = {p}, n = {n}"
                    );
                }
            }
        }
    }

    #[test]
    fn counts_too_large_for_an_entry_are_searched_from_the_largest() {
        // 300 values, the first 200 below every uniform: every bin's count
        // is at least 200, more than an entry holds.
        let values = (0..300).map(|k| if k < 200 { 0.0 } else { k as f64 / 300.0 });
        let (row, guide) = row_and_guide(values);
        assert!(guide.iter().all(|&g| g == (SEARCH - 1) | SEARCH));
        for w in words().chain(threshold_words(&row)) {
            let m = sample::mantissa(w);
            let count = row.iter().take_while(|&&t| t <= m).count() as u64;
            assert_eq!(search(|| &row, &guide, w), count, "w = {w}");
        }
    }

    #[test]
    fn rows_stop_where_the_search_gives_way_to_statrs() {
        // (1 − p)^n ≈ 10^(−12 n) falls below 1e-250 from n = 21 on.
        let p = 1.0 - 1e-12;
        let t = BinomialTable::new(p);
        assert_eq!(t.rows.len(), 21, "rows 0 to 20");
        assert_eq!(t.guides.len(), 21, "a guide per row");
        for (i, w) in words().take(4000).enumerate() {
            let n = 1 + i as u64 % 40;
            assert_eq!(t.draw(w, n), sample::binomial_at(w, n, p), "n = {n}");
        }
    }
}
