//! `ceasefire check`: validate scenario files and describe them.

use std::path::PathBuf;
use std::process::ExitCode;

use std::io::Write;

use anyhow::Result;
use clap::Args;

use ceasefire::job::CostEstimate;
use ceasefire::model::baseline;

use super::{Changes, load};

/// The runs of `ceasefire run` without `--runs`, for the estimate.
const DEFAULT_RUNS: u64 = 100_000;

const EXAMPLES: &str = "EXAMPLES:
  ceasefire check scenarios/geneva-2016.toml scenarios/munich-2016.toml
  # With a change, as run would apply it
  ceasefire check my-agreement.toml --set compliance.tolerance=2";

/// Validate scenario files and describe each (parties, phases, transitions,
/// warnings, and each phase's expected day at baseline rates next to the
/// thresholds that read it). Exits non-zero if any file has an error.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct CheckArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub changes: Changes,
}

pub fn check(args: CheckArgs) -> Result<ExitCode> {
    let mut failed = 0;
    let mut stdout = std::io::stdout().lock();
    for path in &args.scenarios {
        match load(Some(path), &args.changes) {
            Ok(loaded) => {
                writeln!(stdout, "{}: ok", path.display())?;
                write!(stdout, "{}", loaded.scenario.describe())?;
                writeln!(stdout, "{}", baseline::describe(&loaded.scenario))?;
                let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
                let estimate = CostEstimate::measure(&loaded.scenario, DEFAULT_RUNS, threads);
                writeln!(stdout, "`ceasefire run` {estimate}")?;
                if estimate.is_absurd() {
                    writeln!(
                        stdout,
                        "`ceasefire run` would refuse the default run count without --force: {}",
                        estimate.refusal()
                    )?;
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e:#}");
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "{failed} of {} scenario files have errors",
            args.scenarios.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
