//! `ceasefire sweep`: a scenario evaluated over a grid or Latin hypercube of
//! parameter values, every point on the same run seeds.

use std::io::Write;
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use rayon::prelude::*;

use ceasefire::engine::Shard;
use ceasefire::experiment::{Design, DesignChoice, Vary, read_design_file, run_to_precision};
use ceasefire::output::checkpoint::{BatchKey, PointCheckpoints, PointKey, SWEEP_CHECKPOINT_DIR};
use ceasefire::output::experiment::{SweepPoint, write_points, write_sweep};
use ceasefire::output::partial::{SWEEP_SHARD_FILES, TALLIES_FILE, to_json_line};
use ceasefire::output::plot::{SWEEP_CHART, SweepResults, draw_sweep};
use ceasefire::output::{Manifest, ScenarioSource, ShardInfo, StagedDir, SweepInfo};
use ceasefire::scenario::paths::{Assignment, ParamPath};
use ceasefire::stats::summary::summary_rows;
use ceasefire::{Batch, Scenario, Tally};

use super::run::progress_bar;
use super::{Changes, Execution, Loaded, Precision, load, outputs, thread_pool};

/// Run a scenario at many parameter values (a grid or a Latin hypercube),
/// every point on the same run seeds, and write sweep.csv and points.csv.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML). Without it, the built-in Geneva 2016 scenario.
    pub scenario: Option<PathBuf>,
    /// A parameter to vary: PATH=LO:HI:STEPS (grid) or PATH=LO:HI (Latin
    /// hypercube), e.g. monitoring.detection=0.5:0.95:10. Repeatable.
    /// Required unless --design is a file.
    #[arg(long = "vary", value_name = "PATH=LO:HI:STEPS")]
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
    #[arg(long, short = 'n', default_value = "20000")]
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
    /// Changes applied to the scenario at every point, before the varied ones.
    #[command(flatten)]
    pub changes: Changes,
}

/// The files `sweep` writes.
pub const FILES: [&str; 3] = ["sweep.csv", "points.csv", "manifest.json"];

/// The points of a sweep, each with its values and its scenario: the base
/// scenario text with `changes`, then the varied paths set to the point's
/// values. Every point's scenario is built and validated before any run, so
/// a bad value is refused before work starts. Integer keys take rounded
/// values. `merge` rebuilds a sweep's points with this same function.
pub fn point_scenarios(
    text: &str,
    origin: &str,
    changes: &[Assignment],
    vary: &[Vary],
    design: Design,
    seed: u64,
) -> Result<Vec<(Vec<f64>, Scenario)>> {
    let paths: Vec<_> = vary.iter().map(|v| v.path.clone()).collect();
    scenarios_at(text, origin, changes, &paths, design.points(vary, seed)?)
}

/// The scenario of every point: `changes`, then `paths` set to the point's
/// values (integer keys rounded), as [`point_scenarios`] builds them.
pub fn scenarios_at(
    text: &str,
    origin: &str,
    changes: &[Assignment],
    paths: &[ParamPath],
    points: Vec<Vec<f64>>,
) -> Result<Vec<(Vec<f64>, Scenario)>> {
    points
        .into_iter()
        .map(|values| {
            let values: Vec<f64> = values
                .iter()
                .zip(paths)
                .map(|(x, p)| if p.is_integer() { x.round() } else { *x })
                .collect();
            let mut all = changes.to_vec();
            all.extend(paths.iter().zip(&values).map(|(path, x)| Assignment {
                path: path.clone(),
                value: path.value(*x),
            }));
            let sc = Scenario::from_toml_with(text, origin, &all)?;
            Ok((values, sc))
        })
        .collect()
}

/// Every point's values and scenario, in point order.
pub type PointScenarios = Vec<(Vec<f64>, Scenario)>;

