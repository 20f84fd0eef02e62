//! The scenario file's keys as a JSON Schema and as the key table of
//! `docs/model.md`, both generated from the raw types that read the file,
//! so that neither can drift from what `ceasefire` accepts: a key, its type,
//! its range, its default and its meaning are written once, on the field
//! that reads it (`raw.rs`), and the schema and the table are read off it.
//!
//! Editors use the schema to complete and check scenario files (taplo, Even
//! Better TOML: see `docs/model.md`); `ceasefire schema` prints it, and
//! `ceasefire schema --markdown` prints the table.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

use super::raw::RawFile;

/// The JSON Schema (draft 7, which taplo reads) of a scenario file.
///
/// Optional keys are plain optional properties (TOML has no null), and the
/// keys whose default is another key's value say so in their description
/// ("Default: monitoring.detection").
pub fn json_schema() -> Value {
    let mut schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawFile>()
        .to_value();
    drop_null(&mut schema);
    schema
}

/// Removes `null` from every `type` list and `{ "type": "null" }` from
/// every `anyOf`: schemars writes `Option<T>` as "T or null", and a TOML key
/// is never null, only present or absent.
fn drop_null(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(any_of)) = map.get_mut("anyOf") {
                any_of.retain(|s| s.get("type").is_none_or(|t| t != "null"));
                if any_of.len() == 1 {
                    let only = any_of.remove(0);
                    map.remove("anyOf");
                    if let Value::Object(inner) = only {
                        for (k, x) in inner {
                            map.entry(k).or_insert(x);
                        }
                    }
                }
            }
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            for x in map.values_mut() {
                drop_null(x);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

/// One key of the table: its path, type, range, default and meaning.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeyRow {
    /// Dotted path: `party.rate`, `phase.transition.when.streak_at_least`.
    pub(crate) key: String,
    /// The TOML type, in words.
    pub(crate) kind: String,
    /// The values allowed, in words (empty if any value of the type).
    pub(crate) range: String,
    /// The default, "required", or the key whose value is the default.
    pub(crate) default: String,
    /// What the key means.
    pub(crate) meaning: String,
}

/// Every key of a scenario file, in file order, read off [`json_schema`].
pub(crate) fn key_rows() -> Vec<KeyRow> {
    let schema = json_schema();
    let mut rows = Vec::new();
    walk(&schema, &schema, "", &mut rows);
    // Tables in the order a scenario file is written, keys within a table
    // alphabetically (as the schema holds them).
    let section = |r: &KeyRow| {
        let top = r.key.split('.').next().unwrap_or("");
        FILE_ORDER
            .iter()
            .position(|s| *s == top)
            .unwrap_or(FILE_ORDER.len())
    };
    rows.sort_by_key(section);
    rows
}

/// The top-level tables in the order a scenario file is written.
const FILE_ORDER: [&str; 6] = [
    "scenario",
    "compliance",
    "monitoring",
    "humanitarian",
    "party",
    "phase",
];

/// The definition a schema refers to (`$ref`, or draft 7's `allOf` of one
/// `$ref` beside a description), or the schema itself.
fn resolve<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    let s = match s.get("allOf").and_then(Value::as_array) {
        Some(all) if all.len() == 1 => &all[0],
        _ => s,
    };
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or(r);
            root.get("definitions")
                .and_then(|d| d.get(name))
                .unwrap_or(s)
        }
        None => s,
    }
}

/// The table whose entries a key holds: itself, or the items of a list.
fn table_of<'a>(root: &'a Value, s: &'a Value) -> Option<&'a Map<String, Value>> {
    let s = resolve(root, s);
    let s = match s.get("items") {
        Some(items) if s.get("type").and_then(Value::as_str) == Some("array") => {
            resolve(root, items)
        }
        _ => s,
    };
    s.get("properties").and_then(Value::as_object)
}

/// Adds a row for every property of `table` (prefixed by `prefix`) and
/// descends into the tables they hold, once each (`all` and `any` hold
/// the conditions already listed).
fn walk(root: &Value, table: &Value, prefix: &str, rows: &mut Vec<KeyRow>) {
    let table = resolve(root, table);
    let Some(props) = table.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = table
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, prop) in props {
        let key = format!("{prefix}{name}");
        let resolved = resolve(root, prop);
        let description = prop
            .get("description")
            .or_else(|| resolved.get("description"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .replace('\n', " ");
        let (meaning, said_default) = match description.split_once(" Default: ") {
            Some((m, d)) => (m.to_string(), Some(d.trim_end_matches('.').to_string())),
            None => (description.clone(), None),
        };
        let default = match (prop.get("default"), said_default) {
            (Some(d), _) => json_text(d),
            (None, Some(d)) => d,
            (None, None) if required.contains(&name.as_str()) => "required".into(),
            (None, None) => "—".into(),
        };
        rows.push(KeyRow {
            key: key.clone(),
            kind: kind(root, prop),
            range: range(prop),
            default,
            meaning,
        });
        let recursive = matches!(name.as_str(), "all" | "any");
        if !recursive && table_of(root, prop).is_some() {
            let inner = match resolved.get("items") {
                Some(items) => resolve(root, items),
                None => resolved,
            };
            walk(root, inner, &format!("{key}."), rows);
        }
    }
}

/// A JSON value as it is written in TOML.
fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Object(m) if m.is_empty() => "{}".into(),
        other => other.to_string(),
    }
}

