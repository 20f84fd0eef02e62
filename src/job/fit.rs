//! Fitting a scenario's parties to observed violence (`ceasefire fit`).

use std::path::PathBuf;

use super::counts::read;
use super::{Execution, JobError, Progress, default_dir};
use crate::counts::Counts;
use crate::fit::{self, Fit, FitOptions, output::InputFile};
use crate::input::MAX_DATA_BYTES;

/// A fit, as `ceasefire fit` performs it.
#[derive(Debug, Clone)]
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
        let _held = crate::store::StagedDir::results(&dir, self.exec.force)?;
        let bytes = read(&self.counts, ("counts", "counts files"), MAX_DATA_BYTES)?;
        let origin = self.counts.display().to_string();
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| JobError::Invalid(format!("{origin}: not UTF-8 text")))?;
        let counts = Counts::from_csv(text, &origin)?;
        let o = &self.options;
        progress.start(Some((o.bootstrap + o.simulate) as u64));
        let result = fit::run(&counts, o, &|n| progress.advance(n));
        progress.finish();
        let fit = result?;
        let input = InputFile::new(&origin, &bytes);
        let files = fit.write(&dir, &input, self.exec.command_line.clone())?;
        Ok(FitDone { dir, files, fit })
    }
}
