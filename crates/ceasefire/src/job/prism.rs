//! A scenario without retaliation as a PRISM DTMC (`ceasefire
//! export-prism`), with a properties file, for PRISM and Storm.

use crate::exact::DEFAULT_MAX_STATES;
use std::path::{Path, PathBuf};

use super::write::put;
use super::{JobError, LoadedScenario, OutRefusal};
use crate::exact::prism;
use crate::store::StagedDir;

/// An export, as `ceasefire export-prism` writes it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PrismJob {
    /// The scenario (no party may retaliate).
    pub loaded: LoadedScenario,
    /// The model file to write (`.pm`); the properties go next to it with
    /// the extension `.props`.
    pub out: PathBuf,
    /// Refuse a model whose day outcome tables could hold more entries than
    /// this (checked before they are built; `exact`'s `--max-states`).
    pub max_states: usize,
}

/// What was written.
#[derive(Debug)]
#[non_exhaustive]
pub struct PrismDone {
    /// The model file.
    pub model: PathBuf,
    /// The properties file.
    pub properties: PathBuf,
    /// Commands in the model (one per phase).
    pub commands: usize,
}

impl PrismJob {
    /// The PRISM model of `loaded`, written to `out` (`.pm`), with the
    /// exact solver's default limit of states.
    pub fn new(loaded: LoadedScenario, out: PathBuf) -> Self {
        PrismJob {
            loaded,
            out,
            max_states: DEFAULT_MAX_STATES,
        }
    }

    /// Exports the model and its properties, both or neither.
    pub fn run(&self) -> Result<PrismDone, JobError> {
        let export = prism::export(&self.loaded.scenario, self.max_states).map_err(|source| {
            JobError::Exact {
                file: self.loaded.origin.clone(),
                source,
            }
        })?;
        let file_name = |p: &Path| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or(OutRefusal::NotAFile { stdout: false })
        };
        let name = file_name(&self.out)?;
        let props = file_name(&self.out.with_extension("props"))?;
        if props == name {
            return Err(OutRefusal::OverwrittenByProperties {
                out: self.out.clone(),
            }
            .into());
        }
        let dir = match self.out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut staged = StagedDir::create(&dir)?;
        put(&mut staged, &name, export.model.as_bytes())?;
        put(&mut staged, &props, export.properties.as_bytes())?;
        staged.commit()?;
        Ok(PrismDone {
            model: dir.join(&name),
            properties: dir.join(&props),
            commands: export.commands,
        })
    }
}
