//! The layout of results directories: every file a command writes, named
//! once, and which files each kind of directory holds, in the order its
//! manifest lists them.
//!
//! Names live here and nowhere else, so that a writer, a reader (`plot`,
//! `merge`, `--resume`) and the documentation cannot disagree about them.

/// A file of a results directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResultFile {
    /// One row per run (`runs.csv`).
    Runs,
    /// Day-by-day records of the first runs (`daily_runs.csv`, `run
    /// --keep-daily K`).
    DailyRuns,
    /// Share of runs in each phase, day by day (`daily.csv`).
    Daily,
    /// Time to first entry of each phase (`curves.csv`).
    Curves,
    /// Day-by-day means of attacks, reports, compliance and convoys
    /// (`daily_metrics.csv`).
    DailyMetrics,
    /// Every metric of the batch with its interval (`summary.csv`).
    Summary,
    /// Provenance of the directory (`manifest.json`).
    Manifest,
    /// Summary metrics at every point of a sweep (`sweep.csv`).
    Sweep,
    /// The points of a sweep (`points.csv`).
    Points,
    /// Paired differences of a comparison (`compare.csv`).
    Compare,
    /// The integer tally of a shard's runs (`tally.json`).
    Tally,
    /// The integer tallies of a sweep shard, one per point (`tallies.json`).
    Tallies,
    /// A copy of the exact bytes of the scenario a shard ran
    /// (`scenario.toml`).
    ScenarioCopy,
    /// Chart of phase occupancy (`occupancy.svg`).
    OccupancyChart,
    /// Chart of time to first entry (`entry_curves.svg`).
    EntryCurvesChart,
    /// Chart of violence by party (`violence.svg`).
    ViolenceChart,
    /// Chart of a sweep (`sweep.svg`).
    SweepChart,
    /// Sensitivity indices of every outcome and parameter (`indices.csv`).
    Indices,
    /// The points of a sensitivity study's design (`design.csv`).
    Design,
    /// Each point's estimate of each outcome (`outputs.csv`).
    Outputs,
    /// The PRIM peeling trajectory (`prim.csv`).
    Prim,
    /// Chart of PRIM's coverage–density trade-off (`tradeoff.svg`).
    TradeoffChart,
    /// Every estimate of a fit with its interval (`fit.csv`).
    FitEstimates,
    /// The fitted `[[party]]` tables and phase multipliers (`fit.toml`).
    FitScenario,
    /// A fit's PIT histogram, KS test and residual autocorrelation
    /// (`fit_diagnostics.csv`).
    FitDiagnostics,
    /// Chart of a fit's diagnostics (`fit_diagnostics.svg`).
    FitDiagnosticsChart,
    /// Observed counts against a fit's predictive bands (`predictive.csv`,
    /// `fit --simulate`).
    Predictive,
    /// Chart of the predictive check (`predictive.svg`).
    PredictiveChart,
}

impl ResultFile {
    /// The file's name in a results directory.
    pub const fn name(self) -> &'static str {
        match self {
            ResultFile::Runs => "runs.csv",
            ResultFile::DailyRuns => "daily_runs.csv",
            ResultFile::Daily => "daily.csv",
            ResultFile::Curves => "curves.csv",
            ResultFile::DailyMetrics => "daily_metrics.csv",
            ResultFile::Summary => "summary.csv",
            ResultFile::Manifest => "manifest.json",
            ResultFile::Sweep => "sweep.csv",
            ResultFile::Points => "points.csv",
            ResultFile::Compare => "compare.csv",
            ResultFile::Tally => "tally.json",
            ResultFile::Tallies => "tallies.json",
            ResultFile::ScenarioCopy => "scenario.toml",
            ResultFile::OccupancyChart => "occupancy.svg",
            ResultFile::EntryCurvesChart => "entry_curves.svg",
            ResultFile::ViolenceChart => "violence.svg",
            ResultFile::SweepChart => "sweep.svg",
            ResultFile::Indices => "indices.csv",
            ResultFile::Design => "design.csv",
            ResultFile::Outputs => "outputs.csv",
            ResultFile::Prim => "prim.csv",
            ResultFile::TradeoffChart => "tradeoff.svg",
            ResultFile::FitEstimates => "fit.csv",
            ResultFile::FitScenario => "fit.toml",
            ResultFile::FitDiagnostics => "fit_diagnostics.csv",
            ResultFile::FitDiagnosticsChart => "fit_diagnostics.svg",
            ResultFile::Predictive => "predictive.csv",
            ResultFile::PredictiveChart => "predictive.svg",
        }
    }
}

impl std::fmt::Display for ResultFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

use ResultFile::*;

/// A whole batch (`run`, `merge`): the charts of `--plots` come between
/// summary.csv and manifest.json.
pub const BATCH: [ResultFile; 6] = [Runs, Daily, Curves, DailyMetrics, Summary, Manifest];

/// The charts of a batch or of exact answers, in the order they are drawn.
#[doc(hidden)]
pub const CHARTS: [ResultFile; 3] = [OccupancyChart, EntryCurvesChart, ViolenceChart];

/// The CSV files the charts are drawn from.
#[doc(hidden)]
pub const CHART_INPUTS: [ResultFile; 3] = [Daily, Curves, DailyMetrics];

/// A shard of a batch (`run --shard K/N`).
#[doc(hidden)]
pub const BATCH_SHARD: [ResultFile; 4] = [Runs, Tally, ScenarioCopy, Manifest];

/// A shard of a sweep (`sweep --shard K/N`): a sweep keeps no runs.csv.
#[doc(hidden)]
pub const SWEEP_SHARD: [ResultFile; 3] = [Tallies, ScenarioCopy, Manifest];

/// The checkpoint of a batch in its output directory (hidden: it is not a
/// result, and it is removed when the batch completes).
#[doc(hidden)]
pub const CHECKPOINT_FILE: &str = ".ceasefire-checkpoint.json";

/// The directory, in a sweep's output directory, that holds one checkpoint
/// per completed point (hidden, and removed when the sweep completes).
pub const SWEEP_CHECKPOINT_DIR: &str = ".ceasefire-sweep-checkpoint";

/// The names of `files`, in order.
#[doc(hidden)]
pub fn names(files: &[ResultFile]) -> Vec<String> {
    files.iter().map(|f| f.name().to_string()).collect()
}

/// The lock file in a results directory (hidden: it is not a result).
#[doc(hidden)]
pub const LOCK_FILE: &str = ".ceasefire-lock";

/// Where an earlier checkpoint of the same batch is kept while a run
/// without `--resume` has not yet passed it: the checkpoint, and the
/// runs.csv it describes ([`KEPT_PARTIAL`]).
#[doc(hidden)]
pub const KEPT_CHECKPOINT: &str = ".ceasefire-checkpoint.kept.json";
/// The runs.csv a kept checkpoint describes (see [`KEPT_CHECKPOINT`]).
#[doc(hidden)]
pub const KEPT_PARTIAL: &str = ".runs.csv.kept.partial";
