//! Checkpoints: a batch that is killed half-way loses at most its last
//! moments of work.
//!
//! While a batch runs, its runs.csv grows under a temporary name (see
//! [`StagedDir`]). When the [`CheckpointPolicy`] says so, at the end of a
//! block of runs (the engine tells its observers), the rows so far are
//! flushed and synced, and a checkpoint is written next to them by write,
//! fsync and rename: the [`BatchKey`] of the batch, the next run to
//! simulate, the durable length of runs.csv and the integer [`Tally`] of the
//! runs before it. A later `--resume` of the same
//! command checks the key, cuts runs.csv back to that length (rows written
//! after the checkpoint are simulated again) and goes on from that run.
//! Because the tally is exact integers and every run depends only on
//! `(seed, run)`, the finished files are byte-identical to those of a batch
//! that was never interrupted, whatever the moment of the kill.
//!
//! Which blocks end in a checkpoint depends on the policy (and, with a time
//! interval, on the clock), but no output does.
//!
//! A sweep checkpoints by point instead ([`PointCheckpoints`]): each
//! completed point's tally is written on its own, under the same kind of
//! key extended with the sweep's design and the point, and a resumed sweep
//! runs only the points that have none.

use std::collections::BTreeMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::layout::{CHECKPOINT_FILE, SWEEP_CHECKPOINT_DIR};
use super::manifest::{MODEL_VERSION, ScenarioSource, SweepRecord, versions};
use super::staged::{OutputError, StagedDir, replace_durably, sync_dir};
use crate::Scenario;
use crate::engine::{Shard, Tally, TallyMismatch};

/// When a batch writes a checkpoint: at the end of a block of runs, once
/// enough runs or enough time have passed since the last one (whichever
/// comes first). A value, so that tests and callers choose it; no output
/// depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointPolicy {
    /// At least this many runs since the last checkpoint (`None`: no limit).
    pub every_runs: Option<u64>,
    /// At least this much time since the last checkpoint (`None`: no limit).
    pub every: Option<Duration>,
    /// For tests of crash safety: abort the process, as a kill would (no
    /// clean-up of any kind), right after writing this many checkpoints.
    pub abort_after: Option<u32>,
}

impl CheckpointPolicy {
    /// Least time between two checkpoints by default. A checkpoint costs two
    /// fsyncs and a copy of the tally (a few tens of kB for the reference
    /// scenarios; more for long horizons), so writing one after every block
    /// would slow small scenarios down; a kill loses at most this much work
    /// plus one block.
    pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(500);

    /// Every `runs` runs (rounded up to whole blocks), whatever the clock.
    pub fn every_runs(runs: u64) -> Self {
        CheckpointPolicy {
            every_runs: Some(runs),
            every: None,
            abort_after: None,
        }
    }

    /// Never (a batch that is not worth resuming).
    pub fn never() -> Self {
        CheckpointPolicy {
            every_runs: None,
            every: None,
            abort_after: None,
        }
    }
}

impl Default for CheckpointPolicy {
    /// Every [`CheckpointPolicy::DEFAULT_INTERVAL`].
    fn default() -> Self {
        CheckpointPolicy {
            every_runs: None,
            every: Some(Self::DEFAULT_INTERVAL),
            abort_after: None,
        }
    }
}

/// Format of the checkpoint file; a checkpoint of another format is refused.
const CHECKPOINT_FORMAT: u32 = 1;

/// Everything the bytes of a batch's outputs depend on. Two commands with
/// the same key write the same bytes, so one may finish what the other
/// began.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchKey {
    /// Version of the model contract.
    pub model: String,
    /// Versions of the crates the numbers depend on.
    pub versions: BTreeMap<String, String>,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_sha256: String,
    /// Changes applied to the scenario (`--set PATH=VALUE`), in order.
    pub changes: Vec<String>,
    /// Master seed.
    pub seed: u64,
    /// Runs of the whole batch.
    pub runs: u64,
    /// The shard, if the batch is split.
    pub shard: Option<Shard>,
    /// The design, if the batch is a sweep.
    #[serde(default)]
    pub sweep: Option<SweepRecord>,
    /// The point of the sweep, for the checkpoint of one point.
    #[serde(default)]
    pub point: Option<PointKey>,
}

