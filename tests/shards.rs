//! Scaling out without losing work, end to end with the real binary:
//! `run --shard K/N` and `merge` give the bytes of one process, `merge`
//! refuses shards that do not make up one batch, and a batch or sweep killed
//! mid-way (aborted right after a checkpoint, which is what a kill at that
//! moment leaves on disk) and resumed with `--resume` gives the bytes of one
//! that never stopped. No test waits on the clock.

use crate::util;

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;

use util::{CSV_FILES, Dir, assert_same_csvs, outputs_under, reference_scenario, run_batch};

/// Name of the checkpoint file `run` keeps in its output directory.
const CHECKPOINT: &str = ".ceasefire-checkpoint.json";

/// The files of a shard directory.
const SHARD_FILES: [&str; 4] = ["manifest.json", "runs.csv", "scenario.toml", "tally.json"];

/// Runs `ceasefire run SCENARIO --runs RUNS --shard K/N --out OUT`.
fn shard(dir: &Dir, scenario: &Path, runs: u64, k: u64, n: u64, out: &str, extra: &[&str]) {
    let s = format!("{k}/{n}");
    let mut args = vec!["--shard", s.as_str()];
    args.extend_from_slice(extra);
    run_batch(dir, scenario, out, runs, &args);
}

/// `ceasefire merge DIRS... --out OUT`.
fn merge(dir: &Dir, dirs: &[&str], out: &str) -> util::TestCommand {
    let mut args = vec!["merge"];
    args.extend_from_slice(dirs);
    args.extend(["--out", out]);
    dir.command(args)
}

#[test]
fn four_shards_merged_equal_one_process_byte_for_byte() {
    for stem in util::REFERENCE_SCENARIOS {
        let path = reference_scenario(stem);
        let dir = Dir::new();
        // A run count N does not divide, and more runs than one block of the
        // engine, so that shards differ in size and span blocks.
        let runs = 10_003;
        run_batch(&dir, &path, "whole", runs, &["--seed", "5"]);
        for k in 1..=4 {
            shard(&dir, &path, runs, k, 4, &format!("s{k}"), &["--seed", "5"]);
        }
        // Any order on the command line.
        let ran = merge(&dir, &["s3", "s1", "s4", "s2"], "merged").success();
        assert!(ran.stdout.contains("merged 4 shards"), "{stem}\n{ran}");
        assert_same_csvs(&dir, "whole", "merged");
    }
}

