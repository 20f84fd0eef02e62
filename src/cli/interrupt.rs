//! Ctrl-C: the first stops the running job at its next safe point (its
//! cancel token), keeping its checkpoint; a second ends the process at
//! once. And the command that continues an interrupted job.

use ceasefire::engine::CancelToken;

/// The exit code of a job stopped by Ctrl-C (128 + SIGINT, as shells
/// report it).
pub const INTERRUPTED: u8 = 130;

/// A cancel token that Ctrl-C cancels (a second Ctrl-C exits at once).
pub fn cancel_on_ctrl_c() -> CancelToken {
    let token = CancelToken::new();
    let cancel = token.clone();
    // Only one handler per process: a command installs it once.
    let _ = ctrlc::set_handler(move || {
        if cancel.is_cancelled() {
            std::process::exit(i32::from(INTERRUPTED));
        }
        cancel.cancel();
    });
    token
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
