//! SVG charts of a results directory: phase occupancy, time to first entry
//! and violence by party, for a reader who wants the picture before the
//! numbers.
//!
//! Charts are drawn from the rows of the tables `run` writes (daily.csv,
//! curves.csv, daily_metrics.csv): `run --plots` from its rows in memory,
//! `ceasefire plot DIR` from the same rows read back, so that both draw the
//! same picture (every number is written as digits that read back to the
//! same value). Drawing uses plotters' SVG backend only: no system fonts
//! or libraries; text is left to the viewer's sans-serif font.

mod charts;
mod palette;
mod study;
mod sweep;

use std::collections::BTreeMap;
use std::io::Read;

use chrono::NaiveDate;
use serde::Deserialize;

#[doc(hidden)]
pub use charts::draw;
#[cfg(feature = "fit")]
#[doc(hidden)]
pub use charts::{BAND_OPACITY, FONT, GRID, MUTED, house_style};
#[cfg(feature = "fit")]
#[doc(hidden)]
pub use palette::colour;
#[doc(hidden)]
pub use study::{draw_indices, draw_tradeoff, indices_chart_name};
pub use sweep::SweepResults;
#[doc(hidden)]
pub use sweep::draw_sweep;

use super::rows::{CurveRow, DailyRow, MetricRow};
use crate::engine::DayMetric;
use crate::layout::CHART_INPUTS;
use crate::layout::ResultFile;

/// Why charts could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// An input file does not exist.
    #[error("{path}: missing; a results directory needs {} and {} (a batch of runs written to a directory has them)", CHART_INPUTS.map(ResultFile::name).join(", "), ResultFile::Manifest)]
    Missing {
        /// The file.
        path: String,
    },
    /// An input file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// An input file is not what `run` writes.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// plotters failed to draw a chart.
    #[error("{chart}: cannot draw: {message}")]
    Draw {
        /// The chart's file name.
        chart: &'static str,
        /// What went wrong.
        message: String,
    },
}

/// A day-indexed series with an interval: `(day, estimate, low, high)`.
pub(crate) type Band = Vec<(u32, f64, f64, f64)>;

/// What the charts show, read from a results directory.
#[derive(Debug, Clone, PartialEq)]
#[doc(hidden)]
pub struct Results {
    /// Scenario name, for titles.
    #[doc(hidden)]
    pub name: String,
    /// Calendar date of day 0.
    pub(crate) start_date: NaiveDate,
    /// Last day of the horizon.
    pub(crate) last_day: u32,
    /// Number of runs.
    pub(crate) runs: u64,
    /// Whether the files hold exact answers (`ceasefire exact`) rather
    /// than estimates from runs: the charts then say so.
    #[doc(hidden)]
    pub exact: bool,
    /// Phase ids in file order.
    pub(crate) phases: Vec<String>,
    /// `occupancy[φ]`: (day, share of runs in phase φ), day by day.
    pub(crate) occupancy: Vec<Vec<(u32, f64)>>,
    /// `entry[φ]`: the cumulative share of runs that entered φ.
    pub(crate) entry: Vec<Band>,
    /// Mean attacks per day, per party (party id, band).
    pub(crate) attacks: Vec<(String, Band)>,
}

fn invalid(path: &str, message: impl Into<String>) -> PlotError {
    PlotError::Invalid {
        path: path.to_string(),
        message: message.into(),
    }
}

/// Parses every row of a CSV file with a header.
fn rows<T: for<'de> Deserialize<'de>>(path: &str, r: impl Read) -> Result<Vec<T>, PlotError> {
    let rows = csv::Reader::from_reader(r)
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| invalid(path, format!("not a file written by a batch of runs: {e}")))?;
    if rows.is_empty() {
        return Err(invalid(path, "has a header but no rows"));
    }
    Ok(rows)
}

/// The calendar date of day 0, from the first row of daily.csv (`file`).
fn start_date(file: &str, daily: &[DailyRow]) -> Result<NaiveDate, PlotError> {
    let first = daily
        .first()
        .ok_or_else(|| invalid(file, "has a header but no rows"))?;
    first
        .date
        .parse::<NaiveDate>()
        .ok()
        .and_then(|d| d.checked_sub_days(chrono::Days::new(u64::from(first.day))))
        .ok_or_else(|| {
            let (date, day) = (&first.date, first.day);
            invalid(
                file,
                format!("date '{date}' of day {day} is not a possible calendar date"),
            )
        })
}

/// Position of `id` in `ids`, appending it if new.
fn index_of(ids: &mut Vec<String>, id: &str) -> usize {
    ids.iter().position(|p| p == id).unwrap_or_else(|| {
        ids.push(id.to_string());
        ids.len() - 1
    })
}