#[test]
fn a_shard_holds_its_slice_of_runs_and_partial_files_only() {
    let path = reference_scenario("munich-2016");
    let dir = Dir::new();
    shard(&dir, &path, 10, 2, 4, "s2", &[]);
    let mut names: Vec<String> = fs::read_dir(dir.join("s2"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, SHARD_FILES);
    // Shard 2 of 4 of 10 runs: runs ⌊10/4⌋ = 2 to ⌊20/4⌋ − 1 = 4.
    let runs = dir.read("s2/runs.csv");
    let first: Vec<&str> = runs
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(first, ["2", "3", "4"]);
    assert_eq!(dir.read_bytes("s2/scenario.toml"), fs::read(&path).unwrap());
    let manifest = dir.read("s2/manifest.json");
    for key in [
        "\"index\": 2",
        "\"count\": 4",
        "\"first_run\": 2",
        "\"end_run\": 5",
    ] {
        assert!(manifest.contains(key), "{key} not in\n{manifest}");
    }
}

#[test]
fn one_shard_of_one_merges_into_the_whole_batch() {
    let path = reference_scenario("geneva-2016");
    let dir = Dir::new();
    run_batch(&dir, &path, "whole", 300, &[]);
    shard(&dir, &path, 300, 1, 1, "s", &[]);
    merge(&dir, &["s"], "merged").success();
    assert_same_csvs(&dir, "whole", "merged");
}

/// Four shards of 40 runs of Munich 2016 in `s1` … `s4`, seed 1.
fn four_shards(dir: &Dir) {
    let path = reference_scenario("munich-2016");
    for k in 1..=4 {
        shard(dir, &path, 40, k, 4, &format!("s{k}"), &["--seed", "1"]);
    }
}

/// Asserts that merging `dirs` fails, writes nothing into `merged`, and
/// says every one of `words` on stderr.
fn assert_refused(dir: &Dir, dirs: &[&str], words: &[&str]) {
    let ran = merge(dir, dirs, "merged").failure();
    for w in words {
        assert!(ran.stderr.contains(w), "{w:?} not said\n{ran}");
    }
    assert!(
        outputs_under(&dir.join("merged")).is_empty(),
        "a refused merge wrote files\n{ran}"
    );
}

#[test]
fn merge_names_the_missing_shards() {
    let dir = Dir::new();
    four_shards(&dir);
    assert_refused(
        &dir,
        &["s1", "s3"],
        &["missing shards", "2/4 (runs 10..20)", "4/4 (runs 30..40)"],
    );
}

#[test]
fn merge_refuses_overlapping_shards() {
    let dir = Dir::new();
    four_shards(&dir);
    fs::create_dir(dir.join("copy")).unwrap();
    for f in SHARD_FILES {
        fs::copy(dir.join("s2").join(f), dir.join("copy").join(f)).unwrap();
    }
    assert_refused(
        &dir,
        &["s1", "s2", "s3", "s4", "copy"],
        &["overlap", "shard 2/4", "s2", "copy"],
    );
}

#[test]
fn merge_refuses_shards_of_other_seeds_runs_splits_and_scenarios() {
    let dir = Dir::new();
    four_shards(&dir);
    let munich = reference_scenario("munich-2016");
    let geneva = reference_scenario("geneva-2016");
    shard(&dir, &munich, 40, 2, 4, "seed2", &["--seed", "2"]);
    shard(&dir, &munich, 41, 2, 4, "runs41", &["--seed", "1"]);
    shard(&dir, &munich, 40, 2, 3, "of3", &["--seed", "1"]);
    shard(&dir, &geneva, 40, 2, 4, "geneva", &["--seed", "1"]);
    assert_refused(
        &dir,
        &["s1", "seed2", "s3", "s4"],
        &["different", "seed 1 ≠ 2"],
    );
    assert_refused(&dir, &["s1", "runs41", "s3", "s4"], &["runs 40 ≠ 41"]);
    assert_refused(&dir, &["s1", "of3", "s3", "s4"], &["shard count 4 ≠ 3"]);
    assert_refused(&dir, &["s1", "geneva", "s3", "s4"], &["scenario sha256"]);
}

#[test]
fn merge_refuses_shards_of_another_version() {
    let dir = Dir::new();
    four_shards(&dir);
    let m = dir.read("s3/manifest.json");
    let version = format!("\"ceasefire\": \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(m.contains(&version), "{m}");
    dir.write(
        "s3/manifest.json",
        &m.replace(&version, "\"ceasefire\": \"0.0.0-other\""),
    );
    assert_refused(
        &dir,
        &["s1", "s2", "s3", "s4"],
        &["versions", "0.0.0-other"],
    );
}

#[test]
fn merge_refuses_shards_drawn_with_another_stream_version() {
    let dir = Dir::new();
    four_shards(&dir);
    let m = dir.read("s2/manifest.json");
    let version = format!(
        "\"ceasefire-streams\": \"{}\"",
        ceasefire::model::STREAM_VERSION
    );
    assert!(m.contains(&version), "{m}");
    dir.write(
        "s2/manifest.json",
        &m.replace(&version, "\"ceasefire-streams\": \"1\""),
    );
    assert_refused(
        &dir,
        &["s1", "s2", "s3", "s4"],
        &["versions", "\"ceasefire-streams\": \"1\""],
    );
}

#[test]
fn merge_refuses_damaged_shards_naming_the_file() {
    /// A file of shard 2, how to damage it, and what merge then says.
    type Damage = (&'static str, fn(&str) -> String, &'static str);
    let cases: [Damage; 4] = [
        // A row lost from the end.
        (
            "runs.csv",
            |s| s[..s.trim_end().rfind('\n').unwrap() + 1].to_string(),
            "ends at run",
        ),
        // A row cut in half.
        (
            "runs.csv",
            |s| s[..s.len() - 3].to_string(),
            "line 11 (run 19)",
        ),
        (
            "tally.json",
            |s| s.replacen("\"runs\":10", "\"runs\":11", 1),
            "counts 11 runs",
        ),
        (
            "tally.json",
            |_| "{\"daily\": 3}".into(),
            "not the tally.json of a shard",
        ),
    ];
    for (file, damage, said) in cases {
        let dir = Dir::new();
        four_shards(&dir);
        let path = format!("s2/{file}");
        dir.write(&path, &damage(&dir.read(&path)));
        assert_refused(&dir, &["s1", "s2", "s3", "s4"], &[&path, said]);
    }
}

#[test]
fn merge_refuses_a_directory_that_is_not_a_shard() {
    let dir = Dir::new();
    run_batch(&dir, &reference_scenario("munich-2016"), "whole", 40, &[]);
    assert_refused(&dir, &["whole"], &["whole/manifest.json", "not a shard"]);
    assert_refused(
        &dir,
        &["nowhere"],
        &["nowhere: cannot read", "No such file or directory"],
    );
}

#[test]
fn run_refuses_shards_that_do_not_exist() {
    let path = reference_scenario("munich-2016");
    for bad in ["0/4", "5/4", "1/0", "a/4", "3", "1/2/3"] {
        let dir = Dir::new();
        let ran = dir
            .command(["run", path.to_str().unwrap(), "--shard", bad, "--out", "o"])
            .failure();
        assert!(ran.stderr.contains(&format!("'{bad}'")), "{ran}");
        assert!(outputs_under(dir.path()).is_empty(), "output left\n{ran}");
    }
}

/// Runs of the killed batch: more than two blocks of 8,192 runs, so that
/// the batch checkpoints after its first block and has runs left.
const KILLED_RUNS: u64 = 20_000;

/// Runs `cmd`, which must die by SIGABRT (`--abort-after-checkpoints`
/// aborts the process right after a checkpoint, exactly as a kill at that
/// moment would: no destructor, no clean-up). No clock is involved.
fn crash(mut cmd: util::TestCommand) {
    let status = cmd
        .cmd()
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("cannot start ceasefire");
    assert_eq!(
        status.signal(),
        Some(6),
        "the command did not die mid-way (it ended with {status})"
    );
}

/// Runs `run` of Geneva 2016 into `out` until its first checkpoint (after
/// the first block of runs), kills it there and returns the checkpoint's
/// bytes.
fn kill_after_first_checkpoint(dir: &Dir, out: &str) -> Vec<u8> {
    let path = reference_scenario("geneva-2016");
    let runs = KILLED_RUNS.to_string();
    let cmd = dir.command([
        "run",
        path.to_str().unwrap(),
        "--runs",
        &runs,
        "--threads",
        "1",
        "--checkpoint-every",
        "1",
        "--abort-after-checkpoints",
        "1",
        "--out",
        out,
        "--quiet",
    ]);
    crash(cmd);
    let checkpoint = dir.join(out).join(CHECKPOINT);
    assert!(
        !dir.join(out).join("summary.csv").exists(),
        "a killed batch left final outputs"
    );
    fs::read(&checkpoint).expect("the checkpoint survives the kill")
}

#[test]
fn a_batch_killed_mid_way_and_resumed_equals_one_never_stopped() {
    let path = reference_scenario("geneva-2016");
    let dir = Dir::new();
    kill_after_first_checkpoint(&dir, "killed");
    // Rows written after the checkpoint (and a torn last row) must be
    // dropped on resuming: add some.
    let partial = dir.join("killed/.runs.csv.partial");
    let mut rows = fs::read(&partial).expect("runs.csv survives the kill");
    rows.extend_from_slice(b"123456789,torn");
    fs::write(&partial, rows).unwrap();

    run_batch(
        &dir,
        &path,
        "killed",
        KILLED_RUNS,
        &["--resume", "--threads", "2"],
    );
    run_batch(&dir, &path, "whole", KILLED_RUNS, &[]);
    assert_same_csvs(&dir, "whole", "killed");
    assert!(
        !dir.join("killed").join(CHECKPOINT).exists(),
        "the checkpoint outlived the batch"
    );
    assert!(
        outputs_under(&dir.join("killed"))
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".partial"))
    );
}

