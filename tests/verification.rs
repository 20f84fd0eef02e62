//! Nothing edited, copied or misplaced is taken for a result, end to end
//! with the real binary: `merge` never writes into its own inputs; shards
//! and checkpoints whose files were edited, copied between shards or made to
//! claim another seed are refused, naming the file and the first mismatch;
//! a refused `--resume` keeps its checkpoint; a run without `--resume` keeps
//! an earlier checkpoint until it has passed it; and Ctrl-C stops a batch
//! with its checkpoint kept and the command that resumes it. No test waits
//! on the clock: the Ctrl-C test polls for the checkpoint before signalling.

mod util;

use std::fs;
use std::path::Path;

use util::{Dir, assert_same_csvs, outputs_under, reference_scenario, run_batch};

/// The checkpoint `run` keeps in its output directory.
const CHECKPOINT: &str = ".ceasefire-checkpoint.json";

/// Runs `ceasefire run munich-2016 --runs RUNS --seed 1 --shard K/N --out OUT`.
fn shard(dir: &Dir, runs: u64, k: u64, n: u64, out: &str) {
    let s = format!("{k}/{n}");
    let path = reference_scenario("munich-2016");
    run_batch(dir, &path, out, runs, &["--seed", "1", "--shard", &s]);
}

/// Four shards s1 … s4 of a batch of 40 runs of Munich 2016.
fn four_shards(dir: &Dir) {
    for k in 1..=4 {
        shard(dir, 40, k, 4, &format!("s{k}"));
    }
}

/// `ceasefire merge DIRS... --out OUT`.
fn merge(dir: &Dir, dirs: &[&str], out: &str) -> util::TestCommand {
    let mut args = vec!["merge"];
    args.extend_from_slice(dirs);
    args.extend(["--out", out]);
    dir.command(args)
}

/// Every file under `dir`, with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = fs::read(&path).unwrap();
                files.push((path, bytes));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn merge_never_writes_into_one_of_its_shards() {
    let dir = Dir::new();
    four_shards(&dir);
    std::os::unix::fs::symlink(dir.join("s1"), dir.join("link")).unwrap();
    let before: Vec<_> = (1..=4)
        .map(|k| snapshot(&dir.join(format!("s{k}"))))
        .collect();
    // The same directory spelled otherwise, through a symlink, a directory
    // inside a shard (existing or not yet), and one that holds a shard.
    for (out, relation) in [
        ("s2/../s1", "is the shard directory"),
        ("./s3", "is the shard directory"),
        ("link", "is the shard directory"),
        ("link/inner", "is inside the shard directory"),
        ("s1/new/../deeper", "is inside the shard directory"),
        (".", "contains the shard directory"),
    ] {
        let ran = merge(&dir, &["s1", "s2", "s3", "s4"], out).failure();
        assert!(ran.stderr.contains(relation), "{out}: {relation:?}\n{ran}");
        assert!(ran.stderr.contains(&format!("--out {out}")), "{ran}");
    }
    let after: Vec<_> = (1..=4)
        .map(|k| snapshot(&dir.join(format!("s{k}"))))
        .collect();
    assert!(before == after, "a refused merge changed a shard");
    assert!(!dir.join("s1/new").exists() && !dir.join("s1/deeper").exists());
    // A directory beside the shards is fine, also through `..`.
    merge(&dir, &["s1", "s2", "s3", "s4"], "s2/../merged").success();
    assert!(dir.join("merged/runs.csv").is_file());
}
