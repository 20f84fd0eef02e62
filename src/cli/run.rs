//! `ceasefire run`: a batch of runs of one scenario, written as CSV.

use std::io::Write;
use std::num::NonZeroU64;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use ceasefire::experiment::{entered_half_width, run_to_precision};
use ceasefire::output::plot::{self, Results};
use ceasefire::output::{self, Manifest, RunsCsv, StagedDir};
use ceasefire::stats::summary::phase_table;
use ceasefire::{Batch, Tally};

use super::{Changes, DEFAULT_SEED, default_out, load, thread_pool};

/// Run a batch of simulations and write runs.csv, daily.csv, curves.csv,
/// daily_metrics.csv, summary.csv and manifest.json (and SVG charts with
/// --plots).
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Without it, the built-in Geneva 2016 scenario.
    pub scenario: Option<PathBuf>,
    /// Number of runs.
    #[arg(long, short = 'n', default_value = "100000")]
    pub runs: NonZeroU64,
    /// Master seed: run i draws only from streams derived from (seed, i).
    #[arg(long, short = 's', default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't', value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Output directory [default: results/<scenario file stem>/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// No progress bar and no notes on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Also draw the SVG charts of `ceasefire plot` next to the CSV files.
    #[arg(long)]
    pub plots: bool,
    /// Instead of a fixed number of runs, add runs in blocks of 10,000 until
    /// every phase's `entered` 95% interval has half-width ≤ EPS (e.g. 0.005).
    #[arg(long, value_name = "EPS", conflicts_with = "runs", value_parser = parse_precision)]
    pub precision: Option<f64>,
    /// With --precision: stop at this many runs even if EPS is not reached.
    #[arg(
        long,
        value_name = "N",
        default_value = "10000000",
        requires = "precision"
    )]
    pub max_runs: NonZeroU64,
    #[command(flatten)]
    pub changes: Changes,
}

/// `--precision`: a half-width in (0, 0.5).
pub fn parse_precision(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x < 0.5 => Ok(x),
        _ => Err(format!(
            "'{s}' is not allowed (allowed: a half-width between 0 and 0.5, e.g. 0.005)"
        )),
    }
}

impl Default for RunArgs {
    fn default() -> Self {
        RunArgs {
            scenario: None,
            runs: NonZeroU64::new(100_000).expect("non-zero"),
            seed: DEFAULT_SEED,
            threads: None,
            out: None,
            quiet: false,
            plots: false,
            precision: None,
            max_runs: NonZeroU64::new(10_000_000).expect("non-zero"),
            changes: Changes::default(),
        }
    }
}

/// The files `run` writes, in the order they are listed in the manifest
/// (the charts of `--plots` come before manifest.json).
pub const FILES: [&str; 6] = [
    "runs.csv",
    "daily.csv",
    "curves.csv",
    "daily_metrics.csv",
    "summary.csv",
    "manifest.json",
];

/// One of the tables computed from a batch's tally, written to memory.
fn table(
    name: &'static str,
    write: impl FnOnce(&mut Vec<u8>) -> csv::Result<()>,
) -> Result<(&'static str, Vec<u8>)> {
    let mut bytes = Vec::new();
    write(&mut bytes).with_context(|| format!("cannot write {name}"))?;
    Ok((name, bytes))
}

pub fn run(args: RunArgs) -> Result<ExitCode> {
    let loaded = load(args.scenario.as_deref(), &args.changes)?;
    let sc = &loaded.scenario;
    let runs = args.runs.get();
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&loaded.stem));
    if !args.quiet {
        for w in &sc.warnings {
            eprintln!("warning: {w}");
        }
    }

    let mut staged = StagedDir::create(&out_dir)?;
    let runs_file = staged.file(FILES[0])?;
    let mut runs_csv = RunsCsv::new(sc, runs_file)?;

    let bar = progress_bar(args.quiet, args.precision.is_none().then_some(runs));
    let pool = thread_pool(args.threads.map(usize::from))?;
    let batch = Batch::new(sc, args.seed);
    let progress = |n| bar.inc(n);
    let (tally, runs) = pool.install(|| -> Result<(Tally, u64)> {
        let Some(eps) = args.precision else {
            return Ok((batch.run(0..runs, &mut runs_csv, &progress)?, runs));
        };
        let mut tally = Tally::new(sc);
        let max = args.max_runs.get();
        let done = run_to_precision(&batch, eps, max, &mut tally, &mut runs_csv, &progress)?.end;
        let reached = entered_half_width(&tally);
        if !args.quiet {
            if reached <= eps {
                eprintln!("precision {eps} reached after {done} runs (largest half-width {reached:.5})");
            } else {
                eprintln!("warning: --max-runs {max} reached before precision {eps}: the largest half-width of `entered` is {reached:.5}");
            }
        }
        Ok((tally, done))
    })?;
    bar.finish_and_clear();

    runs_csv
        .into_inner()
        .context("cannot write runs.csv")?
        .finish()?;

    // The day-by-day files are small: they are kept in memory so that the
    // charts are drawn from exactly the bytes written.
    let mut written = vec![FILES[0].to_string()];
    let tables = [
        table(FILES[1], |b| output::write_daily(sc, &tally, b))?,
        table(FILES[2], |b| output::write_curves(sc, &tally, b))?,
        table(FILES[3], |b| output::write_daily_metrics(sc, &tally, b))?,
        table(FILES[4], |b| output::write_summary(sc, &tally, b))?,
    ];
    let mut charts = Vec::new();
    if args.plots {
        let [daily, curves, metrics] = [0, 1, 2].map(|k| (tables[k].0, tables[k].1.as_slice()));
        let results = Results::from_csv(&sc.name, daily, curves, metrics)?;
        charts = plot::draw(&results)?;
    }
    let contents = tables
        .iter()
        .map(|(name, bytes)| (*name, bytes.as_slice()))
        .chain(charts.iter().map(|(name, svg)| (*name, svg.as_bytes())));
    for (name, bytes) in contents {
        let mut file = staged.file(name)?;
        file.write_all(bytes)
            .with_context(|| format!("cannot write {name}"))?;
        file.finish()?;
        written.push(name.to_string());
    }
    written.push(FILES[5].to_string());
    let manifest = Manifest::new(loaded.source.clone(), args.seed, runs, written.clone());
    let mut mf = staged.file(FILES[5])?;
    mf.write_all(manifest.to_json().as_bytes())
        .context("cannot write manifest.json")?;
    mf.finish()?;
    staged.commit()?;

    let mut stdout = std::io::stdout().lock();
    print_table(
        &mut stdout,
        &loaded.source.name,
        sc,
        &tally,
        runs,
        args.seed,
    )?;
    writeln!(
        stdout,
        "wrote {} ({})",
        out_dir.display(),
        written.join(", ")
    )?;
    Ok(ExitCode::SUCCESS)
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