#[test]
fn resuming_says_where_it_starts_and_refuses_another_batchs_checkpoint() {
    let path = reference_scenario("geneva-2016");
    let p = path.to_str().unwrap();
    let dir = Dir::new();
    let checkpoint = kill_after_first_checkpoint(&dir, "out");
    let runs = KILLED_RUNS.to_string();
    for (args, said) in [
        (["--runs", &runs, "--seed", "1"], "seed 20160912 ≠ 1"),
        (
            ["--runs", "1000", "--seed", "20160912"],
            "runs 20000 ≠ 1000",
        ),
        (["--runs", &runs, "--shard", "1/2"], "shard none ≠ 1/2"),
    ] {
        let mut all = vec!["run", p, "--out", "out", "--resume"];
        all.extend(args);
        let ran = dir.command(&all).failure();
        assert!(ran.stderr.contains("belongs to another batch"), "{ran}");
        assert!(ran.stderr.contains(said), "{said:?} not said\n{ran}");
        assert_eq!(
            fs::read(dir.join("out").join(CHECKPOINT)).unwrap(),
            checkpoint,
            "a refused resume touched the checkpoint"
        );
    }
    let ran = dir
        .command(["run", p, "--runs", &runs, "--out", "out", "--resume"])
        .success();
    let from: u64 = ran
        .stderr
        .split("resuming from run ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no resume note\n{ran}"));
    assert!(from > 0 && from < KILLED_RUNS, "resumed from {from}\n{ran}");
}