/// One point of a sweep, as its checkpoint records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointKey {
    /// Index of the point in the sweep (0-based, in point order).
    pub index: usize,
    /// The point's values of the varied paths, in `--vary` order, as
    /// shortest round-trip decimals (so that equal strings mean equal
    /// values).
    pub values: Vec<String>,
}

impl PointKey {
    /// The key of point `index` with `values`.
    pub fn new(index: usize, values: &[f64]) -> Self {
        PointKey {
            index,
            values: values.iter().map(ToString::to_string).collect(),
        }
    }
}

impl std::fmt::Display for PointKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.index, self.values.join(", "))
    }
}

impl BatchKey {
    /// The key of a batch (or of shard `shard` of it) run by this binary.
    pub fn new(source: &ScenarioSource, seed: u64, runs: u64, shard: Option<Shard>) -> Self {
        BatchKey {
            model: MODEL_VERSION.to_string(),
            versions: versions(),
            scenario_sha256: source.sha256.clone(),
            changes: source.changes.clone(),
            seed,
            runs,
            shard,
            sweep: None,
            point: None,
        }
    }

    /// The runs this batch (or shard) simulates.
    pub fn range(&self) -> Range<u64> {
        self.shard.unwrap_or_else(Shard::whole).runs(self.runs)
    }

    /// What differs between `self` and `other`, in words (`self`'s value
    /// first): `seed 7 ≠ 8`.
    pub fn differences(&self, other: &BatchKey) -> Vec<String> {
        let now = other;
        let mut d = Vec::new();
        let mut differ = |what: &str, a: String, b: String| {
            if a != b {
                d.push(format!("{what} {a} ≠ {b}"));
            }
        };
        differ("model", self.model.clone(), now.model.clone());
        differ(
            "versions",
            format!("{:?}", self.versions),
            format!("{:?}", now.versions),
        );
        differ(
            "scenario sha256",
            self.scenario_sha256.clone(),
            now.scenario_sha256.clone(),
        );
        differ(
            "--set changes",
            format!("{:?}", self.changes),
            format!("{:?}", now.changes),
        );
        differ("seed", self.seed.to_string(), now.seed.to_string());
        differ("runs", self.runs.to_string(), now.runs.to_string());
        let shard = |s: Option<Shard>| s.map_or("none".to_string(), |s| s.to_string());
        differ("shard", shard(self.shard), shard(now.shard));
        let sweep = |s: &Option<SweepRecord>| {
            s.as_ref()
                .map_or("none".to_string(), |s| format!("{} {:?}", s.design, s.vary))
        };
        differ("sweep", sweep(&self.sweep), sweep(&now.sweep));
        let point = |p: &Option<PointKey>| p.as_ref().map_or("none".to_string(), |p| p.to_string());
        differ("point", point(&self.point), point(&now.point));
        d
    }
}

/// The contents of the checkpoint file. Generic so that it is written
/// from references and read into owned values.
#[derive(Debug, Serialize, Deserialize)]
struct Checkpoint<K, T> {
    format: u32,
    key: K,
    /// The first run not yet in runs.csv.
    next_run: u64,
    /// Length of runs.csv (header included) holding every run before.
    runs_csv_bytes: u64,
    /// Tally of every run before `next_run`.
    tally: T,
}

/// A checkpoint as read back.
type OwnedCheckpoint = Checkpoint<BatchKey, Tally>;

