//! Reading a results directory as one set of files, even while a job
//! publishes a new set into it.
//!
//! A publish swaps the whole directory in one step (see [`super::publish`]),
//! but a reader that opens `DIR/manifest.json` and then `DIR/summary.csv` by
//! path can straddle the swap and read the manifest of one set and a CSV of
//! the other. A `ResultsDir` opens the directory once and opens every file
//! relative to that handle, so all its reads come from the same directory;
//! `read_stable` reads again when the path has meanwhile been given a new
//! set (the old one is removed after a swap, and the manifest-last protocol
//! changes files in place), so that what it returns is one set that was
//! current when the read ended.
//!
//! Every file is opened without blocking and refused unless it is a regular
//! file (`crate::input::require_regular`): a shard whose runs.csv is a
//! link to `/dev/zero` is named, not read.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use crate::layout::ResultFile;

/// A file's or directory's identity: its device and inode. Two paths with
/// the same identity (a symlink, a bind mount, an NFS alias, a hard link)
/// are the same file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Identity {
    dev: u64,
    ino: u64,
}

impl Identity {}

/// A file's identity and the time its inode last changed: what tells a
/// directory or a manifest from one made later under the same name, even
/// when the new one reuses the old one's inode number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    identity: Identity,
    changed: (i64, i64),
}

/// How an output directory lies relative to an input directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    /// It is the input directory (by another path, maybe).
    Is,
    /// It is, or would be created, inside the input directory.
    Inside,
    /// It holds the input directory.
    Contains,
}

impl Overlap {
    /// In words: "is", "is inside", "contains".
    pub fn as_str(self) -> &'static str {
        match self {
            Overlap::Is => "is",
            Overlap::Inside => "is inside",
            Overlap::Contains => "contains",
        }
    }
}

/// How the output directory `out` (which may not exist yet) lies relative
/// to the opened input directory `input`, compared by device and inode: a
/// symlink, a bind mount, an NFS or autofs alias or a `..` in the path
/// cannot hide that `out` is the input or lies inside it.
#[doc(hidden)]
pub fn overlap(out: &Path, input: &ResultsDir) -> io::Result<Option<Overlap>> {
    let (base, exists) = nearest_existing(out)?;
    let out_chain = sys::ancestry(&sys::open_dir(&base)?, &base)?;
    let input_chain = sys::ancestry(&input.handle, &input.path)?;
    let (me, input_id) = (out_chain[0], input_chain[0]);
    Ok(if exists && me == input_id {
        Some(Overlap::Is)
    } else if out_chain.contains(&input_id) {
        Some(Overlap::Inside)
    } else if exists && input_chain.contains(&me) {
        Some(Overlap::Contains)
    } else {
        None
    })
}

/// A file of the directory `out` that is a hard link of a file of `input`
/// (the same inode under two names), if there is one.
#[doc(hidden)]
pub fn shared_file(out: &Path, input: &ResultsDir) -> Option<String> {
    let out = ResultsDir::open(out).ok()?;
    let inputs: Vec<Identity> = input
        .entries()
        .ok()?
        .into_iter()
        .filter(|e| !e.is_dir)
        .filter_map(|e| input.identity_of(&e.name))
        .collect();
    out.entries()
        .ok()?
        .into_iter()
        .filter(|e| !e.is_dir)
        .find(|e| {
            out.identity_of(&e.name)
                .is_some_and(|id| inputs.contains(&id))
        })
        .map(|e| e.name)
}

/// The nearest existing directory at or above `path` once `..` and
/// symlinks are resolved as creating `path` would resolve them, and
/// whether that is `path` itself.
fn nearest_existing(path: &Path) -> io::Result<(PathBuf, bool)> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let base = loop {
        match existing.canonicalize() {
            Ok(base) => break base,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let (Some(parent), Some(name)) =
                    (existing.parent(), existing.components().next_back())
                else {
                    return Err(e);
                };
                rest.push(name.as_os_str().to_owned());
                existing = parent;
            }
            Err(e) => return Err(e),
        }
    };
    // Below the base nothing exists, so no component is a symlink: `..`
    // undoes the component before it, as `create_dir_all` would.
    let mut resolved = base.clone();
    for name in rest.iter().rev() {
        if name == ".." {
            resolved.pop();
        } else if name != "." {
            resolved.push(name);
        }
    }
    if resolved == base {
        return Ok((base, true));
    }
    // The nearest existing ancestor of the resolved path.
    let mut at = resolved.as_path();
    while !at.is_dir() {
        at = at.parent().unwrap_or(Path::new("/"));
    }
    let exists = at == resolved;
    Ok((at.canonicalize()?, exists))
}