/// The TOML type of a property, in words.
fn kind(root: &Value, prop: &Value) -> String {
    let s = resolve(root, prop);
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(json_text)
            .collect::<Vec<_>>()
            .join(" or ");
    }
    let ty = s.get("type").and_then(Value::as_str).unwrap_or("");
    match (ty, s.get("format").and_then(Value::as_str)) {
        (_, Some("date")) => "date".into(),
        ("integer", _) => "integer".into(),
        ("number", _) => "number".into(),
        ("string", _) => "string".into(),
        ("boolean", _) => "boolean".into(),
        ("array", _) => {
            let items = s.get("items").map(|i| resolve(root, i));
            let title = items
                .and_then(|i| i.get("description"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if title.starts_with("A condition") {
                "list of conditions".into()
            } else {
                "list of tables".into()
            }
        }
        ("object", _) if s.get("additionalProperties").is_some_and(Value::is_object) => {
            "table of party id = number".into()
        }
        ("object", _) => "table".into(),
        _ => "table".into(),
    }
}

/// The values a property allows, in words.
fn range(prop: &Value) -> String {
    let num = |k: &str| prop.get(k).map(|v| v.to_string());
    let mut parts = Vec::new();
    match (num("minimum"), num("maximum")) {
        (Some(lo), Some(hi)) if lo.contains('.') || hi.contains('.') => {
            parts.push(format!("[{lo}, {hi}]"))
        }
        (Some(lo), Some(hi)) => parts.push(format!("{lo} to {hi}")),
        (Some(lo), None) => parts.push(format!("≥ {lo}")),
        (None, Some(hi)) => parts.push(format!("≤ {hi}")),
        (None, None) => {}
    }
    if let Some(lo) = num("exclusiveMinimum") {
        parts.push(format!("> {lo}"));
    }
    if let Some(Value::Object(values)) = prop.get("additionalProperties")
        && let Some(lo) = values.get("minimum")
    {
        parts.push(format!("each ≥ {lo}"));
    }
    if prop.get("minLength").is_some() {
        parts.push("not empty".into());
    }
    match (prop.get("minItems"), prop.get("maxItems")) {
        (Some(lo), Some(hi)) => parts.push(format!("{lo} to {hi} items")),
        (Some(lo), None) => parts.push(format!("{lo} or more")),
        (None, Some(hi)) => parts.push(format!("at most {hi} items")),
        (None, None) => {}
    }
    if prop.get("pattern").is_some() {
        parts.push("letters, digits, `_`, `-`".into());
    }
    parts.join("; ")
}

/// The key table of `docs/model.md`, as Markdown.
pub fn key_table() -> String {
    let mut out =
        String::from("| key | type | range | default | meaning |\n|---|---|---|---|---|\n");
    for r in key_rows() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            r.key,
            r.kind,
            r.range,
            r.default,
            r.meaning.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_type_a_meaning_and_a_default_or_is_required() {
        let rows = key_rows();
        assert!(rows.len() > 40, "{rows:#?}");
        for r in &rows {
            assert!(!r.kind.is_empty() && !r.meaning.is_empty(), "{r:?}");
            let scalar = !r.kind.starts_with("table") && !r.kind.starts_with("list");
            assert!(
                r.default != "—" || !scalar || r.key.contains(".when."),
                "an optional key without a documented default: {r:?}"
            );
        }
        let find = |k: &str| {
            rows.iter()
                .find(|r| r.key == k)
                .unwrap_or_else(|| panic!("{k}"))
        };
        assert_eq!(find("scenario.horizon_days").range, "1 to 36500");
        assert_eq!(find("monitoring.detection").default, "1.0");
        assert_eq!(find("party.rate").default, "required");
        assert_eq!(find("compliance.counts").kind, "\"major\" or \"any\"");
    }

    #[test]
    fn the_schema_has_no_null_and_refuses_unknown_keys() {
        let text = json_schema().to_string();
        assert!(!text.contains("\"null\""), "{text}");
        assert!(text.contains("\"additionalProperties\":false"), "{text}");
    }
}