/// The paths and points of a sweep as --design and --vary give them, each
/// point with its scenario, and the design as checkpoints and shards record
/// it. Every error (a bad design file, an unknown path, a bad value) comes
/// before anything is written.
pub fn plan_points(
    args: &SweepArgs,
    loaded: &Loaded,
) -> Result<(Vec<ParamPath>, SweepInfo, PointScenarios)> {
    let design = match &args.design {
        DesignChoice::Grid => Design::Grid,
        DesignChoice::Lhs => Design::LatinHypercube(args.points.map_or(1, NonZeroUsize::get)),
        DesignChoice::Generated(d) => *d,
        DesignChoice::File(file) => {
            let name = file.display().to_string();
            if !args.vary.is_empty() {
                bail!("--vary is not used with --design {name}: the file's columns are the paths");
            }
            if args.shard.is_some() {
                bail!(
                    "--shard is not available with --design {name} (merge rebuilds a sweep's points from --vary and a generated design)"
                );
            }
            let f = std::fs::File::open(file)
                .with_context(|| format!("{name}: cannot read design file"))?;
            let d = read_design_file(&name, f)?;
            let (text, origin, set) = (&loaded.text, &loaded.origin, &args.changes.set);
            let scenarios = scenarios_at(text, origin, set, &d.paths, d.points)
                .with_context(|| format!("{name}: a point of the design cannot be used"))?;
            let info = SweepInfo {
                vary: d.paths.iter().map(ToString::to_string).collect(),
                design: format!("file:{name}"),
            };
            return Ok((d.paths, info, scenarios));
        }
    };
    if args.vary.is_empty() {
        bail!("--vary is required (PATH=LO:HI:STEPS, repeatable) unless --design is a FILE.csv");
    }
    let scenarios = point_scenarios(
        &loaded.text,
        &loaded.origin,
        &args.changes.set,
        &args.vary,
        design,
        args.exec.seed,
    )?;
    let info = SweepInfo {
        vary: args.vary.iter().map(ToString::to_string).collect(),
        design: design.to_string(),
    };
    Ok((
        args.vary.iter().map(|v| v.path.clone()).collect(),
        info,
        scenarios,
    ))
}

