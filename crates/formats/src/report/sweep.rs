//! sweep.csv and points.csv: the one writer and the one reader of a
//! sweep's table. `sweep` writes them; `sensitivity`, `discover` and the
//! sweep chart read a sweep back through [`SweepTable`], which also reads a
//! sensitivity study's design.csv and outputs.csv when its sweep.csv is not
//! kept. Columns are documented in docs/outputs.md.

use std::io::{Read, Write};

use super::sensitivity::{Outcome, OutputRow};
use super::{csv_writer, number, point_header};
use crate::scenario::paths::ParamPath;
use crate::stats::summary::SummaryEntry;

/// One evaluated point of a sweep.
#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// The value of each varied path, in `--vary` order (for a categorical
    /// path, the position of its word).
    pub values: Vec<f64>,
    /// The word of each categorical path's value (`None` for numeric
    /// paths), as the files show it.
    pub words: Vec<Option<String>>,
    /// Runs simulated at this point.
    #[doc(hidden)]
    pub runs: u64,
    /// The summary rows of this point (as in summary.csv).
    pub rows: Vec<SummaryEntry>,
}

impl SweepPoint {
    /// Each value as the files show it: the word of a categorical path, the
    /// number otherwise.
    pub(crate) fn shown(&self) -> Vec<String> {
        let words = self.words.iter().chain(std::iter::repeat(&None));
        self.values
            .iter()
            .zip(words)
            .map(|(x, w)| w.clone().unwrap_or_else(|| number(*x)))
            .collect()
    }
}

