//! `ceasefire exact`: exact answers for scenarios without retaliation, and
//! (with `--check`) a Monte Carlo batch compared against them.

use std::io::Write;
use std::num::NonZeroU64;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use ceasefire::Scenario;
use ceasefire::exact::{DEFAULT_MAX_LOSS, DEFAULT_MAX_STATES};
use ceasefire::job::{CHECK_MAX_SE, CheckOutcome, ExactCheck, ExactJob};
use ceasefire::stats::solution::MIN_EXPECTED;
use ceasefire::stats::weighted_quantile;

use super::{Changes, DEFAULT_SEED, Execution, load, warn};

const EXAMPLES: &str = "EXAMPLES:
  ceasefire exact scenarios/markov/geneva-2016-no-retaliation.toml --plots
  # And check the engine against it with 100,000 runs
  ceasefire exact scenarios/markov/geneva-2016-no-retaliation.toml --check";

/// Solve a scenario without retaliation exactly (a finite Markov chain) and
/// write daily.csv, curves.csv, daily_metrics.csv, summary.csv and
/// manifest.json, with every
/// interval equal to its value.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ExactArgs {
    /// Scenario file (TOML); no party may retaliate.
    pub scenario: PathBuf,
    #[command(flatten)]
    pub changes: Changes,
    /// Output directory [default: results/<scenario file stem>-exact/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Also draw the SVG charts of `ceasefire plot` (exact probabilities,
    /// without bands).
    #[arg(long)]
    pub plots: bool,
    /// Largest probability mass the solution may lose to rounding.
    #[arg(long, default_value_t = DEFAULT_MAX_LOSS)]
    pub max_loss: f64,
    /// Largest number of chain states to build, and of entries of a day
    /// outcome table (refused before it is built: tables grow with the
    /// square of the largest of compliance.tolerance and the window
    /// thresholds).
    #[arg(long, default_value_t = DEFAULT_MAX_STATES)]
    pub max_states: usize,
    /// Also simulate the scenario and report, over every phase and day, the
    /// largest deviation of the runs from the exact answer in standard
    /// errors; fail if it exceeds 4.5.
    #[arg(long)]
    pub check: bool,
    /// Runs of the --check batch.
    #[arg(long, short = 'n', default_value = "100000", value_parser = super::parse_runs)]
    pub runs: NonZeroU64,
    /// Master seed of the --check batch.
    #[arg(long, short = 's', default_value_t = DEFAULT_SEED, value_parser = super::parse_seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// Worker threads of the --check batch (default: all cores).
    #[arg(long, short = 't', value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Make every warning an error: stop, write nothing, exit non-zero.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub force: super::Force,
}

pub fn exact(args: ExactArgs) -> Result<ExitCode> {
    let loaded = load(Some(&args.scenario), &args.changes)?;
    let mut job = ExactJob::new(loaded);
    job.max_loss = args.max_loss;
    job.max_states = args.max_states;
    job.out = args.out.clone();
    job.plots = args.plots;
    job.check = args.check.then_some(ExactCheck {
        runs: args.runs.get(),
        seed: args.seed,
    });
    job.exec = Execution {
        threads: args.threads,
        strict: args.strict,
        force: args.force,
        ..Execution::default()
    }
    .job();
    let done = job.run()?;
    warn(&done.warnings, &[]);
    let (sc, solution) = (&job.loaded.scenario, &done.solution);

    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{}: exact solution over {} days from {}",
        job.loaded.source.name,
        sc.horizon_days(),
        sc.start_date()
    )?;
    writeln!(
        stdout,
        "states: {}; probability mass lost to rounding: {:e} (allowed {:e}); solved in {:.1} ms",
        solution.states,
        solution.lost,
        args.max_loss,
        done.elapsed.as_secs_f64() * 1e3
    )?;
    writeln!(
        stdout,
        "{:<20} {:>10}  median entry day",
        "phase", "entered"
    )?;
    for (i, phase) in sc.phases().iter().enumerate() {
        let median = match weighted_quantile(&solution.entry[i], 0.5) {
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
    super::wrote(&mut stdout, &done.dir, &done.files)?;
    match &done.check {
        Some(outcome) => print_check(sc, outcome, &mut stdout),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// The report of `--check`.
fn print_check(sc: &Scenario, outcome: &CheckOutcome, out: &mut impl Write) -> Result<ExitCode> {
    let devs = &outcome.deviations;
    let Some(worst) = outcome.worst() else {
        return Ok(ExitCode::SUCCESS);
    };
    writeln!(
        out,
        "check: {} runs (seed {}), {} comparisons (share in each phase and share entered by each day, every phase and day), {} with fewer than {MIN_EXPECTED} expected runs on the rarer side not judged",
        outcome.check.runs,
        outcome.check.seed,
        devs.len(),
        devs.iter().filter(|d| !d.is_judged()).count()
    )?;
    writeln!(
        out,
        "largest deviation: {:.2} standard errors ({} of {} on day {}: runs {:.6}, exact {:.6})",
        worst.standard_errors,
        worst.quantity,
        sc.phases()[worst.phase].id,
        worst.day,
        worst.estimate,
        worst.exact
    )?;
    if !outcome.passed() {
        writeln!(
            out,
            "check FAILED: the runs depart from the exact solution by more than {CHECK_MAX_SE} standard errors"
        )?;
        return Ok(ExitCode::FAILURE);
    }
    writeln!(out, "check passed (within {CHECK_MAX_SE} standard errors)")?;
    Ok(ExitCode::SUCCESS)
}
