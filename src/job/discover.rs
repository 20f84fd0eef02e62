//! Scenario discovery (`ceasefire discover`): PRIM over the points of a
//! sweep or a sensitivity study, as the EMA Workbench computes it: in which
//! region of the varied parameters does an outcome pass a threshold?

use std::path::PathBuf;

use super::sensitivity::{read_manifest, read_table};
use super::write::{finish, put, table};
use super::{Execution, JobError};
use crate::discover::PrimOptions;
use crate::experiment::study::{Discovery, Threshold, discover, parse_outcome};
use crate::report::plot::draw_tradeoff;
use crate::report::sensitivity::{Outcome, write_prim};
use crate::store::layout::ResultFile;
use crate::store::{Manifest, StagedDir};

/// A discovery, as `ceasefire discover` performs it.
#[derive(Debug, Clone)]
pub struct DiscoverJob {
    /// The output directory of a sweep or a sensitivity study.
    pub sweep_dir: PathBuf,
    /// The outcome, as `METRIC:SUBJECT`.
    pub outcome: String,
    /// Which points are of interest.
    pub threshold: Threshold,
    /// PRIM's settings.
    pub options: PrimOptions,
    /// Output directory (default: [`DiscoverJob::default_out`]).
    pub out: Option<PathBuf>,
    /// The command line for the manifest.
    pub exec: Execution,
}

/// What PRIM found and what was written.
#[derive(Debug)]
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
    /// `SWEEP_DIR/discover-METRIC-SUBJECT/` (other characters as `_`).
    pub fn default_out(&self, outcome: &Outcome) -> PathBuf {
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
        let table_in = read_table(&self.sweep_dir)?;
        let available: Vec<Outcome> = table_in.series.iter().map(|s| s.outcome.clone()).collect();
        let invalid = |e: crate::experiment::study::StudyError| JobError::Invalid(e.to_string());
        let outcome = parse_outcome(&self.outcome, &available).map_err(invalid)?;
        let dir = self
            .out
            .clone()
            .unwrap_or_else(|| self.default_out(&outcome));
        let mut staged = StagedDir::results(&dir, self.exec.force)?;
        let found = discover(&table_in, &outcome, self.threshold, self.options).map_err(invalid)?;
        let source = read_manifest(&self.sweep_dir)?;
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
