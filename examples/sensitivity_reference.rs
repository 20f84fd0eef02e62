//! Writes designs, outputs and results of the sensitivity and discovery
//! estimators on analytic functions, for scripts/check-salib.sh to hand the
//! same designs and outputs to SALib and the EMA Workbench.
//!
//! Usage: `cargo run --release --example sensitivity_reference -- OUT_DIR`.
//! Each case gets a directory with design.csv, outputs.csv and indices.csv
//! (or, for PRIM, points.csv and prim.csv) in the formats of
//! docs/outputs.md.

use std::fs::File;
use std::path::Path;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use ceasefire::discover::{PrimOptions, prim};
use ceasefire::report::sensitivity::{IndexRow, Outcome, OutputRow, write_design, write_prim};
use ceasefire::report::write_rows;
use ceasefire::sensitivity::functions::{Ishigami, Linear};
use ceasefire::sensitivity::{
    Bounds, DEFAULT_RESAMPLES, analyze_morris, analyze_sobol, morris_design, saltelli_design,
};

type Error = Box<dyn std::error::Error>;

fn write_case(
    dir: &Path,
    paths: &[String],
    design: &[Vec<f64>],
    y: &[f64],
    indices: &[IndexRow],
) -> Result<(), Error> {
    std::fs::create_dir_all(dir)?;
    write_design(paths, design, File::create(dir.join("design.csv"))?)?;
    let outputs: Vec<OutputRow> = y
        .iter()
        .enumerate()
        .map(|(point, &estimate)| OutputRow {
            point,
            outcome: "y".into(),
            subject: String::new(),
            estimate,
        })
        .collect();
    write_rows(&outputs, File::create(dir.join("outputs.csv"))?)?;
    write_rows(indices, File::create(dir.join("indices.csv"))?)?;
    Ok(())
}

fn main() -> Result<(), Error> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: sensitivity_reference OUT_DIR")?;
    let out = Path::new(&out);
    let outcome = Outcome {
        metric: "y".into(),
        subject: String::new(),
    };
    let names = |d: usize| (1..=d).map(|j| format!("x{j}")).collect::<Vec<_>>();

    let f = Ishigami::default();
    for (case, second) in [("ishigami-sobol", true), ("ishigami-sobol-first", false)] {
        let x = saltelli_design(&f.bounds(), 1 << 12, second, 2026)?;
        let y: Vec<f64> = x.iter().map(|p| f.eval(p)).collect();
        let s = analyze_sobol(&y, 3, second, DEFAULT_RESAMPLES, 1)?;
        write_case(
            &out.join(case),
            &names(3),
            &x,
            &y,
            &IndexRow::sobol(&outcome, &names(3), &s),
        )?;
    }

    let b = [(0.0, 1.0), (-2.0, 2.0), (5.0, 6.0), (0.0, 3.0)].map(|(lo, hi)| Bounds::new(lo, hi));
    let b: Vec<Bounds> = b.into_iter().collect::<Result<_, _>>()?;
    let lin = Linear::new(vec![2.0, -1.0, 0.0, 0.5], b.clone());
    let x = saltelli_design(&b, 1 << 12, false, 7)?;
    let y: Vec<f64> = x.iter().map(|p| lin.eval(p)).collect();
    let s = analyze_sobol(&y, 4, false, DEFAULT_RESAMPLES, 2)?;
    write_case(
        &out.join("linear-sobol"),
        &names(4),
        &x,
        &y,
        &IndexRow::sobol(&outcome, &names(4), &s),
    )?;

    let x = morris_design(&f.bounds(), 200, 4, 3)?;
    let y: Vec<f64> = x.iter().map(|p| f.eval(p)).collect();
    let m = analyze_morris(&x, &y, 4, DEFAULT_RESAMPLES, 4)?;
    write_case(
        &out.join("ishigami-morris"),
        &names(3),
        &x,
        &y,
        &IndexRow::morris(&outcome, &names(3), &m),
    )?;

    // PRIM on a planted region with noise in the flags.
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let x: Vec<Vec<f64>> = (0..2000)
        .map(|_| (0..4).map(|_| rng.random::<f64>()).collect())
        .collect();
    let y: Vec<bool> = x
        .iter()
        .map(|p| {
            let inside = p[0] > 0.6 && p[2] < 0.5;
            rng.random::<f64>() < if inside { 0.9 } else { 0.1 }
        })
        .collect();
    let dir = out.join("prim");
    std::fs::create_dir_all(&dir)?;
    write_design(&names(4), &x, File::create(dir.join("design.csv"))?)?;
    let outputs: Vec<OutputRow> = y
        .iter()
        .enumerate()
        .map(|(point, &v)| OutputRow {
            point,
            outcome: "y".into(),
            subject: String::new(),
            estimate: f64::from(u8::from(v)),
        })
        .collect();
    write_rows(&outputs, File::create(dir.join("outputs.csv"))?)?;
    let boxes = prim(&x, &y, PrimOptions::default())?;
    write_prim(&names(4), &boxes, File::create(dir.join("prim.csv"))?)?;
    println!("wrote {}", out.display());
    Ok(())
}
