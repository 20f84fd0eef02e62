//! Exact answers for the Markov class: scenarios in which no party
//! retaliates (see "The exactly solvable class" in MODEL.md).
//!
//! Without retaliation a day's draws depend only on the phase, and what the
//! future depends on is a finite state (phase, capped counters, capped window
//! history). This module builds that chain from the per-phase day outcome
//! table and propagates the probability
//! distribution over its states day by day ([`solve`]), giving the same
//! quantities as a batch of runs with no sampling error. It is the strongest
//! test of the Monte Carlo engine, and [`prism`] exports the same chain for
//! probabilistic model checkers.

pub(crate) mod chain;
pub(crate) mod outcome;
pub mod prism;

pub(crate) use outcome::DayMeans;

use crate::options::Opt;
use crate::scenario::Scenario;
use chain::{Chain, ChainOptions};

/// Probability mass the solver may lose to rounding before it refuses to
/// answer. The "≥ cap" buckets make truncation exact, so only floating-point
/// rounding loses mass, typically about 1e-15.
pub const DEFAULT_MAX_LOSS: f64 = 1e-12;

/// Largest chain the solver builds unless told otherwise (`--max-states` of
/// `exact` and `export-prism`), and the largest day outcome table: a few
/// hundred megabytes of edges at most.
pub const DEFAULT_MAX_STATES: usize = 2_000_000;

/// Why a scenario cannot be solved exactly.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExactError {
    /// Some party retaliates: the model is not a finite Markov chain.
    #[error(
        "scenario '{scenario}' is outside the exactly solvable class: {} (the exact solver needs every retaliation coefficient to be 0, since remembered attacks make the state continuous); remove the retaliation entries, or simulate the scenario instead",
        .causes.join("; ")
    )]
    NotMarkov {
        /// The scenario's name.
        scenario: String,
        /// Each offending key with its value, e.g.
        /// `[[party]] 'government': retaliation.opposition = 0.07`.
        causes: Vec<String>,
    },
    /// The chain would exceed a limit.
    #[error(
        "the exact chain is too large: the {what} exceeds {limit}; simulate the scenario instead"
    )]
    TooLarge {
        /// What is too large.
        what: &'static str,
        /// The limit.
        limit: &'static str,
    },
    /// A day outcome table could hold more entries than allowed (checked
    /// before it is built).
    #[error(
        "the exact chain's day outcome tables could hold about {estimate:.3e} entries, above {} {limit}: daily counts must be told apart up to {cap} (the largest of compliance.tolerance and the at_least of every reported_in_window and blocked_in_window); lower those values, raise {}, or simulate the scenario instead",
        Opt::MaxStates,
        Opt::MaxStates
    )]
    TablesTooLarge {
        /// The bound on the entries of the largest table.
        estimate: f64,
        /// The limit (`--max-states`).
        limit: usize,
        /// The largest count the tables must tell apart.
        cap: u32,
    },
    /// More reachable states than allowed.
    #[error(
        "the exact chain has more than {limit} reachable states; raise {} or simulate the scenario instead",
        Opt::MaxStates
    )]
    TooManyStates {
        /// The limit.
        limit: usize,
    },
    /// More probability was lost than allowed.
    #[error(
        "the exact solution lost {lost:e} of probability mass to rounding (allowed: {allowed:e}; loosen it with {})",
        Opt::MaxLoss
    )]
    MassLost {
        /// Mass lost.
        lost: f64,
        /// Mass allowed.
        allowed: f64,
    },
}

/// Refuses a scenario outside the Markov class, naming every retaliation
/// entry that puts it outside.
pub(crate) fn require_markov(scenario: &Scenario) -> Result<(), ExactError> {
    if scenario.is_markov() {
        return Ok(());
    }
    let causes = scenario
        .parties()
        .iter()
        .flat_map(|p| {
            p.retaliation.iter().map(move |&(q, alpha)| {
                format!(
                    "[[party]] '{}' has retaliation.{} = {alpha}",
                    p.id,
                    scenario.parties()[q].id
                )
            })
        })
        .collect();
    Err(ExactError::NotMarkov {
        scenario: scenario.name().to_string(),
        causes,
    })
}

