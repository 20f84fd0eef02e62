//! Checkpoints: a batch that is killed half-way loses at most its last
//! moments of work.
//!
//! While a batch runs, its runs.csv grows under a temporary name (see
//! `StagedDir`). When the [`CheckpointPolicy`] says so, at the end of a
//! block of runs (the engine tells its observers), the rows so far are
//! flushed and synced, and a checkpoint is written next to them by write,
//! fsync and rename: the `BatchKey` of the batch, the next run to
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
//! A sweep checkpoints by point instead (`PointCheckpoints`): each
//! completed point's tally is written on its own, under the same kind of
//! key extended with the sweep's design and the point, and a resumed sweep
//! runs only the points that have none.

use crate::options::Opt;
use std::collections::BTreeMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::consistency::{Failed, Verify};
use super::digest::{sha256_file, sha256_hex};
use super::fsio::{OutputError, replace_durably, sync_dir};
use super::manifest::{MODEL_VERSION, ScenarioSource, SweepRecord, versions};
use super::staged::StagedDir;
use crate::engine::{self, Batch, ObserverError, Shard, Tally, TallyMismatch};
use crate::layout::{CHECKPOINT_FILE, ResultFile, SWEEP_CHECKPOINT_DIR};
use crate::scenario::Scenario;

/// When a batch writes a checkpoint: at the end of a block of runs, once
/// enough runs or enough time have passed since the last one (whichever
/// comes first). A value, so that tests and callers choose it; no output
/// depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointPolicy {
    /// At least this many runs since the last checkpoint (`None`: no limit).
    pub(crate) every_runs: Option<u64>,
    /// At least this much time since the last checkpoint (`None`: no limit).
    pub(crate) every: Option<Duration>,
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
    pub(crate) const DEFAULT_INTERVAL: Duration = Duration::from_millis(500);

    /// Every `runs` runs (rounded up to whole blocks), whatever the clock.
    pub fn every_runs(runs: u64) -> Self {
        CheckpointPolicy {
            every_runs: Some(runs),
            every: None,
            abort_after: None,
        }
    }
}

impl Default for CheckpointPolicy {
    /// Every `CheckpointPolicy::DEFAULT_INTERVAL`.
    fn default() -> Self {
        CheckpointPolicy {
            every_runs: None,
            every: Some(Self::DEFAULT_INTERVAL),
            abort_after: None,
        }
    }
}

/// Format of the checkpoint file; a checkpoint of another format is refused.
/// Format 2 records the SHA-256 of every file a checkpoint consists of.
const CHECKPOINT_FORMAT: u32 = 2;

/// Everything the bytes of a batch's outputs depend on. Two commands with
/// the same key write the same bytes, so one may finish what the other
/// began.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[doc(hidden)]
pub struct BatchKey {
    /// Version of the model contract.
    #[doc(hidden)]
    pub model: String,
    /// Versions of the crates the numbers depend on.
    #[doc(hidden)]
    pub versions: BTreeMap<String, String>,
    /// SHA-256 of the scenario file's bytes.
    #[doc(hidden)]
    pub scenario_sha256: String,
    /// Changes applied to the scenario (`--set PATH=VALUE`), in order.
    #[doc(hidden)]
    pub changes: Vec<String>,
    /// Master seed.
    #[doc(hidden)]
    pub seed: u64,
    /// Runs of the whole batch.
    #[doc(hidden)]
    pub runs: u64,
    /// The shard, if the batch is split.
    #[doc(hidden)]
    pub shard: Option<Shard>,
    /// The design, if the batch is a sweep.
    #[serde(default)]
    #[doc(hidden)]
    pub sweep: Option<SweepRecord>,
    /// The point of the sweep, for the checkpoint of one point.
    #[serde(default)]
    #[doc(hidden)]
    pub point: Option<PointKey>,
}

/// One point of a sweep, as its checkpoint records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[doc(hidden)]
pub struct PointKey {
    /// Index of the point in the sweep (0-based, in point order).
    #[doc(hidden)]
    pub index: usize,
    /// The point's values of the varied paths, in `--vary` order, as
    /// shortest round-trip decimals (so that equal strings mean equal
    /// values).
    pub(crate) values: Vec<String>,
}

