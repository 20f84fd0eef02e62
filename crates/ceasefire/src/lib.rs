//! `ceasefire`: deterministic Monte Carlo simulation of ceasefire agreements.
//!
//! An agreement is a state machine of phases (a truce, a joint phase, a
//! collapse…) driven by random attacks of several parties, retaliation,
//! noisy monitoring and humanitarian access, exactly as `shared/MODEL.md`
//! (summarised in `docs/model.md`) defines it. Data flows one way:
//!
//! ```text
//! scenario file → Scenario → engine (runs, in parallel) → Tally → stats → report/store
//! ```
//!
//! with [`job`] on top (one type per command: a batch, a sweep, a
//! comparison, exact answers, a merge) and the `ceasefire` binary as a thin
//! client of the jobs. The library is the product: see `docs/architecture.md`.
//!
//! The jobs ([`BatchJob`], [`ExactJob`], [`SweepJob`]…) return their
//! results in memory, as the bytes the command line writes, and answer the
//! question users ask first, the share of runs entering a phase, by name:
//!
//! ```
//! use ceasefire::{BatchJob, LoadedScenario};
//!
//! let loaded = LoadedScenario::load(None, &[])?; // the built-in Geneva 2016
//! let batch = BatchJob::new(loaded, 7, 400).simulate(&())?;
//! let joint = batch.share_entering("joint_targeting")?;
//! assert!(joint.low <= joint.estimate && joint.estimate <= joint.high);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The engine can also be driven directly:
//!
//! ```
//! use ceasefire::{Batch, Scenario};
//!
//! let scenario = Scenario::from_toml(ceasefire::builtin::GENEVA_2016, "geneva-2016.toml")?;
//! let tally = Batch::new(&scenario, 7).run(0..200)?;
//! assert_eq!(tally.runs.count, 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// The crates beneath, re-exported as the modules they were: a program
// names `ceasefire::scenario::Scenario` whichever crate holds it.
#[doc(inline)]
pub use ceasefire_analyses::{discover, exact, sensitivity, stats};
#[cfg(feature = "proptest-strategies")]
#[doc(inline)]
pub use ceasefire_core::strategies;
#[doc(inline)]
pub use ceasefire_core::{builtin, engine, input, layout, model, options, scenario};
#[doc(inline)]
pub use ceasefire_formats::{report, store};

pub mod counts;
pub mod experiment;
#[cfg(feature = "fit")]
pub mod fit;
pub mod job;

use ceasefire_core::numeric;

// The types most programs need, at the top. Everything else public stays in
// its module; what no user of the library can reach is `pub(crate)`.
pub use engine::{Batch, CancelToken, RunSummary, Tally};
pub use job::{
    BatchJob, BatchResults, ExactJob, ExactResults, JobError, LoadedScenario, SweepJob,
    SweepResults,
};
pub use scenario::{Scenario, ScenarioError};
pub use stats::{Estimate, Estimates};
