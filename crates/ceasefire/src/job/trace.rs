//! The day-by-day record of one run (`ceasefire trace`), identical to that
//! run in a batch with the same seed.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{JobError, LoadedScenario, OutRefusal};
use crate::engine::{Batch, RunInternals, WindowReadings};
use crate::report::TraceCsv;
#[doc(hidden)]
pub use crate::store::{OutputError, StagedDir};

/// A trace, as `ceasefire trace` writes it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TraceJob {
    /// The scenario.
    pub loaded: LoadedScenario,
    /// Master seed of the batch.
    pub seed: u64,
    /// Index of the run.
    pub run: u64,
}

impl TraceJob {
    /// The trace of run `run` of `loaded` under the master seed `seed`.
    pub fn new(loaded: LoadedScenario, seed: u64, run: u64) -> Self {
        TraceJob { loaded, seed, run }
    }

    /// Writes the trace to `w` as CSV: the day records; after them one
    /// column per window condition with its running value on the days it is
    /// read (`WindowReadings`); then each party's intensity and memory and
    /// whether each part of an `all`/`any` condition held
    /// (`RunInternals`).
    pub fn write(&self, w: impl Write) -> Result<(), JobError> {
        let sc = &self.loaded.scenario;
        let batch = Batch::new(sc, self.seed);
        let mut ws = batch.workspace();
        let table = |source| JobError::Table {
            file: "the trace".into(),
            source,
        };
        let run_error = |e| JobError::Batch(crate::engine::BatchError::Run(e));
        // The day records go to memory first, and each row is written out
        // with the readings of its day appended.
        let mut records = Vec::new();
        let (windows, internals) = {
            let observers = (
                WindowReadings::new(sc),
                RunInternals::new(sc, self.seed, self.run),
            );
            let mut all = (TraceCsv::new(sc, &mut records).map_err(table)?, observers);
            ws.run(self.run, &mut all).map_err(run_error)?;
            let (trace, observers) = all;
            trace.finish().map_err(table)?;
            observers
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(records.as_slice());
        let mut writer = csv::WriterBuilder::new().has_headers(false).from_writer(w);
        let mut window_rows = windows.rows().iter();
        let mut internal_rows = internals.rows().iter();
        for (i, record) in reader.records().enumerate() {
            let mut record = record.map_err(table)?;
            if i == 0 {
                windows.columns().iter().for_each(|c| record.push_field(c));
                internals
                    .columns()
                    .iter()
                    .for_each(|c| record.push_field(c));
            } else {
                for value in window_rows.next().into_iter().flatten() {
                    record.push_field(&value.map_or(String::new(), |v| v.to_string()));
                }
                for cell in internal_rows.next().into_iter().flatten() {
                    record.push_field(cell);
                }
            }
            writer.write_record(&record).map_err(table)?;
        }
        writer.flush().map_err(|e| table(e.into()))
    }

    /// Writes the trace to the file `path`, which appears only complete.
    pub fn write_file(&self, path: &Path) -> Result<(), JobError> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .ok_or(OutRefusal::NotAFile { stdout: true })?
            .to_string_lossy()
            .into_owned();
        let mut staged = StagedDir::create(&dir)?;
        let mut file = staged.file(&name)?;
        self.write(&mut file)?;
        file.flush().map_err(|e| OutputError::new(path, e))?;
        file.finish()?;
        staged.commit()?;
        Ok(())
    }
}
