//! The files every command that finishes a batch writes (`run`, `merge`):
//! the tables computed from a tally, the charts, a shard's partial files and
//! the manifest. One place, so that a merged batch is written by exactly the
//! code that writes a batch run in one process.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use ceasefire::engine::Shard;
use ceasefire::output::partial::SCENARIO_FILE;
use ceasefire::output::plot::{self, Results};
use ceasefire::output::{self, Manifest, StagedDir};
use ceasefire::{Scenario, Tally};

/// The default directory of shard `K/N` of a batch whose outputs go to
/// `dir`: `dir/shard-K-of-N/` (`dir` itself for a whole batch).
pub fn shard_dir(dir: PathBuf, shard: Option<Shard>) -> PathBuf {
    match shard {
        Some(s) => dir.join(format!("shard-{}-of-{}", s.index(), s.count())),
        None => dir,
    }
}

/// The files of a whole batch, in the order the manifest lists them (the
/// charts of `--plots` come before manifest.json).
pub const FILES: [&str; 6] = [
    "runs.csv",
    "daily.csv",
    "curves.csv",
    "daily_metrics.csv",
    "summary.csv",
    "manifest.json",
];

/// One of the tables computed from a batch's tally, written to memory.
fn table(
    name: &'static str,
    write: impl FnOnce(&mut Vec<u8>) -> csv::Result<()>,
) -> Result<(&'static str, Vec<u8>)> {
    let mut bytes = Vec::new();
    write(&mut bytes).with_context(|| format!("cannot write {name}"))?;
    Ok((name, bytes))
}

/// Writes `bytes` to `name` in `staged`.
fn put(staged: &mut StagedDir, name: &str, bytes: &[u8]) -> Result<()> {
    let mut file = staged.file(name)?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {name}"))?;
    file.finish()?;
    Ok(())
}

/// Writes everything of a whole batch but runs.csv (already staged) from
/// its tally: the tables, the charts with `plots`, and the manifest (whose
/// `files` is filled in here). Commits `staged` and returns the files
/// written, runs.csv first.
pub fn write_batch(
    mut staged: StagedDir,
    sc: &Scenario,
    tally: &Tally,
    plots: bool,
    mut manifest: Manifest,
) -> Result<Vec<String>> {
    // The day-by-day files are small: they are kept in memory so that the
    // charts are drawn from exactly the bytes written.
    let mut written = vec![FILES[0].to_string()];
    let tables = [
        table(FILES[1], |b| output::write_daily(sc, tally, b))?,
        table(FILES[2], |b| output::write_curves(sc, tally, b))?,
        table(FILES[3], |b| output::write_daily_metrics(sc, tally, b))?,
        table(FILES[4], |b| output::write_summary(sc, tally, b))?,
    ];
    let mut charts = Vec::new();
    if plots {
        let [daily, curves, metrics] = [0, 1, 2].map(|k| (tables[k].0, tables[k].1.as_slice()));
        let results = Results::from_csv(&sc.name, daily, curves, metrics)?;
        charts = plot::draw(&results)?;
    }
    let contents = tables
        .iter()
        .map(|(name, bytes)| (*name, bytes.as_slice()))
        .chain(charts.iter().map(|(name, svg)| (*name, svg.as_bytes())));
    for (name, bytes) in contents {
        put(&mut staged, name, bytes)?;
        written.push(name.to_string());
    }
    written.push(FILES[5].to_string());
    manifest.files = written.clone();
    put(&mut staged, FILES[5], manifest.to_json().as_bytes())?;
    staged.commit()?;
    Ok(written)
}

/// Writes the partial files of a shard: `tallies` (tally.json of a batch,
/// tallies.json of a sweep), a copy of the scenario bytes and the manifest,
/// whose `shard` must be set and whose `files` becomes `files`. Commits
/// `staged` (with the runs.csv of a batch shard, already staged) and
/// returns the files.
pub fn write_shard(
    mut staged: StagedDir,
    tallies: (&str, &[u8]),
    scenario_text: &str,
    mut manifest: Manifest,
    files: &[&str],
) -> Result<Vec<String>> {
    put(&mut staged, tallies.0, tallies.1)?;
    put(&mut staged, SCENARIO_FILE, scenario_text.as_bytes())?;
    manifest.files = files.iter().map(|f| f.to_string()).collect();
    put(&mut staged, "manifest.json", manifest.to_json().as_bytes())?;
    staged.commit()?;
    Ok(manifest.files)
}
