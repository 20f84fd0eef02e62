//! `ceasefire init`: write a commented starting scenario.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use ceasefire::scenario::templates::Template;

const EXAMPLES: &str = "EXAMPLES:
  ceasefire init my-agreement.toml
  ceasefire init --template munich my-agreement.toml
  ceasefire check my-agreement.toml";

/// Write a commented starting scenario to FILE (never over an existing
/// file): `minimal` is a small commented agreement whose comments give
/// each key's default (every key: `ceasefire schema --markdown`); `geneva` and
/// `munich` are the reference scenarios, each number marked SOURCED or
/// ILLUSTRATIVE.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct InitArgs {
    /// The scenario to start from: minimal, geneva or munich.
    #[arg(long, default_value = "minimal", value_parser = |s: &str| s.parse::<Template>())]
    pub template: Template,
    /// The new scenario file.
    pub file: PathBuf,
}

pub fn init(args: InitArgs) -> Result<ExitCode> {
    args.template
        .write_new(&args.file)
        .with_context(|| format!("{}: cannot write the scenario", args.file.display()))?;
    println!(
        "wrote {} (template {}); next: ceasefire check {}",
        args.file.display(),
        args.template.name(),
        args.file.display()
    );
    Ok(ExitCode::SUCCESS)
}
