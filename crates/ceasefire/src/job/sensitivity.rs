//! A global sensitivity study (`ceasefire sensitivity`): a Saltelli or
//! Morris design run as a sweep (the same run seeds at every point, so
//! `--resume`, `--shard` and `merge` work as for a sweep), then analysed
//! into Sobol' indices or Morris elementary effects, as SALib computes
//! them.

use crate::sensitivity::DEFAULT_RESAMPLES;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use super::sweep::{SweepDesign, SweepJob, SweepMode};
use super::write::{finish, put, table};
use super::{Execution, JobError, LoadedScenario, Progress, StudyDirError, default_dir, shard_dir};
use crate::engine::Shard;
use crate::experiment::study::{
    NOISE_WARNING, Study, StudyError, analyze_study, available_outcomes, default_outcomes,
    parse_outcome,
};
use crate::experiment::{Design, Vary};
use crate::input::{LineLimit, MAX_LINE_BYTES};
use crate::layout::{self, ResultFile};
use crate::options::Opt;
use crate::report::plot::{draw_indices, indices_chart_name};
use crate::report::sensitivity::{IndexRow, Outcome, write_design};
use crate::report::sweep::SweepTable;
use crate::report::write_rows;
use crate::sensitivity::Bounds;
use crate::sensitivity::saltelli::{MAX_SAMPLES, round_up_samples};
use crate::store::results_dir::{ResultsDir, read_stable};
use crate::store::{Manifest, ScenarioSource, StagedDir, SweepRecord};

/// Which indices a study estimates, with its design's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudyMethod {
    /// Sobol' indices on Saltelli's design of `samples` base samples (a
    /// power of two; others are rounded up with a warning).
    Sobol {
        /// Base samples N.
        samples: usize,
        /// Also second-order indices (N·(2D+2) points instead of N·(D+2)).
        second_order: bool,
    },
    /// Morris elementary effects on `trajectories` trajectories of a grid
    /// of `levels` levels.
    Morris {
        /// Trajectories r.
        trajectories: usize,
        /// Grid levels p (even).
        levels: usize,
    },
}

impl StudyMethod {
    /// The design, and a warning if the sample count was rounded up.
    pub(crate) fn design(self) -> Result<(Design, Option<String>), JobError> {
        let design = match self {
            StudyMethod::Sobol {
                samples,
                second_order,
            } => {
                let rounded = round_up_samples(samples);
                if rounded > MAX_SAMPLES {
                    return Err(JobError::OptionValue {
                        opt: Opt::Samples,
                        value: samples.to_string(),
                        allowed: format!("up to {MAX_SAMPLES}, a power of two"),
                    });
                }
                let design = Design::Saltelli {
                    samples: rounded,
                    second_order,
                };
                let warning = (rounded != samples).then(|| {
                    format!(
                        "{} {samples} is not a power of two: using {rounded} (Sobol' nets need powers of two)",
                        Opt::Samples
                    )
                });
                return Ok((design, warning));
            }
            StudyMethod::Morris {
                trajectories,
                levels,
            } => Design::Morris {
                trajectories,
                levels,
            },
        };
        // Checks the design's settings (Morris levels, trajectories).
        design.to_string().parse::<Design>()?;
        Ok((design, None))
    }
}

/// A study, as `ceasefire sensitivity` performs it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SensitivityJob {
    /// The scenario (with the changes applied at every point).
    pub loaded: LoadedScenario,
    /// The uncertain parameters and their ranges (sampled uniformly).
    pub vary: Vec<Vary>,
    /// The method and the design's size.
    pub method: StudyMethod,
    /// Runs at every point.
    pub runs: u64,
    /// Master seed (of the runs and of the bootstrap).
    pub seed: u64,
    /// The outcomes analysed.
    pub outcomes: Vec<Outcome>,
    /// Bootstrap resamples of every interval.
    pub resamples: usize,
    /// Only this shard of every point's runs (analyse after `merge`).
    pub shard: Option<Shard>,
    /// Continue from the checkpoints of completed points.
    pub resume: bool,
    /// Run nothing: analyse the points already in the output directory.
    pub analyze: bool,
    /// Output directory (default: `SensitivityJob::default_out`).
    pub out: Option<PathBuf>,
    /// Threads and the command line for the manifest.
    pub exec: Execution,
}

/// What a study found and wrote.
#[derive(Debug)]
#[non_exhaustive]
pub struct SensitivityDone {
    /// The directory written.
    pub dir: PathBuf,
    /// The files written.
    pub files: Vec<String>,
    /// The design run.
    pub design: Design,
    /// Number of points.
    pub points: usize,
    /// The indices (`None` for a shard, which is analysed after `merge`).
    pub study: Option<Study>,
    /// Every warning, as the manifest records it.
    pub warnings: Vec<String>,
}

