//! Output files that appear all at once or not at all.
//!
//! Each file is written under a temporary name in the output directory,
//! flushed and synced, and published only when every file of the job is
//! complete (a results directory all at once: [`super::publish`]). If the
//! job fails, the temporary files are removed (but checkpoints, and the
//! partial files they describe, are kept for `--resume`) and whatever the
//! directory held before is untouched.
//!
//! A file still being written can also be made durable part-way
//! ([`StagedFile::sync`]) and reopened by a later process
//! ([`StagedDir::reopen`]): this is what lets a killed batch resume.

use crate::options::Opt;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::digest::{HashingWriter, sha256_file};
#[doc(hidden)]
pub use super::fsio::{OutputError, sync_dir};
use super::fsio::{is_working_file, name_io_error};
use super::lock::DirLock;
use super::publish;
use crate::layout::ResultFile;

/// Files being written into one directory, committed together.
#[derive(Debug)]
#[doc(hidden)]
pub struct StagedDir {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
    scratch: Vec<PathBuf>,
    scratch_dirs: Vec<PathBuf>,
    shared: Arc<Shared>,
    results: Option<Results>,
    /// The directory did not exist before: a failed job removes it if it
    /// is left empty.
    created: bool,
}

/// What the files of a [`StagedDir`] tell it as they are written.
#[derive(Debug, Default)]
struct Shared {
    /// SHA-256 of every finished file, by name.
    digests: Mutex<BTreeMap<String, String>>,
    /// Temporary files made durable part-way (a checkpoint describes them):
    /// they are kept if the job fails, so that it can resume.
    durable: Mutex<BTreeSet<PathBuf>>,
}

/// A results directory: locked for the job, published all at once.
#[derive(Debug)]
struct Results {
    /// Held until the job ends (the StagedDir is dropped).
    _lock: DirLock,
    /// The files of the new set, as the manifest lists them.
    listed: Option<Vec<String>>,
}

impl StagedDir {
    /// Creates `dir` (and its parents) if needed, for files that are not a
    /// results directory (a trace, a PRISM model, a counts file): each is
    /// renamed into place on commit, and nothing else in `dir` is touched.
    #[doc(hidden)]
    pub fn create(dir: &Path) -> Result<Self, OutputError> {
        if dir.is_file() {
            return Err(not_a_directory(dir));
        }
        let created = !dir.exists();
        fs::create_dir_all(dir).map_err(|e| OutputError::new(dir, e))?;
        Ok(StagedDir {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
            scratch: Vec::new(),
            scratch_dirs: Vec::new(),
            shared: Arc::default(),
            results: None,
            created,
        })
    }

    /// Creates or opens the results directory `dir` for a job and locks it
    /// until the job ends (see [`super::lock`]). The files the job writes
    /// are published together on [`commit`](Self::commit): a reader sees
    /// the old set or the new one, files the old manifest listed that the
    /// job did not write are removed, and files ceasefire did not write are
    /// left as they are.
    ///
    /// Refuses a non-empty directory that holds no manifest.json (which
    /// ceasefire did not write) unless `force`.
    #[doc(hidden)]
    pub fn results(dir: &Path, force: bool) -> Result<Self, OutputError> {
        let mut staged = Self::create(dir)?;
        let lock = DirLock::acquire(dir)?;
        if !force {
            refuse_foreign(dir)?;
        }
        staged.results = Some(Results {
            _lock: lock,
            listed: None,
        });
        Ok(staged)
    }

    /// The directory.
    #[doc(hidden)]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Opens `name` for writing under a temporary name.
    #[doc(hidden)]
    pub fn file(&mut self, name: &str) -> Result<StagedFile, OutputError> {
        let target = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.partial"));
        let file = File::create(&temp).map_err(|e| OutputError::new(&temp, e))?;
        self.pending.retain(|(t, _)| *t != temp);
        self.pending.push((temp.clone(), target));
        StagedFile::new(temp, name, file, false, &self.shared)
    }

