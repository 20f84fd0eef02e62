//! Shards: fixed slices of a batch's run indices, so that a batch can be
//! split over machines (e.g. the tasks of a Slurm job array) and merged back
//! into exactly the bytes one machine would have written.
//!
//! Shard `K` of `N` (1-based, as job arrays count) of a batch of `R` runs
//! takes the contiguous runs `⌊(K−1)R/N⌋ .. ⌊KR/N⌋`. The slices tile
//! `0..R` exactly, differ in size by at most one run, and depend only on
//! `(K, N, R)`; since run `i` draws only from streams derived from
//! `(seed, i)`, which shard simulates a run cannot change it.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Shard `index` of `count` (1-based): a slice of a batch's runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shard {
    index: u64,
    count: u64,
}

/// A shard that does not exist, or a malformed `K/N`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// Not of the form `K/N`.
    #[error("shard '{0}' is not of the form K/N with whole numbers (e.g. 3/8)")]
    Syntax(String),
    /// `N` is 0 or `K` is outside `1..=N`.
    #[error("shard '{index}/{count}' does not exist: K/N needs N ≥ 1 and 1 ≤ K ≤ N")]
    OutOfRange {
        /// K.
        index: u64,
        /// N.
        count: u64,
    },
}

impl Shard {
    /// Shard `index` of `count`; `1 ≤ index ≤ count`.
    pub fn new(index: u64, count: u64) -> Result<Shard, ShardError> {
        if count == 0 || index == 0 || index > count {
            return Err(ShardError::OutOfRange { index, count });
        }
        Ok(Shard { index, count })
    }

    /// The whole batch as one shard (`1/1`).
    #[doc(hidden)]
    pub fn whole() -> Shard {
        Shard { index: 1, count: 1 }
    }

    /// K, 1-based.
    #[doc(hidden)]
    pub fn index(&self) -> u64 {
        self.index
    }

    /// N.
    #[doc(hidden)]
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The runs of this shard in a batch of `runs` runs:
    /// `⌊(K−1)R/N⌋ .. ⌊KR/N⌋`.
    ///
    /// ```
    /// use ceasefire_core::engine::Shard;
    ///
    /// let slices: Vec<_> = (1..=4).map(|k| Shard::new(k, 4).unwrap().runs(10)).collect();
    /// assert_eq!(slices, [0..2, 2..5, 5..7, 7..10]);
    /// ```
    pub fn runs(&self, runs: u64) -> Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(runs) / u128::from(self.count)) as u64;
        at(self.index - 1)..at(self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let syntax = || ShardError::Syntax(s.to_string());
        let (k, n) = s.split_once('/').ok_or_else(syntax)?;
        let number = |x: &str| {
            if x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit()) {
                return Err(syntax());
            }
            x.parse::<u64>().map_err(|_| syntax())
        };
        Shard::new(number(k)?, number(n)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_tile_the_runs_exactly_and_differ_by_at_most_one() {
        for runs in [0u64, 1, 2, 7, 10, 1000, 999_983] {
            for count in 1..=9u64 {
                let slices: Vec<_> = (1..=count)
                    .map(|k| Shard::new(k, count).unwrap().runs(runs))
                    .collect();
                assert_eq!(slices[0].start, 0, "runs {runs}, count {count}");
                assert_eq!(slices[slices.len() - 1].end, runs);
                for w in slices.windows(2) {
                    assert_eq!(w[0].end, w[1].start, "runs {runs}, count {count}");
                }
                let sizes: Vec<_> = slices.iter().map(|r| r.end - r.start).collect();
                let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(hi - lo <= 1, "runs {runs}, count {count}: {sizes:?}");
            }
        }
    }

    #[test]
    fn huge_batches_do_not_overflow() {
        let s = Shard::new(u64::MAX, u64::MAX).unwrap();
        assert_eq!(s.runs(u64::MAX), u64::MAX - 1..u64::MAX);
    }

    #[test]
    fn parses_k_slash_n_and_refuses_the_rest() {
        assert_eq!("3/8".parse::<Shard>(), Ok(Shard::new(3, 8).unwrap()));
        assert_eq!("3/8".parse::<Shard>().unwrap().to_string(), "3/8");
        for bad in ["", "3", "3/", "/8", "a/b", "-1/4", "+1/4", "1/4/5", " 1/4"] {
            assert_eq!(
                bad.parse::<Shard>(),
                Err(ShardError::Syntax(bad.into())),
                "{bad:?}"
            );
        }
        for (k, n) in [(0, 4), (5, 4), (1, 0)] {
            let err = format!("{k}/{n}").parse::<Shard>().unwrap_err();
            assert_eq!(err, ShardError::OutOfRange { index: k, count: n });
        }
    }
}
