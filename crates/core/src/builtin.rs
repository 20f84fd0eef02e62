//! Reference scenarios compiled into the binary, so that the main job runs
//! from any directory with no files at hand.

/// The US–Russia arrangement on Syria of September 2016
/// (`scenarios/geneva-2016.toml`): the scenario `ceasefire run` uses when no
/// file is given.
pub const GENEVA_2016: &str = include_str!("../../../scenarios/geneva-2016.toml");

/// The file stem of [`GENEVA_2016`], used for its default output directory.
#[doc(hidden)]
pub const GENEVA_2016_STEM: &str = "geneva-2016";

/// The Munich statement of February 2016 (`scenarios/munich-2016.toml`).
#[doc(hidden)]
pub const MUNICH_2016: &str = include_str!("../../../scenarios/munich-2016.toml");

/// The file stem of [`MUNICH_2016`].
pub(crate) const MUNICH_2016_STEM: &str = "munich-2016";

/// The built-in scenarios, by file stem, with their text.
pub const ALL: [(&str, &str); 2] = [
    (GENEVA_2016_STEM, GENEVA_2016),
    (MUNICH_2016_STEM, MUNICH_2016),
];
