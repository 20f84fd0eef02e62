//! manifest.json: the provenance of a result: what produced it, from which
//! scenario bytes, with which seed and which versions of the crates the
//! numbers depend on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use sha2::{Digest, Sha256};

use crate::engine::Shard;

/// Versions of this crate and of the crates the random numbers depend on,
/// read from Cargo.lock at build time.
pub const VERSIONS: [(&str, &str); 5] = [
    ("ceasefire", env!("CARGO_PKG_VERSION")),
    ("rand", env!("CEASEFIRE_RAND_VERSION")),
    ("rand_chacha", env!("CEASEFIRE_RAND_CHACHA_VERSION")),
    ("rand_core", env!("CEASEFIRE_RAND_CORE_VERSION")),
    ("statrs", env!("CEASEFIRE_STATRS_VERSION")),
];

/// Where a scenario came from and a hash of its exact bytes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ScenarioSource {
    /// The scenario's name.
    pub name: String,
    /// The path as given, or `built-in:<name>` for a compiled-in scenario.
    pub path: String,
    /// SHA-256 of the file's bytes, in hex.
    pub sha256: String,
    /// Changes applied to the file (`--set PATH=VALUE`), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
}

impl ScenarioSource {
    /// Describes scenario text read from `path`.
    pub fn new(name: &str, path: &str, text: &str) -> Self {
        let digest = Sha256::digest(text.as_bytes());
        ScenarioSource {
            name: name.to_string(),
            path: path.to_string(),
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
            changes: Vec::new(),
        }
    }
}

/// Version of the model contract implemented (shared/MODEL.md).
pub const MODEL_VERSION: &str = "1";

/// [`VERSIONS`] as a map, as manifests record them.
pub fn versions() -> BTreeMap<String, String> {
    VERSIONS
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The contents of manifest.json. It is read back by `merge`, which checks
/// that shards agree on everything their bytes depend on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Version of the model contract implemented.
    pub model: String,
    /// Crate versions (see [`VERSIONS`]).
    pub versions: BTreeMap<String, String>,
    /// The scenario.
    pub scenario: ScenarioSource,
    /// How the numbers were obtained: `monte-carlo` (a batch of runs) or
    /// `exact` (the exact solver: no seed, no runs).
    pub method: String,
    /// Master seed (absent for exact answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Runs in the batch (absent for exact answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs: Option<u64>,
    /// The command line, word by word.
    pub command_line: Vec<String>,
    /// The files written next to this manifest.
    pub files: Vec<String>,
    /// For a shard of a batch (`run --shard K/N`): which shard and which
    /// runs. Absent for a whole batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    /// For a shard of a sweep (`sweep --shard K/N`): the sweep's design, so
    /// that `merge` can rebuild its points. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepInfo>,
}

/// The design of a sweep, as a shard of it records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SweepInfo {
    /// Every `--vary` as `PATH=LO:HI:STEPS`, in order.
    pub vary: Vec<String>,
    /// `grid` or `lhs:N`.
    pub design: String,
}

/// Which part of a batch a shard holds.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShardInfo {
    /// K of `K/N` (1-based).
    pub index: u64,
    /// N of `K/N`.
    pub count: u64,
    /// First run of the shard.
    pub first_run: u64,
    /// One past its last run.
    pub end_run: u64,
}

impl ShardInfo {
    /// Shard `shard` of a batch of `runs` runs.
    pub fn new(shard: Shard, runs: u64) -> Self {
        let r = shard.runs(runs);
        ShardInfo {
            index: shard.index(),
            count: shard.count(),
            first_run: r.start,
            end_run: r.end,
        }
    }

    /// Its runs.
    pub fn runs(&self) -> std::ops::Range<u64> {
        self.first_run..self.end_run
    }
}

/// `method` of a batch of runs.
pub const MONTE_CARLO: &str = "monte-carlo";

impl Manifest {
    /// A manifest for a batch.
    pub fn new(scenario: ScenarioSource, seed: u64, runs: u64, files: Vec<String>) -> Self {
        Manifest {
            method: MONTE_CARLO.to_string(),
            seed: Some(seed),
            runs: Some(runs),
            ..Manifest::exact(scenario, files)
        }
    }

    /// A manifest for exact answers (`ceasefire exact`).
    pub fn exact(scenario: ScenarioSource, files: Vec<String>) -> Self {
        Manifest {
            model: MODEL_VERSION.to_string(),
            versions: versions(),
            scenario,
            method: "exact".to_string(),
            seed: None,
            runs: None,
            command_line: std::env::args().collect(),
            files,
            shard: None,
            sweep: None,
        }
    }

    /// Pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest always serialises");
        s.push('\n');
        s
    }
}
