//! The key reference cannot drift: `ceasefire schema` prints a JSON Schema
//! generated from the types that read scenario files, the key table of
//! docs/model.md is regenerated from it and must be equal, every default
//! the schema states is the value validation gives a key left out, and
//! every template `ceasefire init` writes passes `ceasefire check`.

use crate::util;

use util::{Dir, repo_file};

#[test]
fn the_key_table_in_docs_is_the_one_the_schema_gives() {
    let dir = Dir::new();
    let generated = dir.command(["schema", "--markdown"]).success().stdout;
    let docs = std::fs::read_to_string(repo_file("docs/model.md")).unwrap();
    let begin = docs
        .find("<!-- keys:begin")
        .expect("docs/model.md has a keys:begin marker");
    let body = &docs[begin..];
    let start = body.find("-->\n").unwrap() + 4;
    let end = body.find("<!-- keys:end -->").expect("a keys:end marker");
    assert!(
        body[start..end] == generated,
        "docs/model.md's key table differs from `ceasefire schema --markdown`; \
         replace the lines between the markers with its output.\n--- generated ---\n{generated}"
    );
    // Every key named in the issue has its default in the table.
    for (key, default) in [
        ("party.major_share", "1.0"),
        ("monitoring.detection", "1.0"),
        ("compliance.tolerance", "0"),
        ("compliance.counts", "\"major\""),
        ("compliance.requires_aid", "false"),
        ("humanitarian.convoys_per_day", "0.0"),
        ("humanitarian.block_probability", "0.0"),
        (
            "humanitarian.block_probability_violent",
            "block_probability",
        ),
        ("scenario.description", "\"\""),
        ("scenario.name", "required"),
    ] {
        let row = generated
            .lines()
            .find(|l| l.starts_with(&format!("| `{key}` |")))
            .unwrap_or_else(|| panic!("no row for {key}"));
        let cells: Vec<&str> = row.split(" | ").collect();
        assert_eq!(cells[3], default, "{row}");
    }
}

#[test]
fn the_schema_is_draft_7_json_that_refuses_unknown_keys_and_states_ranges() {
    let dir = Dir::new();
    let out = dir.command(["schema"]).success().stdout;
    let schema: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
    let defs = &schema["definitions"];
    let header = &defs["RawHeader"]["properties"];
    assert_eq!(header["horizon_days"]["minimum"], 1);
    assert_eq!(header["horizon_days"]["maximum"], 36500);
    assert_eq!(header["start_date"]["format"], "date");
    let party = &defs["RawParty"];
    assert_eq!(party["additionalProperties"], false);
    assert_eq!(party["required"], serde_json::json!(["id", "rate"]));
    assert_eq!(party["properties"]["major_share"]["maximum"], 1.0);
    assert!(
        party["properties"]["rate"]["description"]
            .as_str()
            .unwrap()
            .contains("attacks per day"),
        "doc comments are descriptions"
    );
    assert!(!out.contains("null"), "a TOML key is never null:\n{out}");
}

/// A scenario that leaves out every key that has a default.
const BARE: &str = r#"
[scenario]
name = "Bare"
start_date = 2016-09-12
horizon_days = 10
initial_phase = "only"

[[party]]
id = "a"
rate = 1.0

[[phase]]
id = "only"
"#;

#[test]
fn every_default_the_schema_states_is_the_one_validation_applies() {
    let dir = Dir::new();
    let schema: serde_json::Value =
        serde_json::from_str(&dir.command(["schema"]).success().stdout).unwrap();
    let default =
        |def: &str, key: &str| schema["definitions"][def]["properties"][key]["default"].clone();
    let sc = ceasefire::Scenario::from_toml(BARE, "bare.toml").unwrap();
    let f = |v: serde_json::Value| v.as_f64().unwrap();
    assert_eq!(sc.detection(), f(default("RawMonitoring", "detection")));
    let c = sc.compliance();
    assert_eq!(c.counts.as_str(), default("RawCompliance", "counts"));
    assert_eq!(
        c.tolerance,
        default("RawCompliance", "tolerance").as_u64().unwrap()
    );
    assert_eq!(
        c.requires_aid,
        default("RawCompliance", "requires_aid").as_bool().unwrap()
    );
    let h = sc.humanitarian();
    assert_eq!(
        h.convoys_per_day,
        f(default("RawHumanitarian", "convoys_per_day"))
    );
    assert_eq!(
        h.block_probability,
        f(default("RawHumanitarian", "block_probability"))
    );
    let p = &sc.parties()[0];
    assert_eq!(p.major_share, f(default("RawParty", "major_share")));
    assert_eq!(
        p.false_reports_per_day,
        f(default("RawParty", "false_reports_per_day"))
    );
    assert_eq!(p.half_life_days, f(default("RawParty", "half_life_days")));
    assert_eq!(p.bound, default("RawParty", "bound").as_bool().unwrap());
    assert_eq!(p.name, "a", "a party's name defaults to its id");
    assert_eq!(sc.description(), default("RawHeader", "description"));
    // The defaults that name another key.
    let changed = sc
        .with_value("humanitarian.block_probability", 0.3)
        .unwrap();
    assert_eq!(changed.humanitarian().block_probability_violent, 0.3);
    let changed = sc.with_value("monitoring.detection", 0.4).unwrap();
    assert_eq!(changed.phase_detection(0), 0.4);
}

#[test]
fn every_template_init_writes_passes_check() {
    let dir = Dir::new();
    for template in ["minimal", "geneva", "munich"] {
        let file = format!("{template}.toml");
        let ran = dir
            .command(["init", "--template", template, &file])
            .success();
        assert!(ran.stdout.contains(&format!("wrote {file}")), "{ran}");
        let check = dir.command(["check", &file]).success();
        assert!(check.stdout.contains(&format!("{file}: ok")), "{check}");
        assert!(dir.read(&file).starts_with('#'), "a template is commented");
    }
    // The default template is the minimal one.
    dir.command(["init", "default.toml"]).success();
    assert_eq!(dir.read("default.toml"), dir.read("minimal.toml"));
    let listing: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(listing.len(), 4, "no staged file is left behind");
}

#[test]
fn init_never_overwrites_a_file() {
    let dir = Dir::new();
    dir.write("mine.toml", "my own work\n");
    let ran = dir.command(["init", "mine.toml"]).failure();
    assert!(
        ran.stderr.contains("mine.toml: cannot write the scenario")
            && ran.stderr.contains("the file exists"),
        "{ran}"
    );
    assert_eq!(dir.read("mine.toml"), "my own work\n");
    let ran = dir
        .command(["init", "--template", "paris", "new.toml"])
        .failure();
    assert!(
        ran.stderr
            .contains("'paris' is not a template (allowed: minimal, geneva, munich)"),
        "{ran}"
    );
    assert!(!dir.join("new.toml").exists());
}
