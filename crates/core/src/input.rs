//! Input files read whole, each kind with a documented size limit, so that
//! a wrong path (`/dev/zero`, a video, a 10 GB export) is refused with a
//! message naming the file and the limit instead of filling the memory.
//!
//! A reader takes at most `limit + 1` bytes: one more than allowed proves
//! the file too large without reading the rest of it. Files read line by
//! line (runs.csv of a shard, which can be gigabytes) are bounded per line
//! instead (`LineLimit`), and every input is opened without blocking and
//! refused unless it is a regular file ([`open_regular`]): a FIFO, a device
//! such as `/dev/zero` or a directory is named, not read.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Largest scenario file, in bytes (4 MiB): the reference scenarios take
/// about 10 kB, and a scenario of a thousand parties and phases well under
/// a megabyte.
#[doc(hidden)]
pub const MAX_SCENARIO_BYTES: u64 = 4 << 20;

/// Largest data file read whole, in bytes (64 MiB): a design file
/// (`sweep --design FILE.csv`), a counts file (`fit COUNTS.csv`) or a
/// mapping (`counts --mapping MAP.toml`).
pub const MAX_DATA_BYTES: u64 = 64 << 20;

/// Largest event export read whole by `ceasefire counts`, in bytes (1 GiB):
/// a whole ACLED or UCDP GED download fits.
#[doc(hidden)]
pub const MAX_EXPORT_BYTES: u64 = 1 << 30;

/// Longest line of an input read line by line, in bytes (1 MiB): a row of
/// runs.csv takes under a kilobyte even for hundreds of parties and phases.
#[doc(hidden)]
pub const MAX_LINE_BYTES: u64 = 1 << 20;

/// Largest JSON file of a results directory read whole, in bytes (64 MiB):
/// a manifest or a tally.
#[doc(hidden)]
pub const MAX_JSON_BYTES: u64 = 64 << 20;

/// Largest tallies.json of a shard of a sweep, in bytes (1 GiB): a point's
/// tally takes a few kilobytes, so this holds a sweep of some 100,000 points;
/// it is parsed as it is read.
#[doc(hidden)]
pub const MAX_TALLIES_BYTES: u64 = 1 << 30;

/// A size in words: "4 MiB (4194304 bytes)".
#[doc(hidden)]
pub fn describe_bytes(bytes: u64) -> String {
    format!("{} MiB ({bytes} bytes)", bytes >> 20)
}

/// Reads everything `r` holds, refusing more than `limit` bytes with an
/// error of kind [`io::ErrorKind::FileTooLarge`] that names the limit and
/// says what the limit is for (`what`, e.g. "a scenario file").
#[doc(hidden)]
pub fn read_capped(r: impl Read, limit: u64, what: &str) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    r.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit, what));
    }
    Ok(bytes)
}

/// Opens the file at `path` for reading, following symlinks, without
/// blocking on a FIFO or a terminal, and refuses it unless it is a regular
/// file (`require_regular`).
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    require_regular(&file)?;
    Ok(file)
}

/// Fails with an error of kind [`io::ErrorKind::InvalidInput`] unless
/// `file` is a regular file, saying what it is instead: reading a device
/// such as `/dev/zero` never ends, and a FIFO can block forever.
#[doc(hidden)]
pub fn require_regular(file: &File) -> io::Result<()> {
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_dir() {
        "a directory"
    } else {
        special_kind(&kind)
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {what}, not a regular file (only regular files are read)"),
    ))
}

/// What a file that is neither regular nor a directory is.
#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

/// What a file that is neither regular nor a directory is.
#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// [`read_capped`] of the regular file at `path` ([`open_regular`]),
/// refused by its size before any byte is read when it is too large.
#[doc(hidden)]
pub fn read_file(path: &Path, limit: u64, what: &str) -> io::Result<Vec<u8>> {
    read_opened(open_regular(path)?, limit, what)
}

/// [`read_file`] of a file of lines (a CSV file: counts, a design, an
/// event export), every line at most [`MAX_LINE_BYTES`]: a file of one
/// endless line is refused once that much of it is read, not when the whole
/// limit has been buffered.
#[doc(hidden)]
pub fn read_lines_file(path: &Path, limit: u64, what: &'static str) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    if file.metadata()?.len() > limit {
        return Err(too_large(limit, what));
    }
    read_capped(LineLimit::new(file, MAX_LINE_BYTES, what), limit, what)
}

/// [`read_capped`] of an opened regular file, refused by its size first.
#[doc(hidden)]
pub fn read_opened(file: File, limit: u64, what: &str) -> io::Result<Vec<u8>> {
    let len = file.metadata()?.len();
    if len > limit {
        return Err(too_large(limit, what));
    }
    read_capped(file, limit, what)
}

