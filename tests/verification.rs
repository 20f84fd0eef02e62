//! Nothing edited, copied or misplaced is taken for a result, end to end
//! with the real binary: `merge` never writes into its own inputs; shards
//! and checkpoints whose files were edited, copied between shards or made to
//! claim another seed are refused, naming the file and the first mismatch;
//! a refused `--resume` keeps its checkpoint; a run without `--resume` keeps
//! an earlier checkpoint until it has passed it; and Ctrl-C stops a batch
//! with its checkpoint kept and the command that resumes it. No test waits
//! on the clock: the Ctrl-C test polls for the checkpoint before signalling.

use crate::util;

use std::fs;
use std::path::Path;

use util::{Dir, assert_same_csvs, outputs_under, reference_scenario, run_batch};

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

/// ceasefire's lock file in a results directory.
const LOCK_FILE: &str = ".ceasefire-lock";

/// Every file under `dir`, with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == LOCK_FILE) {
                // The lock holds the PID of whichever process wrote last (a
                // killed one leaves it); it is no part of the checkpoint.
                continue;
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

/// A bind mount of one directory on another, unmounted when dropped.
struct BindMount(std::path::PathBuf);

impl BindMount {
    /// Mounts `from` on `on`, or says why the test cannot (no privilege to
    /// mount, no `mount` command).
    fn new(from: &Path, on: &Path) -> Result<BindMount, String> {
        fs::create_dir_all(on).unwrap();
        let ran = std::process::Command::new("mount")
            .arg("--bind")
            .args([from, on])
            .output()
            .map_err(|e| e.to_string())?;
        if !ran.status.success() {
            return Err(String::from_utf8_lossy(&ran.stderr).into_owned());
        }
        Ok(BindMount(on.to_path_buf()))
    }
}

impl Drop for BindMount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// Issue 31: an alias that resolving paths cannot see through (a bind
/// mount, like an NFS or autofs alias) is refused by device and inode with
/// the shard intact, and so is an output whose files are hard links of a
/// shard's.
#[test]
fn merge_refuses_aliases_by_device_and_inode_and_hard_links_of_shard_files() {
    let dir = Dir::new();
    four_shards(&dir);
    let before = snapshot(&dir.join("s1"));
    let shards = ["s1", "s2", "s3", "s4"];
    match BindMount::new(&dir.join("s1"), &dir.join("alias")) {
        Ok(_mounted) => {
            let ran = merge(&dir, &shards, "alias").failure();
            assert!(
                ran.stderr.contains("--out alias is the shard directory s1")
                    && ran.stderr.contains("device and inode"),
                "{ran}"
            );
            let ran = merge(&dir, &shards, "alias/inner").failure();
            assert!(
                ran.stderr.contains("is inside the shard directory s1"),
                "{ran}"
            );
        }
        Err(why) => eprintln!("bind mount not tested (cannot mount here: {why})"),
    }
    // A directory whose runs.csv is a hard link of shard 1's (with --force,
    // since it holds no manifest).
    fs::create_dir(dir.join("linked")).unwrap();
    fs::hard_link(dir.join("s1/runs.csv"), dir.join("linked/runs.csv")).unwrap();
    let ran = dir
        .command([
            "merge", "s1", "s2", "s3", "s4", "--out", "linked", "--force",
        ])
        .failure();
    assert!(
        ran.stderr
            .contains("its runs.csv is a hard link of a file of the shard directory s1"),
        "{ran}"
    );
    assert!(
        snapshot(&dir.join("s1")) == before,
        "a refused merge changed s1"
    );
}

