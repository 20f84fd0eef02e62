//! Scenario files: TOML text → raw serde structs → a validated [`Scenario`].
//!
//! Parsing happens in two stages so that the engine never re-checks anything
//! and never sees a string id: `raw` mirrors the file (unknown keys are
//! refused there), and `validate` resolves ids to indices, checks every
//! number against `shared/MODEL.md`, and produces the types below. A value of
//! [`Scenario`] is valid by construction.

mod describe;
mod error;
pub mod limits;
pub mod paths;
mod raw;
pub mod schema;
pub mod templates;
mod validate;

use chrono::NaiveDate;

pub use error::ScenarioError;

/// Which reported violations count towards compliance and windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Major violations only.
    Major,
    /// Violations of any severity.
    Any,
}

impl Severity {
    /// The spelling used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Major => "major",
            Severity::Any => "any",
        }
    }
}

/// The kind of day on which a `probability` condition draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A day that is not compliant.
    ViolationDay,
    /// A compliant day.
    CompliantDay,
    /// Every day.
    AnyDay,
}

impl DayKind {
    /// Whether a day of the given compliance is of this kind.
    pub fn matches(self, compliant: bool) -> bool {
        match self {
            DayKind::ViolationDay => !compliant,
            DayKind::CompliantDay => compliant,
            DayKind::AnyDay => true,
        }
    }

    /// The spelling used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::ViolationDay => "violation_day",
            DayKind::CompliantDay => "compliant_day",
            DayKind::AnyDay => "any_day",
        }
    }
}

/// A transition condition with ids resolved (see "Conditions" in MODEL.md).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `streak ≥ n`.
    StreakAtLeast(u32),
    /// `days_in_phase ≥ n`.
    DaysInPhaseAtLeast(u32),
    /// Reported violations over the last `days` days reach `at_least`.
    ReportedInWindow {
        /// Window length `w ≥ 1`.
        days: u32,
        /// Threshold `k`.
        at_least: u64,
        /// Which severities count.
        severity: Severity,
        /// A bound party's index, or `None` for all bound parties.
        party: Option<usize>,
    },
    /// (v2) Blocked convoys over the last `days` days reach `at_least`.
    BlockedInWindow {
        /// Window length `w ≥ 1`.
        days: u32,
        /// Threshold `k ≥ 1`.
        at_least: u64,
    },
    /// (v2) At least `at_least` of the last `days` days were not compliant.
    ViolationDaysInWindow {
        /// Window length `w ≥ 1`.
        days: u32,
        /// Threshold `k ≥ 1`.
        at_least: u64,
    },
    /// An independent draw with success probability `p` on days of kind `on`.
    Probability {
        /// Success probability.
        p: f64,
        /// Days on which the draw happens.
        on: DayKind,
        /// Index of this condition's own random stream (file order).
        stream: usize,
    },
    /// Every listed condition holds.
    All(Vec<Condition>),
    /// At least one listed condition holds.
    Any(Vec<Condition>),
}

impl Condition {
    /// Calls `f` on this condition and every condition nested in it.
    #[doc(hidden)]
    pub fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        f(self);
        if let Condition::All(cs) | Condition::Any(cs) = self {
            for c in cs {
                c.visit(f);
            }
        }
    }
}

/// One `[[phase.transition]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// Index of the target phase.
    pub to: usize,
    /// When it fires.
    pub when: Condition,
}

/// One `[[phase]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    /// Identifier used in files and output columns.
    pub id: String,
    /// Human-readable name (defaults to the id).
    pub(crate) name: String,
    /// `m(φ, p)` for every party, in party order.
    pub rate_multiplier: Vec<f64>,
    /// (v2) The monitoring and aid keys this phase sets itself; the
    /// scenario's values apply where it does not (see
    /// [`Scenario::phase_detection`], [`Scenario::phase_humanitarian`]).
    pub overrides: PhaseOverrides,
    /// Transitions, tried in file order.
    pub transitions: Vec<Transition>,
}

impl Party {
    /// Daily memory decay `β = 0.5^(1/h)`, derived from the half-life.
    pub fn decay(&self) -> f64 {
        self.decay
    }
}

impl Phase {
    /// A phase with no transitions is absorbing.
    pub fn is_absorbing(&self) -> bool {
        self.transitions.is_empty()
    }
}

/// (v2) The values a `[[phase]]` sets for the scenario-level monitoring and
/// aid keys; `None` where it leaves the key out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhaseOverrides {
    /// The phase's own `detection`.
    pub detection: Option<f64>,
    /// The phase's own `convoys_per_day`.
    pub(crate) convoys_per_day: Option<f64>,
    /// The phase's own `block_probability`.
    pub(crate) block_probability: Option<f64>,
    /// The phase's own `block_probability_violent`.
    pub(crate) block_probability_violent: Option<f64>,
}

