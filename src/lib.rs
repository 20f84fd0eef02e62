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
//! ```
//! use ceasefire::{Batch, Scenario};
//!
//! let scenario = Scenario::from_toml(ceasefire::builtin::GENEVA_2016, "geneva-2016.toml")?;
//! let tally = Batch::new(&scenario, 7).run(0..200)?;
//! assert_eq!(tally.runs.count, 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod builtin;
pub mod counts;
pub mod discover;
pub mod engine;
pub mod exact;
pub mod experiment;
#[cfg(feature = "fit")]
pub mod fit;
pub mod input;
pub mod job;
pub mod layout;
pub mod model;
mod numeric;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod stats;
pub mod store;
#[cfg(feature = "proptest-strategies")]
pub mod strategies;

pub use engine::{Batch, RunSummary, Tally};
pub use scenario::{Scenario, ScenarioError};
