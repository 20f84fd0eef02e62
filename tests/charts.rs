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

mod util;

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
