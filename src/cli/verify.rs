//! `ceasefire verify`: a results directory checked against its manifest.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

const EXAMPLES: &str = "EXAMPLES:
  ceasefire verify results/geneva-2016
  ceasefire verify shards/shard-*-of-16    # several directories";

/// Check results directories against their manifest.json: every file it
/// lists must be there with the SHA-256 it records, and no other file may
/// sit beside them (hidden files and subdirectories aside). Names each file
/// that differs, is missing or is not listed; exits non-zero on any.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct VerifyArgs {
    /// Results directories (written by run, sweep, merge, exact, compare,
    /// sensitivity, discover or fit).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
}

pub fn verify(args: VerifyArgs) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    let mut ok = true;
    for dir in &args.dirs {
        let v = ceasefire::store::verify(dir)?;
        if v.is_ok() {
            writeln!(
                stdout,
                "{}: ok ({} files match manifest.json)",
                dir.display(),
                v.matching.len()
            )?;
            continue;
        }
        ok = false;
        for line in v.problems() {
            writeln!(stdout, "{}: {line}", dir.display())?;
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
