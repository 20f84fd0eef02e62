//! manifest.json: the provenance of a result: what produced it, from which
//! scenario bytes, with which seed and which versions of the crates the
//! numbers depend on.

use serde::Serialize;
use sha2::{Digest, Sha256};

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
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ScenarioSource {
    /// The scenario's name.
    pub name: String,
    /// The path as given, or `built-in:<name>` for a compiled-in scenario.
    pub path: String,
    /// SHA-256 of the file's bytes, in hex.
    pub sha256: String,
    /// Changes applied to the file (`--set PATH=VALUE`), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
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

/// The contents of manifest.json.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Version of the model contract implemented.
    pub model: &'static str,
    /// Crate versions (see [`VERSIONS`]).
    pub versions: std::collections::BTreeMap<&'static str, &'static str>,
    /// The scenario.
    pub scenario: ScenarioSource,
    /// How the numbers were obtained: `monte-carlo` (a batch of runs) or
    /// `exact` (the exact solver: no seed, no runs).
    pub method: &'static str,
    /// Master seed (absent for exact answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Runs in the batch (absent for exact answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<u64>,
    /// The command line, word by word.
    pub command_line: Vec<String>,
    /// The files written next to this manifest.
    pub files: Vec<String>,
}

impl Manifest {
    /// A manifest for a batch.
    pub fn new(scenario: ScenarioSource, seed: u64, runs: u64, files: Vec<String>) -> Self {
        Manifest {
            method: "monte-carlo",
            seed: Some(seed),
            runs: Some(runs),
            ..Manifest::exact(scenario, files)
        }
    }

    /// A manifest for exact answers (`ceasefire exact`).
    pub fn exact(scenario: ScenarioSource, files: Vec<String>) -> Self {
        Manifest {
            model: "1",
            versions: VERSIONS.into_iter().collect(),
            scenario,
            method: "exact",
            seed: None,
            runs: None,
            command_line: std::env::args().collect(),
            files,
        }
    }

    /// Pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest always serialises");
        s.push('\n');
        s
    }
}
