//! `ceasefire discover`: scenario discovery with PRIM over the points of a
//! sweep or a sensitivity study: in which region of the varied parameters
//! does an outcome pass a threshold?

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{ArgGroup, Args};

use ceasefire::discover::PrimOptions;
use ceasefire::discover::prim::{DEFAULT_MASS_MIN, DEFAULT_PASTE_ALPHA, DEFAULT_PEEL_ALPHA};
use ceasefire::experiment::study::{Threshold, discover, parse_outcome};
use ceasefire::output::plot::{TRADEOFF_CHART, draw_tradeoff};
use ceasefire::output::sensitivity::{Outcome, PRIM_FILE, write_prim};
use ceasefire::output::{Manifest, StagedDir};

use super::sensitivity::read_table;
use super::sweep::FILES as SWEEP_FILES;

const EXAMPLES: &str = "Examples:
  # Where does the agreement collapse in more than half of the runs?
  ceasefire discover results/geneva-2016-sensitivity --outcome entered:collapse --above 0.5
  # Where do fewer than 10% of runs reach joint targeting?
  ceasefire discover results/geneva-2016-detection-sweep \\
      --outcome entered:joint_targeting --below 0.1 --mass-min 0.1";

/// Scenario discovery (PRIM, as the EMA Workbench computes it): the box of
/// parameter ranges where an outcome is above (or below) a threshold.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
#[command(group(ArgGroup::new("threshold").required(true).args(["above", "below"])))]
pub struct DiscoverArgs {
    /// Output directory of a sweep or a sensitivity study (with sweep.csv).
    pub sweep_dir: PathBuf,
    /// The outcome: METRIC:SUBJECT of sweep.csv, e.g. entered:collapse.
    #[arg(long, value_name = "METRIC:SUBJECT")]
    pub outcome: String,
    /// Points of interest: those whose estimate is above X.
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub above: Option<f64>,
    /// Points of interest: those whose estimate is below X.
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub below: Option<f64>,
    /// Share of the box's points peeled off at each step.
    #[arg(long, default_value_t = DEFAULT_PEEL_ALPHA)]
    pub peel_alpha: f64,
    /// Share pasted back at each step.
    #[arg(long, default_value_t = DEFAULT_PASTE_ALPHA)]
    pub paste_alpha: f64,
    /// Smallest share of all points a box may hold.
    #[arg(long, default_value_t = DEFAULT_MASS_MIN)]
    pub mass_min: f64,
    /// Output directory [default: SWEEP_DIR/discover-METRIC-SUBJECT/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}

pub fn discover_cmd(args: DiscoverArgs) -> Result<ExitCode> {
    let table = read_table(&args.sweep_dir)?;
    let available: Vec<Outcome> = table.series.iter().map(|s| s.outcome.clone()).collect();
    let outcome = parse_outcome(&args.outcome, &available)?;
    let threshold = match (args.above, args.below) {
        (Some(x), _) => Threshold::Above(x),
        (_, Some(x)) => Threshold::Below(x),
        _ => unreachable!("clap requires one of --above and --below"),
    };
    let options = PrimOptions {
        peel_alpha: args.peel_alpha,
        paste_alpha: args.paste_alpha,
        mass_min: args.mass_min,
    };
    let found = discover(&table, &outcome, threshold, options)?;
    let manifest_path = args.sweep_dir.join(SWEEP_FILES[2]);
    let source: Manifest = std::fs::read_to_string(&manifest_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .with_context(|| {
            format!(
                "{}: cannot read the sweep's manifest",
                manifest_path.display()
            )
        })?;
    let out_dir = args.out.clone().unwrap_or_else(|| {
        let safe: String = format!("discover-{}-{}", outcome.metric, outcome.subject)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        args.sweep_dir.join(safe)
    });
    let mut staged = StagedDir::create(&out_dir)?;
    let mut file = staged.file(PRIM_FILE)?;
    write_prim(&found.paths, &found.boxes, &mut file).context("cannot write prim.csv")?;
    file.finish()?;
    let what = found.describe();
    let label = what.split(" when ").next().unwrap_or(&what).to_string();
    let svg = draw_tradeoff(&source.scenario.name, &label, &found.boxes)?;
    let mut file = staged.file(TRADEOFF_CHART)?;
    file.write_all(svg.as_bytes())
        .context("cannot write tradeoff.svg")?;
    file.finish()?;
    let files = vec![
        PRIM_FILE.to_string(),
        TRADEOFF_CHART.to_string(),
        SWEEP_FILES[2].to_string(),
    ];
    let mut manifest = Manifest {
        files: files.clone(),
        command_line: std::env::args().collect(),
        ..source
    };
    manifest.method = "prim".into();
    let mut file = staged.file(SWEEP_FILES[2])?;
    file.write_all(manifest.to_json().as_bytes())
        .context("cannot write manifest.json")?;
    file.finish()?;
    staged.commit()?;

    let mut stdout = std::io::stdout().lock();
    let interest = found.boxes[0].of_interest;
    writeln!(
        stdout,
        "{}: {} of {} points of interest; PRIM trajectory of {} boxes",
        manifest.scenario.name,
        interest,
        table.points.len(),
        found.boxes.len()
    )?;
    writeln!(stdout, "{what}")?;
    writeln!(stdout, "wrote {} ({})", out_dir.display(), files.join(", "))?;
    Ok(ExitCode::SUCCESS)
}
