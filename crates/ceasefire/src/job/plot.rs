//! The charts of a results directory (`ceasefire plot`), drawn from its
//! CSV files and written next to them.

use std::path::{Path, PathBuf};

use super::JobError;
use super::write::put;
use crate::input::{LineLimit, MAX_LINE_BYTES};
use crate::layout::{CHART_INPUTS, ResultFile};
use crate::report::plot::{
    self, PlotError, Results, SweepResults, scenario_name, scenario_name_and_method,
};
use crate::store::{Manifest, ResultsDir, StagedDir, read_stable};

/// Charts of a directory written by `run`, `merge` or `sweep`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PlotJob {
    /// The results directory.
    pub dir: PathBuf,
}

/// What was drawn.
#[derive(Debug)]
#[non_exhaustive]
pub struct PlotDone {
    /// The charts written.
    pub files: Vec<String>,
}

impl PlotJob {
    /// The charts of the results directory `dir`.
    pub fn new(dir: PathBuf) -> Self {
        PlotJob { dir }
    }

    /// Draws the charts that fit the directory (a sweep's if it holds
    /// sweep.csv, a batch's otherwise) and writes them into it.
    pub fn run(&self) -> Result<PlotDone, JobError> {
        crate::store::verify::require_dir(&self.dir)?;
        // Locked before anything is read, so no job publishes a new set
        // while the charts are drawn from this one; published with the
        // directory's manifest brought up to date: the charts are listed (so
        // a later job that does not draw them removes them as stale) with
        // their SHA-256.
        let mut staged = StagedDir::results(&self.dir, true)?;
        let opened = ResultsDir::open(&self.dir)
            .map_err(|e| crate::store::OutputError::new(&self.dir, e))?;
        let charts = if opened.contains(ResultFile::Sweep.name()) {
            let sweep = read_sweep(&self.dir)?;
            vec![(ResultFile::SweepChart, plot::draw_sweep(&sweep)?)]
        } else {
            plot::draw(&read_batch(&self.dir)?)?
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

/// A file of a results directory opened for reading, every line bounded
/// ([`LineLimit`]), with its path as shown in errors.
type Opened = (String, LineLimit<std::fs::File>);

/// Opens `name` of the opened results directory `dir`.
fn open_in(dir: &ResultsDir, name: &str) -> Result<Opened, PlotError> {
    let shown = dir.shown(name);
    match dir.open_file(name) {
        Ok(f) => Ok((shown, LineLimit::new(f, MAX_LINE_BYTES, "a results file"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(PlotError::Missing { path: shown })
        }
        Err(source) => Err(PlotError::Io {
            path: shown,
            source,
        }),
    }
}

/// Applies `read` to the results directory at `dir`, opened once, again if
/// a job published a new set into it meanwhile ([`read_stable`]).
fn read_results_dir<T>(
    dir: &Path,
    read: impl Fn(&ResultsDir) -> Result<T, PlotError>,
) -> Result<T, PlotError> {
    let unreadable = |source| PlotError::Io {
        path: dir.display().to_string(),
        source,
    };
    read_stable(dir, unreadable, read)
}

/// Reads sweep.csv of a directory written by `ceasefire sweep`, and the
/// scenario name from its manifest.json, as one set of files.
fn read_sweep(dir: &Path) -> Result<SweepResults, PlotError> {
    read_results_dir(dir, |dir| {
        let (manifest_path, manifest) = open_in(dir, ResultFile::Manifest.name())?;
        let name = scenario_name(&manifest_path, manifest)?;
        let (path, file) = open_in(dir, ResultFile::Sweep.name())?;
        SweepResults::from_csv(&name, (&path, file))
    })
}

/// Reads the CSV files of a batch's results directory and the scenario name
/// from its manifest.json, as one set of files.
fn read_batch(dir: &Path) -> Result<Results, PlotError> {
    read_results_dir(dir, |dir| {
        let open = |name: &str| open_in(dir, name);
        let (manifest_path, manifest) = open(ResultFile::Manifest.name())?;
        let (name, method) = scenario_name_and_method(&manifest_path, manifest)?;
        let [daily, curves, metrics] = CHART_INPUTS.map(|f| open(f.name()));
        let (daily_path, daily) = daily?;
        let (curves_path, curves) = curves?;
        let (metrics_path, metrics) = metrics?;
        let mut results = Results::from_csv(
            &name,
            (&daily_path, daily),
            (&curves_path, curves),
            (&metrics_path, metrics),
        )?;
        results.exact = method == "exact";
        Ok(results)
    })
}
