//! The chart of a sweep, drawn from sweep.csv in the form that fits its
//! design, so that it stays readable whatever was varied:
//!
//! - one varied parameter: the share of runs entering each phase against
//!   it, as lines with 95% interval bands;
//! - two parameters on a full grid (every combination of their values): a
//!   heatmap per phase entered;
//! - anything else (a Latin hypercube, Saltelli or Morris points, a design
//!   file): a scatter of each phase's share against each parameter, one
//!   panel per parameter.
//!
//! The form is read from the points themselves, so `ceasefire plot DIR`
//! draws what `sweep --plots` drew. Tick labels are the design's values
//! rounded to the precision that tells them apart, and labels that would
//! not fit beside their neighbours are left out (every other one, every
//! third…), never drawn over each other.

use std::io::Read;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{
    Area, BAND_OPACITY, FONT, cartesian, frame, house_style, label, legend, percent, render, text,
};
use super::palette::PhaseColours;
use super::{PlotError, invalid};
use crate::layout::ResultFile;
use crate::report::sweep::{Series, SweepTable};
use crate::stats::Metric;

/// One `entered` row of sweep.csv: a point's values, a phase and the share
/// of runs that entered it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SweepEntry {
    /// The values of the varied parameters at the point, in path order.
    pub(crate) values: Vec<f64>,
    /// Phase id.
    pub(crate) phase: String,
    /// Share of runs that entered the phase.
    pub(crate) estimate: f64,
    /// Lower end of its 95% interval.
    pub(crate) low: f64,
    /// Upper end of its 95% interval.
    pub(crate) high: f64,
}

/// What the sweep chart shows, read from sweep.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResults {
    /// Scenario name, for the title.
    pub(crate) name: String,
    /// The varied paths, in `--vary` order.
    pub(crate) paths: Vec<String>,
    /// The words of each categorical path, in order of first appearance
    /// (empty for numeric paths); its values are their positions.
    pub(crate) labels: Vec<Vec<String>>,
    /// Every phase, in file (scenario) order.
    pub(crate) phases: Vec<String>,
    /// The phase every run entered at every point (the initial phase), if
    /// any: it is not drawn, but it keeps its colour's place.
    pub(crate) initial: Option<String>,
    /// The `entered` rows of every other phase, point by point, phases in
    /// file order.
    pub(crate) entries: Vec<SweepEntry>,
}

impl SweepResults {
    /// Reads sweep.csv (given with the name to use in errors).
    #[doc(hidden)]
    pub fn from_csv(name: &str, sweep: (&str, impl Read)) -> Result<Self, PlotError> {
        let (path, r) = sweep;
        let table = SweepTable::from_csv(path, r).map_err(|e| invalid(&e.file, e.message))?;
        Self::from_table(name, path, table)
    }

    /// What the chart shows of a sweep.csv read back (`path` names it in
    /// errors): its `entered` rows.
    fn from_table(name: &str, path: &str, table: SweepTable) -> Result<Self, PlotError> {
        let entered: Vec<&Series> = table
            .series
            .iter()
            .filter(|s| s.outcome.metric == Metric::Entered.name())
            .collect();
        let phases: Vec<String> = entered.iter().map(|s| s.outcome.subject.clone()).collect();
        // Every share of the initial phase is 1: it is not drawn.
        let initial = entered
            .iter()
            .find(|s| s.estimate.iter().all(|&x| x >= 1.0))
            .map(|s| s.outcome.subject.clone());
        let mut entries: Vec<SweepEntry> = Vec::new();
        for (point, values) in table.points.iter().enumerate() {
            for s in entered
                .iter()
                .filter(|s| Some(&s.outcome.subject) != initial.as_ref())
            {
                let (estimate, low, high) = (s.estimate[point], s.low[point], s.high[point]);
                if [estimate, low, high].iter().any(|x| x.is_nan()) {
                    return Err(invalid(
                        path,
                        format!("point {point}: {} has no estimate or interval", s.outcome),
                    ));
                }
                entries.push(SweepEntry {
                    values: values.clone(),
                    phase: s.outcome.subject.clone(),
                    estimate,
                    low,
                    high,
                });
            }
        }
        if entries.is_empty() {
            return Err(invalid(path, "has no `entered` rows below 100%"));
        }
        Ok(SweepResults {
            name: name.to_string(),
            paths: table.paths,
            labels: table.labels,
            phases,
            initial,
            entries,
        })
    }