impl PointKey {
    /// The key of point `index` with `values`.
    #[doc(hidden)]
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
    #[doc(hidden)]
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
    #[doc(hidden)]
    pub fn range(&self) -> Range<u64> {
        self.shard.unwrap_or_else(Shard::whole).runs(self.runs)
    }

    /// What differs between `self` and `other`, in words (`self`'s value
    /// first): `seed 7 ≠ 8`.
    pub(crate) fn differences(&self, other: &BatchKey) -> Vec<String> {
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
            &format!("{} changes", Opt::Set),
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
    /// SHA-256 of those first `runs_csv_bytes` bytes of runs.csv.
    runs_csv_sha256: String,
    /// SHA-256 of `tally` as compact JSON.
    tally_sha256: String,
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
        "{path}: not a readable checkpoint ({reason}); remove it, or run without {} to start again",
        Opt::Resume
    )]
    Unreadable {
        /// The checkpoint file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A file of the checkpoint was changed, or does not hold what the
    /// batch's runs give.
    #[error(
        "{path}: {reason}; the checkpoint cannot be trusted: remove {checkpoint} (and the hidden .runs.csv.partial beside it), or run without {} to start again",
        Opt::Resume
    )]
    Inconsistent {
        /// The file at fault.
        path: String,
        /// What is wrong with it: the first mismatch.
        reason: String,
        /// The checkpoint file.
        checkpoint: String,
    },
    /// The checkpoint belongs to another batch.
    #[error(
        "{path}: the checkpoint belongs to another batch (checkpoint ≠ this command: {}); resume with the same scenario, {}, {}, {} and {} (and, for a sweep, {}, {} and {}), or run without {} to start again",
        differences.join("; "),
        Opt::Set,
        Opt::Seed,
        Opt::Runs,
        Opt::Shard,
        Opt::Vary,
        Opt::Design,
        Opt::Points,
        Opt::Resume
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
#[doc(hidden)]
pub struct Resumed {
    /// The first run not yet in runs.csv.
    #[doc(hidden)]
    pub next_run: u64,
    /// Length of runs.csv (header included) holding every run before.
    #[doc(hidden)]
    pub runs_csv_bytes: u64,
    /// Tally of every run before `next_run`.
    #[doc(hidden)]
    pub tally: Tally,
}

/// The name under which a batch's runs.csv grows until it is committed
/// ([`StagedDir::file`]'s temporary name for it).
fn partial_name() -> String {
    format!(".{}.partial", ResultFile::Runs.name())
}

#[doc(hidden)]
pub use crate::layout::{KEPT_CHECKPOINT, KEPT_PARTIAL};

/// Writes the checkpoints of one batch into its output directory, as its
/// [`CheckpointPolicy`] asks.
#[derive(Debug)]
#[doc(hidden)]
pub struct Checkpointer {
    path: PathBuf,
    key: BatchKey,
    policy: CheckpointPolicy,
    last_time: Instant,
    last_run: u64,
    saved: u32,
    /// An earlier checkpoint of this batch, kept until this run passes its
    /// next run (a run without `--resume` into a directory holding one).
    kept: Option<u64>,
    /// The next run of the last checkpoint written.
    durable: Option<u64>,
}

/// What [`Checkpointer::open`] found in the directory, for the user.
#[derive(Debug, Default)]
#[doc(hidden)]
pub struct Found {
    /// Where a resumed batch starts.
    #[doc(hidden)]
    pub resumed: Option<Resumed>,
    /// A checkpoint of this very batch left by an earlier run, which a run
    /// without `--resume` keeps (its next run) until it passes it.
    #[doc(hidden)]
    pub kept: Option<u64>,
}

/// A checkpoint file read back and fully checked, with the runs.csv it
/// describes.
struct Valid {
    checkpoint: OwnedCheckpoint,
    file: PathBuf,
    partial: PathBuf,
}

