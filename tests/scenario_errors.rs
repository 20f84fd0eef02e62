//! Bad scenarios are refused with the culprit named, and leave no output.
//!
//! Each case edits one line of a valid scenario (`fixtures/refusals.toml`).
//! The library must then refuse it with a message that names the file,
//! gives a `line:column` on the edited line (and at the culprit on it), and
//! shows the bad value and what is allowed. The cases are checked where the
//! message is made, in the library; one test checks that `run` and `check`
//! print that message and that `run` leaves no CSV, manifest or `.partial`
//! file.
//!
//! Findings that do not stop a run (explosive retaliation, unreachable
//! phases) are warnings: printed, but the scenario passes.

use crate::util;

use util::{Dir, outputs_under};

/// A valid scenario that every case edits. The comment on the first line
/// keeps `[scenario]` off line 1, so that a message pointing at 1:1 by
/// default is not mistaken for one pointing at the table.
const BASE: &str = include_str!("fixtures/refusals.toml");

/// One way to break [`BASE`].
struct Case {
    /// File stem of the bad scenario (named in the message).
    name: &'static str,
    /// A unique piece of [`BASE`]…
    from: &'static str,
    /// …and what it becomes.
    to: &'static str,
    /// The message must point at the line of the edited file that contains
    /// this text, and at the column where it starts.
    at: &'static str,
    /// Texts the message must contain (the bad value, what is allowed),
    /// compared case-insensitively.
    says: &'static [&'static str],
}

impl Case {
    fn text(&self) -> String {
        assert_eq!(
            BASE.matches(self.from).count(),
            1,
            "{}: {:?} must occur once in the base scenario",
            self.name,
            self.from
        );
        BASE.replacen(self.from, self.to, 1)
    }

