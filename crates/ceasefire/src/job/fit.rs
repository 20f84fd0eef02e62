//! Fitting a scenario's parties to observed violence (`ceasefire fit`).

use std::path::{Path, PathBuf};

use super::counts::read;
use super::write::{finish, put, table};
use super::{Execution, JobError, Progress, default_dir};
use crate::counts::Counts;
use crate::fit::{self, Fit, FitOptions};
use crate::input::MAX_DATA_BYTES;
use crate::layout::{ResultFile, names};
use crate::report::write_rows;
#[doc(hidden)]
pub use crate::store::{FitManifest, InputFile, OutputError, StagedDir};

/// A fit, as `ceasefire fit` performs it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FitJob {
    /// The counts file (`date,party,count[,severity]`).
    pub counts: PathBuf,
    /// Periods, retaliation, half-lives, bootstrap and simulation.
    pub options: FitOptions,
    /// Output directory (default: `FitJob::default_out`).
    pub out: Option<PathBuf>,
    /// The command line for the manifest.
    pub exec: Execution,
}

/// What a fit found and wrote.
#[derive(Debug)]
#[non_exhaustive]
pub struct FitDone {
    /// The directory written.
    pub dir: PathBuf,
    /// The files written.
    pub files: Vec<PathBuf>,
    /// The fit.
    pub fit: Fit,
}

impl FitJob {
    /// A fit of the counts file `counts` with `options`, to the default
    /// output directory.
    pub fn new(counts: PathBuf, options: FitOptions) -> Self {
        FitJob {
            counts,
            options,
            out: None,
            exec: Execution::default(),
        }
    }

    /// `results/<counts file stem>-fit/`.
    pub(crate) fn default_out(&self) -> PathBuf {
        let stem = self
            .counts
            .file_stem()
            .map_or("counts".into(), |s| s.to_string_lossy().into_owned());
        default_dir(&format!("{stem}-fit"))
    }

    /// Reads the counts, fits and writes the results directory.
    pub fn run(&self, progress: &dyn Progress) -> Result<FitDone, JobError> {
        let dir = self.out.clone().unwrap_or_else(|| self.default_out());
        // Locked (and checked) for the whole fit.
        let _held = StagedDir::results(&dir, self.exec.force)?;
        let bytes = read(&self.counts, ("counts", "counts files"), MAX_DATA_BYTES)?;
        let origin = self.counts.display().to_string();
        let text = std::str::from_utf8(&bytes).map_err(|_| JobError::NotUtf8 {
            file: origin.clone(),
        })?;
        let counts = Counts::from_csv(text, &origin)?;
        let o = &self.options;
        progress.start(Some((o.bootstrap + o.simulate) as u64));
        let result = fit::run(&counts, o, &|n| progress.advance(n));
        progress.finish();
        let fit = result?;
        let input = InputFile::new(&origin, &bytes);
        let files = write(&fit, &dir, &input, self.exec.command_line.clone())?;
        let files = files.iter().map(|f| dir.join(f)).collect();
        Ok(FitDone { dir, files, fit })
    }
}

/// Writes every file of `fit` into `dir`, all at once or not at all, and
/// returns their names: fit.csv, fit.toml, the diagnostics and their
/// chart, the predictive check and its chart (with one), manifest.json.
fn write(
    fit: &Fit,
    dir: &Path,
    input: &InputFile,
    command_line: Vec<String>,
) -> Result<Vec<String>, JobError> {
    let (diagnostics_chart, predictive_chart) = fit::plot::draw(fit).map_err(|e| {
        OutputError::new(
            &dir.join(ResultFile::FitDiagnosticsChart.name()),
            std::io::Error::other(e),
        )
    })?;
    let mut written = vec![
        table(ResultFile::FitEstimates, |w| {
            write_rows(&fit.estimate_rows(), w)
        })?,
        (
            ResultFile::FitScenario,
            fit.scenario_fragment(input).into_bytes(),
        ),
        table(ResultFile::FitDiagnostics, |w| {
            write_rows(&fit.diagnostic_rows(), w)
        })?,
        (
            ResultFile::FitDiagnosticsChart,
            diagnostics_chart.into_bytes(),
        ),
    ];
    if fit.predictive.is_some() {
        written.push(table(ResultFile::Predictive, |w| {
            write_rows(&fit.predictive_rows(), w)
        })?);
        written.push((
            ResultFile::PredictiveChart,
            predictive_chart.unwrap_or_default().into_bytes(),
        ));
    }
    // The job has locked and checked the directory; this publishes the
    // files together, removing a previous fit's stale ones.
    let mut staged = StagedDir::results(dir, true)?;
    for (file, bytes) in &written {
        put(&mut staged, file.name(), bytes)?;
    }
    let mut manifest = FitManifest::maximum_likelihood(
        input.clone(),
        fit.option_map(),
        fit.options.seed,
        command_line,
    );
    manifest.warnings = fit.warnings.clone();
    manifest.notes = fit.notes.clone();
    let files: Vec<ResultFile> = written.iter().map(|(f, _)| *f).collect();
    finish(staged, manifest, names(&files))
}
