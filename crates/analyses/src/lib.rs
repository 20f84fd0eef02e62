//! The analyses of `ceasefire` that read a batch or a scenario and return
//! numbers: the statistics of a batch's tally ([`stats`]), the exact
//! solution of the scenarios without retaliation ([`exact`]), Sobol' and
//! Morris sensitivity indices ([`sensitivity`]) and PRIM boxes
//! ([`discover`]).
//!
//! Its own crate, on the model and the engine alone: no analysis writes a
//! file, so the formats above can write every analysis's results and none
//! of them can reach back. Library users reach it through the `ceasefire`
//! crate, which re-exports its modules; see `docs/architecture.md`.

pub mod discover;
pub mod exact;
pub mod sensitivity;
pub mod stats;

use ceasefire_core::{engine, numeric, options, scenario};
