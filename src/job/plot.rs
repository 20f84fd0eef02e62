//! The charts of a results directory (`ceasefire plot`), drawn from its
//! CSV files and written next to them.

use std::path::PathBuf;

use super::JobError;
use super::write::put;
use crate::report::plot::{self, Results, SweepResults};
use crate::store::{Manifest, ResultFile, ResultsDir, StagedDir};

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
        // Locked before anything is read, so no job publishes a new set
        // while the charts are drawn from this one; published with the
        // directory's manifest brought up to date: the charts are listed (so
        // a later job that does not draw them removes them as stale) with
        // their SHA-256.
        let mut staged = StagedDir::results(&self.dir, true)?;
        let opened = ResultsDir::open(&self.dir)
            .map_err(|e| crate::store::OutputError::new(&self.dir, e))?;
        let charts = if opened.contains(ResultFile::Sweep.name()) {
            let sweep = SweepResults::read_dir(&self.dir)?;
            vec![(ResultFile::SweepChart, plot::draw_sweep(&sweep)?)]
        } else {
            plot::draw(&Results::read_dir(&self.dir)?)?
        };
        for (file, svg) in &charts {
            put(&mut staged, file.name(), svg.as_bytes())?;
        }
        let manifest = ResultFile::Manifest.name();
        let read = opened
            .read_json(manifest)
            .ok()
            .and_then(|t| serde_json::from_slice::<Manifest>(&t).ok());
        if let Some(mut m) = read {
            let mut files = std::mem::take(&mut m.files);
            files.retain(|f| f != manifest);
            for (file, _) in &charts {
                if !files.iter().any(|f| f == file.name()) {
                    files.push(file.name().to_string());
                }
            }
            files.push(manifest.to_string());
            m.sha256 = staged.digests(&files)?;
            m.files = files;
            put(&mut staged, manifest, m.to_json().as_bytes())?;
        }
        staged.commit()?;
        Ok(PlotDone {
            files: charts.iter().map(|(f, _)| f.name().to_string()).collect(),
        })
    }
}
