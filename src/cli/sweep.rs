//! `ceasefire sweep`: a scenario evaluated over a grid or Latin hypercube of
//! parameter values, every point on the same run seeds.

use std::io::Write;
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use rayon::prelude::*;

use ceasefire::experiment::{Design, Vary, run_to_precision};
use ceasefire::output::experiment::{SweepPoint, write_points, write_sweep};
use ceasefire::output::plot::{SWEEP_CHART, SweepResults, draw_sweep};
use ceasefire::output::{Manifest, StagedDir};
use ceasefire::scenario::paths::Assignment;
use ceasefire::stats::summary::summary_rows;
use ceasefire::{Batch, Scenario, Tally};

use super::run::{parse_precision, progress_bar};
use super::{Changes, DEFAULT_SEED, load, thread_pool};

/// Run a scenario at many parameter values (a grid or a Latin hypercube),
/// every point on the same run seeds, and write sweep.csv and points.csv.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML). Without it, the built-in Geneva 2016 scenario.
    pub scenario: Option<PathBuf>,
    /// A parameter to vary: PATH=LO:HI:STEPS (grid) or PATH=LO:HI (Latin
    /// hypercube), e.g. monitoring.detection=0.5:0.95:10. Repeatable.
    #[arg(long = "vary", value_name = "PATH=LO:HI:STEPS", required = true)]
    pub vary: Vec<Vary>,
    /// How points are chosen.
    #[arg(long, value_enum, default_value_t = DesignKind::Grid)]
    pub design: DesignKind,
    /// Number of points of a Latin hypercube.
    #[arg(long, required_if_eq("design", "lhs"))]
    pub points: Option<NonZeroUsize>,
    /// Runs at every point.
    #[arg(long, short = 'n', default_value = "20000")]
    pub runs: NonZeroU64,
    /// Master seed, shared by every point (common random numbers).
    #[arg(long, short = 's', default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't', value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Output directory [default: results/<scenario file stem>-sweep/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// No progress bar and no notes on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// At every point, add runs in blocks of 10,000 until every `entered`
    /// interval has half-width ≤ EPS.
    #[arg(long, value_name = "EPS", conflicts_with = "runs", value_parser = parse_precision)]
    pub precision: Option<f64>,
    /// With --precision: the most runs at any point.
    #[arg(
        long,
        value_name = "N",
        default_value = "10000000",
        requires = "precision"
    )]
    pub max_runs: NonZeroU64,
    /// Also draw sweep.svg (the share entering each phase across the points).
    #[arg(long)]
    pub plots: bool,
    /// Changes applied to the scenario at every point, before the varied ones.
    #[command(flatten)]
    pub changes: Changes,
}

/// The design of a sweep, as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DesignKind {
    /// Every combination of the paths' grid values.
    Grid,
    /// A Latin hypercube of --points points.
    Lhs,
}

/// The files `sweep` writes.
pub const FILES: [&str; 3] = ["sweep.csv", "points.csv", "manifest.json"];

