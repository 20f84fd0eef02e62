//! Parameter paths: addressing any value of a scenario file by a dotted
//! path such as `party.government.rate`, `monitoring.detection` or
//! `phase.truce.transition.0.when.probability`, and changing it.
//!
//! Changes are made to the TOML document before validation, so a changed
//! scenario is checked exactly like a file, and every value a file can hold
//! can be addressed. `[[party]]` and `[[phase]]` entries are addressed by id,
//! `[[phase.transition]]` entries, and the conditions of `all = [...]` and
//! `any = [...]`, by position (from 0), e.g.
//! `phase.truce.transition.1.when.any.0.blocked_in_window.at_least`.

use std::fmt;
use std::str::FromStr;

use toml::{Table, Value};

use super::{Scenario, ScenarioError};

/// A path and the value to set there (`PATH=VALUE`).
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The dotted path.
    pub path: ParamPath,
    /// The new value.
    pub value: Value,
}

/// A dotted path into a scenario, checked for form (not for existence).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamPath(Vec<String>);

/// A path or assignment that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PathError(String);

impl ParamPath {
    /// The segments of the path.
    pub(crate) fn segments(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for ParamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

impl FromStr for ParamPath {
    type Err = PathError;

    fn from_str(s: &str) -> Result<Self, PathError> {
        let segments: Vec<String> = s.split('.').map(str::to_string).collect();
        if segments.iter().any(|seg| seg.is_empty()) {
            return Err(PathError(format!(
                "path '{s}' has an empty segment (allowed: segments separated by single dots, e.g. party.government.rate)"
            )));
        }
        Ok(ParamPath(segments))
    }
}

impl FromStr for Assignment {
    type Err = PathError;

    /// Parses `PATH=VALUE`, where VALUE is a TOML value (a number, `true`,
    /// `"a string"`); a bare word is taken as a string.
    fn from_str(s: &str) -> Result<Self, PathError> {
        let (path, value) = s.split_once('=').ok_or_else(|| {
            PathError(format!(
                "'{s}' is not PATH=VALUE (e.g. monitoring.detection=0.8)"
            ))
        })?;
        Ok(Assignment {
            path: path.trim().parse()?,
            value: parse_value(value.trim()),
        })
    }
}

/// A TOML value from its text; a bare word (not valid TOML) is a string.
#[doc(hidden)]
pub fn parse_value(text: &str) -> Value {
    toml::from_str::<Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_string()))
}

/// Keys whose values are whole numbers; a sweep rounds values given for them.
const INTEGER_KEYS: [&str; 6] = [
    "horizon_days",
    "tolerance",
    "streak_at_least",
    "days_in_phase_at_least",
    "days",
    "at_least",
];

impl ParamPath {
    /// Whether the path ends in a key that takes whole numbers.
    #[doc(hidden)]
    pub fn is_integer(&self) -> bool {
        self.0
            .last()
            .is_some_and(|k| INTEGER_KEYS.contains(&k.as_str()))
    }

    /// The TOML value for `x` at this path: an integer for integer keys
    /// (rounded to the nearest), else a float.
    #[doc(hidden)]
    pub fn value(&self, x: f64) -> Value {
        if self.is_integer() && x.abs() < 9e15 {
            Value::Integer(x.round() as i64)
        } else {
            Value::Float(x)
        }
    }
}

/// Tables a path may create when the file leaves them out (all their keys
/// have defaults).
const OPTIONAL_TABLES: [&str; 5] = [
    "compliance",
    "monitoring",
    "humanitarian",
    "retaliation",
    "rate_multiplier",
];

/// Sets `value` at `path` in a parsed scenario document. Every table on the
/// way must exist (or be one of the optional tables); the last key may be
/// absent, in which case it is added and validation judges it. A whole
/// number written as a float (`4.0`) is stored as an integer for integer keys.
pub fn set(doc: &mut Table, path: &ParamPath, value: Value) -> Result<(), PathError> {
    let (table, key) = slot(doc, path.segments(), 0, path)?;
    let value = match value {
        Value::Float(x) if x.fract() == 0.0 && path.is_integer() => path.value(x),
        v => v,
    };
    table.insert(key.to_string(), value);
    Ok(())
}