/// Issue 31: a runs.csv that is `/dev/zero`, or one endless line of NUL
/// bytes (what a crash can leave), is refused after reading at most a line's
/// limit, naming the file and the limit, and nothing is written: no output
/// directory, no lock, no partial file.
#[test]
fn merge_refuses_a_device_or_an_endless_line_and_writes_nothing() {
    let dir = Dir::new();
    four_shards(&dir);
    let runs = dir.join("s2/runs.csv");
    fs::remove_file(&runs).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &runs).unwrap();
    let ran = merge(&dir, &["s1", "s2", "s3", "s4"], "merged").failure();
    assert!(
        ran.stderr.contains("s2/runs.csv: cannot read")
            && ran
                .stderr
                .contains("it is a character device, not a regular file"),
        "{ran}"
    );
    assert!(!dir.join("merged").exists(), "{ran}");
    fs::remove_file(&runs).unwrap();
    // 300 MB of NUL bytes, sparse so that the test writes nothing.
    fs::File::create(&runs).unwrap().set_len(300 << 20).unwrap();
    let ran = merge(&dir, &["s1", "s2", "s3", "s4"], "merged").failure();
    assert!(
        ran.stderr.contains("s2/runs.csv: line 1:")
            && ran.stderr.contains(
                "a line is longer than 1 MiB (1048576 bytes), the limit for a line of runs.csv"
            ),
        "{ran}"
    );
    assert!(!dir.join("merged").exists(), "{ran}");
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
fn merge_refuses_a_shard_whose_files_differ_from_its_manifest_and_says_how_to_list_them() {
    let dir = Dir::new();
    four_shards(&dir);
    // Rows that still parse: a comment of the copied scenario edited.
    let toml = dir.read("s3/scenario.toml");
    dir.write("s3/scenario.toml", &format!("# edited\n{toml}"));
    assert_merge_refused(
        &dir,
        &[
            "s3/scenario.toml differs from what its manifest.json records",
            "the shard cannot be merged",
            "hint: `ceasefire verify s3` lists every file that differs",
        ],
    );
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

/// The checkpoint `run` keeps in its output directory, and the rows it
/// describes.
const CHECKPOINT: &str = ".ceasefire-checkpoint.json";
const PARTIAL: &str = ".runs.csv.partial";
/// Where a run without `--resume` keeps an earlier checkpoint of its batch.
const KEPT: &str = ".ceasefire-checkpoint.kept.json";
const KEPT_PARTIAL: &str = ".runs.csv.kept.partial";

/// `run munich-2016 --runs 40000 --seed 9 --threads 1 --checkpoint-every 8192
/// --out OUT` plus `extra`, with its exit status unchecked.
fn checkpointed(dir: &Dir, out: &str, extra: &[&str]) -> util::TestCommand {
    let path = reference_scenario("munich-2016");
    let mut args = vec![
        "run",
        path.to_str().unwrap(),
        "--runs",
        "40000",
        "--seed",
        "9",
        "--threads",
        "1",
        "--checkpoint-every",
        "8192",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    dir.command(args)
}

/// A batch of [`checkpointed`] killed right after its `n`-th checkpoint
/// (runs before 8192·n done), as a kill at that moment leaves it.
fn killed_after(dir: &Dir, out: &str, n: u32, extra: &[&str]) {
    let n = n.to_string();
    let mut args = vec!["--abort-after-checkpoints", n.as_str()];
    args.extend_from_slice(extra);
    let ran = checkpointed(dir, out, &args).output();
    assert!(ran.status.code().is_none(), "not aborted\n{ran}");
}

/// The same batch, uninterrupted, into `whole`.
fn uninterrupted(dir: &Dir) {
    checkpointed(dir, "whole", &["--quiet"]).success();
}

#[test]
fn a_refused_resume_never_deletes_the_checkpoint() {
    type Damage = (fn(&Dir), &'static [&'static str]);
    let cases: [(&[&str], Damage); 4] = [
        // Another batch (another --set).
        (
            &["--set", "monitoring.detection=0.3"],
            (|_| {}, &["belongs to another batch", "--set changes"]),
        ),
        // A checkpoint that is not one.
        (
            &[],
            (
                |d| {
                    d.write(&format!("k/{CHECKPOINT}"), "{\"format\": 2, \"key\": 7}");
                },
                &["not a readable checkpoint"],
            ),
        ),
        // Its rows cut short (a disk that lost the end of the file).
        (
            &[],
            (
                |d| {
                    let f = fs::OpenOptions::new()
                        .write(true)
                        .open(d.join(format!("k/{PARTIAL}")))
                        .unwrap();
                    f.set_len(1000).unwrap();
                },
                &[PARTIAL, "does not hold the", "bytes of rows"],
            ),
        ),
        // Its rows edited.
        (
            &[],
            (
                |d| {
                    let name = format!("k/{PARTIAL}");
                    let mut bytes = d.read_bytes(&name);
                    // The last digit of the first row, changed in place.
                    let header = bytes.iter().position(|&b| b == b'\n').unwrap();
                    let row = bytes[header + 1..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .unwrap();
                    let at = header + row;
                    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
                    fs::write(d.join(&name), bytes).unwrap();
                },
                &[PARTIAL, "SHA-256", "the rows were changed"],
            ),
        ),
    ];
    for (extra, (damage, said)) in cases {
        let dir = Dir::new();
        killed_after(&dir, "k", 2, &[]);
        damage(&dir);
        let before = snapshot(&dir.join("k"));
        let mut args = vec!["--resume", "--quiet"];
        args.extend_from_slice(extra);
        let ran = checkpointed(&dir, "k", &args).failure();
        for w in said {
            assert!(ran.stderr.contains(w), "{w:?} not said\n{ran}");
        }
        assert!(
            snapshot(&dir.join("k")) == before,
            "a refused resume changed the directory\n{ran}"
        );
    }
}

#[test]
fn resume_refuses_a_checkpoint_whose_tally_was_edited() {
    let dir = Dir::new();
    killed_after(&dir, "k", 2, &[]);
    edit_json(&dir, &format!("k/{CHECKPOINT}"), |c| {
        let a = &mut c["tally"]["runs"]["entered"][2];
        *a = (a.as_u64().unwrap() - 1).into();
    });
    let ran = checkpointed(&dir, "k", &["--resume", "--quiet"]).failure();
    for w in [CHECKPOINT, "its tally has SHA-256", "the tally was changed"] {
        assert!(ran.stderr.contains(w), "{w:?} not said\n{ran}");
    }
    // With the digest made to fit, the tally still does not add up to the
    // rows it describes.
    edit_json(&dir, &format!("k/{CHECKPOINT}"), |c| {
        let tally: ceasefire::Tally = serde_json::from_value(c["tally"].clone()).unwrap();
        let tally = serde_json::to_vec(&tally).unwrap();
        c["tally_sha256"] = ceasefire::store::digest::sha256_hex(&tally).into();
    });
    let ran = checkpointed(&dir, "k", &["--resume", "--quiet"]).failure();
    for w in [
        CHECKPOINT,
        "does not add up to the rows",
        "runs.entered[political_talks]",
    ] {
        assert!(ran.stderr.contains(w), "{w:?} not said\n{ran}");
    }
    assert!(dir.join(format!("k/{CHECKPOINT}")).is_file());
}

#[test]
fn a_run_without_resume_keeps_an_earlier_checkpoint_until_it_passes_it() {
    let dir = Dir::new();
    uninterrupted(&dir);
    // Killed with runs 0..24576 done; then run again without --resume and
    // killed sooner, with runs 0..8192 done.
    killed_after(&dir, "k", 3, &[]);
    let ran = checkpointed(&dir, "k", &["--abort-after-checkpoints", "1"]).output();
    assert!(ran.status.code().is_none(), "{ran}");
    for w in [
        "warning: k holds a checkpoint of this same batch (every run before run 24576 done)",
        "--resume was not given",
        "ceasefire run ",
        " --out k --abort-after-checkpoints 1 --resume",
    ] {
        assert!(ran.stderr.contains(w), "{w:?} not said\n{ran}");
    }
    assert!(dir.join(format!("k/{KEPT}")).is_file(), "{ran}");
    assert!(dir.join(format!("k/{KEPT_PARTIAL}")).is_file(), "{ran}");
    // --resume continues from the further of the two.
    let ran = checkpointed(&dir, "k", &["--resume"]).success();
    assert!(ran.stderr.contains("resuming from run 24576"), "{ran}");
    assert_same_csvs(&dir, "whole", "k");
    assert!(snapshot(&dir.join("k")).iter().all(|(p, _)| {
        let name = p.file_name().unwrap().to_str().unwrap();
        !name.starts_with('.')
    }));

    // A rerun that passes the kept checkpoint removes it.
    let dir = Dir::new();
    uninterrupted(&dir);
    killed_after(&dir, "k", 2, &[]);
    killed_after(&dir, "k", 3, &[]);
    assert!(!dir.join(format!("k/{KEPT}")).exists());
    assert!(!dir.join(format!("k/{KEPT_PARTIAL}")).exists());
    let ran = checkpointed(&dir, "k", &["--resume"]).success();
    assert!(ran.stderr.contains("resuming from run 24576"), "{ran}");
    assert_same_csvs(&dir, "whole", "k");

    // One that completes removes it too, and says nothing with --quiet but
    // the warning.
    let dir = Dir::new();
    uninterrupted(&dir);
    killed_after(&dir, "k", 2, &[]);
    let ran = checkpointed(&dir, "k", &["--quiet"]).success();
    assert!(ran.stderr.contains("holds a checkpoint"), "{ran}");
    assert_eq!(ran.stderr.matches("holds a checkpoint").count(), 1, "{ran}");
    assert_same_csvs(&dir, "whole", "k");
    assert!(!dir.join(format!("k/{KEPT}")).exists());
    let manifest = dir.read("k/manifest.json");
    assert!(manifest.contains("holds a checkpoint"), "{manifest}");
}

#[test]
fn ctrl_c_keeps_the_checkpoint_and_says_how_to_resume() {
    use std::io::Read;
    let dir = Dir::new();
    let path = reference_scenario("munich-2016");
    let args = [
        "run",
        path.to_str().unwrap(),
        "--runs",
        "150000",
        "--seed",
        "4",
        "--threads",
        "1",
        "--checkpoint-every",
        "8192",
        "--quiet",
    ];
    let mut child = std::process::Command::new(util::BIN)
        .args(args)
        .args(["--out", "c"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Poll (no sleep is asserted on) until the first checkpoint is durable.
    let checkpoint = dir.join(format!("c/{CHECKPOINT}"));
    while !checkpoint.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "ended before a checkpoint"
        );
        std::thread::yield_now();
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted: stopped after run "),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("in the checkpoint c/{CHECKPOINT}")),
        "{stderr}"
    );
    assert!(checkpoint.is_file() && dir.join(format!("c/{PARTIAL}")).is_file());
    assert!(!dir.join("c/runs.csv").exists(), "{stderr}");
    let resume = stderr
        .lines()
        .find_map(|l| l.strip_prefix("resume with: "))
        .unwrap_or_else(|| panic!("no resume command\n{stderr}"));
    let words: Vec<&str> = resume.split(' ').collect();
    assert_eq!(words[0], "ceasefire", "{resume}");
    assert_eq!(words.last(), Some(&"--resume"), "{resume}");
    dir.command(&words[1..]).success();
    dir.command(args.iter().chain(&["--out", "whole"]))
        .success();
    assert_same_csvs(&dir, "whole", "c");
}

/// Three shards s1 … s3 of a sweep of Munich 2016 over three values of
/// detection, 300 runs a point, seed 3.
fn sweep_shards(dir: &Dir) {
    let path = reference_scenario("munich-2016");
    for k in 1..=3 {
        let (shard, out) = (format!("{k}/3"), format!("s{k}"));
        let args = [
            "sweep",
            path.to_str().unwrap(),
            "--vary",
            "monitoring.detection=0.2:0.9:3",
            "--runs",
            "300",
            "--seed",
            "3",
            "--shard",
            &shard,
            "--out",
            &out,
            "--quiet",
        ];
        dir.command(args).success();
    }
}

#[test]
fn merge_refuses_swapped_sweep_tallies_and_sweeps_that_claim_another_seed() {
    let dir = Dir::new();
    sweep_shards(&dir);
    merge(&dir, &["s1", "s2", "s3"], "fine").success();
    // The tallies of two points swapped in one shard.
    edit_json(&dir, "s2/tallies.json", |t| {
        let points = t.as_array_mut().unwrap();
        points.swap(0, 1);
    });
    let ran = merge(&dir, &["s1", "s2", "s3"], "merged").failure();
    for w in [
        "s2/tallies.json: point 0: it cannot hold runs [100, 124, 149, 174, 199]",
        "the re-simulated runs alone give",
    ] {
        assert!(ran.stderr.contains(w), "{w:?} not said\n{ran}");
    }
    assert!(outputs_under(&dir.join("merged")).is_empty(), "{ran}");

    // Every manifest made to claim seed 4.
    let dir = Dir::new();
    sweep_shards(&dir);
    for k in 1..=3 {
        let name = format!("s{k}/manifest.json");
        let m = dir.read(&name);
        assert!(m.contains("\"seed\": 3,"), "{m}");
        dir.write(&name, &m.replace("\"seed\": 3,", "\"seed\": 4,"));
    }
    let ran = merge(&dir, &["s1", "s2", "s3"], "merged").failure();
    assert!(
        ran.stderr.contains("s1/tallies.json: point ") && ran.stderr.contains("seed 4"),
        "{ran}"
    );
}

/// `sweep munich-2016 --vary monitoring.detection=0.2:0.9:6 --runs 2000
/// --seed 5 --threads 1 --out OUT` plus `extra`.
fn sweep_command(dir: &Dir, out: &str, extra: &[&str]) -> util::TestCommand {
    let path = reference_scenario("munich-2016");
    let mut args = vec![
        "sweep",
        path.to_str().unwrap(),
        "--vary",
        "monitoring.detection=0.2:0.9:6",
        "--runs",
        "2000",
        "--seed",
        "5",
        "--threads",
        "1",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    dir.command(args)
}

/// The point checkpoints in a sweep's output directory.
fn point_checkpoints(dir: &Dir, out: &str) -> usize {
    fs::read_dir(dir.join(out).join(".ceasefire-sweep-checkpoint"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[test]
fn a_sweep_without_resume_keeps_the_checkpoints_of_the_same_sweep() {
    let dir = Dir::new();
    sweep_command(&dir, "whole", &["--quiet"]).success();
    let aborted = |n: &str| {
        let ran = sweep_command(&dir, "k", &["--abort-after-checkpoints", n]).output();
        assert!(ran.status.code().is_none(), "not aborted\n{ran}");
        ran
    };
    aborted("3");
    assert_eq!(point_checkpoints(&dir, "k"), 3);
    let ran = aborted("1");
    for w in [
        "warning: k holds checkpoints of 3 completed points of this same sweep",
        "--out k --abort-after-checkpoints 1 --resume",
    ] {
        assert!(ran.stderr.contains(w), "{w:?} not said\n{ran}");
    }
    assert_eq!(point_checkpoints(&dir, "k"), 3, "{ran}");
    let ran = sweep_command(&dir, "k", &["--resume"]).success();
    assert!(ran.stderr.contains("3 of 6"), "{ran}");
    for f in ["sweep.csv", "points.csv"] {
        assert!(
            dir.read_bytes(format!("whole/{f}")) == dir.read_bytes(format!("k/{f}")),
            "{f} differs"
        );
    }
}
