//! Shard directories, and merging them into the outputs of the whole batch.
//!
//! A shard (`ceasefire run --shard K/N`) cannot write finished estimates:
//! an interval of a part is not a part of an interval. It writes what merges
//! exactly instead: its rows of runs.csv (header included), the integer
//! [`Tally`] of its runs (tally.json), the exact scenario bytes
//! (scenario.toml, so that a merge needs nothing else) and a manifest saying
//! which shard of which batch it is. [`MergePlan`] checks that a set of
//! shard directories are all the shards of one batch, concatenates their
//! runs.csv rows in run order and adds their tallies; every other output is
//! then written from the merged tally by the same writers a single process
//! uses, so the bytes match by construction.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::checkpoint::BatchKey;
use super::consistency::{Failed, Verify};
use super::manifest::{Manifest, ScenarioSource, ShardRecord, SweepRecord};
use super::results_dir::ResultsDir;
use crate::engine::{Batch, Shard, Tally};
use crate::input::{LineLimit, MAX_LINE_BYTES, MAX_SCENARIO_BYTES, MAX_TALLIES_BYTES};
use crate::layout::ResultFile;
use crate::options::Opt;
use crate::report::runs_header;
use crate::scenario::paths::Assignment;
use crate::scenario::{Scenario, ScenarioError};

/// tally.json (one tally) or tallies.json (a slice of them) as compact JSON
/// with a trailing newline. Integer sums beyond 2⁶⁴ are written as JSON
/// integers, exactly.
#[doc(hidden)]
pub fn to_json_line<T: serde::Serialize + ?Sized>(tallies: &T) -> Vec<u8> {
    let mut v = serde_json::to_vec(tallies).expect("a tally always serialises");
    v.push(b'\n');
    v
}

/// Why shards cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// No directory was given.
    #[error("nothing to merge: give the shard directories")]
    Empty,
    /// A file of a shard cannot be read.
    #[error("{path}: cannot read")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A file of a shard is not what `run --shard` writes.
    #[error("{path}: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// Two shards come from different batches.
    #[error("{first} and {other} are shards of different batches: {}", differences.join("; "))]
    Mismatch {
        /// The first directory given.
        first: String,
        /// The one that differs from it.
        other: String,
        /// What differs (the first's value, then the other's).
        differences: Vec<String>,
    },
    /// The same runs are in two shards.
    #[error("{a} and {b} overlap: both hold shard {shard} (runs {}..{})", runs.start, runs.end)]
    Overlap {
        /// One directory.
        a: String,
        /// The other.
        b: String,
        /// The shard both hold.
        shard: String,
        /// Its runs.
        runs: Range<u64>,
    },
    /// Not every shard of the batch was given.
    #[error("missing shards: {} (of a batch of {runs} runs in {count} shards)", missing.join(", "))]
    Missing {
        /// Each missing shard, with its runs.
        missing: Vec<String>,
        /// N.
        count: u64,
        /// Runs of the batch.
        runs: u64,
    },
    /// The scenario copy of a shard does not validate.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The merged runs.csv cannot be written.
    #[error("cannot write the merged runs.csv")]
    Write(#[source] io::Error),
}

/// One shard directory, opened once (every file of it is read relative to
/// that handle, see [`ResultsDir`]), as its manifest describes it.
#[derive(Debug)]
struct Part {
    dir: ResultsDir,
    manifest: Manifest,
    shard: ShardRecord,
    seed: u64,
    runs: u64,
}

