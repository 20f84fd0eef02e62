//! Designs read from a file (`sweep --design FILE.csv`), so that a design
//! made by SALib, the EMA Workbench, R or a spreadsheet runs unchanged.
//!
//! The file is a CSV table whose header names scenario paths (as in
//! `--vary`) and whose rows are points, in the order they are to be run. A
//! column named `point` (as in a study's design.csv) or an unnamed first
//! column (a pandas index) is ignored. Every cell must be a finite number:
//! a missing or unreadable value is refused with its line and column.

use std::io::Read;
use std::path::PathBuf;
use std::str::FromStr;

use super::{Design, VaryError};
use crate::scenario::paths::ParamPath;

/// A design read from a file: its paths and its points, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignFile {
    /// The paths, in column order.
    pub(crate) paths: Vec<ParamPath>,
    /// Each point's values, one per path, in row order.
    pub(crate) points: Vec<Vec<f64>>,
}

/// A design file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct DesignFileError {
    /// The file.
    pub(crate) file: String,
    /// What is wrong, with the line and column.
    pub(crate) message: String,
}

/// Reads a design file; `file` names it in errors.
pub fn read_design_file(file: &str, r: impl Read) -> Result<DesignFile, DesignFileError> {
    let err = |message: String| DesignFileError {
        file: file.to_string(),
        message,
    };
    let r = crate::input::LineLimit::new(r, crate::input::MAX_LINE_BYTES, "a design file");
    let bytes = crate::input::read_capped(r, crate::input::MAX_DATA_BYTES, "a design file")
        .map_err(|e| err(format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        err(format!(
            "cannot read: it is not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    // The CSV reader skips blank lines; in a design a blank line before the
    // last point is a point whose values are all missing.
    let body = text.trim_end();
    if let Some(line) = body.lines().position(|l| l.trim().is_empty()) {
        return Err(err(format!(
            "line {}: the values of a point are missing (a blank line)",
            line + 1
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| err(format!("cannot read the header: {e}")))?
        .clone();
    let mut columns = Vec::new();
    let mut paths: Vec<ParamPath> = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if name == "point" || (i == 0 && name.is_empty()) {
            continue;
        }
        let path: ParamPath = name
            .parse()
            .map_err(|e| err(format!("line 1, column {}: {e}", i + 1)))?;
        if paths.contains(&path) {
            return Err(err(format!("line 1: path '{name}' is given twice")));
        }
        columns.push(i);
        paths.push(path);
    }
    if paths.is_empty() {
        return Err(err(
            "line 1 names no scenario path (expected a header such as monitoring.detection,parties.opposition.attacks_per_day)".into(),
        ));
    }
    let mut points = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| err(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let values =
            columns
                .iter()
                .zip(&paths)
                .map(|(&i, path)| {
                    match record.get(i).unwrap_or("") {
                "" => Err(err(format!("line {line}: the value of {path} is missing"))),
                t => t.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or_else(|| {
                    err(format!(
                        "line {line}: the value of {path} is '{t}' (allowed: a finite number)"
                    ))
                }),
            }
                })
                .collect::<Result<Vec<f64>, _>>()?;
        points.push(values);
    }
    if points.is_empty() {
        return Err(err("has a header but no points".into()));
    }
    Ok(DesignFile { paths, points })
}

/// The `--design` of `sweep`: a kind of generated design, or a file.
#[derive(Debug, Clone, PartialEq)]
pub enum DesignChoice {
    /// Every combination of the `--vary` grids.
    Grid,
    /// A Latin hypercube of `--points` points.
    Lhs,
    /// A design given in full (`lhs:N`, `saltelli:N`, `saltelli2:N`,
    /// `morris:R:P`).
    Generated(Design),
    /// Points read from a CSV file (its name ends in `.csv`).
    File(PathBuf),
}

impl FromStr for DesignChoice {
    type Err = VaryError;

    fn from_str(s: &str) -> Result<Self, VaryError> {
        Ok(match s {
            "grid" => DesignChoice::Grid,
            "lhs" => DesignChoice::Lhs,
            _ if s.to_ascii_lowercase().ends_with(".csv") => DesignChoice::File(s.into()),
            _ => DesignChoice::Generated(s.parse()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<DesignFile, DesignFileError> {
        read_design_file("d.csv", text.as_bytes())
    }

    #[test]
    fn rows_keep_their_order_and_point_columns_are_ignored() {
        let d = read("point,monitoring.detection,parties.x.rate\n0,0.9,2\n1,0.1,3e0\n").unwrap();
        assert_eq!(d.paths.len(), 2);
        assert_eq!(d.paths[0].to_string(), "monitoring.detection");
        assert_eq!(d.points, vec![vec![0.9, 2.0], vec![0.1, 3.0]]);
        let pandas = read(",a.b\n0,1\n1,2\n").unwrap();
        assert_eq!(pandas.points, vec![vec![1.0], vec![2.0]]);
    }

    #[test]
    fn an_endless_line_is_refused_after_a_line_of_reading() {
        let endless = std::io::Read::chain(&b"monitoring.detection\n"[..], std::io::repeat(b'9'));
        let e = read_design_file("d.csv", endless).unwrap_err();
        assert!(
            e.to_string().contains(
                "a line is longer than 1 MiB (1048576 bytes), the limit for a line of a design file"
            ),
            "{e}"
        );
    }

    #[test]
    fn bad_files_name_the_line_and_the_path() {
        let e = read("a.b,c.d\n1,2\n3,\n").unwrap_err();
        assert_eq!(e.to_string(), "d.csv: line 3: the value of c.d is missing");
        let e = read("a.b\nx\n").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("'x'"), "{e}");
        assert!(read("a.b\ninf\n").is_err());
        assert!(
            read("a.b,a.b\n1,2\n")
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        assert!(read("a..b\n1\n").is_err());
        assert!(read("point\n1\n").is_err());
        assert!(read("a.b\n").is_err());
        assert!(read("a.b,c.d\n1,2\n3\n").is_err(), "a short row");
        let e = read("a.b\n1\n\n2\n").unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
        assert!(
            read("a.b\n1\n2\n\n").is_ok(),
            "a trailing blank line is no point"
        );
    }

    #[test]
    fn design_choices_parse() {
        assert_eq!("grid".parse(), Ok(DesignChoice::Grid));
        assert_eq!("lhs".parse(), Ok(DesignChoice::Lhs));
        assert_eq!("x/y.CSV".parse(), Ok(DesignChoice::File("x/y.CSV".into())));
        assert_eq!(
            "saltelli:8".parse(),
            Ok(DesignChoice::Generated(Design::Saltelli {
                samples: 8,
                second_order: false
            }))
        );
        assert!("nonsense".parse::<DesignChoice>().is_err());
    }
}
