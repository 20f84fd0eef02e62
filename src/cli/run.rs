//! `ceasefire run`: a batch of runs of one scenario, written as CSV.

use std::io::Write;
use std::num::NonZeroU64;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use ceasefire::engine::Shard;
use ceasefire::experiment::{entered_half_width, run_to_precision};
use ceasefire::output::checkpoint::{self, BatchKey};
use ceasefire::output::partial::{SHARD_FILES, TALLY_FILE, to_json_line};
use ceasefire::output::{Manifest, RunsCsv, ShardInfo, StagedDir};
use ceasefire::stats::summary::phase_table;
use ceasefire::{Batch, Tally};

use super::{Changes, Execution, Precision, default_out, load, outputs, thread_pool};

/// Run a batch of simulations and write runs.csv, daily.csv, curves.csv,
/// daily_metrics.csv, summary.csv and manifest.json (and SVG charts with
/// --plots); or, with --shard, one shard's partial files for `merge`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Without it, the built-in Geneva 2016 scenario.
    pub scenario: Option<PathBuf>,
    /// Number of runs.
    #[arg(long, short = 'n', default_value = "100000")]
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
            changes: Changes::default(),
        }
    }
}

pub fn run(args: RunArgs) -> Result<ExitCode> {
    let loaded = load(args.scenario.as_deref(), &args.changes)?;
    let sc = &loaded.scenario;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| outputs::shard_dir(default_out(&loaded.stem), args.shard));
    if !args.exec.quiet {
        for w in &sc.warnings {
            eprintln!("warning: {w}");
        }
    }

    let mut staged = StagedDir::create(&out_dir)?;
    let pool = thread_pool(args.exec.threads.map(usize::from))?;
    let batch = Batch::new(sc, args.exec.seed);
    let (tally, runs) = match args.target.precision {
        Some(eps) => pool.install(|| to_precision(&args, eps, &batch, &mut staged))?,
        None => {
            let runs = args.runs.get();
            let key = BatchKey::new(&loaded.source, args.exec.seed, runs, args.shard);
            let range = key.range();
            let bar = progress_bar(args.exec.quiet, Some(range.end - range.start));
            let done = pool.install(|| {
                checkpoint::simulate(&batch, &key, &mut staged, args.resume, &|n| bar.inc(n))
            })?;
            bar.finish_and_clear();
            if !args.exec.quiet {
                resume_note(args.resume, done.resumed_from, &out_dir);
            }
            (done.tally, runs)
        }
    };

    let mut manifest = Manifest::new(loaded.source.clone(), args.exec.seed, runs, Vec::new());
    let mut stdout = std::io::stdout().lock();
    if let Some(shard) = args.shard {
        let info = ShardInfo::new(shard, runs);
        manifest.shard = Some(info);
        let tally = to_json_line(&tally);
        let tallies = (TALLY_FILE, tally.as_slice());
        let written = outputs::write_shard(staged, tallies, &loaded.text, manifest, &SHARD_FILES)?;
        writeln!(
            stdout,
            "{}: shard {shard} of {runs} runs (runs {}..{}), seed {}\nwrote {} ({})",
            loaded.source.name,
            info.first_run,
            info.end_run,
            args.exec.seed,
            out_dir.display(),
            written.join(", ")
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let written = outputs::write_batch(staged, sc, &tally, args.plots, manifest)?;
    print_table(
        &mut stdout,
        &loaded.source.name,
        sc,
        &tally,
        runs,
        args.exec.seed,
    )?;
    writeln!(
        stdout,
        "wrote {} ({})",
        out_dir.display(),
        written.join(", ")
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `--precision EPS`: blocks of runs into runs.csv in `staged` until every
/// `entered` interval is narrow enough (or `--max-runs`); returns the tally
/// and the number of runs.
fn to_precision(
    args: &RunArgs,
    eps: f64,
    batch: &Batch,
    staged: &mut StagedDir,
) -> Result<(Tally, u64)> {
    let sc = batch.scenario();
    let mut runs_csv = RunsCsv::new(sc, staged.file(outputs::FILES[0])?)?;
    let bar = progress_bar(args.exec.quiet, None);
    let progress = |n| bar.inc(n);
    let mut tally = Tally::new(sc);
    let max = args.target.max_runs.get();
    let done = run_to_precision(batch, eps, max, &mut tally, &mut runs_csv, &progress)?.end;
    bar.finish_and_clear();
    let reached = entered_half_width(&tally);
    if !args.exec.quiet {
        if reached <= eps {
            eprintln!(
                "precision {eps} reached after {done} runs (largest half-width {reached:.5})"
            );
        } else {
            eprintln!(
                "warning: --max-runs {max} reached before precision {eps}: the largest half-width of `entered` is {reached:.5}"
            );
        }
    }
    runs_csv.into_inner()?.finish()?;
    Ok((tally, done))
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
        sc.horizon_days, sc.start_date
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

/// A progress bar on stderr (hidden when stderr is not a terminal or with
/// `--quiet`), over `total` runs if known.
pub fn progress_bar(quiet: bool, total: Option<u64>) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    let template = if total.is_some() {
        "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} runs ({per_sec}, eta {eta})"
    } else {
        "{elapsed_precise} {human_pos} runs ({per_sec})"
    };
    bar.set_style(
        ProgressStyle::with_template(template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}