impl Results {
    /// Reads the three CSV files, each given with the name to use in errors.
    #[doc(hidden)]
    pub fn from_csv(
        name: &str,
        daily: (&str, impl Read),
        curves: (&str, impl Read),
        metrics: (&str, impl Read),
    ) -> Result<Self, PlotError> {
        let daily_rows: Vec<DailyRow> = rows(daily.0, daily.1)?;
        // Said before the other files are read, as a reader of the files
        // in order would.
        start_date(daily.0, &daily_rows)?;
        let curve_rows: Vec<CurveRow> = rows(curves.0, curves.1)?;
        let metric_rows: Vec<MetricRow> = rows(metrics.0, metrics.1)?;
        Results::from_rows(
            name,
            (daily.0, &daily_rows),
            (curves.0, &curve_rows),
            (metrics.0, &metric_rows),
        )
    }

    /// The charts' data from the rows of daily.csv, curves.csv and
    /// daily_metrics.csv (a batch's own, in memory, or read back from a
    /// directory), each given with the file's name to use in errors.
    #[doc(hidden)]
    pub fn from_rows(
        name: &str,
        daily: (&str, &[DailyRow]),
        curves: (&str, &[CurveRow]),
        metrics: (&str, &[MetricRow]),
    ) -> Result<Self, PlotError> {
        let daily_rows = daily.1;
        for (file, empty) in [
            (curves.0, curves.1.is_empty()),
            (metrics.0, metrics.1.is_empty()),
        ] {
            if empty {
                return Err(invalid(file, "has a header but no rows"));
            }
        }
        let start_date = start_date(daily.0, daily_rows)?;
        let mut phases = Vec::new();
        let mut occupancy: Vec<Vec<(u32, f64)>> = Vec::new();
        let mut last_day = 0;
        for row in daily_rows {
            let i = index_of(&mut phases, &row.phase);
            occupancy.resize_with(phases.len(), Vec::new);
            occupancy[i].push((row.day, row.share.value().unwrap_or(0.0)));
            last_day = last_day.max(row.day);
        }

        let mut entry: Vec<Band> = vec![Vec::new(); phases.len()];
        let mut runs = 0;
        for row in curves.1 {
            let i = phases.iter().position(|p| *p == row.phase).ok_or_else(|| {
                invalid(
                    curves.0,
                    format!("phase '{}' is not in {}", row.phase, daily.0),
                )
            })?;
            if row.day == 0 {
                // A count of runs (a probability, 1, for exact answers).
                runs = runs.max(row.at_risk.value().unwrap_or(0.0) as u64);
            }
            let (e, l, h) = (row.cumulative_share, row.ci_low, row.ci_high);
            if let (Some(e), Some(l), Some(h)) = (e.value(), l.value(), h.value()) {
                entry[i].push((row.day, e, l, h));
            }
        }

        let mut parties = Vec::new();
        let mut attacks: Vec<Band> = Vec::new();
        for row in metrics.1.iter().filter(|r| r.is(DayMetric::Attacks(0))) {
            let i = index_of(&mut parties, &row.subject);
            attacks.resize_with(parties.len(), Vec::new);
            if let Some(m) = row.mean.value() {
                attacks[i].push((
                    row.day,
                    m,
                    row.ci_low.value().unwrap_or(m),
                    row.ci_high.value().unwrap_or(m),
                ));
            }
        }
        if parties.is_empty() {
            return Err(invalid(metrics.0, "has no `attacks` rows"));
        }
        for series in occupancy.iter_mut() {
            series.sort_by_key(|p| p.0);
        }
        for series in entry.iter_mut().chain(attacks.iter_mut()) {
            series.sort_by_key(|p| p.0);
        }
        Ok(Results {
            name: name.to_string(),
            start_date,
            last_day,
            runs,
            exact: false,
            phases,
            occupancy,
            entry,
            attacks: parties.into_iter().zip(attacks).collect(),
        })
    }

    /// Calendar date of day `day` (saturating at the end of the calendar).
    pub(crate) fn date(&self, day: u32) -> NaiveDate {
        self.start_date
            .checked_add_days(chrono::Days::new(u64::from(day)))
            .unwrap_or(NaiveDate::MAX)
    }

    /// `occupancy` as a table: for every day, the share of each phase.
    fn occupancy_by_day(&self) -> BTreeMap<u32, Vec<f64>> {
        let mut table: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
        for (i, series) in self.occupancy.iter().enumerate() {
            for &(day, share) in series {
                table
                    .entry(day)
                    .or_insert_with(|| vec![0.0; self.phases.len()])[i] = share;
            }
        }
        table
    }
}

/// The scenario name recorded in manifest.json.
#[doc(hidden)]
pub fn scenario_name(path: &str, r: impl Read) -> Result<String, PlotError> {
    scenario_name_and_method(path, r).map(|(name, _)| name)
}

/// The scenario name and the method recorded in manifest.json.
#[doc(hidden)]
pub fn scenario_name_and_method(path: &str, r: impl Read) -> Result<(String, String), PlotError> {
    #[derive(Deserialize)]
    struct Manifest {
        #[doc(hidden)]
        pub scenario: Scenario,
        #[serde(default)]
        #[doc(hidden)]
        pub method: String,
    }
    #[derive(Deserialize)]
    struct Scenario {
        name: String,
    }
    let m: Manifest = serde_json::from_reader(r).map_err(|e| {
        invalid(
            path,
            format!("not a manifest written by a batch of runs: {e}"),
        )
    })?;
    Ok((m.scenario.name, m.method))
}
