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

use util::{Dir, outputs_under, reference_scenario, run_batch};

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

/// Asserts that merging s1 … s4 fails in order (exit code 1, no signal),
/// writes nothing into `merged`, and says every one of `words`.
fn assert_merge_refused(dir: &Dir, words: &[&str]) -> util::Ran {
    let ran = merge(dir, &["s1", "s2", "s3", "s4"], "merged").failure();
    for w in words {
        assert!(ran.stderr.contains(w), "{w:?} not said\n{ran}");
    }
    assert!(
        outputs_under(&dir.join("merged")).is_empty(),
        "a refused merge wrote files\n{ran}"
    );
    ran
}

/// Changes the JSON file `name` in `dir` with `edit`.
fn edit_json(dir: &Dir, name: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value = serde_json::from_str(&dir.read(name)).unwrap();
    edit(&mut v);
    dir.write(name, &serde_json::to_string(&v).unwrap());
}

/// Replaces the first line of `name` in `dir` that starts with `prefix`.
fn edit_row(dir: &Dir, name: &str, prefix: &str, edit: impl FnOnce(&str) -> String) {
    let text = dir.read(name);
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let row = lines
        .iter_mut()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no row {prefix:?} in {name}"));
    *row = edit(row);
    dir.write(name, &(lines.join("\n") + "\n"));
}

#[test]
fn merge_refuses_rows_that_are_not_rows_of_runs_csv() {
    // A phase the scenario does not have.
    let dir = Dir::new();
    four_shards(&dir);
    edit_row(&dir, "s2/runs.csv", "12,", |r| {
        let mut f: Vec<&str> = r.split(',').collect();
        f[1] = "NOT_A_PHASE";
        f.join(",")
    });
    assert_merge_refused(
        &dir,
        &[
            "s2/runs.csv",
            "line 4 (run 12)",
            "'NOT_A_PHASE'",
            "not a phase",
        ],
    );
    // An extra column.
    let dir = Dir::new();
    four_shards(&dir);
    edit_row(&dir, "s3/runs.csv", "25,", |r| format!("{r},7"));
    assert_merge_refused(
        &dir,
        &["s3/runs.csv", "line 7 (run 25)", "15 columns", "has 14"],
    );
    // A count that is not a count.
    let dir = Dir::new();
    four_shards(&dir);
    edit_row(&dir, "s1/runs.csv", "3,", |r| r.replacen(",0,", ",-4,", 1));
    assert_merge_refused(&dir, &["s1/runs.csv", "line 5 (run 3)", "'-4'"]);
}

#[test]
fn merge_refuses_a_tally_that_is_not_the_sum_of_its_rows() {
    // A count edited by hand.
    let dir = Dir::new();
    four_shards(&dir);
    edit_json(&dir, "s2/tally.json", |t| {
        let a = &mut t["runs"]["attacks"][1]["sum"];
        *a = (a.as_u64().unwrap() + 1).into();
    });
    assert_merge_refused(&dir, &["s2/tally.json", "runs.attacks[opposition].sum is"]);
    // A daily count edited, with the per-run totals left alone.
    let dir = Dir::new();
    four_shards(&dir);
    edit_json(&dir, "s4/tally.json", |t| {
        let a = &mut t["daily"]["sum"][0];
        *a = (a.as_u64().unwrap() + 1).into();
    });
    assert_merge_refused(&dir, &["s4/tally.json", "daily.sum"]);
    // The tally of another shard (same number of runs).
    let dir = Dir::new();
    four_shards(&dir);
    fs::copy(dir.join("s3/tally.json"), dir.join("s2/tally.json")).unwrap();
    assert_merge_refused(
        &dir,
        &[
            "s2/tally.json",
            "does not add up to the rows",
            "the rows give",
        ],
    );
}

#[test]
fn merge_refuses_counters_of_2_to_the_64_minus_1_without_wrapping() {
    let max = u64::MAX;
    type Edit = fn(&mut serde_json::Value, u64);
    let edits: [(Edit, &str); 4] = [
        (|t, m| t["daily"]["sum"][0] = m.into(), "daily.sum"),
        (
            |t, m| t["runs"]["first_exit"][0][1] = m.into(),
            "runs.first_exit",
        ),
        (
            |t, m| t["daily"]["occupancy"][5] = m.into(),
            "daily.occupancy",
        ),
        (|t, m| t["runs"]["entered"][2] = m.into(), "runs.entered"),
    ];
    for (edit, said) in edits {
        // In one shard, and in two (so that only their sum overflows).
        for shards in [&["s2"][..], &["s2", "s3"]] {
            let dir = Dir::new();
            four_shards(&dir);
            for s in shards {
                edit_json(&dir, &format!("{s}/tally.json"), |t| edit(t, max));
            }
            let ran = assert_merge_refused(&dir, &["s2/tally.json", said]);
            assert_eq!(ran.status.code(), Some(1), "{ran}");
        }
    }
}

#[test]
fn merge_refuses_shards_whose_manifests_claim_another_seed() {
    let dir = Dir::new();
    four_shards(&dir);
    for k in 1..=4 {
        let name = format!("s{k}/manifest.json");
        let m = dir.read(&name);
        assert!(m.contains("\"seed\": 1,"), "{m}");
        dir.write(&name, &m.replace("\"seed\": 1,", "\"seed\": 2,"));
    }
    assert_merge_refused(
        &dir,
        &[
            "s1/runs.csv",
            "run 0 is not what the scenario and seed 2 give",
        ],
    );
}
