//! Merging shards (`ceasefire merge`): the shards of a batch or of a sweep,
//! combined into the files one process would have written, byte for byte.

use std::path::{Path, PathBuf};

use super::sweep::SweepPoints;
use super::write::{write_sweep_files, write_tables};
use super::{Execution, JobError};
use crate::scenario::Scenario;
use crate::scenario::paths::{ParamPath, ScenarioDoc};
use crate::store::layout::ResultFile;
use crate::store::shard::{MergeError, MergePlan};
use crate::store::{Manifest, StagedDir, SweepRecord};

/// A merge, as `ceasefire merge` performs it.
#[derive(Debug, Clone)]
pub struct MergeJob {
    /// The shard directories, in any order.
    pub dirs: Vec<PathBuf>,
    /// The directory of the merged outputs.
    pub out: PathBuf,
    /// Also draw the charts.
    pub plots: bool,
    /// The command line for the manifest.
    pub exec: Execution,
}

/// What a merge wrote.
#[derive(Debug)]
pub struct MergeDone {
    /// The shards' plan: scenario, seed, runs, directories.
    pub plan: MergePlan,
    /// The files written.
    pub files: Vec<String>,
    /// For a sweep, its number of points.
    pub points: Option<usize>,
}

impl MergeJob {
    /// Checks the shards and writes the merged outputs.
    pub fn run(&self) -> Result<MergeDone, JobError> {
        for dir in &self.dirs {
            crate::store::verify::refuse_file(dir).map_err(|e| JobError::Invalid(e.to_string()))?;
        }
        let plan = MergePlan::open(&self.dirs)?;
        refuse_overlapping_out(&self.out, plan.dirs())?;
        let warnings = self.exec.warnings(plan.scenario.warnings().to_vec())?;
        let mut staged = StagedDir::results(&self.out, self.exec.force)?;
        let mut manifest = Manifest::monte_carlo(
            plan.source.clone(),
            plan.seed,
            plan.runs,
            &self.exec.command_line,
        );
        manifest.warnings = warnings;
        if let Some(sweep) = plan.sweep.clone() {
            return self.merge_sweep(plan, &sweep, staged, manifest);
        }
        let mut runs_csv = staged.file(ResultFile::Runs.name())?;
        plan.write_runs_csv(&mut runs_csv)?;
        runs_csv.finish()?;
        let tally = plan.tally()?;
        verify_shards(&self.dirs)?;
        let first = [ResultFile::Runs];
        let files = write_tables(staged, &plan.scenario, &tally, self.plots, manifest, &first)?;
        Ok(MergeDone {
            plan,
            files,
            points: None,
        })
    }

    /// Merges the shards of a sweep: rebuilds its points from the values
    /// its shards recorded, exactly as the sweep built them, adds up each
    /// point's tallies and writes the sweep's files with the sweep's writer.
    fn merge_sweep(
        &self,
        plan: MergePlan,
        sweep: &SweepRecord,
        staged: StagedDir,
        mut manifest: Manifest,
    ) -> Result<MergeDone, JobError> {
        let invalid = |reason: String| {
            JobError::Merge(MergeError::Invalid {
                path: plan_manifest(&plan),
                reason,
            })
        };
        if sweep.points.is_empty() {
            return Err(invalid(
                "it records no point values (a shard written by an earlier version): run the shards again".into(),
            ));
        }
        let paths = sweep
            .paths
            .iter()
            .map(|p| p.parse::<ParamPath>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(format!("its paths cannot be read back: {e}")))?;
        let mut labels = sweep.labels.clone();
        labels.resize(paths.len(), None);
        let doc = ScenarioDoc::parse(&plan.text, &plan.origin)?;
        let points = SweepPoints::new(&doc, &plan.changes, paths, labels, sweep.points.clone())?;
        // The manifest of the whole sweep records its design, not its points.
        manifest.sweep = None;
        manifest.warnings = points.warnings(&plan.scenario);
        let only: Vec<&Scenario> = points.points.iter().map(|(_, sc)| sc).collect();
        let tallies: Vec<_> = plan
            .point_tallies(&only)?
            .into_iter()
            .map(|t| (plan.runs, t))
            .collect();
        let results = points.results(&tallies);
        manifest.runs = Some(results.iter().map(|p| p.runs).sum());
        verify_shards(&self.dirs)?;
        let name = &plan.source.name;
        let files = write_sweep_files(staged, &points.paths, &results, name, manifest, self.plots)?;
        Ok(MergeDone {
            files,
            points: Some(results.len()),
            plan,
        })
    }
}

