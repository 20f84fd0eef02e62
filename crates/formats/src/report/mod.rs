//! What results say: the CSV tables and SVG charts of every command. The
//! writers observe the engine (as a [`BatchObserver`] or [`DayObserver`]) or
//! format its tallies; the engine knows nothing of them, and where the
//! bytes go is [`crate::store`]'s business. Every column is documented in
//! docs/outputs.md.

pub mod experiment;
pub mod plot;
pub mod rows;
pub mod sensitivity;
pub mod sweep;

use std::io::Write;

pub(crate) use rows::number;

use crate::engine::{BatchObserver, DayObserver, ObserverError, RunSummary};
use crate::model::DayRecord;
use crate::scenario::Scenario;
use crate::stats::Estimates;
use crate::stats::curves::curve_rows;
use crate::stats::daily_metrics::daily_metric_rows;
use crate::stats::occupancy::occupancy_rows;
use crate::stats::summary::summary_rows;
use rows::{CurveRow, DailyRow, MetricRow, Num, SummaryRow};

pub(crate) fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().has_headers(false).from_writer(w)
}

/// The header of a table of points (sweep.csv, points.csv, design.csv):
/// `point`, one column per varied path, then `rest`.
pub(crate) fn point_header(paths: &[impl ToString], rest: &[&str]) -> Vec<String> {
    let paths = paths.iter().map(ToString::to_string);
    let rest = rest.iter().map(ToString::to_string);
    std::iter::once("point".to_string())
        .chain(paths)
        .chain(rest)
        .collect()
}

/// The columns of runs.csv for `scenario`.
pub(crate) fn runs_header(scenario: &Scenario) -> Vec<String> {
    let mut header = vec!["run".to_string(), "final_phase".to_string()];
    header.extend(
        scenario
            .phases()
            .iter()
            .map(|p| format!("entered_{}", p.id)),
    );
    header.extend(
        scenario
            .parties()
            .iter()
            .map(|p| format!("attacks_{}", p.id)),
    );
    header.extend(
        scenario
            .parties()
            .iter()
            .filter(|p| p.bound)
            .map(|p| format!("reported_{}", p.id)),
    );
    header.extend(["convoys_delivered".into(), "convoys_blocked".into()]);
    header
}

/// Writes runs.csv: one row per run, in run order, as runs complete.
#[doc(hidden)]
pub struct RunsCsv<'a, W: Write> {
    scenario: &'a Scenario,
    out: csv::Writer<W>,
    record: csv::ByteRecord,
}

impl<'a, W: Write> RunsCsv<'a, W> {
    /// Writes the header to `w`.
    #[doc(hidden)]
    pub fn new(scenario: &'a Scenario, w: W) -> csv::Result<Self> {
        let mut out = csv_writer(w);
        out.write_record(runs_header(scenario))?;
        Ok(RunsCsv {
            scenario,
            out,
            record: csv::ByteRecord::new(),
        })
    }

    /// Writes rows after those `w` already holds (header included), as when
    /// a killed batch resumes.
    #[doc(hidden)]
    pub fn append(scenario: &'a Scenario, w: W) -> Self {
        RunsCsv {
            scenario,
            out: csv_writer(w),
            record: csv::ByteRecord::new(),
        }
    }

    /// Flushes every row written so far into the underlying writer.
    #[doc(hidden)]
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// The underlying writer (flush first to see every row in it).
    #[doc(hidden)]
    pub fn get_ref(&self) -> &W {
        self.out.get_ref()
    }

    /// Flushes and returns the underlying writer.
    #[doc(hidden)]
    pub fn into_inner(self) -> Result<W, std::io::Error> {
        self.out.into_inner().map_err(|e| e.into_error())
    }

    fn write(&mut self, s: &RunSummary) -> csv::Result<()> {
        let sc = self.scenario;
        let r = &mut self.record;
        // Numbers are written by `itoa` into one stack buffer: the same digits
        // as `to_string`, without an allocation per field.
        let mut digits = itoa::Buffer::new();
        r.clear();
        r.push_field(digits.format(s.run).as_bytes());
        r.push_field(sc.phases()[s.final_phase].id.as_bytes());
        for e in &s.entered {
            match e {
                Some(d) => r.push_field(digits.format(*d).as_bytes()),
                None => r.push_field(b""),
            }
        }
        for a in &s.attacks {
            r.push_field(digits.format(*a).as_bytes());
        }
        for (p, rep) in s.reported.iter().enumerate() {
            if sc.parties()[p].bound {
                r.push_field(digits.format(*rep).as_bytes());
            }
        }
        r.push_field(digits.format(s.convoys_delivered).as_bytes());
        r.push_field(digits.format(s.convoys_blocked).as_bytes());
        self.out.write_byte_record(r)
    }
}