#[test]
fn a_damaged_checkpoint_is_refused_by_name_and_ignored_without_resume() {
    let path = reference_scenario("munich-2016");
    let p = path.to_str().unwrap();
    let dir = Dir::new();
    let ran = dir
        .command(["run", p, "--runs", "50", "--out", "fresh", "--resume"])
        .success();
    assert!(
        ran.stderr
            .contains("no checkpoint in fresh: starting from the first run"),
        "{ran}"
    );
    fs::create_dir(dir.join("out")).unwrap();
    dir.write(&format!("out/{CHECKPOINT}"), "{\"format\": 1, \"key\": 3}");
    let ran = dir
        .command(["run", p, "--runs", "50", "--out", "out", "--resume"])
        .failure();
    assert!(ran.stderr.contains(CHECKPOINT), "{ran}");
    assert!(ran.stderr.contains("not a readable checkpoint"), "{ran}");
    dir.command(["run", p, "--runs", "50", "--out", "out", "--quiet"])
        .success();
    assert!(!dir.join("out").join(CHECKPOINT).exists());
    for f in CSV_FILES {
        assert!(dir.join("out").join(f).exists(), "{f}");
    }
}

#[test]
fn shards_of_a_changed_scenario_merge_into_the_changed_batch_and_not_with_others() {
    let path = reference_scenario("geneva-2016");
    let dir = Dir::new();
    let set = ["--set", "monitoring.detection=0.9"];
    run_batch(&dir, &path, "whole", 600, &set);
    for k in 1..=3 {
        shard(&dir, &path, 600, k, 3, &format!("s{k}"), &set);
    }
    shard(&dir, &path, 600, 2, 3, "plain2", &[]);
    merge(&dir, &["s1", "s2", "s3"], "merged").success();
    assert_same_csvs(&dir, "whole", "merged");
    run_batch(&dir, &path, "plain", 600, &[]);
    assert!(
        dir.read_bytes("plain/summary.csv") != dir.read_bytes("merged/summary.csv"),
        "--set changed nothing: the test cannot tell the batches apart"
    );
    let ran = merge(&dir, &["s1", "plain2", "s3"], "other").failure();
    assert!(ran.stderr.contains("--set changes"), "{ran}");
}

/// `ceasefire sweep` of Munich 2016 over two paths into `out`, plus `extra`.
fn sweep(dir: &Dir, out: &str, extra: &[&str]) {
    let mut args = vec!["--quiet"];
    args.extend_from_slice(extra);
    sweep_command(dir, "munich-2016", "1001", out, &args).success();
}

#[test]
fn sweep_shards_merged_equal_one_sweep_byte_for_byte() {
    let dir = Dir::new();
    sweep(&dir, "whole", &[]);
    for k in 1..=3 {
        sweep(&dir, &format!("s{k}"), &["--shard", &format!("{k}/3")]);
    }
    let ran = merge(&dir, &["s2", "s3", "s1"], "merged").success();
    assert!(ran.stdout.contains("6 points"), "{ran}");
    for f in ["sweep.csv", "points.csv"] {
        let whole = dir.read_bytes(Path::new("whole").join(f));
        assert!(!whole.is_empty());
        assert!(
            whole == dir.read_bytes(Path::new("merged").join(f)),
            "{f} differs"
        );
    }
}