/// An entry of a results directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Its name.
    pub(crate) name: String,
    /// Whether it is a directory (a symlink counts as what it is, a link).
    pub(crate) is_dir: bool,
}

/// A results directory opened once: every file is read relative to it.
#[derive(Debug)]
#[doc(hidden)]
pub struct ResultsDir {
    path: PathBuf,
    handle: File,
    stamp: Stamp,
    /// The manifest's stamp when the directory was opened, if it had one.
    manifest: Option<Stamp>,
}

impl ResultsDir {
    /// Opens the directory at `path` (following symlinks). Fails with an
    /// error of kind [`io::ErrorKind::NotADirectory`] if it is not one.
    #[doc(hidden)]
    pub fn open(path: &Path) -> io::Result<ResultsDir> {
        let handle = sys::open_dir(path)?;
        let stamp = sys::stamp_of(&handle, path)?;
        let mut dir = ResultsDir {
            path: path.to_path_buf(),
            handle,
            stamp,
            manifest: None,
        };
        dir.manifest = dir.stamp_of(ResultFile::Manifest.name());
        Ok(dir)
    }

    /// The path it was opened by.
    #[doc(hidden)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `name` in the directory, as shown in messages.
    #[doc(hidden)]
    pub fn shown(&self, name: &str) -> String {
        self.path.join(name).display().to_string()
    }

    /// Opens the file `name` of the directory for reading, following
    /// symlinks, refused unless it is a regular file.
    #[doc(hidden)]
    pub fn open_file(&self, name: &str) -> io::Result<File> {
        let file = sys::open_at(&self.handle, &self.path, name)?;
        crate::input::require_regular(&file)?;
        Ok(file)
    }

    /// The file `name` read whole, at most `limit` bytes (`what` names the
    /// limit's purpose in the error).
    pub(crate) fn read(&self, name: &str, limit: u64, what: &str) -> io::Result<Vec<u8>> {
        crate::input::read_opened(self.open_file(name)?, limit, what)
    }

    /// The file `name` as a stream of at most `limit` bytes
    /// ([`crate::input::capped`]).
    pub(crate) fn open_capped(
        &self,
        name: &str,
        limit: u64,
        what: &str,
    ) -> io::Result<io::Take<File>> {
        crate::input::capped(self.open_file(name)?, limit, what)
    }

    /// The JSON file `name` (a manifest, a tally), at most
    /// [`crate::input::MAX_JSON_BYTES`].
    #[doc(hidden)]
    pub fn read_json(&self, name: &str) -> io::Result<Vec<u8>> {
        self.read(
            name,
            crate::input::MAX_JSON_BYTES,
            "a JSON file of a results directory",
        )
    }

    /// The identity of `name` in the directory (following symlinks), if it
    /// exists.
    pub(crate) fn identity_of(&self, name: &str) -> Option<Identity> {
        self.stamp_of(name).map(|s| s.identity)
    }

    fn stamp_of(&self, name: &str) -> Option<Stamp> {
        sys::stamp_at(&self.handle, &self.path, name)
    }

    /// Whether `name` exists in the directory.
    #[doc(hidden)]
    pub fn contains(&self, name: &str) -> bool {
        self.stamp_of(name).is_some()
    }

    /// The entries of the directory, in no particular order.
    pub(crate) fn entries(&self) -> io::Result<Vec<Entry>> {
        sys::entries(&self.handle, &self.path)
    }

    /// Whether the path may now name another set than the one opened:
    /// another directory (a swap), the same directory changed (an entry
    /// added or removed: a publish of the manifest-last protocol, a lock
    /// taken), or another manifest.
    pub(crate) fn replaced(&self) -> bool {
        let now = sys::stamp(&self.path).ok();
        now != Some(self.stamp) || self.stamp_of(ResultFile::Manifest.name()) != self.manifest
    }
}

/// How many times [`read_stable`] reads a directory that keeps being
/// replaced before it returns what it read last.
pub(crate) const STABLE_ATTEMPTS: usize = 64;

