//! The charts of sensitivity studies and scenario discovery: one chart of
//! indices per outcome (bars with their 95% intervals, most important
//! parameter on top, two measures side by side), and PRIM's
//! coverage–density trade-off.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PlotError;
use super::charts::{FONT, MUTED, cartesian, frame, house_style, legend, percent, render, text};
use super::palette::colour;
use crate::discover::PrimBox;
use crate::report::sensitivity::{Index, IndexMethod, IndexRow, Outcome};

/// The file name of the chart of an outcome's indices:
/// `indices-METRIC-SUBJECT.svg`, with characters other than letters, digits,
/// `-` and `_` replaced by `_`.
#[doc(hidden)]
pub fn indices_chart_name(o: &Outcome) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("indices-{}-{}.svg", safe(&o.metric), safe(&o.subject))
}

/// One parameter's two measures.
struct Bar {
    parameter: String,
    values: [(f64, Option<(f64, f64)>); 2],
}

/// Draws the indices of one outcome (`rows` of indices.csv for it): S1 and
/// ST for Sobol', mu_star and sigma for Morris, sorted by ST (or mu_star).
#[doc(hidden)]
pub fn draw_indices(
    name: &str,
    outcome: &Outcome,
    method: IndexMethod,
    rows: &[IndexRow],
) -> Result<String, PlotError> {
    let measures = match method {
        IndexMethod::Sobol => [Index::S1, Index::ST],
        IndexMethod::Morris => [Index::MuStar, Index::Sigma],
    };
    let mut bars: Vec<Bar> = Vec::new();
    for r in rows.iter().filter(|r| measures.contains(&r.index)) {
        let k = usize::from(r.index == measures[1]);
        let ci = r.ci_low.zip(r.ci_high);
        match bars.iter_mut().find(|b| b.parameter == r.parameter) {
            Some(b) => b.values[k] = (r.estimate, ci),
            None => {
                let mut values = [(f64::NAN, None); 2];
                values[k] = (r.estimate, ci);
                bars.push(Bar {
                    parameter: r.parameter.clone(),
                    values,
                });
            }
        }
    }
    let key = usize::from(method == IndexMethod::Sobol);
    bars.sort_by(|a, b| b.values[key].0.total_cmp(&a.values[key].0));
    let (labels, subtitle) = match method {
        IndexMethod::Sobol => (
            ["S1 (first order)", "ST (total)"],
            "Sobol' indices with 95% bootstrap intervals; most influential parameter on top",
        ),
        IndexMethod::Morris => (
            ["μ* (mean |effect|)", "σ (spread of effects)"],
            "Morris elementary effects (μ* with its 95% bootstrap interval); most influential on top",
        ),
    };
    let title = format!("{} {}", outcome.metric, outcome.subject);
    render("indices", |root| {
        let (plot, side) = frame(root, name, &title, subtitle)?;
        let all = bars
            .iter()
            .flat_map(|b| b.values.iter())
            .flat_map(|(v, ci)| {
                let (l, h) = ci.unwrap_or((*v, *v));
                [*v, l, h]
            });
        let (lo, hi) = all
            .filter(|v| v.is_finite())
            .fold((0.0f64, 0.0f64), |(l, h), v| (l.min(v), h.max(v)));
        let hi = if method == IndexMethod::Sobol {
            hi.max(1.0)
        } else {
            hi.max(f64::MIN_POSITIVE) * 1.05
        };
        let n = bars.len() as f64;
        let longest = bars
            .iter()
            .map(|b| b.parameter.chars().count())
            .max()
            .unwrap_or(1);
        let label_width = (longest as u32 * 8 + 16).min(360);
        let mut chart = cartesian(&plot, lo - 0.02 * (hi - lo)..hi, 0.0..n, label_width, 16)?;
        let mut mesh = chart.configure_mesh();
        let x_desc = match method {
            IndexMethod::Sobol => "Share of the outcome's variance",
            IndexMethod::Morris => "Elementary effect (change of the outcome over the whole range)",
        };
        mesh.x_desc(x_desc).disable_y_mesh().y_labels(0);
        if method == IndexMethod::Sobol {
            mesh.x_label_formatter(&percent);
        }
        house_style(&mut mesh).draw().map_err(text)?;
        for (k, b) in bars.iter().enumerate() {
            let top = n - k as f64;
            for (m, (v, ci)) in b.values.iter().enumerate() {
                if !v.is_finite() {
                    continue;
                }
                let c = colour(m);
                let (y0, y1) = (
                    top - 0.15 - 0.35 * (m + 1) as f64,
                    top - 0.15 - 0.35 * m as f64,
                );
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y0 + 0.03), (*v, y1 - 0.03)],
                        c.mix(0.8).filled(),
                    )))
                    .map_err(text)?;
                if let Some((l, h)) = ci {
                    let y = (y0 + y1) / 2.0;
                    let style = BLACK.stroke_width(1);
                    chart
                        .draw_series([
                            PathElement::new(vec![(*l, y), (*h, y)], style),
                            PathElement::new(vec![(*l, y - 0.08), (*l, y + 0.08)], style),
                            PathElement::new(vec![(*h, y - 0.08), (*h, y + 0.08)], style),
                        ])
                        .map_err(text)?;
                }
            }
            // The parameter's name left of its bars.
            let (x, y) = chart.backend_coord(&(lo - 0.02 * (hi - lo), top - 0.5));
            root.draw(&Text::new(
                b.parameter.clone(),
                (x - 8, y),
                (FONT, 14)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(text)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n)],
                MUTED.stroke_width(1),
            )))
            .map_err(text)?;
        let entries: Vec<(String, RGBColor)> = labels
            .iter()
            .enumerate()
            .map(|(m, l)| (l.to_string(), colour(m)))
            .collect();
        legend(&side, "Index", &entries)
    })
}