impl SensitivityJob {
    /// A study of `method` over the ranges `vary`, with `runs` runs at
    /// every point under the master seed `seed`: the default outcomes (the
    /// share entering every phase), the default bootstrap, the whole runs of
    /// every point, the default output directory and execution.
    pub fn new(
        loaded: LoadedScenario,
        vary: Vec<Vary>,
        method: StudyMethod,
        seed: u64,
        runs: u64,
    ) -> Self {
        let outcomes = default_outcomes(&loaded.scenario);
        SensitivityJob {
            loaded,
            vary,
            method,
            runs,
            seed,
            outcomes,
            resamples: DEFAULT_RESAMPLES,
            shard: None,
            resume: false,
            analyze: false,
            out: None,
            exec: Execution::default(),
        }
    }

    /// Sets the outcomes analysed by name, `METRIC:SUBJECT` as summary.csv
    /// spells them (`entered:joint_targeting`); no names keeps the default,
    /// the share entering every phase. A name the scenario has no row for
    /// is refused with the names it has.
    pub fn set_outcomes(&mut self, names: &[impl AsRef<str>]) -> Result<(), StudyError> {
        let sc = &self.loaded.scenario;
        self.outcomes = if names.is_empty() {
            default_outcomes(sc)
        } else {
            let available = available_outcomes(sc);
            names
                .iter()
                .map(|n| parse_outcome(n.as_ref(), &available))
                .collect::<Result<_, _>>()?
        };
        Ok(())
    }

    /// `results/<scenario file stem>-sensitivity/`, or its `shard-K-of-N/`.
    pub(crate) fn default_out(&self) -> PathBuf {
        let dir = default_dir(&format!("{}-sensitivity", self.loaded.stem));
        shard_dir(dir, self.shard)
    }

    /// Runs the design (unless `analyze`), analyses it and writes the
    /// study's files next to the sweep's.
    pub fn run(&self, progress: &dyn Progress) -> Result<SensitivityDone, JobError> {
        if self.resamples < 2 {
            return Err(JobError::OptionValue {
                opt: Opt::Resamples,
                value: self.resamples.to_string(),
                allowed: "2 or more; an interval needs a spread".into(),
            });
        }
        for v in &self.vary {
            Bounds::new(v.lo, v.hi).map_err(|source| JobError::Range {
                range: format!("{}={}:{}", v.path, v.lo, v.hi),
                source,
            })?;
        }
        let (design, rounded) = self.method.design()?;
        let mut warnings: Vec<String> = rounded.into_iter().collect();
        let dir = self.out.clone().unwrap_or_else(|| self.default_out());
        // Held for the whole study: its sweep and its analysis.
        let _lock = super::write::hold(&dir)?;
        if !self.analyze {
            let generated = SweepDesign::Generated {
                vary: self.vary.clone(),
                design,
            };
            let mut sweep = SweepJob::new(self.loaded.clone(), generated, self.seed, self.runs);
            sweep.mode = match self.shard {
                Some(shard) => SweepMode::Shard {
                    runs: self.runs,
                    shard,
                    resume: self.resume,
                },
                None => SweepMode::Whole {
                    runs: self.runs,
                    resume: self.resume,
                    plots: false,
                },
            };
            sweep.out = Some(dir.clone());
            sweep.exec = self.exec.clone();
            let done = sweep.run(progress)?;
            warnings.extend(done.warnings);
            if self.shard.is_some() {
                return Ok(SensitivityDone {
                    dir,
                    files: done.files,
                    design,
                    points: done.point_count,
                    study: None,
                    warnings,
                });
            }
        }
        let (_, table) = read_sweep_dir(&dir, |found| match self.analyze {
            true => check_provenance(&dir, found, &self.loaded.source, self.seed),
            false => Ok(()),
        })?;
        let paths: Vec<String> = self.vary.iter().map(|v| v.path.to_string()).collect();
        if table.paths != paths {
            return Err(StudyDirError::OtherPaths {
                file: dir.join(ResultFile::Sweep.name()),
                found: table.paths,
                given: paths,
            }
            .into());
        }
        let study = analyze_study(&table, design, &self.outcomes, self.resamples, self.seed)?;
        for o in &study.outcomes {
            if o.noise_share > NOISE_WARNING {
                warnings.push(format!(
                    "{}: Monte Carlo noise is {:.1}% of its variance over the points (above {:.0}%): the indices partly split noise; use more {}",
                    o.outcome,
                    100.0 * o.noise_share,
                    100.0 * NOISE_WARNING,
                    Opt::Runs
                ));
            }
        }
        let warnings = self.exec.warnings(warnings)?;
        let files = self.write(&dir, &table, &study, design, &warnings)?;
        Ok(SensitivityDone {
            dir,
            files,
            design,
            points: table.points.len(),
            study: Some(study),
            warnings,
        })
    }

