//! Paired comparisons: two scenarios run on the same run seeds, so that run
//! `i` of each draws from the same per-purpose streams (common random
//! numbers). The difference of each metric is estimated from the per-run
//! differences, whose variance is usually far smaller than that of two
//! independent batches.

use super::Batch;
use crate::engine::{
    BLOCK_RUNS, BatchError, BatchObserver, ObserverError, RunSummary, Sums, Tally,
};
use crate::numeric::t_quantile;
use crate::report::experiment::ComparisonRow;
use crate::scenario::Scenario;
use crate::stats::{Estimate, mean, mean_of, variance};

/// One metric compared between scenario A and scenario B.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedMetric {
    /// The metric (`entered`, `in_phase_at_end`, `attacks_per_run`, …).
    pub metric: &'static str,
    /// The phase or party (`all` for convoys).
    pub subject: String,
    /// Mean under A.
    pub a: Estimate,
    /// Mean under B.
    pub b: Estimate,
    /// B − A, with the t interval of the paired per-run differences.
    pub difference: Estimate,
    /// B − A, with the interval two independent batches of the same size
    /// would have given.
    pub(crate) independent: Estimate,
}

impl PairedMetric {
    /// How many times narrower the paired interval is than the independent
    /// one (∞ when the paired interval has zero width).
    pub fn narrowing(&self) -> f64 {
        (self.independent.high - self.independent.low)
            / (self.difference.high - self.difference.low)
    }
}

/// The result of [`compare`].
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Runs on each side.
    pub(crate) runs: u64,
    /// Every metric, in a fixed order.
    pub metrics: Vec<PairedMetric>,
}

impl Comparison {
    /// compare.csv's rows, one per metric.
    pub fn rows(&self) -> Vec<ComparisonRow<'_>> {
        self.metrics
            .iter()
            .map(|m| ComparisonRow {
                metric: m.metric,
                subject: &m.subject,
                a: m.a.estimate,
                b: m.b.estimate,
                difference: m.difference,
                independent: m.independent,
                narrowing: m.narrowing(),
                runs: self.runs,
            })
            .collect()
    }
}

/// Why two scenarios cannot be compared run by run.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// The scenarios differ in their phases or parties.
    #[error("the scenarios cannot be compared run by run: {0}")]
    Mismatch(String),
    /// A run failed.
    #[error(transparent)]
    Batch(#[from] BatchError),
}

/// The per-run values of every compared metric, in [`Comparison`] order.
fn values(sc: &Scenario, s: &RunSummary, out: &mut Vec<(&'static str, String, u64)>) {
    out.clear();
    for (i, p) in sc.phases().iter().enumerate() {
        out.push(("entered", p.id.clone(), u64::from(s.entered[i].is_some())));
    }
    for (i, p) in sc.phases().iter().enumerate() {
        out.push((
            "in_phase_at_end",
            p.id.clone(),
            u64::from(s.final_phase == i),
        ));
    }
    for (i, p) in sc.parties().iter().enumerate() {
        out.push(("attacks_per_run", p.id.clone(), s.attacks[i]));
    }
    for (i, p) in sc.parties().iter().enumerate().filter(|(_, p)| p.bound) {
        out.push(("reported_per_run", p.id.clone(), s.reported[i]));
    }
    out.push((
        "convoys_delivered_per_run",
        "all".into(),
        s.convoys_delivered,
    ));
    out.push(("convoys_blocked_per_run", "all".into(), s.convoys_blocked));
}

/// Checks that two scenarios have the same phases and parties, in order
/// (their random streams then correspond purpose by purpose).
fn same_shape(a: &Scenario, b: &Scenario) -> Result<(), CompareError> {
    let phases = |s: &Scenario| s.phases().iter().map(|p| p.id.clone()).collect::<Vec<_>>();
    let parties = |s: &Scenario| {
        s.parties()
            .iter()
            .map(|p| match p.bound {
                true => p.id.clone(),
                false => format!("{} (excluded)", p.id),
            })
            .collect::<Vec<_>>()
    };
    for (what, ids) in [
        ("phases", phases as fn(&Scenario) -> Vec<String>),
        ("parties", parties),
    ] {
        let (ia, ib) = (ids(a), ids(b));
        if ia != ib {
            return Err(CompareError::Mismatch(format!(
                "{what} differ (A: {}; B: {})",
                ia.join(", "),
                ib.join(", ")
            )));
        }
    }
    Ok(())
}

/// Collects a block's summaries.
struct Block(Vec<RunSummary>);

impl BatchObserver for Block {
    fn run(&mut self, s: &RunSummary) -> Result<(), ObserverError> {
        self.0.push(s.clone());
        Ok(())
    }
}

/// Runs `runs` runs of both batches (which should share a master seed) and
/// compares every metric run by run. Memory is bounded by one block of runs.
pub(crate) fn compare(
    a: &Batch<'_>,
    b: &Batch<'_>,
    runs: u64,
    progress: &dyn Fn(u64),
) -> Result<Comparison, CompareError> {
    let (sa, sb) = (a.scenario(), b.scenario());
    same_shape(sa, sb)?;
    let (mut va, mut vb) = (Vec::new(), Vec::new());
    let mut sums: Vec<(Sums, Sums, i128, u128)> = Vec::new();
    let mut start = 0;
    while start < runs {
        let end = runs.min(start + BLOCK_RUNS);
        let (mut ba, mut bb) = (Block(Vec::new()), Block(Vec::new()));
        let (mut ta, mut tb) = (Tally::new(sa), Tally::new(sb));
        a.run_observed(start..end, &mut ta, &mut ba)?;
        b.run_observed(start..end, &mut tb, &mut bb)?;
        for (ra, rb) in ba.0.iter().zip(&bb.0) {
            values(sa, ra, &mut va);
            values(sb, rb, &mut vb);
            sums.resize(va.len(), Default::default());
            for (k, ((_, _, x), (_, _, y))) in va.iter().zip(&vb).enumerate() {
                let d = i128::from(*y) - i128::from(*x);
                let s = &mut sums[k];
                s.0.add(*x);
                s.1.add(*y);
                s.2 += d;
                s.3 += d.unsigned_abs().pow(2);
            }
        }
        progress(end - start);
        start = end;
    }
    let metrics = va
        .iter()
        .zip(&sums)
        .map(|((metric, subject, _), (xa, xb, d, d2))| {
            let difference = mean_of(runs, *d, *d2);
            let gap = difference.estimate;
            let half = t_quantile(2.0 * runs as f64 - 2.0)
                * ((variance(runs, xa.sum as i128, xa.sum_sq)
                    + variance(runs, xb.sum as i128, xb.sum_sq))
                    / runs as f64)
                    .sqrt();
            PairedMetric {
                metric,
                subject: subject.clone(),
                a: mean(xa),
                b: mean(xb),
                difference,
                independent: Estimate {
                    estimate: gap,
                    low: gap - half,
                    high: gap + half,
                },
            }
        })
        .collect();
    Ok(Comparison { runs, metrics })
}