impl Checkpointer {
    /// Prepares the checkpoints of the batch of `key` in `staged`.
    ///
    /// With `resume`, reads and checks the checkpoint in the directory, if
    /// any, and returns where to resume. Every check comes before anything
    /// is changed, so a refused resume (another batch, a file edited or
    /// cut short) leaves the checkpoint and its runs.csv as they were.
    ///
    /// Without `resume`, a checkpoint of this same batch is not thrown
    /// away: it is kept aside (`.ceasefire-checkpoint.kept.json` with
    /// `.runs.csv.kept.partial`) until this run's own checkpoint passes it,
    /// so that killing the new run never loses the old progress; a later
    /// `--resume` continues from whichever is further. Any other checkpoint
    /// (of another batch, or damaged) is discarded, as before.
    ///
    /// The checkpoint is registered as a scratch file of `staged`, so that
    /// committing the directory removes it before the outputs appear.
    #[doc(hidden)]
    pub fn open(
        staged: &mut StagedDir,
        key: &BatchKey,
        scenario: &Scenario,
        resume: bool,
        policy: CheckpointPolicy,
    ) -> Result<(Self, Found), CheckpointError> {
        let dir = staged.dir().to_path_buf();
        let path = dir.join(CHECKPOINT_FILE);
        let batch = Batch::new(scenario, key.seed);
        let mut found = Found::default();
        if resume {
            // Validate before registering anything with `staged`: a refused
            // resume must not remove the checkpoint or the rows it describes.
            if let Some(best) = best_checkpoint(&dir, key, &batch, true)? {
                let c = adopt(&dir, best)?;
                found.resumed = Some(Resumed {
                    next_run: c.next_run,
                    runs_csv_bytes: c.runs_csv_bytes,
                    tally: c.tally,
                });
            }
        } else {
            found.kept = keep_aside(&dir, key, &batch)?;
        }
        staged.scratch(CHECKPOINT_FILE);
        if found.resumed.is_none() {
            remove_stale(&path)?;
        }
        let last_run = found
            .resumed
            .as_ref()
            .map_or(key.range().start, |r| r.next_run);
        let checkpointer = Checkpointer {
            path,
            key: key.clone(),
            policy,
            last_time: Instant::now(),
            last_run,
            saved: 0,
            kept: found.kept,
            durable: found.resumed.as_ref().map(|r| r.next_run),
        };
        Ok((checkpointer, found))
    }

    /// Whether the policy asks for a checkpoint now that every run before
    /// `next_run` is done. Never at the end of the batch, which commits
    /// instead.
    pub(crate) fn due(&self, next_run: u64) -> bool {
        let p = self.policy;
        next_run < self.key.range().end
            && (p.every_runs.is_some_and(|n| next_run - self.last_run >= n)
                || p.every.is_some_and(|t| self.last_time.elapsed() >= t))
    }

    /// Durably records that every run before `next_run` is in `tally` and in
    /// the first `runs_csv_bytes` bytes of runs.csv (which the caller has
    /// synced), with the SHA-256 of both. Once this passes a kept earlier
    /// checkpoint, the kept one is removed.
    fn save_at(
        &mut self,
        next_run: u64,
        runs_csv_bytes: u64,
        tally: &Tally,
    ) -> Result<(), OutputError> {
        let partial = self.dir().join(partial_name());
        let runs_csv_sha256 = sha256_file(&partial, Some(runs_csv_bytes))
            .map_err(|e| OutputError::new(&partial, e))?;
        let c = Checkpoint {
            format: CHECKPOINT_FORMAT,
            key: &self.key,
            next_run,
            runs_csv_bytes,
            runs_csv_sha256,
            tally_sha256: tally_digest(tally),
            tally,
        };
        let bytes = serde_json::to_vec(&c).expect("a checkpoint always serialises");
        replace_durably(&self.path, &bytes)?;
        self.last_time = Instant::now();
        self.last_run = next_run;
        self.durable = Some(next_run);
        self.saved += 1;
        if self.kept.is_some_and(|k| next_run >= k) {
            self.drop_kept()?;
        }
        if self.policy.abort_after == Some(self.saved) {
            std::process::abort();
        }
        Ok(())
    }