/// Opens the results directory at `path` and applies `read` to it, again
/// (up to `STABLE_ATTEMPTS` times) as long as the directory was replaced
/// while it was read; `opened` turns a failure to open it into `E`.
///
/// What it returns was read from one set of files, and that set was the
/// current one when its reading ended (unless it was replaced at every
/// attempt).
#[doc(hidden)]
pub fn read_stable<T, E>(
    path: &Path,
    opened: impl Fn(io::Error) -> E,
    mut read: impl FnMut(&ResultsDir) -> Result<T, E>,
) -> Result<T, E> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let dir = ResultsDir::open(path).map_err(&opened)?;
        let result = read(&dir);
        if attempt >= STABLE_ATTEMPTS || !dir.replaced() {
            return result;
        }
    }
}

#[cfg(unix)]
mod sys {
    //! Files opened relative to a directory handle (`openat`).

    use std::fs::File;
    use std::io;
    use std::os::fd::AsFd;
    use std::path::Path;

    use rustix::fs::{AtFlags, Mode, OFlags};

    use super::{Entry, Identity, Stamp};

    const DIR: OFlags = OFlags::RDONLY
        .union(OFlags::DIRECTORY)
        .union(OFlags::CLOEXEC);

    pub(crate) fn open_dir(path: &Path) -> io::Result<File> {
        Ok(File::from(rustix::fs::open(path, DIR, Mode::empty())?))
    }

    // The fields' types differ between platforms (32 or 64 bits).
    #[allow(clippy::unnecessary_cast)]
    fn stamp_of_stat(st: &rustix::fs::Stat) -> Stamp {
        Stamp {
            identity: Identity {
                dev: st.st_dev as u64,
                ino: st.st_ino as u64,
            },
            changed: (st.st_ctime as i64, st.st_ctime_nsec as i64),
        }
    }

    pub(crate) fn stamp(path: &Path) -> io::Result<Stamp> {
        Ok(stamp_of_stat(&rustix::fs::stat(path)?))
    }

    pub(crate) fn stamp_of(handle: &File, _: &Path) -> io::Result<Stamp> {
        Ok(stamp_of_stat(&rustix::fs::fstat(handle.as_fd())?))
    }

    /// The identities of the directory `dir` and of every directory above
    /// it, following `..` from the handle up to the root.
    pub(crate) fn ancestry(dir: &File, _: &Path) -> io::Result<Vec<Identity>> {
        let mut chain = vec![stamp_of(dir, Path::new(""))?.identity];
        let mut at = rustix::fs::openat(dir.as_fd(), "..", DIR, Mode::empty())?;
        loop {
            let id = stamp_of_stat(&rustix::fs::fstat(&at)?).identity;
            if chain.last() == Some(&id) || chain.len() > 4096 {
                return Ok(chain);
            }
            chain.push(id);
            at = rustix::fs::openat(&at, "..", DIR, Mode::empty())?;
        }
    }

    pub(crate) fn open_at(dir: &File, _: &Path, name: &str) -> io::Result<File> {
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        Ok(File::from(rustix::fs::openat(
            dir.as_fd(),
            name,
            flags,
            Mode::empty(),
        )?))
    }

    pub(crate) fn stamp_at(dir: &File, _: &Path, name: &str) -> Option<Stamp> {
        let st = rustix::fs::statat(dir.as_fd(), name, AtFlags::empty()).ok()?;
        Some(stamp_of_stat(&st))
    }

    pub(crate) fn entries(dir: &File, _: &Path) -> io::Result<Vec<Entry>> {
        let mut out = Vec::new();
        for entry in rustix::fs::Dir::read_from(dir.as_fd())? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "." || name == ".." {
                continue;
            }
            let is_dir = match entry.file_type() {
                rustix::fs::FileType::Directory => true,
                rustix::fs::FileType::Unknown => {
                    rustix::fs::statat(dir.as_fd(), entry.file_name(), AtFlags::SYMLINK_NOFOLLOW)
                        .is_ok_and(|st| {
                            rustix::fs::FileType::from_raw_mode(st.st_mode)
                                == rustix::fs::FileType::Directory
                        })
                }
                _ => false,
            };
            out.push(Entry { name, is_dir });
        }
        Ok(out)
    }
}

