//! The charts through the real binary, read as a reader would: no two text
//! labels overlap, none is cut off at the edge of the canvas, each sweep
//! design is drawn in its own form, and each phase keeps its colour across
//! charts and scenarios.
//!
//! # How a label's box is estimated
//!
//! plotters writes every label as one SVG `<text>` element with `x`, `y`,
//! `font-size`, `text-anchor`, `dy` and, for rotated labels,
//! `transform="rotate(A, x, y)"`. The viewer's sans-serif font is not
//! known, so the box is estimated generously:
//!
//! - width: 0.6 × font-size per character (digits are 0.556 em in
//!   Helvetica and Arial, lower-case letters less on average);
//! - height: 1 × font-size, from 0.75 em above the baseline to 0.25 em
//!   below it;
//! - the baseline is `y` shifted by `dy` (`0.76em`, `0.5ex` = 0.25 em,
//!   `-0.5ex`; an ex is taken as half an em);
//! - `text-anchor` start, middle or end puts `x` at the left, centre or
//!   right of the box;
//! - a rotation turns the box about (x, y).
//!
//! Two boxes overlap when they share more than one pixel in both
//! directions (the estimate is rounded; touching is not overlapping). A
//! box lies inside the canvas when it is within the `<svg>` width and
//! height.

use crate::util;

use util::{Dir, reference_scenario};

/// A label as written in the SVG, and its estimated box.
#[derive(Debug, Clone)]
struct Label {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn number(tag: &str, name: &str) -> f64 {
    let v = attr(tag, name).unwrap_or_else(|| panic!("no {name} in {tag}"));
    v.parse().unwrap_or_else(|_| panic!("{name}={v} in {tag}"))
}

/// Text content with the five XML entities decoded.
fn decoded(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every `<text>` element with its estimated box (see the module docs).
fn labels(svg: &str) -> Vec<Label> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find("<text") {
        rest = &rest[at..];
        let close = rest.find('>').expect("a <text> tag ends");
        let tag = &rest[..close];
        let end = rest.find("</text>").expect("a <text> element ends");
        let content = decoded(rest[close + 1..end].trim());
        rest = &rest[end..];
        if content.is_empty() {
            continue;
        }
        let (x, y, size) = (number(tag, "x"), number(tag, "y"), number(tag, "font-size"));
        let width = 0.6 * size * content.chars().count() as f64;
        let baseline = y + match attr(tag, "dy") {
            Some("0.76em") => 0.76 * size,
            Some("0.5ex") => 0.25 * size,
            Some("-0.5ex") => -0.25 * size,
            None | Some("") => 0.0,
            Some(other) => panic!("dy {other} is not one plotters writes: {tag}"),
        };
        let left = match attr(tag, "text-anchor") {
            Some("middle") => x - width / 2.0,
            Some("end") => x - width,
            _ => x,
        };
        let (mut x0, mut y0, mut x1, mut y1) = (
            left,
            baseline - 0.75 * size,
            left + width,
            baseline + 0.25 * size,
        );
        if let Some(t) = attr(tag, "transform") {
            let inner = t
                .strip_prefix("rotate(")
                .and_then(|s| s.strip_suffix(')'))
                .unwrap_or_else(|| panic!("transform {t}"));
            let parts: Vec<f64> = inner
                .split(',')
                .map(|p| p.trim().parse().unwrap())
                .collect();
            let (a, cx, cy) = (parts[0].to_radians(), parts[1], parts[2]);
            let corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)].map(|(px, py)| {
                let (dx, dy) = (px - cx, py - cy);
                (
                    cx + dx * a.cos() - dy * a.sin(),
                    cy + dx * a.sin() + dy * a.cos(),
                )
            });
            x0 = corners.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
            x1 = corners
                .iter()
                .map(|c| c.0)
                .fold(f64::NEG_INFINITY, f64::max);
            y0 = corners.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
            y1 = corners
                .iter()
                .map(|c| c.1)
                .fold(f64::NEG_INFINITY, f64::max);
        }
        out.push(Label {
            text: content,
            x0,
            y0,
            x1,
            y1,
        });
    }
    out
}

