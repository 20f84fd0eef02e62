//! `ceasefire sweep`: a scenario evaluated over a grid or Latin hypercube of
//! parameter values, every point on the same run seeds.

use std::io::Write;
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;

use ceasefire::engine::Shard;
use ceasefire::experiment::{Design, DesignChoice, Vary, read_design_file};
use ceasefire::job::{JobError, SweepDesign, SweepDone, SweepJob, SweepMode};
use ceasefire::layout::SWEEP_CHECKPOINT_DIR;
use ceasefire::report::sweep::SweepPoint;
use ceasefire::scenario::Scenario;
use ceasefire::scenario::paths::ParamPath;
use ceasefire::stats::Metric;

use super::interrupt::INTERRUPTED;
use super::{Bar, Changes, Execution, Precision, load, warn};

const EXAMPLES: &str = "EXAMPLES:
  # Ten detection values, 20,000 runs each, with a chart
  ceasefire sweep --vary monitoring.detection=0.5:0.95:10 --plots
  # Listed values and a log range, every combination
  ceasefire sweep --vary compliance.tolerance=0,1,3 --vary party.isis.rate=log:0.1:10:5
  # Categorical and boolean keys: every combination of the words
  ceasefire sweep --vary compliance.counts=major,any --vary compliance.requires_aid=true,false
  # A 40-point Latin hypercube over two parameters
  ceasefire sweep my-agreement.toml --vary monitoring.detection=0.3:0.9 \\
      --vary party.opposition.rate=2:8 --design lhs --points 40
  # A design made with SALib, the EMA Workbench or R
  ceasefire sweep my-agreement.toml --design design.csv";

/// Run a scenario at many parameter values (a grid or a Latin hypercube),
/// every point on the same run seeds, and write sweep.csv and points.csv.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct SweepArgs {
    /// Scenario file (TOML). Without it, the built-in Geneva 2016 scenario.
    pub scenario: Option<PathBuf>,
    /// A parameter to vary. In a grid: PATH=LO:HI:STEPS (evenly spaced,
    /// rounded to the decimals of the bounds and the step), PATH=A,B,C (these
    /// values), PATH=log:LO:HI:STEPS (geometric, 3 or more significant
    /// digits) or PATH=WORD,WORD (categorical or boolean keys, e.g.
    /// compliance.counts=major,any). In a Latin hypercube: PATH=LO:HI. E.g.
    /// monitoring.detection=0.5:0.95:10. Repeatable. Required unless
    /// --design is a file.
    #[arg(long = "vary", value_name = "PATH=LO:HI:STEPS|A,B,C")]
    pub vary: Vec<Vary>,
    /// How points are chosen: grid (every combination of the --vary
    /// grids), lhs (a Latin hypercube of --points points), a generated
    /// design in full (lhs:N, saltelli:N, saltelli2:N, morris:R:P), or
    /// FILE.csv: a file whose header names scenario paths and whose rows
    /// are the points, run in file order (a `point` column is ignored).
    #[arg(long, default_value = "grid", value_name = "grid|lhs|DESIGN|FILE.csv")]
    pub design: DesignChoice,
    /// Number of points of a Latin hypercube.
    #[arg(long, required_if_eq("design", "lhs"))]
    pub points: Option<NonZeroUsize>,
    /// Runs at every point.
    #[arg(long, short = 'n', default_value = "20000", value_parser = super::parse_runs)]
    pub runs: NonZeroU64,
    #[command(flatten)]
    pub exec: Execution,
    #[command(flatten)]
    pub target: Precision,
    /// Output directory [default: results/<scenario file stem>-sweep/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Also draw sweep.svg (the share entering each phase across the points).
    #[arg(long)]
    pub plots: bool,
    /// Run only shard K of N (1-based) of every point: runs ⌊(K−1)R/N⌋ to
    /// ⌊KR/N⌋ − 1 of the R runs, written as partial files for `ceasefire
    /// merge` [default --out: results/<stem>-sweep/shard-K-of-N/].
    #[arg(long, value_name = "K/N", conflicts_with_all = ["precision", "plots"])]
    pub shard: Option<Shard>,
    /// Continue a killed sweep from the checkpoints of its completed points
    /// in its output directory (same scenario, --set, --vary, --design,
    /// --points, --seed, --runs and --shard); start afresh if there are
    /// none. The outputs are identical to those of an uninterrupted sweep.
    /// Not with --precision (whose sweeps keep no checkpoints).
    #[arg(long, conflicts_with = "precision")]
    pub resume: bool,
    /// For tests of crash safety: abort the process, as a kill would, right
    /// after writing this many point checkpoints.
    #[arg(long, value_name = "N", hide = true)]
    pub abort_after_checkpoints: Option<u32>,
    /// Changes applied to the scenario at every point, before the varied ones.
    #[command(flatten)]
    pub changes: Changes,
}

