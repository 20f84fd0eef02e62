//! A sweep (`ceasefire sweep`): a scenario evaluated over a grid, a Latin
//! hypercube, a sensitivity design or a design file of parameter values,
//! every point on the same run seeds, with a checkpoint per completed point
//! (and resume), or one shard of every point.

use std::path::PathBuf;

use rayon::prelude::*;

use super::batch::PrecisionTarget;
use super::write::{write_shard, write_sweep_files};
use super::{Execution, JobError, LoadedScenario, Progress, default_dir, shard_dir};
use crate::engine::{Batch, Mode, ProgressFn, Reason, Shard, Tally};
use crate::experiment::{Design, DesignFile, Vary, labels_of};
use crate::layout::{ResultFile, SWEEP_SHARD};
use crate::options::Opt;
use crate::report::sweep::SweepPoint;
use crate::scenario::Scenario;
use crate::scenario::paths::{Assignment, ParamPath, ScenarioDoc, parse_value};
use crate::stats::summary::summary_rows;
use crate::store::checkpoint::{BatchKey, PointCheckpoints, PointKey};
use crate::store::shard::to_json_line;
use crate::store::{Manifest, ShardRecord, StagedDir, SweepRecord};

/// Where a sweep's points come from.
#[derive(Debug, Clone)]
pub enum SweepDesign {
    /// A design made here from the varied parameters.
    Generated {
        /// The varied parameters and their values or ranges.
        vary: Vec<Vary>,
        /// How points are chosen from them.
        design: Design,
    },
    /// A design made elsewhere (SALib, the EMA Workbench, R), named as in
    /// messages: its columns are the paths, its rows the points, run in
    /// file order.
    File {
        /// The file, as named in messages and the manifest.
        name: String,
        /// Its paths and points.
        file: DesignFile,
    },
}

/// What a sweep runs at every point and writes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SweepMode {
    /// `runs` runs at every point, each completed point checkpointed.
    Whole {
        /// Runs at every point.
        runs: u64,
        /// Continue from the checkpoints of completed points.
        resume: bool,
        /// Also draw sweep.svg.
        plots: bool,
    },
    /// Every point run until its precision target is reached (no
    /// checkpoints: a point's runs depend on its own estimates).
    Precision {
        /// The precision wanted, and the runs at most, at every point.
        target: PrecisionTarget,
        /// Also draw sweep.svg.
        plots: bool,
    },
    /// Only `shard` of every point's `runs` runs, written as partial files
    /// for `merge`.
    Shard {
        /// Runs at every point (of the whole sweep).
        runs: u64,
        /// Which shard.
        shard: Shard,
        /// Continue from the checkpoints of completed points.
        resume: bool,
    },
}

impl SweepMode {
    /// Runs at every point (at most, with a precision).
    pub(crate) fn runs(&self) -> u64 {
        match *self {
            SweepMode::Whole { runs, .. } | SweepMode::Shard { runs, .. } => runs,
            SweepMode::Precision { target, .. } => target.max_runs,
        }
    }

    /// The shard, if the sweep is one.
    pub(crate) fn shard(&self) -> Option<Shard> {
        match *self {
            SweepMode::Shard { shard, .. } => Some(shard),
            _ => None,
        }
    }

    /// Whether completed points are taken from checkpoints.
    pub(crate) fn resumes(&self) -> bool {
        match *self {
            SweepMode::Whole { resume, .. } | SweepMode::Shard { resume, .. } => resume,
            SweepMode::Precision { .. } => false,
        }
    }

    /// Whether sweep.svg is drawn.
    fn plots(&self) -> bool {
        match *self {
            SweepMode::Whole { plots, .. } | SweepMode::Precision { plots, .. } => plots,
            SweepMode::Shard { .. } => false,
        }
    }
}

/// The points of a sweep: the varied paths, the words of categorical ones,
/// and every point's values with its scenario.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SweepPoints {
    /// The varied paths, in column order.
    pub(crate) paths: Vec<ParamPath>,
    /// The words of each categorical path (`None` for a numeric one): a
    /// point's value is the position of its word.
    pub(crate) labels: Vec<Option<Vec<String>>>,
    /// Every point's values (integer keys rounded) and its scenario, in
    /// point order.
    pub(crate) points: Vec<(Vec<f64>, Scenario)>,
}