#[cfg(not(unix))]
mod sys {
    //! Without `openat`: files opened by path under the directory's path
    //! (a swap is still detected by [`super::ResultsDir::replaced`]'s
    //! manifest check), and identities from canonical paths (no inode
    //! numbers: aliases the platform resolves are still told apart).

    use std::fs::File;
    use std::hash::{Hash, Hasher};
    use std::io;
    use std::path::Path;

    use super::{Entry, Identity, Stamp};

    pub(crate) fn stamp(path: &Path) -> io::Result<Stamp> {
        let changed = std::fs::metadata(path)?
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or((0, 0), |d| {
                (d.as_secs() as i64, i64::from(d.subsec_nanos()))
            });
        Ok(Stamp {
            identity: identity(path)?,
            changed,
        })
    }

    pub(crate) fn stamp_of(_: &File, path: &Path) -> io::Result<Stamp> {
        stamp(path)
    }

    pub(crate) fn ancestry(_: &File, path: &Path) -> io::Result<Vec<Identity>> {
        path.canonicalize()?.ancestors().map(identity).collect()
    }

    pub(crate) fn open_dir(path: &Path) -> io::Result<File> {
        if !std::fs::metadata(path)?.is_dir() {
            return Err(io::Error::from(io::ErrorKind::NotADirectory));
        }
        File::open(path)
    }

    pub(crate) fn open_at(_: &File, dir: &Path, name: &str) -> io::Result<File> {
        File::open(dir.join(name))
    }

    pub(crate) fn stamp_at(_: &File, dir: &Path, name: &str) -> Option<Stamp> {
        stamp(&dir.join(name)).ok()
    }

    pub(crate) fn entries(_: &File, dir: &Path) -> io::Result<Vec<Entry>> {
        std::fs::read_dir(dir)?
            .map(|e| {
                let e = e?;
                Ok(Entry {
                    name: e.file_name().to_string_lossy().into_owned(),
                    is_dir: e.file_type().is_ok_and(|t| t.is_dir()),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_from_the_directory_opened_even_after_a_swap() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        for (dir, text) in [(&a, "old"), (&b, "new")] {
            std::fs::create_dir(dir).unwrap();
            std::fs::write(dir.join("x.csv"), text).unwrap();
            std::fs::write(dir.join(ResultFile::Manifest.name()), text).unwrap();
        }
        let opened = ResultsDir::open(&a).unwrap();
        assert!(!opened.replaced());
        // Swap a and b, as a publish does.
        let c = tmp.path().join("c");
        std::fs::rename(&a, &c).unwrap();
        std::fs::rename(&b, &a).unwrap();
        assert!(opened.replaced());
        assert_eq!(opened.read("x.csv", 10, "a test").unwrap(), b"old");
        let names: Vec<String> = opened
            .entries()
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        let text = read_stable(&a, |e| e, |d| d.read("x.csv", 10, "a test")).unwrap();
        assert_eq!(text, b"new");
    }

    #[test]
    fn a_new_manifest_in_place_counts_as_a_replacement() {
        let tmp = tempfile::tempdir().unwrap();
        let manifest = tmp.path().join(ResultFile::Manifest.name());
        std::fs::write(&manifest, "old").unwrap();
        let opened = ResultsDir::open(tmp.path()).unwrap();
        std::fs::remove_file(&manifest).unwrap();
        assert!(opened.replaced(), "a manifest removed");
        std::fs::write(&manifest, "new").unwrap();
        assert!(opened.replaced(), "a manifest written again");
    }

    #[cfg(unix)]
    #[test]
    fn links_to_devices_and_directories_in_a_results_directory_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", tmp.path().join("runs.csv")).unwrap();
        std::fs::create_dir(tmp.path().join("sub")).unwrap();
        let dir = ResultsDir::open(tmp.path()).unwrap();
        for name in ["runs.csv", "sub"] {
            let e = dir.open_file(name).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{name}: {e}");
        }
        let e = ResultsDir::open(&tmp.path().join("runs.csv")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotADirectory);
        let mut entries = dir.entries().unwrap();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(
            entries,
            [
                Entry {
                    name: "runs.csv".into(),
                    is_dir: false
                },
                Entry {
                    name: "sub".into(),
                    is_dir: true
                }
            ]
        );
    }
}
