//! `ceasefire compare`: two scenarios (or one and its `--set` changes) on the
//! same run seeds, with paired differences.

use std::io::Write;
use std::num::NonZeroU64;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use ceasefire::Batch;
use ceasefire::experiment::compare;
use ceasefire::output::experiment::write_comparison;
use ceasefire::output::{Manifest, StagedDir};

use super::run::progress_bar;
use super::{Changes, Execution, load, thread_pool};

/// Compare two scenarios run by run on common random numbers: for every
/// metric, the paired difference B − A with its 95% interval, and the
/// interval independent batches would have given.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario A (TOML).
    pub a: PathBuf,
    /// Scenario B (TOML). Without it, B is A with the --set changes.
    pub b: Option<PathBuf>,
    /// Runs of each scenario.
    #[arg(long, short = 'n', default_value = "20000")]
    pub runs: NonZeroU64,
    #[command(flatten)]
    pub exec: Execution,
    /// Output directory for compare.csv [default: results/<A stem>-vs-<B stem or "changed">/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Changes applied to B.
    #[command(flatten)]
    pub changes: Changes,
}

/// The files `compare` writes.
pub const FILES: [&str; 2] = ["compare.csv", "manifest.json"];

pub fn compare_cmd(args: CompareArgs) -> Result<ExitCode> {
    let a = load(Some(&args.a), &Changes::default())?;
    let b = load(Some(args.b.as_deref().unwrap_or(&args.a)), &args.changes)?;
    if args.b.is_none() && args.changes.set.is_empty() && !args.exec.quiet {
        eprintln!("note: no B and no --set: comparing A with itself (every difference is 0)");
    }
    let runs = args.runs.get();
    let bar = progress_bar(args.exec.quiet, Some(runs));
    let pool = thread_pool(args.exec.threads.map(usize::from))?;
    let (batch_a, batch_b) = (
        Batch::new(&a.scenario, args.exec.seed),
        Batch::new(&b.scenario, args.exec.seed),
    );
    let comparison = pool.install(|| compare(&batch_a, &batch_b, runs, &|n| bar.inc(n)))?;
    bar.finish_and_clear();

    let b_name = if args.b.is_some() {
        b.stem.clone()
    } else {
        "changed".into()
    };
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_out(&format!("{}-vs-{b_name}", a.stem)));
    let mut staged = StagedDir::create(&out_dir)?;
    let mut file = staged.file(FILES[0])?;
    write_comparison(&comparison, &mut file).context("cannot write compare.csv")?;
    file.finish()?;
    // The manifest names B's source; A's is in the command line.
    let manifest = Manifest::new(
        b.source.clone(),
        args.exec.seed,
        runs,
        FILES.map(String::from).to_vec(),
    );
    let mut file = staged.file(FILES[1])?;
    file.write_all(manifest.to_json().as_bytes())
        .context("cannot write manifest.json")?;
    file.finish()?;
    staged.commit()?;

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
    writeln!(out, "wrote {} ({})", out_dir.display(), FILES.join(", "))?;
    Ok(ExitCode::SUCCESS)
}
