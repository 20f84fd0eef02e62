//! The model and the engine of `ceasefire`: a scenario file read and
//! validated ([`scenario`]), the model's tables and one simulated day
//! ([`model`]), and the runs of a batch on their named random streams
//! ([`engine`]), exactly as `shared/MODEL.md` (summarised in
//! `docs/model.md`) defines them.
//!
//! It is its own crate so that everything above it (the analyses, the
//! store and formats, the jobs) stands on one model and cannot reach back
//! into it: the crate knows nothing of files of results, statistics or
//! command lines. Library users reach it through the `ceasefire` crate,
//! which re-exports its modules; see `docs/architecture.md`.

pub mod builtin;
pub mod engine;
pub mod input;
pub mod layout;
pub mod model;
#[doc(hidden)]
pub mod numeric;
pub mod options;
pub mod scenario;
#[cfg(feature = "proptest-strategies")]
pub mod strategies;
