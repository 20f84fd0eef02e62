//! `ceasefire discover`: scenario discovery with PRIM over the points of a
//! sweep or a sensitivity study: in which region of the varied parameters
//! does an outcome pass a threshold?

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{ArgGroup, Args};

use ceasefire::discover::prim::{DEFAULT_MASS_MIN, DEFAULT_PASTE_ALPHA, DEFAULT_PEEL_ALPHA};
use ceasefire::experiment::study::Threshold;
use ceasefire::job::DiscoverJob;

use super::Execution;

const EXAMPLES: &str = "EXAMPLES:
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
    #[command(flatten)]
    pub force: super::Force,
}

pub fn discover(args: DiscoverArgs) -> Result<ExitCode> {
    let threshold = match (args.above, args.below) {
        (Some(x), _) => Threshold::Above(x),
        (_, Some(x)) => Threshold::Below(x),
        _ => unreachable!("clap requires one of --above and --below"),
    };
    let mut job = DiscoverJob::new(args.sweep_dir.clone(), args.outcome.clone(), threshold);
    job.options.peel_alpha = args.peel_alpha;
    job.options.paste_alpha = args.paste_alpha;
    job.options.mass_min = args.mass_min;
    job.out = args.out.clone();
    job.exec = Execution {
        force: args.force,
        ..Execution::default()
    }
    .job();
    let done = job.run()?;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{}: {} of {} points of interest; PRIM trajectory of {} boxes",
        done.name,
        done.found.boxes[0].of_interest,
        done.points,
        done.found.boxes.len()
    )?;
    writeln!(stdout, "{}", done.found.describe())?;
    super::wrote(&mut stdout, &done.dir, &done.files)?;
    Ok(ExitCode::SUCCESS)
}
