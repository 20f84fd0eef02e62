//! Fitting a scenario's parties to observed violence (`ceasefire fit`), and
//! turning event data into counts (`ceasefire counts`).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::JobError;
#[cfg(feature = "fit")]
use super::{Execution, Progress, default_dir};
use crate::counts::adapters::{self, Conversion, Mapping, Source};
use crate::counts::{Counts, CountsError};
#[cfg(feature = "fit")]
use crate::fit::{self, Fit, FitError, FitOptions, output::InputFile};
use crate::input::{MAX_DATA_BYTES, MAX_EXPORT_BYTES};

#[cfg(feature = "fit")]
impl From<FitError> for JobError {
    fn from(e: FitError) -> Self {
        JobError::Invalid(e.to_string())
    }
}

impl From<CountsError> for JobError {
    fn from(e: CountsError) -> Self {
        JobError::Invalid(e.to_string())
    }
}

/// Reads a text file of lines whole, at most `limit` bytes and
/// [`crate::input::MAX_LINE_BYTES`] a line, naming it (`what`) in the error
/// and its kind (`files`) in the limit.
fn read(path: &Path, (what, files): (&str, &'static str), limit: u64) -> Result<Vec<u8>, JobError> {
    crate::input::read_lines_file(path, limit, files)
        .map_err(|e| JobError::Invalid(format!("{}: cannot read {what}: {e}", path.display())))
}

/// A fit, as `ceasefire fit` performs it.
#[cfg(feature = "fit")]
#[derive(Debug, Clone)]
pub struct FitJob {
    /// The counts file (`date,party,count[,severity]`).
    pub counts: PathBuf,
    /// Periods, retaliation, half-lives, bootstrap and simulation.
    pub options: FitOptions,
    /// Output directory (default: [`FitJob::default_out`]).
    pub out: Option<PathBuf>,
    /// The command line for the manifest.
    pub exec: Execution,
}

/// What a fit found and wrote.
#[cfg(feature = "fit")]
#[derive(Debug)]
pub struct FitDone {
    /// The directory written.
    pub dir: PathBuf,
    /// The files written.
    pub files: Vec<PathBuf>,
    /// The fit.
    pub fit: Fit,
}

#[cfg(feature = "fit")]
impl FitJob {
    /// `results/<counts file stem>-fit/`.
    pub fn default_out(&self) -> PathBuf {
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

/// A conversion of an event data export into counts, as `ceasefire counts`
/// performs it.
#[derive(Debug, Clone)]
pub struct CountsJob {
    /// ACLED or UCDP GED.
    pub source: Source,
    /// The export.
    pub input: PathBuf,
    /// The TOML mapping of actors to parties and of event types.
    pub mapping: PathBuf,
    /// Only days from (and to) these dates.
    pub range: (Option<NaiveDate>, Option<NaiveDate>),
}

impl CountsJob {
    /// Reads and converts the export; the caller writes the counts.
    pub fn run(&self) -> Result<(Counts, Conversion), JobError> {
        let text = |p: &Path, what: (&str, &'static str), limit| {
            String::from_utf8(read(p, what, limit)?)
                .map_err(|_| JobError::Invalid(format!("{}: not UTF-8 text", p.display())))
        };
        let mapping_name = self.mapping.display().to_string();
        let mapping = Mapping::from_toml(
            &text(&self.mapping, ("mapping", "mapping files"), MAX_DATA_BYTES)?,
            &mapping_name,
        )?;
        let origin = self.input.display().to_string();
        let input = text(&self.input, ("export", "export files"), MAX_EXPORT_BYTES)?;
        Ok(adapters::convert(
            self.source,
            &input,
            &origin,
            &mapping,
            self.range,
        )?)
    }
}
