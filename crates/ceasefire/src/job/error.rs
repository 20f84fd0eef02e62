//! Why a job failed, typed: each refusal a job makes is its own variant
//! holding what a front end needs to say it (or to choose an exception),
//! and the errors of the layers below pass through unchanged. Messages name
//! options by their [`Opt`], so each front end reads them in its own words.

use std::io;
use std::path::PathBuf;

use crate::counts::CountsError;
use crate::engine::BatchError;
use crate::exact::ExactError;
use crate::experiment::CompareError;
use crate::experiment::VaryError;
use crate::experiment::study::StudyError;
#[cfg(feature = "fit")]
use crate::fit::FitError;
use crate::options::Opt;
use crate::report::plot::PlotError;
use crate::report::sweep::TableError;
use crate::scenario::ScenarioError;
use crate::scenario::limits::SweepTooLarge;
use crate::sensitivity::SensitivityError;
use crate::store::checkpoint::CheckpointError;
use crate::store::results_dir::Overlap;
use crate::store::shard::MergeError;
use crate::store::verify::VerifyError;
#[doc(hidden)]
pub use crate::store::{OutputError, ScenarioSource, Verification};

use super::CostEstimate;

/// Why a job failed. Nothing it would have written is left behind.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The scenario is invalid, or cannot be read.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A file could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The runs stopped.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// A checkpoint could not be used.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// Shards cannot be merged.
    #[error(transparent)]
    Merge(#[from] MergeError),
    /// Two scenarios cannot be compared.
    #[error(transparent)]
    Compare(#[from] CompareError),
    /// Charts cannot be drawn.
    #[error(transparent)]
    Plot(#[from] PlotError),
    /// The exact solver refused the scenario.
    #[error("{file}: cannot solve exactly")]
    Exact {
        /// The scenario, as named in messages.
        file: String,
        /// Why.
        #[source]
        source: ExactError,
    },
    /// A table could not be written.
    #[error("cannot write {file}")]
    Table {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: csv::Error,
    },
    /// A counts file, or event data to turn into counts, was refused.
    #[error(transparent)]
    Counts(#[from] CountsError),
    /// A fit could not be made.
    #[cfg(feature = "fit")]
    #[error(transparent)]
    Fit(#[from] FitError),
    /// A study's outcome, design or tables were refused.
    #[error(transparent)]
    Study(#[from] StudyError),
    /// A range or a design of a sweep was refused.
    #[error(transparent)]
    Vary(#[from] VaryError),
    /// A results directory cannot be used (not a directory, no manifest).
    #[error(transparent)]
    Verify(#[from] VerifyError),
    /// A sweep's tables (sweep.csv, or a study's design and outputs) cannot
    /// be read.
    #[error(transparent)]
    SweepTable(#[from] TableError),
    /// An option's value outside what the job allows.
    #[error("{opt} {value} is out of range (allowed: {allowed})")]
    OptionValue {
        /// The option.
        opt: Opt,
        /// Its value, as given.
        value: String,
        /// What is allowed, in words.
        allowed: String,
    },
    /// A range of a sensitivity study whose bounds are not a range.
    #[error("{} {range}", Opt::Vary)]
    Range {
        /// The range, as `PATH=LO:HI`.
        range: String,
        /// Why.
        #[source]
        source: SensitivityError,
    },
    /// A generated sweep design with no range to vary.
    #[error(
        "{} is required (PATH=LO:HI:STEPS, repeatable) unless {} is a FILE.csv",
        Opt::Vary,
        Opt::Design
    )]
    NoRanges,
    /// A point of a design file that cannot be applied to the scenario.
    #[error("{file}: a point of the design cannot be used")]
    DesignPoint {
        /// The design file, as named in messages.
        file: String,
        /// Why.
        #[source]
        source: Box<JobError>,
    },
    /// An input file (counts, a mapping, an export) that cannot be read.
    #[error("{}: cannot read {what}", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What it was read as (`counts`, `mapping`).
        what: &'static str,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// An input file that is not UTF-8 text.
    #[error("{file}: not UTF-8 text")]
    NotUtf8 {
        /// The file, as named in messages.
        file: String,
    },
    /// The pool of worker threads could not be started.
    #[error("cannot start worker threads")]
    Threads(#[source] rayon::ThreadPoolBuildError),
    /// An output path that cannot be used for what it would hold.
    #[error(transparent)]
    Out(#[from] OutRefusal),
    /// A sweep too large to run.
    #[error(transparent)]
    SweepTooLarge(#[from] SweepTooLarge),
    /// A shard whose files are not those its manifest lists: nothing was
    /// merged.
    #[error("{}; the shard cannot be merged", damage(.0))]
    ShardDamaged(Box<Verification>),
    /// A results directory a sensitivity study or PRIM cannot analyse.
    #[error(transparent)]
    StudyDir(#[from] StudyDirError),
    /// Stopped at a safe point because [`Execution::cancel`](super::Execution::cancel) was
    /// cancelled (Ctrl-C); the checkpoint, if any, is kept for a resume.
    #[error("interrupted{}", match (.checkpoint, .next_run) {
        (Some(c), Some(n)) => format!(": every run before run {n} is in the checkpoint {}", c.display()),
        (Some(c), None) => format!(": the completed points are kept in checkpoints in {}", c.display()),
        _ => ": nothing was written".to_string(),
    })]
    Interrupted {
        /// The checkpoint a resume continues from (for a sweep, the
        /// directory of its points' checkpoints).
        checkpoint: Option<PathBuf>,
        /// The run it continues from (none for a sweep).
        next_run: Option<u64>,
    },
    /// No runs, or more runs than the limits allow.
    #[error("{runs} runs is not allowed (allowed: 1 to {max}; see docs/model.md, Limits)")]
    TooManyRuns {
        /// The runs asked for.
        runs: u64,
        /// The most allowed.
        max: u64,
    },
    /// A batch estimated beyond the limits of time or output size.
    #[error("{}", .0.refusal())]
    Beyond(CostEstimate),
    /// A shard, or a batch that resumes, is kept in a results directory and
    /// cannot be simulated in memory.
    #[error(
        "a shard, or a batch that resumes from a checkpoint, is written to a results directory: it cannot be kept in memory"
    )]
    NeedsDirectory,
    /// A phase asked for by an id the scenario does not have.
    #[error("the scenario has no phase `{phase}` (its phases: {})", .known.join(", "))]
    UnknownPhase {
        /// The id asked for.
        phase: String,
        /// The scenario's phase ids, in order.
        known: Vec<String>,
    },
    /// Warnings, with `strict` set: nothing was written.
    #[error("{} ({} makes every warning an error; nothing was written)", .0.iter().map(|w| format!("warning: {w}")).collect::<Vec<_>>().join("; "), Opt::Strict)]
    Strict(Vec<String>),
}

/// An output path refused before anything is written: it is not a file, or
/// writing there would overwrite or remove what the job reads.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutRefusal {
    /// The path names a directory (or nothing), where a file is needed.
    #[error("{} must name a file{}", Opt::Out, if *.stdout { " or be -" } else { "" })]
    NotAFile {
        /// The job also writes to standard output (a trace does).
        stdout: bool,
    },
    /// A PRISM model whose properties file would have the model's name.
    #[error("{} {} would be overwritten by its own properties file; give the model the extension .pm", Opt::Out, .out.display())]
    OverwrittenByProperties {
        /// The model's path.
        out: PathBuf,
    },
    /// The output directory cannot be compared with an input directory.
    #[error("{} {}: not a usable directory", Opt::Out, .out.display())]
    Unusable {
        /// The output directory.
        out: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A merge's output directory that is, lies inside or holds a shard's.
    #[error("{} {} {} the shard directory {} (compared by device and inode, whatever the paths); merge into a directory apart from every shard", Opt::Out, .out.display(), .relation.as_str(), .shard.display())]
    OverlapsShard {
        /// The output directory.
        out: PathBuf,
        /// The shard directory.
        shard: PathBuf,
        /// How they lie.
        relation: Overlap,
    },
    /// A merge's output directory holding a hard link of a shard's file.
    #[error("{} {}: its {file} is a hard link of a file of the shard directory {} (the same inode); merge into a directory apart from every shard", Opt::Out, .out.display(), .shard.display())]
    LinksShard {
        /// The output directory.
        out: PathBuf,
        /// The shard directory.
        shard: PathBuf,
        /// The file's name.
        file: String,
    },
    /// PRIM's output directory that is the sweep's own.
    #[error("{o} {} is the sweep's directory {} (compared by device and inode): PRIM's files would replace the sweep's; write them elsewhere, or leave {o} out to write them inside it", .out.display(), .sweep.display(), o = Opt::Out)]
    IsTheSweep {
        /// The output directory.
        out: PathBuf,
        /// The sweep's directory.
        sweep: PathBuf,
    },
}

/// A directory that is not the sweep (or sensitivity study) an analysis
/// needs, or not the one it was asked to continue.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StudyDirError {
    /// A file of the directory cannot be read.
    #[error("{file}: cannot read (a sweep's or a sensitivity study's output directory is needed)")]
    Unreadable {
        /// The directory or file, as named in messages.
        file: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The manifest is missing or not a manifest.
    #[error("{file}: cannot read the manifest of the results directory")]
    NoManifest {
        /// The manifest, as named in messages.
        file: String,
    },
    /// The points were run from another scenario, other changes or
    /// another seed than the analysis was given.
    #[error("{}: its points were run from {} (sha256 {}, changes [{}], seed {}), not from {} (sha256 {}, changes [{}], seed {seed}) as given", .manifest.display(), .found.path, .found.sha256, .found.changes.join(" "), .found_seed.map_or("none".to_string(), |s| s.to_string()), .given.path, .given.sha256, .given.changes.join(" "))]
    NotFromThis {
        /// The directory's manifest.
        manifest: PathBuf,
        /// The scenario its manifest records.
        found: Box<ScenarioSource>,
        /// The seed its manifest records.
        found_seed: Option<u64>,
        /// The scenario given.
        given: Box<ScenarioSource>,
        /// The seed given.
        seed: u64,
    },
    /// The table's varied paths are not the study's.
    #[error("{}: its paths ({}) are not the {} paths ({})", .file.display(), .found.join(", "), Opt::Vary, .given.join(", "))]
    OtherPaths {
        /// The table.
        file: PathBuf,
        /// Its paths.
        found: Vec<String>,
        /// The study's.
        given: Vec<String>,
    },
    /// A varied parameter that takes words, where numbers are needed.
    #[error(
        "{file}: column {column} holds words ('{word}'), not numbers: sensitivity indices and PRIM boxes need every varied parameter to be numeric"
    )]
    Categorical {
        /// The table, as named in messages.
        file: String,
        /// The column.
        column: String,
        /// A word it holds.
        word: String,
    },
}

/// The files of a damaged shard, in words.
fn damage(v: &Verification) -> String {
    let differ = v.differ.iter().map(|(name, want, found)| {
        format!(
            "{} differs from what its manifest.json records (sha256 {want}, found {found})",
            v.dir.join(name).display()
        )
    });
    let missing = v
        .missing
        .iter()
        .map(|name| format!("{} is missing", v.dir.join(name).display()));
    differ.chain(missing).collect::<Vec<_>>().join("; ")
}
