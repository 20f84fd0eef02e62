//! The second stage of parsing: raw structs → [`Scenario`], with every id
//! resolved and every number checked against `shared/MODEL.md`.

use std::collections::HashMap;
use std::ops::Range;

use chrono::NaiveDate;
use toml::Spanned;

use super::raw::{
    DEFAULT_HALF_LIFE_DAYS, RawCondition, RawCountWindow, RawFile, RawParty, RawPhase, RawWindow,
};
use super::{
    Compliance, Condition, DayKind, Humanitarian, Party, Phase, PhaseOverrides, Scenario,
    ScenarioError, Severity, Transition,
};

use super::limits::{
    self, LAST_DATE, MAX_HORIZON_DAYS, MAX_PARTIES, MAX_PHASES, MAX_POISSON_MEAN, MAX_TALLY_BYTES,
};

/// Parses and validates scenario text.
pub(crate) fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    let raw: RawFile = super::raw::from_str(text, file)?;
    Checker { file, text }.scenario(raw)
}

/// The raw parties, phases and `[humanitarian]` whose means are checked.
type RawMeans<'a> = (
    &'a [Spanned<RawParty>],
    &'a [Spanned<RawPhase>],
    &'a super::raw::RawHumanitarian,
);

/// Holds what every error message needs.
struct Checker<'a> {
    file: &'a str,
    text: &'a str,
}

/// Ids declared in a section, in file order, for lookups with suggestions.
struct Ids<'a> {
    what: &'static str,
    ids: Vec<&'a str>,
}

impl Ids<'_> {
    fn find(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|d| *d == id)
    }

    /// "… is not declared (declared: a, b; did you mean 'a'?)".
    fn unknown_message(&self, context: &str, id: &str) -> String {
        let mut msg = format!(
            "{} '{id}' {context} is not declared (declared: {})",
            self.what,
            self.ids.join(", ")
        );
        if let Some(best) = self
            .ids
            .iter()
            .map(|d| (edit_distance(d, id), *d))
            .filter(|(dist, d)| *dist <= 2.max(d.len() / 3))
            .min()
        {
            msg.push_str(&format!("; did you mean '{}'?", best.1));
        }
        msg
    }
}

