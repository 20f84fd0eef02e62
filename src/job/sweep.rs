//! A sweep (`ceasefire sweep`): a scenario evaluated over a grid or Latin
//! hypercube of parameter values, every point on the same run seeds, with a
//! checkpoint per completed point (and `--resume`), or one shard of every
//! point.

use std::path::PathBuf;

use rayon::prelude::*;

use super::batch::PrecisionTarget;
use super::interrupt::resume_command;
use super::write::{write_shard, write_sweep_files};
use super::{Execution, JobError, LoadedScenario, Progress, default_dir, shard_dir};
use crate::engine::{Batch, ProgressFn, Shard, Tally};
use crate::experiment::{Design, DesignFile, Vary, labels_of, run_to_precision};
use crate::report::experiment::SweepPoint;
use crate::scenario::Scenario;
use crate::scenario::paths::{Assignment, ParamPath, parse_value};
use crate::stats::summary::summary_rows;
use crate::store::checkpoint::{BatchKey, PointCheckpoints, PointKey};
use crate::store::layout::{ResultFile, SWEEP_SHARD};
use crate::store::shard::to_json_line;
use crate::store::{Manifest, ShardRecord, StagedDir, SweepRecord};

/// The points of a sweep, each with its values and its scenario: the base
/// scenario text with `changes`, then the varied paths set to the point's
/// values. Every point's scenario is built and validated before any run, so
/// a bad value is refused before work starts. Integer keys take rounded
/// values. `merge` rebuilds a sweep's points with this same function.
pub fn point_scenarios(
    text: &str,
    origin: &str,
    changes: &[Assignment],
    vary: &[Vary],
    design: Design,
    seed: u64,
) -> Result<PointScenarios, JobError> {
    let paths: Vec<_> = vary.iter().map(|v| v.path.clone()).collect();
    let points = design
        .points(vary, seed)
        .map_err(|e| JobError::Invalid(e.to_string()))?;
    scenarios_at(text, origin, changes, &paths, &labels_of(vary), points)
}

/// The scenario of every point: `changes`, then `paths` set to the point's
/// values (integer keys rounded; for a categorical path, whose `labels` are
/// given, the word at the value's position, set as `--set` would), as
/// [`point_scenarios`] builds them.
pub fn scenarios_at(
    text: &str,
    origin: &str,
    changes: &[Assignment],
    paths: &[ParamPath],
    labels: &[Option<Vec<String>>],
    points: Vec<Vec<f64>>,
) -> Result<PointScenarios, JobError> {
    // The count first, before a scenario is built for any point.
    crate::scenario::limits::check_sweep(points.len(), 0).map_err(JobError::Invalid)?;
    points
        .into_iter()
        .map(|values| {
            let values: Vec<f64> = values
                .iter()
                .zip(paths)
                .map(|(x, p)| if p.is_integer() { x.round() } else { *x })
                .collect();
            let mut all = changes.to_vec();
            let words = labels.iter().chain(std::iter::repeat(&None));
            all.extend(
                paths
                    .iter()
                    .zip(&values)
                    .zip(words)
                    .map(|((path, x), words)| {
                        let word = words.as_ref().and_then(|w| w.get(*x as usize));
                        Assignment {
                            path: path.clone(),
                            value: word.map_or_else(|| path.value(*x), |w| parse_value(w)),
                        }
                    }),
            );
            let sc = Scenario::from_toml_with(text, origin, &all)?;
            Ok((values, sc))
        })
        .collect::<Result<PointScenarios, JobError>>()
        .and_then(|points| {
            let bytes = points.iter().map(|(_, sc)| tally_bytes(sc)).sum();
            crate::scenario::limits::check_sweep(points.len(), bytes).map_err(JobError::Invalid)?;
            Ok(points)
        })
}

/// [`crate::scenario::limits::tally_bytes`] of a point's scenario.
fn tally_bytes(sc: &Scenario) -> u64 {
    let (h, q, p) = (sc.horizon_days(), sc.parties().len(), sc.phases().len());
    crate::scenario::limits::tally_bytes(h.into(), q as u64, p as u64, sc.max_window().into())
}

/// Every point's values and its scenario, in point order.
pub type PointScenarios = Vec<(Vec<f64>, Scenario)>;

/// The warnings of a sweep: the scenario's, then those of points whose
/// changed scenario warns of more.
pub(super) fn sweep_warnings(base: &Scenario, scenarios: &[(Vec<f64>, Scenario)]) -> Vec<String> {
    let base = base.warnings();
    let mut warnings = base.to_vec();
    for (k, (_, sc)) in scenarios.iter().enumerate() {
        for w in sc.warnings().iter().filter(|w| !base.contains(w)) {
            warnings.push(format!("point {k}: {w}"));
        }
    }
    warnings
}

