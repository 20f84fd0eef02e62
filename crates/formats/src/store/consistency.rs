//! Is a shard or a checkpoint what the engine wrote? Checks of content, not
//! of bytes: runs.csv is read back strictly, its rows are added up and
//! compared with the tally that claims to summarise them, and a few runs are
//! simulated again and compared with their rows.
//!
//! A digest proves that a file was not changed since its digest was taken;
//! it cannot prove that the file was right then, nor that a shard's tally
//! belongs to its rows, nor that the rows are those of the seed its manifest
//! names. Because every run depends only on the scenario and `(seed, run)`,
//! a small deterministic sample of runs (the first, the last and a few in
//! between) is enough to tie the rows to the scenario and seed; and because
//! the tally is exact integers, the rows must add up to it exactly.

use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::Range;

use crate::engine::{Batch, RowTotals, RunSummary, Tally};
use crate::input::{LineLimit, MAX_LINE_BYTES};
use crate::report::{RunsCsv, runs_header};
use crate::scenario::Scenario;

/// Runs re-simulated from a range of runs: the first, the last and three
/// evenly spaced between (fewer for a short range), in order.
pub(crate) fn sample_runs(runs: Range<u64>) -> Vec<u64> {
    if runs.is_empty() {
        return Vec::new();
    }
    let last = runs.end - 1 - runs.start;
    let mut sample: Vec<u64> = (0..=4u64)
        .map(|k| runs.start + (u128::from(last) * u128::from(k) / 4) as u64)
        .collect();
    sample.dedup();
    sample
}

/// What a strict reading of runs.csv found: the sums of its rows, and the
/// rows of the sampled runs.
#[derive(Debug)]
pub(crate) struct RowsRead {
    /// The per-run counters summed over every row.
    pub(crate) totals: RowTotals,
    /// The rows of the sampled runs, as (run, fields).
    pub(crate) sample: Vec<(u64, csv::StringRecord)>,
}

/// Reads the runs.csv opened as `file` (only its first `len` bytes, if given: the
/// durable part of a checkpointed batch's) strictly: the header of
/// `scenario`'s runs.csv, then one row per run of `runs`, in order (every
/// run of `runs`, no more), each with exactly the header's columns, a known phase
/// name, entry days within the horizon and whole counts. Adds every row up
/// and keeps the rows of the runs in `sample`. The error names the line
/// (the header is line 1) and what is wrong with it. No line longer than
/// [`MAX_LINE_BYTES`] is buffered: a file of one endless line is refused
/// after reading that much.
pub(crate) fn read_runs_csv(
    file: File,
    scenario: &Scenario,
    runs: Range<u64>,
    len: Option<u64>,
    sample: &[u64],
) -> Result<RowsRead, String> {
    let input = BufReader::new(file).take(len.unwrap_or(u64::MAX));
    let input = LineLimit::new(input, MAX_LINE_BYTES, "runs.csv");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let header = runs_header(scenario);
    let mut record = csv::StringRecord::new();
    let mut line: u64 = 1;
    let more = reader
        .read_record(&mut record)
        .map_err(|e| format!("line {line}: {e}"))?;
    if !more || record.iter().ne(header.iter().map(String::as_str)) {
        return Err(format!(
            "line 1: the header is not that of the scenario's runs.csv ({})",
            header.join(",")
        ));
    }
    let mut totals = RowTotals::new(scenario);
    let mut kept = Vec::new();
    let mut expected = runs.start;
    loop {
        line += 1;
        if !reader
            .read_record(&mut record)
            .map_err(|e| format!("line {line}: {e}"))?
        {
            break;
        }
        let at = |reason: String| format!("line {line} (run {expected}): {reason}");
        if expected >= runs.end {
            return Err(at(format!(
                "a row beyond the last run, {} (the file holds runs {}..{})",
                runs.end - 1,
                runs.start,
                runs.end
            )));
        }
        let s = parse_row(&record, scenario, expected, &header).map_err(at)?;
        totals.add(&s).map_err(|e| at(e.to_string()))?;
        if sample.contains(&expected) {
            kept.push((expected, record.clone()));
        }
        expected += 1;
    }
    if expected != runs.end {
        return Err(format!(
            "it ends at run {expected}, but it should hold runs {}..{}",
            runs.start, runs.end
        ));
    }
    Ok(RowsRead {
        totals,
        sample: kept,
    })
}

