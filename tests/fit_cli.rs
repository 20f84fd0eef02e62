//! `ceasefire counts` and `ceasefire fit` through the real binary: from a
//! synthetic ACLED export to a fitted scenario fragment, and every kind of
//! bad input refused with a clear message and nothing written.

use crate::util;

use util::{Csv, Dir, outputs_under};

/// A counts file of two parties over `days` days with some events.
fn counts_file(days: u32) -> String {
    let mut s = String::from("date,party,count\n");
    let start = chrono::NaiveDate::from_ymd_opt(2016, 9, 1).unwrap();
    for t in 0..days {
        let date = start + chrono::Days::new(u64::from(t));
        // A deterministic, irregular pattern with clusters.
        let a = (t * 7 + 3) % 5 + u32::from(t % 11 < 3) * 3;
        let b = (t * 3 + 1) % 4;
        s.push_str(&format!("{date},gov,{a}\n{date},opp,{b}\n"));
    }
    s
}

#[test]
fn a_counts_file_becomes_a_fit_with_every_output() {
    let dir = Dir::new();
    dir.write("counts.csv", &counts_file(60));
    let ran = dir
        .command([
            "fit",
            "counts.csv",
            "--period",
            "before=2016-09-01..2016-09-30",
            "--period",
            "truce=2016-10-01..2016-10-30:truce",
            "--retaliation",
            "opp->gov,gov->opp",
            "--half-life",
            "shared",
            "--bootstrap",
            "5",
            "--simulate",
            "40",
            "--out",
            "out",
            "--quiet",
        ])
        .success();
    assert!(ran.stdout.contains("against no retaliation: LR ="), "{ran}");
    for f in [
        "fit.csv",
        "fit.toml",
        "fit_diagnostics.csv",
        "fit_diagnostics.svg",
        "predictive.csv",
        "predictive.svg",
        "manifest.json",
    ] {
        assert!(dir.join("out").join(f).is_file(), "{f} missing\n{ran}");
    }
    let fit = Csv::parse(&dir.read("out/fit.csv"));
    let params = fit.column("parameter");
    for p in [
        "rate",
        "rate_multiplier",
        "alpha",
        "half_life_days",
        "branching_ratio",
        "lr_p_value",
    ] {
        assert!(params.contains(&p), "fit.csv has no {p}: {params:?}");
    }
    assert!(fit.column("method").contains(&"bootstrap-percentile"));
    // fit.toml's tables are a scenario's: with a header and a second phase
    // it validates, and its rates are fit.csv's.
    let fragment = dir.read("out/fit.toml");
    let text = format!(
        "[scenario]\nname = \"x\"\nstart_date = 2016-10-01\nhorizon_days = 30\ninitial_phase = \"truce\"\n{}\n[[phase.transition]]\nto = \"truce\"\nwhen = {{ days_in_phase_at_least = 99 }}\n",
        fragment
    );
    let sc =
        ceasefire::Scenario::from_toml(&text, "fit.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let rate_row = (0..fit.rows.len())
        .find(|&i| {
            fit.rows[i][fit.col("parameter")] == "rate" && fit.rows[i][fit.col("party")] == "gov"
        })
        .unwrap();
    let rate: f64 = fit.rows[rate_row][fit.col("estimate")].parse().unwrap();
    assert!((sc.parties()[0].rate - rate).abs() <= 1e-12 * rate);
    let manifest: serde_json::Value = serde_json::from_str(&dir.read("out/manifest.json")).unwrap();
    assert_eq!(manifest["input"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(manifest["options"]["retaliation"], "opp->gov,gov->opp");
    let pred = Csv::parse(&dir.read("out/predictive.csv"));
    assert_eq!(pred.rows.len(), 2 * 60);
}

#[test]
fn bad_input_is_refused_clearly_and_nothing_is_written() {
    let dir = Dir::new();
    dir.write("good.csv", &counts_file(30));
    let good_period = "all=2016-09-01..2016-09-30";
    let cases: Vec<(&str, String, Vec<&str>, &str)> = vec![
        (
            "unknown party",
            counts_file(30),
            vec!["--period", good_period, "--retaliation", "rebels->gov"],
            "--retaliation: unknown party 'rebels' (parties in the counts: gov, opp)",
        ),
        (
            "unsorted dates",
            "date,party,count\n2016-09-02,gov,1\n2016-09-01,gov,1\n".into(),
            vec!["--period", good_period],
            "c.csv:3: date 2016-09-01 comes after 2016-09-02 (line 2); rows must be sorted by date",
        ),
        (
            "duplicate dates",
            "date,party,count\n2016-09-01,gov,1\n2016-09-01,gov,2\n".into(),
            vec!["--period", good_period],
            "c.csv:3: duplicate date: party 'gov' already has a row for 2016-09-01 (line 2)",
        ),
        (
            "negative count",
            "date,party,count\n2016-09-01,gov,-3\n".into(),
            vec!["--period", good_period],
            "c.csv:2: count '-3' is negative (allowed: a whole number ≥ 0)",
        ),
        (
            "empty period",
            counts_file(30),
            vec!["--period", "all=2016-09-10..2016-09-05"],
            "--period all=2016-09-10..2016-09-05: the period is empty",
        ),
        (
            "period outside the data",
            counts_file(30),
            vec!["--period", "all=2016-09-01..2016-10-15"],
            "the period is outside the data (the counts run from 2016-09-01 to 2016-09-30)",
        ),
        (
            "gap between periods",
            counts_file(30),
            vec![
                "--period",
                "a=2016-09-01..2016-09-10",
                "--period",
                "b=2016-09-12..2016-09-30",
            ],
            "no period covers the days between 'a' (ends 2016-09-10) and 'b' (starts 2016-09-12)",
        ),
        (
            "burn-in without data",
            counts_file(30),
            vec!["--period", good_period, "--burn-in", "5"],
            "--burn-in 5: the counts have only 0 days before the first period",
        ),
    ];
    for (what, text, args, expected) in cases {
        dir.write("c.csv", &text);
        let mut all = vec!["fit", "c.csv", "--out", "out"];
        all.extend(args);
        let ran = dir.command(&all).failure();
        assert!(
            ran.stderr.contains(expected),
            "{what}: expected {expected:?}\n{ran}"
        );
        assert!(!ran.stderr.contains("panicked"), "{what}\n{ran}");
        assert!(
            outputs_under(&dir.join("out")).is_empty(),
            "{what}: wrote files\n{ran}"
        );
        assert!(
            !dir.join("out").exists(),
            "{what}: created the directory\n{ran}"
        );
    }
}

#[test]
fn an_acled_export_becomes_a_counts_file_that_fit_reads() {
    let dir = Dir::new();
    let header = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";
    let mut rows = vec![header.to_string()];
    for (i, (date, prec, a1)) in [
        ("2016-09-01", 1, "Military Forces of Syria (2000-)"),
        ("2016-09-01", 1, "Free Syrian Army"),
        ("2016-09-03", 3, "Free Syrian Army"),
        ("2016-09-04", 1, "Jabhat Fateh al-Sham"),
        ("2016-09-05", 1, "Military Forces of Syria (2000-)"),
    ]
    .iter()
    .enumerate()
    {
        rows.push(format!(
            "SYR{i},{date},2016,{prec},Political violence,Battles,Armed clash,{a1},,1,Civilians (Syria),,7,17,,760,Middle East,Syria,Aleppo,Jebel Saman,Aleppo,Aleppo,36.2,37.16,1,SOHR,National,synthetic,0,,1700000000"
        ));
    }
    dir.write("acled.csv", &(rows.join("\n") + "\n"));
    dir.write(
        "map.toml",
        "event_types = [\"Battles\"]\n[actors]\n\"Military Forces of Syria (2000-)\" = \"gov\"\n\"Free Syrian Army\" = \"opp\"\n",
    );
    let ran = dir
        .command([
            "counts",
            "acled",
            "acled.csv",
            "--mapping",
            "map.toml",
            "--out",
            "counts.csv",
        ])
        .success();
    assert!(
        ran.stderr
            .contains("1 with imprecise dates, 1 without a mapped actor"),
        "{ran}"
    );
    assert!(
        ran.stderr
            .contains("unmapped actor: \"Jabhat Fateh al-Sham\" (1 events)"),
        "{ran}"
    );
    assert_eq!(
        dir.read("counts.csv"),
        "date,party,count\n2016-09-01,gov,1\n2016-09-01,opp,1\n2016-09-02,gov,0\n2016-09-02,opp,0\n2016-09-03,gov,0\n2016-09-03,opp,0\n2016-09-04,gov,0\n2016-09-04,opp,0\n2016-09-05,gov,1\n2016-09-05,opp,0\n"
    );
    // A bad row: refused with its line, and no counts file written.
    dir.write(
        "bad.csv",
        &format!(
            "{}\n{}\n",
            rows[..2].join("\n"),
            rows[1].replace("2016-09-01", "yesterday")
        ),
    );
    let ran = dir
        .command([
            "counts",
            "acled",
            "bad.csv",
            "--mapping",
            "map.toml",
            "--out",
            "bad-counts.csv",
        ])
        .failure();
    assert!(
        ran.stderr
            .contains("bad.csv:3: event_date 'yesterday' is not a date"),
        "{ran}"
    );
    assert!(!dir.join("bad-counts.csv").exists());
}

#[test]
fn every_help_ends_with_examples() {
    let dir = Dir::new();
    for cmd in ["fit", "counts"] {
        let ran = dir.command([cmd, "--help"]).success();
        let examples = ran
            .stdout
            .rfind("EXAMPLES:")
            .unwrap_or_else(|| panic!("{ran}"));
        assert!(
            ran.stdout[examples..].contains(&format!("ceasefire {cmd} ")),
            "{ran}"
        );
    }
}
