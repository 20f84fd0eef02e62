//! `ceasefire schema`: the scenario file's keys as a JSON Schema (for
//! editors) or as the Markdown key table of docs/model.md.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use ceasefire::scenario::schema;

const EXAMPLES: &str = "EXAMPLES:
  # For editors (taplo, Even Better TOML): see docs/model.md
  ceasefire schema > scenario.schema.json
  # Every key, its type, range, default and meaning
  ceasefire schema --markdown";

/// Print the JSON Schema of scenario files (every key, its type, range,
/// default and meaning), generated from the types that read them.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct SchemaArgs {
    /// Print the key table of docs/model.md (Markdown) instead.
    #[arg(long)]
    pub markdown: bool,
}

pub fn schema(args: SchemaArgs) -> Result<ExitCode> {
    if args.markdown {
        print!("{}", schema::key_table());
    } else {
        println!("{}", serde_json::to_string_pretty(&schema::json_schema())?);
    }
    Ok(ExitCode::SUCCESS)
}
