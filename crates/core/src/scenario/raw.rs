//! The first stage of parsing: serde structs that mirror the TOML file key for
//! key, with unknown keys refused and source spans kept for error messages.
//!
//! Nothing here is checked beyond what TOML types give; `validate` turns these
//! into a [`crate::scenario::Scenario`].

use std::collections::BTreeMap;
use std::ops::Range;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::ScenarioError;
use super::limits::{MAX_HORIZON_DAYS, MAX_PARTIES, MAX_PHASES, MAX_POISSON_MEAN};

/// Default memory half-life, in days.
pub(super) const DEFAULT_HALF_LIFE_DAYS: f64 = 2.0;

/// A scenario file: a ceasefire agreement as a state machine of phases,
/// driven by the attacks of parties (see docs/model.md).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "ceasefire scenario")]
pub(crate) struct RawFile {
    /// The agreement: its name, start and horizon, and its first phase.
    #[schemars(with = "RawHeader")]
    pub(crate) scenario: Spanned<RawHeader>,
    /// Which reported violations make a day non-compliant.
    #[serde(default)]
    pub(crate) compliance: RawCompliance,
    /// How attacks are seen.
    #[serde(default)]
    pub(crate) monitoring: RawMonitoring,
    /// Aid convoys and their blocking.
    #[serde(default)]
    pub(crate) humanitarian: RawHumanitarian,
    /// The armed parties, at least one.
    #[serde(default)]
    #[schemars(with = "Vec<RawParty>", length(min = 1, max = MAX_PARTIES))]
    pub(crate) party: Vec<Spanned<RawParty>>,
    /// The phases of the agreement, at least one.
    #[serde(default)]
    #[schemars(with = "Vec<RawPhase>", length(min = 1, max = MAX_PHASES))]
    pub(crate) phase: Vec<Spanned<RawPhase>>,
}

/// `[scenario]`: the agreement.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHeader {
    /// The agreement's name, printed above every table and chart (not empty).
    #[schemars(with = "String", length(min = 1))]
    pub(crate) name: Spanned<String>,
    /// Free text: what the scenario stands for and where its numbers come
    /// from (printed by `check`; empty by default).
    #[serde(default)]
    #[schemars(extend("default" = ""))]
    pub(crate) description: Option<String>,
    /// Calendar date of day 0, a TOML date without quotes (2016-09-12).
    #[schemars(with = "String", extend("format" = "date"))]
    pub(crate) start_date: Spanned<toml::value::Datetime>,
    /// Number of days H in a run: days 0 to H−1.
    #[schemars(with = "i64", range(min = 1, max = MAX_HORIZON_DAYS))]
    pub(crate) horizon_days: Spanned<i64>,
    /// The id of the phase of day 0.
    #[schemars(with = "String")]
    pub(crate) initial_phase: Spanned<String>,
}

/// `[compliance]`: when a day counts as compliant.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCompliance {
    /// Which reported violations count: "major" (major only) or "any".
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("enum" = ["major", "any"], "default" = "major"))]
    pub(crate) counts: Option<Spanned<String>>,
    /// A day is compliant when at most this many counted violations are
    /// reported on it.
    #[serde(default)]
    #[schemars(with = "Option<i64>", range(min = 0), extend("default" = 0))]
    pub(crate) tolerance: Option<Spanned<i64>>,
    /// Whether a blocked convoy makes the day non-compliant.
    #[serde(default)]
    #[schemars(extend("default" = false))]
    pub(crate) requires_aid: Option<bool>,
}

/// `[monitoring]`: how attacks are seen.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMonitoring {
    /// Probability d that an attack of a bound party is reported.
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0), extend("default" = 1.0))]
    pub(crate) detection: Option<Spanned<f64>>,
}