/// The table that holds the last segment of a path, and that key; optional
/// tables missing from the file are created on the way.
fn slot<'a>(
    t: &'a mut Table,
    segs: &'a [String],
    at: usize,
    path: &ParamPath,
) -> Result<(&'a mut Table, &'a str), PathError> {
    let seg = &segs[at];
    let prefix = || segs[..=at].join(".");
    if at + 1 == segs.len() {
        if let Some(Value::Table(_) | Value::Array(_)) = t.get(seg) {
            return Err(PathError(format!(
                "path '{path}' names a table, not a value (add a key, e.g. '{path}.<key>')"
            )));
        }
        return Ok((t, seg));
    }
    if !t.contains_key(seg) {
        if !OPTIONAL_TABLES.contains(&seg.as_str()) {
            return Err(PathError(format!(
                "path '{path}': there is no '{}' in the scenario (top level: scenario, compliance, monitoring, humanitarian, party.<id>, phase.<id>)",
                prefix()
            )));
        }
        t.insert(seg.clone(), Value::Table(Table::new()));
    }
    match t.get_mut(seg) {
        Some(Value::Array(entries)) => {
            let key = &segs[at + 1];
            // Transitions, and the conditions listed in `all` and `any`,
            // are addressed by position; parties and phases by id.
            let entry = if matches!(seg.as_str(), "transition" | "all" | "any") {
                let len = entries.len();
                let what = if seg == "transition" {
                    "transition ".to_string()
                } else {
                    format!("condition {seg}.")
                };
                key.parse::<usize>()
                    .ok()
                    .and_then(|i| entries.get_mut(i))
                    .ok_or_else(|| {
                        let allowed = match len {
                            0 => "it has none".to_string(),
                            1 => "allowed: 0".to_string(),
                            _ => format!("allowed: 0 to {}", len - 1),
                        };
                        PathError(format!(
                            "path '{path}': '{}' has no {what}{key} ({allowed})",
                            segs[..at].join(".")
                        ))
                    })?
            } else {
                let ids: Vec<String> = entries
                    .iter()
                    .filter_map(|e| e.get("id").and_then(Value::as_str).map(str::to_string))
                    .collect();
                let i = ids.iter().position(|id| id == key).ok_or_else(|| {
                    PathError(format!(
                        "path '{path}': no {seg} '{key}' (declared: {})",
                        ids.join(", ")
                    ))
                })?;
                &mut entries[i]
            };
            if at + 2 == segs.len() {
                return Err(PathError(format!(
                    "path '{path}' names a whole entry, not a value (add a key, e.g. '{path}.rate')"
                )));
            }
            match entry {
                Value::Table(inner) => slot(inner, segs, at + 2, path),
                _ => Err(PathError(format!(
                    "path '{path}': '{}' is not a table",
                    prefix()
                ))),
            }
        }
        Some(Value::Table(inner)) => slot(inner, segs, at + 1, path),
        _ => Err(PathError(format!(
            "path '{path}': '{}' is a value, not a table",
            prefix()
        ))),
    }
}

/// Scenario text parsed once, to which changes are applied: the points of
/// a sweep are one document with other values, so each costs one parse
/// and validation of the changed document, not three.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct ScenarioDoc {
    text: std::sync::Arc<str>,
    origin: String,
    /// The file as a TOML table, before any change.
    table: Table,
    /// The file's own scenario, validated.
    scenario: Scenario,
}

impl ScenarioDoc {
    /// Parses and validates scenario text named `origin` in messages.
    /// Errors are the file's own, with their place.
    #[doc(hidden)]
    pub fn parse(text: &str, origin: &str) -> Result<Self, ScenarioError> {
        let scenario = Scenario::from_toml(text, origin)?;
        // Valid scenario text is a valid TOML table.
        let table: Table = toml::from_str(text).map_err(|e| ScenarioError::Changed {
            file: origin.to_string(),
            changes: String::new(),
            message: e.message().to_string(),
        })?;
        Ok(ScenarioDoc {
            text: text.into(),
            origin: origin.to_string(),
            table,
            scenario,
        })
    }

    /// The scenario with `changes` applied in order, validated. Errors
    /// caused by a change name every change.
    #[doc(hidden)]
    pub fn with(&self, changes: &[Assignment]) -> Result<Scenario, ScenarioError> {
        if changes.is_empty() {
            return Ok(self.scenario.clone());
        }
        let changed_error = |message: String| ScenarioError::Changed {
            file: self.origin.clone(),
            changes: describe(changes),
            message,
        };
        let mut doc = self.table.clone();
        for c in changes {
            set(&mut doc, &c.path, c.value.clone()).map_err(|e| changed_error(e.0))?;
        }
        let changed = toml::to_string(&doc).unwrap_or_default();
        let mut scenario = Scenario::from_toml(&changed, &self.origin)
            .map_err(|e| changed_error(e.message().to_string()))?;
        // Provenance is the file's own text and the changes, so that more
        // changes can follow.
        scenario.source.text = self.text.clone();
        scenario.source.changes = changes.to_vec();
        Ok(scenario)
    }
}

impl Scenario {
    /// Parses scenario text, applies `changes` in order, and validates the
    /// result. Errors caused by a change name the change; errors already in
    /// the file are reported as without changes.
    pub fn from_toml_with(
        text: &str,
        origin: &str,
        changes: &[Assignment],
    ) -> Result<Scenario, ScenarioError> {
        ScenarioDoc::parse(text, origin)?.with(changes)
    }
}

