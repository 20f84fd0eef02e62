//! `ceasefire counts`: turn an ACLED export or a UCDP GED CSV into a tidy
//! counts file, through a small TOML mapping of actor names to party ids.
//!
//! Event data name actors, not parties, and record events whose date is
//! only known to a week or a month; the model needs daily counts per party.
//! The adapters keep only events of the listed types with an exact date and
//! a mapped actor, say how many of each kind they dropped, and write a zero
//! row for every day without an event.
//!
//! Neither source says who attacked whom: ACLED's `actor1`/`actor2` and
//! GED's `side_a`/`side_b` are the two sides of an event. The mapping's
//! `attribute` says which side an event is counted for (docs/calibration.md).

use crate::options::Opt;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Deserialize;

use super::{Counts, CountsError, valid_id};

/// The event data sources the adapters read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An ACLED export (its documented column names).
    Acled,
    /// A UCDP Georeferenced Event Dataset CSV.
    Ged,
}

impl Source {
    /// The columns an adapter reads: event date (start), date end (or
    /// precision), event type, first actor, second actor, fatalities.
    fn columns(self) -> [&'static str; 6] {
        match self {
            Source::Acled => [
                "event_date",
                "time_precision",
                "event_type",
                "actor1",
                "actor2",
                "fatalities",
            ],
            Source::Ged => [
                "date_start",
                "date_end",
                "type_of_violence",
                "side_a",
                "side_b",
                "best",
            ],
        }
    }

    /// Its name in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Source::Acled => "ACLED",
            Source::Ged => "UCDP GED",
        }
    }
}

/// Which side of an event it is counted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Attribute {
    /// ACLED `actor1`, GED `side_a` (the default).
    #[default]
    First,
    /// ACLED `actor2`, GED `side_b`.
    Second,
    /// Both sides, each counted once if mapped.
    Both,
}

/// The mapping file of `ceasefire counts`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Mapping {
    /// Event types that count as attacks: ACLED `event_type` values, or GED
    /// `type_of_violence` codes as strings ("1", "2", "3").
    pub(crate) event_types: Vec<String>,
    /// Which side an event is counted for.
    #[serde(default)]
    pub(crate) attribute: Attribute,
    /// If given, events with at least this many fatalities (ACLED
    /// `fatalities`, GED `best`) are major, others minor, and the counts
    /// file gets a `severity` column.
    #[serde(default)]
    pub(crate) major_fatalities: Option<u64>,
    /// Actor name (exactly as in the source) → party id.
    pub(crate) actors: BTreeMap<String, String>,
}

impl Mapping {
    /// Reads and checks a mapping; `origin` names it in messages.
    pub(crate) fn from_toml(text: &str, origin: &str) -> Result<Mapping, CountsError> {
        let err = |message: String| CountsError::File {
            origin: origin.to_string(),
            message,
        };
        let m: Mapping = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        if m.event_types.is_empty() {
            return Err(err(
                "event_types is empty (list the event types that count as attacks)".into(),
            ));
        }
        if m.actors.is_empty() {
            return Err(err(
                "[actors] is empty (map actor names to party ids)".into()
            ));
        }
        for (actor, party) in &m.actors {
            if !valid_id(party) {
                return Err(err(format!(
                    "actors.\"{actor}\": party '{party}' is not an id (use letters, digits, '_' and '-')"
                )));
            }
        }
        Ok(m)
    }

    /// The party ids, sorted.
    pub(crate) fn parties(&self) -> Vec<String> {
        let set: BTreeSet<&String> = self.actors.values().collect();
        set.into_iter().cloned().collect()
    }
}

/// What an adapter kept and dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conversion {
    /// Events read.
    pub events: u64,
    /// Events counted (once per party they were counted for).
    pub kept: u64,
    /// Dropped: an event type not listed.
    pub other_type: u64,
    /// Dropped: an imprecise date (ACLED `time_precision` > 1, GED
    /// `date_start` ≠ `date_end`).
    pub imprecise: u64,
    /// Dropped: no mapped actor on the attributed side.
    pub unmapped: u64,
    /// Dropped: outside the requested dates.
    pub outside: u64,
    /// Unmapped actor names with their numbers of events, most frequent first.
    pub unmapped_actors: Vec<(String, u64)>,
}