/// `[humanitarian]`: aid convoys and their blocking.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHumanitarian {
    /// Convoys scheduled per day (Poisson mean c).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = MAX_POISSON_MEAN), extend("default" = 0.0))]
    pub(crate) convoys_per_day: Option<Spanned<f64>>,
    /// Probability that a convoy is blocked on a day without an actual major
    /// attack.
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0), extend("default" = 0.0))]
    pub(crate) block_probability: Option<Spanned<f64>>,
    /// Probability that a convoy is blocked on a day with at least one
    /// actual major attack (by any party). Default: block_probability.
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0))]
    pub(crate) block_probability_violent: Option<Spanned<f64>>,
}

/// One `[[party]]`: an armed party.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawParty {
    /// Identifier used in conditions and output columns (letters, digits,
    /// '_' and '-'; unique).
    #[schemars(with = "String", regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    pub(crate) id: Spanned<String>,
    /// Human-readable name. Default: the id.
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// true: bound by the agreement, its attacks are violations; false:
    /// excluded, its attacks are never violations but still provoke
    /// retaliation and can block convoys.
    #[serde(default)]
    #[schemars(extend("default" = true))]
    pub(crate) bound: Option<bool>,
    /// Baseline attacks per day (Poisson mean μ).
    #[schemars(with = "f64", range(min = 0.0, max = MAX_POISSON_MEAN))]
    pub(crate) rate: Spanned<f64>,
    /// Probability s that an attack is major.
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0), extend("default" = 1.0))]
    pub(crate) major_share: Option<Spanned<f64>>,
    /// False accusations against this party per day (Poisson mean f; only
    /// for bound parties).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = MAX_POISSON_MEAN), extend("default" = 0.0))]
    pub(crate) false_reports_per_day: Option<Spanned<f64>>,
    /// `{ other_party_id = α }`: extra attacks per day by this party per
    /// remembered attack by the other party (α ≥ 0; parties left out: 0).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, NonNegative>", extend("default" = {}))]
    pub(crate) retaliation: BTreeMap<Spanned<String>, Spanned<f64>>,
    /// Half-life h of this party's memory of attacks suffered, in days.
    #[serde(default)]
    #[schemars(with = "Option<f64>", extend("exclusiveMinimum" = 0.0, "default" = DEFAULT_HALF_LIFE_DAYS))]
    pub(crate) half_life_days: Option<Spanned<f64>>,
}

/// One `[[phase]]`: a state of the agreement. A phase without transitions
/// is absorbing.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPhase {
    /// Identifier used in transitions and output columns (letters, digits,
    /// '_' and '-'; unique).
    #[schemars(with = "String", regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    pub(crate) id: Spanned<String>,
    /// Human-readable name. Default: the id.
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// `{ party_id = m }`: each named party's rate and retaliation are
    /// multiplied by m ≥ 0 in this phase (parties left out: 1).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, NonNegative>", extend("default" = {}))]
    pub(crate) rate_multiplier: BTreeMap<Spanned<String>, Spanned<f64>>,
    /// (v2) This phase's own detection probability. Default: monitoring.detection.
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0))]
    pub(crate) detection: Option<Spanned<f64>>,
    /// (v2) This phase's own convoys per day. Default: humanitarian.convoys_per_day.
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = MAX_POISSON_MEAN))]
    pub(crate) convoys_per_day: Option<Spanned<f64>>,
    /// (v2) This phase's own block probability on quiet days. Default:
    /// humanitarian.block_probability.
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0))]
    pub(crate) block_probability: Option<Spanned<f64>>,
    /// (v2) This phase's own block probability on violent days. Default:
    /// humanitarian.block_probability_violent (not the phase's own
    /// block_probability).
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0))]
    pub(crate) block_probability_violent: Option<Spanned<f64>>,
    /// The transitions out of this phase, tried in order at the end of each
    /// day; the first whose condition holds fires.
    #[serde(default)]
    #[schemars(with = "Vec<RawTransition>", extend("default" = []))]
    pub(crate) transition: Vec<Spanned<RawTransition>>,
}

