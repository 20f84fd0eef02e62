//! The results directories jobs write: which tables, charts and partial
//! files go into a batch's, an exact solution's, a shard's or a sweep's
//! directory, in the order the layout ([`crate::layout`]) names them.
//! One place, so that a merged batch is written by exactly the code that
//! writes a batch run in one process.

use std::io::Write;

use super::JobError;
use crate::layout::{self, ResultFile};
use crate::report::BatchTables;
use crate::report::plot::{self, Results, SweepResults};
use crate::report::sweep::{SweepPoint, write_points, write_sweep};
use crate::scenario::Scenario;
use crate::scenario::paths::ParamPath;
use crate::stats::Estimates;
use crate::store::{Manifest, ManifestFile, StagedDir};

/// A table written to memory by `write`, with its file.
pub(super) fn table(
    file: ResultFile,
    write: impl FnOnce(&mut Vec<u8>) -> csv::Result<()>,
) -> Result<(ResultFile, Vec<u8>), JobError> {
    let mut bytes = Vec::new();
    write(&mut bytes).map_err(|source| csv_error(file, source))?;
    Ok((file, bytes))
}

/// A failed CSV write of `file`.
pub(super) fn csv_error(file: ResultFile, source: csv::Error) -> JobError {
    JobError::Table {
        file: file.name().to_string(),
        source,
    }
}

/// Locks the results directory `dir` (creating it) for a job that writes it
/// in several steps, each through its own [`StagedDir`].
pub(super) fn hold(dir: &std::path::Path) -> Result<crate::store::lock::DirLock, JobError> {
    // A results StagedDir checks and creates the directory as every job's
    // does; dropped unused, it leaves nothing behind but the lock.
    let staged = StagedDir::create(dir)?;
    Ok(crate::store::lock::DirLock::acquire(staged.dir())?)
}

/// Writes `bytes` to `name` in `staged`.
pub(super) fn put(staged: &mut StagedDir, name: &str, bytes: &[u8]) -> Result<(), JobError> {
    let mut file = staged.file(name)?;
    file.write_all(bytes)
        .map_err(|e| crate::store::OutputError::new(&staged.dir().join(name), e))?;
    file.finish()?;
    Ok(())
}

/// Writes the manifest (its `files` set to `files`, manifest.json last) and
/// commits `staged`. Returns the files.
pub(super) fn finish(
    mut staged: StagedDir,
    mut manifest: impl ManifestFile,
    mut files: Vec<String>,
) -> Result<Vec<String>, JobError> {
    let name = ResultFile::Manifest.name();
    if files.last().map(String::as_str) != Some(name) {
        files.push(name.to_string());
    }
    let digests = staged.digests(&files)?;
    manifest.list(files.clone(), digests);
    put(&mut staged, name, manifest.json().as_bytes())?;
    staged.commit()?;
    Ok(files)
}

/// The tables of a whole batch or of an exact solution from `estimates`
/// (daily.csv, curves.csv, daily_metrics.csv, summary.csv) as the bytes
/// written, with their rows.
pub(super) fn tables(
    sc: &Scenario,
    estimates: &dyn Estimates,
) -> Result<Vec<(ResultFile, Vec<u8>)>, JobError> {
    Ok(table_bytes(&BatchTables::new(sc, estimates))?.to_vec())
}

/// The bytes of each of `rows`' tables, in the layout's order.
fn table_bytes(rows: &BatchTables) -> Result<[(ResultFile, Vec<u8>); 4], JobError> {
    Ok([
        table(ResultFile::Daily, |b| rows.write_daily(b))?,
        table(ResultFile::Curves, |b| rows.write_curves(b))?,
        table(ResultFile::DailyMetrics, |b| rows.write_metrics(b))?,
        table(ResultFile::Summary, |b| rows.write_summary(b))?,
    ])
}

/// Writes the tables of a whole batch or of an exact solution from
/// `estimates` (daily.csv, curves.csv, daily_metrics.csv, summary.csv), the
/// charts with `plots` (drawn from the same rows), and the manifest, and
/// commits `staged`. `first` names files already staged (runs.csv of a
/// batch). Returns every file written, in manifest order.
pub(super) fn write_tables(
    mut staged: StagedDir,
    sc: &Scenario,
    estimates: &dyn Estimates,
    plots: bool,
    manifest: Manifest,
    first: &[ResultFile],
) -> Result<Vec<String>, JobError> {
    let mut written = layout::names(first);
    let rows = BatchTables::new(sc, estimates);
    let tables = table_bytes(&rows)?;
    let mut charts = Vec::new();
    if plots {
        let name = |f: ResultFile| f.name();
        let mut results = Results::from_rows(
            sc.name(),
            (name(ResultFile::Daily), &rows.daily),
            (name(ResultFile::Curves), &rows.curves),
            (name(ResultFile::DailyMetrics), &rows.metrics),
        )?;
        results.exact = estimates.runs().is_none();
        charts = plot::draw(&results)?;
    }
    let contents = tables
        .iter()
        .map(|(file, bytes)| (file.name(), bytes.as_slice()))
        .chain(
            charts
                .iter()
                .map(|(file, svg)| (file.name(), svg.as_bytes())),
        );
    for (name, bytes) in contents {
        put(&mut staged, name, bytes)?;
        written.push(name.to_string());
    }
    finish(staged, manifest, written)
}

/// Writes the partial files of a shard: its tallies (`tally.json` of a
/// batch, `tallies.json` of a sweep), a copy of the scenario bytes and the
/// manifest (whose `shard` must be set), and commits `staged` (with the
/// runs.csv of a batch shard, already staged). Returns the files, as the
/// layout `files` names them.
pub(super) fn write_shard(
    mut staged: StagedDir,
    tallies: (ResultFile, &[u8]),
    scenario_text: &str,
    manifest: Manifest,
    files: &[ResultFile],
) -> Result<Vec<String>, JobError> {
    put(&mut staged, tallies.0.name(), tallies.1)?;
    put(
        &mut staged,
        ResultFile::ScenarioCopy.name(),
        scenario_text.as_bytes(),
    )?;
    finish(staged, manifest, layout::names(files))
}

/// Writes sweep.csv, points.csv, sweep.svg with `plots`, and the manifest
/// of a whole sweep, and commits `staged` (for `sweep`, and for `merge` of
/// a sweep's shards). Returns the files written.
pub(super) fn write_sweep_files(
    mut staged: StagedDir,
    paths: &[ParamPath],
    points: &[SweepPoint],
    name: &str,
    manifest: Manifest,
    plots: bool,
) -> Result<Vec<String>, JobError> {
    let (sweep, bytes) = table(ResultFile::Sweep, |b| write_sweep(paths, points, b))?;
    put(&mut staged, sweep.name(), &bytes)?;
    let (file, points_csv) = table(ResultFile::Points, |b| write_points(paths, points, b))?;
    put(&mut staged, file.name(), &points_csv)?;
    let mut files = layout::names(&[ResultFile::Sweep, ResultFile::Points]);
    if plots {
        // Drawn from the bytes of sweep.csv, as `ceasefire plot` would.
        let chart = SweepResults::from_csv(name, (sweep.name(), bytes.as_slice()))?;
        let svg = plot::draw_sweep(&chart)?;
        put(&mut staged, ResultFile::SweepChart.name(), svg.as_bytes())?;
        files.push(ResultFile::SweepChart.name().into());
    }
    finish(staged, manifest, files)
}
