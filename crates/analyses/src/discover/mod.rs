//! Scenario discovery: in which region of the uncertain parameters does an
//! outcome of interest happen?
//!
//! Sensitivity indices rank parameters; scenario discovery describes the
//! region itself, as a box of parameter ranges that a reader can state in
//! words ("collapse is likely when detection is below 0.6 and the
//! opposition's rate above 4"). The method is PRIM, the patient rule
//! induction method of Friedman & Fisher (1999), following the EMA
//! Workbench's `analysis/prim.py` step for step so that the same points
//! give the same peeling trajectory. The module works on plain matrices of
//! points and flags; reading sweeps and writing files is done elsewhere.

pub mod prim;

pub use prim::{PrimBox, PrimError, PrimOptions, prim};
