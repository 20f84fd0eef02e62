//! Observed daily event counts: the tidy `date,party,count[,severity]` CSV
//! that `fit` reads and the `counts` adapters write.
//!
//! A counts file is the boundary between messy event data and the model:
//! one row per day and party (two with `severity`, major and minor), every
//! day from the first date to the last present for every party, zeros
//! written out. Everything is checked when the file is read, with the line
//! of the first bad row, so that the fit never sees a gap, a duplicate or a
//! negative count.

pub mod adapters;

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;

/// Why a counts file was refused.
#[derive(Debug, thiserror::Error)]
pub enum CountsError {
    /// A row is wrong; `line` is 1-based, the header being line 1.
    #[error("{origin}:{line}: {message}")]
    Row {
        /// The file as named in messages.
        origin: String,
        /// The line of the row.
        line: u64,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// The file as a whole is wrong.
    #[error("{origin}: {message}")]
    File {
        /// The file as named in messages.
        origin: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

impl CountsError {
    /// A row error.
    pub(crate) fn row(origin: &str, line: u64, message: String) -> Self {
        CountsError::Row {
            origin: origin.to_string(),
            line,
            message,
        }
    }
}

/// A CSV record and its line, or the error of a row that cannot be read.
pub(crate) fn read_record(
    record: Result<csv::StringRecord, csv::Error>,
    origin: &str,
) -> Result<(csv::StringRecord, u64), CountsError> {
    let record = record.map_err(|e| {
        let line = e.position().map_or(0, |p| p.line());
        CountsError::row(origin, line, format!("cannot read the row: {e}"))
    })?;
    let line = record.position().map_or(0, |p| p.line());
    Ok((record, line))
}

/// A severity of the tidy file's `severity` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// A major event.
    Major,
    /// A minor event.
    Minor,
}

impl Severity {
    /// As written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Major => "major",
            Severity::Minor => "minor",
        }
    }
}

/// Daily counts per party over consecutive days.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    /// Party ids, in order of first appearance.
    pub parties: Vec<String>,
    /// The first day.
    pub start: NaiveDate,
    /// Events per party and day (all severities).
    pub counts: Vec<Vec<u64>>,
    /// Major events per party and day, if the file has a `severity` column.
    pub major: Option<Vec<Vec<u64>>>,
}

/// The columns of a counts file, in order.
pub(crate) const COLUMNS: [&str; 4] = ["date", "party", "count", "severity"];

