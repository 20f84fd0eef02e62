//! `ceasefire run`: a batch of runs of one scenario, written as CSV.

use std::io::Write;
use std::num::NonZeroU64;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use ceasefire::engine::Shard;
use ceasefire::job::{BatchJob, BatchMode, Checkpoints, Extras, JobError};
use ceasefire::stats::summary::phase_table;
use ceasefire::store::checkpoint::CheckpointPolicy;

use super::interrupt::INTERRUPTED;
use super::{Bar, Changes, Execution, Precision, load, warn};

const EXAMPLES: &str = "EXAMPLES:
  # The built-in Geneva 2016 scenario, 100,000 runs, into results/geneva-2016/
  ceasefire run
  # Your scenario, with a changed value and charts
  ceasefire run my-agreement.toml --set monitoring.detection=0.8 --plots
  # Also the day-by-day series of the first 50 runs (daily_runs.csv)
  ceasefire run --runs 10000 --keep-daily 50
  # Until every entry share is known to ±0.5 percentage points
  ceasefire run my-agreement.toml --precision 0.005
  # Shard 2 of 4 (e.g. one task of a Slurm array), then merge
  ceasefire run my-agreement.toml --runs 1000000 --shard 2/4 --resume";

/// Run a batch of simulations and write runs.csv, daily.csv, curves.csv,
/// daily_metrics.csv, summary.csv and manifest.json (and SVG charts with
/// --plots); or, with --shard, one shard's partial files for `merge`.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct RunArgs {
    /// Scenario file (TOML). Without it, the built-in Geneva 2016 scenario.
    pub scenario: Option<PathBuf>,
    /// Number of runs.
    #[arg(long, short = 'n', default_value = "100000", value_parser = super::parse_runs)]
    pub runs: NonZeroU64,
    #[command(flatten)]
    pub exec: Execution,
    #[command(flatten)]
    pub target: Precision,
    /// Output directory [default: results/<scenario file stem>/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Also draw the SVG charts of `ceasefire plot` next to the CSV files.
    #[arg(long)]
    pub plots: bool,
    /// Run only shard K of N (1-based): runs ⌊(K−1)R/N⌋ to ⌊KR/N⌋ − 1 of the
    /// R runs, written as partial files for `ceasefire merge` [default
    /// --out: results/<scenario file stem>/shard-K-of-N/].
    #[arg(long, value_name = "K/N", conflicts_with_all = ["precision", "plots"])]
    pub shard: Option<Shard>,
    /// Continue a killed batch from the checkpoint in its output directory
    /// (same scenario, --set, --seed, --runs and --shard); start afresh if
    /// there is none. The outputs are identical to those of an
    /// uninterrupted batch.
    #[arg(long, conflicts_with = "precision")]
    pub resume: bool,
    /// Write a checkpoint every RUNS runs (rounded up to whole blocks of
    /// 8,192) instead of every half second or so. No output depends on it.
    #[arg(long, value_name = "RUNS")]
    pub checkpoint_every: Option<NonZeroU64>,
    /// Also write daily_runs.csv: the day-by-day records of the first K runs
    /// (runs 0 … K−1, as `ceasefire trace` shows them), one row per run and
    /// day, for plotting one line per run. No other file changes.
    #[arg(long, value_name = "K", conflicts_with = "shard")]
    pub keep_daily: Option<u64>,
    /// For tests of crash safety: abort the process, as a kill would, right
    /// after writing this many checkpoints.
    #[arg(long, value_name = "N", hide = true)]
    pub abort_after_checkpoints: Option<u32>,
    #[command(flatten)]
    pub changes: Changes,
}

impl Default for RunArgs {
    fn default() -> Self {
        RunArgs {
            scenario: None,
            runs: NonZeroU64::new(100_000).expect("non-zero"),
            exec: Execution::default(),
            target: Precision::default(),
            out: None,
            plots: false,
            shard: None,
            resume: false,
            checkpoint_every: None,
            keep_daily: None,
            abort_after_checkpoints: None,
            changes: Changes::default(),
        }
    }
}

