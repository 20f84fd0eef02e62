//! Command-line interface: argument definitions and one module per
//! subcommand. Every subcommand is a client of the library.

mod check;
mod compare;
mod counts;
mod exact;
mod export_prism;
mod fit;
mod merge;
mod outputs;
mod plot;
mod run;
mod sweep;
mod trace;

use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use ceasefire::Scenario;
use ceasefire::builtin;
use ceasefire::output::ScenarioSource;
use ceasefire::scenario::paths::Assignment;

/// The seed used when none is given; printed with every result.
pub const DEFAULT_SEED: u64 = 20_160_912;

/// Simulate ceasefire agreements written as scenario files.
///
/// With no subcommand, runs the built-in Geneva 2016 scenario
/// (`ceasefire run`). Scenario files are described in README.md and
/// docs/model.md; outputs in docs/outputs.md.
#[derive(Debug, Parser)]
#[command(name = "ceasefire", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    Run(run::RunArgs),
    Check(check::CheckArgs),
    Trace(trace::TraceArgs),
    Plot(plot::PlotArgs),
    Sweep(sweep::SweepArgs),
    Compare(compare::CompareArgs),
    Exact(exact::ExactArgs),
    ExportPrism(export_prism::ExportPrismArgs),
    Merge(merge::MergeArgs),
    Fit(fit::FitArgs),
    Counts(counts::CountsArgs),
}

/// Runs the chosen subcommand.
pub fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        None => run::run(run::RunArgs::default()),
        Some(Command::Run(args)) => run::run(args),
        Some(Command::Check(args)) => check::check(args),
        Some(Command::Trace(args)) => trace::trace(args),
        Some(Command::Plot(args)) => plot::plot(args),
        Some(Command::Sweep(args)) => sweep::sweep(args),
        Some(Command::Compare(args)) => compare::compare_cmd(args),
        Some(Command::Exact(args)) => exact::exact(args),
        Some(Command::ExportPrism(args)) => export_prism::export_prism(args),
        Some(Command::Merge(args)) => merge::merge(args),
        Some(Command::Fit(args)) => fit::fit(args),
        Some(Command::Counts(args)) => counts::counts(args),
    }
}

/// How a batch is run: its seed, its threads and what it tells the user.
/// None of it but the seed changes a result.
#[derive(Debug, Clone, clap::Args)]
pub struct Execution {
    /// Master seed: run i draws only from streams derived from (seed, i).
    #[arg(long, short = 's', default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't', value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// No progress bar and no notes on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

impl Default for Execution {
    fn default() -> Self {
        Execution {
            seed: DEFAULT_SEED,
            threads: None,
            quiet: false,
        }
    }
}

/// Runs until a precision is reached, instead of a fixed number.
#[derive(Debug, Clone, clap::Args)]
pub struct Precision {
    /// Instead of a fixed number of runs, add runs in blocks of 10,000 (at
    /// every point, for a sweep) until every phase's `entered` 95% interval
    /// has half-width ≤ EPS (e.g. 0.005).
    #[arg(long, value_name = "EPS", conflicts_with = "runs", value_parser = parse_precision)]
    pub precision: Option<f64>,
    /// With --precision: stop at this many runs (at any point) even if EPS
    /// is not reached.
    #[arg(
        long,
        value_name = "N",
        default_value = "10000000",
        requires = "precision"
    )]
    pub max_runs: NonZeroU64,
}

impl Default for Precision {
    fn default() -> Self {
        Precision {
            precision: None,
            max_runs: NonZeroU64::new(10_000_000).expect("non-zero"),
        }
    }
}

/// `--precision`: a half-width in (0, 0.5).
fn parse_precision(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x < 0.5 => Ok(x),
        _ => Err(format!(
            "'{s}' is not allowed (allowed: a half-width between 0 and 0.5, e.g. 0.005)"
        )),
    }
}

/// Changes to a scenario given on the command line.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Changes {
    /// Change a scenario value first: PATH=VALUE, e.g. monitoring.detection=0.9,
    /// party.government.rate=2, phase.truce.transition.0.when.streak_at_least=5
    /// (repeatable; paths are described in docs/experiments.md).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Assignment>,
}

/// A scenario as loaded for a command, with what provenance needs.
pub struct Loaded {
    /// The validated scenario (with any changes applied).
    pub scenario: Scenario,
    /// Path, name, hash and changes, for the manifest.
    pub source: ScenarioSource,
    /// File stem, for the default output directory.
    pub stem: String,
    /// The file's text, before changes.
    pub text: String,
    /// The file as named in messages.
    pub origin: String,
}

/// Loads the scenario at `path`, or the built-in Geneva 2016 scenario, and
/// applies `changes`.
pub fn load(path: Option<&Path>, changes: &Changes) -> Result<Loaded> {
    let (text, origin, stem) = match path {
        None => (
            builtin::GENEVA_2016.to_string(),
            format!("built-in:{}.toml", builtin::GENEVA_2016_STEM),
            builtin::GENEVA_2016_STEM.to_string(),
        ),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("{}: cannot read scenario", p.display()))?;
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into());
            (text, p.display().to_string(), stem)
        }
    };
    let scenario = Scenario::from_toml_with(&text, &origin, &changes.set)?;
    let mut source = ScenarioSource::new(&scenario.name, &origin, &text);
    source.changes = changes
        .set
        .iter()
        .map(|c| format!("{}={}", c.path, c.value))
        .collect();
    Ok(Loaded {
        scenario,
        source,
        stem,
        text,
        origin,
    })
}

/// Builds the rayon pool for `--threads` (all cores when `None`).
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t);
    }
    b.build().context("cannot start worker threads")
}

/// Default output directory of a scenario: `results/<stem>/`.
pub fn default_out(stem: &str) -> PathBuf {
    Path::new("results").join(stem)
}