/// One `[[phase.transition]]`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTransition {
    /// The id of the phase entered when the condition holds.
    #[schemars(with = "String")]
    pub(crate) to: Spanned<String>,
    /// The condition, a table of exactly one kind.
    #[schemars(with = "RawCondition")]
    pub(crate) when: Spanned<RawCondition>,
}

/// A condition: a table of exactly one kind (`on` goes only with
/// `probability`).
// Every kind is optional here so that a table naming two kinds can be
// refused by `validate` with a message that says so.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCondition {
    /// Holds when the streak of compliant days is at least n.
    #[serde(default)]
    #[schemars(with = "Option<i64>", range(min = 0, max = MAX_HORIZON_DAYS))]
    pub(crate) streak_at_least: Option<Spanned<i64>>,
    /// Holds when the days spent in the phase are at least n.
    #[serde(default)]
    #[schemars(with = "Option<i64>", range(min = 0, max = MAX_HORIZON_DAYS))]
    pub(crate) days_in_phase_at_least: Option<Spanned<i64>>,
    /// Holds when the reported violations over the last `days` days reach
    /// `at_least`.
    #[serde(default)]
    #[schemars(with = "Option<RawWindow>")]
    pub(crate) reported_in_window: Option<Spanned<RawWindow>>,
    /// (v2) Holds when the blocked convoys over the last `days` days reach
    /// `at_least`.
    #[serde(default)]
    #[schemars(with = "Option<RawCountWindow>")]
    pub(crate) blocked_in_window: Option<Spanned<RawCountWindow>>,
    /// (v2) Holds when at least `at_least` of the last `days` days were not
    /// compliant.
    #[serde(default)]
    #[schemars(with = "Option<RawCountWindow>")]
    pub(crate) violation_days_in_window: Option<Spanned<RawCountWindow>>,
    /// Holds with this probability, drawn independently on days of kind `on`.
    #[serde(default)]
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 1.0))]
    pub(crate) probability: Option<Spanned<f64>>,
    /// With `probability`: the days on which it draws ("violation_day",
    /// "compliant_day" or "any_day"); on other days it does not hold.
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("enum" = ["violation_day", "compliant_day", "any_day"], "default" = "any_day"))]
    pub(crate) on: Option<Spanned<String>>,
    /// Holds when every listed condition holds (every probability inside is
    /// drawn).
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawCondition>>", length(min = 1))]
    pub(crate) all: Option<Vec<Spanned<RawCondition>>>,
    /// Holds when at least one listed condition holds (every probability
    /// inside is drawn).
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawCondition>>", length(min = 1))]
    pub(crate) any: Option<Vec<Spanned<RawCondition>>>,
}

/// The table of `reported_in_window`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWindow {
    /// Window length w in days: the day itself and the w − 1 before it.
    #[schemars(with = "i64", range(min = 1, max = MAX_HORIZON_DAYS))]
    pub(crate) days: Spanned<i64>,
    /// Threshold k: the condition holds when the window's sum is at least k.
    #[schemars(with = "i64", range(min = 1))]
    pub(crate) at_least: Spanned<i64>,
    /// Which reported violations count: "major" or "any" (required).
    #[schemars(with = "String", extend("enum" = ["major", "any"]))]
    pub(crate) severity: Option<Spanned<String>>,
    /// Only this bound party's reported violations. Default: every bound party's.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) party: Option<Spanned<String>>,
}

/// (v2) The table of `blocked_in_window` and `violation_days_in_window`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCountWindow {
    /// Window length w in days: the day itself and the w − 1 before it.
    #[schemars(with = "i64", range(min = 1, max = MAX_HORIZON_DAYS))]
    pub(crate) days: Spanned<i64>,
    /// Threshold k: the condition holds when the window's count is at least k.
    #[schemars(with = "i64", range(min = 1))]
    pub(crate) at_least: Spanned<i64>,
}

