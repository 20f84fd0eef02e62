//! Merging shards (`ceasefire merge`): the shards of a batch or of a sweep,
//! combined into the files one process would have written, byte for byte.

use std::path::{Path, PathBuf};

use super::sweep::SweepPoints;
use super::write::{write_sweep_files, write_tables};
use super::{Execution, JobError, OutRefusal};
use crate::layout::ResultFile;
use crate::scenario::Scenario;
use crate::scenario::paths::{ParamPath, ScenarioDoc};
use crate::store::results_dir::{ResultsDir, overlap, shared_file};
use crate::store::shard::{MergeError, MergePlan};
use crate::store::{Manifest, StagedDir, SweepRecord};

/// A merge, as `ceasefire merge` performs it.
#[derive(Debug, Clone)]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct MergeDone {
    /// The shards' plan: scenario, seed, runs, directories.
    pub plan: MergePlan,
    /// The files written.
    pub files: Vec<String>,
    /// For a sweep, its number of points.
    pub points: Option<usize>,
}

impl MergeJob {
    /// The merge of the shard directories `dirs` into `out`, without
    /// charts.
    pub fn new(dirs: Vec<PathBuf>, out: PathBuf) -> Self {
        MergeJob {
            dirs,
            out,
            plots: false,
            exec: Execution::default(),
        }
    }

    /// Checks the shards and writes the merged outputs.
    ///
    /// Every shard is read and checked (its tally against its rows, its
    /// files against its manifest) before the output directory is touched,
    /// so a shard that cannot be merged leaves nothing behind.
    pub fn run(&self) -> Result<MergeDone, JobError> {
        for dir in &self.dirs {
            crate::store::verify::refuse_file(dir)?;
        }
        let plan = MergePlan::open(&self.dirs)?;
        refuse_overlapping_out(&self.out, &plan)?;
        let warnings = self.exec.warnings(plan.scenario.warnings().to_vec())?;
        let mut manifest = Manifest::monte_carlo(
            plan.source.clone(),
            plan.seed,
            plan.runs,
            &self.exec.command_line,
        );
        manifest.warnings = warnings;
        if let Some(sweep) = plan.sweep.clone() {
            return self.merge_sweep(plan, &sweep, manifest);
        }
        let tally = checked(&plan, |plan| {
            let tally = plan.tally()?;
            verify_shards(plan)?;
            Ok(tally)
        })?;
        let mut staged = StagedDir::results(&self.out, self.exec.force)?;
        let mut runs_csv = staged.file(ResultFile::Runs.name())?;
        checked(&plan, |plan| Ok(plan.write_runs_csv(&mut runs_csv)?))?;
        runs_csv.finish()?;
        plan.refuse_replaced()?;
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
        let tallies = checked(&plan, |plan| {
            let tallies = plan.point_tallies(&only)?;
            verify_shards(plan)?;
            Ok(tallies)
        })?;
        let tallies: Vec<_> = tallies.into_iter().map(|t| (plan.runs, t)).collect();
        let results = points.results(&tallies);
        manifest.runs = Some(results.iter().map(|p| p.runs).sum());
        plan.refuse_replaced()?;
        let staged = StagedDir::results(&self.out, self.exec.force)?;
        let name = &plan.source.name;
        let files = write_sweep_files(staged, &points.paths, &results, name, manifest, self.plots)?;
        Ok(MergeDone {
            files,
            points: Some(results.len()),
            plan,
        })
    }
}

/// `read` of the plan; if it fails because a shard was republished while it
/// was read (its files then vanish from under the plan), says that instead.
fn checked<T>(
    plan: &MergePlan,
    read: impl FnOnce(&MergePlan) -> Result<T, JobError>,
) -> Result<T, JobError> {
    read(plan).or_else(|e| {
        plan.refuse_replaced()?;
        Err(e)
    })
}

/// Refuses an `--out` that is, contains or lies inside one of the shard
/// directories, however it is reached (`s2/../s1`, a symlink, a bind mount,
/// an NFS or autofs alias, a directory not made yet under `s1`), and one
/// whose files are hard links of a shard's: directories are compared by
/// device and inode, so that a merge can never overwrite or remove what it
/// reads.
fn refuse_overlapping_out(out: &Path, plan: &MergePlan) -> Result<(), JobError> {
    for dir in plan.opened() {
        let shard = dir.path();
        let found = overlap(out, dir).map_err(|source| OutRefusal::Unusable {
            out: out.to_path_buf(),
            source,
        })?;
        if let Some(relation) = found {
            return Err(OutRefusal::OverlapsShard {
                out: out.to_path_buf(),
                shard: shard.to_path_buf(),
                relation,
            }
            .into());
        }
        if let Some(file) = shared_file(out, dir) {
            return Err(OutRefusal::LinksShard {
                out: out.to_path_buf(),
                shard: shard.to_path_buf(),
                file,
            }
            .into());
        }
    }
    Ok(())
}

/// Refuses shard directories whose files are not those their manifests
/// list (edited, truncated, swapped or missing), naming them. Called once
/// every shard has been read (so that a damaged row or tally is named by the
/// plan's own, more specific check) and before anything is published; reads
/// the directories the plan opened.
fn verify_shards(plan: &MergePlan) -> Result<(), JobError> {
    plan.opened().try_for_each(verify_shard)
}

/// [`verify_shards`] of one directory.
fn verify_shard(opened: &ResultsDir) -> Result<(), JobError> {
    let v = crate::store::verify::verify_opened(opened)?;
    match v.listed_ok() {
        true => Ok(()),
        false => Err(JobError::ShardDamaged(Box::new(v))),
    }
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
