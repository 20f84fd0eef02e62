//! Input files read whole, each kind with a documented size limit, so that
//! a wrong path (`/dev/zero`, a video, a 10 GB export) is refused with a
//! message naming the file and the limit instead of filling the memory.
//!
//! A reader takes at most `limit + 1` bytes: one more than allowed proves
//! the file too large without reading the rest of it.

use std::io::{self, Read};
use std::path::Path;

/// Largest scenario file, in bytes (4 MiB): the reference scenarios take
/// about 10 kB, and a scenario of a thousand parties and phases well under
/// a megabyte.
pub const MAX_SCENARIO_BYTES: u64 = 4 << 20;

/// Largest data file read whole, in bytes (64 MiB): a design file
/// (`sweep --design FILE.csv`), a counts file (`fit COUNTS.csv`) or a
/// mapping (`counts --mapping MAP.toml`).
pub const MAX_DATA_BYTES: u64 = 64 << 20;

/// Largest event export read whole by `ceasefire counts`, in bytes (1 GiB):
/// a whole ACLED or UCDP GED download fits.
pub const MAX_EXPORT_BYTES: u64 = 1 << 30;

/// A size in words: "4 MiB (4194304 bytes)".
pub fn describe_bytes(bytes: u64) -> String {
    format!("{} MiB ({bytes} bytes)", bytes >> 20)
}

/// Reads everything `r` holds, refusing more than `limit` bytes with an
/// error of kind [`io::ErrorKind::FileTooLarge`] that names the limit and
/// says what the limit is for (`what`, e.g. "a scenario file").
pub fn read_capped(r: impl Read, limit: u64, what: &str) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    r.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "it holds more than {}, the limit for {what}",
                describe_bytes(limit)
            ),
        ));
    }
    Ok(bytes)
}

/// [`read_capped`] of the file at `path`, as UTF-8 text.
pub fn read_text(path: &Path, limit: u64, what: &str) -> io::Result<String> {
    let bytes = read_capped(std::fs::File::open(path)?, limit, what)?;
    String::from_utf8(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "it is not UTF-8 text (byte {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// A scenario file's text, at most [`MAX_SCENARIO_BYTES`].
pub fn read_scenario(path: &Path) -> io::Result<String> {
    read_text(path, MAX_SCENARIO_BYTES, "a scenario file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_one_byte_more() {
        assert_eq!(read_capped(&[7u8; 10][..], 10, "x").unwrap().len(), 10);
        let e = read_capped(&[7u8; 11][..], 10, "a test").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert!(e.to_string().contains("the limit for a test"), "{e}");
        // An endless source is cut at limit + 1 bytes.
        let e = read_capped(io::repeat(0), 1 << 20, "x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
    }
}
