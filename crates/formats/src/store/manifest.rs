//! manifest.json: the provenance of a result: what produced it, from which
//! scenario bytes, with which seed and which versions of the crates the
//! numbers depend on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::Shard;

/// The crates the random numbers depend on, at the exact versions
/// Cargo.toml pins (`=x.y.z`) and Cargo.lock resolves; a test keeps these
/// equal to Cargo.lock, so a manifest never names a version that did not
/// produce its numbers.
pub const PINNED: [(&str, &str); 4] = [
    ("rand", "0.10.3"),
    ("rand_chacha", "0.10.0"),
    ("rand_core", "0.10.1"),
    ("statrs", "0.19.1"),
];

/// Where a scenario came from and a hash of its exact bytes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ScenarioSource {
    /// The scenario's name.
    pub name: String,
    /// The path as given, or `built-in:<name>` for a compiled-in scenario.
    pub path: String,
    /// SHA-256 of the file's bytes, in hex.
    #[doc(hidden)]
    pub sha256: String,
    /// Changes applied to the file (`--set PATH=VALUE`), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
}

impl ScenarioSource {
    /// Describes scenario text read from `path`.
    #[doc(hidden)]
    pub fn new(name: &str, path: &str, text: &str) -> Self {
        ScenarioSource {
            name: name.to_string(),
            path: path.to_string(),
            sha256: super::digest::sha256_hex(text.as_bytes()),
            changes: Vec::new(),
        }
    }
}

/// Version of the model contract implemented (shared/MODEL.md).
pub const MODEL_VERSION: &str = "2";

/// This crate's version, the version of its use of the random streams
/// ([`crate::model::STREAM_VERSION`], as `ceasefire-streams`) and the
/// [`PINNED`] ones, as manifests and checkpoints record them: `merge` and
/// `--resume` refuse to mix results whose versions differ.
pub fn versions() -> BTreeMap<String, String> {
    std::iter::once(("ceasefire", env!("CARGO_PKG_VERSION")))
        .chain(std::iter::once((
            "ceasefire-streams",
            crate::model::STREAM_VERSION,
        )))
        .chain(PINNED)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The contents of manifest.json. It is read back by `merge`, which checks
/// that shards agree on everything their bytes depend on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Version of the model contract implemented.
    #[doc(hidden)]
    pub model: String,
    /// Crate versions (see [`versions`]).
    #[doc(hidden)]
    pub versions: BTreeMap<String, String>,
    /// The scenario.
    #[doc(hidden)]
    pub scenario: ScenarioSource,
    /// How the numbers were obtained: `monte-carlo` (a batch of runs) or
    /// `exact` (the exact solver: no seed, no runs).
    #[doc(hidden)]
    pub method: String,
    /// Master seed (absent for exact answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[doc(hidden)]
    pub seed: Option<u64>,
    /// Runs in the batch (absent for exact answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[doc(hidden)]
    pub runs: Option<u64>,
    /// The command line, word by word.
    #[doc(hidden)]
    pub command_line: Vec<String>,
    /// The files written next to this manifest (manifest.json last). The
    /// next job that writes the directory removes those it does not write
    /// again, and only those.
    #[doc(hidden)]
    pub files: Vec<String>,
    /// SHA-256 of every file of `files` but manifest.json, in hex, by name:
    /// `ceasefire verify` checks the directory against it, and `merge`
    /// checks every shard before reading it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[doc(hidden)]
    pub sha256: BTreeMap<String, String>,
    /// For a shard of a batch (`run --shard K/N`): which shard and which
    /// runs. Absent for a whole batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[doc(hidden)]
    pub shard: Option<ShardRecord>,
    /// For a shard of a sweep (`sweep --shard K/N`): the sweep's design, so
    /// that `merge` can rebuild its points. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[doc(hidden)]
    pub sweep: Option<SweepRecord>,
    /// Every warning the command gave (about the scenario or the result),
    /// so that a result never travels without them. Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The design of a sweep, as its manifest and the keys of its checkpoints
/// record it; a shard of it also records every point.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SweepRecord {
    /// Every varied parameter as given (`PATH=LO:HI:STEPS`), or the paths
    /// of a design file, in order.
    pub(crate) vary: Vec<String>,
    /// The design: `grid`, `lhs:N`, `saltelli:N`, `morris:R:P` or
    /// `file:NAME`.
    pub(crate) design: String,
    /// For a shard: the varied paths, in column order, so that `merge`
    /// rebuilds the points from what the shard ran, not from how it was
    /// asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[doc(hidden)]
    pub paths: Vec<String>,
    /// For a shard: the words of each categorical path (`null` for a
    /// numeric one); absent when no path is categorical.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[doc(hidden)]
    pub labels: Vec<Option<Vec<String>>>,
    /// For a shard: every point's values, in point order (a categorical
    /// path's value is the position of its word).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[doc(hidden)]
    pub points: Vec<Vec<f64>>,
}