/// The summary rows of every point, from their tallies; `labels` are the
/// words of categorical paths ([`labels_of`]).
pub(super) fn sweep_points(
    scenarios: &[(Vec<f64>, Scenario)],
    tallies: &[(u64, Tally)],
    labels: &[Option<Vec<String>>],
) -> Vec<SweepPoint> {
    scenarios
        .iter()
        .zip(tallies)
        .map(|((values, sc), (runs, tally))| SweepPoint {
            values: values.clone(),
            words: values
                .iter()
                .zip(labels.iter().chain(std::iter::repeat(&None)))
                .map(|(x, w)| w.as_ref().and_then(|w| w.get(*x as usize)).cloned())
                .collect(),
            runs: *runs,
            rows: summary_rows(sc, tally),
        })
        .collect()
}

/// A sweep, as `ceasefire sweep` performs it.
#[derive(Debug, Clone)]
pub struct SweepJob {
    /// The scenario (with the changes applied at every point).
    pub loaded: LoadedScenario,
    /// The varied parameters (none with a design file).
    pub vary: Vec<Vary>,
    /// How points are chosen from `vary` (ignored with a design file).
    pub design: Design,
    /// A design made elsewhere (SALib, the EMA Workbench, R), named as in
    /// messages: its columns are the paths, its rows the points, run in
    /// file order.
    pub design_file: Option<(String, DesignFile)>,
    /// Master seed, the same at every point.
    pub seed: u64,
    /// Runs at every point.
    pub runs: u64,
    /// Instead of `runs`, run every point to a precision.
    pub precision: Option<PrecisionTarget>,
    /// Only this shard of every point's runs.
    pub shard: Option<Shard>,
    /// Continue from the checkpoints of completed points.
    pub resume: bool,
    /// Also draw sweep.svg.
    pub plots: bool,
    /// Output directory (default: [`SweepJob::default_out`]).
    pub out: Option<PathBuf>,
    /// For tests of crash safety: abort after this many point checkpoints
    /// (see [`crate::store::checkpoint::CheckpointPolicy::abort_after`]).
    pub abort_after_checkpoints: Option<u32>,
    /// Threads and the command line for the manifest.
    pub exec: Execution,
}

/// What a sweep found and wrote.
#[derive(Debug)]
pub struct SweepDone {
    /// The directory written.
    pub dir: PathBuf,
    /// The files written, in manifest order.
    pub files: Vec<String>,
    /// The varied paths.
    pub paths: Vec<ParamPath>,
    /// Every point with its summary rows (empty for a shard).
    pub points: Vec<SweepPoint>,
    /// Number of points.
    pub point_count: usize,
    /// Points taken from checkpoints, when resuming (`None` without
    /// `resume`).
    pub resumed_points: Option<usize>,
    /// For a shard: which runs of every point it holds.
    pub shard: Option<ShardRecord>,
    /// Every warning, as the manifest records it: the scenario's, then
    /// those of points whose changed scenario warns of more.
    pub warnings: Vec<String>,
}

impl SweepJob {
    /// `results/<scenario file stem>-sweep/`, or its `shard-K-of-N/`.
    pub fn default_out(&self) -> PathBuf {
        let dir = default_dir(&format!("{}-sweep", self.loaded.stem));
        shard_dir(dir, self.shard)
    }