/// A number ≥ 0 (a value of `retaliation` or `rate_multiplier`).
#[derive(JsonSchema)]
#[schemars(transparent)]
#[allow(dead_code)]
struct NonNegative(#[schemars(range(min = 0.0))] f64);

/// Deepest nesting of `[ … ]` and `{ … }` the TOML reader accepts (the
/// `toml` crate's own limit, stated here so that messages can name it). A
/// condition inside `all` or `any` takes two levels (a list and a table),
/// so conditions nest at most [`MAX_CONDITION_NESTING`] deep.
pub(crate) const MAX_NESTING: usize = 80;

/// Deepest nesting of `all`/`any` conditions under `when` that fits in
/// [`MAX_NESTING`]: `when = { all = [ … ] }` nested `n` deep takes `2n + 1`
/// levels.
pub(crate) const MAX_CONDITION_NESTING: usize = (MAX_NESTING - 1) / 2;

/// Keys whose values are lists (of tables); every other key that holds a
/// list should hold a table or a single value.
const LIST_KEYS: [&str; 5] = ["party", "phase", "transition", "all", "any"];

/// Keys whose values are tables read into structs. Serde would also read
/// such a struct from a list, field by field in order; a scenario never
/// means that, so a list there is refused before serde sees it.
const STRUCT_KEYS: [&str; 8] = [
    "scenario",
    "compliance",
    "monitoring",
    "humanitarian",
    "when",
    "reported_in_window",
    "blocked_in_window",
    "violation_days_in_window",
];

/// One step of a chain of keys down a document: the key (an array item's
/// is its position), its value and the value's span.
type Link<'a> = (String, &'a DeValue<'a>, Range<usize>);

/// A table entry or array item: its key, its value, and its key's span.
type Child<'a> = (String, &'a Spanned<DeValue<'a>>, Option<Range<usize>>);

/// Reads scenario text into the raw structs, with every error in the
/// program's words: the key (as a `--set` path), the value as written, and
/// what is allowed, never a Rust type name.
pub(crate) fn from_str(text: &str, file: &str) -> Result<RawFile, ScenarioError> {
    let doc = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim_end();
        let message = if message.contains("max recursion depth") {
            format!(
                "nesting too deep: at most {MAX_NESTING} levels of [ ] and {{ }} are allowed (a condition inside all/any takes two levels, so conditions nest at most {MAX_CONDITION_NESTING} deep)"
            )
        } else if message == "recursion limit" {
            format!("a dotted key has too many parts (allowed: at most {MAX_NESTING})")
        } else {
            message.to_string()
        };
        ScenarioError::at(file, text, span, message)
    })?;
    let root = DeValue::Table(doc.get_ref().clone());
    let mut chain = Vec::new();
    if let Some(key) = positional(&root, &mut chain) {
        let (_, value, span) = chain.last().expect("a list was found");
        let message = format!(
            "{} = {} is a list (allowed: {})",
            path(&chain),
            shown(value),
            table_shape(&key)
        );
        return Err(ScenarioError::at(file, text, span.clone(), message));
    }
    RawFile::deserialize(toml::de::Deserializer::from(doc)).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let (span, message) = explain(&root, span, e.message().trim_end());
        ScenarioError::at(file, text, span, message)
    })
}

