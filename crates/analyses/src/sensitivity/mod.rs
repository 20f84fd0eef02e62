//! Global sensitivity analysis: which uncertain assumptions of a scenario
//! drive an outcome, alone and in interaction.
//!
//! A sweep answers "what happens at these values"; this module answers
//! "which of these ranges matter". It holds the two standard methods of the
//! field, written to agree number for number with SALib 1.6 (the reference
//! implementation that exploratory-modelling tools such as the EMA
//! Workbench build on), so that a design and its outputs can be handed to
//! SALib unchanged and give the same indices:
//!
//! - [`saltelli`]: Saltelli's design from a scrambled Sobol' sequence and the
//!   variance-based indices (first order, total, second order) with
//!   bootstrap intervals ([`analyze_sobol`]);
//! - [`morris`]: Morris's elementary-effects screening on a p-level grid
//!   ([`morris_design`], [`analyze_morris`]);
//! - [`functions`]: analytic test functions with known indices (Ishigami,
//!   linear), for tests and for checking the estimators end to end.
//!
//! The module knows nothing of scenarios: a design is a matrix of parameter
//! values and the outputs are one number per row. Running a scenario at the
//! rows is the job of the experiment layer. Every random draw (the
//! scrambling of the sequence, Morris trajectories, bootstrap resamples)
//! comes from its own seeded ChaCha8 stream, so results depend on the seed
//! alone.

pub mod functions;
pub mod morris;
pub mod saltelli;

pub use morris::{MorrisIndices, analyze_morris, morris_design};
pub use saltelli::{SobolIndices, analyze_sobol, saltelli_design};

/// Bootstrap resamples by default. SALib's default is 100; 1000 makes the
/// intervals' own resampling noise (about 2% of their width) small enough
/// to report.
pub const DEFAULT_RESAMPLES: usize = 1000;

/// The range of one uncertain parameter: sampled uniformly from `lo` to
/// `hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    lo: f64,
    hi: f64,
}

impl Bounds {
    /// A range with finite `lo < hi`.
    pub fn new(lo: f64, hi: f64) -> Result<Self, SensitivityError> {
        if lo.is_finite() && hi.is_finite() && lo < hi {
            Ok(Bounds { lo, hi })
        } else {
            Err(SensitivityError::Bounds { lo, hi })
        }
    }

    /// Lowest value.
    pub fn lo(&self) -> f64 {
        self.lo
    }

    /// Highest value.
    pub fn hi(&self) -> f64 {
        self.hi
    }

    /// The value at `u` ∈ [0, 1], computed as SALib's `scale_samples` does
    /// (`u·(hi − lo) + lo`), so that designs scale to the same floats.
    pub(crate) fn scale(&self, u: f64) -> f64 {
        u * (self.hi - self.lo) + self.lo
    }
}

/// An index with the half-width of its bootstrap interval: `estimate ±
/// half_width` is the 95% interval, from the normal approximation to the
/// bootstrap distribution exactly as SALib reports its `*_conf` values.
#[derive(Debug, Clone, Copy, PartialEq)]
#[doc(hidden)]
pub struct BootstrapEstimate {
    /// The point estimate.
    #[doc(hidden)]
    pub estimate: f64,
    /// z(0.975) times the standard deviation of the bootstrap estimates.
    #[doc(hidden)]
    pub half_width: f64,
}

impl BootstrapEstimate {
    /// Lower end of the interval.
    #[doc(hidden)]
    pub fn low(&self) -> f64 {
        self.estimate - self.half_width
    }

    /// Upper end of the interval.
    #[doc(hidden)]
    pub fn high(&self) -> f64 {
        self.estimate + self.half_width
    }
}

/// A design or analysis that cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    /// A range that is empty, reversed or not finite.
    #[error("range {lo}:{hi} is not allowed (allowed: finite LO < HI)")]
    Bounds {
        /// Lowest value given.
        lo: f64,
        /// Highest value given.
        hi: f64,
    },
    /// A base sample count that the Sobol' sequence cannot give.
    #[error(
        "{0} base samples is not allowed (allowed: a power of two from 2 to {max})",
        max = saltelli::MAX_SAMPLES
    )]
    Samples(usize),
    /// Too many or too few parameters.
    #[error("{0} parameters is not allowed (allowed: 1 to {max})", max = saltelli::MAX_PARAMETERS)]
    Parameters(usize),
    /// Outputs that do not fit the design.
    #[error("{outputs} outputs do not fit a design of {rows} rows")]
    Outputs {
        /// Outputs given.
        outputs: usize,
        /// Rows the design has.
        rows: usize,
    },
    /// A Morris setting that is not allowed.
    #[error("{0}")]
    Morris(String),
    /// A non-finite output.
    #[error("output {row} is {value} (allowed: a finite number)")]
    NotFinite {
        /// Row of the design.
        row: usize,
        /// The value.
        value: f64,
    },
}

/// The sample standard deviation (denominator n − 1), as numpy's
/// `std(ddof=1)`; 0 for fewer than two values.
pub(crate) fn sample_sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// Mean of a slice (NaN when empty).
pub(crate) fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// The population variance (denominator n), as numpy's `var`.
pub(crate) fn variance(x: &[f64]) -> f64 {
    let m = mean(x);
    x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / x.len() as f64
}