/// Draws PRIM's peeling trajectory as coverage against density, coloured by
/// the number of restricted parameters, with the chosen (last) box marked.
#[doc(hidden)]
pub fn draw_tradeoff(name: &str, what: &str, boxes: &[PrimBox]) -> Result<String, PlotError> {
    render("tradeoff", |root| {
        let subtitle =
            format!("PRIM peeling trajectory for {what}: each box's coverage and density");
        let (plot, side) = frame(root, name, "scenario discovery", &subtitle)?;
        let mut chart = cartesian(&plot, 0.0..1.05, 0.0..1.05, 78, 16)?;
        let mut mesh = chart.configure_mesh();
        mesh.x_desc("Coverage (share of all points of interest inside the box)")
            .y_desc("Density (share of the box's points of interest)")
            .x_label_formatter(&percent)
            .y_label_formatter(&percent);
        house_style(&mut mesh).draw().map_err(text)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                boxes
                    .iter()
                    .map(|b| (b.coverage, b.density))
                    .collect::<Vec<_>>(),
                MUTED.stroke_width(1),
            )))
            .map_err(text)?;
        let mut dims: Vec<usize> = boxes.iter().map(|b| b.restricted.len()).collect();
        dims.sort_unstable();
        dims.dedup();
        chart
            .draw_series(boxes.iter().map(|b| {
                let c = colour(
                    dims.iter()
                        .position(|d| *d == b.restricted.len())
                        .unwrap_or(0),
                );
                Circle::new((b.coverage, b.density), 4, c.filled())
            }))
            .map_err(text)?;
        if let Some(last) = boxes.last() {
            let at = (last.coverage, last.density);
            chart
                .draw_series([EmptyElement::at(at) + Circle::new((0, 0), 9, BLACK.stroke_width(2))])
                .map_err(text)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!(
                        "chosen box {} (mass {})",
                        boxes.len() - 1,
                        percent(&last.mass)
                    ),
                    (at.0 - 0.02, at.1 - 0.02),
                    (FONT, 14)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Right, VPos::Top)),
                )))
                .map_err(text)?;
        }
        let entries: Vec<(String, RGBColor)> = dims
            .iter()
            .enumerate()
            .map(|(k, d)| (format!("{d} restricted"), colour(k)))
            .collect();
        legend(&side, "Parameters", &entries)
    })
}