/// Refuses an `--out` that is, contains or lies inside one of the shard
/// directories `inputs`, however it is spelled (`s2/../s1`, a symlink to
/// `s1`, a directory that does not exist yet under `s1`): paths are compared
/// after resolving symlinks and `..`, so that a merge can never overwrite
/// or remove what it reads.
fn refuse_overlapping_out<'a>(
    out: &Path,
    inputs: impl Iterator<Item = &'a Path>,
) -> Result<(), JobError> {
    let unusable = |e: std::io::Error| {
        JobError::Invalid(format!(
            "--out {}: not a usable directory: {e}",
            out.display()
        ))
    };
    let resolved = resolve(out).map_err(unusable)?;
    for dir in inputs {
        let input = dir.canonicalize().map_err(|e| {
            JobError::Merge(MergeError::Read {
                path: dir.display().to_string(),
                source: e,
            })
        })?;
        let relation = if resolved == input {
            "is"
        } else if resolved.starts_with(&input) {
            "is inside"
        } else if input.starts_with(&resolved) {
            "contains"
        } else {
            continue;
        };
        return Err(JobError::Invalid(format!(
            "--out {} {relation} the shard directory {} (both are {}); merge into a directory apart from every shard",
            out.display(),
            dir.display(),
            if relation == "is" {
                resolved.display().to_string()
            } else {
                format!("{} and {}", resolved.display(), input.display())
            }
        )));
    }
    Ok(())
}

/// `path` with every symlink and `..` resolved, also when it does not exist
/// yet: its nearest existing ancestor is canonicalised, and the components
/// below it (which do not exist, so none is a symlink) are applied to it in
/// order, as creating the directory would.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let base = loop {
        match existing.canonicalize() {
            Ok(base) => break base,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
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
    let mut resolved = base;
    for name in rest.iter().rev() {
        if name == ".." {
            resolved.pop();
        } else if name != "." {
            resolved.push(name);
        }
    }
    Ok(resolved)
}

/// Refuses shard directories whose files are not those their manifests
/// list (edited, truncated, swapped or missing), naming them. Called once
/// every shard has been read (so that a damaged row or tally is named by the
/// plan's own, more specific check) and before anything is published.
fn verify_shards(dirs: &[PathBuf]) -> Result<(), JobError> {
    dirs.iter().try_for_each(|dir| verify_shard(dir))
}

/// [`verify_shards`] of one directory.
fn verify_shard(dir: &Path) -> Result<(), JobError> {
    let v = crate::store::verify(dir).map_err(|e| JobError::Invalid(e.to_string()))?;
    if v.listed_ok() {
        return Ok(());
    }
    let differ = v.differ.iter().map(|(name, want, found)| {
        format!(
            "{} differs from what its manifest.json records (sha256 {want}, found {found})",
            dir.join(name).display()
        )
    });
    let missing = v
        .missing
        .iter()
        .map(|name| format!("{} is missing", dir.join(name).display()));
    let problems: Vec<String> = differ.chain(missing).collect();
    Err(JobError::Invalid(format!(
        "{}; the shard cannot be merged (see `ceasefire verify {}`)",
        problems.join("; "),
        dir.display()
    )))
}

/// The manifest of the first shard, as named in messages.
fn plan_manifest(plan: &MergePlan) -> String {
    plan.dirs()
        .next()
        .unwrap_or(Path::new("."))
        .join(ResultFile::Manifest.name())
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Shard;
    use crate::experiment::read_design_file;
    use crate::job::{LoadedScenario, SweepDesign, SweepJob, SweepMode};

    /// A design made elsewhere, of three points over two paths.
    fn design() -> SweepDesign {
        let csv = "monitoring.detection,party.isis.rate\n0.4,1.5\n0.9,0.25\n0.65,3\n";
        let file = read_design_file("design.csv", csv.as_bytes()).unwrap();
        SweepDesign::File {
            name: "design.csv".into(),
            file,
        }
    }

    fn sweep(out: &Path, shard: Option<Shard>) -> SweepJob {
        let loaded = LoadedScenario::builtin(&[]).unwrap();
        let mut job = SweepJob::new(loaded, design(), 11, 600);
        if let Some(shard) = shard {
            job.mode = SweepMode::Shard {
                runs: 600,
                shard,
                resume: false,
            };
        }
        job.out = Some(out.to_path_buf());
        job
    }

    /// Issue 30: shards record their points, so a sweep of a design file
    /// can be sharded, and its merge is the one sweep's bytes.
    #[test]
    fn shards_of_a_design_file_merge_into_the_bytes_of_one_sweep() {
        let tmp = tempfile::tempdir().unwrap();
        let one = tmp.path().join("one");
        sweep(&one, None).run(&()).unwrap();
        let mut dirs = Vec::new();
        for k in 1..=2 {
            let dir = tmp.path().join(format!("s{k}"));
            sweep(&dir, Some(Shard::new(k, 2).unwrap()))
                .run(&())
                .unwrap();
            dirs.push(dir);
        }
        let merged = tmp.path().join("merged");
        let job = MergeJob {
            dirs,
            out: merged.clone(),
            plots: false,
            exec: Execution::default(),
        };
        assert_eq!(job.run().unwrap().points, Some(3));
        for f in [ResultFile::Sweep, ResultFile::Points] {
            let read = |d: &Path| std::fs::read(d.join(f.name())).unwrap();
            assert_eq!(read(&one), read(&merged), "{f}");
        }
    }
}