    /// Reopens the temporary file of `name` left by an earlier process, cut
    /// to its first `len` bytes (what was durably written when it was last
    /// synced), to write on after them.
    ///
    /// Fails if the temporary file does not exist or is shorter than `len`.
    #[doc(hidden)]
    pub fn reopen(&mut self, name: &str, len: u64) -> Result<StagedFile, OutputError> {
        let target = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.partial"));
        let mut file = OpenOptions::new()
            .write(true)
            .open(&temp)
            .map_err(|e| OutputError::new(&temp, e))?;
        let found = file
            .metadata()
            .map_err(|e| OutputError::new(&temp, e))?
            .len();
        if found < len {
            let msg = format!("it holds {found} bytes, but {len} were written durably before");
            return Err(OutputError::new(&temp, io::Error::other(msg)));
        }
        file.set_len(len)
            .and_then(|()| file.seek(SeekFrom::End(0)))
            .map_err(|e| OutputError::new(&temp, e))?;
        self.pending.retain(|(t, _)| *t != temp);
        self.pending.push((temp.clone(), target));
        lock_ignoring_poison(&self.shared.durable).insert(temp.clone());
        StagedFile::new(temp, name, file, true, &self.shared)
    }

    /// Registers `name` in the directory as a scratch file of the job (e.g. a
    /// checkpoint): it is removed once the job's files are published, and
    /// kept if the job fails. Returns its path.
    pub(crate) fn scratch(&mut self, name: &str) -> PathBuf {
        let path = self.dir.join(name);
        self.scratch.push(path.clone());
        path
    }

    /// Registers the directory `name` in the directory as scratch of the job
    /// (e.g. a sweep's checkpoints, one file per point): it is removed with
    /// everything in it like a scratch file. Returns its path.
    pub(crate) fn scratch_dir(&mut self, name: &str) -> PathBuf {
        let path = self.dir.join(name);
        self.scratch_dirs.push(path.clone());
        path
    }

    /// The SHA-256 of each of `files` but manifest.json, as the manifest
    /// records them: of the file staged under that name (which must be
    /// finished), or else of the file already in the directory (a file an
    /// earlier job of the same command wrote, kept in the new set).
    /// `files` becomes the new set that [`commit`](Self::commit) publishes.
    pub fn digests(&mut self, files: &[String]) -> Result<BTreeMap<String, String>, OutputError> {
        let staged = lock_ignoring_poison(&self.shared.digests).clone();
        let mut out = BTreeMap::new();
        for name in files {
            if name == ResultFile::Manifest.name() {
                continue;
            }
            let digest = match staged.get(name) {
                Some(d) => d.clone(),
                None => {
                    let path = self.dir.join(name);
                    sha256_file(&path, None).map_err(|e| OutputError::new(&path, e))?
                }
            };
            out.insert(name.clone(), digest);
        }
        if let Some(r) = &mut self.results {
            r.listed = Some(files.to_vec());
        }
        Ok(out)
    }

    /// Publishes the staged files, then removes the scratch files (the
    /// checkpoints) once the publish is durable. Returns the files.
    ///
    /// A results directory ([`StagedDir::results`]) is published all at
    /// once (see [`super::publish`]); otherwise each file is renamed into
    /// place.
    #[doc(hidden)]
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        let pending = std::mem::take(&mut self.pending);
        let done = match &self.results {
            Some(r) => {
                let listed = r.listed.clone().unwrap_or_else(|| {
                    pending
                        .iter()
                        .filter_map(|(_, t)| t.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .collect()
                });
                let plan = publish::Plan {
                    dir: &self.dir,
                    staged: &pending,
                    listed: &listed,
                    scratch: &self.scratch,
                    scratch_dirs: &self.scratch_dirs,
                };
                let done = publish::publish(&plan);
                if done.is_err() {
                    self.pending = pending;
                }
                done?
            }
            None => {
                let mut done = Vec::new();
                for (temp, target) in &pending {
                    fs::rename(temp, target).map_err(|e| OutputError::new(target, e))?;
                    done.push(target.clone());
                }
                sync_dir(&self.dir)?;
                publish::remove_scratch(&self.dir, &self.scratch, &self.scratch_dirs)?;
                done
            }
        };
        self.scratch.clear();
        self.scratch_dirs.clear();
        Ok(done)
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        // A failed job removes what it was writing, but keeps its
        // checkpoints and the partial files they describe: `--resume`
        // continues from them.
        let durable = lock_ignoring_poison(&self.shared.durable);
        for (temp, _) in &self.pending {
            if !durable.contains(temp) {
                let _ = fs::remove_file(temp);
            }
        }
        for dir in &self.scratch_dirs {
            // Only if empty: checkpoints in it are kept.
            let _ = fs::remove_dir(dir);
        }
        drop(durable);
        // Unlock (removing the lock file), then remove a directory this job
        // created if nothing is left in it.
        self.results = None;
        if self.created {
            let _ = fs::remove_dir(&self.dir);
        }
    }
}