    /// The phases drawn, in file order.
    fn shown(&self) -> Vec<&str> {
        self.phases
            .iter()
            .filter(|p| Some(*p) != self.initial.as_ref())
            .map(String::as_str)
            .collect()
    }

    /// The phases' colours, the same as in the charts of `run`.
    fn colours(&self) -> PhaseColours {
        PhaseColours::new(&self.phases, self.initial.as_deref())
    }

    /// The distinct values of parameter `k`, sorted.
    fn levels(&self, k: usize) -> Vec<f64> {
        let mut v: Vec<f64> = self.entries.iter().map(|e| e.values[k]).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        v
    }

    /// A tick label of parameter `k` at `x`: the word at that position for a
    /// categorical path (none between words), else `x` rounded to `gap`.
    fn tick(&self, k: usize, x: f64, gap: f64) -> String {
        let words = &self.labels[k];
        if words.is_empty() {
            return tidy(x, gap);
        }
        let at = x.round();
        match (x - at).abs() < 1e-9 && at >= 0.0 {
            true => words.get(at as usize).cloned().unwrap_or_default(),
            false => String::new(),
        }
    }

    /// Whether the points are every combination of two parameters' values,
    /// each once per phase.
    fn is_full_grid(&self) -> bool {
        if self.paths.len() != 2 {
            return false;
        }
        let cells = self.levels(0).len() * self.levels(1).len();
        self.shown().iter().all(|p| {
            let mut pairs: Vec<(f64, f64)> = self
                .entries
                .iter()
                .filter(|e| e.phase == *p)
                .map(|e| (e.values[0], e.values[1]))
                .collect();
            let n = pairs.len();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
            pairs.dedup();
            n == cells && pairs.len() == cells
        })
    }
}

/// Draws the sweep chart as SVG text, in the form that fits the design.
#[doc(hidden)]
pub fn draw_sweep(r: &SweepResults) -> Result<String, PlotError> {
    render(ResultFile::SweepChart.name(), |root| {
        if r.paths.len() == 1 {
            lines(r, root)
        } else if r.is_full_grid() {
            heatmaps(r, root)
        } else {
            scatters(r, root)
        }
    })
}

/// Font size (plotters' units) of tick labels drawn here.
const TICK_FONT: f64 = 14.0;
/// Estimated width of a label of `chars` characters at plotters font size
/// `size`: SVG font size is size/1.24, and 0.6 em is a generous average
/// advance of sans-serif text (digits are 0.556 em in Helvetica and Arial).
fn text_width(chars: usize, size: f64) -> f64 {
    0.6 * size / 1.24 * chars as f64
}

