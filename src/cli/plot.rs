//! `ceasefire plot`: SVG charts of a results directory written by `run`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use ceasefire::job::PlotJob;

const EXAMPLES: &str = "EXAMPLES:
  ceasefire plot results/geneva-2016
  ceasefire plot results/geneva-2016-detection-sweep";

/// Draw the charts of a results directory as SVG files next to its CSV files:
/// phase occupancy, time to first entry and violence by party for `run`;
/// the share entering each phase across the points for `sweep`.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct PlotArgs {
    /// A directory written by `ceasefire run` (daily.csv, curves.csv,
    /// daily_metrics.csv and manifest.json) or by `ceasefire sweep`
    /// (sweep.csv and manifest.json).
    pub dir: PathBuf,
}

pub fn plot(args: PlotArgs) -> Result<ExitCode> {
    let done = PlotJob::new(args.dir.clone()).run()?;
    println!("wrote {} ({})", args.dir.display(), done.files.join(", "));
    Ok(ExitCode::SUCCESS)
}
