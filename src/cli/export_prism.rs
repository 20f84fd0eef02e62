//! `ceasefire export-prism`: a scenario without retaliation as a DTMC in the
//! PRISM language, for PRISM and Storm.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use ceasefire::exact::prism;
use ceasefire::output::StagedDir;

use super::{Changes, load};

/// Export a scenario without retaliation as a PRISM DTMC (one step per day)
/// and a properties file asking, for every phase, the probability of
/// entering it by the last day. Their answers equal those of `exact`.
#[derive(Debug, Args)]
pub struct ExportPrismArgs {
    /// Scenario file (TOML); no party may retaliate.
    pub scenario: PathBuf,
    #[command(flatten)]
    pub changes: Changes,
    /// The model file to write (`.pm`); the properties go next to it, with
    /// the extension `.props`.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
}

pub fn export_prism(args: ExportPrismArgs) -> Result<ExitCode> {
    let loaded = load(Some(&args.scenario), &args.changes)?;
    let export = prism::export(&loaded.scenario)
        .with_context(|| format!("{}: cannot export", args.scenario.display()))?;
    let name = args
        .out
        .file_name()
        .context("--out must name a file")?
        .to_string_lossy()
        .into_owned();
    let props = args
        .out
        .with_extension("props")
        .file_name()
        .context("--out must name a file")?
        .to_string_lossy()
        .into_owned();
    if props == name {
        anyhow::bail!(
            "--out {} would be overwritten by its own properties file; give the model the extension .pm",
            args.out.display()
        );
    }
    let dir = match args.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut staged = StagedDir::create(&dir)?;
    for (file, text) in [(&name, &export.model), (&props, &export.properties)] {
        let mut f = staged.file(file)?;
        f.write_all(text.as_bytes())
            .with_context(|| format!("cannot write {file}"))?;
        f.finish()?;
    }
    staged.commit()?;
    println!(
        "wrote {} and {} ({} commands, one per phase; the model checker explores the states)",
        dir.join(&name).display(),
        dir.join(&props).display(),
        export.commands
    );
    Ok(ExitCode::SUCCESS)
}