#[test]
fn merge_refuses_to_mix_sweep_and_batch_shards_or_different_sweeps() {
    let dir = Dir::new();
    sweep(&dir, "s1", &["--shard", "1/2"]);
    sweep(&dir, "s2", &["--shard", "2/2"]);
    sweep(
        &dir,
        "d2",
        &["--shard", "2/2", "--design", "lhs", "--points", "4"],
    );
    run_batch(
        &dir,
        &reference_scenario("munich-2016"),
        "r2",
        1001,
        &["--shard", "2/2", "--seed", "3"],
    );
    assert_refused(&dir, &["s1", "r2"], &["different batches", "sweep grid"]);
    assert_refused(&dir, &["s1", "d2"], &["different batches", "lhs:4"]);
}

#[test]
fn shards_refuse_what_only_a_whole_batch_can_do() {
    // A shard has no estimates to draw or to judge the precision of.
    let path = reference_scenario("munich-2016");
    let p = path.to_str().unwrap();
    for extra in [
        ["--plots", "--runs", "10"],
        ["--precision", "0.01", "--quiet"],
    ] {
        let dir = Dir::new();
        let mut args = vec!["run", p, "--shard", "1/2", "--out", "o"];
        args.extend(extra);
        let ran = dir.command(&args).failure();
        assert!(ran.stderr.contains("cannot be used with"), "{ran}");
        assert!(outputs_under(dir.path()).is_empty(), "output left\n{ran}");
    }
}

/// The directory of per-point checkpoints `sweep` keeps in its output
/// directory.
const SWEEP_CHECKPOINTS: &str = ".ceasefire-sweep-checkpoint";

/// Runs at each point of the killed sweep.
const KILLED_SWEEP_RUNS: &str = "2000";

/// `ceasefire sweep` of reference scenario `stem` over six points of two
/// paths with `runs` runs into `out`, seed 3, plus `extra`.
fn sweep_command(
    dir: &Dir,
    stem: &str,
    runs: &str,
    out: &str,
    extra: &[&str],
) -> util::TestCommand {
    let path = reference_scenario(stem);
    let mut args = vec![
        "sweep",
        path.to_str().unwrap(),
        "--vary",
        "monitoring.detection=0.5:0.9:3",
        "--vary",
        "party.government.rate=1:3:2",
        "--runs",
        runs,
        "--seed",
        "3",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    dir.command(args)
}

/// The sweep [`kill_sweep_after_first_point`] kills: Geneva 2016,
/// [`KILLED_SWEEP_RUNS`] runs at each point.
fn killed_sweep(dir: &Dir, out: &str, extra: &[&str]) -> util::TestCommand {
    sweep_command(dir, "geneva-2016", KILLED_SWEEP_RUNS, out, extra)
}

/// The point checkpoints in `out`, by name, with their bytes.
fn sweep_checkpoints(dir: &Dir, out: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = fs::read_dir(dir.join(out).join(SWEEP_CHECKPOINTS)) else {
        return Vec::new();
    };
    let mut found: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with("point-"))
        .map(|e| {
            let bytes = fs::read(e.path()).unwrap();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    found.sort();
    found
}

/// Runs the sweep of [`killed_sweep`] on one thread, kills it right after
/// its second point's checkpoint and returns the checkpoints it left.
fn kill_sweep_after_first_point(dir: &Dir, out: &str, extra: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut args = vec!["--threads", "1", "--abort-after-checkpoints", "2"];
    args.extend_from_slice(extra);
    crash(killed_sweep(dir, out, &args));
    let left = sweep_checkpoints(dir, out);
    assert!(
        !left.is_empty() && left.len() < 6,
        "{} of 6 points checkpointed",
        left.len()
    );
    left
}

/// Asserts that `files` in `a` and `b` are byte-identical and not empty.
fn assert_same_files(dir: &Dir, a: &str, b: &str, files: &[&str]) {
    for f in files {
        let x = dir.read_bytes(Path::new(a).join(f));
        assert!(!x.is_empty(), "{a}/{f} is empty");
        assert!(x == dir.read_bytes(Path::new(b).join(f)), "{f} differs");
    }
    assert!(
        !dir.join(b).join(SWEEP_CHECKPOINTS).exists(),
        "the checkpoints outlived the sweep in {b}"
    );
    assert!(
        outputs_under(&dir.join(b))
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".partial")),
        "temporary files left in {b}"
    );
}