pub fn sweep(args: SweepArgs) -> Result<ExitCode> {
    let loaded = load(args.scenario.as_deref(), &args.changes)?;
    let design = match args.design {
        DesignKind::Grid => Design::Grid,
        DesignKind::Lhs => Design::LatinHypercube(args.points.map_or(1, NonZeroUsize::get)),
    };
    let paths: Vec<_> = args.vary.iter().map(|v| v.path.clone()).collect();
    // Every point's scenario is built and validated before any run, so a bad
    // value is refused before work starts. Integer keys take rounded values.
    let scenarios: Vec<(Vec<f64>, Scenario)> = design
        .points(&args.vary, args.seed)
        .into_iter()
        .map(|values| {
            let values: Vec<f64> = values
                .iter()
                .zip(&paths)
                .map(|(x, p)| if p.is_integer() { x.round() } else { *x })
                .collect();
            let mut changes = args.changes.set.clone();
            changes.extend(paths.iter().zip(&values).map(|(path, x)| Assignment {
                path: path.clone(),
                value: path.value(*x),
            }));
            let sc = Scenario::from_toml_with(&loaded.text, &loaded.origin, &changes)?;
            Ok((values, sc))
        })
        .collect::<Result<_>>()?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_out(&format!("{}-sweep", loaded.stem)));
    let mut staged = StagedDir::create(&out_dir)?;

    let total = args
        .precision
        .is_none()
        .then(|| args.runs.get() * scenarios.len() as u64);
    let bar = progress_bar(args.quiet, total);
    let pool = thread_pool(args.threads.map(usize::from))?;
    let points: Vec<SweepPoint> = pool.install(|| {
        scenarios
            .par_iter()
            .map(|(values, sc)| -> Result<SweepPoint> {
                let batch = Batch::new(sc, args.seed);
                let progress = |n| bar.inc(n);
                let mut tally = Tally::new(sc);
                let runs = match args.precision {
                    None => {
                        let runs = args.runs.get();
                        batch.run_into(0..runs, &mut tally, &mut (), &progress)?;
                        runs
                    }
                    Some(eps) => {
                        let max = args.max_runs.get();
                        run_to_precision(&batch, eps, max, &mut tally, &mut (), &progress)?.end
                    }
                };
                Ok(SweepPoint {
                    values: values.clone(),
                    runs,
                    rows: summary_rows(sc, &tally.runs),
                })
            })
            .collect::<Result<Vec<_>>>()
    })?;
    bar.finish_and_clear();

    let mut file = staged.file(FILES[0])?;
    write_sweep(&paths, &points, &mut file).context("cannot write sweep.csv")?;
    file.finish()?;
    let mut file = staged.file(FILES[1])?;
    write_points(&paths, &points, &mut file).context("cannot write points.csv")?;
    file.finish()?;
    let mut files: Vec<String> = FILES[..2].iter().map(|f| f.to_string()).collect();
    if args.plots {
        // Drawn from the bytes of sweep.csv, as `ceasefire plot` would.
        let mut bytes = Vec::new();
        write_sweep(&paths, &points, &mut bytes).context("cannot write sweep.csv")?;
        let chart = SweepResults::from_csv(&loaded.scenario.name, (FILES[0], bytes.as_slice()))?;
        let mut file = staged.file(SWEEP_CHART)?;
        file.write_all(draw_sweep(&chart)?.as_bytes())
            .context("cannot write sweep.svg")?;
        file.finish()?;
        files.push(SWEEP_CHART.into());
    }
    files.push(FILES[2].into());
    let runs = points.iter().map(|p| p.runs).sum();
    let manifest = Manifest::new(loaded.source.clone(), args.seed, runs, files.clone());
    let mut file = staged.file(FILES[2])?;
    file.write_all(manifest.to_json().as_bytes())
        .context("cannot write manifest.json")?;
    file.finish()?;
    staged.commit()?;

    let mut stdout = std::io::stdout().lock();
    print_points(&mut stdout, &loaded.scenario, &paths, &points)?;
    writeln!(stdout, "wrote {} ({})", out_dir.display(), files.join(", "))?;
    Ok(ExitCode::SUCCESS)
}

/// A table of the points with the share of runs entering each phase.
fn print_points(
    out: &mut impl Write,
    sc: &Scenario,
    paths: &[ceasefire::scenario::paths::ParamPath],
    points: &[SweepPoint],
) -> std::io::Result<()> {
    let phases: Vec<&str> = sc
        .phases
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != sc.initial_phase)
        .map(|(_, p)| p.id.as_str())
        .collect();
    let mut header = vec!["point".to_string()];
    header.extend(paths.iter().map(ToString::to_string));
    header.extend(phases.iter().map(|p| format!("entered {p}")));
    writeln!(out, "{}", header.join("\t"))?;
    for (k, p) in points.iter().enumerate() {
        let mut line = vec![k.to_string()];
        line.extend(p.values.iter().map(|x| format!("{x:.4}")));
        for phase in &phases {
            let share = p
                .rows
                .iter()
                .find(|r| r.metric == "entered" && r.subject == *phase)
                .map_or(f64::NAN, |r| r.value.estimate);
            line.push(format!("{:.2}%", 100.0 * share));
        }
        writeln!(out, "{}", line.join("\t"))?;
    }
    Ok(())
}
