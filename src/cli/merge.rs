//! `ceasefire merge`: the shards of a batch, combined into the outputs one
//! process would have written, byte for byte.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;

use ceasefire::Scenario;
use ceasefire::experiment::{Design, Vary};
use ceasefire::output::experiment::SweepPoint;
use ceasefire::output::partial::MergePlan;
use ceasefire::output::{Manifest, StagedDir, SweepInfo};
use ceasefire::scenario::paths::ParamPath;
use ceasefire::stats::summary::summary_rows;

use super::outputs::{self, FILES};
use super::sweep::{point_scenarios, write_sweep_files};

/// Merge the shard directories of a batch (written by `run --shard K/N`)
/// into runs.csv, daily.csv, curves.csv, daily_metrics.csv, summary.csv and
/// manifest.json, identical to those of the batch run in one process; or
/// those of a sweep (`sweep --shard K/N`) into sweep.csv, points.csv and
/// manifest.json.
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
    let mut staged = StagedDir::create(&args.out)?;
    if let Some(sweep) = &plan.sweep {
        return merge_sweep(&plan, sweep, staged, &args);
    }
    let sc = &plan.scenario;
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

/// Merges the shards of a sweep: rebuilds its points from the recorded
/// design exactly as `sweep` builds them, adds up each point's tallies and
/// writes sweep.csv, points.csv and manifest.json with `sweep`'s writer.
fn merge_sweep(
    plan: &MergePlan,
    sweep: &SweepInfo,
    staged: StagedDir,
    args: &MergeArgs,
) -> Result<ExitCode> {
    let vary = sweep
        .vary
        .iter()
        .map(|v| v.parse::<Vary>())
        .collect::<Result<Vec<_>, _>>()?;
    let design: Design = sweep.design.parse()?;
    let paths: Vec<ParamPath> = vary.iter().map(|v| v.path.clone()).collect();
    let scenarios = point_scenarios(
        &plan.text,
        &plan.origin,
        &plan.changes,
        &vary,
        design,
        plan.seed,
    )?;
    let only: Vec<&Scenario> = scenarios.iter().map(|(_, sc)| sc).collect();
    let tallies = plan.point_tallies(&only)?;
    let points: Vec<SweepPoint> = scenarios
        .iter()
        .zip(&tallies)
        .map(|((values, sc), tally)| SweepPoint {
            values: values.clone(),
            runs: plan.runs,
            rows: summary_rows(sc, &tally.runs),
        })
        .collect();
    let source = plan.source.clone();
    let files = write_sweep_files(staged, &paths, &points, source, plan.seed, args.plots)?;
    writeln!(
        std::io::stdout().lock(),
        "{}: merged {} shards of a sweep of {} points × {} runs, seed {}\nwrote {} ({})",
        plan.source.name,
        plan.dirs().count(),
        points.len(),
        plan.runs,
        plan.seed,
        args.out.display(),
        files.join(", ")
    )?;
    Ok(ExitCode::SUCCESS)
}
