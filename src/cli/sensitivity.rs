//! `ceasefire sensitivity`: which uncertain assumptions drive an outcome,
//! alone and in interaction (Sobol' indices) or as a cheap screening
//! (Morris). The design runs as a sweep (same run seeds at every point, so
//! --resume, --shard and merge work as for `sweep`), then the library's
//! study analyses it.

use std::io::Write;
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

use ceasefire::engine::Shard;
use ceasefire::experiment::study::{
    NOISE_WARNING, Study, analyze_study, available_outcomes, default_outcomes, parse_outcome,
};
use ceasefire::experiment::{Design, DesignChoice, Vary};
use ceasefire::output::plot::{draw_indices, indices_chart_name};
use ceasefire::output::sensitivity::{
    Index, IndexRow, Method, STUDY_FILES, SweepTable, write_design, write_rows,
};
use ceasefire::output::{Manifest, ScenarioSource, StagedDir, SweepInfo};
use ceasefire::sensitivity::saltelli::{MAX_SAMPLES, round_up_samples};
use ceasefire::sensitivity::{Bounds, DEFAULT_RESAMPLES};

use super::sweep::{FILES as SWEEP_FILES, SweepArgs, run_sweep};
use super::{Changes, Execution, Precision, load, outputs};

const EXAMPLES: &str = "Examples:
  # Sobol' indices of three assumptions of the Geneva scenario
  ceasefire sensitivity --vary monitoring.detection=0.5:0.95 \\
      --vary compliance.tolerance=0:3 --vary party.opposition.rate=0.5:4 \\
      --samples 256 --runs 2000 --outcome entered:collapse
  # Morris screening of the same, 20 trajectories
  ceasefire sensitivity --vary monitoring.detection=0.5:0.95 \\
      --vary compliance.tolerance=0:3 --method morris --samples 20
  # Four shards of a large study (e.g. a Slurm array), merged, then analysed
  ceasefire sensitivity … --shard 1/4 --out parts/1    # … up to --shard 4/4 --out parts/4
  ceasefire merge parts/1 parts/2 parts/3 parts/4 --out study
  ceasefire sensitivity … --analyze --out study";

/// Global sensitivity of a scenario's outcomes to uncertain parameters:
/// Sobol' indices (S1, ST, S2) or Morris elementary effects, with bootstrap
/// intervals, computed as SALib does.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct SensitivityArgs {
    /// Scenario file (TOML). Without it, the built-in Geneva 2016 scenario.
    pub scenario: Option<PathBuf>,
    /// An uncertain parameter and its range: PATH=LO:HI with LO < HI,
    /// sampled uniformly (e.g. monitoring.detection=0.5:0.95). Repeatable.
    #[arg(long = "vary", value_name = "PATH=LO:HI", required = true)]
    pub vary: Vec<Vary>,
    /// sobol: variance-based indices on Saltelli's design; morris:
    /// elementary effects on Morris trajectories (cheaper, for screening).
    #[arg(long, value_enum, default_value_t = MethodArg::Sobol)]
    pub method: MethodArg,
    /// Sobol': base samples N, a power of two (others are rounded up, with
    /// a warning): N·(D+2) points, N·(2D+2) with --second-order. Morris:
    /// trajectories r: r·(D+1) points.
    #[arg(long, default_value = "256")]
    pub samples: NonZeroUsize,
    /// Sobol': also second-order (pairwise interaction) indices.
    #[arg(long)]
    pub second_order: bool,
    /// Morris: levels of the grid (even).
    #[arg(long, default_value = "4")]
    pub levels: usize,
    /// Runs at every point (the same run seeds at every point).
    #[arg(long, short = 'n', default_value = "2000")]
    pub runs: NonZeroU64,
    /// An outcome: METRIC:SUBJECT of summary.csv, e.g. entered:collapse or
    /// attacks_per_run:opposition. Repeatable [default: entered of every
    /// phase but the first, and attacks_per_run of every party].
    #[arg(long = "outcome", value_name = "METRIC:SUBJECT")]
    pub outcomes: Vec<String>,
    /// Bootstrap resamples of every interval.
    #[arg(long, default_value_t = DEFAULT_RESAMPLES)]
    pub resamples: usize,
    #[command(flatten)]
    pub exec: Execution,
    /// Output directory [default: results/<scenario file stem>-sensitivity/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Run only shard K of N of every point's runs, for `ceasefire merge`;
    /// then analyse the merged directory with --analyze.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Continue a killed study from the checkpoints of its completed points.
    #[arg(long)]
    pub resume: bool,
    /// Run nothing: analyse the sweep.csv already in --out (e.g. merged
    /// from shards), which must be this study's design.
    #[arg(long, conflicts_with_all = ["shard", "resume"])]
    pub analyze: bool,
    /// Changes applied to the scenario at every point, before the varied ones.
    #[command(flatten)]
    pub changes: Changes,
}