/// Asserts that no two labels of `svg` overlap and that every label lies
/// inside the canvas; returns the labels.
fn assert_legible(name: &str, svg: &str) -> Vec<Label> {
    let head = svg.find('>').expect("an <svg> tag");
    let (width, height) = (
        number(&svg[..head], "width"),
        number(&svg[..head], "height"),
    );
    let all = labels(svg);
    assert!(!all.is_empty(), "{name}: no labels");
    for l in &all {
        assert!(
            l.x0 >= 0.0 && l.y0 >= 0.0 && l.x1 <= width && l.y1 <= height,
            "{name}: '{}' ({:.0},{:.0})–({:.0},{:.0}) is not inside the {width}×{height} canvas",
            l.text,
            l.x0,
            l.y0,
            l.x1,
            l.y1
        );
    }
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
            let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
            assert!(
                dx <= 1.0 || dy <= 1.0,
                "{name}: '{}' and '{}' overlap ({dx:.1} × {dy:.1} px)",
                a.text,
                b.text
            );
        }
    }
    all
}

fn geneva() -> String {
    reference_scenario("geneva-2016").display().to_string()
}

/// A label that is a number with more than 4 decimals (a float as the
/// machine holds it, not as the design gives it).
fn long_float(label: &str) -> bool {
    label.split_once('.').is_some_and(|(i, d)| {
        i.chars().all(|c| c.is_ascii_digit() || c == '-')
            && d.len() > 4
            && d.chars().all(|c| c.is_ascii_digit())
    })
}

#[test]
fn a_two_parameter_grid_is_a_heatmap_per_phase_with_legible_labels() {
    let dir = Dir::new();
    dir.command([
        "sweep",
        &geneva(),
        "--vary",
        "monitoring.detection=0.5:0.95:10",
        "--vary",
        "compliance.tolerance=0:4:5",
        "--runs",
        "100",
        "--plots",
        "--out",
        "grid",
        "-q",
    ])
    .success();
    let svg = dir.read("grid/sweep.svg");
    let all = assert_legible("grid/sweep.svg", &svg);
    let texts: Vec<&str> = all.iter().map(|l| l.text.as_str()).collect();
    for caption in ["entered joint targeting", "entered collapse"] {
        assert!(texts.contains(&caption), "no panel '{caption}': {texts:?}");
    }
    // One cell per point and panel, so 2 × 50 cell shares.
    let shares = texts.iter().filter(|t| t.ends_with('%')).count();
    assert!(shares >= 100, "{shares} share labels: {texts:?}");
    for t in ["0.55", "0.95", "4"] {
        assert!(texts.contains(&t), "no tick '{t}': {texts:?}");
    }
    assert!(!texts.iter().any(|t| long_float(t)), "{texts:?}");
}

#[test]
fn a_latin_hypercube_is_a_scatter_per_parameter_with_legible_labels() {
    let dir = Dir::new();
    dir.command([
        "sweep",
        &geneva(),
        "--design",
        "lhs",
        "--points",
        "40",
        "--vary",
        "monitoring.detection=0.3:0.9",
        "--vary",
        "compliance.tolerance=0:3",
        "--vary",
        "party.government.rate=2:6",
        "--vary",
        "party.opposition.rate=3:8",
        "--vary",
        "humanitarian.block_probability_violent=0.05:0.5",
        "--runs",
        "50",
        "--plots",
        "--out",
        "lhs",
        "-q",
    ])
    .success();
    let svg = dir.read("lhs/sweep.svg");
    let all = assert_legible("lhs/sweep.svg", &svg);
    let texts: Vec<&str> = all.iter().map(|l| l.text.as_str()).collect();
    for panel in [
        "monitoring.detection",
        "compliance.tolerance",
        "party.government.rate",
        "party.opposition.rate",
    ] {
        assert!(texts.contains(&panel), "no panel '{panel}': {texts:?}");
    }
    assert!(
        texts
            .iter()
            .any(|t| t.contains("block_probability_violent")),
        "{texts:?}"
    );
    assert!(!texts.iter().any(|t| long_float(t)), "{texts:?}");
    // One marker per point, phase and panel.
    let markers = svg.matches("<circle").count();
    assert_eq!(markers, 40 * 2 * 5, "markers");
}

#[test]
fn one_parameter_and_the_run_charts_stay_legible() {
    let dir = Dir::new();
    dir.command([
        "sweep",
        &geneva(),
        "--vary",
        "monitoring.detection=0.3:1:15",
        "--runs",
        "100",
        "--plots",
        "--out",
        "one",
        "-q",
    ])
    .success();
    assert_legible("one/sweep.svg", &dir.read("one/sweep.svg"));
    dir.command([
        "run",
        &geneva(),
        "--runs",
        "200",
        "--plots",
        "--out",
        "run",
        "-q",
    ])
    .success();
    for chart in ["occupancy.svg", "entry_curves.svg", "violence.svg"] {
        assert_legible(chart, &dir.read(format!("run/{chart}")));
    }
}