/// One `[[party]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    /// Identifier used in files and output columns.
    pub id: String,
    /// Human-readable name (defaults to the id).
    pub name: String,
    /// Bound by the agreement: its attacks are violations.
    pub bound: bool,
    /// Baseline attacks per day, `μ ≥ 0`.
    pub rate: f64,
    /// Probability that an attack is major, `s ∈ [0, 1]`.
    pub major_share: f64,
    /// False accusations per day, `f ≥ 0` (ignored, with a warning, for
    /// excluded parties).
    pub false_reports_per_day: f64,
    /// `(q, α_{q→p})`: extra attacks per day by this party per remembered
    /// attack by party `q`. Only entries with `α > 0` are kept.
    pub retaliation: Vec<(usize, f64)>,
    /// Memory half-life in days, `h > 0`.
    pub half_life_days: f64,
    /// Daily memory decay `β = 0.5^(1/h)`, derived from the half-life.
    pub(crate) decay: f64,
}

/// `[compliance]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Compliance {
    /// Which severities are counted.
    pub counts: Severity,
    /// A day is compliant if at most this many are counted.
    pub tolerance: u64,
    /// Whether a blocked convoy makes the day non-compliant.
    pub requires_aid: bool,
}

/// `[humanitarian]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Humanitarian {
    /// Poisson mean of convoys scheduled per day.
    pub convoys_per_day: f64,
    /// Block probability on a day with no actual major attack.
    pub block_probability: f64,
    /// Block probability on a day with at least one actual major attack.
    pub block_probability_violent: f64,
}

/// A validated scenario: every id resolved, every number in range.
///
/// Its fields are private: a value exists only as validated, and its derived
/// values (each party's decay, the count of probability conditions, the
/// longest window, the warnings) cannot go stale. To change a value, apply
/// a change of the file and validate again with [`Scenario::with`] or
/// [`Scenario::with_value`].
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    name: String,
    description: String,
    start_date: NaiveDate,
    horizon_days: u32,
    initial_phase: usize,
    parties: Vec<Party>,
    phases: Vec<Phase>,
    compliance: Compliance,
    detection: f64,
    humanitarian: Humanitarian,
    probability_conditions: usize,
    max_window: u32,
    /// [`Scenario::branching_ratio`], computed once at validation.
    branching_ratio: f64,
    warnings: Vec<String>,
    source: Source,
}

/// The text a scenario was validated from and the changes applied to it,
/// so that it can be changed again and revalidated. Provenance, not
/// meaning: two scenarios that say the same thing are equal whatever text
/// they came from.
#[derive(Debug, Clone)]
struct Source {
    text: std::sync::Arc<str>,
    origin: String,
    changes: Vec<paths::Assignment>,
}

impl PartialEq for Source {
    fn eq(&self, _other: &Source) -> bool {
        true
    }
}

impl Scenario {
    /// `scenario.name`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `scenario.description` (empty if none).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Calendar date of day 0.
    pub fn start_date(&self) -> NaiveDate {
        self.start_date
    }

    /// Number of days `H` in a run.
    pub fn horizon_days(&self) -> u32 {
        self.horizon_days
    }

    /// Index of the phase of day 0.
    pub fn initial_phase(&self) -> usize {
        self.initial_phase
    }

    /// Parties in file order.
    pub fn parties(&self) -> &[Party] {
        &self.parties
    }

    /// Phases in file order.
    pub fn phases(&self) -> &[Phase] {
        &self.phases
    }

    /// The compliance rule.
    pub fn compliance(&self) -> &Compliance {
        &self.compliance
    }

    /// Detection probability `d` of an actual attack (`monitoring.detection`;
    /// see [`Scenario::phase_detection`] for a phase's own).
    pub fn detection(&self) -> f64 {
        self.detection
    }

    /// Convoys and their blocking (`[humanitarian]`; see
    /// [`Scenario::phase_humanitarian`] for a phase's own).
    pub fn humanitarian(&self) -> &Humanitarian {
        &self.humanitarian
    }

    /// Number of `probability` conditions (each has its own random stream).
    pub fn probability_conditions(&self) -> usize {
        self.probability_conditions
    }

    /// Longest window of any window condition, in days (0 if none).
    pub fn max_window(&self) -> u32 {
        self.max_window
    }