/// The method, as given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Sobol' indices on Saltelli's design.
    Sobol,
    /// Morris elementary effects.
    Morris,
}

pub fn sensitivity(args: SensitivityArgs) -> Result<ExitCode> {
    if args.resamples < 2 {
        bail!(
            "--resamples {} is not allowed (allowed: 2 or more; an interval needs a spread)",
            args.resamples
        );
    }
    let loaded = load(args.scenario.as_deref(), &args.changes)?;
    for v in &args.vary {
        Bounds::new(v.lo, v.hi).with_context(|| format!("--vary {}={}:{}", v.path, v.lo, v.hi))?;
    }
    let design = match args.method {
        MethodArg::Sobol => {
            let n = args.samples.get();
            let rounded = round_up_samples(n);
            if rounded > MAX_SAMPLES {
                bail!(
                    "--samples {n} is not allowed (allowed: up to {MAX_SAMPLES}, a power of two)"
                );
            }
            if rounded != n {
                eprintln!(
                    "warning: --samples {n} is not a power of two: using {rounded} (Sobol' nets need powers of two)"
                );
            }
            Design::Saltelli {
                samples: rounded,
                second_order: args.second_order,
            }
        }
        MethodArg::Morris => Design::Morris {
            trajectories: args.samples.get(),
            levels: args.levels,
        },
    };
    // Checks the design's settings (Morris levels, trajectories) now.
    design.to_string().parse::<Design>()?;
    let available = available_outcomes(&loaded.scenario);
    let outcomes = if args.outcomes.is_empty() {
        default_outcomes(&loaded.scenario)
    } else {
        args.outcomes
            .iter()
            .map(|o| parse_outcome(o, &available))
            .collect::<Result<Vec<_>, _>>()?
    };
    let out_dir = args.out.clone().unwrap_or_else(|| {
        let dir = super::default_out(&format!("{}-sensitivity", loaded.stem));
        outputs::shard_dir(dir, args.shard)
    });
    let sweep_dir = if args.analyze {
        check_provenance(&out_dir, &loaded.source, args.exec.seed)?;
        out_dir.clone()
    } else {
        let sweep = SweepArgs {
            scenario: args.scenario.clone(),
            vary: args.vary.clone(),
            design: DesignChoice::Generated(design),
            points: None,
            runs: args.runs,
            exec: args.exec.clone(),
            target: Precision::default(),
            out: Some(out_dir.clone()),
            plots: false,
            shard: args.shard,
            resume: args.resume,
            changes: args.changes.clone(),
        };
        match run_sweep(&sweep)? {
            None => {
                println!(
                    "merge the shards with `ceasefire merge DIR/shard-*-of-N --out DIR`, then analyse with the same arguments and --analyze --out DIR"
                );
                return Ok(ExitCode::SUCCESS);
            }
            Some(done) => done.out_dir,
        }
    };
    let table = read_table(&sweep_dir)?;
    let paths: Vec<String> = args.vary.iter().map(|v| v.path.to_string()).collect();
    if table.paths != paths {
        bail!(
            "{}: its paths ({}) are not the --vary paths ({})",
            sweep_dir.join(SWEEP_FILES[0]).display(),
            table.paths.join(", "),
            paths.join(", ")
        );
    }
    let study = analyze_study(&table, design, &outcomes, args.resamples, args.exec.seed)?;
    let mut staged = StagedDir::create(&out_dir)?;
    let mut files: Vec<String> = SWEEP_FILES[..2].iter().map(|f| f.to_string()).collect();
    let all: Vec<IndexRow> = study
        .outcomes
        .iter()
        .flat_map(|o| o.indices.clone())
        .collect();
    let mut file = staged.file(STUDY_FILES[0])?;
    write_rows(&all, &mut file).context("cannot write indices.csv")?;
    file.finish()?;
    let mut file = staged.file(STUDY_FILES[1])?;
    write_design(&study.paths, &study.design, &mut file).context("cannot write design.csv")?;
    file.finish()?;
    let mut file = staged.file(STUDY_FILES[2])?;
    write_rows(&study.outputs, &mut file).context("cannot write outputs.csv")?;
    file.finish()?;
    files.extend(STUDY_FILES.iter().map(|f| f.to_string()));
    for o in &study.outcomes {
        let name = indices_chart_name(&o.outcome);
        let svg = draw_indices(&loaded.source.name, &o.outcome, study.method, &o.indices)?;
        let mut file = staged.file(&name)?;
        file.write_all(svg.as_bytes())
            .with_context(|| format!("cannot write {name}"))?;
        file.finish()?;
        files.push(name);
    }
    files.push(SWEEP_FILES[2].into());
    let runs = args.runs.get() * table.points.len() as u64;
    let mut manifest = Manifest::new(loaded.source.clone(), args.exec.seed, runs, files.clone());
    manifest.sweep = Some(SweepInfo {
        vary: args.vary.iter().map(ToString::to_string).collect(),
        design: design.to_string(),
    });
    let mut file = staged.file(SWEEP_FILES[2])?;
    file.write_all(manifest.to_json().as_bytes())
        .context("cannot write manifest.json")?;
    file.finish()?;
    staged.commit()?;

    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{}: {} study of {} parameters, {} points × {} runs, seed {}",
        loaded.source.name,
        design,
        paths.len(),
        table.points.len(),
        args.runs,
        args.exec.seed
    )?;
    print_ranked(&mut stdout, &study)?;
    for o in &study.outcomes {
        if o.noise_share > NOISE_WARNING {
            eprintln!(
                "warning: {}: Monte Carlo noise is {:.1}% of its variance over the points (above {:.0}%): the indices partly split noise; use more --runs",
                o.outcome,
                100.0 * o.noise_share,
                100.0 * NOISE_WARNING
            );
        }
    }
    writeln!(stdout, "wrote {} ({})", out_dir.display(), files.join(", "))?;
    Ok(ExitCode::SUCCESS)
}