/// Whether `id` may name a party (as in a scenario file).
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl Counts {
    /// Number of days.
    pub fn days(&self) -> usize {
        self.counts.first().map_or(0, Vec::len)
    }

    /// The date of day `t`.
    pub(crate) fn date(&self, t: usize) -> NaiveDate {
        self.start + chrono::Days::new(t as u64)
    }

    /// The last day.
    pub fn end(&self) -> NaiveDate {
        self.date(self.days().saturating_sub(1))
    }

    /// Index of a party.
    pub fn party_index(&self, id: &str) -> Option<usize> {
        self.parties.iter().position(|p| p == id)
    }

    /// Reads a tidy counts file; `origin` names it in messages.
    pub fn from_csv(text: &str, origin: &str) -> Result<Counts, CountsError> {
        let file_err = |message: String| CountsError::File {
            origin: origin.to_string(),
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| file_err(format!("cannot read the header: {e}")))?
            .clone();
        let names: Vec<&str> = headers.iter().collect();
        let with_severity = match names.as_slice() {
            ["date", "party", "count"] => false,
            ["date", "party", "count", "severity"] => true,
            _ => {
                return Err(file_err(format!(
                    "the header is '{}' (allowed: date,party,count or date,party,count,severity)",
                    names.join(",")
                )));
            }
        };
        // (date, party, severity) → line, to name duplicates.
        let mut seen: HashMap<(NaiveDate, usize, Option<Severity>), u64> = HashMap::new();
        let mut rows: Vec<(NaiveDate, usize, Option<Severity>, u64)> = Vec::new();
        let mut parties: Vec<String> = Vec::new();
        let mut last: Option<(NaiveDate, u64)> = None;
        for record in reader.records() {
            let (record, line) = read_record(record, origin)?;
            let row_err = |message: String| CountsError::row(origin, line, message);
            let date = NaiveDate::parse_from_str(&record[0], "%Y-%m-%d").map_err(|_| {
                row_err(format!(
                    "date '{}' is not a date (allowed: YYYY-MM-DD)",
                    &record[0]
                ))
            })?;
            if let Some((prev, prev_line)) = last
                && date < prev
            {
                return Err(row_err(format!(
                    "date {date} comes after {prev} (line {prev_line}); rows must be sorted by date"
                )));
            }
            last = Some((date, line));
            let party = &record[1];
            if !valid_id(party) {
                return Err(row_err(format!(
                    "party '{party}' is not an id (use letters, digits, '_' and '-')"
                )));
            }
            let p = match parties.iter().position(|x| x == party) {
                Some(p) => p,
                None => {
                    parties.push(party.to_string());
                    parties.len() - 1
                }
            };
            let count: u64 = record[2].parse().map_err(|_| {
                let what = if record[2].trim_start().starts_with('-') {
                    "is negative"
                } else {
                    "is not a count"
                };
                row_err(format!(
                    "count '{}' {what} (allowed: a whole number ≥ 0)",
                    &record[2]
                ))
            })?;
            let severity = if with_severity {
                Some(match &record[3] {
                    "major" => Severity::Major,
                    "minor" => Severity::Minor,
                    other => {
                        return Err(row_err(format!(
                            "severity '{other}' is not allowed (allowed: major, minor)"
                        )));
                    }
                })
            } else {
                None
            };
            if let Some(first) = seen.insert((date, p, severity), line) {
                let sev = severity.map_or(String::new(), |s| format!(" ({})", s.as_str()));
                return Err(row_err(format!(
                    "duplicate date: party '{party}' already has a row{sev} for {date} (line {first})"
                )));
            }
            rows.push((date, p, severity, count));
        }
        let (Some(first), Some((end, _))) = (rows.first().map(|r| r.0), last) else {
            return Err(file_err(
                "has no rows (write one row per day and party)".into(),
            ));
        };
        let days = (end - first).num_days() as usize + 1;
        let mut counts = vec![vec![0u64; days]; parties.len()];
        let mut major = vec![vec![0u64; days]; parties.len()];
        let mut present = vec![vec![false; days]; parties.len()];
        for &(date, p, severity, n) in &rows {
            let t = (date - first).num_days() as usize;
            counts[p][t] += n;
            if severity == Some(Severity::Major) {
                major[p][t] += n;
            }
            present[p][t] = true;
        }
        for (p, row) in present.iter().enumerate() {
            if let Some(t) = row.iter().position(|&x| !x) {
                return Err(file_err(format!(
                    "no row for party '{}' on {} (every day from {first} to {end} needs a row for every party; write 0 for days without events)",
                    parties[p],
                    first + chrono::Days::new(t as u64)
                )));
            }
        }
        Ok(Counts {
            parties,
            start: first,
            counts,
            major: with_severity.then_some(major),
        })
    }

    /// Writes the tidy file: by date, then party; with severities, a major
    /// and a minor row for each.
    pub fn write_csv(&self, out: &mut impl Write) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let n = if self.major.is_some() { 4 } else { 3 };
        w.write_record(&COLUMNS[..n])?;
        for t in 0..self.days() {
            let date = self.date(t).to_string();
            for (p, party) in self.parties.iter().enumerate() {
                let total = self.counts[p][t];
                match &self.major {
                    None => w.write_record([&date, party, &total.to_string()])?,
                    Some(major) => {
                        let maj = major[p][t];
                        w.write_record([&date, party, &maj.to_string(), "major"])?;
                        w.write_record([&date, party, &(total - maj).to_string(), "minor"])?;
                    }
                }
            }
        }
        w.flush()
    }

    /// Writes the tidy file at `path` atomically: it appears complete or
    /// not at all.
    pub fn write_file(&self, path: &std::path::Path) -> Result<(), crate::store::OutputError> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        let name = path
            .file_name()
            .map_or("counts.csv".into(), |n| n.to_string_lossy());
        let mut staged = crate::store::StagedDir::create(dir)?;
        let mut f = staged.file(&name)?;
        self.write_csv(&mut f)
            .map_err(|e| crate::store::OutputError::new(path, e))?;
        f.finish()?;
        staged.commit().map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Counts, CountsError> {
        Counts::from_csv(text, "c.csv")
    }

    fn refused(text: &str) -> String {
        read(text).expect_err("must be refused").to_string()
    }

    #[test]
    fn a_tidy_file_reads_and_writes_back_to_its_bytes() {
        let text = "date,party,count\n2016-09-12,gov,2\n2016-09-12,opp,0\n2016-09-13,gov,1\n2016-09-13,opp,3\n";
        let c = read(text).unwrap();
        assert_eq!(c.parties, ["gov", "opp"]);
        assert_eq!(c.counts, vec![vec![2, 1], vec![0, 3]]);
        let mut out = Vec::new();
        c.write_csv(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), text);
    }

    #[test]
    fn severities_add_up_and_missing_ones_count_zero() {
        let text = "date,party,count,severity\n2016-09-12,gov,2,major\n2016-09-12,gov,1,minor\n2016-09-13,gov,4,minor\n";
        let c = read(text).unwrap();
        assert_eq!(c.counts, vec![vec![3, 4]]);
        assert_eq!(c.major, Some(vec![vec![2, 0]]));
    }

    #[test]
    fn bad_rows_are_refused_with_their_line() {
        let head = "date,party,count\n";
        let cases = [
            ("2016-09-12,gov,-1\n", "c.csv:2: count '-1' is negative"),
            ("2016-09-12,gov,x\n", "c.csv:2: count 'x' is not a count"),
            (
                "2016-13-12,gov,1\n",
                "c.csv:2: date '2016-13-12' is not a date",
            ),
            (
                "2016-09-13,gov,1\n2016-09-12,gov,1\n",
                "c.csv:3: date 2016-09-12 comes after 2016-09-13 (line 2)",
            ),
            (
                "2016-09-12,gov,1\n2016-09-12,gov,1\n",
                "c.csv:3: duplicate date: party 'gov' already has a row for 2016-09-12 (line 2)",
            ),
            ("2016-09-12,g o,1\n", "c.csv:2: party 'g o' is not an id"),
            (
                "2016-09-12,gov,1\n2016-09-14,gov,1\n",
                "c.csv: no row for party 'gov' on 2016-09-13",
            ),
            (
                "2016-09-12,gov,1\n2016-09-13,opp,1\n",
                "c.csv: no row for party 'gov' on 2016-09-13",
            ),
            ("", "c.csv: has no rows"),
        ];
        for (rows, expected) in cases {
            let msg = refused(&format!("{head}{rows}"));
            assert!(msg.starts_with(expected), "{rows:?}: {msg}");
        }
        assert!(refused("day,party,count\n").contains("the header is 'day,party,count'"));
    }
}