/// Why a batch could not be run or resumed.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// A file could not be written or reopened.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The checkpoint file cannot be read.
    #[error(
        "{path}: not a readable checkpoint ({reason}); remove it, or run without --resume to start again"
    )]
    Unreadable {
        /// The checkpoint file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The checkpoint belongs to another batch.
    #[error(
        "{path}: the checkpoint belongs to another batch (checkpoint ≠ this command: {}); resume with the same scenario, --set, --seed, --runs and --shard (and, for a sweep, --vary, --design and --points), or run without --resume to start again",
        differences.join("; ")
    )]
    Foreign {
        /// The checkpoint file.
        path: String,
        /// What differs, in words.
        differences: Vec<String>,
    },
}

/// Where a resumed batch starts: the checkpoint's next run, the durable
/// length of its runs.csv and the tally of every run before.
#[derive(Debug)]
pub struct Resumed {
    /// The first run not yet in runs.csv.
    pub next_run: u64,
    /// Length of runs.csv (header included) holding every run before.
    pub runs_csv_bytes: u64,
    /// Tally of every run before `next_run`.
    pub tally: Tally,
}

/// Writes the checkpoints of one batch into its output directory, as its
/// [`CheckpointPolicy`] asks.
#[derive(Debug)]
pub struct Checkpointer {
    path: PathBuf,
    key: BatchKey,
    policy: CheckpointPolicy,
    last_time: Instant,
    last_run: u64,
    saved: u32,
}

impl Checkpointer {
    /// Prepares the checkpoints of the batch of `key` in `staged`. With
    /// `resume`, reads and checks the checkpoint in the directory, if any,
    /// and returns where to resume; without it, any earlier checkpoint is
    /// discarded. The checkpoint is registered as a scratch file of
    /// `staged`, so that committing the directory removes it before the
    /// outputs appear.
    pub fn open(
        staged: &mut StagedDir,
        key: &BatchKey,
        scenario: &Scenario,
        resume: bool,
        policy: CheckpointPolicy,
    ) -> Result<(Self, Option<Resumed>), CheckpointError> {
        let path = staged.dir().join(CHECKPOINT_FILE);
        // Validate before registering anything with `staged`: a refused
        // resume must not remove the checkpoint or the rows it describes.
        let found = if resume {
            load(&path, key, scenario)?
        } else {
            None
        };
        staged.scratch(CHECKPOINT_FILE);
        if found.is_none() {
            remove_stale(&path)?;
        }
        let resumed = found.map(|c| Resumed {
            next_run: c.next_run,
            runs_csv_bytes: c.runs_csv_bytes,
            tally: c.tally,
        });
        let last_run = resumed.as_ref().map_or(key.range().start, |r| r.next_run);
        let checkpointer = Checkpointer {
            path,
            key: key.clone(),
            policy,
            last_time: Instant::now(),
            last_run,
            saved: 0,
        };
        Ok((checkpointer, resumed))
    }

    /// Whether the policy asks for a checkpoint now that every run before
    /// `next_run` is done. Never at the end of the batch, which commits
    /// instead.
    pub fn due(&self, next_run: u64) -> bool {
        let p = self.policy;
        next_run < self.key.range().end
            && (p.every_runs.is_some_and(|n| next_run - self.last_run >= n)
                || p.every.is_some_and(|t| self.last_time.elapsed() >= t))
    }

    /// Durably records that every run before `next_run` is in `tally` and in
    /// the first `runs_csv_bytes` bytes of runs.csv (which the caller has
    /// synced).
    pub fn save(
        &mut self,
        next_run: u64,
        runs_csv_bytes: u64,
        tally: &Tally,
    ) -> Result<(), OutputError> {
        let c = Checkpoint {
            format: CHECKPOINT_FORMAT,
            key: &self.key,
            next_run,
            runs_csv_bytes,
            tally,
        };
        let bytes = serde_json::to_vec(&c).expect("a checkpoint always serialises");
        replace_durably(&self.path, &bytes)?;
        self.last_time = Instant::now();
        self.last_run = next_run;
        self.saved += 1;
        if self.policy.abort_after == Some(self.saved) {
            std::process::abort();
        }
        Ok(())
    }

