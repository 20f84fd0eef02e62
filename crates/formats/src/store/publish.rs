//! Publishing a results directory all at once.
//!
//! A job writes every new file completely (under hidden temporary names in
//! the directory), then publishes the new set so that a reader sees either
//! the old set or the new one, never a mixture:
//!
//! - **Directory swap** (Linux): a sibling staging directory
//!   `.<name>.ceasefire-publish` receives hard links to the new files, to the
//!   files of the old set that stay, and to every file ceasefire did not
//!   write; `renameat2(RENAME_EXCHANGE)` then swaps it with the directory in
//!   one step. The old set (with the checkpoints) ends under the staging name
//!   and is removed only after the swap has been made durable (both
//!   directories synced).
//! - **Manifest last** (elsewhere, and whenever a swap cannot be made: a
//!   subdirectory to carry over, a filesystem without hard links or
//!   `RENAME_EXCHANGE`, a directory that is a mount point): the old
//!   manifest.json is removed first, the new files are renamed into place,
//!   and the new manifest.json comes last. A reader that finds no manifest
//!   knows the directory is being published; one that finds a manifest finds
//!   the files it lists (`ceasefire verify` checks them).
//!
//! Either way, files that the old manifest listed and the new one does not
//! are removed (they are stale), files ceasefire did not write are left as
//! they are, and the checkpoints are removed only once the new set is
//! durable. The environment variable `CEASEFIRE_PUBLISH=manifest-last`
//! forces the second protocol, so that the test suite exercises it on Linux.

use crate::options::Opt;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::fsio::{OutputError, is_working_file, sync_dir};
use crate::layout::ResultFile;

/// What to publish.
pub(super) struct Plan<'a> {
    /// The results directory.
    pub(crate) dir: &'a Path,
    /// The staged files: (temporary path, final path).
    pub(crate) staged: &'a [(PathBuf, PathBuf)],
    /// Every file of the new set, as the manifest lists them (staged, or
    /// already in the directory).
    pub(crate) listed: &'a [String],
    /// Scratch files (checkpoints), removed after the publish.
    pub(crate) scratch: &'a [PathBuf],
    /// Scratch directories, removed after the publish.
    pub(crate) scratch_dirs: &'a [PathBuf],
}

/// The environment variable that forces the manifest-last protocol.
pub(crate) const PUBLISH_ENV: &str = "CEASEFIRE_PUBLISH";

/// Publishes `plan`; returns the paths of the new set.
pub(super) fn publish(plan: &Plan) -> Result<Vec<PathBuf>, OutputError> {
    // Refuse before changing anything if a file cannot be put in place
    // (a directory ceasefire did not make is never removed).
    for (_, target) in plan.staged {
        if target.is_dir() {
            let msg = format!(
                "cannot publish {}: a directory is in the way (move it elsewhere and run again; the checkpoint, if any, is kept for {})",
                target.display(),
                Opt::Resume
            );
            return Err(OutputError::refused(target, msg));
        }
    }
    let old = old_listed(plan.dir);
    let forced = std::env::var(PUBLISH_ENV).is_ok_and(|v| v == "manifest-last");
    if !forced && swap(plan, &old)? {
        return Ok(plan.listed.iter().map(|n| plan.dir.join(n)).collect());
    }
    manifest_last(plan, &old)?;
    Ok(plan.listed.iter().map(|n| plan.dir.join(n)).collect())
}

/// The files the manifest in `dir` lists (none if it cannot be read).
fn old_listed(dir: &Path) -> BTreeSet<String> {
    let path = dir.join(ResultFile::Manifest.name());
    fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| {
            v.get("files").and_then(|f| f.as_array()).map(|a| {
                a.iter()
                    .filter_map(|n| n.as_str().map(String::from))
                    .collect()
            })
        })
        .unwrap_or_default()
}