/// One row of runs.csv as the summary of run `run`.
fn parse_row(
    record: &csv::StringRecord,
    sc: &Scenario,
    run: u64,
    header: &[String],
) -> Result<RunSummary, String> {
    if record.len() != header.len() {
        return Err(format!(
            "{} columns, but runs.csv has {} ({})",
            record.len(),
            header.len(),
            header.join(",")
        ));
    }
    let mut fields = record.iter().zip(header);
    let mut next = || fields.next().expect("as many fields as columns");
    let count = |(v, col): (&str, &String)| {
        v.parse::<u64>().map_err(|_| {
            format!("column {col} holds '{v}' (allowed: a whole number from 0 to 2^64 - 1)")
        })
    };
    let (v, col) = next();
    if v != run.to_string() {
        return Err(format!(
            "column {col} holds '{v}', but the runs are numbered in order and this row is run {run}"
        ));
    }
    let phase = |v: &str, col: &str| {
        sc.phases().iter().position(|p| p.id == v).ok_or_else(|| {
            let ids: Vec<&str> = sc.phases().iter().map(|p| p.id.as_str()).collect();
            format!(
                "column {col} holds '{v}', which is not a phase of the scenario (allowed: {})",
                ids.join(", ")
            )
        })
    };
    let (v, col) = next();
    let final_phase = phase(v, col)?;
    let horizon = sc.horizon_days();
    let mut entered = Vec::with_capacity(sc.phases().len());
    for _ in sc.phases() {
        let (v, col) = next();
        entered.push(match v {
            "" => None,
            v => match v.parse::<u32>() {
                Ok(d) if d < horizon => Some(d),
                _ => {
                    return Err(format!(
                        "column {col} holds '{v}' (allowed: empty, or a day from 0 to {})",
                        horizon - 1
                    ));
                }
            },
        });
    }
    let n = sc.parties().len();
    let mut attacks = Vec::with_capacity(n);
    for _ in 0..n {
        attacks.push(count(next())?);
    }
    let mut reported = vec![0; n];
    for (p, party) in sc.parties().iter().enumerate() {
        if party.bound {
            reported[p] = count(next())?;
        }
    }
    let convoys_delivered = count(next())?;
    let convoys_blocked = count(next())?;
    Ok(RunSummary {
        run,
        final_phase,
        entered,
        first_move: None,
        first_exit: vec![None; sc.phases().len()],
        attacks,
        reported,
        convoys_delivered,
        convoys_blocked,
    })
}

/// Simulates every run of `sample` again under `batch` (the scenario and
/// seed the rows claim) and compares it with its row. The error names the
/// first run and column that differ.
pub(crate) fn check_sample(
    batch: &Batch,
    sample: &[(u64, csv::StringRecord)],
) -> Result<(), String> {
    let sc = batch.scenario();
    let header = runs_header(sc);
    let mut ws = batch.workspace();
    for (run, row) in sample {
        let s = ws
            .run(*run, &mut ())
            .map_err(|e| format!("run {run} cannot be simulated again: {e}"))?;
        let mut writer = RunsCsv::append(sc, Vec::new());
        let bytes = crate::engine::BatchObserver::run(&mut writer, &s)
            .and_then(|()| Ok(writer.into_inner()?))
            .map_err(|e| format!("run {run} cannot be formatted: {e}"))?;
        let mut again = csv::StringRecord::new();
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice())
            .read_record(&mut again)
            .map_err(|e| format!("run {run} cannot be formatted: {e}"))?;
        let differ = row
            .iter()
            .zip(again.iter())
            .zip(&header)
            .find(|((a, b), _)| a != b);
        if let Some(((found, simulated), col)) = differ {
            return Err(format!(
                "run {run} is not what the scenario and seed {} give: its column {col} holds '{found}', but simulating run {run} again gives '{simulated}' (rows of another seed, scenario or run, or edited)",
                batch.seed()
            ));
        }
    }
    Ok(())
}

