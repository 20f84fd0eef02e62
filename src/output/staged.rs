//! Output files that appear all at once or not at all.
//!
//! Each file is written under a temporary name in the output directory,
//! flushed and synced, and renamed into place only when every file of the
//! job is complete. If the job fails, the temporary files are removed and
//! whatever the directory held before is untouched.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Files being written into one directory, committed together.
#[derive(Debug)]
pub struct StagedDir {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
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

    /// Renames every staged file into place.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        let pending = std::mem::take(&mut self.pending);
        let mut done = Vec::new();
        for (temp, target) in pending {
            fs::rename(&temp, &target).map_err(|e| OutputError::new(&target, e))?;
            done.push(target);
        }
        Ok(done)
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        for (temp, _) in &self.pending {
            let _ = fs::remove_file(temp);
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
