//! The three charts, drawn with plotters' SVG backend. They share one frame
//! (title, subtitle, legend column, calendar x axis) so that they read alike
//! side by side in a paper draft.

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::palette::{PhaseColours, colour};
use super::{Band, PlotError, Results};
use crate::layout::CHARTS;
use crate::layout::ResultFile;

/// Size of every chart in pixels: 16:9, legible when scaled to a column.
pub(super) const SIZE: (u32, u32) = (960, 540);
/// Width of the legend column on the right.
const LEGEND_WIDTH: u32 = 190;
/// Height of the title and subtitle band.
const HEADER_HEIGHT: u32 = 72;
#[doc(hidden)]
pub const FONT: &str = "sans-serif";
/// Opacity of interval bands: visible, but the line stays on top.
#[doc(hidden)]
pub const BAND_OPACITY: f64 = 0.25;

#[doc(hidden)]
pub const GRID: RGBColor = RGBColor(225, 225, 225);
#[doc(hidden)]
pub const MUTED: RGBColor = RGBColor(90, 90, 90);

pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
/// Draws one chart on an area; plotters' errors are carried as text.
type Drawer = fn(&Results, &Area) -> Result<(), String>;

/// A plotters error as text (its error types are generic over backends).
pub(super) fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}
pub(super) type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws every chart of [`CHARTS`], in that order, as SVG text.
#[doc(hidden)]
pub fn draw(r: &Results) -> Result<Vec<(ResultFile, String)>, PlotError> {
    let drawers: [Drawer; 3] = [occupancy, entry_curves, violence];
    CHARTS
        .iter()
        .zip(drawers)
        .map(|(&chart, drawer)| Ok((chart, render(chart.name(), |root| drawer(r, root))?)))
        .collect()
}

/// One chart as SVG text: `draw` on a white canvas of [`SIZE`], its errors
/// named after `chart`.
pub(super) fn render(
    chart: &'static str,
    draw: impl FnOnce(&Area) -> Result<(), String>,
) -> Result<String, PlotError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(&root)
            .and_then(|()| root.present().map_err(text))
            .map_err(|message| PlotError::Draw { chart, message })?;
    }
    Ok(svg)
}

/// Cartesian axes on `area` with the house margins: room for x labels and
/// the x description below, `y_labels` pixels for y labels on the left, and
/// `right` pixels on the right.
pub(super) fn cartesian<'a, 'b>(
    area: &'a Area<'b>,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    y_labels: u32,
    right: u32,
) -> Result<Chart<'a, 'b>, String> {
    ChartBuilder::on(area)
        .margin_left(12)
        .margin_right(right)
        .margin_top(8)
        .margin_bottom(8)
        .x_label_area_size(50)
        .y_label_area_size(y_labels)
        .build_cartesian_2d(x, y)
        .map_err(text)
}

/// A phase or party id as a label: `joint_targeting` → `joint targeting`.
pub(super) fn label(id: &str) -> String {
    id.replace('_', " ")
}

/// Days between x ticks: a round calendar step giving at most ten ticks.
fn tick_step(last_day: u32) -> u32 {
    [1, 2, 7, 14, 28, 91, 182, 365, 730, 1826, 3652, 7305]
        .into_iter()
        .find(|s| last_day / s <= 9)
        .unwrap_or(36525)
}

/// The x coordinate of a day. The x axis counts in units of the tick step,
/// so that plotters' round ticks (0, 1, 2, …) fall on whole calendar steps
/// from day 0 (every Monday for a truce that began on a Monday).
fn x(r: &Results, day: u32) -> f64 {
    f64::from(day) / f64::from(tick_step(r.last_day))
}

/// Fills the background, writes the title and subtitle, and returns the plot
/// area and the legend column.
pub(super) fn frame<'a>(
    root: &Area<'a>,
    name: &str,
    title: &str,
    subtitle: &str,
) -> Result<(Area<'a>, Area<'a>), String> {
    root.fill(&WHITE).map_err(text)?;
    let (header, body) = root.split_vertically(HEADER_HEIGHT);
    header
        .draw_text(
            &format!("{name}: {title}"),
            &(FONT, 24).into_font().style(FontStyle::Bold).color(&BLACK),
            (24, 14),
        )
        .map_err(text)?;
    header
        .draw_text(subtitle, &(FONT, 16).into_font().color(&MUTED), (24, 46))
        .map_err(text)?;
    let (plot, legend) = body.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    Ok((plot, legend))
}

