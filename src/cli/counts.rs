//! `ceasefire counts`: an ACLED export or a UCDP GED CSV, through a TOML
//! mapping, into the tidy counts file that `fit` reads. Parses options,
//! calls [`ceasefire::counts::adapters::convert`], writes and reports.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use ceasefire::counts::adapters::Source;
use ceasefire::job::CountsJob;

const EXAMPLES: &str = "EXAMPLES:
  # an ACLED export for Syria, actors mapped to parties in syria-map.toml
  ceasefire counts acled acled-syria-2016.csv --mapping syria-map.toml --out counts.csv

  # a UCDP GED extract, zero rows from 1 July to 31 October 2016
  ceasefire counts ged ged-syria.csv --mapping ged-map.toml \\
      --from 2016-07-01 --to 2016-10-31 --out counts.csv

  # the mapping file (TOML):
  #   event_types = [\"Battles\", \"Explosions/Remote violence\"]   # GED: [\"1\", \"2\"]
  #   attribute = \"first\"          # first | second | both: which side an event counts for
  #   major_fatalities = 1         # optional: adds a severity column
  #   [actors]
  #   \"Military Forces of Syria (2000-)\" = \"government\"";

/// The event data source.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SourceArg {
    /// An ACLED export (event_date, time_precision, event_type, actor1, actor2, fatalities …).
    Acled,
    /// A UCDP GED CSV (date_start, date_end, type_of_violence, side_a, side_b, best …).
    Ged,
}

/// Turn an ACLED export or a UCDP GED CSV into a tidy counts file
/// (date,party,count[,severity]) for `ceasefire fit`: keeps events of the
/// mapping's types with an exact date (ACLED time_precision 1, GED
/// date_start = date_end) and a mapped actor, writes 0 for days without
/// events, and says how many events it dropped and why.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct CountsArgs {
    /// The source's format.
    #[arg(value_enum)]
    pub source: SourceArg,
    /// The source file (CSV with the source's documented column names).
    pub input: PathBuf,
    /// TOML mapping of actor names to party ids and of event types to count.
    #[arg(long, short = 'm')]
    pub mapping: PathBuf,
    /// First day to write [default: the first counted event's date].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// Last day to write [default: the last counted event's date].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
    /// The counts file to write (`-`: standard output).
    #[arg(long, short = 'o')]
    pub out: PathBuf,
}

pub fn counts(args: CountsArgs) -> Result<ExitCode> {
    let source = match args.source {
        SourceArg::Acled => Source::Acled,
        SourceArg::Ged => Source::Ged,
    };
    let mut job = CountsJob::new(source, args.input.clone(), args.mapping.clone());
    job.range = (args.from, args.to);
    let (counts, conv) = job.run()?;
    let origin = args.input.display().to_string();
    if args.out.as_os_str() == "-" {
        counts.write_csv(&mut std::io::stdout().lock())?;
    } else {
        counts.write_file(&args.out)?;
    }
    let mut e = std::io::stderr().lock();
    writeln!(
        e,
        "{origin}: {} events read, {} counted for {} parties over {} days ({} to {})",
        conv.events,
        conv.kept,
        counts.parties.len(),
        counts.days(),
        counts.start,
        counts.end()
    )?;
    writeln!(
        e,
        "dropped: {} of other event types, {} with imprecise dates, {} without a mapped actor, {} outside the dates",
        conv.other_type, conv.imprecise, conv.unmapped, conv.outside
    )?;
    for (name, n) in conv.unmapped_actors.iter().take(10) {
        writeln!(e, "  unmapped actor: {name:?} ({n} events)")?;
    }
    if args.out.as_os_str() != "-" {
        writeln!(e, "wrote {}", args.out.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
