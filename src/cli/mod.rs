//! Command-line interface: argument definitions and one module per
//! subcommand. Every subcommand is a client of the library.

mod check;
mod compare;
mod counts;
mod discover;
mod exact;
mod export_prism;
mod fit;
mod init;
mod interrupt;
mod merge;
mod plot;
mod run;
mod schema;
mod sensitivity;
mod sweep;
mod trace;
mod verify;

use std::num::NonZeroU64;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use ceasefire::job::{self, LoadedScenario, PrecisionTarget};
use ceasefire::options::Opt;
use ceasefire::scenario::paths::Assignment;

pub use ceasefire::options::DEFAULT_SEED;

/// Simulate ceasefire agreements written as scenario files.
///
/// With no subcommand, runs the built-in Geneva 2016 scenario
/// (`ceasefire run --plots`). Scenario files are described in README.md and
/// docs/model.md; outputs in docs/outputs.md.
#[derive(Debug, Parser)]
#[command(name = "ceasefire", version, about, long_about, max_term_width = 100)]
#[command(after_help = "EXAMPLES:
  ceasefire                                  # the built-in Geneva 2016 scenario, 100,000 runs
  ceasefire check my-agreement.toml          # validate and describe a scenario
  ceasefire run my-agreement.toml --plots    # a batch, with charts
  ceasefire sweep --vary monitoring.detection=0.5:0.95:10
  ceasefire <command> --help                 # each command's options and examples")]
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
    Sensitivity(sensitivity::SensitivityArgs),
    Discover(discover::DiscoverArgs),
    Fit(fit::FitArgs),
    Counts(counts::CountsArgs),
    Verify(verify::VerifyArgs),
    Schema(schema::SchemaArgs),
    Init(init::InitArgs),
}

/// Runs the chosen subcommand.
pub fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        // The main job draws its charts, so that it writes exactly the
        // committed results/geneva-2016/.
        None => run::run(run::RunArgs {
            plots: true,
            ..run::RunArgs::default()
        }),
        Some(Command::Run(args)) => run::run(args),
        Some(Command::Check(args)) => check::check(args),
        Some(Command::Trace(args)) => trace::trace(args),
        Some(Command::Plot(args)) => plot::plot(args),
        Some(Command::Sweep(args)) => sweep::sweep(args),
        Some(Command::Compare(args)) => compare::compare(args),
        Some(Command::Exact(args)) => exact::exact(args),
        Some(Command::ExportPrism(args)) => export_prism::export_prism(args),
        Some(Command::Merge(args)) => merge::merge(args),
        Some(Command::Sensitivity(args)) => sensitivity::sensitivity(args),
        Some(Command::Discover(args)) => discover::discover(args),
        Some(Command::Fit(args)) => fit::fit(args),
        Some(Command::Counts(args)) => counts::counts(args),
        Some(Command::Verify(args)) => verify::verify(args),
        Some(Command::Schema(args)) => schema::schema(args),
        Some(Command::Init(args)) => init::init(args),
    }
}

/// How a batch is run: its seed, its threads and what it tells the user.
/// None of it but the seed changes a result.
#[derive(Debug, Clone, clap::Args)]
pub struct Execution {
    /// Master seed: run i draws only from streams derived from (seed, i);
    /// a whole number from 0 to 2^64 - 1.
    #[arg(long, short = 's', default_value_t = DEFAULT_SEED, value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't', value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// No progress bar, no notes and no tables (warnings are still said).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Make every warning an error: stop, write nothing, exit non-zero
    /// (for pipelines that must not publish a doubtful result).
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub force: Force,
}

/// `--force`: write into a directory ceasefire did not write, and (for
/// `run`) run past the estimate's limits.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct Force {
    /// Write into a non-empty output directory that holds no manifest.json
    /// (one ceasefire did not write; its other files are left untouched),
    /// and let `run` go on when its estimate of time or output size (printed
    /// at the start, from a short calibration slice) is beyond 7 days or
    /// 50 GB.
    #[arg(long)]
    pub force: bool,
}

