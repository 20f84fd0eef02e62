//! `ceasefire trace`: the day-by-day record of one run.

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use ceasefire::job::TraceJob;

use super::{Changes, DEFAULT_SEED, load};

const EXAMPLES: &str = "EXAMPLES:
  # Run 1 of the default batch, day by day
  ceasefire trace --run 1
  # Run 42 of seed 7 of your scenario, into a file
  ceasefire trace my-agreement.toml --run 42 --seed 7 --out run-42.csv";

/// Write the day-by-day record of one run, identical to that run in a batch
/// with the same seed: the day's counts, each window condition's running
/// value, each party's intensity and memory, and which part of each
/// all/any condition held (docs/outputs.md).
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct TraceArgs {
    /// Scenario file (TOML). Without it, the built-in Geneva 2016 scenario.
    pub scenario: Option<PathBuf>,
    /// Index of the run (as in the `run` column of runs.csv).
    #[arg(long, short = 'r')]
    pub run: u64,
    /// Master seed of the batch.
    #[arg(long, short = 's', default_value_t = DEFAULT_SEED, value_parser = super::parse_seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// Output file, or `-` for standard output.
    #[arg(long, short = 'o', default_value = "-")]
    pub out: PathBuf,
    #[command(flatten)]
    pub changes: Changes,
}

pub fn trace(args: TraceArgs) -> Result<ExitCode> {
    let job = TraceJob::new(
        load(args.scenario.as_deref(), &args.changes)?,
        args.seed,
        args.run,
    );
    if args.out.as_os_str() == "-" {
        job.write(io::stdout().lock())?;
    } else {
        job.write_file(&args.out)?;
    }
    Ok(ExitCode::SUCCESS)
}