pub fn run(args: RunArgs) -> Result<ExitCode> {
    let loaded = load(args.scenario.as_deref(), &args.changes)?;
    let quiet = args.exec.quiet;
    let early = loaded.scenario.warnings().to_vec();
    if !args.exec.strict {
        warn(&early, &[]);
    }
    let mut job = BatchJob::new(loaded, args.exec.seed, args.runs.get());
    let mut policy = match args.checkpoint_every {
        Some(runs) => CheckpointPolicy::every_runs(runs.get()),
        None => CheckpointPolicy::default(),
    };
    policy.abort_after = args.abort_after_checkpoints;
    let mut checkpoints = Checkpoints::default();
    checkpoints.resume = args.resume;
    checkpoints.policy = policy;
    let mut extras = Extras::default();
    extras.plots = args.plots;
    extras.keep_daily = args.keep_daily.unwrap_or(0);
    let runs = args.runs.get();
    // clap refuses --shard with --precision, --plots or --keep-daily, and
    // --resume with --precision.
    job.mode = match (args.target.target(), args.shard) {
        (Some(target), _) => BatchMode::Precision { target, extras },
        (None, Some(shard)) => BatchMode::Shard {
            runs,
            shard,
            checkpoints,
        },
        (None, None) => BatchMode::Whole {
            runs,
            checkpoints,
            extras,
        },
    };
    job.out = args.out.clone();
    job.exec = args.exec.cancellable_job();
    job.force = args.exec.force.force;
    let estimate = job.estimate();
    if !quiet {
        eprintln!("{estimate}");
    }
    job.estimated = Some(estimate);
    let bar = Bar::new(quiet);
    let done = match job.run(&bar) {
        Err(JobError::Interrupted {
            checkpoint,
            next_run,
        }) => {
            match (checkpoint, next_run) {
                (Some(path), Some(run)) => {
                    eprintln!(
                        "interrupted: stopped after run {}; every run before run {run} is kept in the checkpoint {}",
                        run.saturating_sub(1),
                        path.display()
                    );
                    let cmd = job
                        .exec
                        .resume_hint
                        .clone()
                        .unwrap_or_else(|| "the same command with --resume".into());
                    eprintln!("resume with: {cmd}");
                }
                _ => eprintln!("interrupted: nothing was written"),
            }
            return Ok(ExitCode::from(INTERRUPTED));
        }
        other => other?,
    };
    let mut already = early.clone();
    already.extend(bar.said());
    warn(&done.warnings, &already);
    if !quiet {
        if let (Some(target), Some(reached)) = (job.mode.precision(), done.half_width)
            && reached <= target.eps
        {
            eprintln!(
                "precision {} reached after {} runs (largest half-width {reached:.5})",
                target.eps, done.runs
            );
        }
        resume_note(args.resume, done.resumed_from, &done.dir);
    }

    let name = &job.loaded.source.name;
    let mut stdout = std::io::stdout().lock();
    if let (Some(shard), Some(info)) = (args.shard, done.shard) {
        writeln!(
            stdout,
            "{name}: shard {shard} of {} runs (runs {}..{}), seed {}\nwrote {} ({})",
            done.runs,
            info.first_run,
            info.end_run,
            args.exec.seed,
            done.dir.display(),
            done.files.join(", ")
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let sc = &job.loaded.scenario;
    if !quiet {
        print_table(
            &mut stdout,
            name,
            sc,
            &done.tally,
            done.runs,
            args.exec.seed,
        )?;
    }
    super::wrote(&mut stdout, &done.dir, &done.files)?;
    Ok(ExitCode::SUCCESS)
}

/// Says on stderr where a `--resume` started.
fn resume_note(resume: bool, from: Option<u64>, dir: &std::path::Path) {
    match (resume, from) {
        (_, Some(run)) => eprintln!(
            "note: resuming from run {run} (checkpoint in {})",
            dir.display()
        ),
        (true, None) => eprintln!(
            "note: no checkpoint in {}: starting from the first run",
            dir.display()
        ),
        (false, None) => {}
    }
}

fn print_table(
    out: &mut impl Write,
    name: &str,
    sc: &ceasefire::Scenario,
    tally: &ceasefire::Tally,
    runs: u64,
    seed: u64,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{name}: {runs} runs of {} days from {}, seed {seed}",
        sc.horizon_days(),
        sc.start_date()
    )?;
    writeln!(
        out,
        "{:<20} {:>8}  {:<18}  median entry day",
        "phase", "entered", "95% interval"
    )?;
    for line in phase_table(sc, &tally.runs) {
        let e = line.entered;
        let median = match line.median_entry_day {
            Some(d) => format!("{d} ({})", sc.date(d)),
            None => "never entered".into(),
        };
        writeln!(
            out,
            "{:<20} {:>7.2}%  [{:>6.2}%, {:>6.2}%]  {median}",
            line.phase,
            100.0 * e.estimate,
            100.0 * e.low,
            100.0 * e.high
        )?;
    }
    Ok(())
}