    /// 1-based line and column where `at` stands in the edited text.
    fn position(&self, text: &str) -> (usize, usize) {
        assert_eq!(
            text.matches(self.at).count(),
            1,
            "{}: {:?} must occur once in the edited scenario",
            self.name,
            self.at
        );
        let offset = text.find(self.at).unwrap();
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

/// `(line, column)` of the first `file:line:column:` in `message`.
fn located(message: &str, file: &str) -> Option<(usize, usize)> {
    let prefix = format!("{file}:");
    let start = message.find(&prefix)? + prefix.len();
    let mut parts = message[start..].splitn(3, ':');
    let line = parts.next()?.parse().ok()?;
    let column = parts.next()?.parse().ok()?;
    Some((line, column))
}

/// Asserts everything the module docs promise of the library's refusal of
/// the broken scenario: the file at the right `line:column`, and the texts
/// the case names.
fn assert_refused(case: &Case) {
    let text = case.text();
    let file = format!("{}.toml", case.name);
    let (line, column) = case.position(&text);
    let msg = util::refusal(&file, &text);
    let at = located(&msg, &file);
    assert!(
        at.is_some(),
        "{}: the message does not name {file}:line:column\n{msg}",
        case.name
    );
    let (at_line, at_column) = at.unwrap();
    assert_eq!(
        at_line,
        line,
        "{}: the message points at the wrong line; line {line} is {:?}\n{msg}",
        case.name,
        text.lines().nth(line - 1).unwrap_or("")
    );
    assert_eq!(
        at_column, column,
        "{}: the message points at the wrong column; {:?} starts at column {column}\n{msg}",
        case.name, case.at
    );
    let lower = msg.to_lowercase();
    for says in case.says {
        assert!(
            lower.contains(&says.to_lowercase()),
            "{}: the message does not say {says:?}\n{msg}",
            case.name
        );
    }
}

/// `run` and `check` print the library's refusal after `error: `, print no
/// results, and `run` writes nothing; `check` counts the failure. One case
/// of each kind of refusal (a key, a value, a reference, a type) is enough
/// here: every case above goes through the same loading.
#[test]
fn the_command_line_prints_the_refusal_and_writes_nothing() {
    let cases = [
        ("misspelt-key", "rate = 1.5", "rat = 1.5"),
        ("nan-rate", "rate = 1.5", "rate = nan"),
        ("unknown-to", "to = \"joint\"", "to = \"jiont\""),
        (
            "date-type",
            "start_date = 2016-09-12",
            "start_date = \"2016-09-12\"",
        ),
    ];
    for (name, from, to) in cases {
        let dir = Dir::new();
        let file = format!("{name}.toml");
        let text = BASE.replacen(from, to, 1);
        dir.write(&file, &text);
        let said = format!("error: {}", util::refusal(&file, &text));
        let run = dir
            .command(["run", &file, "--out", "out", "--runs", "10"])
            .failure();
        let check = dir.command(["check", &file]).failure();
        for (what, ran) in [("run", &run), ("check", &check)] {
            assert!(
                ran.stderr.contains(&said),
                "{name}: {what} does not print {said:?}\n{ran}"
            );
            assert!(
                ran.stdout.is_empty(),
                "{name}: a refused {what} prints no results\n{ran}"
            );
        }
        assert!(
            check.stderr.contains("1 of 1 scenario files have errors"),
            "{name}: check counts the failure\n{check}"
        );
        let left = outputs_under(&dir.join("out"));
        assert!(
            left.is_empty(),
            "{name}: a refused run left {left:?}\n{run}"
        );
    }
}

#[test]
fn the_base_scenario_is_valid() {
    // Otherwise the cases below would fail for the wrong reason.
    let dir = Dir::new();
    dir.write("base.toml", BASE);
    let check = dir.command(["check", "base.toml"]).success();
    assert!(!check.stdout.contains("warning"), "{check}");
    dir.command([
        "run",
        "base.toml",
        "--out",
        "out",
        "--runs",
        "10",
        "--quiet",
    ])
    .success();
    assert_eq!(outputs_under(&dir.join("out")).len(), 6);
}

#[test]
fn misspelt_key_is_refused() {
    assert_refused(&Case {
        name: "misspelt-key",
        from: "rate = 1.5",
        to: "rat = 1.5",
        at: "rat = 1.5",
        says: &["unknown key 'rat'", "allowed:", " rate,"],
    });
}

#[test]
fn misspelt_key_in_a_condition_is_refused() {
    assert_refused(&Case {
        name: "condition-key",
        from: "when = { streak_at_least = 3 }",
        to: "when = { streak_at_leest = 3 }",
        at: "streak_at_leest",
        says: &["'streak_at_leest'", "streak_at_least,", " probability,"],
    });
}

#[test]
fn misspelt_key_in_a_window_is_refused() {
    assert_refused(&Case {
        name: "window-key",
        from: "at_least = 5,",
        to: "at_lest = 5,",
        at: "at_lest",
        says: &["'at_lest'", " at_least,", " severity,"],
    });
}

#[test]
fn misspelt_table_is_refused() {
    assert_refused(&Case {
        name: "table",
        from: "[monitoring]",
        to: "[monitor]",
        at: "monitor]",
        says: &["'monitor'", " monitoring,", " humanitarian,"],
    });
}

#[test]
fn duplicate_party_id_is_refused() {
    assert_refused(&Case {
        name: "duplicate-party",
        from: "id = \"opposition\"",
        to: "id = \"government\"",
        at: "\"government\"\nrate = 1.5",
        says: &["party id 'government'", "declared twice"],
    });
}

#[test]
fn duplicate_phase_id_is_refused() {
    assert_refused(&Case {
        name: "duplicate-phase",
        from: "id = \"joint\"",
        to: "id = \"truce\"",
        at: "\"truce\"\n\n[[phase.transition]]\nto = \"collapse\"",
        says: &["phase id 'truce'", "declared twice"],
    });
}

#[test]
fn unknown_phase_in_a_transition_is_refused_with_a_suggestion() {
    assert_refused(&Case {
        name: "unknown-to",
        from: "to = \"joint\"",
        to: "to = \"jiont\"",
        at: "\"jiont\"",
        says: &[
            "phase 'jiont'",
            "declared: truce, joint, collapse",
            "did you mean 'joint'?",
        ],
    });
}

#[test]
fn unknown_party_in_retaliation_is_refused_with_a_suggestion() {
    assert_refused(&Case {
        name: "unknown-retaliation",
        from: "retaliation = { opposition = 0.1 }",
        to: "retaliation = { oppositon = 0.1 }",
        at: "oppositon",
        says: &[
            "party 'oppositon' in retaliation of 'government'",
            "declared: government, opposition, isis",
            "did you mean 'opposition'?",
        ],
    });
}

#[test]
fn unknown_initial_phase_is_refused() {
    assert_refused(&Case {
        name: "unknown-initial",
        from: "initial_phase = \"truce\"",
        to: "initial_phase = \"peace\"",
        at: "\"peace\"",
        says: &[
            "phase 'peace'",
            "initial_phase",
            "declared: truce, joint, collapse",
        ],
    });
}

#[test]
fn unknown_party_in_a_rate_multiplier_is_refused() {
    assert_refused(&Case {
        name: "unknown-multiplier",
        from: "id = \"joint\"",
        to: "id = \"joint\"\nrate_multiplier = { isiss = 2.0 }",
        at: "isiss",
        says: &[
            "party 'isiss'",
            "declared: government, opposition, isis",
            "did you mean 'isis'?",
        ],
    });
}

#[test]
fn nan_rate_is_refused() {
    assert_refused(&Case {
        name: "nan-rate",
        from: "rate = 1.5",
        to: "rate = nan",
        at: "nan",
        says: &[
            "party 'opposition' rate = nan",
            "allowed: a finite number ≥ 0",
        ],
    });
}

#[test]
fn infinite_rate_is_refused() {
    assert_refused(&Case {
        name: "inf-rate",
        from: "rate = 1.5",
        to: "rate = inf",
        at: "inf",
        says: &[
            "party 'opposition' rate = inf",
            "allowed: a finite number ≥ 0",
        ],
    });
}

#[test]
fn negative_rate_is_refused() {
    assert_refused(&Case {
        name: "negative-rate",
        from: "rate = 1.5",
        to: "rate = -2.5",
        at: "-2.5",
        says: &[
            "party 'opposition' rate = -2.5",
            "allowed: a finite number ≥ 0",
        ],
    });
}

#[test]
fn detection_above_one_is_refused() {
    assert_refused(&Case {
        name: "detection",
        from: "detection = 0.5",
        to: "detection = 1.5",
        at: "1.5\n\n[humanitarian]",
        says: &["monitoring.detection = 1.5", "[0, 1]"],
    });
}

#[test]
fn nan_detection_is_refused() {
    assert_refused(&Case {
        name: "nan-detection",
        from: "detection = 0.5",
        to: "detection = nan",
        at: "nan",
        says: &["monitoring.detection = nan", "[0, 1]"],
    });
}

#[test]
fn negative_major_share_is_refused() {
    assert_refused(&Case {
        name: "major-share",
        from: "major_share = 0.2",
        to: "major_share = -0.1",
        at: "-0.1",
        says: &["party 'government' major_share = -0.1", "[0, 1]"],
    });
}

#[test]
fn block_probability_of_two_is_refused() {
    assert_refused(&Case {
        name: "block",
        from: "block_probability = 0.1",
        to: "block_probability = 2",
        at: "2\nblock_probability_violent",
        says: &["humanitarian.block_probability = 2", "[0, 1]"],
    });
}

#[test]
fn condition_probability_above_one_is_refused() {
    assert_refused(&Case {
        name: "condition-probability",
        from: "{ probability = 0.1",
        to: "{ probability = 1.1",
        at: "1.1",
        says: &["probability = 1.1", "[0, 1]"],
    });
}

#[test]
fn horizon_of_zero_days_is_refused() {
    assert_refused(&Case {
        name: "horizon-0",
        from: "horizon_days = 30",
        to: "horizon_days = 0",
        at: "0\ninitial_phase",
        says: &["scenario.horizon_days = 0", "1..=36500"],
    });
}

#[test]
fn horizon_beyond_a_century_is_refused() {
    assert_refused(&Case {
        name: "horizon-36501",
        from: "horizon_days = 30",
        to: "horizon_days = 36501",
        at: "36501",
        says: &["scenario.horizon_days = 36501", "1..=36500"],
    });
}

#[test]
fn window_of_zero_days_is_refused() {
    assert_refused(&Case {
        name: "window-0",
        from: "days = 3,",
        to: "days = 0,",
        at: "0, at_least",
        says: &["reported_in_window.days = 0", "1..=36500"],
    });
}

#[test]
fn condition_with_two_kinds_is_refused() {
    assert_refused(&Case {
        name: "two-kinds",
        from: "when = { streak_at_least = 3 }",
        to: "when = { streak_at_least = 3, probability = 0.5 }",
        at: "{ streak_at_least = 3, probability",
        says: &["streak_at_least, probability", "exactly one kind"],
    });
}

#[test]
fn on_without_probability_is_refused() {
    assert_refused(&Case {
        name: "on-alone",
        from: "when = { streak_at_least = 3 }",
        to: "when = { streak_at_least = 3, on = \"violation_day\" }",
        at: "\"violation_day\" }\n\n[[phase.transition]]",
        says: &["'on'", "only with 'probability'", "streak_at_least"],
    });
}

#[test]
fn unknown_day_kind_is_refused() {
    assert_refused(&Case {
        name: "day-kind",
        from: "on = \"violation_day\"",
        to: "on = \"rainy_day\"",
        at: "\"rainy_day\"",
        says: &[
            "on = \"rainy_day\"",
            "\"violation_day\", \"compliant_day\", \"any_day\"",
        ],
    });
}

#[test]
fn window_naming_an_excluded_party_is_refused() {
    assert_refused(&Case {
        name: "window-excluded",
        from: "severity = \"major\" }",
        to: "severity = \"major\", party = \"isis\" }",
        at: "\"isis\" }",
        says: &[
            "party 'isis'",
            "excluded",
            "a bound party: government, opposition",
        ],
    });
}

#[test]
fn false_reports_against_an_excluded_party_are_a_warning_and_ignored() {
    // MODEL.md defines false reports for bound parties only: a value given
    // for an excluded party is ignored, and `check` says so.
    let dir = Dir::new();
    let with = BASE.replacen("rate = 0.5", "rate = 0.5\nfalse_reports_per_day = 1.5", 1);
    assert_ne!(
        with, BASE,
        "the base scenario has an excluded party with rate 0.5"
    );
    dir.write("with.toml", &with);
    dir.write("without.toml", BASE);
    let check = dir.command(["check", "with.toml"]).success();
    assert!(
        check
            .stdout
            .contains("warning: party 'isis' false_reports_per_day = 1.5 is ignored"),
        "{check}"
    );
    for name in ["with", "without"] {
        let file = format!("{name}.toml");
        dir.command([
            "run",
            file.as_str(),
            "--out",
            name,
            "--runs",
            "200",
            "--quiet",
        ])
        .success();
    }
    assert_eq!(dir.read("with/runs.csv"), dir.read("without/runs.csv"));
}

#[test]
fn start_date_with_a_time_is_refused() {
    assert_refused(&Case {
        name: "date-time",
        from: "start_date = 2016-09-12",
        to: "start_date = 2016-09-12T19:00:00",
        at: "2016-09-12T19:00:00",
        says: &[
            "start_date = 2016-09-12T19:00:00",
            "plain date",
            "2016-09-12",
        ],
    });
}

#[test]
fn start_date_with_an_offset_is_refused() {
    assert_refused(&Case {
        name: "date-offset",
        from: "start_date = 2016-09-12",
        to: "start_date = 2016-09-12T19:00:00+03:00",
        at: "2016-09-12T19:00:00+03:00",
        says: &["start_date = 2016-09-12T19:00:00+03:00", "plain date"],
    });
}

#[test]
fn missing_scenario_name_is_refused() {
    assert_refused(&Case {
        name: "no-name",
        from: "name = \"Test agreement\"\n",
        to: "",
        at: "[scenario]",
        says: &["has no key 'name'"],
    });
}

#[test]
fn empty_all_is_refused() {
    assert_refused(&Case {
        name: "empty-all",
        from: "when = { streak_at_least = 3 }",
        to: "when = { all = [] }",
        at: "{ all = [] }",
        says: &["all = []", "is empty", "one or more conditions"],
    });
}

#[test]
fn empty_any_is_refused() {
    assert_refused(&Case {
        name: "empty-any",
        from: "when = { streak_at_least = 3 }",
        to: "when = { any = [] }",
        at: "{ any = [] }",
        says: &["any = []", "is empty", "one or more conditions"],
    });
}

#[test]
fn negative_tolerance_is_refused() {
    assert_refused(&Case {
        name: "tolerance",
        from: "tolerance = 1",
        to: "tolerance = -1",
        at: "-1\n\n[monitoring]",
        says: &["compliance.tolerance = -1", "integer ≥ 0"],
    });
}

#[test]
fn zero_half_life_is_refused() {
    assert_refused(&Case {
        name: "half-life",
        from: "rate = 1.5",
        to: "rate = 1.5\nhalf_life_days = 0.0",
        at: "0.0",
        says: &["half_life_days = 0", "a finite number > 0"],
    });
}

/// Two parties that answer each attack of the other with one attack a day,
/// remembered with a half-life of 10 days: a branching ratio far above 1.
const EXPLOSIVE: &str = include_str!("fixtures/explosive.toml");

#[test]
fn explosive_retaliation_is_a_warning_not_an_error() {
    let dir = Dir::new();
    dir.write("explosive.toml", EXPLOSIVE);
    let check = dir.command(["check", "explosive.toml"]).success();
    assert!(check.stdout.contains("explosive.toml: ok"), "{check}");
    assert!(
        check
            .stdout
            .contains("warning: retaliation is explosive: the branching ratio"),
        "{check}"
    );
    assert!(!check.stdout.contains("can never be reached"), "{check}");
    // `run` says it too, and still runs: the window ends every run in
    // collapse long before the intensity could overflow.
    let run = dir
        .command(["run", "explosive.toml", "--out", "out", "--runs", "20"])
        .success();
    assert!(
        run.stderr.contains("warning: retaliation is explosive"),
        "{run}"
    );
    assert_eq!(outputs_under(&dir.join("out")).len(), 6, "{run}");
    // Issue 14: --quiet silences progress and tables, not warnings, and
    // every warning is recorded in the manifest.
    let quiet = dir
        .command([
            "run",
            "explosive.toml",
            "--out",
            "q",
            "--runs",
            "20",
            "--quiet",
        ])
        .success();
    assert!(
        quiet.stderr.contains("warning: retaliation is explosive"),
        "{quiet}"
    );
    assert!(
        !quiet.stdout.contains("entered"),
        "a table under --quiet\n{quiet}"
    );
    let manifest = dir.read("q/manifest.json");
    assert!(
        manifest.contains("\"warnings\"") && manifest.contains("retaliation is explosive"),
        "{manifest}"
    );
    // --strict makes it an error, and nothing is written.
    let strict = dir
        .command([
            "run",
            "explosive.toml",
            "--out",
            "s",
            "--runs",
            "20",
            "--strict",
        ])
        .failure();
    assert!(
        strict.stderr.contains("retaliation is explosive") && strict.stderr.contains("--strict"),
        "{strict}"
    );
    assert!(outputs_under(&dir.join("s")).is_empty(), "{strict}");
}

#[test]
fn unreachable_phase_is_a_warning_not_an_error() {
    let dir = Dir::new();
    let text = format!("{BASE}\n[[phase]]\nid = \"island\"\n");
    let warnings = util::warnings("island.toml", &text);
    assert!(
        warnings
            .iter()
            .any(|w| w
                .starts_with("phase 'island' can never be reached from the initial phase 'truce'")),
        "{warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("explosive")),
        "{warnings:?}"
    );
    dir.write("island.toml", &text);
    dir.command([
        "run",
        "island.toml",
        "--out",
        "out",
        "--runs",
        "10",
        "--quiet",
    ])
    .success();
}

#[test]
fn a_run_that_explodes_midway_leaves_no_partial_output_and_keeps_old_results() {
    // With no way out of the truce, explosive retaliation drives the attack
    // intensity past the engine's limit: the batch fails after files were
    // opened. Results already in the directory must survive untouched.
    let dir = Dir::new();
    dir.write("base.toml", BASE);
    dir.command([
        "run",
        "base.toml",
        "--out",
        "out",
        "--runs",
        "10",
        "--quiet",
    ])
    .success();
    let before: Vec<(std::path::PathBuf, Vec<u8>)> = {
        let mut files = outputs_under(&dir.join("out"));
        files.sort();
        files
            .into_iter()
            .map(|f| {
                let bytes = std::fs::read(&f).unwrap();
                (f, bytes)
            })
            .collect()
    };
    assert_eq!(before.len(), 6);

    let endless = EXPLOSIVE
        .replace("horizon_days = 20", "horizon_days = 400")
        .replace("at_least = 30", "at_least = 4000000000000000000");
    dir.write("endless.toml", &endless);
    let ran = dir
        .command([
            "run",
            "endless.toml",
            "--out",
            "out",
            "--runs",
            "10",
            "--quiet",
        ])
        .failure();
    assert!(
        ran.stderr.contains("attack intensity") && ran.stderr.contains("explosive"),
        "the error says why\n{ran}"
    );
    let mut after = outputs_under(&dir.join("out"));
    after.sort();
    assert_eq!(
        after,
        before.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>(),
        "no file added or removed\n{ran}"
    );
    for (f, bytes) in &before {
        assert!(
            std::fs::read(f).unwrap() == *bytes,
            "{} changed\n{ran}",
            f.display()
        );
    }
}

/// Issue 10 (model v2): the four keys a phase may set, refused out of range
/// or misspelt with the phase named.
#[test]
fn issue_10_phase_overrides_out_of_range_or_misspelt_are_refused() {
    let phase = "[[phase]]\nid = \"joint\"\n";
    let cases = [
        Case {
            name: "phase-detection",
            from: phase,
            to: "[[phase]]\nid = \"joint\"\ndetection = 2.5\n",
            at: "2.5",
            says: &["phase 'joint' detection = 2.5", "a probability in [0, 1]"],
        },
        Case {
            name: "phase-convoys",
            from: phase,
            to: "[[phase]]\nid = \"joint\"\nconvoys_per_day = -4.0\n",
            at: "-4.0",
            says: &["phase 'joint' convoys_per_day = -4", "a finite number ≥ 0"],
        },
        Case {
            name: "phase-block",
            from: phase,
            to: "[[phase]]\nid = \"joint\"\nblock_probability = 1.25\n",
            at: "1.25",
            says: &["phase 'joint' block_probability = 1.25", "[0, 1]"],
        },
        Case {
            name: "phase-block-violent",
            from: phase,
            to: "[[phase]]\nid = \"joint\"\nblock_probability_violent = -0.25\n",
            at: "-0.25",
            says: &["phase 'joint' block_probability_violent = -0.25", "[0, 1]"],
        },
        Case {
            name: "phase-detection-misspelt",
            from: phase,
            to: "[[phase]]\nid = \"joint\"\ndetecton = 0.9\n",
            at: "detecton",
            says: &["unknown key 'detecton'", " detection,", " convoys_per_day,"],
        },
        Case {
            name: "phase-detection-type",
            from: phase,
            to: "[[phase]]\nid = \"joint\"\ndetection = \"high\"\n",
            at: "\"high\"",
            says: &["= \"high\" is a string", "allowed: a number"],
        },
    ];
    for case in &cases {
        assert_refused(case);
    }
}

/// Issue 10 (model v2): `blocked_in_window` and `violation_days_in_window`
/// refused with a window under 1 day, a threshold under 1, a misspelt or
/// missing key, or a value of the wrong type.
#[test]
fn issue_10_new_window_conditions_out_of_range_or_misspelt_are_refused() {
    let from = "when = { probability = 0.1, on = \"violation_day\" }";
    let cases = [
        Case {
            name: "blocked-days",
            from,
            to: "when = { blocked_in_window = { days = 0, at_least = 2 } }",
            at: "0, at_least = 2",
            says: &["blocked_in_window.days = 0", "allowed: 1..=36500"],
        },
        Case {
            name: "blocked-at-least",
            from,
            to: "when = { blocked_in_window = { days = 2, at_least = 0 } }",
            at: "0 } }",
            says: &["blocked_in_window.at_least = 0", "an integer ≥ 1"],
        },
        Case {
            name: "reported-at-least",
            from,
            to: "when = { reported_in_window = { days = 2, at_least = 0, severity = \"any\" } }",
            at: "0, severity",
            says: &["reported_in_window.at_least = 0", "an integer ≥ 1"],
        },
        Case {
            name: "violation-days-days",
            from,
            to: "when = { violation_days_in_window = { days = -3, at_least = 1 } }",
            at: "-3",
            says: &["violation_days_in_window.days = -3", "allowed: 1..=36500"],
        },
        Case {
            name: "violation-days-at-least",
            from,
            to: "when = { violation_days_in_window = { days = 4, at_least = -2 } }",
            at: "-2",
            says: &["violation_days_in_window.at_least = -2", "an integer ≥ 1"],
        },
        Case {
            name: "violation-days-key",
            from,
            to: "when = { violation_days_in_window = { days = 4, atleast = 2 } }",
            at: "atleast",
            says: &["unknown key 'atleast'", "allowed: days, at_least"],
        },
        Case {
            name: "blocked-kind",
            from,
            to: "when = { blocked_in_windows = { days = 4, at_least = 2 } }",
            at: "blocked_in_windows",
            says: &["unknown key 'blocked_in_windows'", " blocked_in_window,"],
        },
        Case {
            name: "blocked-missing",
            from,
            to: "when = { blocked_in_window = { days = 4 } }",
            at: "{ days = 4 }",
            says: &["has no key 'at_least'"],
        },
        Case {
            name: "violation-days-type",
            from,
            to: "when = { violation_days_in_window = { days = 4, at_least = 2.5 } }",
            at: "2.5",
            says: &[
                "= 2.5 is a number with a fraction",
                "allowed: a whole number",
            ],
        },
        Case {
            name: "blocked-with-severity",
            from,
            to: "when = { blocked_in_window = { days = 4, at_least = 2, severity = \"any\" } }",
            at: "severity = \"any\"",
            says: &["unknown key 'severity'", "allowed: days, at_least"],
        },
        Case {
            name: "two-kinds",
            from,
            to: "when = { blocked_in_window = { days = 4, at_least = 2 }, violation_days_in_window = { days = 4, at_least = 2 } }",
            at: "{ blocked_in_window",
            says: &[
                "names 2 kinds",
                "blocked_in_window, violation_days_in_window",
            ],
        },
    ];
    for case in &cases {
        assert_refused(case);
    }
}

/// Issue 10: `check` warns about conditions that can never hold (or always
/// hold), and the scenario still runs.
#[test]
fn issue_10_conditions_that_can_never_hold_are_warnings() {
    let dir = Dir::new();
    let text = BASE
        .replacen(
            "when = { probability = 0.1, on = \"violation_day\" }",
            "when = { any = [{ violation_days_in_window = { days = 3, at_least = 4 } }, { days_in_phase_at_least = 40 }] }",
            1,
        )
        .replacen(
            "when = { streak_at_least = 3 }",
            "when = { streak_at_least = 0 }",
            1,
        );
    let warnings = util::warnings("never.toml", &text);
    for says in [
        "'≥ 4 violation days in 3 days' can never hold: a window of 3 days",
        "'40 days in the phase' can never hold: transitions are tried at the end of days 0 … 28 only, after at most 29 days in the phase (horizon_days = 30) (transition 0 of phase 'joint', to 'collapse')",
        "'0 consecutive compliant days' always holds",
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(says)),
            "no warning says {says:?}: {warnings:?}"
        );
    }
    dir.write("never.toml", &text);
    dir.command([
        "run",
        "never.toml",
        "--out",
        "out",
        "--runs",
        "10",
        "--quiet",
    ])
    .success();
}