impl SweepRecord {
    /// The design `design` of the parameters `vary`, without its points.
    #[doc(hidden)]
    pub fn new(vary: Vec<String>, design: String) -> Self {
        SweepRecord {
            vary,
            design,
            paths: Vec::new(),
            labels: Vec::new(),
            points: Vec::new(),
        }
    }

    /// This record with the points a shard ran: their `paths`, the words
    /// of categorical ones (`labels`) and every point's `values`.
    #[doc(hidden)]
    pub fn with_points(
        mut self,
        paths: &[impl ToString],
        labels: &[Option<Vec<String>>],
        values: Vec<Vec<f64>>,
    ) -> Self {
        self.paths = paths.iter().map(ToString::to_string).collect();
        self.labels = if labels.iter().all(Option::is_none) {
            Vec::new()
        } else {
            labels.to_vec()
        };
        self.points = values;
        self
    }
}

/// Which part of a batch a shard holds.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShardRecord {
    /// K of `K/N` (1-based).
    pub(crate) index: u64,
    /// N of `K/N`.
    pub(crate) count: u64,
    /// First run of the shard.
    pub first_run: u64,
    /// One past its last run.
    pub end_run: u64,
}

impl ShardRecord {
    /// Shard `shard` of a batch of `runs` runs.
    #[doc(hidden)]
    pub fn new(shard: Shard, runs: u64) -> Self {
        let r = shard.runs(runs);
        ShardRecord {
            index: shard.index(),
            count: shard.count(),
            first_run: r.start,
            end_run: r.end,
        }
    }

    /// Its runs.
    pub(crate) fn runs(&self) -> std::ops::Range<u64> {
        self.first_run..self.end_run
    }
}

/// `method` of a batch of runs.
pub(crate) const MONTE_CARLO: &str = "monte-carlo";

impl Manifest {
    /// A manifest for a batch of `runs` runs under master seed `seed`,
    /// made by `command_line` (word by word); its `files` are filled in by
    /// whoever writes the directory.
    #[doc(hidden)]
    pub fn monte_carlo(
        scenario: ScenarioSource,
        seed: u64,
        runs: u64,
        command_line: &[String],
    ) -> Self {
        Manifest {
            method: MONTE_CARLO.to_string(),
            seed: Some(seed),
            runs: Some(runs),
            ..Manifest::exact(scenario, command_line)
        }
    }

    /// A manifest for exact answers (`ceasefire exact`).
    #[doc(hidden)]
    pub fn exact(scenario: ScenarioSource, command_line: &[String]) -> Self {
        Manifest {
            model: MODEL_VERSION.to_string(),
            versions: versions(),
            scenario,
            method: "exact".to_string(),
            seed: None,
            runs: None,
            command_line: command_line.to_vec(),
            files: Vec::new(),
            sha256: BTreeMap::new(),
            shard: None,
            sweep: None,
            warnings: Vec::new(),
        }
    }

    /// Pretty-printed JSON with a trailing newline.
    #[doc(hidden)]
    pub fn to_json(&self) -> String {
        pretty_json(self)
    }
}

/// A kind of manifest.json: whoever writes the directory lists its files
/// (manifest.json last) and their digests, then writes its JSON.
#[doc(hidden)]
pub trait ManifestFile: Serialize {
    /// Sets the files written next to it and the SHA-256 of each.
    fn list(&mut self, files: Vec<String>, sha256: BTreeMap<String, String>);

    /// Pretty-printed JSON with a trailing newline.
    fn json(&self) -> String {
        pretty_json(self)
    }
}

impl ManifestFile for Manifest {
    fn list(&mut self, files: Vec<String>, sha256: BTreeMap<String, String>) {
        (self.files, self.sha256) = (files, sha256);
    }
}

#[cfg(feature = "fit")]
impl ManifestFile for FitManifest {
    fn list(&mut self, files: Vec<String>, sha256: BTreeMap<String, String>) {
        (self.files, self.sha256) = (files, sha256);
    }
}

/// `manifest` as pretty-printed JSON with a trailing newline.
fn pretty_json(manifest: &(impl Serialize + ?Sized)) -> String {
    let mut s = serde_json::to_string_pretty(manifest).expect("a manifest always serialises");
    s.push('\n');
    s
}

/// The counts file a fit read.
#[cfg(feature = "fit")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[doc(hidden)]
pub struct InputFile {
    /// The path as given.
    #[doc(hidden)]
    pub path: String,
    /// SHA-256 of its bytes, in hex.
    #[doc(hidden)]
    pub sha256: String,
}

