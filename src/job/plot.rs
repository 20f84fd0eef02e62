//! The charts of a results directory (`ceasefire plot`), drawn from its
//! CSV files and written next to them.

use std::path::PathBuf;

use super::JobError;
use super::write::put;
use crate::report::plot::{self, Results, SweepResults};
use crate::store::{ResultFile, StagedDir};

/// Charts of a directory written by `run`, `merge` or `sweep`.
#[derive(Debug, Clone)]
pub struct PlotJob {
    /// The results directory.
    pub dir: PathBuf,
}

/// What was drawn.
#[derive(Debug)]
pub struct PlotDone {
    /// The charts written.
    pub files: Vec<String>,
}

impl PlotJob {
    /// Draws the charts that fit the directory (a sweep's if it holds
    /// sweep.csv, a batch's otherwise) and writes them into it.
    pub fn run(&self) -> Result<PlotDone, JobError> {
        crate::store::verify::require_dir(&self.dir)
            .map_err(|e| JobError::Invalid(e.to_string()))?;
        let charts = if self.dir.join(ResultFile::Sweep.name()).exists() {
            let sweep = SweepResults::read_dir(&self.dir)?;
            vec![(ResultFile::SweepChart, plot::draw_sweep(&sweep)?)]
        } else {
            plot::draw(&Results::read_dir(&self.dir)?)?
        };
        let mut staged = StagedDir::create(&self.dir)?;
        for (file, svg) in &charts {
            put(&mut staged, file.name(), svg.as_bytes())?;
        }
        staged.commit()?;
        Ok(PlotDone {
            files: charts.iter().map(|(f, _)| f.name().to_string()).collect(),
        })
    }
}
