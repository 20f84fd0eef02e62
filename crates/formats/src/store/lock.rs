//! One writer per results directory.
//!
//! Two processes writing the same output directory would interleave their
//! rows and publish a mixture. Every job that writes a results directory (and
//! the checkpoints inside it) first takes an exclusive advisory lock on the
//! file `.ceasefire-lock` in it (`flock` on Unix, `LockFileEx` on Windows,
//! through the `fs4` crate), and holds it until the
//! job ends. A second writer is refused at once, naming the process that
//! holds the lock (its id is written in the lock file).
//!
//! The lock file lives in the directory itself, so that it is found whatever
//! path names the directory. When a publish swaps in a new directory
//! ([`super::publish`]), the lock file is hard-linked into the new directory
//! first: the same locked file is then reachable under the directory's name
//! before and after the swap. The lock file is removed when the job ends; a
//! process that locked a file just removed notices that the name now points
//! elsewhere (or nowhere) and tries again.
//!
//! Within one process a lock is shared: a job that holds a directory (a
//! sensitivity study) can run another job into it (its sweep).

use crate::options::Opt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use fs4::fs_std::FileExt;

use super::fsio::OutputError;

pub(crate) use crate::layout::LOCK_FILE;

/// The locks this process holds, by canonical directory.
static HELD: Mutex<Vec<(PathBuf, Weak<Held>)>> = Mutex::new(Vec::new());

/// An exclusive lock on a results directory, released when the last clone is
/// dropped.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct DirLock {
    /// Held to be dropped: the last clone's drop releases the lock.
    #[allow(dead_code, reason = "only dropped, outside the tests")]
    held: Arc<Held>,
}

#[derive(Debug)]
struct Held {
    /// The canonical directory.
    dir: PathBuf,
    /// The open, locked lock file.
    file: File,
}

impl DirLock {
    /// Locks `dir`, which must exist. Fails at once if another process
    /// holds it: "DIR is being written by process N".
    #[doc(hidden)]
    pub fn acquire(dir: &Path) -> Result<DirLock, OutputError> {
        let canonical = fs::canonicalize(dir).map_err(|e| OutputError::new(dir, e))?;
        let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
        held.retain(|(_, w)| w.strong_count() > 0);
        if let Some(h) = held
            .iter()
            .find(|(d, _)| *d == canonical)
            .and_then(|(_, w)| w.upgrade())
        {
            return Ok(DirLock { held: h });
        }
        let path = canonical.join(LOCK_FILE);
        let err = |e: io::Error| OutputError::new(&path, e);
        // A few tries: the file we locked may have been removed by the
        // process that held it just before we locked it.
        for _ in 0..16 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(err)?;
            match FileExt::try_lock_exclusive(&file) {
                Ok(true) => {}
                Ok(false) => {
                    let mut text = String::new();
                    let _ = file.read_to_string(&mut text);
                    let who = match text.trim().parse::<u32>() {
                        Ok(pid) => format!("process {pid}"),
                        Err(_) => "another process".to_string(),
                    };
                    let msg = format!(
                        "{} is being written by {who} (it holds {}); wait for it to finish, or write elsewhere with {}",
                        dir.display(),
                        path.display(),
                        Opt::Out
                    );
                    return Err(OutputError::refused(dir, msg));
                }
                Err(e) => return Err(err(e)),
            }
            if !same_file(&file, &path) {
                continue;
            }
            file.set_len(0)
                .and_then(|()| file.seek(SeekFrom::Start(0)))
                .and_then(|_| writeln!(file, "{}", std::process::id()))
                .map_err(err)?;
            let h = Arc::new(Held {
                dir: canonical.clone(),
                file,
            });
            held.push((canonical, Arc::downgrade(&h)));
            return Ok(DirLock { held: h });
        }
        Err(err(io::Error::other(
            "the lock file keeps being replaced by another process",
        )))
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        // Remove the name while still holding the lock (a process waiting
        // on it then sees a removed file and tries again), then unlock.
        let path = self.dir.join(LOCK_FILE);
        if same_file(&self.file, &path) {
            let _ = fs::remove_file(&path);
        }
        let _ = FileExt::unlock(&self.file);
    }
}

/// Whether `path` names the open `file`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether `path` names the open `file` (elsewhere: whether it exists).
#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lock file of `lock`.
    fn lock_file(lock: &DirLock) -> PathBuf {
        lock.held.dir.join(LOCK_FILE)
    }

    #[test]
    fn a_lock_is_shared_within_the_process_and_removed_after() {
        let tmp = tempfile::tempdir().unwrap();
        let a = DirLock::acquire(tmp.path()).unwrap();
        let b = DirLock::acquire(tmp.path()).unwrap();
        assert!(Arc::ptr_eq(&a.held, &b.held));
        let text = fs::read_to_string(lock_file(&a)).unwrap();
        assert_eq!(text.trim(), std::process::id().to_string());
        let path = lock_file(&a);
        drop(a);
        assert!(path.exists());
        drop(b);
        assert!(!path.exists());
    }
}