/// The tally of the runs `sample` alone, simulated again under `batch`.
pub(crate) fn sample_tally(batch: &Batch, sample: &[u64]) -> Result<Tally, String> {
    let mut tally = Tally::new(batch.scenario());
    for &run in sample {
        let one = batch
            .run(run..run + 1)
            .map_err(|e| format!("run {run} cannot be simulated again: {e}"))?;
        tally
            .merge(&one)
            .map_err(|e| format!("runs {sample:?} cannot be added up: {e}"))?;
    }
    Ok(tally)
}

/// The checks of a tally that claims to summarise the runs `runs` of a
/// scenario and seed (`batch`), and of the runs.csv rows it summarises, if
/// any: the tally is coherent, equals the sum of the rows, and the sampled
/// rows are what `batch` simulates. Without rows (a sweep's point), the
/// sampled runs, simulated again, must fit inside the tally. The tally must
/// already fit the scenario ([`Tally::check_fits`]). Errors say what is
/// wrong in words; the caller names the file.
#[derive(Debug, Clone)]
pub(crate) struct Verify<'a> {
    /// The scenario and seed the tally and rows claim.
    pub(crate) batch: &'a Batch<'a>,
    /// The runs they claim to hold.
    pub(crate) runs: Range<u64>,
}

/// Where a check failed: in the tally or in the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failed {
    /// The tally is wrong (or does not match the rows).
    Tally(String),
    /// The rows are wrong (unreadable, or not what the seed gives).
    Rows(String),
}

impl Verify<'_> {
    /// Checks `tally` alone, then against the rows of runs.csv opened as
    /// `file` (its first `len` bytes, if given).
    pub(crate) fn tally_and_rows(
        &self,
        tally: &Tally,
        file: File,
        len: Option<u64>,
    ) -> Result<(), Failed> {
        let sc = self.batch.scenario();
        tally
            .check_coherent(sc)
            .map_err(|e| Failed::Tally(format!("the tally is not one a batch can write: {e}")))?;
        let sample = sample_runs(self.runs.clone());
        let rows =
            read_runs_csv(file, sc, self.runs.clone(), len, &sample).map_err(Failed::Rows)?;
        tally.check_rows(sc, &rows.totals).map_err(|e| {
            Failed::Tally(format!(
                "the tally does not add up to the rows of runs.csv: {e}"
            ))
        })?;
        check_sample(self.batch, &rows.sample).map_err(Failed::Rows)
    }

    /// Checks `tally` alone, and that the sampled runs, simulated again,
    /// fit inside it (exactly equal to it when the sample is every run).
    pub(crate) fn tally_alone(&self, tally: &Tally) -> Result<(), Failed> {
        let sc = self.batch.scenario();
        tally
            .check_coherent(sc)
            .map_err(|e| Failed::Tally(format!("the tally is not one a batch can write: {e}")))?;
        let sample = sample_runs(self.runs.clone());
        let part = sample_tally(self.batch, &sample).map_err(Failed::Tally)?;
        let whole = sample.len() as u64 == self.runs.end - self.runs.start;
        if whole && part != *tally {
            return Err(Failed::Tally(format!(
                "it is not the tally of runs {}..{} of this scenario and seed {} (simulating them again gives another)",
                self.runs.start,
                self.runs.end,
                self.batch.seed()
            )));
        }
        tally.check_contains(sc, &part).map_err(|e| {
            Failed::Tally(format!(
                "it cannot hold runs {:?} of this scenario and seed {}: {e}",
                sample,
                self.batch.seed()
            ))
        })
    }
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failed::Tally(s) | Failed::Rows(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_first_last_and_between() {
        assert_eq!(sample_runs(10..20), vec![10, 12, 14, 16, 19]);
        assert_eq!(sample_runs(5..7), vec![5, 6]);
        assert_eq!(sample_runs(3..4), vec![3]);
        assert!(sample_runs(3..3).is_empty());
        let far = sample_runs(0..u64::MAX);
        assert_eq!((far[0], far[4]), (0, u64::MAX - 1));
    }
}