pub fn sweep(args: SweepArgs) -> Result<ExitCode> {
    if let Some(done) = run_sweep(&args)? {
        let mut stdout = std::io::stdout().lock();
        print_points(
            &mut stdout,
            &done.loaded.scenario,
            &done.paths,
            &done.points,
        )?;
        let (dir, files) = (done.out_dir.display(), done.files.join(", "));
        writeln!(stdout, "wrote {dir} ({files})")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A whole sweep, run and written.
pub struct SweepDone {
    /// The scenario as loaded.
    pub loaded: Loaded,
    /// Where the files are.
    pub out_dir: PathBuf,
    /// The varied paths.
    pub paths: Vec<ParamPath>,
    /// Every point, in point order.
    pub points: Vec<SweepPoint>,
    /// The files written.
    pub files: Vec<String>,
}

/// Runs a sweep and writes its files; `None` when it wrote (and reported)
/// a shard. `sensitivity` runs its designs through this.
pub fn run_sweep(args: &SweepArgs) -> Result<Option<SweepDone>> {
    let loaded = load(args.scenario.as_deref(), &args.changes)?;
    let (paths, sweep_info, scenarios) = plan_points(args, &loaded)?;
    let out_dir = args.out.clone().unwrap_or_else(|| {
        let dir = super::default_out(&format!("{}-sweep", loaded.stem));
        outputs::shard_dir(dir, args.shard)
    });
    let mut staged = StagedDir::create(&out_dir)?;
    let mut key = BatchKey::new(&loaded.source, args.exec.seed, args.runs.get(), args.shard);
    key.sweep = Some(sweep_info.clone());
    let keys: Vec<BatchKey> = scenarios
        .iter()
        .enumerate()
        .map(|(i, (values, _))| BatchKey {
            point: Some(PointKey::new(i, values)),
            ..key.clone()
        })
        .collect();
    let range = key.range();
    // Checkpoints of completed points, except with --precision (a point's
    // runs then depend on its own estimates, and sweeps to a precision are
    // not resumed).
    let (checkpoints, done) = match args.target.precision {
        None => {
            let scs: Vec<&Scenario> = scenarios.iter().map(|(_, sc)| sc).collect();
            let (c, done) = PointCheckpoints::open(&mut staged, &keys, &scs, args.resume)?;
            (Some(c), done)
        }
        Some(_) => (None, vec![None; scenarios.len()]),
    };
    if !args.exec.quiet && args.resume {
        let n = done.iter().filter(|d| d.is_some()).count();
        let dir = out_dir.join(SWEEP_CHECKPOINT_DIR);
        match n {
            0 => eprintln!(
                "note: no checkpoint in {}: starting from the first point",
                out_dir.display()
            ),
            _ => eprintln!(
                "note: resuming with {n} of {} points done (checkpoints in {})",
                scenarios.len(),
                dir.display()
            ),
        }
    }
    let total = args
        .target
        .precision
        .is_none()
        .then(|| (range.end - range.start) * scenarios.len() as u64);
    let bar = progress_bar(args.exec.quiet, total);
    let pool = thread_pool(args.exec.threads.map(usize::from))?;
    let tallies: Vec<(u64, Tally)> = pool.install(|| {
        scenarios
            .par_iter()
            .zip(done)
            .zip(&keys)
            .map(|(((_, sc), done), key)| -> Result<(u64, Tally)> {
                if let Some(tally) = done {
                    bar.inc(range.end - range.start);
                    return Ok((args.runs.get(), tally));
                }
                let batch = Batch::new(sc, args.exec.seed);
                let progress = |n| bar.inc(n);
                let mut tally = Tally::new(sc);
                let runs = match args.target.precision {
                    None => {
                        batch.run_into(range.clone(), &mut tally, &mut (), &progress)?;
                        args.runs.get()
                    }
                    Some(eps) => {
                        let max = args.target.max_runs.get();
                        run_to_precision(&batch, eps, max, &mut tally, &mut (), &progress)?.end
                    }
                };
                if let Some(c) = &checkpoints {
                    c.save(key, &tally)?;
                }
                Ok((runs, tally))
            })
            .collect::<Result<Vec<_>>>()
    })?;
    bar.finish_and_clear();

    let mut stdout = std::io::stdout().lock();
    if let Some(shard) = args.shard {
        let mut manifest = Manifest::new(
            loaded.source.clone(),
            args.exec.seed,
            args.runs.get(),
            Vec::new(),
        );
        manifest.shard = Some(ShardInfo::new(shard, args.runs.get()));
        manifest.sweep = Some(sweep_info);
        let tallies: Vec<&Tally> = tallies.iter().map(|(_, t)| t).collect();
        let json = to_json_line(&tallies);
        let written = outputs::write_shard(
            staged,
            (TALLIES_FILE, &json),
            &loaded.text,
            manifest,
            &SWEEP_SHARD_FILES,
        )?;
        writeln!(
            stdout,
            "{}: shard {shard} of a sweep of {} points × {} runs (runs {}..{} of each), seed {}\nwrote {} ({})",
            loaded.source.name,
            scenarios.len(),
            args.runs,
            range.start,
            range.end,
            args.exec.seed,
            out_dir.display(),
            written.join(", ")
        )?;
        return Ok(None);
    }
    let points: Vec<SweepPoint> = scenarios
        .iter()
        .zip(&tallies)
        .map(|((values, sc), (runs, tally))| SweepPoint {
            values: values.clone(),
            runs: *runs,
            rows: summary_rows(sc, &tally.runs),
        })
        .collect();
    let source = loaded.source.clone();
    let files = write_sweep_files(staged, &paths, &points, source, args.exec.seed, args.plots)?;
    Ok(Some(SweepDone {
        loaded,
        out_dir,
        paths,
        points,
        files,
    }))
}

/// Writes sweep.csv, points.csv, sweep.svg with `plots`, and manifest.json
/// of a whole sweep and commits `staged` (for `sweep`, and for `merge` of a
/// sweep's shards). Returns the files written.
pub fn write_sweep_files(
    mut staged: StagedDir,
    paths: &[ParamPath],
    points: &[SweepPoint],
    source: ScenarioSource,
    seed: u64,
    plots: bool,
) -> Result<Vec<String>> {
    let mut file = staged.file(FILES[0])?;
    write_sweep(paths, points, &mut file).context("cannot write sweep.csv")?;
    file.finish()?;
    let mut file = staged.file(FILES[1])?;
    write_points(paths, points, &mut file).context("cannot write points.csv")?;
    file.finish()?;
    let mut files: Vec<String> = FILES[..2].iter().map(|f| f.to_string()).collect();
    if plots {
        // Drawn from the bytes of sweep.csv, as `ceasefire plot` would.
        let mut bytes = Vec::new();
        write_sweep(paths, points, &mut bytes).context("cannot write sweep.csv")?;
        let chart = SweepResults::from_csv(&source.name, (FILES[0], bytes.as_slice()))?;
        let mut file = staged.file(SWEEP_CHART)?;
        file.write_all(draw_sweep(&chart)?.as_bytes())
            .context("cannot write sweep.svg")?;
        file.finish()?;
        files.push(SWEEP_CHART.into());
    }
    files.push(FILES[2].into());
    let runs = points.iter().map(|p| p.runs).sum();
    let manifest = Manifest::new(source, seed, runs, files.clone());
    let mut file = staged.file(FILES[2])?;
    file.write_all(manifest.to_json().as_bytes())
        .context("cannot write manifest.json")?;
    file.finish()?;
    staged.commit()?;
    Ok(files)
}

/// A table of the points with the share of runs entering each phase.
fn print_points(
    out: &mut impl Write,
    sc: &Scenario,
    paths: &[ParamPath],
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