impl<W: Write> BatchObserver for RunsCsv<'_, W> {
    fn run(&mut self, s: &RunSummary) -> Result<(), ObserverError> {
        Ok(self.write(s)?)
    }
}

/// Writes serde rows with a header.
pub fn write_rows<T: serde::Serialize, W: Write>(rows: &[T], w: W) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    for r in rows {
        out.serialize(r)?;
    }
    out.flush()?;
    Ok(())
}

/// A CSV writer that takes its header from the row type.
fn serde_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().has_headers(true).from_writer(w)
}

/// The tables of a batch or of exact answers (daily.csv, curves.csv,
/// daily_metrics.csv, summary.csv) as rows, built once from the estimates:
/// written as CSV, drawn as charts ([`plot::Results::from_rows`]) and
/// handed to a caller from the same rows.
#[derive(Debug, Clone, PartialEq)]
#[doc(hidden)]
pub struct BatchTables {
    /// daily.csv: for every day and phase, the share of runs in it.
    #[doc(hidden)]
    pub daily: Vec<DailyRow>,
    /// curves.csv: for every phase and day, the time-to-event curve of
    /// first entry.
    #[doc(hidden)]
    pub curves: Vec<CurveRow>,
    /// daily_metrics.csv (long format; see [`daily_metric_rows`]).
    #[doc(hidden)]
    pub metrics: Vec<MetricRow>,
    /// summary.csv (see [`summary_rows`]); `runs` is empty for exact
    /// answers.
    pub(crate) summary: Vec<SummaryRow>,
}

impl BatchTables {
    /// The tables of `est`, the estimates of `scenario`.
    #[doc(hidden)]
    pub fn new(scenario: &Scenario, est: &dyn Estimates) -> Self {
        let phase = |i: usize| scenario.phases()[i].id.clone();
        let date = |day: u32| scenario.date(day).to_string();
        let daily = occupancy_rows(est)
            .into_iter()
            .map(|row| DailyRow {
                day: row.day,
                date: date(row.day),
                phase: phase(row.phase),
                share: Num(row.share.estimate),
                ci_low: Num(row.share.low),
                ci_high: Num(row.share.high),
            })
            .collect();
        let curves = curve_rows(est, scenario.phases().len())
            .into_iter()
            .map(|row| CurveRow {
                phase: phase(row.phase),
                day: row.day,
                date: date(row.day),
                at_risk: Num(row.at_risk),
                entered: Num(row.entered),
                cumulative_share: Num(row.cumulative.estimate),
                ci_low: Num(row.cumulative.low),
                ci_high: Num(row.cumulative.high),
                hazard: Num(row.hazard),
            })
            .collect();
        let metrics = daily_metric_rows(scenario, est)
            .into_iter()
            .map(|row| MetricRow {
                day: row.day,
                date: date(row.day),
                metric: row.metric.name().to_string(),
                subject: row.subject,
                mean: Num(row.value.estimate),
                ci_low: Num(row.value.low),
                ci_high: Num(row.value.high),
            })
            .collect();
        let summary = summary_rows(scenario, est)
            .into_iter()
            .map(|row| SummaryRow {
                metric: row.metric,
                subject: row.subject,
                estimate: Num(row.value.estimate),
                ci_low: Num(row.value.low),
                ci_high: Num(row.value.high),
                runs: row.runs,
            })
            .collect();
        BatchTables {
            daily,
            curves,
            metrics,
            summary,
        }
    }

    /// Writes daily.csv.
    #[doc(hidden)]
    pub fn write_daily<W: Write>(&self, w: W) -> csv::Result<()> {
        write_serde(&self.daily, w)
    }

    /// Writes curves.csv.
    #[doc(hidden)]
    pub fn write_curves<W: Write>(&self, w: W) -> csv::Result<()> {
        write_serde(&self.curves, w)
    }

