//! Stopping a batch cleanly when the user asks (Ctrl-C), and the command
//! that continues it.
//!
//! The command line installs the signal handler and calls
//! [`request_stop`]; a batch looks at [`stop_requested`] at its safe points
//! (the end of each block of runs), writes its checkpoint there and stops
//! with [`super::JobError::Interrupted`], leaving the checkpoint and the
//! rows it describes on disk for `--resume`.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

/// Asks the running batch to stop at its next safe point.
pub fn request_stop() {
    STOP.store(true, Ordering::SeqCst);
}

/// Whether a stop was asked for.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// The command that resumes the batch started by `command_line` (this
/// process's arguments, the program first): the same arguments with
/// `--resume`, quoted for a POSIX shell, the program named `ceasefire`
/// (and `run` added when the command line relied on it being the default).
/// `None` without a command line (a library caller).
pub fn resume_command(command_line: &[String]) -> Option<String> {
    let (_, args) = command_line.split_first()?;
    let mut words = vec!["ceasefire".to_string()];
    if args.first().is_none_or(|a| a.starts_with('-')) {
        words.push("run".into());
    }
    words.extend(args.iter().cloned());
    if !args.iter().any(|a| a == "--resume") {
        words.push("--resume".into());
    }
    Some(words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" "))
}

/// `word` as a POSIX shell reads it back.
fn quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,+@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn the_resume_command_repeats_the_arguments_with_resume() {
        assert_eq!(
            resume_command(&line(&["/x/ceasefire", "run", "a b.toml", "--runs", "9"])),
            Some("ceasefire run 'a b.toml' --runs 9 --resume".into())
        );
        assert_eq!(
            resume_command(&line(&["ceasefire", "run", "--resume"])),
            Some("ceasefire run --resume".into())
        );
        assert_eq!(
            resume_command(&line(&["ceasefire"])),
            Some("ceasefire run --resume".into())
        );
        assert_eq!(
            resume_command(&line(&["ceasefire", "--seed", "it's"])),
            Some(r"ceasefire run --seed 'it'\''s' --resume".into())
        );
        assert_eq!(resume_command(&[]), None);
    }
}