/// `x` with as many decimals as tell values `gap` apart (two more than the
/// gap's first significant digit needs), without trailing zeros.
pub(super) fn tidy(x: f64, gap: f64) -> String {
    let d = if gap > 0.0 && gap.is_finite() {
        (2 - gap.log10().floor() as i32).clamp(0, 12) as usize
    } else {
        6
    };
    let s = format!("{x:.d$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// The smallest gap between distinct sorted values (their span if one).
fn smallest_gap(levels: &[f64]) -> f64 {
    levels
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min)
        .min(levels.last().unwrap_or(&0.0) - levels.first().unwrap_or(&0.0))
}

/// A parameter path cut from the left to fit `width` pixels at font size
/// `size`: `humanitarian.block_probability_violent` becomes
/// `block_probability_violent`, and a last segment still too long ends in
/// `…`.
fn fitted(path: &str, width: f64, size: f64) -> String {
    let fits = |s: &str| text_width(s.chars().count(), size) <= width;
    let mut rest = path;
    while !fits(rest) {
        match rest.split_once('.') {
            Some((_, tail)) => rest = tail,
            None => break,
        }
    }
    if fits(rest) {
        return rest.to_string();
    }
    let keep = (width / text_width(1, size)).floor() as usize;
    let cut: String = rest.chars().take(keep.saturating_sub(1)).collect();
    format!("{cut}…")
}

/// One parameter: the share entering each phase against it, with bands.
fn lines(r: &SweepResults, root: &Area) -> Result<(), String> {
    let subtitle = "Share of runs that enter each phase, with 95% Wilson intervals (shaded); same run seeds at every point";
    let (plot, side) = frame(root, &r.name, "sweep", subtitle)?;
    let levels = r.levels(0);
    let (x0, x1) = (levels[0], levels[levels.len() - 1]);
    let pad = if x1 > x0 { 0.0 } else { 0.5 };
    let mut chart = cartesian(&plot, x0 - pad..x1 + pad, 0.0..1.0, 78, 16)?;
    let span = (x1 - x0).max(smallest_gap(&levels));
    let x_fmt = |x: &f64| r.tick(0, *x, span / 10.0);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(r.paths[0].as_str())
        .y_desc("Runs that entered the phase (% of all runs)")
        .x_labels(8)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&percent);
    house_style(&mut mesh).draw().map_err(text)?;
    let colours = r.colours();
    for phase in r.shown() {
        let c = colours.of(phase);
        let mut points: Vec<&SweepEntry> = r.entries.iter().filter(|e| e.phase == phase).collect();
        points.sort_by(|a, b| a.values[0].total_cmp(&b.values[0]));
        let upper = points.iter().map(|p| (p.values[0], p.high));
        let lower = points.iter().rev().map(|p| (p.values[0], p.low));
        chart
            .draw_series(std::iter::once(Polygon::new(
                upper.chain(lower).collect::<Vec<_>>(),
                c.mix(BAND_OPACITY).filled(),
            )))
            .map_err(text)?;
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|p| (p.values[0], p.estimate)),
                c.stroke_width(2),
            ))
            .map_err(text)?;
        chart
            .draw_series(
                points
                    .iter()
                    .map(|p| Circle::new((p.values[0], p.estimate), 3, c.filled())),
            )
            .map_err(text)?;
    }
    phase_legend(r, &side)
}

/// The legend of phases drawn.
fn phase_legend(r: &SweepResults, side: &Area) -> Result<(), String> {
    let colours = r.colours();
    let entries: Vec<(String, RGBColor)> = r
        .shown()
        .iter()
        .map(|p| (label(p), colours.of(p)))
        .collect();
    legend(side, "Phase entered", &entries)
}

/// Splits `area` into `n` panels, at most `max_cols` a row, top-left first.
fn panels<'a>(area: &Area<'a>, n: usize, max_cols: usize) -> Vec<Area<'a>> {
    let cols = n.clamp(1, max_cols);
    let rows = n.div_ceil(cols);
    area.split_evenly((rows, cols))
        .into_iter()
        .take(n)
        .collect()
}

/// Height of a panel's caption band.
const CAPTION: u32 = 24;

/// Writes a panel's caption (bold, centred) and returns the area below it.
fn caption<'a>(panel: &Area<'a>, words: &str) -> Result<Area<'a>, String> {
    let (top, body) = panel.split_vertically(CAPTION);
    let width = f64::from(top.dim_in_pixel().0) - 8.0;
    top.draw(&Text::new(
        fitted(words, width, 15.0),
        (i32::try_from(top.dim_in_pixel().0 / 2).unwrap_or(0), 6),
        (FONT, 15)
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Top)),
    ))
    .map_err(text)?;
    Ok(body)
}

/// Viridis (matplotlib's default sequential scale, legible in greyscale and
/// with colour-vision deficiencies) at five stops.
const VIRIDIS: [(u8, u8, u8); 5] = [
    (68, 1, 84),
    (59, 82, 139),
    (33, 145, 140),
    (94, 201, 98),
    (253, 231, 37),
];

