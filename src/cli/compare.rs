//! `ceasefire compare`: two scenarios (or one and its `--set` changes) on the
//! same run seeds, with paired differences.

use std::io::Write;
use std::num::NonZeroU64;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use ceasefire::job::CompareJob;

use super::{Bar, Changes, Execution, load, warn};

const EXAMPLES: &str = "EXAMPLES:
  # Geneva with joint monitoring from day 0, run by run against Geneva
  ceasefire compare scenarios/geneva-2016.toml --set monitoring.detection=0.9
  # Two files
  ceasefire compare scenarios/geneva-2016.toml my-variant.toml --runs 50000";

/// Compare two scenarios run by run on common random numbers: for every
/// metric, the paired difference B − A with its 95% interval, and the
/// interval independent batches would have given.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct CompareArgs {
    /// Scenario A (TOML).
    pub a: PathBuf,
    /// Scenario B (TOML). Without it, B is A with the --set changes.
    pub b: Option<PathBuf>,
    /// Runs of each scenario.
    #[arg(long, short = 'n', default_value = "20000", value_parser = super::parse_runs)]
    pub runs: NonZeroU64,
    #[command(flatten)]
    pub exec: Execution,
    /// Output directory for compare.csv [default: results/<A stem>-vs-<B stem>[-<B's changes>]/,
    /// B's stem being A's when B is A with --set changes, e.g.
    /// results/geneva-2016-vs-geneva-2016-party.opposition.rate=4.4/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Changes applied to B.
    #[command(flatten)]
    pub changes: Changes,
}

pub fn compare(args: CompareArgs) -> Result<ExitCode> {
    let a = load(Some(&args.a), &Changes::default())?;
    let b = load(Some(args.b.as_deref().unwrap_or(&args.a)), &args.changes)?;
    if args.b.is_none() && args.changes.set.is_empty() && !args.exec.quiet {
        eprintln!("note: no B and no --set: comparing A with itself (every difference is 0)");
    }
    let runs = args.runs.get();
    let mut job = CompareJob::new(a, b, args.exec.seed, runs);
    job.b_is_file = args.b.is_some();
    job.out = args.out.clone();
    job.exec = args.exec.job();
    let done = job.run(&Bar::new(args.exec.quiet))?;
    warn(&done.warnings, &[]);
    let (a, b, comparison) = (&job.a, &job.b, &done.comparison);

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "A = {}, B = {}{}: {runs} paired runs, seed {}",
        a.source.path,
        b.source.path,
        if b.source.changes.is_empty() {
            String::new()
        } else {
            format!(" with {}", b.source.changes.join(" "))
        },
        args.exec.seed
    )?;
    writeln!(
        out,
        "{:<26} {:<18} {:>10} {:>10} {:>10}  {:<24} {:>9}",
        "metric", "subject", "A", "B", "B − A", "95% interval (paired)", "narrower"
    )?;
    for m in &comparison.metrics {
        writeln!(
            out,
            "{:<26} {:<18} {:>10.4} {:>10.4} {:>10.4}  [{:>9.4}, {:>9.4}]  {:>9}",
            m.metric,
            m.subject,
            m.a.estimate,
            m.b.estimate,
            m.difference.estimate,
            m.difference.low,
            m.difference.high,
            match m.narrowing() {
                x if x.is_nan() => "-".to_string(),
                x => format!("{x:.1}×"),
            }
        )?;
    }
    super::wrote(&mut out, &done.dir, &done.files)?;
    Ok(ExitCode::SUCCESS)
}
