//! `run --keep-daily K`: the day-by-day records of the first K runs of a
//! batch in one long table (daily_runs.csv), for analysts who draw one line
//! per run (spaghetti plots), as BehaviorSpace's table output allows.
//!
//! The runs are simulated again after the batch, through the same engine
//! and streams as `trace` (a run's numbers depend only on the seed and its
//! index), so a batch without `--keep-daily` does no work for it and every
//! other file is unchanged.

use std::ops::Range;

use super::JobError;
use crate::engine::{Batch, BatchError};
use crate::layout::ResultFile;
use crate::report::TraceCsv;
use crate::scenario::Scenario;

/// daily_runs.csv for runs `runs` of seed `seed`: a `run` column, then the
/// trace's day columns (`day` … `next_phase`), one row per run and day to
/// the horizon, in run order.
pub(super) fn daily_runs(sc: &Scenario, seed: u64, runs: Range<u64>) -> Result<Vec<u8>, JobError> {
    let table = |source| JobError::Table {
        file: ResultFile::DailyRuns.name().into(),
        source,
    };
    let batch = Batch::new(sc, seed);
    let mut ws = batch.workspace();
    let mut out = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let first = runs.start;
    for run in runs {
        let mut records = Vec::new();
        let mut trace = TraceCsv::new(sc, &mut records).map_err(table)?;
        ws.run(run, &mut trace)
            .map_err(|e| JobError::Batch(BatchError::Run(e)))?;
        trace.finish().map_err(table)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(records.as_slice());
        let id = run.to_string();
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(table)?;
            if i == 0 && run != first {
                continue;
            }
            let lead = if i == 0 { "run" } else { id.as_str() };
            out.write_record(std::iter::once(lead).chain(record.iter()))
                .map_err(table)?;
        }
    }
    out.into_inner().map_err(|e| table(e.into_error().into()))
}