    /// Non-fatal findings (explosive retaliation, unreachable phases,
    /// conditions that can never hold).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// This scenario with `changes` applied after those it was built with,
    /// validated again exactly as a file is.
    ///
    /// ```
    /// use ceasefire_core::scenario::Scenario;
    /// use ceasefire_core::scenario::paths::Assignment;
    ///
    /// let sc = Scenario::from_toml(ceasefire_core::builtin::GENEVA_2016, "geneva-2016.toml")?;
    /// let changed = sc.with(&["monitoring.detection=0.9".parse::<Assignment>()?])?;
    /// assert_eq!(changed.detection(), 0.9);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with(&self, changes: &[paths::Assignment]) -> Result<Scenario, ScenarioError> {
        let mut all = self.source.changes.clone();
        all.extend_from_slice(changes);
        Scenario::from_toml_with(&self.source.text, &self.source.origin, &all)
    }

    /// This scenario with the value at `path` set to `value` (a TOML value
    /// as on the command line: `0.9`, `true`, `major`), validated again.
    pub fn with_value(
        &self,
        path: &str,
        value: impl std::fmt::Display,
    ) -> Result<Scenario, ScenarioError> {
        let change: paths::Assignment =
            format!("{path}={value}")
                .parse()
                .map_err(|e: paths::PathError| ScenarioError::Changed {
                    file: self.source.origin.clone(),
                    changes: format!("{path}={value}"),
                    message: e.to_string(),
                })?;
        self.with(&[change])
    }

    /// The changes applied to the file this scenario was read from.
    pub fn changes(&self) -> &[paths::Assignment] {
        &self.source.changes
    }

    /// Parses and validates scenario text. `origin` names the file in error
    /// messages.
    pub fn from_toml(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        validate::parse(text, origin)
    }

    /// Reads, parses and validates a scenario file.
    pub fn from_path(path: &std::path::Path) -> Result<Scenario, ScenarioError> {
        let origin = path.display().to_string();
        let text = crate::input::read_scenario(path).map_err(|cause| ScenarioError::Io {
            file: origin.clone(),
            cause,
        })?;
        Scenario::from_toml(&text, &origin)
    }

    /// Index of the party with this id.
    pub fn party_index(&self, id: &str) -> Option<usize> {
        self.parties.iter().position(|p| p.id == id)
    }

    /// Index of the phase with this id.
    pub fn phase_index(&self, id: &str) -> Option<usize> {
        self.phases.iter().position(|p| p.id == id)
    }

    /// Calendar date of day `t`.
    pub fn date(&self, day: u32) -> NaiveDate {
        self.start_date + chrono::Days::new(u64::from(day))
    }

    /// (v2) The detection probability `d` on days of phase `phase`: the
    /// phase's own, else `monitoring.detection`.
    pub fn phase_detection(&self, phase: usize) -> f64 {
        self.phases[phase]
            .overrides
            .detection
            .unwrap_or(self.detection)
    }

    /// (v2) Convoys and their blocking on days of phase `phase`: each value
    /// the phase's own, else the scenario's effective value of the same key
    /// (so a phase that sets only `block_probability` keeps the scenario's
    /// `block_probability_violent`).
    pub fn phase_humanitarian(&self, phase: usize) -> Humanitarian {
        let (h, own) = (&self.humanitarian, &self.phases[phase].overrides);
        Humanitarian {
            convoys_per_day: own.convoys_per_day.unwrap_or(h.convoys_per_day),
            block_probability: own.block_probability.unwrap_or(h.block_probability),
            block_probability_violent: own
                .block_probability_violent
                .unwrap_or(h.block_probability_violent),
        }
    }

    /// Whether every retaliation coefficient is zero, which makes the model a
    /// finite Markov chain (see "The exactly solvable class" in MODEL.md).
    pub fn is_markov(&self) -> bool {
        self.parties.iter().all(|p| p.retaliation.is_empty())
    }

    /// Spectral radius of the branching matrix `K[p][q] = α_{q→p} / (1 − β_p)`:
    /// the expected number of further attacks one attack provokes, over all
    /// generations. At 1 or more, retaliation feeds on itself without bound.
    /// Computed once, at validation (the Perron root of its branching matrix).
    pub fn branching_ratio(&self) -> f64 {
        self.branching_ratio
    }
}

/// The branching matrix of a scenario's parties, row by row:
/// `rows[p] = [(q, α_{q→p} / (1 − β_p)), …]`.
fn branching_rows(parties: &[Party]) -> Vec<Vec<(usize, f64)>> {
    parties
        .iter()
        .map(|party| {
            party
                .retaliation
                .iter()
                .map(|&(q, alpha)| (q, alpha / (1.0 - party.decay)))
                .collect()
        })
        .collect()
}