#[test]
fn a_sweep_killed_mid_way_and_resumed_equals_one_never_stopped() {
    let dir = Dir::new();
    kill_sweep_after_first_point(&dir, "killed", &["--plots"]);
    assert!(
        !dir.join("killed/sweep.csv").exists(),
        "a killed sweep left final outputs"
    );
    let ran = killed_sweep(&dir, "killed", &["--plots", "--resume", "--threads", "2"]).success();
    assert!(
        ran.stderr.contains("resuming with") && ran.stderr.contains("of 6 points done"),
        "the sweep did not resume from its checkpoints\n{ran}"
    );
    killed_sweep(&dir, "whole", &["--plots"]).success();
    assert_same_files(
        &dir,
        "whole",
        "killed",
        &["sweep.csv", "points.csv", "sweep.svg"],
    );

    // A shard of a sweep too: its partial files are those of a shard that
    // never stopped, and merge as such.
    kill_sweep_after_first_point(&dir, "s1", &["--shard", "1/2"]);
    killed_sweep(&dir, "s1", &["--shard", "1/2", "--resume"]).success();
    killed_sweep(&dir, "w1", &["--shard", "1/2"]).success();
    assert_same_files(&dir, "w1", "s1", &["tallies.json", "scenario.toml"]);
    killed_sweep(&dir, "s2", &["--shard", "2/2"]).success();
    merge(&dir, &["s1", "s2"], "merged").success();
    assert_same_files(&dir, "whole", "merged", &["sweep.csv", "points.csv"]);
}

#[test]
fn resuming_a_sweep_refuses_another_sweeps_checkpoints_and_leaves_them() {
    let dir = Dir::new();
    let left = kill_sweep_after_first_point(&dir, "out", &[]);
    let path = reference_scenario("geneva-2016");
    let p = path.to_str().unwrap();
    for (args, said) in [
        (
            vec!["--vary", "monitoring.detection=0.6:0.9:3"],
            "monitoring.detection=0.6:0.9:3",
        ),
        (
            vec![
                "--vary",
                "monitoring.detection=0.5:0.9:3",
                "--vary",
                "party.government.rate=1:3:2",
                "--design",
                "lhs",
                "--points",
                "6",
            ],
            "lhs:6",
        ),
        (
            vec![
                "--vary",
                "monitoring.detection=0.5:0.9:3",
                "--vary",
                "party.government.rate=1:3:2",
                "--shard",
                "1/2",
            ],
            "shard none ≠ 1/2",
        ),
    ] {
        let mut all = vec!["sweep", p, "--runs", KILLED_SWEEP_RUNS, "--seed", "3"];
        all.extend(args);
        all.extend(["--out", "out", "--resume"]);
        let ran = dir.command(&all).failure();
        assert!(ran.stderr.contains("belongs to another batch"), "{ran}");
        assert!(ran.stderr.contains(SWEEP_CHECKPOINTS), "{ran}");
        assert!(ran.stderr.contains(said), "{said:?} not said\n{ran}");
        assert_eq!(
            sweep_checkpoints(&dir, "out"),
            left,
            "a refused resume touched the checkpoints"
        );
        assert!(!dir.join("out/sweep.csv").exists(), "{ran}");
    }
    // A damaged checkpoint is refused by name.
    let (name, bytes) = &left[0];
    let damaged = dir.join("out").join(SWEEP_CHECKPOINTS).join(name);
    fs::write(&damaged, b"{\"format\": 1, \"key\": 3}").unwrap();
    let ran = killed_sweep(&dir, "out", &["--resume"]).failure();
    assert!(ran.stderr.contains("not a readable checkpoint"), "{ran}");
    assert!(ran.stderr.contains(name.as_str()), "{ran}");
    fs::write(&damaged, bytes).unwrap();

    let mut args = vec!["sweep", p, "--runs", KILLED_SWEEP_RUNS, "--seed", "3"];
    args.extend([
        "--vary",
        "monitoring.detection=0.5:0.9:3",
        "--vary",
        "party.government.rate=1:3:2",
        "--out",
        "out",
        "--resume",
    ]);
    let ran = dir.command(&args).success();
    let said = format!("resuming with {} of 6 points done", left.len());
    assert!(ran.stderr.contains(&said), "{said:?} not said\n{ran}");
    assert!(!dir.join("out").join(SWEEP_CHECKPOINTS).exists());
    let ran = killed_sweep(&dir, "fresh", &["--resume"]).success();
    assert!(
        ran.stdout.contains("wrote fresh"),
        "a resume without checkpoints did not start afresh\n{ran}"
    );
}