/// The names of the staged files.
fn staged_names(plan: &Plan) -> BTreeSet<String> {
    plan.staged
        .iter()
        .filter_map(|(_, target)| target.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect()
}

/// The directory swap. Returns false (having changed nothing) when a swap
/// cannot be made here, so that the caller falls back.
fn swap(plan: &Plan, old: &BTreeSet<String>) -> Result<bool, OutputError> {
    let Ok(dir) = fs::canonicalize(plan.dir) else {
        return Ok(false);
    };
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Ok(false);
    };
    let staging = parent.join(format!(".{}.ceasefire-publish", name.to_string_lossy()));
    // A staging directory left by a process that died during a publish: the
    // directory's lock (which we hold) covers it.
    if fs::symlink_metadata(&staging).is_ok() && fs::remove_dir_all(&staging).is_err() {
        return Ok(false);
    }
    if fs::create_dir(&staging).is_err() {
        return Ok(false);
    }
    // The new directory takes the old one's permissions.
    let _ = fs::metadata(&dir).and_then(|m| fs::set_permissions(&staging, m.permissions()));
    let linked = link_new_set(plan, &dir, &staging, old);
    let swapped = linked.and_then(|carried| {
        if !carried {
            return Ok(false);
        }
        sync_dir(&staging).map_err(|e| e.source)?;
        exchange(&dir, &staging)
    });
    match swapped {
        Ok(true) => {}
        Ok(false) | Err(_) => {
            let _ = fs::remove_dir_all(&staging);
            return Ok(false);
        }
    }
    // The new set is in place; make the swap durable before the old set
    // (and with it the checkpoints) goes.
    sync_dir(parent)?;
    sync_dir(&dir)?;
    let _ = fs::remove_dir_all(&staging);
    Ok(true)
}

/// Hard-links the new set into `staging`: the staged files under their final
/// names, then every entry of `dir` that stays (files of the old set still
/// listed, files ceasefire did not write, the lock file). Returns false if
/// an entry cannot be carried over by a link (a subdirectory).
fn link_new_set(
    plan: &Plan,
    dir: &Path,
    staging: &Path,
    old: &BTreeSet<String>,
) -> io::Result<bool> {
    for (temp, target) in plan.staged {
        let name = target.file_name().unwrap_or_default();
        fs::hard_link(temp, staging.join(name))?;
    }
    let staged = staged_names(plan);
    let listed: BTreeSet<&str> = plan.listed.iter().map(String::as_str).collect();
    let scratch: BTreeSet<&Path> = plan
        .scratch
        .iter()
        .chain(plan.scratch_dirs)
        .map(PathBuf::as_path)
        .collect();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = plan.dir.join(&name);
        let drop = staged.contains(&name)
            || scratch.contains(path.as_path())
            || (is_working_file(&name) && name != crate::layout::LOCK_FILE)
            || (old.contains(&name) && !listed.contains(name.as_str()));
        if drop {
            continue;
        }
        if entry.file_type()?.is_dir() {
            return Ok(false);
        }
        fs::hard_link(entry.path(), staging.join(&name))?;
    }
    Ok(true)
}

/// Swaps `a` and `b` atomically. Returns false where the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are valid NUL-terminated strings that outlive the
    // call; renameat2 reads them and touches no memory of ours.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(true)
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Swaps `a` and `b` atomically. Returns false where the system cannot.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// The manifest-last protocol.
fn manifest_last(plan: &Plan, old: &BTreeSet<String>) -> Result<(), OutputError> {
    let manifest = ResultFile::Manifest.name();
    let old_manifest = plan.dir.join(manifest);
    match fs::remove_file(&old_manifest) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => {
            return Err(OutputError::new(&old_manifest, e));
        }
        _ => {}
    }
    sync_dir(plan.dir)?;
    let (last, first): (Vec<_>, Vec<_>) = plan
        .staged
        .iter()
        .partition(|(_, t)| t.file_name().is_some_and(|n| n == manifest));
    for (temp, target) in &first {
        fs::rename(temp, target).map_err(|e| OutputError::new(target, e))?;
    }
    let listed: BTreeSet<&str> = plan.listed.iter().map(String::as_str).collect();
    for name in old.iter().filter(|n| !listed.contains(n.as_str())) {
        let path = plan.dir.join(name);
        if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) {
            fs::remove_file(&path).map_err(|e| OutputError::new(&path, e))?;
        }
    }
    sync_dir(plan.dir)?;
    for (temp, target) in &last {
        fs::rename(temp, target).map_err(|e| OutputError::new(target, e))?;
    }
    sync_dir(plan.dir)?;
    remove_scratch(plan.dir, plan.scratch, plan.scratch_dirs)
}

/// Removes the scratch files and directories of a job whose outputs are
/// durably published, then syncs `dir`.
pub(super) fn remove_scratch(
    dir: &Path,
    files: &[PathBuf],
    dirs: &[PathBuf],
) -> Result<(), OutputError> {
    for path in files {
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(OutputError::new(path, e));
            }
            _ => {}
        }
    }
    for path in dirs {
        match fs::remove_dir_all(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(OutputError::new(path, e));
            }
            _ => {}
        }
    }
    sync_dir(dir)
}