#[cfg(feature = "fit")]
impl InputFile {
    /// Describes `bytes` read from `path`.
    #[doc(hidden)]
    pub fn new(path: &str, bytes: &[u8]) -> Self {
        InputFile {
            path: path.to_string(),
            sha256: super::digest::sha256_hex(bytes),
        }
    }
}

/// manifest.json of a fit. Like a run's [`Manifest`] (model version,
/// pinned versions, command line, files), but its input is a counts file,
/// not a scenario, and it records the fit's options and notes.
#[cfg(feature = "fit")]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[doc(hidden)]
pub struct FitManifest {
    /// Version of the model contract.
    pub(crate) model: String,
    /// Crate versions the numbers depend on.
    pub(crate) versions: BTreeMap<String, String>,
    /// Always `maximum-likelihood`.
    pub(crate) method: String,
    /// The counts file.
    pub(crate) input: InputFile,
    /// The options as given.
    pub(crate) options: BTreeMap<String, String>,
    /// Master seed (PIT draws, bootstrap, predictive runs).
    pub(crate) seed: u64,
    /// The command line, word by word.
    pub(crate) command_line: Vec<String>,
    /// The files written next to this manifest.
    pub(crate) files: Vec<String>,
    /// SHA-256 of every file of `files` but manifest.json, by name
    /// (`ceasefire verify`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) sha256: BTreeMap<String, String>,
    /// Warnings about the fit.
    #[doc(hidden)]
    pub warnings: Vec<String>,
    /// What the numbers mean and what was left out.
    #[doc(hidden)]
    pub notes: Vec<String>,
}

#[cfg(feature = "fit")]
impl FitManifest {
    /// A fit's manifest for `input` fitted with `options` under master
    /// seed `seed`; its `files` and `sha256` are filled in by whoever
    /// writes the directory ([`ManifestFile::list`]).
    #[doc(hidden)]
    pub fn maximum_likelihood(
        input: InputFile,
        options: BTreeMap<String, String>,
        seed: u64,
        command_line: Vec<String>,
    ) -> Self {
        FitManifest {
            model: MODEL_VERSION.into(),
            versions: versions(),
            method: "maximum-likelihood".into(),
            input,
            options,
            seed,
            command_line,
            files: Vec::new(),
            sha256: BTreeMap::new(),
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PINNED;

    /// The crate whose ChaCha8 generator makes the engine's per-run streams,
    /// at the version Cargo.toml pins and Cargo.lock resolves (checked
    /// below). Its words are rand_chacha's, word for word (a test of
    /// `engine::streams` compares them), so the numbers still depend
    /// on rand_chacha's definition of the stream, which [`PINNED`] records; a
    /// manifest does not name it, and its bytes stay what they were. A test
    /// keeps it on the pinned rand_core.
    const STREAM_CRATE: (&str, &str) = ("chacha20", "0.10.2");

    /// Every version Cargo.lock resolves for `krate`.
    fn locked(lock: &toml::Table, krate: &str) -> Vec<String> {
        lock["package"]
            .as_array()
            .expect("Cargo.lock has packages")
            .iter()
            .filter(|p| p["name"].as_str() == Some(krate))
            .map(|p| p["version"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn pinned_versions_are_those_of_cargo_lock() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock"))
                .expect("Cargo.lock is next to Cargo.toml");
        let lock: toml::Table = text.parse().expect("Cargo.lock is TOML");
        for (krate, version) in PINNED.iter().chain([&STREAM_CRATE]) {
            assert!(
                locked(&lock, krate).contains(&version.to_string()),
                "{krate}: PINNED says {version}, which Cargo.lock does not resolve"
            );
        }
        // rand, rand_chacha, statrs and the stream crate share the pinned
        // rand_core (another crate may bring its own copy, which no stream of
        // ours touches).
        let rand_core = PINNED.iter().find(|(k, _)| *k == "rand_core").unwrap().1;
        let on_rand_core = PINNED.iter().filter(|(k, _)| *k != "rand_core");
        for (krate, version) in on_rand_core.chain([&STREAM_CRATE]) {
            let deps: Vec<String> = lock["package"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| {
                    p["name"].as_str() == Some(krate) && p["version"].as_str() == Some(version)
                })
                .flat_map(|p| {
                    p.get("dependencies")
                        .and_then(|d| d.as_array())
                        .cloned()
                        .unwrap_or_default()
                })
                .filter_map(|d| d.as_str().map(String::from))
                .filter(|d| d.starts_with("rand_core"))
                .collect();
            assert!(
                deps.iter()
                    .all(|d| d == "rand_core" || d == &format!("rand_core {rand_core}")),
                "{krate} {version} depends on {deps:?}, not rand_core {rand_core}"
            );
        }
    }
}