/// Parses a source date: ISO `YYYY-MM-DD` (optionally followed by a time,
/// as GED writes it) or ACLED's older `12 September 2016`.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let iso = s.get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d %B %Y"))
        .ok()
}

/// Converts the CSV `text` of `source` with `mapping` into counts from
/// `from` to `to` (default: the first and last counted event's dates).
pub(crate) fn convert(
    source: Source,
    text: &str,
    origin: &str,
    mapping: &Mapping,
    range: (Option<NaiveDate>, Option<NaiveDate>),
) -> Result<(Counts, Conversion), CountsError> {
    let file_err = |message: String| CountsError::File {
        origin: origin.to_string(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| file_err(format!("cannot read the header: {e}")))?
        .clone();
    let mut col = [0usize; 6];
    for (slot, name) in col.iter_mut().zip(source.columns()) {
        *slot = headers.iter().position(|h| h == name).ok_or_else(|| {
            file_err(format!(
                "has no column '{name}' (a {} file has {})",
                source.name(),
                source.columns().join(", ")
            ))
        })?;
    }
    let parties = mapping.parties();
    let types: BTreeSet<&str> = mapping.event_types.iter().map(String::as_str).collect();
    let mut conv = Conversion::default();
    let mut unmapped: BTreeMap<String, u64> = BTreeMap::new();
    // (date, party, major)
    let mut events: Vec<(NaiveDate, usize, bool)> = Vec::new();
    for record in reader.records() {
        let (record, line) = super::read_record(record, origin)?;
        let row_err = |message: String| CountsError::row(origin, line, message);
        let field = |i: usize| record.get(col[i]).unwrap_or("").trim();
        conv.events += 1;
        let date = parse_date(field(0)).ok_or_else(|| {
            row_err(format!(
                "{} '{}' is not a date (allowed: YYYY-MM-DD or '12 September 2016')",
                source.columns()[0],
                field(0)
            ))
        })?;
        let precise = match source {
            Source::Acled => {
                let p: u8 = field(1)
                    .parse()
                    .ok()
                    .filter(|p| (1..=3).contains(p))
                    .ok_or_else(|| {
                        row_err(format!(
                            "time_precision '{}' is not allowed (allowed: 1, 2, 3)",
                            field(1)
                        ))
                    })?;
                p == 1
            }
            Source::Ged => {
                let end = parse_date(field(1)).ok_or_else(|| {
                    row_err(format!(
                        "date_end '{}' is not a date (allowed: YYYY-MM-DD)",
                        field(1)
                    ))
                })?;
                if end < date {
                    return Err(row_err(format!(
                        "date_end {end} is before date_start {date}"
                    )));
                }
                end == date
            }
        };
        let fatalities: u64 = field(5).parse().map_err(|_| {
            row_err(format!(
                "{} '{}' is not a count (allowed: a whole number ≥ 0)",
                source.columns()[5],
                field(5)
            ))
        })?;
        if !types.contains(field(2)) {
            conv.other_type += 1;
            continue;
        }
        if !precise {
            conv.imprecise += 1;
            continue;
        }
        if range.0.is_some_and(|f| date < f) || range.1.is_some_and(|t| date > t) {
            conv.outside += 1;
            continue;
        }
        let sides: &[usize] = match mapping.attribute {
            Attribute::First => &[3],
            Attribute::Second => &[4],
            Attribute::Both => &[3, 4],
        };
        let major = mapping.major_fatalities.is_some_and(|m| fatalities >= m);
        let mut counted = false;
        for &side in sides {
            let actor = field(side);
            match mapping.actors.get(actor) {
                Some(party) => {
                    let p = parties.iter().position(|x| x == party).expect("listed");
                    events.push((date, p, major));
                    conv.kept += 1;
                    counted = true;
                }
                None if !actor.is_empty() => *unmapped.entry(actor.to_string()).or_default() += 1,
                None => {}
            }
        }
        if !counted {
            conv.unmapped += 1;
        }
    }
    let mut names: Vec<(String, u64)> = unmapped.into_iter().collect();
    names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    conv.unmapped_actors = names;
    let first = range.0.or_else(|| events.iter().map(|e| e.0).min());
    let last = range.1.or_else(|| events.iter().map(|e| e.0).max());
    let (Some(first), Some(last)) = (first, last) else {
        return Err(file_err(format!(
            "no event was counted ({} read: {} of other types, {} with imprecise dates, {} without a mapped actor); give {} and {} to write a file of zeros",
            conv.events,
            conv.other_type,
            conv.imprecise,
            conv.unmapped,
            Opt::From,
            Opt::To
        )));
    };
    if last < first {
        return Err(file_err(format!(
            "{} {last} is before {} {first}",
            Opt::To,
            Opt::From
        )));
    }
    let days = (last - first).num_days() as usize + 1;
    let mut counts = vec![vec![0u64; days]; parties.len()];
    let mut major = vec![vec![0u64; days]; parties.len()];
    for (date, p, is_major) in events {
        let t = (date - first).num_days() as usize;
        counts[p][t] += 1;
        major[p][t] += u64::from(is_major);
    }
    Ok((
        Counts {
            parties,
            start: first,
            counts,
            major: mapping.major_fatalities.map(|_| major),
        },
        conv,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPING: &str = r#"
event_types = ["Battles", "Explosions/Remote violence"]
major_fatalities = 1
[actors]
"Military Forces of Syria (2000-)" = "government"
"Free Syrian Army" = "opposition"
"#;

    /// ACLED's export header (its codebook's column names, in order).
    const ACLED_HEADER: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

    fn acled_row(
        id: u32,
        date: &str,
        precision: u8,
        kind: &str,
        a1: &str,
        a2: &str,
        fat: impl std::fmt::Display,
    ) -> String {
        format!(
            "SYR{id},{date},2016,{precision},Political violence,{kind},Armed clash,{a1},,1,{a2},,2,12,,760,Middle East,Syria,Aleppo,Jebel Saman,Aleppo,Aleppo,36.2,37.16,1,SOHR,National,synthetic row,{fat},,1700000000"
        )
    }

    /// UCDP GED's columns (its codebook's names, in order, abridged after
    /// `best` to the ones that follow it).
    const GED_HEADER: &str = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob";

    fn ged_row(id: u32, kind: u8, a: &str, b: &str, start: &str, end: &str, best: u32) -> String {
        format!(
            "{id},SYR-2016-1-{id},2016,1,Clear,{kind},299,299,Syria: Government,411,411,Government of Syria - Syrian insurgents,116,116,{a},5000,5000,{b},2,,,,,,1,Aleppo,Aleppo,,,36.2,37.16,POINT (37.16 36.2),180000,Syria,652,Middle East,1,1,{start},{end},0,0,0,{best},{best},{best},{best},652,"
        )
    }

    #[test]
    fn acled_rows_become_daily_counts_with_zero_days_and_drops_counted() {
        let gov = "Military Forces of Syria (2000-)";
        let fsa = "Free Syrian Army";
        let rows = [
            acled_row(1, "2016-09-12", 1, "Battles", gov, fsa, 3),
            acled_row(
                2,
                "2016-09-12",
                1,
                "Explosions/Remote violence",
                fsa,
                gov,
                0,
            ),
            acled_row(3, "2016-09-12", 2, "Battles", gov, fsa, 0), // week precision
            acled_row(4, "2016-09-13", 1, "Protests", gov, "", 0), // other type
            acled_row(5, "2016-09-14", 1, "Battles", "Unknown armed group", gov, 1), // unmapped
            acled_row(6, "15 September 2016", 1, "Battles", gov, "", 0), // old date format
        ];
        let text = format!("{ACLED_HEADER}\n{}\n", rows.join("\n"));
        let mapping = Mapping::from_toml(MAPPING, "map.toml").unwrap();
        let (c, conv) = convert(Source::Acled, &text, "acled.csv", &mapping, (None, None)).unwrap();
        assert_eq!(c.parties, ["government", "opposition"]);
        assert_eq!(c.start.to_string(), "2016-09-12");
        // 12th: gov 1 (major), opp 1 (minor); 13th and 14th: nothing; 15th: gov 1.
        assert_eq!(c.counts, vec![vec![1, 0, 0, 1], vec![1, 0, 0, 0]]);
        assert_eq!(c.major, Some(vec![vec![1, 0, 0, 0], vec![0, 0, 0, 0]]));
        assert_eq!(
            (
                conv.events,
                conv.kept,
                conv.imprecise,
                conv.other_type,
                conv.unmapped
            ),
            (6, 3, 1, 1, 1)
        );
        assert_eq!(
            conv.unmapped_actors,
            vec![("Unknown armed group".to_string(), 1)]
        );
        // The written file reads back as the same counts.
        let mut out = Vec::new();
        c.write_csv(&mut out).unwrap();
        let back = Counts::from_csv(std::str::from_utf8(&out).unwrap(), "out.csv").unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn ged_rows_become_daily_counts_and_ranged_dates_are_dropped() {
        let gov = "Government of Syria";
        let rows = [
            ged_row(
                1,
                1,
                gov,
                "Syrian insurgents",
                "2016-09-12 00:00:00.000",
                "2016-09-12 00:00:00.000",
                4,
            ),
            ged_row(
                2,
                1,
                gov,
                "Syrian insurgents",
                "2016-09-12",
                "2016-09-18",
                4,
            ), // a week
            ged_row(3, 3, "IS", "Civilians", "2016-09-13", "2016-09-13", 2), // one-sided: not listed
            ged_row(
                4,
                1,
                "Syrian insurgents",
                gov,
                "2016-09-14",
                "2016-09-14",
                0,
            ),
        ];
        let text = format!("{GED_HEADER}\n{}\n", rows.join("\n"));
        let mapping = Mapping::from_toml(
            "event_types = [\"1\", \"2\"]\nattribute = \"both\"\n[actors]\n\"Government of Syria\" = \"government\"\n\"Syrian insurgents\" = \"opposition\"\n",
            "map.toml",
        )
        .unwrap();
        let from = NaiveDate::from_ymd_opt(2016, 9, 11);
        let (c, conv) = convert(Source::Ged, &text, "ged.csv", &mapping, (from, None)).unwrap();
        assert_eq!(c.start.to_string(), "2016-09-11");
        assert_eq!(c.counts, vec![vec![0, 1, 0, 1], vec![0, 1, 0, 1]]);
        assert_eq!(c.major, None);
        assert_eq!((conv.kept, conv.imprecise, conv.other_type), (4, 1, 1));
    }

    #[test]
    fn bad_rows_and_files_are_refused_with_a_line_number() {
        let mapping = Mapping::from_toml(MAPPING, "map.toml").unwrap();
        let gov = "Military Forces of Syria (2000-)";
        let cases = [
            (
                acled_row(1, "2016-9-XX", 1, "Battles", gov, "", 0),
                "acled.csv:3: event_date '2016-9-XX' is not a date",
            ),
            (
                acled_row(1, "2016-09-12", 7, "Battles", gov, "", 0),
                "acled.csv:3: time_precision '7' is not allowed",
            ),
            (
                acled_row(1, "2016-09-12", 1, "Battles", gov, "", "-2"),
                "acled.csv:3: fatalities '-2' is not a count",
            ),
        ];
        for (bad, expected) in cases {
            let good = acled_row(9, "2016-09-12", 1, "Battles", gov, "", 0);
            let text = format!("{ACLED_HEADER}\n{good}\n{bad}\n");
            let msg = convert(Source::Acled, &text, "acled.csv", &mapping, (None, None))
                .unwrap_err()
                .to_string();
            assert!(msg.starts_with(expected), "{msg}");
        }
        let msg = convert(
            Source::Ged,
            "id,year\n1,2016\n",
            "ged.csv",
            &mapping,
            (None, None),
        )
        .unwrap_err()
        .to_string();
        assert!(msg.contains("has no column 'date_start'"), "{msg}");
        let msg = Mapping::from_toml("event_types = []\n[actors]\na = \"b\"\n", "m.toml")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("event_types is empty"), "{msg}");
        let msg = Mapping::from_toml(
            "event_types = [\"x\"]\nactor = 1\n[actors]\na = \"b\"\n",
            "m.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(msg.contains("unknown field"), "{msg}");
    }
}