/// Refuses to analyse a directory whose points were run from another
/// scenario, other changes or another seed than the command names.
fn check_provenance(dir: &Path, source: &ScenarioSource, seed: u64) -> Result<()> {
    let path = dir.join(SWEEP_FILES[2]);
    let found: Manifest = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .with_context(|| format!("{}: cannot read the study's manifest", path.display()))?;
    let (a, b) = (&found.scenario, source);
    if a.sha256 != b.sha256 || a.changes != b.changes || found.seed != Some(seed) {
        bail!(
            "{}: its points were run from {} (sha256 {}, changes [{}], seed {}), not from {} (sha256 {}, changes [{}], seed {seed}) as given",
            path.display(),
            a.path,
            a.sha256,
            a.changes.join(" "),
            found.seed.map_or("none".to_string(), |s| s.to_string()),
            b.path,
            b.sha256,
            b.changes.join(" ")
        );
    }
    Ok(())
}

/// Reads a sweep's sweep.csv, or a sensitivity study's design.csv and
/// outputs.csv when its sweep.csv is not kept.
pub fn read_table(dir: &Path) -> Result<SweepTable> {
    let path = dir.join(SWEEP_FILES[0]);
    let (design, outputs) = (dir.join(STUDY_FILES[1]), dir.join(STUDY_FILES[2]));
    if !path.exists() && design.exists() && outputs.exists() {
        let open = |p: &Path| {
            std::fs::File::open(p).with_context(|| format!("{}: cannot read", p.display()))
        };
        let (dn, on) = (design.display().to_string(), outputs.display().to_string());
        return Ok(SweepTable::from_study(
            (&dn, open(&design)?),
            (&on, open(&outputs)?),
        )?);
    }
    let name = path.display().to_string();
    let file = std::fs::File::open(&path).with_context(|| {
        format!(
            "{name}: cannot read (a sweep's or a sensitivity study's output directory is needed)"
        )
    })?;
    Ok(SweepTable::from_csv(&name, file)?)
}

/// For every outcome, the parameters ranked by ST (or μ*).
fn print_ranked(out: &mut impl Write, study: &Study) -> std::io::Result<()> {
    let (key, second, heads) = match study.method {
        Method::Sobol => (Index::ST, Index::S1, ["ST [95% CI]", "S1 [95% CI]"]),
        Method::Morris => (Index::MuStar, Index::Sigma, ["mu* [95% CI]", "sigma"]),
    };
    let cell = |r: Option<&IndexRow>| match r {
        Some(r) => match (r.ci_low, r.ci_high) {
            (Some(l), Some(h)) => format!("{:.3} [{:.3}, {:.3}]", r.estimate, l, h),
            _ => format!("{:.3}", r.estimate),
        },
        None => String::new(),
    };
    let names = study.outcomes.iter().flat_map(|o| &o.indices);
    let width = names.map(|r| r.parameter.len()).max().unwrap_or(9).max(9);
    for o in &study.outcomes {
        writeln!(
            out,
            "\n{} (Monte Carlo noise: {:.1}% of its variance over the points)",
            o.outcome,
            100.0 * o.noise_share
        )?;
        writeln!(
            out,
            "  rank  {:width$}  {:24}  {}",
            "parameter", heads[0], heads[1]
        )?;
        let mut ranked: Vec<&IndexRow> = o.indices.iter().filter(|r| r.index == key).collect();
        ranked.sort_by(|a, b| b.estimate.total_cmp(&a.estimate));
        for (k, r) in ranked.iter().enumerate() {
            let other = o
                .indices
                .iter()
                .find(|s| s.index == second && s.parameter == r.parameter);
            writeln!(
                out,
                "  {:<4}  {:width$}  {:24}  {}",
                k + 1,
                r.parameter,
                cell(Some(r)),
                cell(other)
            )?;
        }
        for r in o.indices.iter().filter(|r| r.index == Index::S2) {
            writeln!(out, "  S2    {:width$}  {}", r.parameter, cell(Some(r)))?;
        }
    }
    Ok(())
}