    /// The checkpoint file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Removes the checkpoint of an earlier batch that is not being resumed, so
/// that a later `--resume` cannot pick it up with rows it does not describe.
fn remove_stale(path: &Path) -> Result<(), OutputError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(OutputError::new(path, e)),
        _ => Ok(()),
    }
}

/// Reads the checkpoint at `path`, if any, and checks that it belongs to
/// the batch of `key`.
fn load(
    path: &Path,
    key: &BatchKey,
    scenario: &Scenario,
) -> Result<Option<OwnedCheckpoint>, CheckpointError> {
    let Some(c) = read_checked(path, key, |c: &OwnedCheckpoint| &c.key)? else {
        return Ok(None);
    };
    let range = key.range();
    if !(range.start..=range.end).contains(&c.next_run) {
        return Err(unreadable(
            path,
            format!(
                "next run {} is outside the batch's runs {}..{}",
                c.next_run, range.start, range.end
            ),
        ));
    }
    c.tally
        .check_fits(scenario, c.next_run - range.start)
        .map_err(|e: TallyMismatch| unreadable(path, format!("its tally does not fit: {e}")))?;
    Ok(Some(c))
}

fn unreadable(path: &Path, reason: String) -> CheckpointError {
    CheckpointError::Unreadable {
        path: path.display().to_string(),
        reason,
    }
}

/// Reads the checkpoint (of any kind) at `path`, if there is one, checking
/// its format and that its key (`key_of`) is `key`.
fn read_checked<C: DeserializeOwned>(
    path: &Path,
    key: &BatchKey,
    key_of: impl Fn(&C) -> &BatchKey,
) -> Result<Option<C>, CheckpointError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(OutputError::new(path, e).into()),
    };
    // The format first, so that a future format is named as such.
    #[derive(Deserialize)]
    struct Format {
        format: u32,
    }
    let format: Format =
        serde_json::from_slice(&bytes).map_err(|e| unreadable(path, e.to_string()))?;
    if format.format != CHECKPOINT_FORMAT {
        return Err(unreadable(
            path,
            format!(
                "format {}, this version reads format {CHECKPOINT_FORMAT}",
                format.format
            ),
        ));
    }
    let c: C = serde_json::from_slice(&bytes).map_err(|e| unreadable(path, e.to_string()))?;
    let differences = key_of(&c).differences(key);
    if !differences.is_empty() {
        return Err(CheckpointError::Foreign {
            path: path.display().to_string(),
            differences,
        });
    }
    Ok(Some(c))
}

/// The checkpoint of one completed point of a sweep: its key (with
/// [`BatchKey::point`] set) and the integer tally of its runs (of the
/// shard's runs, for a shard). Generic so that it is written from
/// references and read into owned values.
#[derive(Debug, Serialize, Deserialize)]
struct PointCheckpoint<K, T> {
    format: u32,
    key: K,
    tally: T,
}

/// The checkpoints of a sweep's completed points, in
/// [`SWEEP_CHECKPOINT_DIR`]: a point's integer tally is written (write,
/// fsync, rename) as soon as the point is done, so a killed sweep loses at
/// most the points it was running. Every point depends only on its
/// scenario and `(seed, run)`, so a resumed sweep writes the bytes of one
/// that never stopped.
#[derive(Debug)]
pub struct PointCheckpoints {
    dir: PathBuf,
    /// For tests of crash safety: abort after this many checkpoints (see
    /// [`CheckpointPolicy::abort_after`]).
    abort_after: Option<u32>,
    saved: std::sync::atomic::AtomicU32,
}

