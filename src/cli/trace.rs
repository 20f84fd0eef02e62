//! `ceasefire trace`: the day-by-day record of one run.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use ceasefire::Batch;
use ceasefire::output::{StagedDir, TraceCsv};

use super::{Changes, DEFAULT_SEED, load};

/// Write the day-by-day record of one run, identical to that run in a batch
/// with the same seed.
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
        let stdout = io::stdout().lock();
        let mut trace = TraceCsv::new(sc, stdout)?;
        ws.run(args.run, &mut trace)?;
        trace.finish()?;
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
    let mut trace = TraceCsv::new(sc, &mut file)?;
    ws.run(args.run, &mut trace)?;
    trace.finish()?;
    file.flush()?;
    file.finish()?;
    staged.commit()?;
    Ok(ExitCode::SUCCESS)
}
