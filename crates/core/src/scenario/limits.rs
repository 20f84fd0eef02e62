//! Every documented limit of the tool, in one place.
//!
//! A limit exists so that a result on disk is either right or absent: no
//! integer can wrap, no allocation can exhaust the machine, no loop can run
//! for days without a word. Validation (`ceasefire check`) and the jobs
//! refuse what goes beyond a limit, naming the key, the value and the limit;
//! `docs/model.md` ("Limits") lists them for users, and generators of
//! schemas and documentation cite these constants.
//!
//! # Why no tally can overflow
//!
//! Every count the engine adds up comes from one Poisson draw (attacks,
//! false reports, convoys) or a binomial thinning of one (major attacks,
//! detected attacks, blocked convoys), so it is bounded by the largest
//! Poisson draw:
//!
//! - every Poisson mean is at most [`MAX_POISSON_MEAN`] = 10⁷: the scenario's
//!   means (rate × multiplier, false reports, convoys, in every phase) are
//!   refused above it at validation, and an attack intensity raised by
//!   retaliation stops the run above it;
//! - a draw with mean λ ≤ 64 inverts a table and stays far below 10⁴; a
//!   draw with λ > 64 is statrs' rejection method PA, whose candidate is
//!   `x = (α − ln((1 − u)/u))/β` with `α = βλ`, `β = π/√(3λ)` and a uniform
//!   `u ≤ 1 − 2⁻⁵³`, so `x ≤ λ + 36.8·√(3λ)/π + 1`, about 1.0065·10⁷ at
//!   λ = 10⁷: below [`MAX_DRAW`] = 2²⁴;
//! - a day's reported count of a party (its detected attacks plus false
//!   reports) is at most 2 · 2²⁴ = 2²⁵; a run's total of one party is at
//!   most 2²⁵ · [`MAX_HORIZON_DAYS`] < 2⁴¹; a window or a day's count over all
//!   [`MAX_PARTIES`] parties is at most 2²⁵ · 2⁷ · 2¹⁶ = 2⁴⁸;
//! - a batch has at most [`MAX_RUNS`] < 2³⁷ runs, so a day's sum over runs
//!   (u64) is below 2⁶², its sum of squares (u128) below 2⁸⁷, and a run
//!   total's sum of squares (u128) below 2¹¹⁹.
//!
//! Within one batch, then, no addition can overflow, and the hot loop adds
//! without checks. Tallies that come from elsewhere (shards, checkpoints)
//! are merged with checked additions: an overflow there is an error naming
//! the counter ([`crate::engine::TallyOverflow`]).

/// Largest Poisson mean of any draw, per day: a party's attack rate times
/// its phase's rate multiplier (and, at run time, with remembered attacks
/// added), a party's `false_reports_per_day`, and the convoys per day of
/// every phase. Beyond it counts could approach integer limits, and no
/// ceasefire has seen ten million attacks a day.
pub const MAX_POISSON_MEAN: f64 = 1e7;

/// A bound on any single Poisson draw with a mean of at most
/// [`MAX_POISSON_MEAN`] (proved in the module documentation): 2²⁴.
pub const MAX_DRAW: u64 = 1 << 24;

/// Largest horizon, in days (100 years); also the longest window and the
/// largest day-count threshold.
pub const MAX_HORIZON_DAYS: i64 = 36_500;

/// Largest number of `[[party]]` tables.
pub const MAX_PARTIES: usize = 100;

/// Largest number of `[[phase]]` tables.
pub const MAX_PHASES: usize = 100;

/// Largest memory, in bytes, that the tallies and the window history of
/// one worker may take for a scenario (see [`tally_bytes`]): 32 MiB. A batch
/// keeps a few dozen of them at once (one per task of a block of runs).
pub(crate) const MAX_TALLY_BYTES: u64 = 32 << 20;

/// Largest number of runs of a batch (or of each point of a sweep): 10¹¹,
/// so that no sum over runs can overflow (module documentation).
pub const MAX_RUNS: u64 = 100_000_000_000;

/// Largest number of points of a sweep design (a grid, a Latin hypercube or
/// a design file), checked before any point is built.
pub const MAX_DESIGN_POINTS: u64 = 100_000;

/// Largest memory, in bytes, that the tallies of all the points of a sweep
/// may take together (4 GiB; each point keeps its tally to the end, see
/// [`tally_bytes`]).
pub(crate) const MAX_SWEEP_TALLY_BYTES: u64 = 4 << 30;

/// The last calendar date a run may reach: dates are written with four-digit
/// years.
pub(crate) const LAST_DATE: (i32, u32, u32) = (9999, 12, 31);

/// The largest estimated wall-clock time of a command, in seconds (7 days),
/// that runs without `--force`.
#[doc(hidden)]
pub const MAX_ESTIMATED_SECONDS: f64 = 7.0 * 24.0 * 3600.0;

/// The largest estimated output, in bytes (50 GB), that a command writes
/// without `--force`.
#[doc(hidden)]
pub const MAX_ESTIMATED_OUTPUT_BYTES: f64 = 50e9;

/// Bytes of the tallies and window history of one worker for a scenario of
/// `horizon` days, `parties` parties, `phases` phases and a longest window
/// of `window` days: per day, a u64 occupancy and absorption count and a
/// u64 entry-day bucket per phase, and a u64 sum and u128 sum of squares
/// for each of the `2 × parties + 3` daily metrics; per window day,
/// `2 × (1 + parties) + 2` u64 counts.
#[doc(hidden)]
pub fn tally_bytes(horizon: u64, parties: u64, phases: u64, window: u64) -> u64 {
    let per_day = 24 * phases + 24 * (2 * parties + 3);
    let per_window_day = 8 * (2 * (1 + parties) + 2);
    horizon
        .saturating_mul(per_day)
        .saturating_add((window + 1).saturating_mul(per_window_day))
}

/// A sweep too large to run: too many points, or tallies too large
/// together.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepTooLarge {
    /// More than [`MAX_DESIGN_POINTS`] points.
    #[error(
        "the design has {points} points, more than the limit of {MAX_DESIGN_POINTS} (allowed: fewer points; see docs/model.md, Limits)"
    )]
    Points {
        /// The design's points.
        points: usize,
    },
    /// Tallies larger together than docs/model.md (Limits) allows.
    #[error("the {points} points of the sweep need {:.1} GiB of tallies together, above the limit of {} GiB (allowed: fewer points, or fewer horizon_days, parties or phases; see docs/model.md, Limits)", *.bytes as f64 / f64::from(1u32 << 30), MAX_SWEEP_TALLY_BYTES >> 30)]
    Tallies {
        /// The design's points.
        points: usize,
        /// The bytes their tallies need.
        bytes: u64,
    },
}

/// Refuses a sweep of `points` points whose tallies would take `bytes`
/// together, before any tally is allocated.
#[doc(hidden)]
pub fn check_sweep(points: usize, bytes: u64) -> Result<(), SweepTooLarge> {
    if points as u64 > MAX_DESIGN_POINTS {
        return Err(SweepTooLarge::Points { points });
    }
    if bytes > MAX_SWEEP_TALLY_BYTES {
        return Err(SweepTooLarge::Tallies { points, bytes });
    }
    Ok(())
}
