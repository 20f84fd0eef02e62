//! Checking a results directory against its manifest (`ceasefire verify`).
//!
//! A manifest lists every file it covers with its SHA-256. A directory
//! verifies when every listed file is there with those bytes and no other
//! file sits beside them; anything else is named: the files that differ,
//! those that are missing and those that are not listed. Hidden files
//! (ceasefire's checkpoints and locks, or a user's) and subdirectories (the
//! shards of a batch) are not results and are not judged. `merge` verifies
//! every shard before reading it.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::digest::sha256_opened;
use super::results_dir::{ResultsDir, read_stable};
use crate::layout::ResultFile;

/// Why a directory cannot be verified at all.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The path is not a directory.
    #[error(
        "{path} is {what}, not a directory: a results directory (written by run, sweep, merge, exact, compare, sensitivity, discover or fit) is needed"
    )]
    NotADirectory {
        /// The path.
        path: String,
        /// What it is: "a file", "missing"…
        what: &'static str,
    },
    /// The manifest cannot be read.
    #[error("{path}: {reason}")]
    Manifest {
        /// The manifest.
        path: String,
        /// Why.
        reason: String,
    },
}

/// What verifying a directory found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// The directory.
    #[doc(hidden)]
    pub dir: PathBuf,
    /// Listed files whose bytes match.
    pub matching: Vec<String>,
    /// Listed files whose bytes differ: (name, digest listed, digest found,
    /// or why it could not be read).
    #[doc(hidden)]
    pub differ: Vec<(String, String, String)>,
    /// Listed files that are not there.
    #[doc(hidden)]
    pub missing: Vec<String>,
    /// Files in the directory that the manifest does not list.
    pub(crate) unlisted: Vec<String>,
}

impl Verification {
    /// The directory verified.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the directory is exactly what its manifest says.
    pub fn is_ok(&self) -> bool {
        self.differ.is_empty() && self.missing.is_empty() && self.unlisted.is_empty()
    }

    /// Whether every listed file is there with its bytes (files that are
    /// not listed aside).
    #[doc(hidden)]
    pub fn listed_ok(&self) -> bool {
        self.differ.is_empty() && self.missing.is_empty()
    }

    /// One line per problem: `differs: NAME …`, `missing: NAME`,
    /// `unlisted: NAME`.
    pub fn problems(&self) -> Vec<String> {
        let differ = self.differ.iter().map(|(n, want, found)| {
            format!("differs: {n} (manifest sha256 {want}, found {found})")
        });
        let missing = self.missing.iter().map(|n| format!("missing: {n}"));
        let unlisted = self.unlisted.iter().map(|n| format!("unlisted: {n}"));
        differ.chain(missing).chain(unlisted).collect()
    }
}

/// The manifest's view: which files, with which digests.
#[derive(serde::Deserialize)]
struct Listed {
    files: Vec<String>,
    #[serde(default)]
    sha256: BTreeMap<String, String>,
}

/// Fails unless `dir` is a directory, saying what it is instead.
#[doc(hidden)]
pub fn require_dir(dir: &Path) -> Result<(), VerifyError> {
    let what = match fs::metadata(dir) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => "a file",
        Err(_) => "missing",
    };
    Err(VerifyError::NotADirectory {
        path: dir.display().to_string(),
        what,
    })
}

/// Fails if `path` is a file (where a results directory is expected); a
/// missing path is left to the caller's own message.
#[doc(hidden)]
pub fn refuse_file(path: &Path) -> Result<(), VerifyError> {
    if path.is_file() {
        return require_dir(path);
    }
    Ok(())
}

/// Checks the results directory `dir` against its manifest.json.
///
/// The directory is opened once and every file is read relative to it, and
/// read again if a job published a new set into it meanwhile
/// (`read_stable`): what is judged is one set, never the manifest of one
/// publish and a CSV of the next.
pub fn verify(dir: &Path) -> Result<Verification, VerifyError> {
    require_dir(dir)?;
    let not_a_dir = |_| VerifyError::NotADirectory {
        path: dir.display().to_string(),
        what: "missing",
    };
    read_stable(dir, not_a_dir, verify_opened)
}

