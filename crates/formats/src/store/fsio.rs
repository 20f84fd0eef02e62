//! The file-system primitives every writer of the store shares: the error
//! that names a path, durable replacement, directory syncs and the names of
//! ceasefire's own working files. It imports nothing of the store but its
//! layout, so the writers (staged directories, locks, publication,
//! checkpoints) stand on it without importing one another back.

use crate::options::Opt;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

use crate::layout::{CHECKPOINT_FILE, KEPT_CHECKPOINT, LOCK_FILE, SWEEP_CHECKPOINT_DIR};

/// An I/O error with the path it concerns, or a refusal to write there.
#[derive(Debug)]
pub struct OutputError {
    /// The file or directory.
    pub(crate) path: String,
    /// What went wrong.
    pub(crate) source: io::Error,
    /// The error is a refusal, said in full by `source`'s message.
    refusal: bool,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.refusal {
            write!(f, "{}", self.source)
        } else {
            write!(f, "cannot write {}", self.path)
        }
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        (!self.refusal).then_some(&self.source as _)
    }
}

impl OutputError {
    /// Wraps `source` with `path`.
    #[doc(hidden)]
    pub fn new(path: &Path, source: io::Error) -> Self {
        OutputError {
            path: path.display().to_string(),
            source,
            refusal: false,
        }
    }

    /// A refusal to write `path`, said in full by `message`.
    pub(crate) fn refused(path: &Path, message: String) -> Self {
        OutputError {
            path: path.display().to_string(),
            source: io::Error::other(message),
            refusal: true,
        }
    }
}

/// Whether `name`, in a results directory, is one of ceasefire's own hidden
/// working files (a lock, a checkpoint, a file being written).
pub(crate) fn is_working_file(name: &str) -> bool {
    name == LOCK_FILE
        || name == CHECKPOINT_FILE
        || name == KEPT_CHECKPOINT
        || name == SWEEP_CHECKPOINT_DIR
        || (name.starts_with('.') && (name.ends_with(".partial") || name.ends_with(".new")))
}

/// `e` with `path` in its message, and what to do when a file size limit
/// (`ulimit -f`) was reached.
pub(crate) fn name_io_error(path: &Path, e: io::Error) -> io::Error {
    let limit = if is_file_too_large(&e) {
        format!(
            " (the file size limit, `ulimit -f`, was reached; the last checkpoint is kept: raise the limit and rerun with {})",
            Opt::Resume
        )
    } else {
        String::new()
    };
    io::Error::new(e.kind(), format!("{}: {e}{limit}", path.display()))
}

/// Whether `e` is EFBIG (a write past the file size limit).
fn is_file_too_large(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::FileTooLarge
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
#[doc(hidden)]
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
