//! How long a batch will take and how much it will write, measured on a
//! short calibration slice before the batch starts, so that a request of
//! days or terabytes is said (and refused without `--force`) before any of
//! it is spent.
//!
//! The slice simulates a few hundred runs (fewer for long horizons: at most
//! [`CALIBRATION_RUN_DAYS`] simulated days) of the scenario under another
//! seed, on one thread, and scales the time by the runs and the worker
//! threads. The output size is that of runs.csv (from the slice's mean
//! totals, digit by digit) plus the daily tables. Both are estimates: the
//! time on a shared machine varies, and the refusal thresholds
//! ([`MAX_ESTIMATED_SECONDS`], [`MAX_ESTIMATED_OUTPUT_BYTES`]) are far from
//! any sensible request.

use std::time::Instant;

use crate::engine::Batch;
use crate::options::Opt;
use crate::scenario::Scenario;
use crate::scenario::limits::{MAX_ESTIMATED_OUTPUT_BYTES, MAX_ESTIMATED_SECONDS};

/// Largest number of runs of the calibration slice.
pub(crate) const CALIBRATION_RUNS: u64 = 200;

/// Largest number of simulated days of the calibration slice.
pub(crate) const CALIBRATION_RUN_DAYS: u64 = 200_000;

/// The seed of the calibration slice (its runs are thrown away).
const CALIBRATION_SEED: u64 = 0x0ca1_1b2a_7e00;

/// What a batch will cost, as measured on a calibration slice.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct CostEstimate {
    /// Runs of the batch.
    pub(crate) runs: u64,
    /// Worker threads assumed.
    pub(crate) threads: usize,
    /// Runs of the calibration slice.
    pub(crate) calibration_runs: u64,
    /// Estimated wall-clock seconds of the batch.
    pub(crate) seconds: f64,
    /// Estimated bytes of the files written.
    pub(crate) output_bytes: f64,
    /// Whether `runs` is only a ceiling (`--max-runs` of a batch run to a
    /// precision, which usually stops far sooner).
    pub(crate) at_most: bool,
}

impl CostEstimate {
    /// Measures a slice of `scenario` and scales it to `runs` runs on
    /// `threads` worker threads.
    pub fn measure(scenario: &Scenario, runs: u64, threads: usize) -> CostEstimate {
        let horizon = u64::from(scenario.horizon_days()).max(1);
        let slice = runs
            .min(CALIBRATION_RUNS)
            .min((CALIBRATION_RUN_DAYS / horizon).max(1));
        let batch = Batch::new(scenario, CALIBRATION_SEED);
        let mut ws = batch.workspace();
        let started = Instant::now();
        // Per-run totals, for the width of runs.csv's rows.
        let mut row_bytes = 0.0;
        let mut simulated = 0;
        for run in 0..slice {
            match ws.run(run, &mut ()) {
                Ok(s) => {
                    simulated += 1;
                    let numbers = s
                        .attacks
                        .iter()
                        .chain(&s.reported)
                        .chain([&s.convoys_delivered, &s.convoys_blocked])
                        .map(|&x| digits(x) + 1)
                        .sum::<usize>();
                    let entered = s
                        .entered
                        .iter()
                        .map(|d| d.map_or(0, |d| digits(u64::from(d))) + 1)
                        .sum::<usize>();
                    let phase = scenario.phases()[s.final_phase].id.len() + 1;
                    row_bytes += (digits(run) + 1 + phase + entered + numbers) as f64;
                }
                // A run that stops stops the batch too: it says why itself.
                Err(_) => break,
            }
        }
        let per_run = started.elapsed().as_secs_f64() / simulated.max(1) as f64;
        let threads = threads.max(1);
        let row = row_bytes / simulated.max(1) as f64 + (digits(runs) as f64 - 3.0).max(0.0);
        // daily.csv, curves.csv and daily_metrics.csv: a row of some 60
        // bytes per day and phase or metric.
        let cells = (scenario.phases().len() + 2 * scenario.parties().len() + 3) as f64;
        let daily = 3.0 * 60.0 * horizon as f64 * cells;
        CostEstimate {
            runs,
            threads,
            calibration_runs: simulated,
            seconds: per_run * runs as f64 / threads as f64,
            output_bytes: row * runs as f64 + daily,
            at_most: false,
        }
    }

    /// Whether the batch is beyond what runs without `--force`.
    pub fn is_absurd(&self) -> bool {
        self.seconds > MAX_ESTIMATED_SECONDS || self.output_bytes > MAX_ESTIMATED_OUTPUT_BYTES
    }

    /// Why the batch is refused, and what to change.
    pub fn refusal(&self) -> String {
        format!(
            "{self}, beyond the limits of {} and {} (see docs/model.md, Limits): lower {} or the scenario's horizon_days, or pass {} to run it anyway",
            duration(MAX_ESTIMATED_SECONDS),
            bytes(MAX_ESTIMATED_OUTPUT_BYTES),
            Opt::Runs,
            Opt::Force
        )
    }
}

impl std::fmt::Display for CostEstimate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "estimate from {} calibration runs: {}{} runs take about {} on {} thread{} and write about {}",
            self.calibration_runs,
            if self.at_most { "at most " } else { "" },
            self.runs,
            duration(self.seconds),
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            bytes(self.output_bytes)
        )
    }
}

/// Decimal digits of `x`.
fn digits(x: u64) -> usize {
    x.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Seconds in words: "3.2 s", "4.0 min", "2.5 h", "12.0 days".
fn duration(s: f64) -> String {
    if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 86_400.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} days", s / 86_400.0)
    }
}

/// Bytes in words: "12 kB", "3.4 MB", "50.0 GB".
fn bytes(b: f64) -> String {
    if b < 1e6 {
        format!("{:.0} kB", b / 1e3)
    } else if b < 1e9 {
        format!("{:.1} MB", b / 1e6)
    } else if b < 1e12 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.1} TB", b / 1e12)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_as_words() {
        assert_eq!(digits(0), 1);
        assert_eq!(digits(9), 1);
        assert_eq!(digits(10), 2);
        assert_eq!(digits(u64::MAX), 20);
        assert_eq!(duration(3.25), "3.2 s");
        assert_eq!(duration(7.0 * 86_400.0), "7.0 days");
        assert_eq!(bytes(50e9), "50.0 GB");
    }

    #[test]
    fn a_bigger_batch_is_estimated_bigger() {
        let sc = Scenario::from_toml(crate::builtin::GENEVA_2016, "geneva-2016.toml").unwrap();
        let small = CostEstimate::measure(&sc, 1_000, 1);
        let big = CostEstimate::measure(&sc, 1_000_000_000, 1);
        assert!(big.output_bytes > 100.0 * small.output_bytes);
        assert!(!small.is_absurd());
        // A billion runs of 60 days write tens of gigabytes of runs.csv.
        assert!(big.output_bytes > 10e9, "{big}");
    }
}