/// `dir` is a file: said with what is allowed.
fn not_a_directory(dir: &Path) -> OutputError {
    OutputError::refused(
        dir,
        format!(
            "{} is a file, not a directory: the output ({}) must be a directory, either new or one that ceasefire wrote",
            dir.display(),
            Opt::Out
        ),
    )
}

/// Refuses `dir` if it holds anything but ceasefire's working files and no
/// manifest.json.
fn refuse_foreign(dir: &Path) -> Result<(), OutputError> {
    if dir.join(ResultFile::Manifest.name()).is_file() {
        return Ok(());
    }
    let entries = fs::read_dir(dir).map_err(|e| OutputError::new(dir, e))?;
    let mut foreign: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !is_working_file(n))
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let count = match foreign.len() {
        1 => "1 entry".to_string(),
        n => format!("{n} entries"),
    };
    let more = if foreign.len() > 3 { ", …" } else { "" };
    foreign.truncate(3);
    Err(OutputError::refused(
        dir,
        format!(
            "{} is not empty ({count}: {}{}) and holds no manifest.json, so ceasefire did not write it: choose a new or empty directory, or pass {} to write into it (files ceasefire does not write are left untouched)",
            dir.display(),
            foreign.join(", "),
            more,
            Opt::Force
        ),
    ))
}

/// Locks `m`, even if a thread panicked while holding it.
fn lock_ignoring_poison<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A file being written under its temporary name.
#[derive(Debug)]
#[doc(hidden)]
pub struct StagedFile {
    path: PathBuf,
    name: String,
    writer: HashingWriter<BufWriter<File>>,
    /// The same open file, to sync it and read its length.
    handle: File,
    /// Reopened: the digest covers bytes written by an earlier process, so
    /// it is computed from the finished file.
    rehash: bool,
    shared: Arc<Shared>,
}

impl StagedFile {
    fn new(
        path: PathBuf,
        name: &str,
        file: File,
        rehash: bool,
        shared: &Arc<Shared>,
    ) -> Result<Self, OutputError> {
        let handle = file.try_clone().map_err(|e| OutputError::new(&path, e))?;
        Ok(StagedFile {
            path,
            name: name.to_string(),
            writer: HashingWriter::new(BufWriter::with_capacity(1 << 16, file)),
            handle,
            rehash,
            shared: Arc::clone(shared),
        })
    }

    /// Syncs what has been flushed so far (see [`Write::flush`]) and
    /// returns the file's length: after a crash, at least these bytes are on
    /// disk. Bytes written but not flushed are not counted. From then on,
    /// the file is kept if the job fails (a checkpoint describes it).
    #[doc(hidden)]
    pub fn sync_flushed(&self) -> Result<u64, OutputError> {
        let path = &self.path;
        let file = &self.handle;
        file.sync_data().map_err(|e| OutputError::new(path, e))?;
        let len = file
            .metadata()
            .map_err(|e| OutputError::new(path, e))?
            .len();
        lock_ignoring_poison(&self.shared.durable).insert(path.clone());
        Ok(len)
    }

    /// Flushes and syncs the file; it is renamed by [`StagedDir::commit`].
    #[doc(hidden)]
    pub fn finish(self) -> Result<(), OutputError> {
        let path = self.path;
        let (writer, digest) = self.writer.finish();
        let file = writer
            .into_inner()
            .map_err(|e| OutputError::new(&path, e.into_error()))?;
        file.sync_all().map_err(|e| OutputError::new(&path, e))?;
        let digest = if self.rehash {
            sha256_file(&path, None).map_err(|e| OutputError::new(&path, e))?
        } else {
            digest
        };
        lock_ignoring_poison(&self.shared.digests).insert(self.name, digest);
        Ok(())
    }

    /// `e`, naming this file (and the size limit, when it was reached).
    fn named(&self, e: io::Error) -> io::Error {
        name_io_error(&self.path, e)
    }
}

impl Write for StagedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush().map_err(|e| self.named(e))
    }
}