    /// The output directory.
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.default_out())
    }

    /// The design as a shard's manifest and a checkpoint record it.
    fn record(&self) -> SweepRecord {
        match &self.design_file {
            Some((name, file)) => SweepRecord {
                vary: file.paths.iter().map(ToString::to_string).collect(),
                design: format!("file:{name}"),
            },
            None => SweepRecord {
                vary: self.vary.iter().map(ToString::to_string).collect(),
                design: self.design.to_string(),
            },
        }
    }

    /// The varied paths and every point with its scenario. Every error (an
    /// unknown path, a bad value) comes before anything is written.
    fn points(&self) -> Result<(Vec<ParamPath>, PointScenarios), JobError> {
        let l = &self.loaded;
        match &self.design_file {
            Some((name, file)) => {
                if !self.vary.is_empty() {
                    return Err(JobError::Invalid(format!(
                        "--vary is not used with --design {name}: the file's columns are the paths"
                    )));
                }
                if self.shard.is_some() {
                    return Err(JobError::Invalid(format!(
                        "--shard is not available with --design {name} (merge rebuilds a sweep's points from --vary and a generated design)"
                    )));
                }
                let (points, paths) = (file.points.clone(), &file.paths);
                let none = vec![None; paths.len()];
                let scenarios = scenarios_at(&l.text, &l.origin, &l.changes, paths, &none, points)
                    .map_err(|e| {
                        JobError::Invalid(format!(
                            "{name}: a point of the design cannot be used: {e}"
                        ))
                    })?;
                Ok((file.paths.clone(), scenarios))
            }
            None => {
                if self.vary.is_empty() {
                    return Err(JobError::Invalid(
                        "--vary is required (PATH=LO:HI:STEPS, repeatable) unless --design is a FILE.csv".into(),
                    ));
                }
                let paths = self.vary.iter().map(|v| v.path.clone()).collect();
                let scenarios = point_scenarios(
                    &l.text,
                    &l.origin,
                    &l.changes,
                    &self.vary,
                    self.design,
                    self.seed,
                )?;
                Ok((paths, scenarios))
            }
        }
    }

    /// Runs every point and writes the sweep's results directory.
    pub fn run(&self, progress: &dyn Progress) -> Result<SweepDone, JobError> {
        if self.shard.is_some() && (self.plots || self.precision.is_some()) {
            return Err(JobError::Invalid(
                "a shard has no estimates to draw or to judge: --shard cannot be combined with --plots or --precision".into(),
            ));
        }
        if self.resume && self.precision.is_some() {
            return Err(JobError::Invalid(
                "sweeps to a precision keep no checkpoints: --resume cannot be combined with --precision".into(),
            ));
        }
        let l = &self.loaded;
        let (paths, scenarios) = self.points()?;
        let mut warnings = self
            .exec
            .warnings(sweep_warnings(&l.scenario, &scenarios))?;
        let dir = self.out_dir();
        let mut staged = StagedDir::results(&dir, self.exec.force)?;
        let record = self.record();
        let mut key = BatchKey::new(&l.source, self.seed, self.runs, self.shard);
        key.sweep = Some(record.clone());
        let keys: Vec<BatchKey> = scenarios
            .iter()
            .enumerate()
            .map(|(i, (values, _))| BatchKey {
                point: Some(PointKey::new(i, values)),
                ..key.clone()
            })
            .collect();
        let range = key.range();
        // Checkpoints of completed points, except with a precision target (a
        // point's runs then depend on its own estimates, and sweeps to a
        // precision are not resumed).
        let (checkpoints, done) = match self.precision {
            None => {
                let scs: Vec<&Scenario> = scenarios.iter().map(|(_, sc)| sc).collect();
                let abort = self.abort_after_checkpoints;
                let (c, done) =
                    PointCheckpoints::open(&mut staged, &keys, &scs, self.resume, abort)?;
                if c.kept() > 0 {
                    let how = match resume_command(&self.exec.command_line) {
                        Some(cmd) => format!("stop this run (Ctrl-C) and run: {cmd}"),
                        None => "stop this run and run it again with --resume".into(),
                    };
                    let said = self.exec.warnings(vec![format!(
                        "{} holds checkpoints of {} completed points of this same sweep, and --resume was not given: this run simulates every point again and keeps those checkpoints; to use them instead, {how}",
                        dir.display(),
                        c.kept()
                    )])?;
                    for w in &said {
                        progress.warn(w);
                    }
                    warnings.extend(said);
                }
                (Some(c), done)
            }
            Some(_) => (None, vec![None; scenarios.len()]),
        };
        let resumed_points = self
            .resume
            .then(|| done.iter().filter(|d| d.is_some()).count());
        let per_point = range.end - range.start;
        progress.start(
            self.precision
                .is_none()
                .then(|| per_point * scenarios.len() as u64),
        );
        let result = self.exec.install(|| {
            scenarios
                .par_iter()
                .zip(done)
                .zip(&keys)
                .map(|(((_, sc), done), key)| -> Result<(u64, Tally), JobError> {
                    if let Some(tally) = done {
                        progress.advance(per_point);
                        return Ok((self.runs, tally));
                    }
                    let batch = Batch::new(sc, self.seed);
                    let mut observer = ProgressFn(|n| progress.advance(n));
                    let mut tally = Tally::new(sc);
                    let runs = match self.precision {
                        None => {
                            batch.run_observed(range.clone(), &mut tally, &mut observer)?;
                            self.runs
                        }
                        Some(t) => {
                            let (eps, max) = (t.eps, t.max_runs);
                            run_to_precision(&batch, eps, max, &mut tally, &mut observer)?.end
                        }
                    };
                    if let Some(c) = &checkpoints {
                        c.save(key, &tally)?;
                    }
                    Ok((runs, tally))
                })
                .collect::<Result<Vec<_>, _>>()
        });
        progress.finish();
        let tallies = result??;

        let mut manifest = Manifest::monte_carlo(
            l.source.clone(),
            self.seed,
            self.runs,
            &self.exec.command_line,
        );
        if let Some(shard) = self.shard {
            let record_shard = ShardRecord::new(shard, self.runs);
            manifest.shard = Some(record_shard);
            manifest.sweep = Some(record);
            let tallies: Vec<&Tally> = tallies.iter().map(|(_, t)| t).collect();
            let json = to_json_line(&tallies);
            let files = write_shard(
                staged,
                (ResultFile::Tallies, &json),
                &l.text,
                manifest,
                &SWEEP_SHARD,
            )?;
            return Ok(SweepDone {
                dir,
                files,
                paths,
                points: Vec::new(),
                point_count: scenarios.len(),
                resumed_points,
                shard: Some(record_shard),
                warnings,
            });
        }
        let points = sweep_points(&scenarios, &tallies, &labels_of(&self.vary));
        manifest.runs = Some(points.iter().map(|p| p.runs).sum());
        let name = &l.source.name;
        let files = write_sweep_files(staged, &paths, &points, name, manifest, self.plots)?;
        Ok(SweepDone {
            dir,
            files,
            paths,
            point_count: points.len(),
            points,
            resumed_points,
            shard: None,
            warnings,
        })
    }
}
