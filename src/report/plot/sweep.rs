//! The chart of a sweep: the share of runs entering each phase against the
//! first varied parameter, with 95% interval bands, drawn from sweep.csv.

use std::io::Read;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{
    Area, BAND_OPACITY, FONT, SIZE, colour, frame, house_style, legend, percent, text,
};
use super::{PlotError, invalid};
use crate::stats::Metric;
use crate::store::ResultFile;

/// One line of the sweep chart: a phase, at fixed values of the other varied
/// parameters, as `(x, estimate, low, high)` sorted by x.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepLine {
    /// Phase id.
    pub phase: String,
    /// Values of the varied parameters after the first (empty for one).
    pub others: Vec<String>,
    /// The points.
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// What the sweep chart shows, read from sweep.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResults {
    /// Scenario name, for the title.
    pub name: String,
    /// The varied paths, in `--vary` order.
    pub paths: Vec<String>,
    /// One line per phase (other than those entered by every run at every
    /// point) and combination of the other paths' values.
    pub lines: Vec<SweepLine>,
}

impl SweepResults {
    /// Reads sweep.csv (given with the name to use in errors).
    pub fn from_csv(name: &str, sweep: (&str, impl Read)) -> Result<Self, PlotError> {
        let (path, r) = sweep;
        let mut reader = csv::Reader::from_reader(r);
        let header = reader
            .headers()
            .map_err(|e| {
                invalid(
                    path,
                    format!("not a file written by `ceasefire sweep`: {e}"),
                )
            })?
            .clone();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| invalid(path, format!("has no column `{name}`")))
        };
        let (metric, subject, est, lo, hi) = (
            col("metric")?,
            col("subject")?,
            col("estimate")?,
            col("ci_low")?,
            col("ci_high")?,
        );
        let paths: Vec<String> = header
            .iter()
            .take(metric)
            .skip(1)
            .map(String::from)
            .collect();
        if paths.is_empty() {
            return Err(invalid(path, "has no varied parameter columns"));
        }
        let mut lines: Vec<SweepLine> = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| invalid(path, e.to_string()))?;
            if &record[metric] != Metric::Entered.name() {
                continue;
            }
            let num = |i: usize| -> Result<f64, PlotError> {
                record[i]
                    .parse()
                    .map_err(|_| invalid(path, format!("'{}' is not a number", &record[i])))
            };
            let x = num(1)?;
            let others: Vec<String> = (2..metric).map(|i| record[i].to_string()).collect();
            let phase = record[subject].to_string();
            let point = (x, num(est)?, num(lo)?, num(hi)?);
            match lines
                .iter_mut()
                .find(|l| l.phase == phase && l.others == others)
            {
                Some(line) => line.points.push(point),
                None => lines.push(SweepLine {
                    phase,
                    others,
                    points: vec![point],
                }),
            }
        }
        lines.retain(|l| l.points.iter().any(|p| p.1 < 1.0));
        if lines.is_empty() {
            return Err(invalid(path, "has no `entered` rows below 100%"));
        }
        for line in &mut lines {
            line.points.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        Ok(SweepResults {
            name: name.to_string(),
            paths,
            lines,
        })
    }
}

/// Draws the sweep chart as SVG text.
pub fn draw_sweep(r: &SweepResults) -> Result<String, PlotError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        sweep_chart(r, &root)
            .and_then(|()| root.present().map_err(text))
            .map_err(|message| PlotError::Draw {
                chart: ResultFile::SweepChart.name(),
                message,
            })?;
    }
    Ok(svg)
}

fn sweep_chart(r: &SweepResults, root: &Area) -> Result<(), String> {
    let mut phases: Vec<&str> = Vec::new();
    for l in &r.lines {
        if !phases.contains(&l.phase.as_str()) {
            phases.push(&l.phase);
        }
    }
    let subtitle = if r.paths.len() == 1 {
        "Share of runs that enter each phase, with 95% Wilson intervals (shaded); same run seeds at every point".to_string()
    } else {
        format!(
            "Share of runs entering each phase; one line per value of {} (same run seeds at every point)",
            r.paths[1..].join(", ")
        )
    };
    let (plot, side) = frame(root, &r.name, "sweep", &subtitle)?;
    let xs = r.lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    let pad = if x1 > x0 { 0.0 } else { 0.5 };
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(12)
        .margin_right(16)
        .margin_top(8)
        .margin_bottom(8)
        .x_label_area_size(50)
        .y_label_area_size(78)
        .build_cartesian_2d(x0 - pad..x1 + pad, 0.0..1.0)
        .map_err(text)?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(r.paths[0].as_str())
        .y_desc("Runs that entered the phase (% of all runs)")
        .y_label_formatter(&percent);
    house_style(&mut mesh).draw().map_err(text)?;
    for l in &r.lines {
        let c = colour(phases.iter().position(|p| *p == l.phase).unwrap_or(0) + 1);
        let upper = l.points.iter().map(|p| (p.0, p.3));
        let lower = l.points.iter().rev().map(|p| (p.0, p.2));
        chart
            .draw_series(std::iter::once(Polygon::new(
                upper.chain(lower).collect::<Vec<_>>(),
                c.mix(BAND_OPACITY).filled(),
            )))
            .map_err(text)?;
        chart
            .draw_series(LineSeries::new(
                l.points.iter().map(|p| (p.0, p.1)),
                c.stroke_width(2),
            ))
            .map_err(text)?;
        chart
            .draw_series(
                l.points
                    .iter()
                    .map(|p| Circle::new((p.0, p.1), 3, c.filled())),
            )
            .map_err(text)?;
        // With several varied parameters, name each line at its right end.
        if let (false, Some(last)) = (l.others.is_empty(), l.points.last()) {
            let names: Vec<&str> = r.paths[1..]
                .iter()
                .map(|p| p.rsplit('.').next().unwrap_or(p))
                .collect();
            let tag: Vec<String> = names
                .iter()
                .zip(&l.others)
                .map(|(n, v)| format!("{n} {v}"))
                .collect();
            chart
                .draw_series(std::iter::once(Text::new(
                    tag.join(", "),
                    (last.0, last.1),
                    (FONT, 12)
                        .into_font()
                        .color(&c)
                        .pos(Pos::new(HPos::Right, VPos::Bottom)),
                )))
                .map_err(text)?;
        }
    }
    let entries: Vec<(String, RGBColor)> = phases
        .iter()
        .enumerate()
        .map(|(k, p)| (p.replace('_', " "), colour(k + 1)))
        .collect();
    legend(&side, "Phase entered", &entries)
}
