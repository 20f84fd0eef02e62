//! Exact inversion tables for the draws whose parameter is fixed for a whole
//! batch, so that the day step spends no `exp`, `powi` or division on them.
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
//! Rows are padded with `+∞` to a multiple of [`LANES`] and searched
//! [`LANES`] values at a time without branches (the values never decrease,
//! so counting those ≤ u is the same as finding the first above u).

use super::sample;
use crate::scenario::Scenario;

/// Values compared per step of a search.
const LANES: usize = 8;

/// Largest number of trials a binomial table has rows for. Larger counts
/// (rare: a day with more than this many attacks) use the search.
const BINOMIAL_ROWS: u64 = 32;

/// The number of leading values of `row` that are ≤ `u`. `row` never
/// decreases and its length is a multiple of [`LANES`].
#[inline(always)]
fn count_at_most(row: &[f64], u: f64) -> u64 {
    let mut k = 0;
    for chunk in row.chunks_exact(LANES) {
        let c: u64 = chunk.iter().map(|&c| u64::from(u >= c)).sum();
        k += c;
        if c < LANES as u64 {
            break;
        }
    }
    k
}

/// Appends `values` to `out`, padded with `+∞` to a multiple of [`LANES`].
fn push_padded(out: &mut Vec<f64>, values: impl Iterator<Item = f64>) {
    out.extend(values);
    while !out.len().is_multiple_of(LANES) {
        out.push(f64::INFINITY);
    }
}

/// Poisson(λ) for one fixed λ in (0, [`sample::POISSON_INVERSION_MAX`]].
#[derive(Debug, Clone)]
pub struct PoissonTable {
    cdf: Box<[f64]>,
}

impl PoissonTable {
    /// The table of Poisson(`lambda`), or `None` where the draw is not a
    /// sequential search (λ ≤ 0 or above the inversion limit, or not finite).
    pub fn new(lambda: f64) -> Option<Self> {
        if !(lambda > 0.0 && lambda <= sample::POISSON_INVERSION_MAX) {
            return None;
        }
        let mut cdf = Vec::new();
        push_padded(&mut cdf, sample::poisson_cdf(lambda));
        Some(PoissonTable { cdf: cdf.into() })
    }

    /// The draw at uniform `u`: [`sample::poisson`]'s for the same word.
    #[inline(always)]
    pub fn draw(&self, u: f64) -> u64 {
        count_at_most(&self.cdf, u)
    }
}

/// Binomial(n, p) for one fixed `p` and every n up to a limit.
#[derive(Debug, Clone)]
pub struct BinomialTable {
    p: f64,
    /// `P(X ≤ k)`, k < n, for each n in turn, each row padded.
    cdf: Box<[f64]>,
    /// Row n is `cdf[rows[n].0..rows[n].1]`.
    rows: Box<[(u32, u32)]>,
}

impl BinomialTable {
    /// Rows for every n ≤ [`BINOMIAL_ROWS`] that the search would draw (all of
    /// them unless `P(X = 0)` underflows). `p` must lie in [0, 1].
    pub fn new(p: f64) -> Self {
        let mut cdf = Vec::new();
        // Row 0 is empty: no trial, no success.
        let mut start = vec![0u32, 0];
        for n in 1..=BINOMIAL_ROWS {
            let n_usize = n as usize;
            if p <= 0.0 {
                // Never a success: no value is ≤ u.
                push_padded(&mut cdf, std::iter::repeat_n(f64::INFINITY, n_usize));
            } else if p >= 1.0 {
                // Always n: every value is ≤ u.
                push_padded(&mut cdf, std::iter::repeat_n(f64::NEG_INFINITY, n_usize));
            } else {
                match sample::binomial_cdf(n, p) {
                    Some(values) => push_padded(&mut cdf, values),
                    // P(X = 0) only falls as n grows: no larger row either.
                    None => break,
                }
            }
            start.push(cdf.len() as u32);
        }
        BinomialTable {
            p,
            cdf: cdf.into(),
            rows: start.windows(2).map(|r| (r[0], r[1])).collect(),
        }
    }

    /// The draw of Binomial(`n`, p) at uniform `u` of word `w`:
    /// [`sample::binomial`]'s for the same word.
    #[inline(always)]
    pub fn draw(&self, u: f64, w: u64, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        match self.rows.get(n as usize) {
            Some(&(a, b)) => count_at_most(&self.cdf[a as usize..b as usize], u),
            None => self.draw_beyond(u, w, n),
        }
    }

    /// A draw with more trials than the table has rows for: the search.
    #[cold]
    #[inline(never)]
    fn draw_beyond(&self, u: f64, w: u64, n: u64) -> u64 {
        sample::binomial_at(u, w, n, self.p)
    }
}

/// Every table of a scenario, built once per batch.
#[derive(Debug, Clone)]
pub struct Tables {
    parties: usize,
    /// `[phase × parties + p]`: attacks of p in a phase while its memory is 0.
    attacks: Vec<Option<PoissonTable>>,
    /// Per party: false reports.
    false_reports: Vec<Option<PoissonTable>>,
    /// Per party: the major share of attacks and of false reports.
    major: Vec<BinomialTable>,
    /// Per phase: convoys scheduled.
    convoys: Vec<Option<PoissonTable>>,
    /// Per phase: detection of attacks.
    detection: Vec<BinomialTable>,
    /// Per phase: blocked convoys on a quiet and on a violent day.
    block: Vec<[BinomialTable; 2]>,
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
                .map(|phase| PoissonTable::new(scenario.phase_humanitarian(phase).convoys_per_day))
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

    /// Convoys scheduled in phase `phase`.
    #[inline]
    pub fn convoys(&self, phase: usize) -> Option<&PoissonTable> {
        self.convoys[phase].as_ref()
    }

    /// Detection in phase `phase`.
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Words that probe every branch: random ones, and the extremes.
    fn words() -> impl Iterator<Item = u64> {
        let mut rng = ChaCha8Rng::seed_from_u64(15);
        (0..20_000)
            .map(move |_| rng.next_u64())
            .chain([0, 1 << 11, u64::MAX, u64::MAX - (1 << 11)])
    }

    #[test]
    fn poisson_tables_draw_what_the_search_draws() {
        for lambda in [1e-300, 1e-9, 0.05, 0.2, 0.5, 1.0, 2.4, 7.0, 30.0, 64.0] {
            let t = PoissonTable::new(lambda).expect("λ in range");
            for w in words() {
                let (u, _) = sample::uniform(w);
                assert_eq!(
                    t.draw(u),
                    sample::poisson_at(u, w, lambda),
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
                let (u, _) = sample::uniform(w);
                let n = i as u64 % (BINOMIAL_ROWS + 8);
                assert_eq!(
                    t.draw(u, w, n),
                    sample::binomial_at(u, w, n, p),
                    "p = {p}, n = {n}"
                );
            }
        }
    }

    #[test]
    fn rows_stop_where_the_search_gives_way_to_statrs() {
        // (1 − p)^n ≈ 10^(−12 n) falls below 1e-250 from n = 21 on.
        let p = 1.0 - 1e-12;
        let t = BinomialTable::new(p);
        assert_eq!(t.rows.len(), 21, "rows 0 to 20");
        for (i, w) in words().take(4000).enumerate() {
            let (u, _) = sample::uniform(w);
            let n = 1 + i as u64 % 40;
            assert_eq!(t.draw(u, w, n), sample::binomial_at(u, w, n, p), "n = {n}");
        }
    }
}