/// A serde error at `span` of the document `root`, said in the program's
/// words, with the span of the culprit to point at.
fn explain(root: &DeValue, span: Range<usize>, message: &str) -> (Range<usize>, String) {
    let found = locate(root, &span);
    let here = path(&found);
    let value = found.last().map(|(_, v, s)| (v, s.clone()));
    if let Some(field) = between(message, "unknown field `", "`") {
        let allowed = allowed_fields(message);
        if field.starts_with("$__toml_private") {
            // A date or time where a table belongs.
            let (shown_value, at) = value.map_or(("a date".into(), span), |(v, at)| (shown(v), at));
            return (
                at,
                format!("{here} = {shown_value} is a date (allowed: a table with {allowed})"),
            );
        }
        let parent = path(&found[..found.len().saturating_sub(1)]);
        let in_ = if parent.is_empty() {
            "at the top level".to_string()
        } else {
            format!("in {parent}")
        };
        return (
            span,
            format!("unknown key '{field}' {in_} (allowed: {allowed})"),
        );
    }
    if let Some(field) = between(message, "missing field `", "`") {
        let in_ = if here.is_empty() {
            "the file".to_string()
        } else {
            here.clone()
        };
        return (
            span,
            format!("{in_} has no key '{field}', which is required"),
        );
    }
    if let Some(field) = between(message, "duplicate field `", "`") {
        return (span, format!("key '{field}' is given twice in {here}"));
    }
    let expected = message.rsplit_once(", expected ").map(|(_, e)| e);
    match (value, expected) {
        (Some((v, at)), Some(expected)) => {
            let allowed = expected_in_words(expected, found.last().map(|(k, _, _)| k.as_str()));
            let what = if matches!(v, DeValue::Integer(_)) && expected == "i64" {
                format!("out of range (from {} to {})", i64::MIN, i64::MAX)
            } else {
                kind(v).to_string()
            };
            (
                at,
                format!("{here} = {} is {what} (allowed: {allowed})", shown(v)),
            )
        }
        _ => (span, message.to_string()),
    }
}

/// The chain of keys from the top of the document to the value at `span`:
/// each key (an array item's key is its position), its value and span.
/// The deepest match wins: the span of a `[table]` or `[[table]]` covers
/// its header only, so every child is searched whatever its parent's span.
fn locate<'a>(root: &'a DeValue<'a>, span: &Range<usize>) -> Vec<Link<'a>> {
    let mut out = Vec::new();
    search(root, span, &mut out);
    out.reverse();
    out
}

/// Pushes, innermost first, the chain below `here` that holds `span`.
fn search<'a>(here: &'a DeValue<'a>, span: &Range<usize>, out: &mut Vec<Link<'a>>) -> bool {
    let inside = |s: &Range<usize>| s.start <= span.start && span.end <= s.end.max(s.start + 1);
    let children: Vec<Child<'a>> = match here {
        DeValue::Table(t) => t
            .iter()
            .map(|(k, v)| (k.get_ref().to_string(), v, Some(k.span())))
            .collect(),
        DeValue::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v, None))
            .collect(),
        _ => return false,
    };
    for (key, v, key_span) in children {
        let here_too = inside(&v.span()) || key_span.as_ref().is_some_and(inside);
        if search(v.get_ref(), span, out) || here_too {
            out.push((key, v.get_ref(), v.span()));
            return true;
        }
    }
    false
}

/// Finds a list where a table read into a struct belongs (see
/// [`STRUCT_KEYS`]), fills `chain` with the keys down to it and returns the
/// key whose table shape is allowed there.
fn positional<'a>(here: &'a DeValue<'a>, chain: &mut Vec<Link<'a>>) -> Option<String> {
    let DeValue::Table(t) = here else {
        return None;
    };
    for (k, v) in t.iter() {
        let key = k.get_ref().as_ref();
        chain.push((key.to_string(), v.get_ref(), v.span()));
        match v.get_ref() {
            DeValue::Array(_) if STRUCT_KEYS.contains(&key) => return Some(key.to_string()),
            DeValue::Array(items) if LIST_KEYS.contains(&key) => {
                for (i, item) in items.iter().enumerate() {
                    chain.push((i.to_string(), item.get_ref(), item.span()));
                    if matches!(item.get_ref(), DeValue::Array(_)) {
                        return Some(key.to_string());
                    }
                    if let Some(found) = positional(item.get_ref(), chain) {
                        return Some(found);
                    }
                    chain.pop();
                }
            }
            other => {
                if let Some(found) = positional(other, chain) {
                    return Some(found);
                }
            }
        }
        chain.pop();
    }
    None
}