/// The heatmap colour of a share from 0 to 1.
fn scale(share: f64) -> RGBColor {
    let t = share.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let k = (t.floor() as usize).min(VIRIDIS.len() - 2);
    let f = t - k as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (VIRIDIS[k], VIRIDIS[k + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Labels along an axis at pixel positions, keeping only those that clear
/// the last one kept by `gap` pixels: `(position, extent, text)` where
/// extent is the label's size along the axis.
fn thinned(labels: Vec<(f64, f64, String)>, gap: f64) -> Vec<(f64, String)> {
    let mut kept: Vec<(f64, String)> = Vec::new();
    let mut end = f64::NEG_INFINITY;
    for (at, extent, words) in labels {
        if at - extent / 2.0 >= end + gap {
            end = at + extent / 2.0;
            kept.push((at, words));
        }
    }
    kept
}

/// Two parameters on a full grid: a heatmap of the share entering each
/// phase, one panel per phase.
fn heatmaps(r: &SweepResults, root: &Area) -> Result<(), String> {
    let subtitle = format!(
        "Share of runs that enter each phase at every point of the grid of {} and {}",
        r.paths[0], r.paths[1]
    );
    let (plot, side) = frame(root, &r.name, "sweep", &subtitle)?;
    let (xs, ys) = (r.levels(0), r.levels(1));
    let (x_gap, y_gap) = (smallest_gap(&xs), smallest_gap(&ys));
    let x_labels: Vec<String> = xs.iter().map(|x| r.tick(0, *x, x_gap)).collect();
    let y_labels: Vec<String> = ys.iter().map(|y| r.tick(1, *y, y_gap)).collect();
    let widest = y_labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1);
    let y_area = (text_width(widest, TICK_FONT) + 40.0).ceil() as u32;
    let tick = (FONT, TICK_FONT).into_font().color(&BLACK);
    let shown = r.shown();
    for (panel, phase) in panels(&plot, shown.len(), 3).iter().zip(&shown) {
        let body = caption(panel, &format!("entered {}", label(phase)))?;
        let (nx, ny) = (xs.len() as f64, ys.len() as f64);
        let mut chart = cartesian(&body, -0.5..nx - 0.5, -0.5..ny - 0.5, y_area, 12)?;
        let x_desc = fitted(&r.paths[0], f64::from(body.dim_in_pixel().0) - 100.0, 16.0);
        let y_desc = fitted(&r.paths[1], f64::from(body.dim_in_pixel().1) - 90.0, 16.0);
        let mut mesh = chart.configure_mesh();
        mesh.disable_mesh()
            .x_labels(0)
            .y_labels(0)
            .x_desc(x_desc)
            .y_desc(y_desc);
        house_style(&mut mesh).draw().map_err(text)?;
        for e in r.entries.iter().filter(|e| e.phase == *phase) {
            let i = xs.iter().position(|x| *x == e.values[0]).unwrap_or(0) as f64;
            let j = ys.iter().position(|y| *y == e.values[1]).unwrap_or(0) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(i - 0.5, j - 0.5), (i + 0.5, j + 0.5)],
                    scale(e.estimate).filled(),
                )))
                .map_err(text)?;
        }
        // Each cell's share, where it fits inside the cell.
        let (cx0, cy0) = chart.backend_coord(&(-0.5, -0.5));
        let (cx1, cy1) = chart.backend_coord(&(nx - 0.5, ny - 0.5));
        let cell_w = f64::from(cx1 - cx0) / nx;
        let cell_h = f64::from(cy0 - cy1) / ny;
        let cell_font = 12.0;
        if cell_w >= text_width(4, cell_font) + 4.0 && cell_h >= cell_font / 1.24 + 4.0 {
            for e in r.entries.iter().filter(|e| e.phase == *phase) {
                let i = xs.iter().position(|x| *x == e.values[0]).unwrap_or(0) as f64;
                let j = ys.iter().position(|y| *y == e.values[1]).unwrap_or(0) as f64;
                let dark = e.estimate < 0.6;
                let ink = if dark { WHITE } else { BLACK };
                root.draw(&Text::new(
                    percent(&e.estimate),
                    chart.backend_coord(&(i, j)),
                    (FONT, cell_font)
                        .into_font()
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(text)?;
            }
        }
        // Tick labels: the grid's values, thinned so that none overlap.
        let below: Vec<(f64, f64, String)> = x_labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let (px, _) = chart.backend_coord(&(i as f64, -0.5));
                (
                    f64::from(px),
                    text_width(l.chars().count(), TICK_FONT),
                    l.clone(),
                )
            })
            .collect();
        for (px, words) in thinned(below, 6.0) {
            root.draw(&Text::new(
                words,
                (px.round() as i32, cy0 + 6),
                tick.clone().pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(text)?;
        }
        let height = TICK_FONT / 1.24;
        let left: Vec<(f64, f64, String)> = y_labels
            .iter()
            .enumerate()
            .map(|(j, l)| {
                let (_, py) = chart.backend_coord(&(-0.5, j as f64));
                (-f64::from(py), height, l.clone())
            })
            .collect();
        for (neg_py, words) in thinned(left, 2.0) {
            root.draw(&Text::new(
                words,
                (cx0 - 6, (-neg_py).round() as i32),
                tick.clone().pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(text)?;
        }
    }
    colour_bar(&side)
}

/// The heatmap's colour scale in the legend column, 0% at the bottom.
fn colour_bar(side: &Area) -> Result<(), String> {
    side.draw_text(
        "Runs that entered",
        &(FONT, 15).into_font().style(FontStyle::Bold).color(&BLACK),
        (6, 16),
    )
    .map_err(text)?;
    let (top, height, steps) = (46, 200, 40);
    for k in 0..steps {
        let y0 = top + height * k / steps;
        let y1 = top + height * (k + 1) / steps;
        let share = 1.0 - (f64::from(k) + 0.5) / f64::from(steps);
        side.draw(&Rectangle::new([(6, y0), (30, y1)], scale(share).filled()))
            .map_err(text)?;
    }
    for q in 0..=4 {
        let share = f64::from(q) / 4.0;
        let y = top + height - height * q / 4;
        side.draw(&Text::new(
            percent(&share),
            (38, y),
            (FONT, 15)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(text)?;
    }
    Ok(())
}

/// Any other design: the share entering each phase at every point against
/// each parameter, one panel per parameter.
fn scatters(r: &SweepResults, root: &Area) -> Result<(), String> {
    let points = r
        .entries
        .iter()
        .filter(|e| Some(e.phase.as_str()) == r.shown().first().copied())
        .count();
    let subtitle = format!(
        "Share of runs entering each phase (y, 0–100%) at each of {points} points, against each varied parameter"
    );
    let (plot, side) = frame(root, &r.name, "sweep", &subtitle)?;
    let colours = r.colours();
    for (k, panel) in panels(&plot, r.paths.len(), 3).iter().enumerate() {
        let body = caption(panel, &r.paths[k])?;
        let levels = r.levels(k);
        let (x0, x1) = (levels[0], levels[levels.len() - 1]);
        let pad = if x1 > x0 { 0.04 * (x1 - x0) } else { 0.5 };
        let mut chart = cartesian(&body, x0 - pad..x1 + pad, 0.0..1.0, 52, 12)?;
        let span = x1 - x0 + 2.0 * pad;
        let x_fmt = |x: &f64| r.tick(k, *x, span / 10.0);
        let mut mesh = chart.configure_mesh();
        mesh.x_labels(4)
            .y_labels(5)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&percent);
        house_style(&mut mesh).draw().map_err(text)?;
        for phase in r.shown() {
            let c = colours.of(phase);
            chart
                .draw_series(
                    r.entries
                        .iter()
                        .filter(|e| e.phase == phase)
                        .map(|e| Circle::new((e.values[k], e.estimate), 3, c.mix(0.75).filled())),
                )
                .map_err(text)?;
        }
    }
    phase_legend(r, &side)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Two phases drawn and the initial one; reports of jfs only at point 1,
    // as when a word decides whether the party is bound.
    const SWEEP: &str = "point,compliance.counts,metric,subject,estimate,ci_low,ci_high,runs
0,major,entered,truce,1,0.99,1,100
0,major,entered,joint,0.1,0.05,0.15,100
0,major,entered,collapse,0.25,0.2,0.3,100
0,major,entry_day_mean,collapse,3,2,4,25
1,any,entered,truce,1,0.99,1,100
1,any,entered,joint,0.2,0.15,0.25,100
1,any,entered,collapse,0.5,0.4,0.6,100
1,any,entry_day_mean,collapse,,,,0
1,any,reported_per_run,jfs,2,1.5,2.5,100
";

    #[test]
    fn the_chart_reads_entered_rows_and_leaves_out_the_initial_phase() {
        let r = SweepResults::from_csv("Geneva", ("sweep.csv", SWEEP.as_bytes())).unwrap();
        assert_eq!(r.paths, ["compliance.counts"]);
        assert_eq!(r.labels, [["major", "any"]]);
        assert_eq!(r.phases, ["truce", "joint", "collapse"]);
        assert_eq!(r.initial.as_deref(), Some("truce"));
        let shares: Vec<(&str, f64, f64, f64, f64)> = r
            .entries
            .iter()
            .map(|e| (e.phase.as_str(), e.values[0], e.estimate, e.low, e.high))
            .collect();
        assert_eq!(
            shares,
            [
                ("joint", 0.0, 0.1, 0.05, 0.15),
                ("collapse", 0.0, 0.25, 0.2, 0.3),
                ("joint", 1.0, 0.2, 0.15, 0.25),
                ("collapse", 1.0, 0.5, 0.4, 0.6),
            ]
        );
        assert_eq!(r.tick(0, 1.0, 0.1), "any");
    }

    #[test]
    fn an_entered_row_without_its_estimate_is_refused() {
        let bad = SWEEP.replace("1,any,entered,collapse,0.5,", "1,any,entered,collapse,,");
        let e = SweepResults::from_csv("Geneva", ("sweep.csv", bad.as_bytes())).unwrap_err();
        assert!(e.to_string().contains("point 1: entered:collapse"), "{e}");
        let initial_only: String = SWEEP
            .lines()
            .filter(|l| !l.contains("entered,collapse") && !l.contains("entered,joint"))
            .map(|l| format!("{l}\n"))
            .collect();
        let e =
            SweepResults::from_csv("Geneva", ("sweep.csv", initial_only.as_bytes())).unwrap_err();
        assert!(e.to_string().contains("below 100%"), "{e}");
    }

    #[test]
    fn tidy_rounds_to_what_tells_values_apart() {
        assert_eq!(tidy(0.35000000000000003, 0.05), "0.35");
        assert_eq!(tidy(0.39999999999999997, 0.05), "0.4");
        assert_eq!(tidy(3.0, 1.0), "3");
        assert_eq!(tidy(0.333333333, 0.333), "0.333");
        assert_eq!(tidy(-0.0001, 0.5), "0");
    }

    #[test]
    fn long_paths_are_cut_from_the_left() {
        let p = "humanitarian.block_probability_violent";
        assert_eq!(fitted(p, 1000.0, 15.0), p);
        assert_eq!(fitted(p, 200.0, 15.0), "block_probability_violent");
        let cut = fitted(p, 60.0, 15.0);
        assert!(cut.ends_with('…') && text_width(cut.chars().count(), 15.0) <= 60.0);
    }

    #[test]
    fn thinned_labels_never_overlap() {
        let labels: Vec<(f64, f64, String)> = (0..20)
            .map(|i| (10.0 * f64::from(i), 25.0, i.to_string()))
            .collect();
        let kept = thinned(labels, 4.0);
        assert!(kept.len() > 1);
        for w in kept.windows(2) {
            assert!(w[1].0 - w[0].0 >= 29.0);
        }
    }
}
