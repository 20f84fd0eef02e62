//! Simulating daily counts from fitted (or known) parameters with the
//! project's own engine, for the parametric bootstrap, the predictive check
//! and the recovery tests.
//!
//! The parameters become a scenario whose parties are the fitted ones and
//! whose phases are the periods, chained by `days_in_phase_at_least` so that
//! each period's `rate_multiplier` applies on its days; every run starts
//! with empty memory on the first day. This module is the only place where
//! `fit` touches the engine.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::engine::DayObserver;
use crate::model::DayRecord;
use crate::{Batch, Scenario};

/// Parameters of one party, as a scenario's `[[party]]` table holds them.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyParams {
    /// Its id.
    pub id: String,
    /// Baseline rate μ.
    pub rate: f64,
    /// Half-life in days.
    pub half_life: f64,
    /// `(source id, α)`: attacks of `source` provoke this party.
    pub retaliation: Vec<(String, f64)>,
    /// Share of major attacks, if known.
    pub major_share: Option<f64>,
}

impl PartyParams {
    /// A party without a major share, provoked by `retaliation`'s
    /// `(source id, α)` pairs.
    pub fn new(id: &str, rate: f64, half_life: f64, retaliation: &[(&str, f64)]) -> Self {
        PartyParams {
            id: id.into(),
            rate,
            half_life,
            retaliation: retaliation.iter().map(|&(q, a)| (q.into(), a)).collect(),
            major_share: None,
        }
    }
}

/// A stretch of consecutive days with its multipliers.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseParams {
    /// Phase id.
    pub id: String,
    /// Number of days.
    pub days: u32,
    /// Multiplier per party (in party order).
    pub multipliers: Vec<f64>,
}

/// A TOML float that reads back as the same `f64`.
pub(crate) fn toml_float(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains(['.', 'e', 'n', 'i']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// The `[[party]]` tables of `parties`, as a scenario file writes them.
pub(crate) fn party_tables(parties: &[PartyParams]) -> String {
    let mut s = String::new();
    for p in parties {
        s.push_str(&format!(
            "[[party]]\nid = \"{}\"\nname = \"{}\"\nrate = {}\nhalf_life_days = {}\n",
            p.id,
            p.id,
            toml_float(p.rate),
            toml_float(p.half_life)
        ));
        if let Some(share) = p.major_share {
            s.push_str(&format!("major_share = {}\n", toml_float(share)));
        }
        if !p.retaliation.is_empty() {
            let items: Vec<String> = p
                .retaliation
                .iter()
                .map(|(q, a)| format!("{q} = {}", toml_float(*a)))
                .collect();
            s.push_str(&format!("retaliation = {{ {} }}\n", items.join(", ")));
        }
        s.push('\n');
    }
    s
}

/// The `rate_multiplier = { … }` line of a phase.
pub(crate) fn multiplier_line(parties: &[PartyParams], multipliers: &[f64]) -> String {
    let items: Vec<String> = parties
        .iter()
        .zip(multipliers)
        .map(|(p, m)| format!("{} = {}", p.id, toml_float(*m)))
        .collect();
    format!("rate_multiplier = {{ {} }}\n", items.join(", "))
}

/// A scenario that plays `phases` one after another with `parties`.
pub fn scenario(
    parties: &[PartyParams],
    phases: &[PhaseParams],
    start: chrono::NaiveDate,
) -> Result<Scenario, crate::ScenarioError> {
    let horizon: u32 = phases.iter().map(|p| p.days).sum();
    let mut s = format!(
        "[scenario]\nname = \"fitted\"\nstart_date = {start}\nhorizon_days = {horizon}\ninitial_phase = \"{}\"\n\n",
        phases[0].id
    );
    s.push_str(&party_tables(parties));
    for (i, ph) in phases.iter().enumerate() {
        s.push_str(&format!("[[phase]]\nid = \"{}\"\n", ph.id));
        s.push_str(&multiplier_line(parties, &ph.multipliers));
        // The last phase loops on itself (never within the horizon) so that
        // it is not absorbing.
        let (to, after) = match phases.get(i + 1) {
            Some(next) => (&next.id, ph.days),
            None => (&ph.id, ph.days + 1),
        };
        s.push_str(&format!(
            "[[phase.transition]]\nto = \"{to}\"\nwhen = {{ days_in_phase_at_least = {after} }}\n\n"
        ));
    }
    Scenario::from_toml(&s, "fitted scenario")
}

/// Records every party's actual attacks per day.
struct Recorder {
    counts: Vec<Vec<u64>>,
}

impl DayObserver for Recorder {
    fn day(&mut self, rec: &DayRecord) {
        for (p, row) in self.counts.iter_mut().enumerate() {
            row.push(rec.attacks(p));
        }
    }
}

/// Daily attacks per party of run `run` of `scenario` with master `seed`.
pub fn simulate(
    scenario: &Scenario,
    seed: u64,
    run: u64,
) -> Result<Vec<Vec<u64>>, crate::engine::RunError> {
    let batch = Batch::new(scenario, seed);
    let mut ws = batch.workspace();
    let mut rec = Recorder {
        counts: vec![
            Vec::with_capacity(scenario.horizon_days() as usize);
            scenario.parties().len()
        ],
    };
    ws.run(run, &mut rec)?;
    Ok(rec.counts)
}

/// A generator for one purpose of a fit (PIT draws, bootstrap seeds…): its
/// key is the master seed and the purpose's label, so that purposes never
/// share a stream.
pub(crate) fn purpose_rng(seed: u64, label: &str) -> ChaCha8Rng {
    crate::engine::streams::analysis_rng(seed, format!("ceasefire-fit:{label}").as_bytes())
}

/// The engine seed of one purpose of a fit (`bootstrap`, `predictive`).
pub(crate) fn purpose_seed(seed: u64, label: &str) -> u64 {
    purpose_rng(seed, label).next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_phase_applies_its_multiplier_on_its_days() {
        // A multiplier of 0 silences a party: only the middle phase's days
        // may have attacks.
        let parties = [PartyParams {
            id: "a".into(),
            rate: 5.0,
            half_life: 2.0,
            retaliation: vec![],
            major_share: None,
        }];
        let phases = [
            PhaseParams {
                id: "before".into(),
                days: 3,
                multipliers: vec![0.0],
            },
            PhaseParams {
                id: "during".into(),
                days: 4,
                multipliers: vec![1.0],
            },
            PhaseParams {
                id: "after".into(),
                days: 2,
                multipliers: vec![0.0],
            },
        ];
        let start = chrono::NaiveDate::from_ymd_opt(2016, 9, 12).unwrap();
        let sc = scenario(&parties, &phases, start).unwrap();
        let y = simulate(&sc, 7, 0).unwrap();
        assert_eq!(y[0].len(), 9);
        assert!(y[0][..3].iter().chain(&y[0][7..]).all(|&n| n == 0), "{y:?}");
        assert!(y[0][3..7].iter().sum::<u64>() > 0, "{y:?}");
    }

    #[test]
    fn floats_read_back_exactly() {
        for x in [1.0, 0.1, 1e-7, 123456.789, 2.0f64.sqrt()] {
            let v: toml::Value = toml::from_str(&format!("x = {}", toml_float(x))).unwrap();
            assert_eq!(v["x"].as_float(), Some(x));
        }
    }
}
