//! `ceasefire exact`: exact answers for scenarios without retaliation, and
//! (with `--check`) a Monte Carlo batch compared against them.

use std::io::Write;
use std::num::NonZeroU64;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;

use ceasefire::exact::{self, DEFAULT_MAX_LOSS, DEFAULT_MAX_STATES, SolveOptions};
use ceasefire::output::{self, Manifest, StagedDir};
use ceasefire::stats::exact::{
    MIN_EXPECTED, curve_rows, daily_metric_rows, deviations, largest_deviation, median_entry_day,
    occupancy_rows, summary_rows,
};
use ceasefire::{Batch, Scenario};

use super::{Changes, DEFAULT_SEED, default_out, load, thread_pool};

/// Largest deviation of `--check`, in standard errors, that still passes:
/// with a few hundred (correlated) comparisons, chance alone exceeds 4.5 SE
/// less than once in a thousand checks.
pub const CHECK_MAX_SE: f64 = 4.5;

/// Solve a scenario without retaliation exactly (a finite Markov chain) and
/// write daily.csv, curves.csv, daily_metrics.csv, summary.csv and
/// manifest.json, with every
/// interval equal to its value.
#[derive(Debug, Args)]
pub struct ExactArgs {
    /// Scenario file (TOML); no party may retaliate.
    pub scenario: PathBuf,
    #[command(flatten)]
    pub changes: Changes,
    /// Output directory [default: results/<scenario file stem>-exact/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Largest probability mass the solution may lose to rounding.
    #[arg(long, default_value_t = DEFAULT_MAX_LOSS)]
    pub max_loss: f64,
    /// Largest number of chain states to build.
    #[arg(long, default_value_t = DEFAULT_MAX_STATES)]
    pub max_states: usize,
    /// Also simulate the scenario and report, over every phase and day, the
    /// largest deviation of the runs from the exact answer in standard
    /// errors; fail if it exceeds 4.5.
    #[arg(long)]
    pub check: bool,
    /// Runs of the --check batch.
    #[arg(long, short = 'n', default_value = "100000")]
    pub runs: NonZeroU64,
    /// Master seed of the --check batch.
    #[arg(long, short = 's', default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads of the --check batch (default: all cores).
    #[arg(long, short = 't', value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// The files `exact` writes, in the order they are listed in the manifest.
pub const FILES: [&str; 5] = [
    "daily.csv",
    "curves.csv",
    "daily_metrics.csv",
    "summary.csv",
    "manifest.json",
];

pub fn exact(args: ExactArgs) -> Result<ExitCode> {
    if !(args.max_loss >= 0.0 && args.max_loss <= 1.0) {
        anyhow::bail!(
            "--max-loss {} is out of range (allowed: 0 to 1)",
            args.max_loss
        );
    }
    let loaded = load(Some(&args.scenario), &args.changes)?;
    let sc = &loaded.scenario;
    let started = Instant::now();
    let solution = exact::solve(
        sc,
        SolveOptions {
            max_loss: args.max_loss,
            max_states: args.max_states,
        },
    )
    .with_context(|| format!("{}: cannot solve exactly", args.scenario.display()))?;
    let elapsed = started.elapsed();

    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&format!("{}-exact", loaded.stem)));
    let mut staged = StagedDir::create(&out_dir)?;
    let mut f = staged.file(FILES[0])?;
    output::write_occupancy(sc, &occupancy_rows(&solution), &mut f)?;
    f.finish()?;
    let mut f = staged.file(FILES[1])?;
    output::write_curve_rows(sc, &curve_rows(&solution), &mut f)?;
    f.finish()?;
    let mut f = staged.file(FILES[2])?;
    output::write_daily_metric_rows(sc, &daily_metric_rows(sc, &solution), &mut f)?;
    f.finish()?;
    let mut f = staged.file(FILES[3])?;
    output::write_summary_rows(&summary_rows(sc, &solution), &mut f)?;
    f.finish()?;
    let manifest = Manifest::exact(
        loaded.source.clone(),
        FILES.iter().map(|f| f.to_string()).collect(),
    );
    let mut f = staged.file(FILES[4])?;
    f.write_all(manifest.to_json().as_bytes())
        .context("cannot write manifest.json")?;
    f.finish()?;
    staged.commit()?;

    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{}: exact solution over {} days from {}",
        loaded.source.name, sc.horizon_days, sc.start_date
    )?;
    writeln!(
        stdout,
        "states: {}; probability mass lost to truncation: {:e} (allowed {:e}); solved in {:.1} ms",
        solution.states,
        solution.lost,
        args.max_loss,
        elapsed.as_secs_f64() * 1e3
    )?;
    writeln!(
        stdout,
        "{:<20} {:>10}  median entry day",
        "phase", "entered"
    )?;
    for (i, phase) in sc.phases.iter().enumerate() {
        let median = match median_entry_day(&solution, i) {
            Some(d) => format!("{d} ({})", sc.date(d)),
            None => "never entered".into(),
        };
        writeln!(
            stdout,
            "{:<20} {:>9.4}%  {median}",
            phase.id,
            100.0 * solution.entered(i)
        )?;
    }
    writeln!(stdout, "wrote {} ({})", out_dir.display(), FILES.join(", "))?;

    if args.check {
        return check(sc, &solution, &args, &mut stdout);
    }
    Ok(ExitCode::SUCCESS)
}

/// `--check`: a batch of runs against the exact solution.
fn check(
    sc: &Scenario,
    solution: &exact::Solution,
    args: &ExactArgs,
    out: &mut impl Write,
) -> Result<ExitCode> {
    let runs = args.runs.get();
    let pool = thread_pool(args.threads.map(usize::from))?;
    let batch = Batch::new(sc, args.seed);
    let tally = pool.install(|| batch.run(0..runs, &mut (), &|_| {}))?;
    let devs = deviations(solution, &tally);
    let Some(worst) = largest_deviation(&devs) else {
        return Ok(ExitCode::SUCCESS);
    };
    writeln!(
        out,
        "check: {runs} runs (seed {}), {} comparisons (share in each phase and share entered by each day, every phase and day), {} with fewer than {MIN_EXPECTED} expected runs on the rarer side not judged",
        args.seed,
        devs.len(),
        devs.iter().filter(|d| !d.is_judged()).count()
    )?;
    writeln!(
        out,
        "largest deviation: {:.2} standard errors ({} of {} on day {}: runs {:.6}, exact {:.6})",
        worst.standard_errors,
        worst.quantity,
        sc.phases[worst.phase].id,
        worst.day,
        worst.estimate,
        worst.exact
    )?;
    if worst.standard_errors > CHECK_MAX_SE {
        writeln!(
            out,
            "check FAILED: the runs depart from the exact solution by more than {CHECK_MAX_SE} standard errors"
        )?;
        return Ok(ExitCode::FAILURE);
    }
    writeln!(out, "check passed (within {CHECK_MAX_SE} standard errors)")?;
    Ok(ExitCode::SUCCESS)
}