/// Writes sweep.csv: `point,<one column per path>,metric,subject,estimate,
/// ci_low,ci_high,runs`, one row per point and summary metric.
#[doc(hidden)]
pub fn write_sweep<W: Write>(paths: &[ParamPath], points: &[SweepPoint], w: W) -> csv::Result<()> {
    let mut out = csv_writer(w);
    out.write_record(point_header(
        paths,
        &["metric", "subject", "estimate", "ci_low", "ci_high", "runs"],
    ))?;
    for (k, p) in points.iter().enumerate() {
        for row in &p.rows {
            let mut record = vec![k.to_string()];
            record.extend(p.shown());
            record.extend([
                row.metric.to_string(),
                row.subject.clone(),
                number(row.value.estimate),
                number(row.value.low),
                number(row.value.high),
                row.runs.map(|r| r.to_string()).unwrap_or_default(),
            ]);
            out.write_record(&record)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Writes points.csv: `point,<one column per path>,runs`.
#[doc(hidden)]
pub fn write_points<W: Write>(paths: &[ParamPath], points: &[SweepPoint], w: W) -> csv::Result<()> {
    let mut out = csv_writer(w);
    out.write_record(point_header(paths, &["runs"]))?;
    for (k, p) in points.iter().enumerate() {
        let mut record = vec![k.to_string()];
        record.extend(p.shown());
        record.push(p.runs.to_string());
        out.write_record(&record)?;
    }
    out.flush()?;
    Ok(())
}

/// One outcome's values over a sweep's points.
#[derive(Debug, Clone, PartialEq)]
#[doc(hidden)]
pub struct Series {
    /// The outcome.
    #[doc(hidden)]
    pub outcome: Outcome,
    /// BootstrapEstimate at each point (NaN where undefined, or where the point has
    /// no row for the outcome).
    #[doc(hidden)]
    pub estimate: Vec<f64>,
    /// Lower end of each point's 95% interval (NaN as for `estimate`).
    #[doc(hidden)]
    pub low: Vec<f64>,
    /// Upper end.
    #[doc(hidden)]
    pub high: Vec<f64>,
}

impl Series {
    /// Fills the points before `n` that have no value with NaN. A sweep over
    /// words can change which rows a point has (a party's reports exist only
    /// while it is bound), so an outcome may be missing at some points.
    fn pad(&mut self, n: usize) {
        for column in [&mut self.estimate, &mut self.low, &mut self.high] {
            column.resize(n.max(column.len()), f64::NAN);
        }
    }
}

/// A sweep read back, from its sweep.csv or from a sensitivity study's
/// design.csv and outputs.csv: the points and every outcome's values at
/// them. sweep.csv has this one reader: `sensitivity`, `discover` and the
/// sweep chart all read it here.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepTable {
    /// The varied paths, in column order.
    #[doc(hidden)]
    pub paths: Vec<String>,
    /// Each point's values, in point order. A categorical path's value is
    /// the position of its word in `labels`.
    #[doc(hidden)]
    pub points: Vec<Vec<f64>>,
    /// The words of each categorical path (a column that holds anything
    /// but numbers), in order of first appearance; empty for a numeric
    /// path.
    #[doc(hidden)]
    pub labels: Vec<Vec<String>>,
    /// Every outcome, in the order of its first row.
    #[doc(hidden)]
    pub series: Vec<Series>,
}

/// A sweep.csv that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct TableError {
    /// The file.
    pub(crate) file: String,
    /// What is wrong.
    pub(crate) message: String,
}

impl SweepTable {
    /// Reads sweep.csv (`file` names it in errors).
    #[doc(hidden)]
    pub fn from_csv(file: &str, r: impl Read) -> Result<Self, TableError> {
        let err = |message: String| TableError {
            file: file.to_string(),
            message,
        };
        let mut reader = csv::Reader::from_reader(r);
        let header = reader
            .headers()
            .map_err(|e| err(format!("not a sweep.csv: {e}")))?
            .clone();
        const AFTER_METRIC: [&str; 4] = ["subject", "estimate", "ci_low", "ci_high"];
        let metric = header
            .iter()
            .position(|h| h == "metric")
            .filter(|&m| {
                let after = header.iter().skip(m + 1).take(AFTER_METRIC.len());
                m >= 2 && &header[0] == "point" && after.eq(AFTER_METRIC)
            })
            .ok_or_else(|| err("not a sweep.csv: expected point, the paths, metric, subject, estimate, ci_low, ci_high".into()))?;
        let paths: Vec<String> = header
            .iter()
            .take(metric)
            .skip(1)
            .map(String::from)
            .collect();
        // Each point's values as written, read as numbers or words once
        // every point is in.
        let mut written: Vec<Vec<String>> = Vec::new();
        let mut series: Vec<Series> = Vec::new();
        for (line, record) in reader.records().enumerate() {
            let record = record.map_err(|e| err(e.to_string()))?;
            let at = || format!("line {}", line + 2);
            let num = |i: usize| -> Result<f64, TableError> {
                match &record[i] {
                    "" => Ok(f64::NAN),
                    t => t.parse::<f64>().map_err(|_| {
                        err(format!(
                            "{}, column {}: '{t}' is not a number",
                            at(),
                            &header[i]
                        ))
                    }),
                }
            };
            let point: usize = record[0].parse().map_err(|_| {
                err(format!(
                    "{}: point '{}' is not a whole number",
                    at(),
                    &record[0]
                ))
            })?;
            match point.cmp(&written.len()) {
                std::cmp::Ordering::Equal => {
                    written.push((1..metric).map(|i| record[i].to_string()).collect());
                }
                std::cmp::Ordering::Greater => {
                    return Err(err(format!(
                        "{}: point {point} comes before point {}",
                        at(),
                        written.len()
                    )));
                }
                std::cmp::Ordering::Less => {}
            }
            let outcome = Outcome {
                metric: record[metric].to_string(),
                subject: record[metric + 1].to_string(),
            };
            let s = match series.iter().position(|s| s.outcome == outcome) {
                Some(s) => s,
                None => {
                    series.push(Series {
                        outcome,
                        estimate: Vec::new(),
                        low: Vec::new(),
                        high: Vec::new(),
                    });
                    series.len() - 1
                }
            };
            let one = &mut series[s];
            // While reading, a series ends with a value read from a row.
            match one.estimate.len() {
                n if n == point + 1 => {
                    return Err(err(format!(
                        "{}: outcome {} comes twice at point {point}",
                        at(),
                        one.outcome
                    )));
                }
                n if n > point => {
                    return Err(err(format!(
                        "{}: outcome {} at point {point} comes after its row at point {}",
                        at(),
                        one.outcome,
                        n - 1
                    )));
                }
                _ => {}
            }
            one.pad(point);
            one.estimate.push(num(metric + 2)?);
            one.low.push(num(metric + 3)?);
            one.high.push(num(metric + 4)?);
        }
        let n = written.len();
        if n == 0 {
            return Err(err("has no points".into()));
        }
        for s in &mut series {
            s.pad(n);
        }
        let (points, labels) = values_of(&written, paths.len());
        Ok(SweepTable {
            paths,
            points,
            labels,
            series,
        })
    }

    /// The first categorical path and its first value that is not a
    /// number, if any: sensitivity indices and PRIM boxes need numbers.
    #[doc(hidden)]
    pub fn categorical(&self) -> Option<(&str, &str)> {
        self.paths
            .iter()
            .zip(&self.labels)
            .find_map(|(path, words)| {
                let word = words.iter().find(|w| w.parse::<f64>().is_err())?;
                Some((path.as_str(), word.as_str()))
            })
    }

    /// The table of a sensitivity study from its design.csv and outputs.csv
    /// (each given with the name to use in errors): the studied outcomes
    /// only, without intervals (NaN). For a study whose sweep.csv is not
    /// kept.
    #[doc(hidden)]
    pub fn from_study(
        design: (&str, impl Read),
        outputs: (&str, impl Read),
    ) -> Result<Self, TableError> {
        let err = |file: &str, message: String| TableError {
            file: file.to_string(),
            message,
        };
        let mut reader = csv::Reader::from_reader(design.1);
        let header = reader
            .headers()
            .map_err(|e| err(design.0, format!("not a design.csv: {e}")))?
            .clone();
        if header.len() < 2 || &header[0] != "point" {
            return Err(err(
                design.0,
                "not a design.csv: expected point, then the paths".into(),
            ));
        }
        let paths: Vec<String> = header.iter().skip(1).map(String::from).collect();
        let mut points = Vec::new();
        for (line, record) in reader.records().enumerate() {
            let record = record.map_err(|e| err(design.0, e.to_string()))?;
            let values = record
                .iter()
                .skip(1)
                .map(|t| t.parse::<f64>())
                .collect::<Result<Vec<f64>, _>>()
                .map_err(|_| err(design.0, format!("line {}: not a number", line + 2)))?;
            points.push(values);
        }
        let n = points.len();
        let mut series: Vec<Series> = Vec::new();
        let mut reader = csv::Reader::from_reader(outputs.1);
        for row in reader.deserialize::<OutputRow>() {
            let row = row.map_err(|e| err(outputs.0, e.to_string()))?;
            let outcome = Outcome {
                metric: row.outcome,
                subject: row.subject,
            };
            let k = match series.iter().position(|s| s.outcome == outcome) {
                Some(k) => k,
                None => {
                    series.push(Series {
                        outcome,
                        estimate: vec![f64::NAN; n],
                        low: vec![f64::NAN; n],
                        high: vec![f64::NAN; n],
                    });
                    series.len() - 1
                }
            };
            let slot = series[k].estimate.get_mut(row.point).ok_or_else(|| {
                err(
                    outputs.0,
                    format!("point {} is not in {}", row.point, design.0),
                )
            })?;
            *slot = row.estimate;
        }
        Ok(SweepTable {
            labels: vec![Vec::new(); paths.len()],
            paths,
            points,
            series,
        })
    }

    /// The series of `outcome`, if the sweep has it.
    #[doc(hidden)]
    pub fn series(&self, outcome: &Outcome) -> Option<&Series> {
        self.series.iter().find(|s| s.outcome == *outcome)
    }
}

/// Each point's values from their words as written, and each path's
/// labels: a column whose words are all numbers holds numbers; any other
/// holds the words of a categorical path, each standing at its position in
/// order of first appearance.
fn values_of(written: &[Vec<String>], columns: usize) -> (Vec<Vec<f64>>, Vec<Vec<String>>) {
    let mut points = vec![Vec::with_capacity(columns); written.len()];
    let mut labels = vec![Vec::new(); columns];
    for (k, words) in labels.iter_mut().enumerate() {
        let numbers: Option<Vec<f64>> = written.iter().map(|w| w[k].parse().ok()).collect();
        let column = numbers.unwrap_or_else(|| {
            let mut at = |word: &String| match words.iter().position(|w| w == word) {
                Some(at) => at as f64,
                None => {
                    words.push(word.clone());
                    (words.len() - 1) as f64
                }
            };
            written.iter().map(|w| at(&w[k])).collect()
        });
        for (point, x) in points.iter_mut().zip(column) {
            point.push(x);
        }
    }
    (points, labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sensitivity::write_design;
    use crate::report::write_rows;

    const SWEEP: &str = "point,a.x,b.y,metric,subject,estimate,ci_low,ci_high,runs
0,0.5,1,entered,collapse,0.25,0.2,0.3,100
0,0.5,1,entry_day_mean,collapse,,,,0
1,0.75,2,entered,collapse,0.5,0.4,0.6,100
1,0.75,2,entry_day_mean,collapse,3,2,4,50
";

    #[test]
    fn a_sweep_table_reads_points_and_series() {
        let t = SweepTable::from_csv("sweep.csv", SWEEP.as_bytes()).unwrap();
        assert_eq!(t.paths, ["a.x", "b.y"]);
        assert_eq!(t.points, vec![vec![0.5, 1.0], vec![0.75, 2.0]]);
        let collapse = Outcome {
            metric: "entered".into(),
            subject: "collapse".into(),
        };
        assert_eq!(t.series(&collapse).unwrap().estimate, vec![0.25, 0.5]);
        assert!(t.series[1].estimate[0].is_nan(), "an empty estimate is NaN");
        let bad = SWEEP.replace("1,0.75,2,entered", "3,0.75,2,entered");
        let e = SweepTable::from_csv("sweep.csv", bad.as_bytes()).unwrap_err();
        assert!(
            e.to_string().contains("point 3 comes before point 1"),
            "{e}"
        );
    }

    #[test]
    fn a_column_of_words_is_a_categorical_path() {
        // b.y holds a word at point 1, so its numbers are words too.
        let words = SWEEP.replace("1,0.75,2,", "1,0.75,any,");
        let t = SweepTable::from_csv("sweep.csv", words.as_bytes()).unwrap();
        assert_eq!(t.points, vec![vec![0.5, 0.0], vec![0.75, 1.0]]);
        assert_eq!(
            t.labels,
            vec![Vec::<String>::new(), vec!["1".into(), "any".into()]]
        );
        assert_eq!(t.categorical(), Some(("b.y", "any")), "the first word");
        let numbers = SweepTable::from_csv("sweep.csv", SWEEP.as_bytes()).unwrap();
        assert_eq!(numbers.labels, vec![Vec::<String>::new(); 2]);
        assert_eq!(numbers.categorical(), None);
    }

    #[test]
    fn an_outcome_missing_at_some_points_is_nan_there_and_one_given_twice_is_refused() {
        // Reports of a party exist only at the points where it is bound.
        let late = format!("{SWEEP}1,0.75,2,reported_per_run,jfs,2,1.5,2.5,100\n");
        let t = SweepTable::from_csv("sweep.csv", late.as_bytes()).unwrap();
        let jfs = &t.series[2];
        assert_eq!(jfs.outcome.to_string(), "reported_per_run:jfs");
        assert!(jfs.estimate[0].is_nan() && jfs.low[0].is_nan() && jfs.high[0].is_nan());
        assert_eq!((jfs.estimate[1], jfs.low[1], jfs.high[1]), (2.0, 1.5, 2.5));
        let early = SWEEP.replace(
            "1,0.75,2,entry_day_mean,collapse,3,2,4,50\n",
            "1,0.75,2,entry_day_mean,collapse,3,2,4,50\n1,0.75,2,entered,collapse,0.5,0.4,0.6,100\n",
        );
        let e = SweepTable::from_csv("sweep.csv", early.as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .contains("line 6: outcome entered:collapse comes twice at point 1"),
            "{e}"
        );
        let back = format!("{SWEEP}0,0.5,1,entered,collapse,0.25,0.2,0.3,100\n");
        let e = SweepTable::from_csv("sweep.csv", back.as_bytes()).unwrap_err();
        assert!(
            e.to_string().contains(
                "line 6: outcome entered:collapse at point 0 comes after its row at point 1"
            ),
            "{e}"
        );
        // Three points: a gap inside, and an outcome only at the first.
        let gaps = "point,a.x,metric,subject,estimate,ci_low,ci_high,runs
0,1,entered,collapse,0.1,0,0.2,10
0,1,entered,truce,1,1,1,10
1,2,entered,truce,1,1,1,10
2,3,entered,collapse,0.3,0.2,0.4,10
2,3,entered,truce,1,1,1,10
";
        let t = SweepTable::from_csv("sweep.csv", gaps.as_bytes()).unwrap();
        let (collapse, truce) = (&t.series[0], &t.series[1]);
        assert_eq!(truce.outcome.subject, "truce");
        assert_eq!(truce.estimate, [1.0; 3]);
        assert_eq!(collapse.estimate.len(), 3);
        assert_eq!((collapse.estimate[0], collapse.estimate[2]), (0.1, 0.3));
        assert!(collapse.estimate[1].is_nan() && collapse.high[1].is_nan());
        let first_only: String = gaps
            .lines()
            .filter(|l| !l.starts_with("2,3,entered,collapse"))
            .map(|l| format!("{l}\n"))
            .collect();
        let t = SweepTable::from_csv("sweep.csv", first_only.as_bytes()).unwrap();
        let collapse = &t.series[0];
        let lengths = (
            collapse.estimate.len(),
            collapse.low.len(),
            collapse.high.len(),
        );
        assert_eq!(lengths, (3, 3, 3));
        assert!(collapse.estimate[1..].iter().all(|x| x.is_nan()));
    }

    #[test]
    fn a_header_without_the_interval_columns_is_refused() {
        for columns in ["estimate,ci_low", "estimate,ci_high,ci_low"] {
            let short = format!("point,a.x,metric,subject,{columns}\n0,1,entered,collapse,1,1\n");
            let e = SweepTable::from_csv("sweep.csv", short.as_bytes()).unwrap_err();
            assert!(e.to_string().contains("not a sweep.csv"), "{columns}: {e}");
        }
    }

    #[test]
    fn a_study_table_from_design_and_outputs_matches_its_sweep_table() {
        let t = SweepTable::from_csv("sweep.csv", SWEEP.as_bytes()).unwrap();
        let mut design = Vec::new();
        write_design(&t.paths, &t.points, &mut design).unwrap();
        let collapse = &t.series[0];
        let rows: Vec<OutputRow> = collapse
            .estimate
            .iter()
            .enumerate()
            .map(|(point, &estimate)| OutputRow {
                point,
                outcome: "entered".into(),
                subject: "collapse".into(),
                estimate,
            })
            .collect();
        let mut outputs = Vec::new();
        write_rows(&rows, &mut outputs).unwrap();
        let s = SweepTable::from_study(
            ("design.csv", design.as_slice()),
            ("outputs.csv", outputs.as_slice()),
        )
        .unwrap();
        assert_eq!((&s.paths, &s.points), (&t.paths, &t.points));
        assert_eq!(s.series.len(), 1);
        assert_eq!(s.series[0].estimate, collapse.estimate);
    }
}
