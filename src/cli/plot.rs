//! `ceasefire plot`: SVG charts of a results directory written by `run`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use ceasefire::output::StagedDir;
use ceasefire::output::plot::{self, Results, SweepResults};

/// Draw the charts of a results directory as SVG files next to its CSV files:
/// phase occupancy, time to first entry and violence by party for `run`;
/// the share entering each phase across the points for `sweep`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A directory written by `ceasefire run` (daily.csv, curves.csv,
    /// daily_metrics.csv and manifest.json) or by `ceasefire sweep`
    /// (sweep.csv and manifest.json).
    pub dir: PathBuf,
}

pub fn plot(args: PlotArgs) -> Result<ExitCode> {
    let charts = if args.dir.join("sweep.csv").exists() {
        let sweep = SweepResults::read_dir(&args.dir)?;
        vec![(plot::SWEEP_CHART, plot::draw_sweep(&sweep)?)]
    } else {
        plot::draw(&Results::read_dir(&args.dir)?)?
    };
    let mut staged = StagedDir::create(&args.dir)?;
    for (name, svg) in &charts {
        let mut file = staged.file(name)?;
        std::io::Write::write_all(&mut file, svg.as_bytes())
            .with_context(|| format!("cannot write {name}"))?;
        file.finish()?;
    }
    staged.commit()?;
    let names: Vec<&str> = charts.iter().map(|(n, _)| *n).collect();
    println!("wrote {} ({})", args.dir.display(), names.join(", "));
    Ok(ExitCode::SUCCESS)
}