impl Part {
    fn open(path: &Path) -> Result<Part, MergeError> {
        let dir = ResultsDir::open(path).map_err(|source| MergeError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let name = ResultFile::Manifest.name();
        let shown = dir.shown(name);
        let bytes = dir.read_json(name).map_err(|source| MergeError::Read {
            path: shown.clone(),
            source,
        })?;
        let manifest: Manifest =
            serde_json::from_slice(&bytes).map_err(|e| MergeError::Invalid {
                path: shown.clone(),
                reason: format!("not a manifest written by a batch of runs: {e}"),
            })?;
        let (Some(shard), Some(seed), Some(runs)) = (manifest.shard, manifest.seed, manifest.runs)
        else {
            return Err(MergeError::Invalid {
                path: shown,
                reason: format!(
                    "not a shard: the manifest lacks a 'shard', 'seed' or 'runs' key (a shard is a batch run with {})",
                    Opt::Shard
                ),
            });
        };
        let expected = Shard::new(shard.index, shard.count)
            .map(|s| s.runs(runs))
            .map_err(|e| MergeError::Invalid {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
        if shard.runs() != expected {
            return Err(MergeError::Invalid {
                path: shown,
                reason: format!(
                    "shard {}/{} of {} runs holds runs {}..{}, but the manifest says {}..{}",
                    shard.index,
                    shard.count,
                    runs,
                    expected.start,
                    expected.end,
                    shard.first_run,
                    shard.end_run
                ),
            });
        }
        Ok(Part {
            dir,
            manifest,
            shard,
            seed,
            runs,
        })
    }

    /// What the bytes of the merged outputs depend on, whichever shard.
    fn key(&self) -> BatchKey {
        let m = &self.manifest;
        BatchKey {
            model: m.model.clone(),
            versions: m.versions.clone(),
            scenario_sha256: m.scenario.sha256.clone(),
            changes: m.scenario.changes.clone(),
            seed: self.seed,
            runs: self.runs,
            shard: None,
            sweep: m.sweep.clone(),
            point: None,
        }
    }

    /// `name` of the shard, as shown in messages.
    fn shown(&self, name: &str) -> String {
        self.dir.shown(name)
    }

    /// Opens `name` of the shard, or says which file cannot be read.
    fn open_file(&self, name: &str) -> Result<File, MergeError> {
        self.dir.open_file(name).map_err(|source| MergeError::Read {
            path: self.shown(name),
            source,
        })
    }
}

/// A complete, consistent set of shards of one batch, in run order.
#[derive(Debug)]
pub struct MergePlan {
    parts: Vec<Part>,
    /// The scenario the shards ran (from the first shard's scenario.toml).
    pub scenario: Scenario,
    /// Where it came from, as the shards' manifests record it.
    pub source: ScenarioSource,
    /// The scenario file's text (before changes).
    #[doc(hidden)]
    pub text: String,
    /// The scenario copy as named in messages.
    #[doc(hidden)]
    pub origin: String,
    /// The `--set` changes the shards applied.
    #[doc(hidden)]
    pub changes: Vec<Assignment>,
    /// The sweep's design, if the shards are shards of a sweep.
    #[doc(hidden)]
    pub sweep: Option<SweepRecord>,
    /// Master seed.
    pub seed: u64,
    /// Runs of the whole batch (of every point, for a sweep).
    pub runs: u64,
}

impl MergePlan {
    /// Reads the manifests of `dirs` and checks that they are every shard of
    /// one batch, each once: same scenario bytes, seed, runs, model and
    /// crate versions, and shards `1/N … N/N`.
    #[doc(hidden)]
    pub fn open(dirs: &[PathBuf]) -> Result<MergePlan, MergeError> {
        let mut parts = dirs
            .iter()
            .map(|d| Part::open(d))
            .collect::<Result<Vec<_>, _>>()?;
        let first = parts.first().ok_or(MergeError::Empty)?;
        let key = first.key();
        let count = first.shard.count;
        for p in &parts[1..] {
            let mut differences = key.differences(&p.key());
            if p.shard.count != count {
                differences.push(format!("shard count {count} ≠ {}", p.shard.count));
            }
            if !differences.is_empty() {
                return Err(MergeError::Mismatch {
                    first: first.dir.path().display().to_string(),
                    other: p.dir.path().display().to_string(),
                    differences,
                });
            }
        }
        parts.sort_by_key(|p| p.shard.index);
        for w in parts.windows(2) {
            if w[0].shard.index == w[1].shard.index {
                return Err(MergeError::Overlap {
                    a: w[0].dir.path().display().to_string(),
                    b: w[1].dir.path().display().to_string(),
                    shard: format!("{}/{count}", w[0].shard.index),
                    runs: w[0].shard.runs(),
                });
            }
        }
        let runs = key.runs;
        let missing: Vec<String> = (1..=count)
            .filter(|k| parts.binary_search_by_key(k, |p| p.shard.index).is_err())
            .map(|k| {
                let r = Shard::new(k, count).map(|s| s.runs(runs)).unwrap_or(0..0);
                format!("{k}/{count} (runs {}..{})", r.start, r.end)
            })
            .collect();
        if !missing.is_empty() {
            return Err(MergeError::Missing {
                missing,
                count,
                runs,
            });
        }

        let first = &parts[0];
        let name = ResultFile::ScenarioCopy.name();
        let shown = first.shown(name);
        let text = first
            .dir
            .read(name, MAX_SCENARIO_BYTES, "a scenario file")
            .and_then(crate::input::utf8)
            .map_err(|source| MergeError::Read {
                path: shown.clone(),
                source,
            })?;
        let source = first.manifest.scenario.clone();
        let copy = ScenarioSource::new(&source.name, &source.path, &text);
        if copy.sha256 != source.sha256 {
            return Err(MergeError::Invalid {
                path: shown,
                reason: format!(
                    "its sha256 is {}, but the shards ran a scenario of sha256 {}",
                    copy.sha256, source.sha256
                ),
            });
        }
        let changes = source
            .changes
            .iter()
            .map(|c| c.parse::<Assignment>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| MergeError::Invalid {
                path: first.shown(ResultFile::Manifest.name()),
                reason: format!("its scenario changes cannot be read back: {e}"),
            })?;
        let scenario = Scenario::from_toml_with(&text, &shown, &changes)?;
        Ok(MergePlan {
            seed: key.seed,
            runs,
            scenario,
            source,
            text,
            origin: shown,
            changes,
            sweep: key.sweep,
            parts,
        })
    }

    /// The sum of the shards' tallies: the tally of the whole batch. Each
    /// shard's tally is checked first: it is coherent, it is exactly the sum
    /// of the shard's runs.csv rows (read strictly), and a sample of those
    /// rows is what the scenario and seed give when simulated again (see
    /// [`crate::store::consistency`]); the sum is checked arithmetic.
    #[doc(hidden)]
    pub fn tally(&self) -> Result<Tally, MergeError> {
        let mut totals =
            self.sum_tallies(ResultFile::Tally, &[&self.scenario], true, |t: Tally| {
                vec![t]
            })?;
        Ok(totals.pop().unwrap_or_else(|| Tally::new(&self.scenario)))
    }

    /// For shards of a sweep: the sum of the shards' tallies at every point,
    /// whose scenarios are `scenarios` in point order. Each tally is checked
    /// first: it is coherent, and a sample of its runs, simulated again at
    /// its point, fits inside it (see [`crate::store::consistency`]); the
    /// sums are checked arithmetic.
    #[doc(hidden)]
    pub fn point_tallies(&self, scenarios: &[&Scenario]) -> Result<Vec<Tally>, MergeError> {
        self.sum_tallies(ResultFile::Tallies, scenarios, false, |t: Vec<Tally>| t)
    }

    /// Reads `file` of every shard as `T`, a tally per scenario, checks that
    /// each fits its scenario, counts the shard's runs and is what the
    /// shard's runs give (against the shard's runs.csv with `rows`), and
    /// adds them up.
    fn sum_tallies<T: serde::de::DeserializeOwned>(
        &self,
        file: ResultFile,
        scenarios: &[&Scenario],
        rows: bool,
        tallies: impl Fn(T) -> Vec<Tally>,
    ) -> Result<Vec<Tally>, MergeError> {
        let mut total: Vec<Tally> = scenarios.iter().map(|sc| Tally::new(sc)).collect();
        let batches: Vec<Batch> = scenarios
            .iter()
            .map(|sc| Batch::new(sc, self.seed))
            .collect();
        for p in &self.parts {
            let shown = p.shown(file.name());
            let f = p
                .dir
                .open_capped(file.name(), MAX_TALLIES_BYTES, "the tallies of a shard")
                .map_err(|source| MergeError::Read {
                    path: shown.clone(),
                    source,
                })?;
            let invalid = |reason: String| MergeError::Invalid {
                path: shown.clone(),
                reason,
            };
            let read: T = serde_json::from_reader(BufReader::new(f))
                .map_err(|e| invalid(format!("not the {file} of a shard: {e}")))?;
            let read = tallies(read);
            if read.len() != scenarios.len() {
                return Err(invalid(format!(
                    "it holds {} tallies, but the batch has {} points",
                    read.len(),
                    scenarios.len()
                )));
            }
            let r = p.shard.runs();
            let runs_csv = ResultFile::Runs.name();
            let several = scenarios.len() > 1;
            for (i, ((sum, t), (sc, batch))) in total
                .iter_mut()
                .zip(&read)
                .zip(scenarios.iter().zip(&batches))
                .enumerate()
            {
                let point = if several {
                    format!("point {i}: ")
                } else {
                    String::new()
                };
                t.check_fits(sc, r.end - r.start).map_err(|e| {
                    invalid(format!(
                        "{point}not the tally of runs {}..{}: {e}",
                        r.start, r.end
                    ))
                })?;
                let verify = Verify {
                    batch,
                    runs: r.clone(),
                };
                let checked = if rows {
                    verify.tally_and_rows(t, p.open_file(runs_csv)?, None)
                } else {
                    verify.tally_alone(t)
                };
                match checked {
                    Ok(()) => {}
                    Err(Failed::Tally(reason)) => return Err(invalid(format!("{point}{reason}"))),
                    Err(Failed::Rows(reason)) => {
                        return Err(MergeError::Invalid {
                            path: p.shown(runs_csv),
                            reason,
                        });
                    }
                }
                sum.merge(t).map_err(|e| {
                    invalid(format!(
                        "{point}its tally cannot be added to the others: {e}"
                    ))
                })?;
            }
        }
        Ok(total)
    }

    /// Writes runs.csv of the whole batch: the header, then every shard's
    /// rows in run order, copied byte for byte. Checks on the way that each
    /// shard holds exactly its runs, one row each, in order; memory does not
    /// grow with the number of runs.
    #[doc(hidden)]
    pub fn write_runs_csv(&self, out: &mut impl Write) -> Result<(), MergeError> {
        let mut header = runs_header(&self.scenario).join(",");
        header.push('\n');
        out.write_all(header.as_bytes())
            .map_err(MergeError::Write)?;
        let mut line = Vec::with_capacity(256);
        for p in &self.parts {
            let name = ResultFile::Runs.name();
            let shown = p.shown(name);
            let read_err = |source| MergeError::Read {
                path: shown.clone(),
                source,
            };
            let invalid = |reason: String| MergeError::Invalid {
                path: shown.clone(),
                reason,
            };
            let input = LineLimit::new(p.open_file(name)?, MAX_LINE_BYTES, "runs.csv");
            let mut r = BufReader::with_capacity(1 << 16, input);
            line.clear();
            r.read_until(b'\n', &mut line).map_err(read_err)?;
            if line != header.as_bytes() {
                return Err(invalid(format!(
                    "its header is not that of the scenario's runs.csv ({})",
                    header.trim_end()
                )));
            }
            let runs = p.shard.runs();
            let mut expected = runs.start;
            loop {
                line.clear();
                if r.read_until(b'\n', &mut line).map_err(read_err)? == 0 {
                    break;
                }
                let run = line.split(|&b| b == b',').next().unwrap_or_default();
                let ok = line.ends_with(b"\n")
                    && expected < runs.end
                    && run == expected.to_string().as_bytes();
                if !ok {
                    return Err(invalid(format!(
                        "row {} is not a complete row of run {expected} (the shard holds runs {}..{})",
                        expected - runs.start + 1,
                        runs.start,
                        runs.end
                    )));
                }
                out.write_all(&line).map_err(MergeError::Write)?;
                expected += 1;
            }
            if expected != runs.end {
                return Err(invalid(format!(
                    "it ends at run {expected}, but the shard holds runs {}..{}",
                    runs.start, runs.end
                )));
            }
        }
        Ok(())
    }

    /// The shard directories, in run order.
    pub fn dirs(&self) -> impl Iterator<Item = &Path> {
        self.parts.iter().map(|p| p.dir.path())
    }

    /// The shard directories as opened, in run order: checks of them (a
    /// verification, their identities) see the files the plan reads.
    #[doc(hidden)]
    pub fn opened(&self) -> impl Iterator<Item = &ResultsDir> {
        self.parts.iter().map(|p| &p.dir)
    }

    /// Fails if a shard directory's path names another set of files than
    /// the one the plan read (a job republished it meanwhile).
    #[doc(hidden)]
    pub fn refuse_replaced(&self) -> Result<(), MergeError> {
        match self.parts.iter().find(|p| p.dir.replaced()) {
            None => Ok(()),
            Some(p) => Err(MergeError::Invalid {
                path: p.dir.path().display().to_string(),
                reason: "it was written again while it was being merged: merge again once the job writing it has ended".into(),
            }),
        }
    }
}
