//! `ceasefire trace`: the day-by-day record of one run.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use ceasefire::engine::{WindowReadings, Workspace};
use ceasefire::output::{StagedDir, TraceCsv};
use ceasefire::{Batch, Scenario};

use super::{Changes, DEFAULT_SEED, load};

/// Write the day-by-day record of one run, identical to that run in a batch
/// with the same seed, with each window condition's running value on the
/// days it is read.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Scenario file (TOML). Without it, the built-in Geneva 2016 scenario.
    pub scenario: Option<PathBuf>,
    /// Index of the run (as in the `run` column of runs.csv).
    #[arg(long, short = 'r')]
    pub run: u64,
    /// Master seed of the batch.
    #[arg(long, short = 's', default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Output file, or `-` for standard output.
    #[arg(long, short = 'o', default_value = "-")]
    pub out: PathBuf,
    #[command(flatten)]
    pub changes: Changes,
}

pub fn trace(args: TraceArgs) -> Result<ExitCode> {
    let loaded = load(args.scenario.as_deref(), &args.changes)?;
    let sc = &loaded.scenario;
    let batch = Batch::new(sc, args.seed);
    let mut ws = batch.workspace();
    if args.out.as_os_str() == "-" {
        write_trace(sc, &mut ws, args.run, io::stdout().lock())?;
        return Ok(ExitCode::SUCCESS);
    }
    let dir = match args.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = args
        .out
        .file_name()
        .context("--out must name a file or be -")?
        .to_string_lossy()
        .into_owned();
    let mut staged = StagedDir::create(&dir)?;
    let mut file = staged.file(&name)?;
    write_trace(sc, &mut ws, args.run, &mut file)?;
    file.flush()?;
    file.finish()?;
    staged.commit()?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the trace of run `run` to `out`: the day records, and (v2) after
/// them one column per window condition with its running value on the days
/// it is read ([`WindowReadings`]).
fn write_trace<W: Write>(sc: &Scenario, ws: &mut Workspace, run: u64, out: W) -> Result<()> {
    let readings = WindowReadings::new(sc);
    if readings.is_empty() {
        let mut trace = TraceCsv::new(sc, out)?;
        ws.run(run, &mut trace)?;
        trace.finish()?;
        return Ok(());
    }
    let mut records = Vec::new();
    let readings = {
        let mut both = (TraceCsv::new(sc, &mut records)?, readings);
        ws.run(run, &mut both)?;
        let (trace, readings) = both;
        trace.finish()?;
        readings
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(records.as_slice());
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    let mut rows = readings.rows().iter();
    for (i, record) in reader.records().enumerate() {
        let mut record = record?;
        if i == 0 {
            readings.columns().iter().for_each(|c| record.push_field(c));
        } else {
            let row = rows.next().context("a window reading for every day")?;
            for value in row {
                record.push_field(&value.map_or(String::new(), |v| v.to_string()));
            }
        }
        writer.write_record(&record)?;
    }
    writer.flush()?;
    Ok(())
}