/// Limits of a solve.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct SolveOptions {
    /// Largest probability mass that may be lost.
    pub max_loss: f64,
    /// Largest number of chain states.
    pub max_states: usize,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            max_loss: DEFAULT_MAX_LOSS,
            max_states: DEFAULT_MAX_STATES,
        }
    }
}

/// The exact distribution of everything a batch of runs estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Number of reachable chain states.
    pub states: usize,
    /// `1 − Σ` of the final distribution, in absolute value.
    pub lost: f64,
    /// `occupancy[t][φ]`: probability of being in phase φ on day t (runs
    /// resting in an absorbing phase count in it).
    pub occupancy: Vec<Vec<f64>>,
    /// `entry[φ][t]`: probability of entering phase φ for the first time on
    /// day t.
    pub entry: Vec<Vec<f64>>,
    /// `first_exit[φ][ψ]`: probability that the run's first move out of φ
    /// goes to ψ (before the horizon).
    pub(crate) first_exit: Vec<Vec<f64>>,
    /// Per-day means (runs resting in an absorbing phase count as 0).
    pub daily: Vec<outcome::DayMeans>,
}

impl Solution {
    /// Probability of entering phase φ by the horizon.
    pub fn entered(&self, phase: usize) -> f64 {
        self.entry[phase].iter().sum()
    }
}

/// Solves a scenario of the Markov class exactly.
pub fn solve(scenario: &Scenario, opts: SolveOptions) -> Result<Solution, ExactError> {
    let chain = Chain::build(
        scenario,
        ChainOptions {
            track_history: true,
            max_states: opts.max_states,
        },
    )?;
    propagate(scenario, &chain, opts.max_loss)
}

/// Forward propagation of the distribution over `chain`'s states from day 0
/// to the horizon (no transition after the last day).
fn propagate(scenario: &Scenario, chain: &Chain, max_loss: f64) -> Result<Solution, ExactError> {
    let (np, nq) = (scenario.phases().len(), scenario.parties().len());
    let horizon = scenario.horizon_days() as usize;
    let mut x = vec![0.0; chain.len()];
    let mut y = vec![0.0; chain.len()];
    x[0] = 1.0;
    let mut occupancy = Vec::with_capacity(horizon);
    let mut entry = vec![vec![0.0; horizon]; np];
    entry[scenario.initial_phase()][0] = 1.0;
    let mut first_exit = vec![vec![0.0; np]; np];
    for day in 0..horizon {
        let mut occ = vec![0.0; np];
        for (s, &p) in x.iter().enumerate() {
            occ[chain.states[s].phase as usize] += p;
        }
        occupancy.push(occ);
        if day + 1 == horizon {
            break;
        }
        y.fill(0.0);
        for (s, &p) in x.iter().enumerate() {
            if p == 0.0 {
                continue;
            }
            for e in chain.row[s]..chain.row[s + 1] {
                let flow = p * chain.probability[e];
                y[chain.target[e] as usize] += flow;
                if chain.entry[e] > 0 {
                    entry[chain.entry[e] as usize - 1][day + 1] += flow;
                }
                if chain.exit[e] > 0 {
                    let k = chain.exit[e] as usize - 1;
                    first_exit[k / np][k % np] += flow;
                }
            }
        }
        std::mem::swap(&mut x, &mut y);
    }
    let lost = (1.0 - x.iter().sum::<f64>()).abs();
    if lost > max_loss || lost.is_nan() {
        return Err(ExactError::MassLost {
            lost,
            allowed: max_loss,
        });
    }
    let daily = occupancy
        .iter()
        .map(|occ| {
            let mut m = outcome::DayMeans {
                attacks: vec![0.0; nq],
                reported: vec![0.0; nq],
                compliant: 0.0,
                convoys_delivered: 0.0,
                convoys_blocked: 0.0,
            };
            for (means, &w) in chain.means.iter().zip(occ) {
                let Some(means) = means else { continue };
                for p in 0..nq {
                    m.attacks[p] += w * means.attacks[p];
                    m.reported[p] += w * means.reported[p];
                }
                m.compliant += w * means.compliant;
                m.convoys_delivered += w * means.convoys_delivered;
                m.convoys_blocked += w * means.convoys_blocked;
            }
            m
        })
        .collect();
    Ok(Solution {
        states: chain.len(),
        lost,
        occupancy,
        entry,
        first_exit,
        daily,
    })
}
