//! Output files that appear all at once or not at all.
//!
//! Each file is written under a temporary name in the output directory,
//! flushed and synced, and renamed into place only when every file of the
//! job is complete. If the job fails, the temporary files are removed and
//! whatever the directory held before is untouched.
//!
//! A file still being written can also be made durable part-way
//! ([`StagedFile::sync`]) and reopened by a later process
//! ([`StagedDir::reopen`]): this is what lets a killed batch resume.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Files being written into one directory, committed together.
#[derive(Debug)]
pub struct StagedDir {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
    scratch: Vec<PathBuf>,
    scratch_dirs: Vec<PathBuf>,
}

/// An I/O error with the path it concerns.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}")]
pub struct OutputError {
    /// The file or directory.
    pub path: String,
    /// What went wrong.
    #[source]
    pub source: io::Error,
}

impl OutputError {
    /// Wraps `source` with `path`.
    pub fn new(path: &Path, source: io::Error) -> Self {
        OutputError {
            path: path.display().to_string(),
            source,
        }
    }
}

impl StagedDir {
    /// Creates `dir` (and its parents) if needed.
    pub fn create(dir: &Path) -> Result<Self, OutputError> {
        fs::create_dir_all(dir).map_err(|e| OutputError::new(dir, e))?;
        Ok(StagedDir {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
            scratch: Vec::new(),
            scratch_dirs: Vec::new(),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Opens `name` for writing under a temporary name.
    pub fn file(&mut self, name: &str) -> Result<StagedFile, OutputError> {
        let target = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.partial"));
        let file = File::create(&temp).map_err(|e| OutputError::new(&temp, e))?;
        self.pending.push((temp.clone(), target));
        Ok(StagedFile {
            path: temp,
            writer: BufWriter::with_capacity(1 << 16, file),
        })
    }

    /// Reopens the temporary file of `name` left by an earlier process, cut
    /// to its first `len` bytes (what was durably written when it was last
    /// synced), to write on after them.
    ///
    /// Fails if the temporary file does not exist or is shorter than `len`.
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
        self.pending.push((temp.clone(), target));
        Ok(StagedFile {
            path: temp,
            writer: BufWriter::with_capacity(1 << 16, file),
        })
    }

    /// Registers `name` in the directory as a scratch file of the job (e.g. a
    /// checkpoint): it is removed when the job fails or commits, before any
    /// file is renamed into place. Returns its path.
    pub fn scratch(&mut self, name: &str) -> PathBuf {
        let path = self.dir.join(name);
        self.scratch.push(path.clone());
        path
    }

    /// Registers the directory `name` in the directory as scratch of the job
    /// (e.g. a sweep's checkpoints, one file per point): it is removed with
    /// everything in it like a scratch file. Returns its path.
    pub fn scratch_dir(&mut self, name: &str) -> PathBuf {
        let path = self.dir.join(name);
        self.scratch_dirs.push(path.clone());
        path
    }

    /// Removes the scratch files, then renames every staged file into place.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        for path in std::mem::take(&mut self.scratch) {
            match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(OutputError::new(&path, e));
                }
                _ => {}
            }
        }
        for path in std::mem::take(&mut self.scratch_dirs) {
            match fs::remove_dir_all(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(OutputError::new(&path, e));
                }
                _ => {}
            }
        }
        sync_dir(&self.dir)?;
        let pending = std::mem::take(&mut self.pending);
        let mut done = Vec::new();
        for (temp, target) in pending {
            fs::rename(&temp, &target).map_err(|e| OutputError::new(&target, e))?;
            done.push(target);
        }
        sync_dir(&self.dir)?;
        Ok(done)
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        let scratch = self.scratch.iter();
        for path in scratch.chain(self.pending.iter().map(|(temp, _)| temp)) {
            let _ = fs::remove_file(path);
        }
        for path in &self.scratch_dirs {
            let _ = fs::remove_dir_all(path);
        }
    }
}

/// A file being written under its temporary name.
#[derive(Debug)]
pub struct StagedFile {
    path: PathBuf,
    writer: BufWriter<File>,
}

impl StagedFile {
    /// Syncs what has been flushed so far (see [`Write::flush`]) and
    /// returns the file's length: after a crash, at least these bytes are on
    /// disk. Bytes written but not flushed are not counted.
    pub fn sync_flushed(&self) -> Result<u64, OutputError> {
        let path = &self.path;
        let file = self.writer.get_ref();
        file.sync_data().map_err(|e| OutputError::new(path, e))?;
        let len = file
            .metadata()
            .map_err(|e| OutputError::new(path, e))?
            .len();
        Ok(len)
    }

    /// Flushes and syncs the file; it is renamed by [`StagedDir::commit`].
    pub fn finish(self) -> Result<(), OutputError> {
        let path = self.path;
        let file = self
            .writer
            .into_inner()
            .map_err(|e| OutputError::new(&path, e.into_error()))?;
        file.sync_all().map_err(|e| OutputError::new(&path, e))
    }
}

impl Write for StagedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Replaces `path` with `bytes` atomically and durably: the bytes go to a
/// temporary file next to it, which is synced and renamed over `path`, and
/// the directory is synced. After a crash, `path` holds either its old
/// contents or `bytes`, never a mixture.
pub(crate) fn replace_durably(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = path.with_file_name(format!(".{name}.new"));
    let write = || -> io::Result<()> {
        let mut f = File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()
    };
    write().map_err(|e| OutputError::new(&temp, e))?;
    fs::rename(&temp, path).map_err(|e| OutputError::new(path, e))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Syncs a directory, so that renames within it survive a crash.
pub fn sync_dir(dir: &Path) -> Result<(), OutputError> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| OutputError::new(dir, e))
}
