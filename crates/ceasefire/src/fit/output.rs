//! What a fit's results directory holds, as rows and text: the rows of
//! fit.csv, fit_diagnostics.csv and predictive.csv, fit.toml, and the
//! options its manifest records. `job::fit` writes them (the names are in
//! `layout`, the manifest type in `store`). Columns are documented in
//! docs/outputs.md.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::diagnostics::{MAX_LAG, PIT_BINS};
use super::model::HalfLife;
use super::simulate::{multiplier_line, party_tables};
use super::{Fit, Retaliation};
use crate::store::InputFile;

/// One row of fit.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimateRow {
    /// What is estimated (see `Quantity`).
    pub parameter: String,
    /// The party (for α: the retaliating one), or empty.
    pub party: String,
    /// For α: the party whose attacks provoke, or empty.
    pub source: String,
    /// For a multiplier: the period, or empty.
    pub period: String,
    /// The estimate (empty if not identified).
    pub estimate: Option<f64>,
    /// Lower bound of the 95% interval (empty if none).
    pub ci_low: Option<f64>,
    /// Upper bound (empty if none; `inf` if unbounded).
    pub ci_high: Option<f64>,
    /// How it was obtained (see `IntervalMethod`).
    pub method: String,
}

/// One row of fit_diagnostics.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DiagnosticRow {
    /// Party id, or `all` (pooled PIT).
    pub(crate) party: String,
    /// `pit_share`, `ks_statistic`, `ks_p_value`, `acf`, `ljung_box`,
    /// `ljung_box_p_value`, `predictive_inside_50`, `predictive_inside_90`.
    pub(crate) statistic: String,
    /// PIT bin (1–10) or lag (1–14); empty otherwise.
    pub(crate) index: Option<usize>,
    /// The value.
    pub(crate) value: f64,
    /// Lower end of the range a good fit stays in (95%), if any.
    pub(crate) reference_low: Option<f64>,
    /// Upper end, if any.
    pub(crate) reference_high: Option<f64>,
}

/// One row of predictive.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PredictiveRow {
    /// Party id.
    pub(crate) party: String,
    /// Calendar date.
    pub(crate) date: String,
    /// Day index from the first day of the first period.
    pub(crate) day: usize,
    /// Observed count.
    pub(crate) observed: u64,
    /// 5% quantile of simulated counts.
    pub(crate) q05: f64,
    /// 25% quantile.
    pub(crate) q25: f64,
    /// Median.
    pub(crate) q50: f64,
    /// 75% quantile.
    pub(crate) q75: f64,
    /// 95% quantile.
    pub(crate) q95: f64,
    /// Whether the observed count is inside [q25, q75].
    pub(crate) inside_50: bool,
    /// Whether it is inside [q05, q95].
    pub(crate) inside_90: bool,
}