impl PointCheckpoints {
    /// Prepares the checkpoints of the points of `keys` (one key per point,
    /// with [`BatchKey::point`] set; `scenarios` in the same order) in
    /// `staged`, and returns the tallies of the points already done. With
    /// `resume`, every checkpoint in the directory is read and checked
    /// first (a checkpoint of another sweep is refused and left as it is);
    /// without it, or without checkpoints, every point is to be run and any
    /// earlier checkpoint is discarded. The directory is registered as
    /// scratch of `staged`, so committing the outputs removes it.
    pub fn open(
        staged: &mut StagedDir,
        keys: &[BatchKey],
        scenarios: &[&Scenario],
        resume: bool,
        abort_after: Option<u32>,
    ) -> Result<(Self, Vec<Option<Tally>>), CheckpointError> {
        let dir = staged.dir().join(SWEEP_CHECKPOINT_DIR);
        // Validate before registering the directory with `staged`: a
        // refused resume must not remove it.
        let done = if resume {
            load_points(&dir, keys, scenarios)?
        } else {
            vec![None; keys.len()]
        };
        staged.scratch_dir(SWEEP_CHECKPOINT_DIR);
        if !resume {
            match fs::remove_dir_all(&dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(OutputError::new(&dir, e).into());
                }
                _ => {}
            }
        }
        fs::create_dir_all(&dir).map_err(|e| OutputError::new(&dir, e))?;
        sync_dir(staged.dir())?;
        let checkpoints = PointCheckpoints {
            dir,
            abort_after,
            saved: Default::default(),
        };
        Ok((checkpoints, done))
    }

    /// Durably records `tally` as the tally of the point of `key`.
    pub fn save(&self, key: &BatchKey, tally: &Tally) -> Result<(), CheckpointError> {
        let index = key.point.as_ref().map_or(0, |p| p.index);
        let c = PointCheckpoint {
            format: CHECKPOINT_FORMAT,
            key,
            tally,
        };
        let bytes = serde_json::to_vec(&c).expect("a checkpoint always serialises");
        replace_durably(&self.dir.join(point_file(index)), &bytes)?;
        let saved = 1 + self.saved.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if self.abort_after == Some(saved) {
            std::process::abort();
        }
        Ok(())
    }
}

/// The checkpoint file of point `index`.
fn point_file(index: usize) -> String {
    format!("point-{index}.json")
}

/// Reads and checks every point checkpoint in `dir` (none if it does not
/// exist), in point order.
fn load_points(
    dir: &Path,
    keys: &[BatchKey],
    scenarios: &[&Scenario],
) -> Result<Vec<Option<Tally>>, CheckpointError> {
    let mut done = vec![None; keys.len()];
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(done),
        Err(e) => return Err(OutputError::new(dir, e).into()),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| OutputError::new(dir, e))?;
        let name = entry.file_name();
        // Anything else (a temporary file of a write cut short) is ignored.
        let index = name
            .to_str()
            .and_then(|n| n.strip_prefix("point-")?.strip_suffix(".json"))
            .and_then(|i| i.parse::<usize>().ok());
        if let Some(index) = index {
            found.push((index, entry.path()));
        }
    }
    found.sort();
    for (index, path) in found {
        // A point beyond this sweep's is checked against the last point, so
        // that the error names how the sweeps differ.
        let (Some(key), Some(sc)) = (
            keys.get(index).or(keys.last()),
            scenarios.get(index).or(scenarios.last()),
        ) else {
            continue;
        };
        let c: PointCheckpoint<BatchKey, Tally> =
            read_checked(&path, key, |c: &PointCheckpoint<BatchKey, Tally>| &c.key)?
                .ok_or_else(|| unreadable(&path, "it vanished while being read".into()))?;
        let range = key.range();
        c.tally
            .check_fits(sc, range.end - range.start)
            .map_err(|e: TallyMismatch| {
                unreadable(&path, format!("its tally does not fit: {e}"))
            })?;
        if let Some(slot) = done.get_mut(index) {
            *slot = Some(c.tally);
        }
    }
    Ok(done)
}
