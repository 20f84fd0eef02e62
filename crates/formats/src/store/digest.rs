//! SHA-256 digests, written one way everywhere.
//!
//! Manifests, checkpoints and shards name the bytes they vouch for by their
//! SHA-256 in lower-case hex. Every digest in the crate is made here, so a
//! scenario, a CSV file and a partial file are hashed and spelled alike.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

/// SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 of the first `len` bytes of the regular file at `path` (all of
/// it when `len` is `None`), in lower-case hex.
///
/// Fails if the file cannot be read, is not a regular file or is shorter
/// than `len`.
pub(crate) fn sha256_file(path: &Path, len: Option<u64>) -> io::Result<String> {
    sha256_opened(crate::input::open_regular(path)?, len)
}

/// [`sha256_file`] of a file already opened.
pub(crate) fn sha256_opened(file: File, len: Option<u64>) -> io::Result<String> {
    let mut hasher = HashingWriter::new(io::sink());
    let copied = match len {
        Some(len) => io::copy(&mut file.take(len), &mut hasher)?,
        None => io::copy(&mut &file, &mut hasher)?,
    };
    if let Some(len) = len
        && copied < len
    {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("it holds {copied} bytes, fewer than {len}"),
        ));
    }
    Ok(hasher.finish().1)
}

/// A writer that hashes every byte it passes on, so a file's digest is known
/// when it is finished without reading it again.
#[derive(Debug)]
pub(crate) struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> HashingWriter<W> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
        }
    }

    /// The inner writer and the SHA-256 of everything written, in hex.
    pub(crate) fn finish(self) -> (W, String) {
        (self.inner, hex(&self.hasher.finalize()))
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest_of_abc() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn writer_and_file_agree_with_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut writer = HashingWriter::new(File::create(&path).unwrap());
        writer.write_all(&bytes).unwrap();
        let (file, digest) = writer.finish();
        drop(file);
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        assert_eq!(digest, sha256_hex(&bytes));
        assert_eq!(sha256_file(&path, None).unwrap(), digest);
        assert_eq!(
            sha256_file(&path, Some(10)).unwrap(),
            sha256_hex(&bytes[..10])
        );
        assert!(sha256_file(&path, Some(bytes.len() as u64 + 1)).is_err());
    }
}
