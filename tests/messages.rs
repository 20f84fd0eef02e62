//! Error messages in the program's words: each names the file (with
//! line:column) or the option, the key, the bad value and what is allowed,
//! and none leaks a Rust or serde name (`i64`, `RawWindow`,
//! `$__toml_private_datetime`). Messages about a scenario's text are
//! checked in the library, which makes them (`scenario_errors` checks that
//! the command line prints them); those about options and input files go
//! through the real binary.
//!
//! One test per message of issues 13 (item 9) and 14 (item 8), and of the
//! size limits on input files (issue 13, item 10).

use crate::util;

use util::Dir;

/// A small valid scenario that each test breaks in one place.
const BASE: &str = include_str!("fixtures/messages.toml");

/// Names that must never reach a user.
const INTERNAL: [&str; 8] = [
    "i64",
    "f64",
    "Raw",
    "$__toml",
    "invalid type",
    "invalid length",
    "struct",
    "sequence",
];

/// The library's refusal of BASE with `from` replaced by `to`, named
/// `name`, after asserting that it names the file first, at a line:column,
/// and leaks no internal name.
fn check_refuses(name: &str, from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "{from:?} must occur once");
    let msg = util::refusal(name, &BASE.replacen(from, to, 1));
    assert!(
        msg.starts_with(&format!("{name}:")),
        "the message names the file first:\n{msg}"
    );
    for word in INTERNAL {
        assert!(!msg.contains(word), "leaks {word:?}:\n{msg}");
    }
    msg
}

/// `file:line:column` at the start of the message.
fn place(msg: &str, name: &str) -> (usize, usize) {
    let rest = &msg[msg.find(name).expect("file named") + name.len() + 1..];
    let mut parts = rest.splitn(3, ':');
    let line = parts.next().unwrap().parse().expect("a line number");
    let column = parts.next().unwrap().parse().expect("a column number");
    (line, column)
}

#[test]
fn a_string_where_a_whole_number_belongs_names_key_value_and_rule() {
    let msg = check_refuses(
        "wrongtype.toml",
        "horizon_days = 30",
        "horizon_days = \"90\"",
    );
    assert_eq!(place(&msg, "wrongtype.toml"), (5, 16), "{msg}");
    assert!(
        msg.contains("scenario.horizon_days = \"90\" is a string")
            && msg.contains("allowed: a whole number"),
        "{msg}"
    );
}

#[test]
fn an_unquoted_date_where_a_string_belongs_is_called_a_date() {
    let msg = check_refuses("date.toml", "name = \"Messages\"", "name = 2016-09-12");
    assert!(
        msg.contains("scenario.name = 2016-09-12 is a date")
            && msg.contains("allowed: a string in quotes"),
        "{msg}"
    );
}

#[test]
fn a_date_where_a_condition_belongs_names_the_condition_kinds() {
    let msg = check_refuses(
        "datewhen.toml",
        "when = { streak_at_least = 7 }",
        "when = 2016-09-12",
    );
    assert_eq!(place(&msg, "datewhen.toml"), (21, 8), "{msg}");
    assert!(
        msg.contains("phase.truce.transition.0.when = 2016-09-12 is a date")
            && msg.contains("streak_at_least")
            && msg.contains("probability"),
        "{msg}"
    );
}

#[test]
fn a_quoted_date_is_refused_with_an_example() {
    let msg = check_refuses(
        "quoted.toml",
        "start_date = 2016-09-12",
        "start_date = \"2016-09-12\"",
    );
    assert!(
        msg.contains("scenario.start_date = \"2016-09-12\" is a string")
            && msg.contains("a date without quotes, e.g. 2016-09-12"),
        "{msg}"
    );
}

#[test]
fn a_list_where_a_window_table_belongs_shows_the_table() {
    for list in ["[3, 9]", "[3, 9, \"major\", \"government\"]"] {
        let msg = check_refuses(
            "window.toml",
            "when = { streak_at_least = 7 }",
            &format!("when = {{ reported_in_window = {list} }}"),
        );
        assert!(
            msg.contains(&format!(
                "phase.truce.transition.0.when.reported_in_window = {list} is a list"
            )) && msg.contains("days = …, at_least = …, severity = \"major\" or \"any\""),
            "{msg}"
        );
    }
}

