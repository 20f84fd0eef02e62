//! Plain-language descriptions of scenarios, for `ceasefire check` and for
//! anyone who wants to read back what a file means.

use std::fmt::Write;

use super::{Condition, DayKind, Scenario, Severity};

impl Scenario {
    /// A condition in words, with ids instead of indices.
    pub(crate) fn describe_condition(&self, c: &Condition) -> String {
        match c {
            Condition::StreakAtLeast(n) => format!("{n} consecutive compliant days"),
            Condition::DaysInPhaseAtLeast(n) => format!("{n} days in the phase"),
            Condition::ReportedInWindow {
                days,
                at_least,
                severity,
                party,
            } => {
                let who = party.map_or("bound parties".to_string(), |p| {
                    format!("'{}'", self.parties[p].id)
                });
                format!(
                    "≥ {at_least} reported {} violations by {who} in {days} days",
                    severity.as_str()
                )
            }
            Condition::BlockedInWindow { days, at_least } => {
                format!("≥ {at_least} blocked convoys in {days} days")
            }
            Condition::ViolationDaysInWindow { days, at_least } => {
                format!("≥ {at_least} violation days in {days} days")
            }
            Condition::Probability { p, on, .. } => match on {
                DayKind::AnyDay => format!("chance {p} each day"),
                DayKind::ViolationDay => format!("chance {p} on each violation day"),
                DayKind::CompliantDay => format!("chance {p} on each compliant day"),
            },
            Condition::All(cs) | Condition::Any(cs) => {
                let join = if matches!(c, Condition::All(_)) {
                    " and "
                } else {
                    " or "
                };
                let parts: Vec<String> = cs.iter().map(|c| self.describe_condition(c)).collect();
                format!("({})", parts.join(join))
            }
        }
    }

    /// (v2) A phase's effective monitoring and aid where they differ from
    /// the scenario's, in words (`None` if they do not).
    pub(crate) fn phase_overrides(&self, phase: usize) -> Option<String> {
        let (h, own) = (&self.humanitarian, self.phase_humanitarian(phase));
        let mut parts = Vec::new();
        for (key, scenario, value) in [
            ("detection", self.detection, self.phase_detection(phase)),
            ("convoys_per_day", h.convoys_per_day, own.convoys_per_day),
            (
                "block_probability",
                h.block_probability,
                own.block_probability,
            ),
            (
                "block_probability_violent",
                h.block_probability_violent,
                own.block_probability_violent,
            ),
        ] {
            if value != scenario {
                parts.push(format!("{key} {value} (scenario: {scenario})"));
            }
        }
        (!parts.is_empty()).then(|| format!("in this phase: {}", parts.join(", ")))
    }

    /// A multi-line description: dates, parties, phases and transitions,
    /// compliance, monitoring, aid and warnings.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let end = self.date(self.horizon_days - 1);
        let _ = writeln!(s, "{}", self.name);
        if !self.description.is_empty() {
            let _ = writeln!(s, "  {}", self.description);
        }
        let _ = writeln!(
            s,
            "  {} days, {} to {}; starts in '{}'",
            self.horizon_days, self.start_date, end, self.phases[self.initial_phase].id
        );
        let _ = writeln!(s, "parties:");
        for p in &self.parties {
            let _ = write!(
                s,
                "  {:<14} {:<8} rate {}/day, major share {}, half-life {} days",
                p.id,
                if p.bound { "bound" } else { "excluded" },
                p.rate,
                p.major_share,
                p.half_life_days
            );
            if p.false_reports_per_day > 0.0 {
                let _ = write!(s, ", false reports {}/day", p.false_reports_per_day);
            }
            for &(q, a) in &p.retaliation {
                let _ = write!(s, ", retaliates {a} per attack by {}", self.parties[q].id);
            }
            s.push('\n');
        }
        let _ = writeln!(s, "phases:");
        for (i, ph) in self.phases.iter().enumerate() {
            let mut mult: Vec<String> = Vec::new();
            for (p, m) in self.parties.iter().zip(&ph.rate_multiplier) {
                if *m != 1.0 {
                    mult.push(format!("{}×{m}", p.id));
                }
            }
            let extra = if mult.is_empty() {
                String::new()
            } else {
                format!(" (rates {})", mult.join(", "))
            };
            let absorbing = if ph.is_absorbing() {
                " [absorbing]"
            } else {
                ""
            };
            let _ = writeln!(s, "  {}{absorbing}{extra}", ph.id);
            if let Some(own) = self.phase_overrides(i) {
                let _ = writeln!(s, "    {own}");
            }
            for (k, t) in ph.transitions.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "    {k}: → {} when {}",
                    self.phases[t.to].id,
                    self.describe_condition(&t.when)
                );
            }
        }
        let c = &self.compliance;
        let _ = writeln!(
            s,
            "compliance: at most {} reported {} a day{}",
            c.tolerance,
            match c.counts {
                Severity::Major => "major violations",
                Severity::Any => "violations of any severity",
            },
            if c.requires_aid {
                ", and no blocked convoy"
            } else {
                ""
            }
        );
        let h = &self.humanitarian;
        let _ = writeln!(
            s,
            "monitoring: detection {}; convoys {}/day, blocked with chance {} ({} after a major attack)",
            self.detection, h.convoys_per_day, h.block_probability, h.block_probability_violent
        );
        let _ = writeln!(
            s,
            "retaliation branching ratio: {:.3}",
            self.branching_ratio()
        );
        for w in &self.warnings {
            let _ = writeln!(s, "warning: {w}");
        }
        s
    }
}