    /// Removes a kept earlier checkpoint: this run has passed it (or
    /// completed).
    #[doc(hidden)]
    pub fn drop_kept(&mut self) -> Result<(), OutputError> {
        if self.kept.take().is_some() {
            let dir = self.dir().to_path_buf();
            remove_stale(&dir.join(KEPT_CHECKPOINT))?;
            remove_stale(&dir.join(KEPT_PARTIAL))?;
            sync_dir(&dir)?;
        }
        Ok(())
    }

    /// The checkpoint a `--resume` would continue from now and its next
    /// run: this run's last one, or the kept earlier one if that is
    /// further. `None` if there is none.
    #[doc(hidden)]
    pub fn latest_file(&self) -> Option<(PathBuf, u64)> {
        let own = self.durable.map(|n| (self.path.clone(), n));
        let kept = self.kept.map(|n| (self.dir().join(KEPT_CHECKPOINT), n));
        match (own, kept) {
            (Some(a), Some(b)) => Some(if b.1 > a.1 { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// The executor's checkpoints of a batch: runs.csv has been synced (its
/// writer persisted) up to its current length, which the checkpoint
/// records.
impl engine::Checkpoint for Checkpointer {
    fn due(&self, next_run: u64) -> bool {
        Checkpointer::due(self, next_run)
    }

    fn save(&mut self, next_run: u64, tally: &Tally) -> Result<(), ObserverError> {
        let partial = self.dir().join(partial_name());
        let len = fs::metadata(&partial)
            .map_err(|e| OutputError::new(&partial, e))?
            .len();
        Ok(self.save_at(next_run, len, tally)?)
    }

    fn latest(&self) -> Option<u64> {
        self.latest_file().map(|(_, next)| next)
    }
}

/// SHA-256 of a tally as a checkpoint writes it (compact JSON).
fn tally_digest<T: Serialize>(tally: &T) -> String {
    sha256_hex(&serde_json::to_vec(tally).expect("a tally always serialises"))
}

/// Removes the checkpoint of an earlier batch that is not being resumed, so
/// that a later `--resume` cannot pick it up with rows it does not describe.
fn remove_stale(path: &Path) -> Result<(), OutputError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(OutputError::new(path, e)),
        _ => Ok(()),
    }
}

/// The valid checkpoint of the batch of `key` in `dir` that is furthest
/// on: the checkpoint or the kept one, each checked against runs.csv or the
/// kept copy of it (whichever its digest fits; a batch's rows do not depend
/// on the run that wrote them, so either may hold them). With `strict`, a
/// checkpoint that exists but is of another batch or fails a check is an
/// error when no other is valid; without it, such checkpoints are ignored.
fn best_checkpoint(
    dir: &Path,
    key: &BatchKey,
    batch: &Batch,
    strict: bool,
) -> Result<Option<Valid>, CheckpointError> {
    let mut best: Option<Valid> = None;
    let mut first_error = None;
    for name in [CHECKPOINT_FILE, KEPT_CHECKPOINT] {
        let file = dir.join(name);
        match load(&file, dir, key, batch) {
            Ok(Some(v)) => {
                if best
                    .as_ref()
                    .is_none_or(|b| v.checkpoint.next_run > b.checkpoint.next_run)
                {
                    best = Some(v);
                }
            }
            Ok(None) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (best, first_error) {
        (Some(b), _) => Ok(Some(b)),
        (None, Some(e)) if strict => Err(e),
        _ => Ok(None),
    }
}

/// Makes `best` the checkpoint of the directory with its rows in runs.csv:
/// a kept runs.csv is renamed into place (its first bytes equal those of
/// the other, so every valid checkpoint stays valid at every step), then a
/// kept checkpoint is copied into place and the kept files are removed.
fn adopt(dir: &Path, best: Valid) -> Result<OwnedCheckpoint, CheckpointError> {
    let partial = dir.join(partial_name());
    if best.partial != partial {
        fs::rename(&best.partial, &partial).map_err(|e| OutputError::new(&partial, e))?;
        sync_dir(dir)?;
    }
    let main = dir.join(CHECKPOINT_FILE);
    if best.file != main {
        let bytes =
            read_checkpoint_file(&best.file).map_err(|e| OutputError::new(&best.file, e))?;
        replace_durably(&main, &bytes)?;
    }
    remove_stale(&dir.join(KEPT_CHECKPOINT))?;
    remove_stale(&dir.join(KEPT_PARTIAL))?;
    sync_dir(dir)?;
    Ok(best.checkpoint)
}

/// A run without `--resume`: if the directory holds a valid checkpoint of
/// this batch (or a kept one), keeps the furthest aside under the kept
/// names, durably, and returns its next run. Everything else is left for
/// [`Checkpointer::open`] to discard.
fn keep_aside(dir: &Path, key: &BatchKey, batch: &Batch) -> Result<Option<u64>, CheckpointError> {
    let Some(best) = best_checkpoint(dir, key, batch, false)? else {
        remove_stale(&dir.join(KEPT_CHECKPOINT))?;
        remove_stale(&dir.join(KEPT_PARTIAL))?;
        return Ok(None);
    };
    let next = best.checkpoint.next_run;
    let kept_partial = dir.join(KEPT_PARTIAL);
    let kept_file = dir.join(KEPT_CHECKPOINT);
    // The checkpoint first (it fits either runs.csv), then its rows: at
    // every moment one valid checkpoint describes rows on disk.
    if best.file != kept_file {
        let bytes =
            read_checkpoint_file(&best.file).map_err(|e| OutputError::new(&best.file, e))?;
        replace_durably(&kept_file, &bytes)?;
    }
    if best.partial != kept_partial {
        fs::rename(&best.partial, &kept_partial).map_err(|e| OutputError::new(&kept_partial, e))?;
    }
    remove_stale(&dir.join(CHECKPOINT_FILE))?;
    sync_dir(dir)?;
    Ok(Some(next))
}

/// Reads the checkpoint `file` in `dir`, if any, and checks it: it belongs
/// to the batch of `key`; its tally is the one whose digest it records, is
/// coherent and equals the sum of the runs.csv rows it describes; those
/// rows (the first bytes of runs.csv or of its kept copy) are the ones whose
/// digest it records, read strictly; and a sample of them is what `batch`
/// simulates. The error names the file and the first mismatch.
fn load(
    file: &Path,
    dir: &Path,
    key: &BatchKey,
    batch: &Batch,
) -> Result<Option<Valid>, CheckpointError> {
    let Some(c) = read_checked(file, key, |c: &OwnedCheckpoint| &c.key)? else {
        return Ok(None);
    };
    let shown = file.display().to_string();
    let inconsistent = |path: &Path, reason: String| CheckpointError::Inconsistent {
        path: path.display().to_string(),
        reason,
        checkpoint: shown.clone(),
    };
    let range = key.range();
    if !(range.start..=range.end).contains(&c.next_run) {
        return Err(unreadable(
            file,
            format!(
                "next run {} is outside the batch's runs {}..{}",
                c.next_run, range.start, range.end
            ),
        ));
    }
    let found = tally_digest(&c.tally);
    if found != c.tally_sha256 {
        return Err(inconsistent(
            file,
            format!(
                "its tally has SHA-256 {found}, but the checkpoint recorded {} when it was written: the tally was changed",
                c.tally_sha256
            ),
        ));
    }
    let sc = batch.scenario();
    c.tally
        .check_fits(sc, c.next_run - range.start)
        .map_err(|e: TallyMismatch| unreadable(file, format!("its tally does not fit: {e}")))?;
    // Its rows: in runs.csv, or in the kept copy of it.
    let candidates = [dir.join(partial_name()), dir.join(KEPT_PARTIAL)];
    let mut mismatch = None;
    let mut partial = None;
    for path in candidates {
        match sha256_file(&path, Some(c.runs_csv_bytes)) {
            Ok(d) if d == c.runs_csv_sha256 => {
                partial = Some(path);
                break;
            }
            Ok(d) => {
                mismatch.get_or_insert_with(|| {
                    inconsistent(
                        &path,
                        format!(
                            "its first {} bytes have SHA-256 {d}, but the checkpoint recorded {}: the rows were changed after the checkpoint was written",
                            c.runs_csv_bytes, c.runs_csv_sha256
                        ),
                    )
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                mismatch.get_or_insert_with(|| {
                    inconsistent(
                        &path,
                        format!(
                            "it does not hold the {} bytes of rows the checkpoint describes ({e})",
                            c.runs_csv_bytes
                        ),
                    )
                });
            }
        }
    }
    let Some(partial) = partial else {
        return Err(mismatch.unwrap_or_else(|| {
            inconsistent(
                &dir.join(partial_name()),
                "the runs.csv the checkpoint describes is missing".into(),
            )
        }));
    };
    let verify = Verify {
        batch,
        runs: range.start..c.next_run,
    };
    let rows = crate::input::open_regular(&partial)
        .map_err(|e| inconsistent(&partial, format!("cannot read it: {e}")))?;
    match verify.tally_and_rows(&c.tally, rows, Some(c.runs_csv_bytes)) {
        Ok(()) => {}
        Err(Failed::Tally(reason)) => return Err(inconsistent(file, reason)),
        Err(Failed::Rows(reason)) => return Err(inconsistent(&partial, reason)),
    }
    Ok(Some(Valid {
        checkpoint: c,
        file: file.to_path_buf(),
        partial,
    }))
}

fn unreadable(path: &Path, reason: String) -> CheckpointError {
    CheckpointError::Unreadable {
        path: path.display().to_string(),
        reason,
    }
}

/// A checkpoint file's bytes, refused if it is not a regular file or larger
/// than [`crate::input::MAX_TALLIES_BYTES`] (it holds a tally or a sweep's
/// tallies and positions). Read under the directory's lock, so no job
/// replaces it meanwhile.
fn read_checkpoint_file(path: &Path) -> std::io::Result<Vec<u8>> {
    crate::input::read_file(path, crate::input::MAX_TALLIES_BYTES, "a checkpoint")
}

/// Reads the checkpoint (of any kind) at `path`, if there is one, checking
/// its format and that its key (`key_of`) is `key`.
fn read_checked<C: DeserializeOwned>(
    path: &Path,
    key: &BatchKey,
    key_of: impl Fn(&C) -> &BatchKey,
) -> Result<Option<C>, CheckpointError> {
    let bytes = match read_checkpoint_file(path) {
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
    /// SHA-256 of `tally` as compact JSON.
    tally_sha256: String,
    tally: T,
}

/// The checkpoints of a sweep's completed points, in
/// [`SWEEP_CHECKPOINT_DIR`]: a point's integer tally is written (write,
/// fsync, rename) as soon as the point is done, so a killed sweep loses at
/// most the points it was running. Every point depends only on its
/// scenario and `(seed, run)`, so a resumed sweep writes the bytes of one
/// that never stopped.
#[derive(Debug)]
#[doc(hidden)]
pub struct PointCheckpoints {
    dir: PathBuf,
    /// For tests of crash safety: abort after this many checkpoints (see
    /// [`CheckpointPolicy::abort_after`]).
    abort_after: Option<u32>,
    saved: std::sync::atomic::AtomicU32,
    /// Completed points of this same sweep found without `--resume`.
    kept: usize,
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
    #[doc(hidden)]
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
        let done = load_points(&dir, keys, scenarios, resume)?;
        // Without --resume, the checkpoints of this same sweep are kept
        // (a point's checkpoint depends on no file, and this run rewrites
        // it identically when it completes the point), so that killing the
        // new run loses none of the old progress; the others were removed.
        let kept = if resume {
            0
        } else {
            done.iter().filter(|d| d.is_some()).count()
        };
        let done = if resume { done } else { vec![None; keys.len()] };
        staged.scratch_dir(SWEEP_CHECKPOINT_DIR);
        fs::create_dir_all(&dir).map_err(|e| OutputError::new(&dir, e))?;
        sync_dir(staged.dir())?;
        let checkpoints = PointCheckpoints {
            dir,
            abort_after,
            saved: Default::default(),
            kept,
        };
        Ok((checkpoints, done))
    }

    /// The checkpoints of completed points of this same sweep that a run
    /// without `--resume` found and kept (it runs those points again).
    #[doc(hidden)]
    pub fn kept(&self) -> usize {
        self.kept
    }

    /// Durably records `tally` as the tally of the point of `key`.
    #[doc(hidden)]
    pub fn save(&self, key: &BatchKey, tally: &Tally) -> Result<(), CheckpointError> {
        let index = key.point.as_ref().map_or(0, |p| p.index);
        let c = PointCheckpoint {
            format: CHECKPOINT_FORMAT,
            key,
            tally_sha256: tally_digest(tally),
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
/// exist), in point order. With `strict`, the first that fails a check is
/// an error (and nothing is removed); without it, those are removed.
fn load_points(
    dir: &Path,
    keys: &[BatchKey],
    scenarios: &[&Scenario],
    strict: bool,
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
        match load_point(&path, key, sc) {
            Ok(tally) => {
                if let Some(slot) = done.get_mut(index) {
                    *slot = Some(tally);
                }
            }
            Err(e) if strict => return Err(e),
            Err(_) => remove_stale(&path)?,
        }
    }
    Ok(done)
}

/// Reads the checkpoint of one point at `path` and checks it: it belongs to
/// the point of `key`; its tally is the one whose digest it records, fits
/// and is coherent, and a re-simulated sample of its runs fits inside it.
fn load_point(path: &Path, key: &BatchKey, sc: &Scenario) -> Result<Tally, CheckpointError> {
    let path = path.to_path_buf();
    {
        let c: PointCheckpoint<BatchKey, Tally> =
            read_checked(&path, key, |c: &PointCheckpoint<BatchKey, Tally>| &c.key)?
                .ok_or_else(|| unreadable(&path, "it vanished while being read".into()))?;
        let range = key.range();
        c.tally
            .check_fits(sc, range.end - range.start)
            .map_err(|e: TallyMismatch| {
                unreadable(&path, format!("its tally does not fit: {e}"))
            })?;
        let inconsistent = |reason: String| CheckpointError::Inconsistent {
            path: path.display().to_string(),
            reason,
            checkpoint: path.display().to_string(),
        };
        let found = tally_digest(&c.tally);
        if found != c.tally_sha256 {
            return Err(inconsistent(format!(
                "its tally has SHA-256 {found}, but the checkpoint recorded {} when it was written: the tally was changed",
                c.tally_sha256
            )));
        }
        let batch = Batch::new(sc, key.seed);
        let verify = Verify {
            batch: &batch,
            runs: range,
        };
        verify
            .tally_alone(&c.tally)
            .map_err(|e| inconsistent(e.to_string()))?;
        Ok(c.tally)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A checkpoint written with another use of the streams is not this
    /// batch's: `--resume` refuses it, naming both versions.
    #[test]
    fn a_checkpoint_of_another_stream_version_differs() {
        let source = ScenarioSource::new("s", "s.toml", "name = \"s\"");
        let now = BatchKey::new(&source, 7, 100, None);
        let mut old = now.clone();
        old.versions.insert("ceasefire-streams".into(), "1".into());
        assert!(now.differences(&now).is_empty());
        let said = old.differences(&now).join("; ");
        assert!(said.starts_with("versions "), "{said}");
        assert!(said.contains("\"ceasefire-streams\": \"1\""), "{said}");
        let current = format!(
            "\"ceasefire-streams\": \"{}\"",
            crate::model::STREAM_VERSION
        );
        assert!(said.contains(&current), "{said}");
    }
}