#[test]
fn a_fraction_where_a_day_count_belongs_is_named() {
    let msg = check_refuses(
        "fraction.toml",
        "when = { streak_at_least = 7 }",
        "when = { streak_at_least = 7.5 }",
    );
    assert!(
        msg.contains("when.streak_at_least = 7.5 is a number with a fraction")
            && msg.contains("a whole number"),
        "{msg}"
    );
}

#[test]
fn a_number_where_a_party_rate_belongs_names_the_party() {
    let msg = check_refuses("rate.toml", "rate = 1.5", "rate = \"high\"");
    assert!(
        msg.contains("party.opposition.rate = \"high\" is a string")
            && msg.contains("a number without quotes"),
        "{msg}"
    );
}

#[test]
fn a_whole_number_out_of_range_says_so() {
    let msg = check_refuses(
        "huge.toml",
        "horizon_days = 30",
        "horizon_days = 99999999999999999999",
    );
    assert!(
        msg.contains("scenario.horizon_days = 99999999999999999999 is out of range"),
        "{msg}"
    );
}

#[test]
fn unknown_and_missing_keys_name_where_they_are() {
    let msg = check_refuses(
        "unknown.toml",
        "when = { streak_at_least = 7 }",
        "when = { streak_at_lest = 7 }",
    );
    assert!(
        msg.contains("unknown key 'streak_at_lest' in phase.truce.transition.0.when")
            && msg.contains("allowed: streak_at_least, days_in_phase_at_least"),
        "{msg}"
    );
    let msg = check_refuses("missing.toml", "rate = 1.5\n", "");
    assert!(
        msg.contains("party.opposition has no key 'rate', which is required"),
        "{msg}"
    );
}

/// `when = { all = [ … ] }` nested `depth` deep around a streak condition.
fn nested(depth: usize) -> String {
    format!(
        "when = {}{{ streak_at_least = 7 }}{}",
        "{ all = [".repeat(depth),
        " ] }".repeat(depth)
    )
}

#[test]
fn nesting_too_deep_states_the_limit_and_the_limit_is_exact() {
    let msg = check_refuses("deep.toml", "when = { streak_at_least = 7 }", &nested(40));
    assert!(
        msg.contains("nesting too deep: at most 80 levels")
            && msg.contains("conditions nest at most 39 deep"),
        "{msg}"
    );
    // The stated limit is the real one: 39 levels pass.
    let deep = BASE.replacen("when = { streak_at_least = 7 }", &nested(39), 1);
    if let Err(e) = ceasefire::Scenario::from_toml(&deep, "deep.toml") {
        panic!("39 levels are refused: {e}");
    }
}

#[test]
fn runs_zero_says_runs_are_one_or_more() {
    let dir = Dir::new();
    let ran = dir
        .command(["run", "--runs", "0", "--out", "out"])
        .failure();
    assert!(
        ran.stderr.contains("'0' is not allowed")
            && ran.stderr.contains("a whole number of runs, 1 or more")
            && !ran.stderr.contains("non-zero type"),
        "{ran}"
    );
}

#[test]
fn a_missing_transition_states_the_positions_that_exist() {
    let msg = util::refusal_with(
        "base.toml",
        BASE,
        &["phase.truce.transition.5.when.streak_at_least=3"],
    );
    assert!(
        msg.contains("'phase.truce' has no transition 5 (allowed: 0)"),
        "{msg}"
    );
    // Geneva's truce has four transitions: 0 to 3, and 4 is not one.
    let geneva = std::fs::read_to_string(util::reference_scenario("geneva-2016")).unwrap();
    let msg = util::refusal_with(
        "geneva-2016.toml",
        &geneva,
        &["phase.truce.transition.4.when.streak_at_least=3"],
    );
    assert!(
        msg.contains("'phase.truce' has no transition 4 (allowed: 0 to 3)"),
        "{msg}"
    );
}

#[test]
fn a_set_change_of_the_wrong_type_is_said_in_words() {
    let msg = util::refusal_with("base.toml", BASE, &["party.government.rate=\"x\""]);
    assert!(
        msg.contains("party.government.rate = \"x\" is a string (allowed: a number"),
        "{msg}"
    );
}