impl SweepPoints {
    /// The scenario of every point of `values`: `doc` with `changes`, then
    /// `paths` set to the point's values (integer keys rounded; for a
    /// categorical path, whose `labels` are given, the word at the value's
    /// position, set as a change would). Every point's scenario is built
    /// and validated before any run, so a bad value is refused before work
    /// starts. `merge` rebuilds a sweep's points with this same function,
    /// from the values its shards record.
    pub(crate) fn new(
        doc: &ScenarioDoc,
        changes: &[Assignment],
        paths: Vec<ParamPath>,
        labels: Vec<Option<Vec<String>>>,
        values: Vec<Vec<f64>>,
    ) -> Result<Self, JobError> {
        // The count first, before a scenario is built for any point.
        crate::scenario::limits::check_sweep(values.len(), 0)?;
        let points = values
            .into_iter()
            .map(|values| {
                let values: Vec<f64> = values
                    .iter()
                    .zip(&paths)
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
                Ok((values, doc.with(&all)?))
            })
            .collect::<Result<Vec<_>, JobError>>()?;
        let bytes = points.iter().map(|(_, sc)| tally_bytes(sc)).sum();
        crate::scenario::limits::check_sweep(points.len(), bytes)?;
        Ok(SweepPoints {
            paths,
            labels,
            points,
        })
    }

    /// The points of `vary` in `design` (whose random designs draw from
    /// `seed`).
    pub(crate) fn generated(
        doc: &ScenarioDoc,
        changes: &[Assignment],
        vary: &[Vary],
        design: Design,
        seed: u64,
    ) -> Result<Self, JobError> {
        let paths = vary.iter().map(|v| v.path.clone()).collect();
        let values = design.points(vary, seed)?;
        Self::new(doc, changes, paths, labels_of(vary), values)
    }

    /// The warnings of a sweep: those of `base`, then those of points whose
    /// changed scenario warns of more.
    pub(crate) fn warnings(&self, base: &Scenario) -> Vec<String> {
        let base = base.warnings();
        let mut warnings = base.to_vec();
        for (k, (_, sc)) in self.points.iter().enumerate() {
            for w in sc.warnings().iter().filter(|w| !base.contains(w)) {
                warnings.push(format!("point {k}: {w}"));
            }
        }
        warnings
    }

    /// The summary rows of every point, from their tallies (with the runs
    /// each point ran).
    pub(crate) fn results(&self, tallies: &[(u64, Tally)]) -> Vec<SweepPoint> {
        self.points
            .iter()
            .zip(tallies)
            .map(|((values, sc), (runs, tally))| SweepPoint {
                values: values.clone(),
                words: values
                    .iter()
                    .zip(self.labels.iter().chain(std::iter::repeat(&None)))
                    .map(|(x, w)| w.as_ref().and_then(|w| w.get(*x as usize)).cloned())
                    .collect(),
                runs: *runs,
                rows: summary_rows(sc, tally),
            })
            .collect()
    }

    /// The values of every point, as a shard records them.
    fn values(&self) -> Vec<Vec<f64>> {
        self.points.iter().map(|(v, _)| v.clone()).collect()
    }
}

/// [`crate::scenario::limits::tally_bytes`] of a point's scenario.
fn tally_bytes(sc: &Scenario) -> u64 {
    let (h, q, p) = (sc.horizon_days(), sc.parties().len(), sc.phases().len());
    crate::scenario::limits::tally_bytes(h.into(), q as u64, p as u64, sc.max_window().into())
}

/// A sweep, as `ceasefire sweep` performs it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SweepJob {
    /// The scenario (with the changes applied at every point).
    pub loaded: LoadedScenario,
    /// Where the points come from.
    pub(crate) design: SweepDesign,
    /// Master seed, the same at every point.
    pub(crate) seed: u64,
    /// What runs at every point, and what is written.
    pub mode: SweepMode,
    /// Output directory (default: `SweepJob::default_out`).
    pub out: Option<PathBuf>,
    /// For tests of crash safety: abort after this many point checkpoints
    /// (see [`crate::store::checkpoint::CheckpointPolicy::abort_after`]).
    pub abort_after_checkpoints: Option<u32>,
    /// Threads, cancellation and the command line for the manifest.
    pub exec: Execution,
}

/// What a sweep found and wrote.
#[derive(Debug)]
#[non_exhaustive]
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
    /// resume).
    pub resumed_points: Option<usize>,
    /// For a shard: which runs of every point it holds.
    pub shard: Option<ShardRecord>,
    /// Every warning, as the manifest records it: the scenario's, then
    /// those of points whose changed scenario warns of more.
    pub warnings: Vec<String>,
}

impl SweepJob {
    /// A sweep of `loaded` over `design` with `runs` runs at every point,
    /// with default options.
    pub fn new(loaded: LoadedScenario, design: SweepDesign, seed: u64, runs: u64) -> Self {
        SweepJob {
            loaded,
            design,
            seed,
            mode: SweepMode::Whole {
                runs,
                resume: false,
                plots: false,
            },
            out: None,
            abort_after_checkpoints: None,
            exec: Execution::default(),
        }
    }