    /// Writes daily_metrics.csv.
    #[doc(hidden)]
    pub fn write_metrics<W: Write>(&self, w: W) -> csv::Result<()> {
        write_serde(&self.metrics, w)
    }

    /// Writes summary.csv.
    #[doc(hidden)]
    pub fn write_summary<W: Write>(&self, w: W) -> csv::Result<()> {
        write_serde(&self.summary, w)
    }
}

/// Writes `rows` as CSV with the header of their type.
fn write_serde<T: serde::Serialize, W: Write>(rows: &[T], w: W) -> csv::Result<()> {
    let mut out = serde_writer(w);
    for row in rows {
        out.serialize(row)?;
    }
    out.flush()?;
    Ok(())
}

/// Writes the day-by-day record of one run as CSV (the `trace` command).
#[doc(hidden)]
pub struct TraceCsv<'a, W: Write> {
    scenario: &'a Scenario,
    out: csv::Writer<W>,
    error: Option<csv::Error>,
}

impl<'a, W: Write> TraceCsv<'a, W> {
    /// Writes the header to `w`.
    #[doc(hidden)]
    pub fn new(scenario: &'a Scenario, w: W) -> csv::Result<Self> {
        let mut out = csv_writer(w);
        let mut header: Vec<String> = [
            "day",
            "date",
            "phase",
            "compliant",
            "streak",
            "days_in_phase",
        ]
        .map(String::from)
        .into();
        for p in scenario.parties() {
            header.push(format!("attacks_{}", p.id));
            header.push(format!("attacks_major_{}", p.id));
        }
        for p in scenario.parties().iter().filter(|p| p.bound) {
            header.push(format!("reported_{}", p.id));
            header.push(format!("reported_major_{}", p.id));
        }
        header.extend(
            [
                "convoys_delivered",
                "convoys_blocked",
                "transition",
                "next_phase",
            ]
            .map(String::from),
        );
        out.write_record(&header)?;
        Ok(TraceCsv {
            scenario,
            out,
            error: None,
        })
    }

    /// Flushes, returning the first error met while writing.
    #[doc(hidden)]
    pub fn finish(mut self) -> csv::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(())
    }

    fn keep(&mut self, r: csv::Result<()>) {
        if let (Err(e), None) = (r, &self.error) {
            self.error = Some(e);
        }
    }
}

impl<W: Write> DayObserver for TraceCsv<'_, W> {
    fn day(&mut self, rec: &DayRecord) {
        let sc = self.scenario;
        let phase = &sc.phases()[rec.phase];
        let mut row = vec![
            rec.day.to_string(),
            sc.date(rec.day).to_string(),
            phase.id.clone(),
            rec.compliant.to_string(),
            rec.streak.to_string(),
            rec.days_in_phase.to_string(),
        ];
        for p in 0..sc.parties().len() {
            row.push(rec.attacks(p).to_string());
            row.push(rec.attacks_major[p].to_string());
        }
        for (p, _) in sc.parties().iter().enumerate().filter(|(_, p)| p.bound) {
            row.push(rec.reported(p).to_string());
            row.push(rec.reported_major[p].to_string());
        }
        row.push((rec.convoys - rec.blocked).to_string());
        row.push(rec.blocked.to_string());
        match rec.transition {
            Some(k) => {
                row.push(k.to_string());
                row.push(sc.phases()[phase.transitions[k].to].id.clone());
            }
            None => row.extend([String::new(), String::new()]),
        }
        let r = self.out.write_record(&row);
        self.keep(r);
    }

    fn absorbed(&mut self, phase: usize, from: u32) {
        let sc = self.scenario;
        let zeros =
            2 * sc.parties().len() + 2 * sc.parties().iter().filter(|p| p.bound).count() + 2;
        for day in from..sc.horizon_days() {
            let mut row = vec![
                day.to_string(),
                sc.date(day).to_string(),
                sc.phases()[phase].id.clone(),
                String::new(),
                String::new(),
                String::new(),
            ];
            row.extend(std::iter::repeat_n("0".to_string(), zeros));
            row.extend([String::new(), String::new()]);
            let r = self.out.write_record(&row);
            self.keep(r);
        }
    }
}
