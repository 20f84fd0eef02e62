//! The metrics of summary.csv (and of sweeps and comparisons), each spelled
//! once: an enum with its CSV name.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A metric of summary.csv, sweep.csv and compare.csv.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// Share of runs that ever entered the phase.
    Entered,
    /// Share of runs in the phase on the last day.
    InPhaseAtEnd,
    /// Mean first-entry day among runs that entered the phase.
    EntryDayMean,
    /// 10% quantile of the first-entry day.
    EntryDayQ10,
    /// Median first-entry day.
    EntryDayQ50,
    /// 90% quantile of the first-entry day.
    EntryDayQ90,
    /// Where runs went when they first left a phase (subject `from>to`).
    FirstExit,
    /// Mean actual attacks of a party per run.
    AttacksPerRun,
    /// Mean reported violations of a bound party per run.
    ReportedPerRun,
    /// Mean convoys delivered per run.
    ConvoysDeliveredPerRun,
    /// Mean convoys blocked per run.
    ConvoysBlockedPerRun,
}

impl Metric {
    /// Every metric, in the order summary.csv lists a subject's rows.
    pub(crate) const ALL: [Metric; 11] = [
        Metric::Entered,
        Metric::InPhaseAtEnd,
        Metric::EntryDayMean,
        Metric::EntryDayQ10,
        Metric::EntryDayQ50,
        Metric::EntryDayQ90,
        Metric::FirstExit,
        Metric::AttacksPerRun,
        Metric::ReportedPerRun,
        Metric::ConvoysDeliveredPerRun,
        Metric::ConvoysBlockedPerRun,
    ];

    /// The entry-day quantiles with their probabilities.
    pub(crate) const ENTRY_DAY_QUANTILES: [(f64, Metric); 3] = [
        (0.1, Metric::EntryDayQ10),
        (0.5, Metric::EntryDayQ50),
        (0.9, Metric::EntryDayQ90),
    ];

    /// The name in CSV files and on the command line.
    #[doc(hidden)]
    pub const fn name(self) -> &'static str {
        match self {
            Metric::Entered => "entered",
            Metric::InPhaseAtEnd => "in_phase_at_end",
            Metric::EntryDayMean => "entry_day_mean",
            Metric::EntryDayQ10 => "entry_day_q10",
            Metric::EntryDayQ50 => "entry_day_q50",
            Metric::EntryDayQ90 => "entry_day_q90",
            Metric::FirstExit => "first_exit",
            Metric::AttacksPerRun => "attacks_per_run",
            Metric::ReportedPerRun => "reported_per_run",
            Metric::ConvoysDeliveredPerRun => "convoys_delivered_per_run",
            Metric::ConvoysBlockedPerRun => "convoys_blocked_per_run",
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A metric name that is not one of `Metric::ALL`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a metric (allowed: {allowed})", allowed = Metric::ALL.map(Metric::name).join(", "))]
pub struct UnknownMetric(pub String);

impl FromStr for Metric {
    type Err = UnknownMetric;

    fn from_str(s: &str) -> Result<Self, UnknownMetric> {
        Metric::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| UnknownMetric(s.to_string()))
    }
}

impl Serialize for Metric {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