fn describe(changes: &[Assignment]) -> String {
    changes
        .iter()
        .map(|c| format!("{}={}", c.path, c.value))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin::GENEVA_2016;

    fn with(changes: &[&str]) -> Result<Scenario, ScenarioError> {
        let changes: Vec<Assignment> = changes.iter().map(|c| c.parse().unwrap()).collect();
        Scenario::from_toml_with(GENEVA_2016, "geneva.toml", &changes)
    }

    #[test]
    fn paths_reach_every_kind_of_value() {
        let sc = with(&[
            "party.government.rate=2.5",
            "party.opposition.retaliation.government=0.3",
            "phase.joint_targeting.rate_multiplier.isis=3",
            "monitoring.detection=0.9",
            "compliance.tolerance=4",
            "humanitarian.block_probability=0.5",
            "phase.truce.transition.2.when.probability=0.5",
            "phase.truce.transition.1.when.reported_in_window.at_least=20",
            "phase.joint_targeting.detection=0.9",
            "phase.truce.convoys_per_day=2",
        ])
        .unwrap();
        assert_eq!(sc.phases[1].overrides.detection, Some(0.9));
        assert_eq!(sc.phase_detection(1), 0.9);
        assert_eq!(sc.phase_detection(0), 0.9, "the truce keeps the scenario's");
        assert_eq!(sc.phase_humanitarian(0).convoys_per_day, 2.0);
        assert_eq!(sc.parties[0].rate, 2.5);
        assert!(sc.parties[1].retaliation.contains(&(0, 0.3)));
        assert_eq!(sc.phases[1].rate_multiplier[3], 3.0);
        assert_eq!(sc.detection, 0.9);
        assert_eq!(sc.compliance.tolerance, 4);
        assert_eq!(sc.humanitarian.block_probability, 0.5);
        assert!(matches!(
            sc.phases[0].transitions[2].when,
            crate::scenario::Condition::Probability { p, .. } if p == 0.5
        ));
        assert!(matches!(
            sc.phases[0].transitions[1].when,
            crate::scenario::Condition::ReportedInWindow { at_least: 20, .. }
        ));
    }

    #[test]
    fn bad_paths_and_values_are_named() {
        let msg = |c: &[&str]| with(c).unwrap_err().to_string();
        let m = msg(&["party.goverment.rate=1"]);
        assert!(
            m.contains("no party 'goverment'") && m.contains("government"),
            "{m}"
        );
        let m = msg(&["phase.truce.transition.7.when.probability=0.1"]);
        assert!(m.contains("no transition 7"), "{m}");
        let m = msg(&["monitoring.detection=1.5"]);
        assert!(
            m.contains("monitoring.detection=1.5") && m.contains("[0, 1]"),
            "{m}"
        );
        let m = msg(&["party.government.rat=1"]);
        assert!(m.contains("unknown key 'rat' in party.government"), "{m}");
        let m = msg(&["nowhere.x=1"]);
        assert!(m.contains("no 'nowhere'"), "{m}");
        let m = msg(&["party.government=1"]);
        assert!(m.contains("whole entry"), "{m}");
        assert!("a.b".parse::<Assignment>().is_err());
        assert_eq!(
            with(&["compliance.tolerance=3.0"])
                .unwrap()
                .compliance
                .tolerance,
            3
        );
        assert!("a..b=1".parse::<Assignment>().is_err());
    }

    #[test]
    fn paths_reach_conditions_inside_all_and_any() {
        // Geneva's truce ends on a hit convoy: transition 3 is
        // all = [blocked_in_window, probability].
        let sc =
            with(&["phase.truce.transition.3.when.all.0.blocked_in_window.at_least=2"]).unwrap();
        assert!(matches!(
            &sc.phases[0].transitions[3].when,
            crate::scenario::Condition::All(cs)
                if cs[0] == crate::scenario::Condition::BlockedInWindow { days: 1, at_least: 2 }
        ));
        let m = with(&["phase.truce.transition.3.when.all.5.probability=0.2"])
            .unwrap_err()
            .to_string();
        assert!(
            m.contains("has no condition all.5 (allowed: 0 to 1)"),
            "{m}"
        );
    }

    #[test]
    fn values_parse_as_toml() {
        assert_eq!(parse_value("0.5"), Value::Float(0.5));
        assert_eq!(parse_value("3"), Value::Integer(3));
        assert_eq!(parse_value("true"), Value::Boolean(true));
        assert_eq!(parse_value("any"), Value::String("any".into()));
        assert_eq!(parse_value("\"any\""), Value::String("any".into()));
    }
}
