//! `ceasefire`: deterministic Monte Carlo simulation of ceasefire agreements.
//!
//! An agreement is a state machine of phases (a truce, a joint phase, a
//! collapse…) driven by random attacks of several parties, retaliation,
//! noisy monitoring and humanitarian access, exactly as `shared/MODEL.md`
//! (summarised in `docs/model.md`) defines it. Data flows one way:
//!
//! ```text
//! scenario file → Scenario → engine (runs, in parallel) → Tally → stats → output
//! ```
//!
//! The library is the product; the `ceasefire` binary is a thin client.
//!
//! ```
//! use ceasefire::{Batch, Scenario};
//!
//! let scenario = Scenario::from_toml(ceasefire::builtin::GENEVA_2016, "geneva-2016.toml")?;
//! let tally = Batch::new(&scenario, 7).run(0..200, &mut (), &|_| {})?;
//! assert_eq!(tally.runs.runs, 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod builtin;
pub mod counts;
pub mod engine;
pub mod exact;
pub mod experiment;
pub mod fit;
pub mod model;
pub mod output;
pub mod scenario;
pub mod stats;

pub use engine::{Batch, RunSummary, Tally};
pub use scenario::{Scenario, ScenarioError};