#[test]
fn an_endless_scenario_file_is_cut_at_the_limit() {
    let dir = Dir::new();
    // A device is refused before a byte is read (issue 31).
    let ran = dir.command(["check", "/dev/zero"]).failure();
    assert!(
        ran.stderr.contains(
            "/dev/zero: cannot read scenario: it is a character device, not a regular file"
        ),
        "{ran}"
    );
    let huge = sparse(&dir, "huge.toml", 1 << 30);
    for cmd in ["check", "run"] {
        let ran = dir.command([cmd, huge.as_str()]).failure();
        assert!(
            ran.stderr.contains("huge.toml: cannot read scenario")
                && ran.stderr.contains("more than 4 MiB (4194304 bytes)")
                && ran.stderr.contains("the limit for a scenario file"),
            "{ran}"
        );
        // Said once: the cause is part of the message, not repeated after it.
        assert_eq!(ran.stderr.matches("more than 4 MiB").count(), 1, "{ran}");
    }
    // A file of exactly the limit is read (and refused for what it holds).
    let exact = dir.join("exact.toml");
    std::fs::File::create(&exact)
        .unwrap()
        .set_len(4 << 20)
        .unwrap();
    let ran = dir.command(["check", "exact.toml"]).failure();
    assert!(!ran.stderr.contains("4 MiB"), "{ran}");
}

/// A sparse file of `bytes` zero bytes.
fn sparse(dir: &Dir, name: &str, bytes: u64) -> String {
    std::fs::File::create(dir.join(name))
        .unwrap()
        .set_len(bytes)
        .unwrap();
    name.to_string()
}

#[test]
fn a_design_file_over_the_limit_is_refused_naming_it() {
    let dir = Dir::new();
    let design = sparse(&dir, "design.csv", (64 << 20) + 1);
    let ran = dir
        .command(["sweep", "--design", &design, "--runs", "10", "--out", "out"])
        .failure();
    assert!(
        ran.stderr.contains("design.csv")
            && ran.stderr.contains("more than 64 MiB (67108864 bytes)")
            && ran.stderr.contains("the limit for a design file"),
        "{ran}"
    );
}

#[test]
fn a_counts_file_over_the_limit_is_refused_naming_it() {
    let dir = Dir::new();
    let counts = sparse(&dir, "counts.csv", (64 << 20) + 1);
    let ran = dir
        .command([
            "fit",
            &counts,
            "--period",
            "all=2016-09-12..2016-09-20",
            "--out",
            "out",
        ])
        .failure();
    assert!(
        ran.stderr.contains("counts.csv: cannot read counts")
            && ran.stderr.contains("more than 64 MiB (67108864 bytes)")
            && ran.stderr.contains("the limit for counts files"),
        "{ran}"
    );
}

/// Every input of the committed fuzz corpus (fuzz/corpus/scenario, found by
/// `scripts/fuzz.sh` and minimised) is read again on every `cargo test`:
/// each gives a scenario or an error, never a panic, and no error leaks an
/// internal name or lacks the file's name.
#[test]
fn every_fuzz_corpus_input_is_read_without_panic_in_the_programs_words() {
    let dir = util::repo_file("fuzz/corpus/scenario");
    let mut inputs = 0;
    let mut refused = 0;
    for entry in std::fs::read_dir(&dir).expect("the committed corpus") {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        inputs += 1;
        match ceasefire::Scenario::from_toml(text, "fuzz.toml") {
            Ok(sc) => {
                let _ = sc.describe();
                let _ = ceasefire::model::baseline::describe(&sc);
            }
            Err(e) => {
                refused += 1;
                let msg = e.to_string();
                assert!(msg.starts_with("fuzz.toml"), "{}: {msg}", path.display());
                for word in ["$__toml", "struct Raw", "expected i64", "expected f64"] {
                    assert!(
                        !msg.contains(word),
                        "{}: leaks {word:?}: {msg}",
                        path.display()
                    );
                }
            }
        }
    }
    assert!(
        inputs >= 100 && refused > 0,
        "{inputs} inputs, {refused} refused"
    );
}
