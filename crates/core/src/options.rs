//! The options a user gives a job, as messages name them.
//!
//! Many library messages tell the user what to change: "pass `force` to
//! run it anyway", "`max_loss` 2 is out of range". Each front end names
//! options in its own words (the command line says `--force`, a Python
//! call `force=`), so the library names an option by its [`Opt`], never by
//! a flag, and a front end that wants its own words gives them once with
//! [`name_options_with`]. Without that, an option is its field name in
//! backquotes, as the jobs' structs and the Python keywords spell it.
//!
//! The naming only changes how a message reads: errors stay typed, and no
//! result depends on it.

use std::fmt;
use std::sync::OnceLock;

/// The master seed when none is given (the date the Geneva truce began,
/// 12 September 2016); the command line prints it with every result.
pub const DEFAULT_SEED: u64 = 20_160_912;

/// An option of a job that a message may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Opt {
    /// The output directory or file.
    Out,
    /// Continue from the checkpoint of an interrupted job.
    Resume,
    /// Write into a directory ceasefire did not write, or run past the
    /// limits.
    Force,
    /// Make every warning an error.
    Strict,
    /// Worker threads.
    Threads,
    /// Number of runs.
    Runs,
    /// The largest number of runs of a batch to a precision.
    MaxRuns,
    /// Changes to the scenario (`PATH=VALUE`).
    Set,
    /// The seed.
    Seed,
    /// A shard of a batch (`K/N`).
    Shard,
    /// A range of a sweep (`PATH=LO:HI:STEPS`).
    Vary,
    /// A sweep's design (a grid, a sample or a file).
    Design,
    /// Points of a sampled sweep design.
    Points,
    /// Base samples of a sensitivity study.
    Samples,
    /// Bootstrap resamples of a sensitivity study.
    Resamples,
    /// The largest state count of the exact chain.
    MaxStates,
    /// The largest probability mass the exact solution may lose.
    MaxLoss,
    /// A period of counts to fit.
    Period,
    /// The fit's reference period.
    Reference,
    /// Days of counts before the first period.
    BurnIn,
    /// Retaliation links to fit.
    Retaliation,
    /// The first day of a counts file.
    From,
    /// The last day of a counts file.
    To,
}

impl Opt {
    /// Every option, in the order declared.
    pub const ALL: [Opt; 23] = [
        Opt::Out,
        Opt::Resume,
        Opt::Force,
        Opt::Strict,
        Opt::Threads,
        Opt::Runs,
        Opt::MaxRuns,
        Opt::Set,
        Opt::Seed,
        Opt::Shard,
        Opt::Vary,
        Opt::Design,
        Opt::Points,
        Opt::Samples,
        Opt::Resamples,
        Opt::MaxStates,
        Opt::MaxLoss,
        Opt::Period,
        Opt::Reference,
        Opt::BurnIn,
        Opt::Retaliation,
        Opt::From,
        Opt::To,
    ];

    /// The option's name: the field of the job that holds it, and the
    /// keyword of the Python package (`max_loss`).
    pub fn name(self) -> &'static str {
        match self {
            Opt::Out => "out",
            Opt::Resume => "resume",
            Opt::Force => "force",
            Opt::Strict => "strict",
            Opt::Threads => "threads",
            Opt::Runs => "runs",
            Opt::MaxRuns => "max_runs",
            Opt::Set => "set",
            Opt::Seed => "seed",
            Opt::Shard => "shard",
            Opt::Vary => "vary",
            Opt::Design => "design",
            Opt::Points => "points",
            Opt::Samples => "samples",
            Opt::Resamples => "resamples",
            Opt::MaxStates => "max_states",
            Opt::MaxLoss => "max_loss",
            Opt::Period => "period",
            Opt::Reference => "reference",
            Opt::BurnIn => "burn_in",
            Opt::Retaliation => "retaliation",
            Opt::From => "from",
            Opt::To => "to",
        }
    }
}

/// How the front end names options, once given.
static NAMING: OnceLock<fn(Opt) -> String> = OnceLock::new();

/// Names every option in messages with `naming` from now on (the command
/// line gives `--max-loss` for [`Opt::MaxLoss`]). The first call wins, so
/// a program has one vocabulary; it returns whether this call was it.
///
/// ```
/// use ceasefire_core::options::{Opt, name_options_with};
///
/// name_options_with(|o| format!("--{}", o.name().replace('_', "-")));
/// assert_eq!(Opt::MaxLoss.to_string(), "--max-loss");
/// ```
pub fn name_options_with(naming: fn(Opt) -> String) -> bool {
    NAMING.set(naming).is_ok()
}

impl fmt::Display for Opt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match NAMING.get() {
            Some(naming) => f.write_str(&naming(*self)),
            None => write!(f, "`{}`", self.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_their_field_names_in_backquotes_unless_named_otherwise() {
        // The library's unit tests never name options otherwise.
        assert_eq!(Opt::MaxLoss.to_string(), "`max_loss`");
        assert_eq!(format!("pass {} to", Opt::Force), "pass `force` to");
    }

    #[test]
    fn every_option_is_listed_once_with_its_own_name() {
        let names: std::collections::BTreeSet<&str> = Opt::ALL.iter().map(|o| o.name()).collect();
        assert_eq!(names.len(), Opt::ALL.len());
        for o in Opt::ALL {
            // The name is the snake_case of the variant.
            let snake: String = format!("{o:?}")
                .chars()
                .enumerate()
                .flat_map(|(i, c)| match c.is_uppercase() && i > 0 {
                    true => vec!['_', c.to_ascii_lowercase()],
                    false => vec![c.to_ascii_lowercase()],
                })
                .collect();
            assert_eq!(o.name(), snake);
        }
    }
}