    /// `results/<scenario file stem>-sweep/`, or its `shard-K-of-N/`.
    pub(crate) fn default_out(&self) -> PathBuf {
        let dir = default_dir(&format!("{}-sweep", self.loaded.stem));
        shard_dir(dir, self.mode.shard())
    }

    /// The output directory.
    pub(crate) fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.default_out())
    }

    /// The design as a manifest and a checkpoint record it (without the
    /// points, which a shard's manifest adds).
    fn record(&self) -> SweepRecord {
        match &self.design {
            SweepDesign::File { name, file } => SweepRecord::new(
                file.paths.iter().map(ToString::to_string).collect(),
                format!("file:{name}"),
            ),
            SweepDesign::Generated { vary, design } => SweepRecord::new(
                vary.iter().map(ToString::to_string).collect(),
                design.to_string(),
            ),
        }
    }

    /// Every point with its scenario. Every error (an unknown path, a bad
    /// value) comes before anything is written.
    pub(crate) fn points(&self) -> Result<SweepPoints, JobError> {
        let l = &self.loaded;
        let doc = ScenarioDoc::parse(&l.text, &l.origin)?;
        match &self.design {
            SweepDesign::File { name, file } => {
                let none = vec![None; file.paths.len()];
                let (paths, values) = (file.paths.clone(), file.points.clone());
                SweepPoints::new(&doc, &l.changes, paths, none, values).map_err(|e| {
                    JobError::DesignPoint {
                        file: name.clone(),
                        source: Box::new(e),
                    }
                })
            }
            SweepDesign::Generated { vary, design } => {
                if vary.is_empty() {
                    return Err(JobError::NoRanges);
                }
                SweepPoints::generated(&doc, &l.changes, vary, *design, self.seed)
            }
        }
    }

    /// Runs every point and writes the sweep's results directory.
    pub fn run(&self, progress: &dyn Progress) -> Result<SweepDone, JobError> {
        let l = &self.loaded;
        let points = self.points()?;
        let mut warnings = self.exec.warnings(points.warnings(&l.scenario))?;
        let dir = self.out_dir();
        let mut staged = StagedDir::results(&dir, self.exec.force)?;
        let record = self.record();
        let runs = self.mode.runs();
        let key = self.key();
        let keys: Vec<BatchKey> = points
            .points
            .iter()
            .enumerate()
            .map(|(i, (values, _))| BatchKey {
                point: Some(PointKey::new(i, values)),
                ..key.clone()
            })
            .collect();
        let n = points.points.len();
        let (checkpoints, done) = match self.mode {
            SweepMode::Precision { .. } => (None, vec![None; n]),
            mode => {
                let scs: Vec<&Scenario> = points.points.iter().map(|(_, sc)| sc).collect();
                let abort = self.abort_after_checkpoints;
                let (c, done) =
                    PointCheckpoints::open(&mut staged, &keys, &scs, mode.resumes(), abort)?;
                if c.kept() > 0 {
                    let said = self.exec.warnings(vec![format!(
                        "{} holds checkpoints of {} completed points of this same sweep, and {} was not given: this run simulates every point again and keeps those checkpoints; to use them instead, {}",
                        dir.display(),
                        c.kept(),
                        Opt::Resume,
                        self.exec.how_to_resume()
                    )])?;
                    for w in &said {
                        progress.warn(w);
                    }
                    warnings.extend(said);
                }
                (Some(c), done)
            }
        };
        let resumed_points = self
            .mode
            .resumes()
            .then(|| done.iter().filter(|d| d.is_some()).count());
        let result = self.simulate(&points, done, &keys, checkpoints.as_ref(), progress);
        let tallies = result.map_err(|e| match e {
            // The points completed so far are checkpointed: a resume
            // continues from them.
            JobError::Interrupted { .. } if checkpoints.is_some() => JobError::Interrupted {
                checkpoint: Some(dir.clone()),
                next_run: None,
            },
            e => e,
        })?;

        let mut manifest =
            Manifest::monte_carlo(l.source.clone(), self.seed, runs, &self.exec.command_line);
        if let Some(shard) = self.mode.shard() {
            let record_shard = ShardRecord::new(shard, runs);
            manifest.shard = Some(record_shard);
            manifest.sweep =
                Some(record.with_points(&points.paths, &points.labels, points.values()));
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
                paths: points.paths,
                points: Vec::new(),
                point_count: n,
                resumed_points,
                shard: Some(record_shard),
                warnings,
            });
        }
        let results = points.results(&tallies);
        manifest.runs = Some(results.iter().map(|p| p.runs).sum());
        let name = &l.source.name;
        let paths = points.paths;
        let files = write_sweep_files(staged, &paths, &results, name, manifest, self.mode.plots())?;
        Ok(SweepDone {
            dir,
            files,
            paths,
            point_count: results.len(),
            points: results,
            resumed_points,
            shard: None,
            warnings,
        })
    }

    /// Runs every point in memory, writing nothing, and returns the rows of
    /// sweep.csv as `ceasefire sweep` writes them for the same design, runs
    /// and seed (same common random numbers, same order). A shard, or a
    /// sweep that resumes, needs a results directory and is refused.
    pub fn evaluate(&self, progress: &dyn Progress) -> Result<SweepResults, JobError> {
        if self.mode.shard().is_some() || self.mode.resumes() {
            return Err(JobError::NeedsDirectory);
        }
        let points = self.points()?;
        let warnings = self.exec.warnings(points.warnings(&self.loaded.scenario))?;
        let keys = vec![self.key(); points.points.len()];
        let done = vec![None; points.points.len()];
        let tallies = self.simulate(&points, done, &keys, None, progress)?;
        Ok(SweepResults {
            points: points.results(&tallies),
            paths: points.paths,
            warnings,
        })
    }

    /// The checkpoint key of the whole sweep (of its shard).
    fn key(&self) -> BatchKey {
        let mut key = BatchKey::new(
            &self.loaded.source,
            self.seed,
            self.mode.runs(),
            self.mode.shard(),
        );
        key.sweep = Some(self.record());
        key
    }

    /// Simulates every point not `done`, in parallel, each on the same run
    /// seeds, saving each completed point's tally to `checkpoints`; returns
    /// every point's runs and tally, in point order.
    fn simulate(
        &self,
        points: &SweepPoints,
        done: Vec<Option<Tally>>,
        keys: &[BatchKey],
        checkpoints: Option<&PointCheckpoints>,
        progress: &dyn Progress,
    ) -> Result<Vec<(u64, Tally)>, JobError> {
        let runs = self.mode.runs();
        let range = self.key().range();
        let n = points.points.len();
        let per_point = range.end - range.start;
        let total = match self.mode {
            SweepMode::Precision { .. } => None,
            _ => Some(per_point * n as u64),
        };
        progress.start(total);
        let result = self.exec.install(|| {
            points
                .points
                .par_iter()
                .zip(done)
                .zip(keys)
                .map(|(((_, sc), done), key)| -> Result<(u64, Tally), JobError> {
                    if let Some(tally) = done {
                        progress.advance(per_point);
                        return Ok((runs, tally));
                    }
                    let batch = Batch::new(sc, self.seed);
                    let mut observer = ProgressFn(|n| progress.advance(n));
                    let mut tally = Tally::new(sc);
                    let executor = self.exec.executor(&batch).observer(&mut observer);
                    let (outcome, ran) = match self.mode {
                        SweepMode::Precision { target, .. } => {
                            let met = |t: &Tally| target.is_met(t);
                            let outcome = executor.run(target.mode(&met), &mut tally)?;
                            let ran = outcome.runs.end;
                            (outcome, ran)
                        }
                        _ => (executor.run(Mode::Runs(range.clone()), &mut tally)?, runs),
                    };
                    if let Reason::Interrupted { .. } = outcome.reason {
                        return Err(JobError::Interrupted {
                            checkpoint: None,
                            next_run: None,
                        });
                    }
                    if let Some(c) = checkpoints {
                        c.save(key, &tally)?;
                    }
                    Ok((ran, tally))
                })
                .collect::<Result<Vec<_>, _>>()
        });
        progress.finish();
        result?
    }
}

/// A sweep evaluated in memory ([`SweepJob::evaluate`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SweepResults {
    /// The varied paths, in column order.
    pub(crate) paths: Vec<ParamPath>,
    /// Every point's values and summary rows, in point order.
    pub(crate) points: Vec<SweepPoint>,
    /// The sweep's warnings, as the manifest records them.
    pub warnings: Vec<String>,
}

impl SweepResults {
    /// The bytes of sweep.csv, as `ceasefire sweep` writes it.
    pub fn sweep_csv(&self) -> Result<Vec<u8>, JobError> {
        super::write::table(ResultFile::Sweep, |b| {
            crate::report::sweep::write_sweep(&self.paths, &self.points, b)
        })
        .map(|(_, bytes)| bytes)
    }
}