/// The fill of the legend swatch drawn just before the label `phase`.
fn swatch(svg: &str, phase: &str) -> String {
    let at = svg
        .find(&format!(">\n{phase}\n</text>"))
        .unwrap_or_else(|| panic!("no legend entry '{phase}'"));
    let rect = svg[..at].rfind("<rect").expect("a swatch before the label");
    attr(&svg[rect..], "fill")
        .expect("a filled swatch")
        .to_string()
}

#[test]
fn each_phase_keeps_its_colour_across_charts_and_scenarios() {
    let dir = Dir::new();
    let munich = reference_scenario("munich-2016").display().to_string();
    for (scenario, out) in [(geneva(), "g"), (munich, "m")] {
        dir.command([
            "run", &scenario, "--runs", "200", "--plots", "--out", out, "-q",
        ])
        .success();
    }
    dir.command([
        "sweep",
        &geneva(),
        "--vary",
        "monitoring.detection=0.5:0.9:3",
        "--runs",
        "100",
        "--plots",
        "--out",
        "s",
        "-q",
    ])
    .success();
    let collapse: Vec<String> = [
        "g/occupancy.svg",
        "g/entry_curves.svg",
        "m/occupancy.svg",
        "m/entry_curves.svg",
        "s/sweep.svg",
    ]
    .iter()
    .map(|f| swatch(&dir.read(f), "collapse"))
    .collect();
    assert!(
        collapse.iter().all(|c| *c == collapse[0]),
        "collapse colours: {collapse:?}"
    );
    assert_eq!(collapse[0], "#D55E00", "collapse is vermillion");
    let initial = [
        swatch(&dir.read("g/occupancy.svg"), "truce"),
        swatch(&dir.read("m/occupancy.svg"), "announced"),
    ];
    assert_eq!(initial[0], initial[1], "initial phases");
    assert_ne!(initial[0], collapse[0]);
    let joint = [
        swatch(&dir.read("g/occupancy.svg"), "joint targeting"),
        swatch(&dir.read("g/entry_curves.svg"), "joint targeting"),
        swatch(&dir.read("s/sweep.svg"), "joint targeting"),
    ];
    assert!(joint.iter().all(|c| *c == joint[0]), "{joint:?}");
}

// Item 10 of the same review: traces that name every column once and show
// why a run moved, and the day-by-day series of the first runs.

/// A scenario with parties `group` and `major_group`.
const COLLIDING: &str = r#"
[scenario]
name = "Colliding ids"
start_date = 2016-09-12
horizon_days = 10
initial_phase = "truce"

[[party]]
id = "group"
rate = 1.0

[[party]]
id = "major_group"
rate = 1.0

[[phase]]
id = "truce"

[[phase.transition]]
to = "collapse"
when = { streak_at_least = 3 }

[[phase]]
id = "collapse"
"#;

#[test]
fn party_ids_whose_trace_columns_would_collide_are_refused() {
    let dir = Dir::new();
    let path = dir.write("colliding.toml", COLLIDING);
    let ran = dir.command(["check", path.to_str().unwrap()]).failure();
    for e in [
        "'group'",
        "'major_group'",
        "attacks_major_group",
        "prefixed with 'major_'",
    ] {
        assert!(ran.stderr.contains(e), "expected {e:?}\n{ran}");
    }
    assert!(
        ran.stderr.contains("colliding.toml:"),
        "names the file: {ran}"
    );
    // Without the collision the scenario is valid.
    let fine = dir.write(
        "fine.toml",
        &COLLIDING.replace("major_group", "other_group"),
    );
    dir.command(["check", fine.to_str().unwrap()]).success();
}

/// The trace of run `run` as a table.
fn trace(dir: &Dir, run: u64) -> util::Csv {
    let ran = dir
        .command(["trace", &geneva(), "--run", &run.to_string(), "--out", "-"])
        .success();
    util::Csv::parse(&ran.stdout)
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("{s:?} is not a number"))
}

