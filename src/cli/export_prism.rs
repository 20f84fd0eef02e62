//! `ceasefire export-prism`: a scenario without retaliation as a DTMC in the
//! PRISM language, for PRISM and Storm.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use ceasefire::exact::DEFAULT_MAX_STATES;
use ceasefire::job::PrismJob;

use super::{Changes, load};

const EXAMPLES: &str = "EXAMPLES:
  ceasefire export-prism scenarios/markov/munich-2016-no-retaliation.toml --out munich.pm
  storm --prism munich.pm --prop munich.props";

/// Export a scenario without retaliation as a PRISM DTMC (one step per day)
/// and a properties file asking, for every phase, the probability of
/// entering it by the last day. Their answers equal those of `exact`.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct ExportPrismArgs {
    /// Scenario file (TOML); no party may retaliate.
    pub scenario: PathBuf,
    #[command(flatten)]
    pub changes: Changes,
    /// The model file to write (`.pm`); the properties go next to it, with
    /// the extension `.props`.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
    /// Refuse, before building them, day outcome tables that could hold
    /// more entries than this (they grow with the square of the largest of
    /// compliance.tolerance and the window thresholds).
    #[arg(long, default_value_t = DEFAULT_MAX_STATES)]
    pub max_states: usize,
}

pub fn export_prism(args: ExportPrismArgs) -> Result<ExitCode> {
    let mut job = PrismJob::new(load(Some(&args.scenario), &args.changes)?, args.out.clone());
    job.max_states = args.max_states;
    let done = job.run()?;
    println!(
        "wrote {} and {} ({} commands, one per phase; the model checker explores the states)",
        done.model.display(),
        done.properties.display(),
        done.commands
    );
    Ok(ExitCode::SUCCESS)
}