    /// Writes indices.csv, design.csv, outputs.csv, a chart per outcome and
    /// the manifest next to the sweep's files.
    fn write(
        &self,
        dir: &Path,
        sweep: &SweepTable,
        study: &Study,
        design: Design,
        warnings: &[String],
    ) -> Result<Vec<String>, JobError> {
        let mut staged = StagedDir::results(dir, self.exec.force)?;
        let all: Vec<IndexRow> = study
            .outcomes
            .iter()
            .flat_map(|o| o.indices.clone())
            .collect();
        let tables = [
            table(ResultFile::Indices, |w| write_rows(&all, w))?,
            table(ResultFile::Design, |w| {
                write_design(&study.paths, &study.design, w)
            })?,
            table(ResultFile::Outputs, |w| write_rows(&study.outputs, w))?,
        ];
        let mut files = layout::names(&[ResultFile::Sweep, ResultFile::Points]);
        for (file, bytes) in &tables {
            put(&mut staged, file.name(), bytes)?;
            files.push(file.name().to_string());
        }
        let name = &self.loaded.source.name;
        for o in &study.outcomes {
            let chart = indices_chart_name(&o.outcome);
            let svg = draw_indices(name, &o.outcome, study.method, &o.indices)?;
            put(&mut staged, &chart, svg.as_bytes())?;
            files.push(chart);
        }
        let runs = self.runs * sweep.points.len() as u64;
        let mut manifest = Manifest::monte_carlo(
            self.loaded.source.clone(),
            self.seed,
            runs,
            &self.exec.command_line,
        );
        manifest.sweep = Some(SweepRecord::new(
            self.vary.iter().map(ToString::to_string).collect(),
            design.to_string(),
        ));
        manifest.warnings = warnings.to_vec();
        finish(staged, manifest, files)
    }
}

/// Refuses to analyse a directory whose points were run from another
/// scenario, other changes or another seed than the job names.
fn check_provenance(
    dir: &Path,
    found: &Manifest,
    source: &ScenarioSource,
    seed: u64,
) -> Result<(), JobError> {
    let (a, b) = (&found.scenario, source);
    if a.sha256 != b.sha256 || a.changes != b.changes || found.seed != Some(seed) {
        return Err(StudyDirError::NotFromThis {
            manifest: dir.join(ResultFile::Manifest.name()),
            found: Box::new(a.clone()),
            found_seed: found.seed,
            given: Box::new(b.clone()),
            seed,
        }
        .into());
    }
    Ok(())
}

/// Reads a sweep's sweep.csv, or a sensitivity study's design.csv and
/// outputs.csv when its sweep.csv is not kept.
pub fn read_table(dir: &Path) -> Result<SweepTable, JobError> {
    Ok(read_sweep_dir(dir, |_| Ok(()))?.1)
}

/// The manifest and the table of a sweep's or a sensitivity study's
/// directory, read as one set of files even while a job publishes into it
/// ([`read_stable`]); `check` judges the manifest before the table is read.
pub(super) fn read_sweep_dir(
    dir: &Path,
    check: impl Fn(&Manifest) -> Result<(), JobError>,
) -> Result<(Manifest, SweepTable), JobError> {
    crate::store::verify::refuse_file(dir)?;
    let unreadable = |source| {
        JobError::from(StudyDirError::Unreadable {
            file: dir.display().to_string(),
            source,
        })
    };
    read_stable(dir, unreadable, |d| {
        let manifest = read_manifest(d)?;
        check(&manifest)?;
        Ok((manifest, read_table_in(d)?))
    })
}

/// The manifest of an opened results directory.
fn read_manifest(dir: &ResultsDir) -> Result<Manifest, JobError> {
    let name = ResultFile::Manifest.name();
    dir.read_json(name)
        .ok()
        .and_then(|t| serde_json::from_slice(&t).ok())
        .ok_or_else(|| {
            StudyDirError::NoManifest {
                file: dir.shown(name),
            }
            .into()
        })
}

/// [`read_table`] of an opened directory.
fn read_table_in(dir: &ResultsDir) -> Result<SweepTable, JobError> {
    let (sweep, design, outputs) = (
        ResultFile::Sweep.name(),
        ResultFile::Design.name(),
        ResultFile::Outputs.name(),
    );
    let open = |name: &str| {
        dir.open_file(name)
            .map(|f| LineLimit::new(BufReader::new(f), MAX_LINE_BYTES, "a CSV file"))
            .map_err(|source| {
                JobError::from(StudyDirError::Unreadable {
                    file: dir.shown(name),
                    source,
                })
            })
    };
    if !dir.contains(sweep) && dir.contains(design) && dir.contains(outputs) {
        let (dn, on) = (dir.shown(design), dir.shown(outputs));
        return SweepTable::from_study((&dn, open(design)?), (&on, open(outputs)?))
            .map_err(JobError::from);
    }
    let name = dir.shown(sweep);
    let table = SweepTable::from_csv(&name, open(sweep)?)?;
    if let Some((column, word)) = table.categorical() {
        return Err(StudyDirError::Categorical {
            file: name,
            column: column.to_string(),
            word: word.to_string(),
        }
        .into());
    }
    Ok(table)
}