#[test]
fn the_trace_shows_intensity_memory_and_which_part_of_a_condition_held() {
    let dir = Dir::new();
    let header = trace(&dir, 0).header.clone();
    let mut unique = header.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        header.len(),
        "a column name appears twice: {header:?}"
    );
    for c in [
        "intensity_government",
        "memory_government",
        "intensity_isis",
        "memory_isis",
        "truce.transition.3.when.all.0",
        "truce.transition.3.when.all.1",
    ] {
        assert!(header.iter().any(|h| h == c), "no column {c}: {header:?}");
    }
    // Geneva's truce collapses on a hit convoy: one blocked convoy (part 0)
    // and a 10% draw on a violation day (part 1). Over runs, whenever both
    // parts held and no earlier transition fired, transition 3 fired; when
    // it fired, both held; and the draw alone sometimes held without a
    // blocked convoy (the parts are shown, not just their conjunction).
    let (mut fired, mut only_draw) = (0, 0);
    for run in 0..40 {
        let t = trace(&dir, run);
        let (phase, tr) = (t.col("phase"), t.col("transition"));
        let (a, b) = (
            t.col("truce.transition.3.when.all.0"),
            t.col("truce.transition.3.when.all.1"),
        );
        let (blocked, compliant) = (t.col("convoys_blocked"), t.col("compliant"));
        let (i_gov, m_gov) = (t.col("intensity_government"), t.col("memory_government"));
        let base = num(&t.rows[0][i_gov]);
        for row in &t.rows {
            if row[phase] != "truce" {
                continue;
            }
            // In the truce, government's multiplier is 1: λ = rate + memory.
            assert!(
                (num(&row[i_gov]) - num(&row[m_gov]) - base).abs() < 1e-9,
                "{row:?}"
            );
            if row[a].is_empty() {
                continue;
            }
            assert_eq!(row[a] == "true", num(&row[blocked]) >= 1.0, "{row:?}");
            if row[b] == "true" {
                assert_eq!(
                    row[compliant], "false",
                    "drawn only on violation days: {row:?}"
                );
            }
            let both = row[a] == "true" && row[b] == "true";
            let earlier = matches!(row[tr].as_str(), "0" | "1" | "2");
            assert_eq!(row[tr] == "3", both && !earlier, "run {run}: {row:?}");
            fired += usize::from(row[tr] == "3");
            only_draw += usize::from(row[a] == "false" && row[b] == "true");
        }
    }
    assert!(fired > 0, "no run of 40 collapsed on a hit convoy");
    assert!(only_draw > 0, "the draw never held alone");
}

#[test]
fn keep_daily_writes_the_first_runs_day_by_day_and_changes_nothing_else() {
    let dir = Dir::new();
    dir.command(["run", &geneva(), "--runs", "300", "--out", "plain", "-q"])
        .success();
    dir.command([
        "run",
        &geneva(),
        "--runs",
        "300",
        "--keep-daily",
        "3",
        "--out",
        "kept",
        "-q",
    ])
    .success();
    for file in [
        "runs.csv",
        "daily.csv",
        "curves.csv",
        "daily_metrics.csv",
        "summary.csv",
    ] {
        assert!(
            dir.read_bytes(format!("plain/{file}")) == dir.read_bytes(format!("kept/{file}")),
            "{file} differs with --keep-daily"
        );
    }
    assert!(!dir.join("plain/daily_runs.csv").exists());
    assert!(dir.read("kept/manifest.json").contains("daily_runs.csv"));
    let daily = util::Csv::parse(&dir.read("kept/daily_runs.csv"));
    assert_eq!(daily.header[0], "run");
    assert_eq!(daily.rows.len(), 3 * 60, "3 runs × 60 days");
    for run in 0..3u64 {
        let t = trace(&dir, run);
        let width = t.col("next_phase") + 1;
        let mine: Vec<&[String]> = daily
            .rows
            .iter()
            .filter(|r| r[0] == run.to_string())
            .map(|r| &r[1..])
            .collect();
        assert_eq!(mine.len(), t.rows.len(), "run {run}");
        for (d, row) in mine.iter().zip(&t.rows) {
            assert_eq!(*d, &row[..width], "run {run}");
        }
        assert_eq!(&daily.header[1..], &t.header[..width]);
    }
    let ran = dir
        .command([
            "run",
            &geneva(),
            "--runs",
            "300",
            "--keep-daily",
            "2",
            "--shard",
            "1/2",
        ])
        .failure();
    assert!(ran.stderr.contains("--keep-daily"), "{ran}");
}
