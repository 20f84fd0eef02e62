//! The first stage of parsing: serde structs that mirror the TOML file key for
//! key, with unknown keys refused and source spans kept for error messages.
//!
//! Nothing here is checked beyond what TOML types give; `validate` turns these
//! into a [`crate::Scenario`].

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// The whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub scenario: Spanned<RawHeader>,
    #[serde(default)]
    pub compliance: RawCompliance,
    #[serde(default)]
    pub monitoring: RawMonitoring,
    #[serde(default)]
    pub humanitarian: RawHumanitarian,
    #[serde(default)]
    pub party: Vec<Spanned<RawParty>>,
    #[serde(default)]
    pub phase: Vec<Spanned<RawPhase>>,
}

/// `[scenario]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub start_date: Spanned<toml::value::Datetime>,
    pub horizon_days: Spanned<i64>,
    pub initial_phase: Spanned<String>,
}

/// `[compliance]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCompliance {
    pub counts: Option<Spanned<String>>,
    pub tolerance: Option<Spanned<i64>>,
    pub requires_aid: Option<bool>,
}

/// `[monitoring]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMonitoring {
    pub detection: Option<Spanned<f64>>,
}

/// `[humanitarian]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHumanitarian {
    pub convoys_per_day: Option<Spanned<f64>>,
    pub block_probability: Option<Spanned<f64>>,
    pub block_probability_violent: Option<Spanned<f64>>,
}

/// One `[[party]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParty {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub bound: Option<bool>,
    pub rate: Spanned<f64>,
    pub major_share: Option<Spanned<f64>>,
    pub false_reports_per_day: Option<Spanned<f64>>,
    #[serde(default)]
    pub retaliation: BTreeMap<Spanned<String>, Spanned<f64>>,
    pub half_life_days: Option<Spanned<f64>>,
}

/// One `[[phase]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhase {
    pub id: Spanned<String>,
    pub name: Option<String>,
    #[serde(default)]
    pub rate_multiplier: BTreeMap<Spanned<String>, Spanned<f64>>,
    /// (v2) This phase's own `monitoring.detection`.
    pub detection: Option<Spanned<f64>>,
    /// (v2) This phase's own `humanitarian.convoys_per_day`.
    pub convoys_per_day: Option<Spanned<f64>>,
    /// (v2) This phase's own `humanitarian.block_probability`.
    pub block_probability: Option<Spanned<f64>>,
    /// (v2) This phase's own `humanitarian.block_probability_violent`.
    pub block_probability_violent: Option<Spanned<f64>>,
    #[serde(default)]
    pub transition: Vec<Spanned<RawTransition>>,
}

/// One `[[phase.transition]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTransition {
    pub to: Spanned<String>,
    pub when: Spanned<RawCondition>,
}

/// A condition table. Every kind is optional here so that a table naming two
/// kinds can be refused with a message that says so.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    pub streak_at_least: Option<Spanned<i64>>,
    pub days_in_phase_at_least: Option<Spanned<i64>>,
    pub reported_in_window: Option<Spanned<RawWindow>>,
    pub blocked_in_window: Option<Spanned<RawCountWindow>>,
    pub violation_days_in_window: Option<Spanned<RawCountWindow>>,
    pub probability: Option<Spanned<f64>>,
    pub on: Option<Spanned<String>>,
    pub all: Option<Vec<Spanned<RawCondition>>>,
    pub any: Option<Vec<Spanned<RawCondition>>>,
}

/// The table of `reported_in_window`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    pub days: Spanned<i64>,
    pub at_least: Spanned<i64>,
    pub severity: Option<Spanned<String>>,
    pub party: Option<Spanned<String>>,
}

/// (v2) The table of `blocked_in_window` and `violation_days_in_window`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCountWindow {
    pub days: Spanned<i64>,
    pub at_least: Spanned<i64>,
}
