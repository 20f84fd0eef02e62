//! One colour per phase, the same in every chart of a scenario and across
//! scenarios, keyed by the phase's role rather than its position: a reader
//! who has learnt that collapse is vermillion in one chart must not find it
//! green in the next.
//!
//! The rule (docs/outputs.md, *Charts*): the initial phase (every run is in
//! it on day 0) is blue; a failure phase (an id containing `collapse`,
//! `breakdown` or `fail`) is vermillion; every other phase takes, in the
//! scenario's order, green, orange, reddish purple, sky blue, grey, black,
//! and then these again.

use plotters::style::RGBColor;

/// Okabe–Ito colours: distinguishable with every common colour-vision
/// deficiency and in greyscale print.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(230, 159, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
    RGBColor(0, 0, 0),
];
/// Colour `i` of the house palette (wrapping around).
#[doc(hidden)]
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Okabe–Ito blue: the initial phase.
const INITIAL: RGBColor = RGBColor(0, 114, 178);
/// Okabe–Ito vermillion: failure phases.
const FAILURE: RGBColor = RGBColor(213, 94, 0);
/// Words in an id that mark a failure phase.
const FAILURE_WORDS: [&str; 3] = ["collapse", "breakdown", "fail"];
/// Positions in the house palette of the colours left for other phases
/// (every colour but blue and vermillion).
const OTHERS: [usize; 6] = [2, 3, 4, 5, 6, 7];

/// The colour of each phase of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PhaseColours(Vec<(String, RGBColor)>);

impl PhaseColours {
    /// Colours for `phases` (in the scenario's order), of which `initial`
    /// is the phase every run starts in, if known.
    pub(crate) fn new(phases: &[String], initial: Option<&str>) -> Self {
        let mut next = 0;
        let colours = phases
            .iter()
            .map(|id| {
                let c = if Some(id.as_str()) == initial {
                    INITIAL
                } else if is_failure(id) {
                    FAILURE
                } else {
                    next += 1;
                    colour(OTHERS[(next - 1) % OTHERS.len()])
                };
                (id.clone(), c)
            })
            .collect();
        PhaseColours(colours)
    }

    /// The colour of phase `id` (grey for a phase not given to `new`).
    pub(crate) fn of(&self, id: &str) -> RGBColor {
        self.0
            .iter()
            .find(|(p, _)| p == id)
            .map_or(colour(6), |(_, c)| *c)
    }
}

/// Whether a phase id names a failure of the agreement.
fn is_failure(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    FAILURE_WORDS.iter().any(|w| id.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn roles_keep_their_colours_across_scenarios() {
        let geneva = PhaseColours::new(
            &ids(&["truce", "joint_targeting", "collapse"]),
            Some("truce"),
        );
        let munich = PhaseColours::new(
            &ids(&["announced", "cessation", "talks", "collapse"]),
            Some("announced"),
        );
        assert_eq!(geneva.of("collapse"), munich.of("collapse"));
        assert_eq!(geneva.of("collapse"), FAILURE);
        assert_eq!(geneva.of("truce"), munich.of("announced"));
        assert_eq!(geneva.of("joint_targeting"), munich.of("cessation"));
        assert_ne!(munich.of("cessation"), munich.of("talks"));
        assert_ne!(munich.of("talks"), FAILURE);
        assert_ne!(munich.of("talks"), INITIAL);
    }
}
