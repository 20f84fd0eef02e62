//! Turning event data into counts (`ceasefire counts`), and reading the
//! text files that counts and fits start from.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::JobError;
use crate::counts::Counts;
use crate::counts::adapters::{self, Conversion, Mapping, Source};
use crate::input::{MAX_DATA_BYTES, MAX_EXPORT_BYTES};

/// Reads a text file of lines whole, at most `limit` bytes and
/// [`crate::input::MAX_LINE_BYTES`] a line, naming it (`what`) in the error
/// and its kind (`files`) in the limit.
pub(super) fn read(
    path: &Path,
    (what, files): (&'static str, &'static str),
    limit: u64,
) -> Result<Vec<u8>, JobError> {
    crate::input::read_lines_file(path, limit, files).map_err(|source| JobError::Unreadable {
        path: path.to_path_buf(),
        what,
        source,
    })
}

/// A conversion of an event data export into counts, as `ceasefire counts`
/// performs it.
#[derive(Debug, Clone)]
#[non_exhaustive]
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
    /// The conversion of the export `input` from `source`, by the mapping
    /// file `mapping`, over every day of the export.
    pub fn new(source: Source, input: PathBuf, mapping: PathBuf) -> Self {
        CountsJob {
            source,
            input,
            mapping,
            range: (None, None),
        }
    }

    /// Reads and converts the export; the caller writes the counts.
    pub fn run(&self) -> Result<(Counts, Conversion), JobError> {
        let text = |p: &Path, what: (&'static str, &'static str), limit| {
            String::from_utf8(read(p, what, limit)?).map_err(|_| JobError::NotUtf8 {
                file: p.display().to_string(),
            })
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
