//! `ceasefire sensitivity`: which uncertain assumptions drive an outcome,
//! alone and in interaction (Sobol' indices) or as a cheap screening
//! (Morris). The design runs as a sweep (same run seeds at every point, so
//! --resume, --shard and merge work as for `sweep`), then the library's
//! study analyses it.

use std::io::Write;
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, ValueEnum};

use ceasefire::engine::Shard;
use ceasefire::experiment::Vary;
use ceasefire::experiment::study::Study;
use ceasefire::job::{SensitivityJob, StudyMethod};
use ceasefire::report::sensitivity::{Index, IndexMethod, IndexRow};
use ceasefire::sensitivity::DEFAULT_RESAMPLES;

use super::{Bar, Changes, Execution, load, warn};

const EXAMPLES: &str = "EXAMPLES:
  # Sobol' indices of three assumptions of the Geneva scenario
  ceasefire sensitivity --vary monitoring.detection=0.5:0.95 \\
      --vary compliance.tolerance=0:3 --vary party.opposition.rate=0.5:4 \\
      --samples 256 --runs 2000 --outcome entered:collapse
  # Morris screening of the same, 20 trajectories
  ceasefire sensitivity --vary monitoring.detection=0.5:0.95 \\
      --vary compliance.tolerance=0:3 --method morris --samples 20
  # Four shards of a large study (e.g. a Slurm array), merged, then analysed
  ceasefire sensitivity … --shard 1/4 --out parts/1    # … up to --shard 4/4 --out parts/4
  ceasefire merge parts/1 parts/2 parts/3 parts/4 --out study
  ceasefire sensitivity … --analyze --out study";

/// Global sensitivity of a scenario's outcomes to uncertain parameters:
/// Sobol' indices (S1, ST, S2) or Morris elementary effects, with bootstrap
/// intervals, computed as SALib does.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct SensitivityArgs {
    /// Scenario file (TOML). Without it, the built-in Geneva 2016 scenario.
    pub scenario: Option<PathBuf>,
    /// An uncertain parameter and its range: PATH=LO:HI with LO < HI,
    /// sampled uniformly (e.g. monitoring.detection=0.5:0.95). Repeatable.
    #[arg(long = "vary", value_name = "PATH=LO:HI", required = true)]
    pub vary: Vec<Vary>,
    /// sobol: variance-based indices on Saltelli's design; morris:
    /// elementary effects on Morris trajectories (cheaper, for screening).
    #[arg(long, value_enum, default_value_t = MethodArg::Sobol)]
    pub method: MethodArg,
    /// Sobol': base samples N, a power of two (others are rounded up, with
    /// a warning): N·(D+2) points, N·(2D+2) with --second-order. Morris:
    /// trajectories r: r·(D+1) points.
    #[arg(long, default_value = "256")]
    pub samples: NonZeroUsize,
    /// Sobol': also second-order (pairwise interaction) indices.
    #[arg(long)]
    pub second_order: bool,
    /// Morris: levels of the grid (even).
    #[arg(long, default_value = "4")]
    pub levels: usize,
    /// Runs at every point (the same run seeds at every point).
    #[arg(long, short = 'n', default_value = "2000", value_parser = super::parse_runs)]
    pub runs: NonZeroU64,
    /// An outcome: METRIC:SUBJECT of summary.csv, e.g. entered:collapse or
    /// attacks_per_run:opposition. Repeatable [default: entered of every
    /// phase but the first, and attacks_per_run of every party].
    #[arg(long = "outcome", value_name = "METRIC:SUBJECT")]
    pub outcomes: Vec<String>,
    /// Bootstrap resamples of every interval.
    #[arg(long, default_value_t = DEFAULT_RESAMPLES)]
    pub resamples: usize,
    #[command(flatten)]
    pub exec: Execution,
    /// Output directory [default: results/<scenario file stem>-sensitivity/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Run only shard K of N of every point's runs, for `ceasefire merge`;
    /// then analyse the merged directory with --analyze.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Continue a killed study from the checkpoints of its completed points.
    #[arg(long)]
    pub resume: bool,
    /// Run nothing: analyse the sweep.csv already in --out (e.g. merged
    /// from shards), which must be this study's design.
    #[arg(long, conflicts_with_all = ["shard", "resume"])]
    pub analyze: bool,
    /// Changes applied to the scenario at every point, before the varied ones.
    #[command(flatten)]
    pub changes: Changes,
}

