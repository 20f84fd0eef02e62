//! Where results are kept: results directories that appear all at once or
//! not at all (their files are named in [`crate::layout`]), their manifests, the checkpoints that let a
//! killed batch resume, and the shards that `merge` combines.
//!
//! This module stores bytes; what the bytes say (CSV rows, charts) is
//! [`crate::report`]'s business.

pub mod checkpoint;
pub mod consistency;
pub mod digest;
mod fsio;
pub mod lock;
mod manifest;
pub mod publish;
pub mod results_dir;
pub mod shard;
mod staged;
pub mod verify;

#[doc(hidden)]
pub use manifest::ManifestFile;
#[cfg(feature = "fit")]
#[doc(hidden)]
pub use manifest::{FitManifest, InputFile};
pub use manifest::{
    MODEL_VERSION, Manifest, PINNED, ScenarioSource, ShardRecord, SweepRecord, versions,
};
#[doc(hidden)]
pub use results_dir::{ResultsDir, read_stable};
#[doc(hidden)]
pub use staged::{OutputError, StagedDir, StagedFile};
pub use verify::{Verification, VerifyError, verify};