/// A located chain as a `--set` path: parties and phases by id, other
/// list items by position (`phase.truce.transition.0.when.all.1`).
fn path(found: &[Link]) -> String {
    let mut out: Vec<String> = Vec::new();
    for (i, (key, value, _)) in found.iter().enumerate() {
        let in_entity = i > 0 && matches!(found[i - 1].0.as_str(), "party" | "phase");
        let id = value
            .as_table()
            .and_then(|t| t.get("id"))
            .and_then(|id| id.get_ref().as_str());
        match (in_entity, id) {
            (true, Some(id)) => out.push(id.to_string()),
            _ => out.push(key.clone()),
        }
    }
    out.join(".")
}

/// A value as written, shortened to fit a message.
fn shown(v: &DeValue) -> String {
    let text = match v {
        DeValue::String(s) => format!("{:?}", s.as_ref()),
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(a) => format!(
            "[{}]",
            a.iter()
                .map(|v| shown(v.get_ref()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        DeValue::Table(t) => format!(
            "{{ {} }}",
            t.iter()
                .map(|(k, v)| format!("{} = {}", k.get_ref(), shown(v.get_ref())))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    const MOST: usize = 60;
    if text.chars().count() > MOST {
        format!("{}…", text.chars().take(MOST).collect::<String>())
    } else {
        text
    }
}

/// What kind of value `v` is, in words.
fn kind(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a number with a fraction",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// Serde's "expected …" (a Rust type) in the words of a scenario file.
fn expected_in_words(expected: &str, key: Option<&str>) -> String {
    let struct_name = expected
        .strip_prefix("struct ")
        .map(|s| s.split(' ').next().unwrap_or(s));
    match (expected, struct_name) {
        ("i64", _) => "a whole number without quotes, e.g. 90".into(),
        ("f64", _) => "a number without quotes, e.g. 0.5 or 2".into(),
        ("a string", _) => "a string in quotes, e.g. \"truce\"".into(),
        ("a boolean", _) => "true or false, without quotes".into(),
        ("a sequence", _) => "a list [ … ]".into(),
        ("a TOML datetime", _) => "a date without quotes, e.g. 2016-09-12".into(),
        ("a map", _) => table_shape(key.unwrap_or("")),
        (_, Some("RawCondition")) => table_shape("when"),
        (_, Some("RawWindow")) => table_shape("reported_in_window"),
        (_, Some("RawCountWindow")) => table_shape("blocked_in_window"),
        (_, Some(_)) => table_shape(key.unwrap_or("")),
        (other, None) => other.to_string(),
    }
}

/// The table a key holds, in words with an example.
fn table_shape(key: &str) -> String {
    match key {
        "when" | "all" | "any" => {
            "a condition table, e.g. { streak_at_least = 7 }".into()
        }
        "reported_in_window" => {
            "a table { days = …, at_least = …, severity = \"major\" or \"any\" } with an optional party = \"…\"".into()
        }
        "blocked_in_window" | "violation_days_in_window" => {
            "a table { days = …, at_least = … }".into()
        }
        "transition" => "a table { to = \"…\", when = { … } }".into(),
        "retaliation" => "a table of party ids and numbers, e.g. { opposition = 0.1 }".into(),
        "rate_multiplier" => {
            "a table of party ids and numbers, e.g. { isis = 1.5 }".into()
        }
        k if k.chars().all(|c| c.is_ascii_digit()) => "a table".into(),
        "" => "a table".into(),
        k => format!("a table [{k}]"),
    }
}

/// The allowed fields of serde's "unknown field" message, in plain words.
fn allowed_fields(message: &str) -> String {
    match message.split_once(", expected ") {
        Some((_, rest)) => {
            let fields: Vec<&str> = rest
                .split('`')
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, f)| f)
                .collect();
            if fields.is_empty() {
                "no keys".into()
            } else {
                fields.join(", ")
            }
        }
        None => "no keys".into(),
    }
}

/// The text between `start` and the next `end` in `message`.
fn between<'a>(message: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let (_, rest) = message.split_once(start)?;
    rest.split_once(end).map(|(inner, _)| inner)
}
