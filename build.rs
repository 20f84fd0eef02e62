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

/// The highest version of the `[[package]]`s named `krate` in a Cargo.lock.
/// A dependency may bring an older copy of its own (argmin brings rand 0.9
/// for itself); the pinned crates our streams use are the newest.
fn locked_version(lock: &str, krate: &str) -> Option<String> {
    let mut lines = lock.lines();
    let mut best: Option<(Vec<u64>, String)> = None;
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{krate}\"") {
            let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            else {
                continue;
            };
            let version = version.trim_end_matches('"').to_string();
            let key: Vec<u64> = version
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|p| p.parse().ok())
                .collect();
            if best.as_ref().is_none_or(|(k, _)| key > *k) {
                best = Some((key, version));
            }
        }
    }
    best.map(|(_, v)| v)
}