/// [`verify`] of a directory already opened.
#[doc(hidden)]
pub fn verify_opened(dir: &ResultsDir) -> Result<Verification, VerifyError> {
    let manifest = ResultFile::Manifest.name();
    let bad = |reason: String| VerifyError::Manifest {
        path: dir.shown(manifest),
        reason,
    };
    let bytes = dir.read_json(manifest).map_err(|e| {
        bad(format!(
            "cannot read ({e}): a results directory of ceasefire holds a manifest.json (if a job is publishing it, wait for the job to end)"
        ))
    })?;
    let listed: Listed = serde_json::from_slice(&bytes)
        .map_err(|e| bad(format!("not a manifest written by ceasefire ({e})")))?;
    let unsigned: Vec<&String> = listed
        .files
        .iter()
        .filter(|n| *n != manifest && !listed.sha256.contains_key(*n))
        .collect();
    if !unsigned.is_empty() {
        let names: Vec<&str> = unsigned.iter().map(|s| s.as_str()).collect();
        return Err(bad(format!(
            "lists {} without a SHA-256 (written by an older ceasefire?): nothing to verify them against; write the directory again",
            names.join(", ")
        )));
    }
    let mut v = Verification {
        dir: dir.path().to_path_buf(),
        ..Verification::default()
    };
    for name in listed.files.iter().filter(|n| *n != manifest) {
        let want = &listed.sha256[name];
        let found = dir.open_file(name).and_then(|f| sha256_opened(f, None));
        match found {
            Ok(found) if &found == want => v.matching.push(name.clone()),
            Ok(found) => v.differ.push((name.clone(), want.clone(), found)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => v.missing.push(name.clone()),
            Err(e) => v
                .differ
                .push((name.clone(), want.clone(), format!("unreadable: {e}"))),
        }
    }
    let entries = dir
        .entries()
        .map_err(|e| bad(format!("cannot list the directory: {e}")))?;
    for entry in entries {
        if entry.name.starts_with('.') || entry.is_dir || listed.files.contains(&entry.name) {
            continue;
        }
        v.unlisted.push(entry.name);
    }
    v.unlisted.sort();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::digest::sha256_hex;

    /// A results directory holding `x.csv` with `text`, and its manifest.
    fn results_dir(path: &Path, text: &str) {
        fs::create_dir(path).unwrap();
        fs::write(path.join("x.csv"), text).unwrap();
        let manifest = serde_json::json!({
            "files": ["x.csv", "manifest.json"],
            "sha256": { "x.csv": sha256_hex(text.as_bytes()) },
        });
        fs::write(path.join("manifest.json"), manifest.to_string()).unwrap();
    }

    /// Issue 31: a directory swapped for another after it was opened (as a
    /// publish does) is still judged as the set that was opened, and a
    /// verification by path sees the new set whole.
    #[test]
    fn a_swap_after_the_open_is_judged_as_the_set_opened() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, new, old) = (
            tmp.path().join("d"),
            tmp.path().join("new"),
            tmp.path().join("old"),
        );
        results_dir(&dir, "seed 1\n");
        results_dir(&new, "seed 2\n");
        let opened = ResultsDir::open(&dir).unwrap();
        fs::rename(&dir, &old).unwrap();
        fs::rename(&new, &dir).unwrap();
        let v = verify_opened(&opened).unwrap();
        assert!(v.is_ok(), "{:?}", v.problems());
        assert!(opened.replaced());
        // What a reader by path would have mixed: the old manifest with the
        // new file.
        fs::copy(old.join("manifest.json"), tmp.path().join("m")).unwrap();
        let v = verify(&dir).unwrap();
        assert!(v.is_ok(), "{:?}", v.problems());
        fs::copy(tmp.path().join("m"), dir.join("manifest.json")).unwrap();
        let v = verify(&dir).unwrap();
        assert_eq!(v.differ.len(), 1, "a mixture is named: {:?}", v.problems());
    }
}
