//! Errors of reading a scenario. Every message names the file, the
//! line:column where the culprit stands, the bad value and what is allowed.

use std::ops::Range;

/// Why a scenario could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read at all.
    #[error("{file}: cannot read scenario: {cause}")]
    Io {
        /// The file as given.
        file: String,
        /// The underlying error (part of the message, so not also given as
        /// the error's source, which would say it twice).
        cause: std::io::Error,
    },
    /// The text is not a valid scenario.
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        /// The file as given.
        file: String,
        /// 1-based line of the culprit.
        line: usize,
        /// 1-based column (in characters) of the culprit.
        column: usize,
        /// What is wrong, with the bad value and what is allowed.
        message: String,
    },
    /// Changes made with `--set` (or a sweep) make the scenario invalid.
    #[error("{file} with {changes}: {message}")]
    Changed {
        /// The file as given.
        file: String,
        /// The changes, as `PATH=VALUE` separated by spaces.
        changes: String,
        /// What is wrong.
        message: String,
    },
}

impl ScenarioError {
    /// What is wrong, without the location.
    pub(crate) fn message(&self) -> String {
        match self {
            ScenarioError::Io { cause, .. } => cause.to_string(),
            ScenarioError::Invalid { message, .. } | ScenarioError::Changed { message, .. } => {
                message.clone()
            }
        }
    }

    /// An error at byte offset `span.start` of `text`.
    pub(crate) fn at(file: &str, text: &str, span: Range<usize>, message: String) -> Self {
        let (line, column) = line_column(text, span.start);
        ScenarioError::Invalid {
            file: file.to_string(),
            line,
            column,
            message,
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::line_column;

    #[test]
    fn line_and_column_are_one_based() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 9), (2, 3)); // after the two-byte é
        assert_eq!(line_column(text, 999), (3, 1));
    }
}