impl Default for Execution {
    fn default() -> Self {
        Execution {
            seed: DEFAULT_SEED,
            threads: None,
            quiet: false,
            strict: false,
            force: Force::default(),
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
        requires = "precision",
        value_parser = parse_runs
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

/// A number of runs: a whole number ≥ 1, said in the user's words.
pub fn parse_runs(s: &str) -> Result<NonZeroU64, String> {
    let max = ceasefire::scenario::limits::MAX_RUNS;
    s.parse::<NonZeroU64>()
        .ok()
        .filter(|n| n.get() <= max)
        .ok_or_else(|| {
            format!("'{s}' is not allowed (allowed: a whole number of runs, 1 or more and at most {max}, e.g. 20000; see docs/model.md, Limits)")
        })
}

/// A master seed: a whole number from 0 to 2⁶⁴ − 1.
pub fn parse_seed(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| {
        format!("'{s}' is not allowed (allowed: a whole number from 0 to 18446744073709551615, i.e. 2^64 - 1)")
    })
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

/// How the command line names an option in the library's messages: by
/// its flag, `--max-loss` for [`Opt::MaxLoss`].
pub fn flag(option: Opt) -> String {
    format!("--{}", option.name().replace('_', "-"))
}

/// What the command adds to a library error in its own words: the command
/// that goes on from where the library stopped.
pub fn hint(err: &anyhow::Error) -> Option<String> {
    match err.downcast_ref::<job::JobError>()? {
        job::JobError::Exact { .. } => Some("`ceasefire run` simulates it".into()),
        job::JobError::ShardDamaged(v) => Some(format!(
            "`ceasefire verify {}` lists every file that differs",
            v.dir().display()
        )),
        _ => None,
    }
}

/// This process's command line as manifests record it: the program as
/// `ceasefire` (not the path it was started from, which differs from
/// machine to machine), then the arguments as given.
pub fn command_line() -> Vec<String> {
    std::iter::once("ceasefire".to_string())
        .chain(std::env::args().skip(1))
        .collect()
}

/// Loads the scenario at `path`, or the built-in Geneva 2016 scenario, and
/// applies `changes`.
pub fn load(path: Option<&Path>, changes: &Changes) -> Result<LoadedScenario> {
    Ok(LoadedScenario::load(path, &changes.set)?)
}

impl Execution {
    /// The job's view: threads, and this process's command line for the
    /// manifest.
    pub fn job(&self) -> job::Execution {
        let mut exec = job::Execution::default();
        exec.threads = self.threads.map(usize::from);
        exec.command_line = command_line();
        exec.resume_hint = interrupt::resume_command(&exec.command_line);
        exec.strict = self.strict;
        exec.force = self.force.force;
        exec
    }

    /// [`Execution::job`], stopped at its next safe point by Ctrl-C.
    pub fn cancellable_job(&self) -> job::Execution {
        let mut exec = self.job();
        exec.cancel = interrupt::cancel_on_ctrl_c();
        exec
    }
}

impl Precision {
    /// The precision target, if one was asked for.
    pub fn target(&self) -> Option<PrecisionTarget> {
        self.precision.map(|eps| PrecisionTarget {
            eps,
            max_runs: self.max_runs.get(),
        })
    }
}

/// The last line of a command that wrote a results directory.
pub fn wrote(out: &mut impl std::io::Write, dir: &Path, files: &[String]) -> std::io::Result<()> {
    writeln!(out, "wrote {} ({})", dir.display(), files.join(", "))
}

/// Says every warning on stderr, whatever `--quiet` (a warning can change
/// what a result means), except those in `already` (said before the work).
pub fn warn(warnings: &[String], already: &[String]) {
    for w in warnings.iter().filter(|w| !already.contains(w)) {
        eprintln!("warning: {w}");
    }
}

/// A progress bar on stderr (hidden when stderr is not a terminal or when
/// quiet), for the jobs' progress reports; it also says the warnings a job
/// gives as it works, and remembers them.
pub struct Bar(ProgressBar, std::sync::Mutex<Vec<String>>);

impl Bar {
    /// A bar, hidden if `quiet`.
    pub fn new(quiet: bool) -> Self {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        };
        Bar(bar, Default::default())
    }

    /// The warnings said so far (not to be said again at the end).
    pub fn said(&self) -> Vec<String> {
        self.1.lock().map(|w| w.clone()).unwrap_or_default()
    }
}

impl job::Progress for Bar {
    fn start(&self, total: Option<u64>) {
        let template = if total.is_some() {
            "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} runs ({rate}, eta {eta})"
        } else {
            "{elapsed_precise} {human_pos} runs ({rate})"
        };
        if let Some(t) = total {
            self.0.set_length(t);
        }
        self.0.set_style(
            ProgressStyle::with_template(template)
                .expect("valid template")
                .with_key(
                    "rate",
                    |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{} runs/s", HumanCount(state.per_sec() as u64));
                    },
                )
                .progress_chars("=> "),
        );
    }

    fn advance(&self, runs: u64) {
        self.0.inc(runs);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }

    fn warn(&self, message: &str) {
        self.0.suspend(|| eprintln!("warning: {message}"));
        if let Ok(mut said) = self.1.lock() {
            said.push(message.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_option_the_library_names_is_a_flag_of_some_command() {
        let cli = Cli::command();
        let longs: Vec<String> = cli
            .get_subcommands()
            .flat_map(|c| c.get_arguments())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        for o in Opt::ALL {
            assert!(
                longs.contains(&flag(o)),
                "{o:?}: no command has {}",
                flag(o)
            );
        }
    }
}