impl Checker<'_> {
    fn err(&self, span: Range<usize>, message: String) -> ScenarioError {
        ScenarioError::at(self.file, self.text, span, message)
    }

    fn scenario(&self, raw: RawFile) -> Result<Scenario, ScenarioError> {
        let header_span = raw.scenario.span();
        let header = raw.scenario.into_inner();
        if raw.party.is_empty() {
            return Err(self.err(
                header_span,
                "the scenario declares no [[party]]; at least one is required".into(),
            ));
        }
        if raw.phase.is_empty() {
            return Err(self.err(
                header_span,
                "the scenario declares no [[phase]]; at least one is required".into(),
            ));
        }
        self.at_most(&raw.party, "[[party]]", MAX_PARTIES)?;
        self.at_most(&raw.phase, "[[phase]]", MAX_PHASES)?;
        let party_ids = self.declare("party", raw.party.iter().map(|p| &p.get_ref().id))?;
        let phase_ids = self.declare("phase", raw.phase.iter().map(|p| &p.get_ref().id))?;

        let name = header.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(self.err(header.name.span(), "scenario.name must not be empty".into()));
        }
        let start_date = self.date(&header.start_date)?;
        let horizon = *header.horizon_days.get_ref();
        if !(1..=MAX_HORIZON_DAYS).contains(&horizon) {
            return Err(self.err(
                header.horizon_days.span(),
                format!("scenario.horizon_days = {horizon} is out of range (allowed: 1..={MAX_HORIZON_DAYS})"),
            ));
        }
        self.last_date(start_date, horizon, &header.start_date)?;
        let initial_phase = phase_ids
            .find(header.initial_phase.get_ref())
            .ok_or_else(|| {
                self.err(
                    header.initial_phase.span(),
                    phase_ids.unknown_message(
                        "in scenario.initial_phase",
                        header.initial_phase.get_ref(),
                    ),
                )
            })?;

        let parties = raw
            .party
            .iter()
            .map(|p| self.party(p.get_ref(), &party_ids))
            .collect::<Result<Vec<_>, _>>()?;

        let mut probability_conditions = 0;
        let mut max_window = 0;
        let phases = raw
            .phase
            .iter()
            .map(|p| {
                self.phase(
                    p.get_ref(),
                    &party_ids,
                    &phase_ids,
                    &parties,
                    &mut probability_conditions,
                    &mut max_window,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;

        let compliance = Compliance {
            counts: match &raw.compliance.counts {
                None => Severity::Major,
                Some(s) => self.severity(s, "compliance.counts")?,
            },
            tolerance: match &raw.compliance.tolerance {
                None => 0,
                Some(t) => self.count(t, "compliance.tolerance", 0)?,
            },
            requires_aid: raw.compliance.requires_aid.unwrap_or(false),
        };
        let detection = match &raw.monitoring.detection {
            None => 1.0,
            Some(d) => self.probability(d, "monitoring.detection")?,
        };
        let h = &raw.humanitarian;
        let block_probability = match &h.block_probability {
            None => 0.0,
            Some(b) => self.probability(b, "humanitarian.block_probability")?,
        };
        let humanitarian = Humanitarian {
            convoys_per_day: match &h.convoys_per_day {
                None => 0.0,
                Some(c) => self.non_negative(c, "humanitarian.convoys_per_day")?,
            },
            block_probability,
            block_probability_violent: match &h.block_probability_violent {
                None => block_probability,
                Some(b) => self.probability(b, "humanitarian.block_probability_violent")?,
            },
        };

        let raws = (&raw.party[..], &raw.phase[..], &raw.humanitarian);
        self.poisson_means(raws, &parties, &phases, &humanitarian)?;
        self.tally_size(horizon as u64, &parties, &phases, max_window, &header_span)?;

        // Once per scenario: every command reads it (warnings, `check`).
        let branching_ratio = crate::numeric::perron_root(&super::branching_rows(&parties));
        let mut scenario = Scenario {
            name,
            description: header.description.unwrap_or_default(),
            start_date,
            horizon_days: horizon as u32,
            initial_phase,
            parties,
            phases,
            compliance,
            detection,
            humanitarian,
            probability_conditions,
            max_window,
            branching_ratio,
            warnings: Vec::new(),
            source: super::Source {
                text: self.text.into(),
                origin: self.file.to_string(),
                changes: Vec::new(),
            },
        };
        scenario.warnings = warnings(&scenario);
        Ok(scenario)
    }

    /// Refuses more than `max` tables of a section, at the first one too many.
    fn at_most<T>(
        &self,
        tables: &[Spanned<T>],
        what: &str,
        max: usize,
    ) -> Result<(), ScenarioError> {
        match tables.get(max) {
            None => Ok(()),
            Some(extra) => Err(self.err(
                extra.span(),
                format!(
                    "the scenario declares {} {what} tables (allowed: at most {max}; see docs/model.md, Limits)",
                    tables.len()
                ),
            )),
        }
    }

    /// Refuses a run whose last day falls after [`LAST_DATE`].
    fn last_date(
        &self,
        start: NaiveDate,
        horizon: i64,
        at: &Spanned<toml::value::Datetime>,
    ) -> Result<(), ScenarioError> {
        let (y, m, d) = LAST_DATE;
        let last = NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MAX);
        // Day 0 is start; the last day is start + horizon − 1.
        let days = u64::try_from(horizon.max(1) - 1).unwrap_or(0);
        match start.checked_add_days(chrono::Days::new(days)) {
            Some(end) if end <= last => Ok(()),
            end => Err(self.err(
                at.span(),
                format!(
                    "scenario.start_date = {start} with horizon_days = {horizon} ends on {}, after {last} (allowed: a last day no later than {last}; dates are written with four-digit years)",
                    end.map_or_else(|| "a date beyond the calendar".to_string(), |e| e.to_string())
                ),
            )),
        }
    }

    /// Refuses any Poisson mean above [`MAX_POISSON_MEAN`], as it applies on
    /// a day (after rate multipliers and phase overrides): a party's attacks
    /// in every phase, its false reports, and every phase's convoys. The
    /// message points at the value that makes the mean too large.
    fn poisson_means(
        &self,
        raw: RawMeans,
        parties: &[Party],
        phases: &[Phase],
        humanitarian: &Humanitarian,
    ) -> Result<(), ScenarioError> {
        let (raw_parties, raw_phases, raw_humanitarian) = raw;
        let rule = format!(
            "allowed: a Poisson mean of at most {MAX_POISSON_MEAN:e} a day; see docs/model.md, Limits"
        );
        for (p, (party, rp)) in parties.iter().zip(raw_parties).enumerate() {
            let rp = rp.get_ref();
            if party.rate > MAX_POISSON_MEAN {
                return Err(self.err(
                    rp.rate.span(),
                    format!(
                        "party '{}' rate = {} is too large ({rule})",
                        party.id, party.rate
                    ),
                ));
            }
            if let Some(f) = &rp.false_reports_per_day
                && party.false_reports_per_day > MAX_POISSON_MEAN
            {
                return Err(self.err(
                    f.span(),
                    format!(
                        "party '{}' false_reports_per_day = {} is too large ({rule})",
                        party.id, party.false_reports_per_day
                    ),
                ));
            }
            for (phase, rph) in phases.iter().zip(raw_phases) {
                let m = phase.rate_multiplier[p];
                let mean = m * party.rate;
                if mean > MAX_POISSON_MEAN {
                    let span = rph
                        .get_ref()
                        .rate_multiplier
                        .iter()
                        .find(|(k, _)| k.get_ref() == &party.id)
                        .map_or(rp.rate.span(), |(_, v)| v.span());
                    return Err(self.err(
                        span,
                        format!(
                            "phase '{}' rate_multiplier.{} = {m} times party '{}' rate = {} gives {mean:e} attacks a day, too many ({rule})",
                            phase.id, party.id, party.id, party.rate
                        ),
                    ));
                }
            }
        }
        if humanitarian.convoys_per_day > MAX_POISSON_MEAN
            && let Some(c) = &raw_humanitarian.convoys_per_day
            && phases
                .iter()
                .any(|ph| ph.overrides.convoys_per_day.is_none())
        {
            return Err(self.err(
                c.span(),
                format!(
                    "humanitarian.convoys_per_day = {} is too large ({rule})",
                    humanitarian.convoys_per_day
                ),
            ));
        }
        for (phase, rph) in phases.iter().zip(raw_phases) {
            if let (Some(c), Some(at)) = (
                phase.overrides.convoys_per_day,
                &rph.get_ref().convoys_per_day,
            ) && c > MAX_POISSON_MEAN
            {
                return Err(self.err(
                    at.span(),
                    format!(
                        "phase '{}' convoys_per_day = {c} is too large ({rule})",
                        phase.id
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Refuses a scenario whose tallies would take more than
    /// [`MAX_TALLY_BYTES`] per worker.
    fn tally_size(
        &self,
        horizon: u64,
        parties: &[Party],
        phases: &[Phase],
        max_window: u32,
        at: &Range<usize>,
    ) -> Result<(), ScenarioError> {
        let (np, nq) = (phases.len() as u64, parties.len() as u64);
        let bytes = limits::tally_bytes(horizon, nq, np, u64::from(max_window));
        if bytes <= MAX_TALLY_BYTES {
            return Ok(());
        }
        Err(self.err(
            at.clone(),
            format!(
                "the scenario needs {:.1} MiB of tallies per worker ({horizon} days × ({np} phases + 2 × {nq} parties + 3) × 24 bytes, and a window of {max_window} days), above the limit of {} MiB (allowed: fewer horizon_days, parties or phases; see docs/model.md, Limits)",
                bytes as f64 / f64::from(1u32 << 20),
                MAX_TALLY_BYTES >> 20
            ),
        ))
    }

    /// Checks ids of one section: non-empty, of plain characters, unique.
    fn declare<'a>(
        &self,
        what: &'static str,
        ids: impl Iterator<Item = &'a Spanned<String>>,
    ) -> Result<Ids<'a>, ScenarioError> {
        let mut seen: HashMap<&str, ()> = HashMap::new();
        let mut out = Vec::new();
        for id in ids {
            let s = id.get_ref().as_str();
            if s.is_empty()
                || !s
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(self.err(
                    id.span(),
                    format!("{what} id '{s}' is not allowed (use letters, digits, '_' and '-')"),
                ));
            }
            if seen.insert(s, ()).is_some() {
                return Err(self.err(
                    id.span(),
                    format!("{what} id '{s}' is declared twice (ids must be unique)"),
                ));
            }
            // The trace names columns attacks_<id> and attacks_major_<id>
            // (reported_… alike): `x` and `major_x` would share one.
            let base = s
                .strip_prefix("major_")
                .filter(|b| seen.contains_key(b))
                .map(str::to_string)
                .or_else(|| {
                    seen.contains_key(format!("major_{s}").as_str())
                        .then(|| s.to_string())
                });
            if let (true, Some(base)) = (what == "party", base) {
                return Err(self.err(
                    id.span(),
                    format!(
                        "party ids '{base}' and 'major_{base}' would both name the trace column 'attacks_major_{base}' (attacks_major_<id> of '{base}', attacks_<id> of 'major_{base}'); rename one (a party id may not be another party's id prefixed with 'major_')"
                    ),
                ));
            }
            out.push(s);
        }
        Ok(Ids { what, ids: out })
    }

    fn date(&self, d: &Spanned<toml::value::Datetime>) -> Result<NaiveDate, ScenarioError> {
        let v = d.get_ref();
        let bad = || {
            self.err(
                d.span(),
                format!("scenario.start_date = {v} is not a plain date (allowed: a TOML date such as 2016-09-12)"),
            )
        };
        match (v.date, v.time, v.offset) {
            (Some(date), None, None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .ok_or_else(bad),
            _ => Err(bad()),
        }
    }

    fn party(&self, raw: &RawParty, party_ids: &Ids) -> Result<Party, ScenarioError> {
        let id = raw.id.get_ref().clone();
        let key = |k: &str| format!("party '{id}' {k}");
        let bound = raw.bound.unwrap_or(true);
        let false_reports_per_day = match &raw.false_reports_per_day {
            None => 0.0,
            Some(f) => self.non_negative(f, &key("false_reports_per_day"))?,
        };
        let half_life_days = match &raw.half_life_days {
            None => DEFAULT_HALF_LIFE_DAYS,
            Some(h) => {
                let v = *h.get_ref();
                if !(v.is_finite() && v > 0.0) {
                    return Err(self.err(
                        h.span(),
                        format!(
                            "{} = {v} is not allowed (allowed: a finite number > 0)",
                            key("half_life_days")
                        ),
                    ));
                }
                v
            }
        };
        let mut retaliation = Vec::new();
        for (other, alpha) in &raw.retaliation {
            let q = party_ids.find(other.get_ref()).ok_or_else(|| {
                self.err(
                    other.span(),
                    party_ids
                        .unknown_message(&format!("in retaliation of '{id}'"), other.get_ref()),
                )
            })?;
            let a = self.non_negative(alpha, &key(&format!("retaliation.{}", other.get_ref())))?;
            if a > 0.0 {
                retaliation.push((q, a));
            }
        }
        retaliation.sort_by_key(|&(q, _)| q);
        Ok(Party {
            name: raw.name.clone().unwrap_or_else(|| id.clone()),
            bound,
            rate: self.non_negative(&raw.rate, &key("rate"))?,
            major_share: match &raw.major_share {
                None => 1.0,
                Some(s) => self.probability(s, &key("major_share"))?,
            },
            false_reports_per_day,
            retaliation,
            half_life_days,
            decay: 0.5f64.powf(1.0 / half_life_days),
            id,
        })
    }

    fn phase(
        &self,
        raw: &RawPhase,
        party_ids: &Ids,
        phase_ids: &Ids,
        parties: &[Party],
        probability_conditions: &mut usize,
        max_window: &mut u32,
    ) -> Result<Phase, ScenarioError> {
        let id = raw.id.get_ref().clone();
        // (v2) Each key the phase leaves out stays `None`: the scenario's
        // effective value applies (`Scenario::phase_humanitarian`).
        let own = |x: &Option<Spanned<f64>>, key: &str, non_negative: bool| {
            x.as_ref()
                .map(|v| {
                    let key = format!("phase '{id}' {key}");
                    if non_negative {
                        self.non_negative(v, &key)
                    } else {
                        self.probability(v, &key)
                    }
                })
                .transpose()
        };
        let overrides = PhaseOverrides {
            detection: own(&raw.detection, "detection", false)?,
            convoys_per_day: own(&raw.convoys_per_day, "convoys_per_day", true)?,
            block_probability: own(&raw.block_probability, "block_probability", false)?,
            block_probability_violent: own(
                &raw.block_probability_violent,
                "block_probability_violent",
                false,
            )?,
        };
        let mut rate_multiplier = vec![1.0; parties.len()];
        for (pid, m) in &raw.rate_multiplier {
            let p = party_ids.find(pid.get_ref()).ok_or_else(|| {
                self.err(
                    pid.span(),
                    party_ids.unknown_message(
                        &format!("in rate_multiplier of phase '{id}'"),
                        pid.get_ref(),
                    ),
                )
            })?;
            rate_multiplier[p] = self.non_negative(
                m,
                &format!("phase '{id}' rate_multiplier.{}", pid.get_ref()),
            )?;
        }
        let mut transitions = Vec::new();
        for t in &raw.transition {
            let t = t.get_ref();
            let to = phase_ids.find(t.to.get_ref()).ok_or_else(|| {
                self.err(
                    t.to.span(),
                    phase_ids
                        .unknown_message(&format!("in a transition of '{id}'"), t.to.get_ref()),
                )
            })?;
            let ctx = ConditionContext {
                party_ids,
                parties,
                phase: &id,
            };
            let when = self.condition(&t.when, &ctx, probability_conditions, max_window)?;
            transitions.push(Transition { to, when });
        }
        Ok(Phase {
            name: raw.name.clone().unwrap_or_else(|| id.clone()),
            rate_multiplier,
            overrides,
            transitions,
            id,
        })
    }

    fn condition(
        &self,
        raw: &Spanned<RawCondition>,
        ctx: &ConditionContext,
        probability_conditions: &mut usize,
        max_window: &mut u32,
    ) -> Result<Condition, ScenarioError> {
        let span = raw.span();
        let c = raw.get_ref();
        let kinds: Vec<&str> = [
            ("streak_at_least", c.streak_at_least.is_some()),
            ("days_in_phase_at_least", c.days_in_phase_at_least.is_some()),
            ("reported_in_window", c.reported_in_window.is_some()),
            ("blocked_in_window", c.blocked_in_window.is_some()),
            (
                "violation_days_in_window",
                c.violation_days_in_window.is_some(),
            ),
            ("probability", c.probability.is_some()),
            ("all", c.all.is_some()),
            ("any", c.any.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, present)| present.then_some(k))
        .collect();
        let allowed = "streak_at_least, days_in_phase_at_least, reported_in_window, blocked_in_window, violation_days_in_window, probability, all, any";
        let where_ = format!("in a transition condition of phase '{}'", ctx.phase);
        match kinds.len() {
            0 if c.on.is_some() => {
                return Err(self.err(
                    span,
                    format!("'on' {where_} goes only with 'probability', which is missing (e.g. {{ probability = 0.1, on = \"violation_day\" }})"),
                ));
            }
            0 => {
                return Err(self.err(
                    span,
                    format!(
                        "a condition {where_} names no kind (allowed: exactly one of {allowed})"
                    ),
                ));
            }
            1 => {}
            _ => {
                return Err(self.err(
                    span,
                    format!(
                        "a condition {where_} names {} kinds ({}); a condition table has exactly one kind — combine them with all = [...] or any = [...]",
                        kinds.len(),
                        kinds.join(", ")
                    ),
                ));
            }
        }
        if let (Some(on), None) = (&c.on, &c.probability) {
            return Err(self.err(
                on.span(),
                format!(
                    "'on' {where_} goes only with 'probability' (found with {})",
                    kinds[0]
                ),
            ));
        }
        Ok(if let Some(n) = &c.streak_at_least {
            Condition::StreakAtLeast(self.threshold(n, "streak_at_least")?)
        } else if let Some(n) = &c.days_in_phase_at_least {
            Condition::DaysInPhaseAtLeast(self.threshold(n, "days_in_phase_at_least")?)
        } else if let Some(w) = &c.reported_in_window {
            self.window(w, ctx, max_window)?
        } else if let Some(w) = &c.blocked_in_window {
            let (days, at_least) = self.count_window(w, "blocked_in_window", max_window)?;
            Condition::BlockedInWindow { days, at_least }
        } else if let Some(w) = &c.violation_days_in_window {
            let (days, at_least) = self.count_window(w, "violation_days_in_window", max_window)?;
            Condition::ViolationDaysInWindow { days, at_least }
        } else if let Some(p) = &c.probability {
            let p = self.probability(p, "probability")?;
            let on = match &c.on {
                None => DayKind::AnyDay,
                Some(on) => match on.get_ref().as_str() {
                    "violation_day" => DayKind::ViolationDay,
                    "compliant_day" => DayKind::CompliantDay,
                    "any_day" => DayKind::AnyDay,
                    other => {
                        return Err(self.err(
                            on.span(),
                            format!("on = \"{other}\" is not allowed (allowed: \"violation_day\", \"compliant_day\", \"any_day\")"),
                        ));
                    }
                },
            };
            let stream = *probability_conditions;
            *probability_conditions += 1;
            Condition::Probability { p, on, stream }
        } else {
            let (list, all) = match (&c.all, &c.any) {
                (Some(list), _) => (list, true),
                (_, Some(list)) => (list, false),
                _ => unreachable!("exactly one kind was checked above"),
            };
            let kind = if all { "all" } else { "any" };
            if list.is_empty() {
                return Err(self.err(
                    span,
                    format!(
                        "{kind} = [] {where_} is empty (allowed: a list of one or more conditions)"
                    ),
                ));
            }
            let inner = list
                .iter()
                .map(|c| self.condition(c, ctx, probability_conditions, max_window))
                .collect::<Result<Vec<_>, _>>()?;
            if all {
                Condition::All(inner)
            } else {
                Condition::Any(inner)
            }
        })
    }

    fn window(
        &self,
        raw: &Spanned<RawWindow>,
        ctx: &ConditionContext,
        max_window: &mut u32,
    ) -> Result<Condition, ScenarioError> {
        let w = raw.get_ref();
        let days = self.window_days(&w.days, "reported_in_window")?;
        let at_least = self.count(&w.at_least, "reported_in_window.at_least", 1)?;
        let severity = match &w.severity {
            Some(s) => self.severity(s, "reported_in_window.severity")?,
            None => {
                return Err(self.err(
                    raw.span(),
                    "reported_in_window needs severity = \"major\" or \"any\"".into(),
                ));
            }
        };
        let party = match &w.party {
            None => None,
            Some(pid) => {
                let p = ctx.party_ids.find(pid.get_ref()).ok_or_else(|| {
                    self.err(
                        pid.span(),
                        ctx.party_ids.unknown_message(
                            &format!("in reported_in_window of phase '{}'", ctx.phase),
                            pid.get_ref(),
                        ),
                    )
                })?;
                if !ctx.parties[p].bound {
                    return Err(self.err(
                        pid.span(),
                        format!(
                            "reported_in_window names party '{}', which is excluded (bound = false) and never has reported violations (allowed: a bound party: {})",
                            pid.get_ref(),
                            ctx.parties
                                .iter()
                                .filter(|p| p.bound)
                                .map(|p| p.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                Some(p)
            }
        };
        *max_window = (*max_window).max(days);
        Ok(Condition::ReportedInWindow {
            days,
            at_least,
            severity,
            party,
        })
    }

    /// (v2) The `{ days, at_least }` of `blocked_in_window` and
    /// `violation_days_in_window`: a window of 1 day or more and a
    /// threshold of 1 or more (MODEL.md, "Conditions").
    fn count_window(
        &self,
        raw: &Spanned<RawCountWindow>,
        kind: &str,
        max_window: &mut u32,
    ) -> Result<(u32, u64), ScenarioError> {
        let w = raw.get_ref();
        let days = self.window_days(&w.days, kind)?;
        let at_least = self.count(&w.at_least, &format!("{kind}.at_least"), 1)?;
        *max_window = (*max_window).max(days);
        Ok((days, at_least))
    }

    /// The `days` of a window condition of kind `kind`: 1 to 36,500.
    fn window_days(&self, days: &Spanned<i64>, kind: &str) -> Result<u32, ScenarioError> {
        let v = *days.get_ref();
        if !(1..=MAX_HORIZON_DAYS).contains(&v) {
            return Err(self.err(
                days.span(),
                format!("{kind}.days = {v} is not allowed (allowed: 1..={MAX_HORIZON_DAYS})"),
            ));
        }
        Ok(v as u32)
    }

    fn severity(&self, s: &Spanned<String>, key: &str) -> Result<Severity, ScenarioError> {
        match s.get_ref().as_str() {
            "major" => Ok(Severity::Major),
            "any" => Ok(Severity::Any),
            other => Err(self.err(
                s.span(),
                format!("{key} = \"{other}\" is not allowed (allowed: \"major\", \"any\")"),
            )),
        }
    }

    /// A day-count threshold of `streak_at_least` / `days_in_phase_at_least`.
    fn threshold(&self, n: &Spanned<i64>, key: &str) -> Result<u32, ScenarioError> {
        let v = *n.get_ref();
        if !(0..=MAX_HORIZON_DAYS).contains(&v) {
            return Err(self.err(
                n.span(),
                format!("{key} = {v} is not allowed (allowed: 0..={MAX_HORIZON_DAYS})"),
            ));
        }
        Ok(v as u32)
    }

    fn count(&self, n: &Spanned<i64>, key: &str, min: i64) -> Result<u64, ScenarioError> {
        let v = *n.get_ref();
        if v < min {
            return Err(self.err(
                n.span(),
                format!("{key} = {v} is not allowed (allowed: an integer ≥ {min})"),
            ));
        }
        Ok(v as u64)
    }

    fn non_negative(&self, x: &Spanned<f64>, key: &str) -> Result<f64, ScenarioError> {
        let v = *x.get_ref();
        if !(v.is_finite() && v >= 0.0) {
            return Err(self.err(
                x.span(),
                format!("{key} = {v} is not allowed (allowed: a finite number ≥ 0)"),
            ));
        }
        Ok(v)
    }

    fn probability(&self, x: &Spanned<f64>, key: &str) -> Result<f64, ScenarioError> {
        let v = *x.get_ref();
        if !(0.0..=1.0).contains(&v) {
            return Err(self.err(
                x.span(),
                format!("{key} = {v} is not allowed (allowed: a probability in [0, 1])"),
            ));
        }
        Ok(v)
    }
}

/// What a condition needs to know about its surroundings.
struct ConditionContext<'a> {
    party_ids: &'a Ids<'a>,
    parties: &'a [Party],
    phase: &'a str,
}

/// Findings that do not stop a run but that a researcher should see.
fn warnings(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    for p in s
        .parties
        .iter()
        .filter(|p| !p.bound && p.false_reports_per_day > 0.0)
    {
        out.push(format!(
            "party '{}' false_reports_per_day = {} is ignored: the party is excluded (bound = false), and excluded parties have no reported violations",
            p.id, p.false_reports_per_day
        ));
    }
    let ratio = s.branching_ratio();
    if ratio >= 1.0 {
        out.push(format!(
            "retaliation is explosive: the branching ratio (spectral radius of α/(1−β)) is {ratio:.3} ≥ 1, so attacks can grow without bound while no transition intervenes"
        ));
    }
    out.extend(condition_warnings(s));
    let mut reached = vec![false; s.phases.len()];
    let mut stack = vec![s.initial_phase];
    reached[s.initial_phase] = true;
    while let Some(p) = stack.pop() {
        for t in &s.phases[p].transitions {
            if !reached[t.to] {
                reached[t.to] = true;
                stack.push(t.to);
            }
        }
    }
    for (phase, _) in s.phases.iter().zip(&reached).filter(|(_, r)| !**r) {
        out.push(format!(
            "phase '{}' can never be reached from the initial phase '{}'",
            phase.id, s.phases[s.initial_phase].id
        ));
    }
    out
}

/// (v2) Conditions that can never hold, or that always hold (so that the
/// transitions after them never fire), with where they are.
fn condition_warnings(s: &Scenario) -> Vec<String> {
    // Transitions are tried at the end of days 0 … H−2 only, so counters
    // read by a transition never exceed H − 1.
    let most = s.horizon_days.saturating_sub(1);
    let aid_possible = (0..s.phases.len()).any(|p| {
        let h = s.phase_humanitarian(p);
        h.convoys_per_day > 0.0 && (h.block_probability > 0.0 || h.block_probability_violent > 0.0)
    });
    let mut out = Vec::new();
    for phase in &s.phases {
        for (k, t) in phase.transitions.iter().enumerate() {
            let mut found = Vec::new();
            t.when.visit(&mut |c| {
                let what = s.describe_condition(c);
                let never = |why: String| format!("'{what}' can never hold: {why}");
                let always = |why: &str| format!("'{what}' always holds: {why}");
                match *c {
                    Condition::StreakAtLeast(0) | Condition::DaysInPhaseAtLeast(0) => {
                        found.push(always("every counter is at least 0"));
                    }
                    Condition::StreakAtLeast(n) | Condition::DaysInPhaseAtLeast(n)
                        if n > most =>
                    {
                        found.push(never(format!(
                            "transitions are tried at the end of days 0 … {} only, after at most {most} days in the phase (horizon_days = {})",
                            s.horizon_days.saturating_sub(2),
                            s.horizon_days
                        )));
                    }
                    Condition::ViolationDaysInWindow { days, at_least }
                        if at_least > u64::from(days.min(most)) =>
                    {
                        found.push(never(format!(
                            "a window of {days} days read at the end of day {} at the latest contains at most {} days",
                            s.horizon_days.saturating_sub(2),
                            days.min(most)
                        )));
                    }
                    Condition::BlockedInWindow { .. } if !aid_possible => {
                        found.push(never(
                            "no phase schedules convoys that can be blocked (convoys_per_day and both block probabilities)".into(),
                        ));
                    }
                    Condition::Probability { p: 0.0, .. } => {
                        found.push(never("its probability is 0".into()));
                    }
                    _ => {}
                }
            });
            for f in found {
                out.push(format!(
                    "{f} (transition {k} of phase '{}', to '{}')",
                    phase.id, s.phases[t.to].id
                ));
            }
        }
    }
    out
}

/// Levenshtein distance, for "did you mean" suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("goverment", "government"), 1);
        assert_eq!(edit_distance("isis", "isis"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
