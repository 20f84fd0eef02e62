//! The day-by-day record of one run (`ceasefire trace`), identical to that
//! run in a batch with the same seed.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{JobError, LoadedScenario};
use crate::engine::Batch;
use crate::report::TraceCsv;
use crate::store::{OutputError, StagedDir};

/// A trace, as `ceasefire trace` writes it.
#[derive(Debug, Clone)]
pub struct TraceJob {
    /// The scenario.
    pub loaded: LoadedScenario,
    /// Master seed of the batch.
    pub seed: u64,
    /// Index of the run.
    pub run: u64,
}

impl TraceJob {
    /// Writes the trace to `w` as CSV.
    pub fn write(&self, w: impl Write) -> Result<(), JobError> {
        let sc = &self.loaded.scenario;
        let batch = Batch::new(sc, self.seed);
        let mut ws = batch.workspace();
        let table = |source| JobError::Table {
            file: "the trace".into(),
            source,
        };
        let mut trace = TraceCsv::new(sc, w).map_err(table)?;
        ws.run(self.run, &mut trace)
            .map_err(|e| JobError::Batch(e.into()))?;
        trace.finish().map_err(table)
    }

    /// Writes the trace to the file `path`, which appears only complete.
    pub fn write_file(&self, path: &Path) -> Result<(), JobError> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .ok_or_else(|| JobError::Invalid("--out must name a file or be -".into()))?
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