/// Axes on calendar dates, with y from 0 to `y_max` formatted by `y_fmt`.
fn axes<'a, 'b>(
    area: &'a Area<'b>,
    r: &Results,
    y_max: f64,
    y_desc: &str,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Result<Chart<'a, 'b>, String> {
    let step = f64::from(tick_step(r.last_day));
    let last = x(r, r.last_day.max(1));
    let mut chart = cartesian(area, 0.0..last, 0.0..y_max, 78, 8)?;
    let date_fmt = if r.last_day > 366 { "%b %Y" } else { "%-d %b" };
    let x_fmt = |u: &f64| {
        let day = (u * step).round().max(0.0) as u32;
        r.date(day).format(date_fmt).to_string()
    };
    let start = r.start_date.format("%a %-d %b %Y");
    {
        let mut mesh = chart.configure_mesh();
        mesh.x_labels(11)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(y_fmt)
            .x_desc(format!("Date (day 0 = {start})"))
            .y_desc(y_desc);
        house_style(&mut mesh).draw().map_err(text)?;
    }
    Ok(chart)
}

/// The text, grid and axis styles every chart's mesh shares.
#[doc(hidden)]
pub fn house_style<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB> {
    mesh.label_style((FONT, 15).into_font().color(&BLACK))
        .axis_desc_style((FONT, 16).into_font().color(&BLACK))
        .bold_line_style(GRID)
        .light_line_style(WHITE)
        .axis_style(MUTED)
}

/// A legend column: a colour swatch and a label per entry, top down.
pub(super) fn legend(
    area: &Area,
    heading: &str,
    entries: &[(String, RGBColor)],
) -> Result<(), String> {
    let style = (FONT, 15).into_font().color(&BLACK);
    area.draw_text(
        heading,
        &(FONT, 15).into_font().style(FontStyle::Bold).color(&BLACK),
        (6, 16),
    )
    .map_err(text)?;
    for (k, (name, c)) in entries.iter().enumerate() {
        let y = 46 + 28 * k as i32;
        area.draw(&Rectangle::new([(6, y), (28, y + 16)], c.filled()))
            .map_err(text)?;
        area.draw_text(name, &style, (36, y + 1)).map_err(text)?;
    }
    Ok(())
}

/// A filled band between `low` and `high`, day by day.
fn band_polygon(r: &Results, series: &Band, c: RGBColor) -> Polygon<(f64, f64)> {
    let upper = series.iter().map(|&(d, _, _, h)| (x(r, d), h));
    let lower = series.iter().rev().map(|&(d, _, l, _)| (x(r, d), l));
    Polygon::new(
        upper.chain(lower).collect::<Vec<_>>(),
        c.mix(BAND_OPACITY).filled(),
    )
}

/// Draws each band with its line on top.
fn bands(chart: &mut Chart, r: &Results, series: &[(RGBColor, &Band)]) -> Result<(), String> {
    for &(c, s) in series {
        chart
            .draw_series(std::iter::once(band_polygon(r, s, c)))
            .map_err(text)?;
    }
    for &(c, s) in series {
        let line = s.iter().map(|&(d, e, _, _)| (x(r, d), e));
        chart
            .draw_series(LineSeries::new(line, c.stroke_width(2)))
            .map_err(text)?;
    }
    Ok(())
}

/// The colours of the phases of `r`.
fn phase_colours(r: &Results) -> PhaseColours {
    let initial = r
        .occupancy
        .iter()
        .position(|s| {
            s.first()
                .is_some_and(|&(day, share)| day == 0 && share >= 0.5)
        })
        .map(|k| r.phases[k].as_str());
    PhaseColours::new(&r.phases, initial)
}

pub(super) fn percent(y: &f64) -> String {
    format!("{:.0}%", 100.0 * y)
}

/// Phase occupancy over time, stacked to 100%.
fn occupancy(r: &Results, root: &Area) -> Result<(), String> {
    let subtitle = match r.exact {
        true => "Exact probability of each phase, day by day (no sampling error)".to_string(),
        false => format!(
            "Share of {} simulated runs in each phase, day by day",
            thousands(r.runs)
        ),
    };
    let (plot, side) = frame(root, &r.name, "phase occupancy over time", &subtitle)?;
    let mut chart = axes(&plot, r, 1.0, "Runs in phase (% of all runs)", &percent)?;
    let colours = phase_colours(r);
    let table = r.occupancy_by_day();
    let days: Vec<f64> = table.keys().map(|&d| x(r, d)).collect();
    let mut below = vec![0.0; days.len()];
    for k in 0..r.phases.len() {
        let above: Vec<f64> = below
            .iter()
            .zip(table.values())
            .map(|(b, row)| (b + row[k]).min(1.0))
            .collect();
        let upper = days.iter().copied().zip(above.iter().copied());
        let lower = days.iter().copied().zip(below.iter().copied()).rev();
        let polygon = Polygon::new(
            upper.chain(lower).collect::<Vec<_>>(),
            colours.of(&r.phases[k]).mix(0.85).filled(),
        );
        chart.draw_series(std::iter::once(polygon)).map_err(text)?;
        below = above;
    }
    // Listed top down, as the bands are stacked.
    let entries: Vec<_> = r
        .phases
        .iter()
        .enumerate()
        .rev()
        .map(|(_, p)| (label(p), colours.of(p)))
        .collect();
    legend(&side, "Phase", &entries)
}

/// Cumulative share of runs that have entered each phase, with 95% bands.
/// A phase every run starts in (the initial phase) is left out: its curve is
/// 100% from day 0 and says nothing.
fn entry_curves(r: &Results, root: &Area) -> Result<(), String> {
    let (plot, side) = frame(
        root,
        &r.name,
        "time to first entry of each phase",
        match r.exact {
            true => "Exact probability of having entered the phase by each day",
            false => {
                "Share of runs that have entered the phase by each day, with 95% Wilson intervals (shaded)"
            }
        },
    )?;
    let mut chart = axes(
        &plot,
        r,
        1.0,
        "Runs that have entered (% of all runs)",
        &percent,
    )?;
    let colours = phase_colours(r);
    let shown: Vec<(&String, &Band)> = r
        .phases
        .iter()
        .zip(&r.entry)
        .filter(|(_, s)| s.first().is_none_or(|&(_, e, _, _)| e < 1.0))
        .collect();
    let series: Vec<(RGBColor, &Band)> = shown.iter().map(|&(p, s)| (colours.of(p), s)).collect();
    bands(&mut chart, r, &series)?;
    let entries: Vec<_> = shown
        .iter()
        .map(|&(p, _)| (label(p), colours.of(p)))
        .collect();
    legend(&side, "Phase entered", &entries)
}

/// Mean attacks per day by party, with 95% bands.
fn violence(r: &Results, root: &Area) -> Result<(), String> {
    let (plot, side) = frame(
        root,
        &r.name,
        "violence by party",
        match r.exact {
            true => {
                "Expected actual attacks per day (runs resting in an absorbing phase count as 0), exact"
            }
            false => {
                "Actual attacks per day, mean over all runs (runs resting in an absorbing phase count as 0), with 95% t intervals"
            }
        },
    )?;
    let top = r
        .attacks
        .iter()
        .flat_map(|(_, s)| s.iter().map(|p| p.3))
        .filter(|h| h.is_finite())
        .fold(0.0, f64::max);
    let y_max = if top > 0.0 { top * 1.08 } else { 1.0 };
    let mut chart = axes(&plot, r, y_max, "Attacks per day (mean over runs)", &|y| {
        format!("{y}")
    })?;
    let shown: Vec<(RGBColor, &Band)> = r
        .attacks
        .iter()
        .enumerate()
        .map(|(k, (_, s))| (colour(k), s))
        .collect();
    bands(&mut chart, r, &shown)?;
    let entries: Vec<_> = r
        .attacks
        .iter()
        .enumerate()
        .map(|(k, (p, _))| (label(p), colour(k)))
        .collect();
    legend(&side, "Party", &entries)
}

/// `100000` → `100,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_calendar_steps() {
        assert_eq!(tick_step(59), 7);
        assert_eq!(tick_step(5), 1);
        assert_eq!(tick_step(365), 91);
        assert_eq!(tick_step(36499), 3652);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(100000), "100,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
