//! `ceasefire merge`: the shards of a batch, combined into the outputs one
//! process would have written, byte for byte.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;

use ceasefire::output::partial::MergePlan;
use ceasefire::output::{Manifest, StagedDir};

use super::outputs::{self, FILES};

/// Merge the shard directories of a batch (written by `run --shard K/N`)
/// into runs.csv, daily.csv, curves.csv, daily_metrics.csv, summary.csv and
/// manifest.json, identical to those of the batch run in one process.
/// Refuses shards of different scenarios, seeds, runs or versions,
/// overlapping shards and missing ones.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard directories, in any order: every shard 1/N … N/N, once.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Output directory for the merged batch.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Also draw the SVG charts of `ceasefire plot`.
    #[arg(long)]
    pub plots: bool,
}

pub fn merge(args: MergeArgs) -> Result<ExitCode> {
    let plan = MergePlan::open(&args.dirs)?;
    let out = std::path::absolute(&args.out)
        .with_context(|| format!("{}: not a usable directory", args.out.display()))?;
    for dir in plan.dirs() {
        if std::path::absolute(dir).is_ok_and(|d| d == out) {
            bail!(
                "--out {} is one of the shard directories; merge into another directory",
                args.out.display()
            );
        }
    }
    let sc = &plan.scenario;
    let mut staged = StagedDir::create(&args.out)?;
    let mut runs_csv = staged.file(FILES[0])?;
    plan.write_runs_csv(&mut runs_csv)?;
    runs_csv.finish()?;
    let tally = plan.tally()?;
    let manifest = Manifest::new(plan.source.clone(), plan.seed, plan.runs, Vec::new());
    let written = outputs::write_batch(staged, sc, &tally, args.plots, manifest)?;
    writeln!(
        std::io::stdout().lock(),
        "{}: merged {} shards of {} runs, seed {}\nwrote {} ({})",
        plan.source.name,
        plan.dirs().count(),
        plan.runs,
        plan.seed,
        args.out.display(),
        written.join(", ")
    )?;
    Ok(ExitCode::SUCCESS)
}