/// An opened regular file to be read as a stream of at most `limit` bytes
/// (a large JSON file parsed as it is read): refused by its size first, and
/// cut at the limit if it grows meanwhile (a parser then finds it
/// truncated).
pub fn capped(file: File, limit: u64, what: &str) -> io::Result<io::Take<File>> {
    if file.metadata()?.len() > limit {
        return Err(too_large(limit, what));
    }
    Ok(file.take(limit))
}

/// The error of a file of more than `limit` bytes.
fn too_large(limit: u64, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "it holds more than {}, the limit for {what}",
            describe_bytes(limit)
        ),
    )
}

/// `bytes` as UTF-8 text, or an error naming the first bad byte.
#[doc(hidden)]
pub fn utf8(bytes: Vec<u8>) -> io::Result<String> {
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

/// [`read_file`] of the file at `path`, as UTF-8 text.
pub(crate) fn read_text(path: &Path, limit: u64, what: &str) -> io::Result<String> {
    utf8(read_file(path, limit, what)?)
}

/// A reader that fails, with an error of kind
/// [`io::ErrorKind::InvalidData`] naming the limit, as soon as a line
/// (bytes between two newlines) grows longer than `limit` bytes: a line
/// reader or a CSV reader above it then never buffers more than that, even
/// on a file of one endless line.
#[derive(Debug)]
#[doc(hidden)]
pub struct LineLimit<R> {
    inner: R,
    limit: u64,
    /// Bytes since the last newline.
    run: u64,
    what: &'static str,
}

impl<R: Read> LineLimit<R> {
    /// Wraps `inner`; `what` names the file's kind in the error ("runs.csv").
    #[doc(hidden)]
    pub fn new(inner: R, limit: u64, what: &'static str) -> Self {
        LineLimit {
            inner,
            limit,
            run: 0,
            what,
        }
    }
}

impl<R> LineLimit<R> {
    /// Fails if a line of `len` bytes is over the limit.
    fn check(&self, len: u64) -> io::Result<()> {
        if len <= self.limit {
            return Ok(());
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "a line is longer than {}, the limit for a line of {}",
                describe_bytes(self.limit),
                self.what
            ),
        ))
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut start = 0;
        for newline in memchr::memchr_iter(b'\n', &buf[..n]) {
            self.check(self.run + (newline - start) as u64)?;
            self.run = 0;
            start = newline + 1;
        }
        self.run += (n - start) as u64;
        self.check(self.run)?;
        Ok(n)
    }
}

/// A scenario file's text, at most [`MAX_SCENARIO_BYTES`].
#[doc(hidden)]
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

    #[test]
    fn a_line_of_the_limit_passes_and_one_byte_more_fails_wherever_it_falls() {
        let read = |text: &[u8], chunk: usize| {
            let mut r = LineLimit::new(io::BufReader::with_capacity(chunk, text), 4, "a test");
            io::copy(&mut r, &mut io::sink())
        };
        for chunk in [1, 2, 3, 5, 64] {
            assert!(read(b"abcd\nefgh\n\nijkl", chunk).is_ok(), "chunk {chunk}");
            for bad in [&b"abcde\n"[..], b"ab\nabcde", b"abcd\nabcde\nab"] {
                let e = read(bad, chunk).unwrap_err();
                assert_eq!(e.kind(), io::ErrorKind::InvalidData);
                assert!(e.to_string().contains("a line of a test"), "{e}");
            }
        }
        // An endless line is cut just past the limit.
        let mut endless = LineLimit::new(io::repeat(0), 1 << 10, "x");
        assert!(io::copy(&mut endless, &mut io::sink()).is_err());
    }

    #[test]
    fn a_file_of_lines_is_refused_at_its_first_long_line() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("export.csv");
        let mut text = b"a,b\n".to_vec();
        text.resize(text.len() + (MAX_LINE_BYTES as usize) + 1, b'x');
        std::fs::write(&path, &text).unwrap();
        let e = read_lines_file(&path, 64 << 20, "export files").unwrap_err();
        assert!(e.to_string().contains("a line of export files"), "{e}");
        text.truncate(text.len() - 1);
        text.push(b'\n');
        std::fs::write(&path, &text).unwrap();
        assert_eq!(
            read_lines_file(&path, 64 << 20, "export files").unwrap(),
            text
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_directories_are_refused_without_reading() {
        for path in ["/dev/zero", "/dev/null", "/"] {
            let e = open_regular(Path::new(path)).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{path}");
            assert!(e.to_string().contains("not a regular file"), "{e}");
        }
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("fifo");
        let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let e = open_regular(&fifo).unwrap_err();
        assert!(e.to_string().contains("a FIFO"), "{e}");
        let big = tmp.path().join("big");
        File::create(&big).unwrap().set_len(1 << 30).unwrap();
        let e = read_file(&big, 1 << 20, "a test").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
    }
}
