//! Records the exact versions of the crates that results depend on, read
//! from Cargo.lock, so that every manifest can name them.

use std::fs;

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = fs::read_to_string("Cargo.lock").unwrap_or_default();
    for (krate, var) in [
        ("rand", "CEASEFIRE_RAND_VERSION"),
        ("rand_chacha", "CEASEFIRE_RAND_CHACHA_VERSION"),
        ("rand_core", "CEASEFIRE_RAND_CORE_VERSION"),
        ("statrs", "CEASEFIRE_STATRS_VERSION"),
    ] {
        let version = locked_version(&lock, krate).unwrap_or_else(|| "unknown".to_string());
        println!("cargo:rustc-env={var}={version}");
    }
}

/// The version of the first `[[package]]` named `krate` in a Cargo.lock.
fn locked_version(lock: &str, krate: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{krate}\"") {
            let version = lines.next()?.trim().strip_prefix("version = \"")?;
            return Some(version.trim_end_matches('"').to_string());
        }
    }
    None
}
