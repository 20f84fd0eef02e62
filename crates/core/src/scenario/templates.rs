//! Starting scenarios for `ceasefire init`: commented files a researcher
//! edits into their own, each of which passes `ceasefire check` as written.

use std::io::{self, Write};
use std::path::Path;

/// A starting scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// The Geneva 2016 reference scenario (`scenarios/geneva-2016.toml`).
    Geneva,
    /// The Munich 2016 reference scenario (`scenarios/munich-2016.toml`).
    Munich,
    /// A small scenario with every key shown and its default said.
    Minimal,
}

impl Template {
    /// Every template, in the order `--help` lists them.
    pub(crate) const ALL: [Template; 3] = [Template::Minimal, Template::Geneva, Template::Munich];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Template::Geneva => "geneva",
            Template::Munich => "munich",
            Template::Minimal => "minimal",
        }
    }

    /// The template's text.
    pub(crate) fn text(self) -> &'static str {
        match self {
            Template::Geneva => crate::builtin::GENEVA_2016,
            Template::Munich => include_str!("../../../../scenarios/munich-2016.toml"),
            Template::Minimal => include_str!("templates/minimal.toml"),
        }
    }

    /// Writes the template to `path`, which must not exist: an existing file
    /// is never overwritten (an error of kind
    /// [`io::ErrorKind::AlreadyExists`]). The text is staged beside `path`
    /// and linked into place, so `path` is either absent or whole.
    pub fn write_new(self, path: &Path) -> io::Result<()> {
        if path.symlink_metadata().is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the file exists (init never overwrites a file; choose another name or remove it)",
            ));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
        let staged = dir.join(format!(
            ".{}.{}.partial",
            name.to_string_lossy(),
            std::process::id()
        ));
        let result = (|| {
            let mut f = std::fs::File::create_new(&staged)?;
            f.write_all(self.text().as_bytes())?;
            f.sync_all()?;
            // A hard link fails if `path` appeared meanwhile: never overwrite.
            std::fs::hard_link(&staged, path).map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "the file exists (init never overwrites a file; choose another name or remove it)",
                    )
                } else {
                    e
                }
            })
        })();
        let _ = std::fs::remove_file(&staged);
        result
    }
}

impl std::str::FromStr for Template {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Template::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| {
                format!(
                    "'{s}' is not a template (allowed: {})",
                    Template::ALL.map(Template::name).join(", ")
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_a_valid_scenario() {
        for t in Template::ALL {
            crate::scenario::Scenario::from_toml(t.text(), t.name())
                .unwrap_or_else(|e| panic!("{}: {e}", t.name()));
        }
    }
}
