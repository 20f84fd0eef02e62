//! The integration tests, as one binary: each file of `tests/` is a
//! module of it (as ripgrep's `tests/tests.rs` does), so that the crates are
//! linked once instead of once per file. `cargo test NAME` still selects
//! tests by name, and `cargo test --test tests commit::` by file.

#[path = "../crates/core/src/strategies.rs"]
mod generate;
mod util;

mod charts;
mod cli;
mod commit;
mod exact;
mod experiments;
mod fit_cli;
mod golden;
mod layers;
mod library;
mod limits;
mod messages;
mod plots;
mod properties;
mod readme;
mod scenario_errors;
mod schema;
mod sensitivity;
mod shards;
mod statistics;
mod sweep_values;
mod verification;