pub fn sweep(args: SweepArgs) -> Result<ExitCode> {
    let mut job = sweep_job(&args)?;
    job.exec = args.exec.cancellable_job();
    let bar = Bar::new(args.exec.quiet);
    let done = match job.run(&bar) {
        Err(e @ JobError::Interrupted { .. }) => {
            eprintln!("{e}");
            if let Some(cmd) = &job.exec.resume_hint {
                eprintln!("resume with: {cmd}");
            }
            return Ok(ExitCode::from(INTERRUPTED));
        }
        other => other?,
    };
    report(&args, &job, &done, &bar.said())
}

/// The job of a `sweep` command line (also run by `sensitivity`).
pub fn sweep_job(args: &SweepArgs) -> Result<SweepJob> {
    let loaded = load(args.scenario.as_deref(), &args.changes)?;
    let generated = |design| SweepDesign::Generated {
        vary: args.vary.clone(),
        design,
    };
    let design = match &args.design {
        DesignChoice::Grid => generated(Design::Grid),
        DesignChoice::Lhs => generated(Design::LatinHypercube(
            args.points.map_or(1, NonZeroUsize::get),
        )),
        DesignChoice::Generated(d) => generated(*d),
        DesignChoice::File(file) => {
            let name = file.display().to_string();
            if !args.vary.is_empty() {
                bail!("--vary is not used with --design {name}: the file's columns are the paths");
            }
            // Refused by its size before a byte is read.
            let f = ceasefire::input::open_regular(file)
                .and_then(|f| {
                    ceasefire::input::capped(f, ceasefire::input::MAX_DATA_BYTES, "a design file")
                })
                .with_context(|| format!("{name}: cannot read design file"))?;
            let file = read_design_file(&name, f)?;
            SweepDesign::File { name, file }
        }
    };
    let runs = args.runs.get();
    let mut job = SweepJob::new(loaded, design, args.exec.seed, runs);
    // clap refuses --shard with --precision or --plots, and --resume with
    // --precision.
    job.mode = match (args.target.target(), args.shard) {
        (Some(target), _) => SweepMode::Precision {
            target,
            plots: args.plots,
        },
        (None, Some(shard)) => SweepMode::Shard {
            runs,
            shard,
            resume: args.resume,
        },
        (None, None) => SweepMode::Whole {
            runs,
            resume: args.resume,
            plots: args.plots,
        },
    };
    job.out = args.out.clone();
    job.abort_after_checkpoints = args.abort_after_checkpoints;
    job.exec = args.exec.job();
    Ok(job)
}

/// Says what a sweep did: notes and warnings on stderr, the points' table
/// and the files written on stdout.
/// (`already`: warnings said while it ran).
pub fn report(
    args: &SweepArgs,
    job: &SweepJob,
    done: &SweepDone,
    already: &[String],
) -> Result<ExitCode> {
    warn(&done.warnings, already);
    if !args.exec.quiet
        && let Some(n) = done.resumed_points
    {
        match n {
            0 => eprintln!(
                "note: no checkpoint in {}: starting from the first point",
                done.dir.display()
            ),
            _ => eprintln!(
                "note: resuming with {n} of {} points done (checkpoints in {})",
                done.point_count,
                done.dir.join(SWEEP_CHECKPOINT_DIR).display()
            ),
        }
    }
    let mut stdout = std::io::stdout().lock();
    let name = &job.loaded.source.name;
    if let (Some(shard), Some(info)) = (args.shard, done.shard) {
        writeln!(
            stdout,
            "{name}: shard {shard} of a sweep of {} points × {} runs (runs {}..{} of each), seed {}\nwrote {} ({})",
            done.point_count,
            args.runs,
            info.first_run,
            info.end_run,
            args.exec.seed,
            done.dir.display(),
            done.files.join(", ")
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if !args.exec.quiet {
        print_points(&mut stdout, &job.loaded.scenario, &done.paths, &done.points)?;
    }
    super::wrote(&mut stdout, &done.dir, &done.files)?;
    Ok(ExitCode::SUCCESS)
}

/// A table of the points with the share of runs entering each phase.
fn print_points(
    out: &mut impl Write,
    sc: &Scenario,
    paths: &[ParamPath],
    points: &[SweepPoint],
) -> std::io::Result<()> {
    let phases: Vec<&str> = sc
        .phases()
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != sc.initial_phase())
        .map(|(_, p)| p.id.as_str())
        .collect();
    let mut header = vec!["point".to_string()];
    header.extend(paths.iter().map(ToString::to_string));
    header.extend(phases.iter().map(|p| format!("entered {p}")));
    writeln!(out, "{}", header.join("\t"))?;
    for (k, p) in points.iter().enumerate() {
        let mut line = vec![k.to_string()];
        let words = p.words.iter().chain(std::iter::repeat(&None));
        line.extend(
            p.values
                .iter()
                .zip(words)
                .map(|(x, w)| w.clone().unwrap_or_else(|| format!("{x:.4}"))),
        );
        for phase in &phases {
            let share = p
                .rows
                .iter()
                .find(|r| r.metric == Metric::Entered && r.subject == *phase)
                .map_or(f64::NAN, |r| r.value.estimate);
            line.push(format!("{:.2}%", 100.0 * share));
        }
        writeln!(out, "{}", line.join("\t"))?;
    }
    Ok(())
}
