//! The store and the file formats of `ceasefire`: the CSV tables, charts
//! and manifests a result is written as ([`report`]), and the results
//! directories that hold them, published whole, locked, checkpointed,
//! sharded and verified ([`store`]).
//!
//! Its own crate, above the model and the analyses and below the jobs:
//! every byte a command writes is decided here, and nothing here runs a
//! simulation. Library users reach it through the `ceasefire` crate, which
//! re-exports its modules; see `docs/architecture.md`.

pub mod report;
pub mod store;

use ceasefire_analyses::{discover, sensitivity, stats};
use ceasefire_core::{engine, input, layout, model, options, scenario};
