//! The two charts of a fit: diagnostics (PIT histogram and residual
//! autocorrelation per party, with the range a good fit stays in) and the
//! predictive check (observed counts over the simulated 50% and 90% bands).
//! SVG only, in the house style of the run charts.

use plotters::prelude::*;

use super::Fit;
use super::diagnostics::{MAX_LAG, PIT_BINS};
use crate::report::plot::{BAND_OPACITY, FONT, GRID, MUTED, colour, house_style};

/// Width of every chart; each party adds a row of this height.
const WIDTH: u32 = 960;
const ROW_HEIGHT: u32 = 240;
const HEADER: u32 = 60;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The diagnostics chart and, with a predictive check, its chart.
pub(crate) fn draw(fit: &Fit) -> Result<(String, Option<String>), String> {
    let diagnostics = diagnostics_chart(fit)?;
    let predictive = match fit.predictive {
        Some(_) => Some(predictive_chart(fit)?),
        None => None,
    };
    Ok((diagnostics, predictive))
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn header(area: &Area, title: &str, sub: &str) -> Result<(), String> {
    area.draw_text(
        title,
        &(FONT, 22).into_font().style(FontStyle::Bold).color(&BLACK),
        (16, 10),
    )
    .map_err(err)?;
    area.draw_text(sub, &(FONT, 15).into_font().color(&MUTED), (16, 38))
        .map_err(err)
}

/// A chart of `rows` panel rows under a title and subtitle, drawn by `body`.
fn page(
    rows: usize,
    title: &str,
    sub: &str,
    body: impl FnOnce(&Area) -> Result<(), String>,
) -> Result<String, String> {
    let height = HEADER + ROW_HEIGHT * rows as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (top, rest) = root.split_vertically(HEADER);
        header(&top, title, sub)?;
        body(&rest)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

fn diagnostics_chart(fit: &Fit) -> Result<String, String> {
    let parties: Vec<_> = fit.checks.iter().filter(|c| !c.acf.is_empty()).collect();
    let sub = "left: randomised PIT (flat if the model is right); right: autocorrelation of Pearson residuals (near 0 if it is); grey: 95% range";
    page(parties.len(), "Goodness of fit", sub, |body| {
        let rows = body.split_evenly((parties.len(), 2));
        let z = crate::numeric::z();
        for (i, c) in parties.iter().enumerate() {
            let col = colour(i);
            let n = c.days as f64;
            let share = 1.0 / PIT_BINS as f64;
            let half = z * (share * (1.0 - share) / n).sqrt();
            let top = c.pit_histogram.iter().copied().fold(share + half, f64::max) * 1.1;
            let mut ch = ChartBuilder::on(&rows[2 * i])
                .caption(
                    format!("{}: PIT (KS p = {:.3})", c.party, c.ks_p_value),
                    (FONT, 16),
                )
                .margin(8)
                .x_label_area_size(42)
                .y_label_area_size(50)
                .build_cartesian_2d(0.0..1.0, 0.0..top)
                .map_err(err)?;
            house_style(&mut ch.configure_mesh())
                .x_desc("PIT value")
                .y_desc("share of days")
                .y_label_formatter(&|y| format!("{y:.2}"))
                .draw()
                .map_err(err)?;
            ch.draw_series(std::iter::once(Rectangle::new(
                [(0.0, share - half), (1.0, share + half)],
                GRID.mix(0.8).filled(),
            )))
            .map_err(err)?;
            ch.draw_series(c.pit_histogram.iter().enumerate().map(|(b, &v)| {
                let x0 = b as f64 / PIT_BINS as f64;
                Rectangle::new([(x0 + 0.005, 0.0), (x0 + share - 0.005, v)], col.filled())
            }))
            .map_err(err)?;
            let band = z / n.sqrt();
            let lim = c.acf.iter().fold(band, |m, r| m.max(r.abs())) * 1.2;
            let mut ch = ChartBuilder::on(&rows[2 * i + 1])
                .caption(
                    format!(
                        "{}: residual ACF (Ljung–Box p = {:.3})",
                        c.party, c.ljung_box_p_value
                    ),
                    (FONT, 16),
                )
                .margin(8)
                .x_label_area_size(42)
                .y_label_area_size(50)
                .build_cartesian_2d(0.0..(MAX_LAG as f64 + 1.0), -lim..lim)
                .map_err(err)?;
            house_style(&mut ch.configure_mesh())
                .x_desc("lag (days)")
                .y_desc("autocorrelation")
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| format!("{y:.2}"))
                .draw()
                .map_err(err)?;
            ch.draw_series(std::iter::once(Rectangle::new(
                [(0.0, -band), (MAX_LAG as f64 + 1.0, band)],
                GRID.mix(0.8).filled(),
            )))
            .map_err(err)?;
            ch.draw_series(c.acf.iter().enumerate().map(|(k, &r)| {
                let x = k as f64 + 1.0;
                Rectangle::new(
                    [(x - 0.3, 0.0_f64.min(r)), (x + 0.3, 0.0_f64.max(r))],
                    col.filled(),
                )
            }))
            .map_err(err)?;
        }
        Ok(())
    })
}

fn predictive_chart(fit: &Fit) -> Result<String, String> {
    let pred = fit.predictive.as_ref().expect("checked by the caller");
    let n = fit.parties.len();
    let sub = format!(
        "observed daily counts (dots) against {} simulated runs of the fitted scenario: median, 50% and 90% bands; days from {}",
        pred.runs, fit.first_day
    );
    page(n, "Predictive check", &sub, |body| {
        let rows = body.split_evenly((n, 1));
        for (p, party) in fit.parties.iter().enumerate() {
            let col = colour(p);
            let b = &pred.bands[p];
            let days = b.len() as f64;
            let ymax = b.iter().map(|r| r[0].max(r[5])).fold(1.0, f64::max) * 1.1;
            let mut ch = ChartBuilder::on(&rows[p])
                .caption(
                    format!(
                        "{party}: {:.0}% of days inside the 50% band, {:.0}% inside the 90% band",
                        100.0 * pred.inside50[p],
                        100.0 * pred.inside90[p]
                    ),
                    (FONT, 16),
                )
                .margin(8)
                .x_label_area_size(42)
                .y_label_area_size(50)
                .build_cartesian_2d(0.0..days, 0.0..ymax)
                .map_err(err)?;
            house_style(&mut ch.configure_mesh())
                .x_desc("day")
                .y_desc("events per day")
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| format!("{y:.0}"))
                .draw()
                .map_err(err)?;
            for (lo, hi, alpha) in [(1, 5, BAND_OPACITY), (2, 4, 2.0 * BAND_OPACITY)] {
                let upper = b.iter().enumerate().map(|(t, r)| (t as f64, r[hi]));
                let lower: Vec<_> = b
                    .iter()
                    .enumerate()
                    .map(|(t, r)| (t as f64, r[lo]))
                    .collect();
                let poly: Vec<(f64, f64)> = upper.chain(lower.into_iter().rev()).collect();
                ch.draw_series(std::iter::once(Polygon::new(poly, col.mix(alpha).filled())))
                    .map_err(err)?;
            }
            ch.draw_series(LineSeries::new(
                b.iter().enumerate().map(|(t, r)| (t as f64, r[3])),
                col.stroke_width(2),
            ))
            .map_err(err)?;
            ch.draw_series(
                b.iter()
                    .enumerate()
                    .map(|(t, r)| Circle::new((t as f64, r[0]), 2, BLACK.filled())),
            )
            .map_err(err)?;
        }
        Ok(())
    })
}
