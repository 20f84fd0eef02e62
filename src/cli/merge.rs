//! `ceasefire merge`: the shards of a batch, combined into the outputs one
//! process would have written, byte for byte.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use ceasefire::job::MergeJob;

use super::Execution;

const EXAMPLES: &str = "EXAMPLES:
  ceasefire merge results/my-agreement/shard-*-of-4 --out results/my-agreement
  ceasefire merge parts/1 parts/2 parts/3 --out merged --plots";

/// Merge the shard directories of a batch (written by `run --shard K/N`)
/// into runs.csv, daily.csv, curves.csv, daily_metrics.csv, summary.csv and
/// manifest.json, identical to those of the batch run in one process; or
/// those of a sweep (`sweep --shard K/N`) into sweep.csv, points.csv and
/// manifest.json.
/// Refuses shards of different scenarios, seeds, runs or versions,
/// overlapping shards and missing ones.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
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
    #[command(flatten)]
    pub force: super::Force,
}

pub fn merge(args: MergeArgs) -> Result<ExitCode> {
    let mut job = MergeJob::new(args.dirs.clone(), args.out.clone());
    job.plots = args.plots;
    job.exec = Execution {
        force: args.force,
        ..Execution::default()
    }
    .job();
    let done = job.run()?;
    super::warn(done.plan.scenario.warnings(), &[]);
    let plan = &done.plan;
    let mut stdout = std::io::stdout().lock();
    match done.points {
        None => writeln!(
            stdout,
            "{}: merged {} shards of {} runs, seed {}",
            plan.source.name,
            plan.dirs().count(),
            plan.runs,
            plan.seed,
        )?,
        Some(points) => writeln!(
            stdout,
            "{}: merged {} shards of a sweep of {points} points × {} runs, seed {}",
            plan.source.name,
            plan.dirs().count(),
            plan.runs,
            plan.seed,
        )?,
    }
    super::wrote(&mut stdout, &args.out, &done.files)?;
    Ok(ExitCode::SUCCESS)
}
