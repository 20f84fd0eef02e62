//! Scenario discovery (`ceasefire discover`): PRIM over the points of a
//! sweep or a sensitivity study, as the EMA Workbench computes it: in which
//! region of the varied parameters does an outcome pass a threshold?

use std::path::{Path, PathBuf};

use super::sensitivity::read_sweep_dir;
use super::write::{finish, put, table};
use super::{Execution, JobError, OutRefusal};
use crate::discover::PrimOptions;
use crate::experiment::study::{Discovery, Threshold, discover, parse_outcome};
use crate::layout::ResultFile;
use crate::report::plot::draw_tradeoff;
use crate::report::sensitivity::{Outcome, write_prim};
use crate::store::results_dir::{Overlap, ResultsDir, overlap};
use crate::store::{Manifest, StagedDir};

/// A discovery, as `ceasefire discover` performs it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DiscoverJob {
    /// The output directory of a sweep or a sensitivity study.
    pub sweep_dir: PathBuf,
    /// The outcome, as `METRIC:SUBJECT`.
    pub outcome: String,
    /// Which points are of interest.
    pub threshold: Threshold,
    /// PRIM's settings.
    pub options: PrimOptions,
    /// Output directory (default: `DiscoverJob::default_out`).
    pub out: Option<PathBuf>,
    /// The command line for the manifest.
    pub exec: Execution,
}

/// What PRIM found and what was written.
#[derive(Debug)]
#[non_exhaustive]
pub struct DiscoverDone {
    /// The directory written.
    pub dir: PathBuf,
    /// The files written.
    pub files: Vec<String>,
    /// The scenario's name, as the sweep's manifest records it.
    pub name: String,
    /// Number of points PRIM saw.
    pub points: usize,
    /// The peeling trajectory and the chosen box.
    pub found: Discovery,
}

impl DiscoverJob {
    /// PRIM on the sweep (or study) in `sweep_dir`, for the points whose
    /// `outcome` (`METRIC:SUBJECT`) passes `threshold`, with PRIM's default
    /// settings, the default output directory and execution.
    pub fn new(sweep_dir: PathBuf, outcome: String, threshold: Threshold) -> Self {
        DiscoverJob {
            sweep_dir,
            outcome,
            threshold,
            options: PrimOptions::default(),
            out: None,
            exec: Execution::default(),
        }
    }

    /// `SWEEP_DIR/discover-METRIC-SUBJECT/` (other characters as `_`).
    pub(crate) fn default_out(&self, outcome: &Outcome) -> PathBuf {
        let safe: String = format!("discover-{}-{}", outcome.metric, outcome.subject)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.sweep_dir.join(safe)
    }

    /// Reads the points, runs PRIM and writes prim.csv, tradeoff.svg and
    /// the manifest.
    pub fn run(&self) -> Result<DiscoverDone, JobError> {
        let (source, table_in) = read_sweep_dir(&self.sweep_dir, |_| Ok(()))?;
        let available: Vec<Outcome> = table_in.series.iter().map(|s| s.outcome.clone()).collect();
        let outcome = parse_outcome(&self.outcome, &available)?;
        let dir = self
            .out
            .clone()
            .unwrap_or_else(|| self.default_out(&outcome));
        refuse_the_input(&dir, &self.sweep_dir)?;
        let mut staged = StagedDir::results(&dir, self.exec.force)?;
        let found = discover(&table_in, &outcome, self.threshold, self.options)?;
        let (prim, bytes) = table(ResultFile::Prim, |w| {
            write_prim(&found.paths, &found.boxes, w)
        })?;
        put(&mut staged, prim.name(), &bytes)?;
        let what = found.describe();
        let label = what.split(" when ").next().unwrap_or(&what).to_string();
        let svg = draw_tradeoff(&source.scenario.name, &label, &found.boxes)?;
        put(
            &mut staged,
            ResultFile::TradeoffChart.name(),
            svg.as_bytes(),
        )?;
        let name = source.scenario.name.clone();
        let mut manifest = Manifest {
            command_line: self.exec.command_line.clone(),
            ..source
        };
        manifest.method = "prim".into();
        let files = vec![
            prim.name().to_string(),
            ResultFile::TradeoffChart.name().to_string(),
        ];
        let files = finish(staged, manifest, files)?;
        Ok(DiscoverDone {
            dir,
            files,
            name,
            points: table_in.points.len(),
            found,
        })
    }
}

/// Refuses an output directory that is the sweep's directory itself, by
/// device and inode whatever the paths: publishing PRIM's files there would
/// remove the sweep's (a directory inside it, the default, is fine).
fn refuse_the_input(out: &Path, sweep_dir: &Path) -> Result<(), JobError> {
    let Ok(input) = ResultsDir::open(sweep_dir) else {
        return Ok(());
    };
    if let Ok(Some(Overlap::Is)) = overlap(out, &input) {
        return Err(OutRefusal::IsTheSweep {
            out: out.to_path_buf(),
            sweep: sweep_dir.to_path_buf(),
        }
        .into());
    }
    Ok(())
}