fn finite(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

impl Fit {
    /// The rows of fit.csv.
    pub fn estimate_rows(&self) -> Vec<EstimateRow> {
        let name = |p: Option<usize>| p.map_or(String::new(), |p| self.parties[p].clone());
        self.rows
            .iter()
            .map(|r| EstimateRow {
                parameter: r.quantity.as_str().into(),
                party: name(r.party),
                source: name(r.source),
                period: r
                    .period
                    .map_or(String::new(), |k| self.periods[k].name.clone()),
                estimate: finite(r.value.estimate),
                ci_low: finite(r.value.low),
                ci_high: finite(r.value.high),
                method: r.method.as_str().into(),
            })
            .collect()
    }

    /// The rows of fit_diagnostics.csv.
    pub(crate) fn diagnostic_rows(&self) -> Vec<DiagnosticRow> {
        let mut rows = Vec::new();
        let z = crate::numeric::z();
        for c in &self.checks {
            let n = c.days as f64;
            let row = |statistic: &str, index, value, band: Option<(f64, f64)>| DiagnosticRow {
                party: c.party.clone(),
                statistic: statistic.into(),
                index,
                value,
                reference_low: band.map(|b| b.0),
                reference_high: band.map(|b| b.1),
            };
            let share = 1.0 / PIT_BINS as f64;
            let half = z * (share * (1.0 - share) / n).sqrt();
            for (b, &v) in c.pit_histogram.iter().enumerate() {
                rows.push(row(
                    "pit_share",
                    Some(b + 1),
                    v,
                    Some((share - half, share + half)),
                ));
            }
            rows.push(row("ks_statistic", None, c.ks_statistic, None));
            rows.push(row("ks_p_value", None, c.ks_p_value, None));
            let band = z / n.sqrt();
            for (k, &r) in c.acf.iter().enumerate().take(MAX_LAG) {
                rows.push(row("acf", Some(k + 1), r, Some((-band, band))));
            }
            if !c.acf.is_empty() {
                rows.push(row("ljung_box", None, c.ljung_box, None));
                rows.push(row("ljung_box_p_value", None, c.ljung_box_p_value, None));
            }
        }
        if let Some(pred) = &self.predictive {
            for (p, party) in self.parties.iter().enumerate() {
                for (stat, v) in [
                    ("predictive_inside_50", pred.inside50[p]),
                    ("predictive_inside_90", pred.inside90[p]),
                ] {
                    rows.push(DiagnosticRow {
                        party: party.clone(),
                        statistic: stat.into(),
                        index: None,
                        value: v,
                        reference_low: None,
                        reference_high: None,
                    });
                }
            }
        }
        rows
    }

    /// The rows of predictive.csv (empty without `--simulate`).
    pub(crate) fn predictive_rows(&self) -> Vec<PredictiveRow> {
        let Some(pred) = &self.predictive else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        for (p, party) in self.parties.iter().enumerate() {
            for (t, b) in pred.bands[p].iter().enumerate() {
                rows.push(PredictiveRow {
                    party: party.clone(),
                    date: (self.first_day + chrono::Days::new(t as u64)).to_string(),
                    day: t,
                    observed: b[0] as u64,
                    q05: b[1],
                    q25: b[2],
                    q50: b[3],
                    q75: b[4],
                    q95: b[5],
                    inside_50: b[2] <= b[0] && b[0] <= b[4],
                    inside_90: b[1] <= b[0] && b[0] <= b[5],
                });
            }
        }
        rows
    }

    /// fit.toml: the fitted `[[party]]` tables and, for every period mapped
    /// to a phase, a `[[phase]]` with its `rate_multiplier`.
    pub(crate) fn scenario_fragment(&self, input: &InputFile) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "# SOURCED: fitted by `ceasefire fit` from {} (sha256 {}),\n# days {} to {}, by maximum likelihood; intervals in fit.csv.\n",
            input.path,
            input.sha256,
            self.first_day,
            self.periods.last().map_or(self.first_day, |p| p.end)
        ));
        for n in &self.notes {
            s.push_str(&format!("# Note: {n}.\n"));
        }
        for w in &self.warnings {
            s.push_str(&format!("# Warning: {w}.\n"));
        }
        s.push_str("# Merge these tables into a scenario: each [[phase]] below carries only its\n# fitted rate_multiplier; add its name and transitions.\n\n");
        let parties = self.party_params();
        s.push_str(&party_tables(&parties));
        for (k, p) in self.periods.iter().enumerate() {
            let Some(phase) = &p.phase else { continue };
            let m: Vec<f64> = (0..self.parties.len())
                .map(|q| self.model.multiplier(&self.values, q, k))
                .collect();
            s.push_str(&format!(
                "# period '{}' ({}..{}){}\n[[phase]]\nid = \"{phase}\"\n",
                p.name,
                p.start,
                p.end,
                if k == self.reference {
                    ", the reference: multipliers 1 by definition"
                } else {
                    ""
                }
            ));
            s.push_str(&multiplier_line(&parties, &m));
            s.push('\n');
        }
        s
    }

    /// The options as the manifest records them.
    pub(crate) fn option_map(&self) -> BTreeMap<String, String> {
        let o = &self.options;
        let mut m = BTreeMap::new();
        let periods: Vec<String> = o
            .periods
            .iter()
            .map(|p| {
                let phase = p.phase.as_ref().map_or(String::new(), |x| format!(":{x}"));
                format!("{}={}..{}{phase}", p.name, p.start, p.end)
            })
            .collect();
        m.insert("period".into(), periods.join(" "));
        m.insert(
            "reference".into(),
            self.periods[self.reference].name.clone(),
        );
        let ret = match &o.retaliation {
            Retaliation::All => "all".to_string(),
            Retaliation::None => "none".to_string(),
            Retaliation::Pairs(ps) => ps
                .iter()
                .map(|(a, b)| format!("{a}->{b}"))
                .collect::<Vec<_>>()
                .join(","),
        };
        m.insert("retaliation".into(), ret);
        let hl = match o.half_life {
            HalfLife::Free => "free".to_string(),
            HalfLife::Shared => "shared".to_string(),
            HalfLife::Fixed(h) => h.to_string(),
        };
        m.insert("half_life".into(), hl);
        m.insert("burn_in".into(), o.burn_in.to_string());
        m.insert("bootstrap".into(), o.bootstrap.to_string());
        m.insert("simulate".into(), o.simulate.to_string());
        m
    }
}