/// The method, as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Sobol' indices on Saltelli's design.
    Sobol,
    /// Morris elementary effects.
    Morris,
}

pub fn sensitivity(args: SensitivityArgs) -> Result<ExitCode> {
    let loaded = load(args.scenario.as_deref(), &args.changes)?;
    let method = match args.method {
        MethodArg::Sobol => StudyMethod::Sobol {
            samples: args.samples.get(),
            second_order: args.second_order,
        },
        MethodArg::Morris => StudyMethod::Morris {
            trajectories: args.samples.get(),
            levels: args.levels,
        },
    };
    let mut job = SensitivityJob::new(
        loaded,
        args.vary.clone(),
        method,
        args.exec.seed,
        args.runs.get(),
    );
    job.set_outcomes(&args.outcomes)?;
    job.resamples = args.resamples;
    job.shard = args.shard;
    job.resume = args.resume;
    job.analyze = args.analyze;
    job.out = args.out.clone();
    job.exec = args.exec.job();
    let done = job.run(&Bar::new(args.exec.quiet))?;
    warn(&done.warnings, &[]);
    let mut stdout = std::io::stdout().lock();
    let Some(study) = &done.study else {
        writeln!(
            stdout,
            "wrote {} ({})\nmerge the shards with `ceasefire merge DIR/shard-*-of-N --out DIR`, then analyse with the same arguments and --analyze --out DIR",
            done.dir.display(),
            done.files.join(", ")
        )?;
        return Ok(ExitCode::SUCCESS);
    };
    if !args.exec.quiet {
        writeln!(
            stdout,
            "{}: {} study of {} parameters, {} points × {} runs, seed {}",
            job.loaded.source.name,
            done.design,
            args.vary.len(),
            done.points,
            args.runs,
            args.exec.seed
        )?;
        print_ranked(&mut stdout, study)?;
    }
    super::wrote(&mut stdout, &done.dir, &done.files)?;
    Ok(ExitCode::SUCCESS)
}

/// For every outcome, the parameters ranked by ST (or μ*).
fn print_ranked(out: &mut impl Write, study: &Study) -> std::io::Result<()> {
    let (key, second, heads) = match study.method {
        IndexMethod::Sobol => (Index::ST, Index::S1, ["ST [95% CI]", "S1 [95% CI]"]),
        IndexMethod::Morris => (Index::MuStar, Index::Sigma, ["mu* [95% CI]", "sigma"]),
    };
    let cell = |r: Option<&IndexRow>| match r {
        Some(r) => match (r.ci_low, r.ci_high) {
            (Some(l), Some(h)) => format!("{:.3} [{:.3}, {:.3}]", r.estimate, l, h),
            _ => format!("{:.3}", r.estimate),
        },
        None => String::new(),
    };
    let names = study.outcomes.iter().flat_map(|o| &o.indices);
    let width = names.map(|r| r.parameter.len()).max().unwrap_or(9).max(9);
    for o in &study.outcomes {
        writeln!(
            out,
            "\n{} (Monte Carlo noise: {:.1}% of its variance over the points)",
            o.outcome,
            100.0 * o.noise_share
        )?;
        writeln!(
            out,
            "  rank  {:width$}  {:24}  {}",
            "parameter", heads[0], heads[1]
        )?;
        let mut ranked: Vec<&IndexRow> = o.indices.iter().filter(|r| r.index == key).collect();
        ranked.sort_by(|a, b| b.estimate.total_cmp(&a.estimate));
        for (k, r) in ranked.iter().enumerate() {
            let other = o
                .indices
                .iter()
                .find(|s| s.index == second && s.parameter == r.parameter);
            writeln!(
                out,
                "  {:<4}  {:width$}  {:24}  {}",
                k + 1,
                r.parameter,
                cell(Some(r)),
                cell(other)
            )?;
        }
        for r in o.indices.iter().filter(|r| r.index == Index::S2) {
            writeln!(out, "  S2    {:width$}  {}", r.parameter, cell(Some(r)))?;
        }
    }
    Ok(())
}
