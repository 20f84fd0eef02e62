//! How results reach the disk, through the real binary: one writer per
//! output directory, a new set of files published all at once with the
//! SHA-256 of each in the manifest, `verify`, stale files, directories
//! ceasefire did not write, a file size limit, and manifests that a
//! regeneration leaves unchanged.

use crate::util;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use util::{BIN, CSV_FILES, Dir, reference_scenario, repo_file, run_batch};

/// The Geneva scenario's path, as an argument.
fn geneva() -> String {
    reference_scenario("geneva-2016")
        .to_str()
        .expect("utf-8 path")
        .to_string()
}

/// Names in `dir`, sorted (hidden ones included).
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

/// The manifest of `dir` as JSON.
fn manifest(dir: &Dir, out: &str) -> serde_json::Value {
    serde_json::from_str(&dir.read(Path::new(out).join("manifest.json"))).expect("manifest JSON")
}

#[test]
fn a_second_writer_is_refused_naming_the_process_that_holds_the_directory() {
    let dir = Dir::new();
    // A batch long enough to still be running while the others try.
    let mut first = Command::new(BIN)
        .args(["run", &geneva(), "--runs", "50000000", "--threads", "1"])
        .args(["--quiet", "--out", "d"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the first batch");
    let pid = first.id();
    let lock = dir.join("d/.ceasefire-lock");
    // Wait (without a bound on time: a slow machine is not a failure) until
    // the first batch holds the directory and has written its process id.
    while fs::read_to_string(&lock).map_or(true, |t| t.trim() != pid.to_string()) {
        assert!(first.try_wait().unwrap().is_none(), "the first batch ended");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let said = format!("d is being written by process {pid}");
    let (g, markov) = (
        geneva(),
        repo_file("scenarios/markov/geneva-2016-no-retaliation.toml"),
    );
    let vary = "monitoring.detection=0.5:0.9:2";
    let set = "monitoring.detection=0.9";
    let others: [Vec<&str>; 5] = [
        vec!["run", &g, "--runs", "100", "--seed", "2"],
        vec!["run", &g, "--runs", "100", "--resume"],
        vec!["sweep", &g, "--vary", vary, "--runs", "100"],
        vec!["compare", &g, "--set", set, "--runs", "100"],
        vec!["exact", markov.to_str().unwrap()],
    ];
    for mut args in others {
        args.extend(["--out", "d"]);
        let ran = dir.command(&args).failure();
        assert!(ran.stderr.contains(&said), "expected {said:?}\n{ran}");
    }
    first.kill().expect("stop the first batch");
    first.wait().unwrap();
    // Nothing was published by anyone: no manifest, no results.
    let left = names(&dir.join("d"));
    assert!(
        !left.iter().any(|n| n == "manifest.json" || n == "runs.csv"),
        "{left:?}"
    );
}

#[test]
fn verify_names_the_files_that_differ_are_missing_or_are_not_listed() {
    let dir = Dir::new();
    run_batch(
        &dir,
        &reference_scenario("geneva-2016"),
        "d",
        300,
        &["--plots"],
    );
    let ok = dir.command(["verify", "d"]).success();
    assert!(
        ok.stdout.contains("d: ok (8 files match manifest.json)"),
        "{ok}"
    );
    // The manifest lists every file with the SHA-256 of its bytes.
    let m = manifest(&dir, "d");
    for file in m["files"].as_array().unwrap() {
        let file = file.as_str().unwrap();
        if file != "manifest.json" {
            let path = dir.join("d").join(file);
            assert_eq!(m["sha256"][file], util::sha256_hex(&path), "{file}");
        }
    }
    let mut summary = dir.read("d/summary.csv");
    summary.push_str("edited,1\n");
    dir.write("d/summary.csv", &summary);
    fs::remove_file(dir.join("d/violence.svg")).unwrap();
    dir.write("d/notes.txt", "mine\n");
    let ran = dir.command(["verify", "d"]).failure();
    for said in [
        "d: differs: summary.csv (manifest sha256 ",
        "d: missing: violence.svg",
        "d: unlisted: notes.txt",
    ] {
        assert!(ran.stdout.contains(said), "expected {said:?}\n{ran}");
    }
    assert!(!ran.stdout.contains("runs.csv"), "{ran}");
    // Not a results directory: said in words.
    let ran = dir.command(["verify", "d/runs.csv"]).failure();
    assert!(
        ran.stderr.contains("d/runs.csv is a file, not a directory"),
        "{ran}"
    );
}

#[test]
fn a_reused_directory_loses_the_files_ceasefire_wrote_before_and_only_those() {
    let dir = Dir::new();
    run_batch(
        &dir,
        &reference_scenario("geneva-2016"),
        "d",
        200,
        &["--plots"],
    );
    dir.write("d/notes.txt", "my notes\n");
    dir.write("d/.hidden", "mine too\n");
    // Another scenario, without charts: the old charts are stale.
    run_batch(&dir, &reference_scenario("munich-2016"), "d", 200, &[]);
    let mut expected: Vec<String> = CSV_FILES.iter().map(|s| s.to_string()).collect();
    expected.extend([".hidden", "manifest.json", "notes.txt"].map(String::from));
    expected.sort();
    assert_eq!(names(&dir.join("d")), expected);
    assert_eq!(dir.read("d/notes.txt"), "my notes\n");
    assert_eq!(dir.read("d/.hidden"), "mine too\n");
    assert_eq!(manifest(&dir, "d")["scenario"]["name"], "Munich 2016");
    // The same under the manifest-last protocol (forced, as on systems
    // without RENAME_EXCHANGE).
    let mut cmd = dir.command(["run", &geneva(), "--runs", "200", "--out", "d"]);
    cmd.cmd().env("CEASEFIRE_PUBLISH", "manifest-last");
    cmd.cmd().args(["--quiet", "--plots"]);
    cmd.success();
    let mut cmd = dir.command(["run", &geneva(), "--runs", "200", "--out", "d"]);
    cmd.cmd().env("CEASEFIRE_PUBLISH", "manifest-last");
    cmd.cmd().args(["--quiet", "--seed", "5"]);
    cmd.success();
    assert_eq!(names(&dir.join("d")), expected);
    let ran = dir.command(["verify", "d"]).failure();
    assert_eq!(ran.stdout.trim(), "d: unlisted: notes.txt", "{ran}");
}

#[test]
fn both_publish_protocols_write_the_same_bytes_and_leave_no_working_file() {
    let dir = Dir::new();
    for (out, protocol) in [("swap", "swap"), ("last", "manifest-last")] {
        let mut cmd = dir.command(["run", &geneva(), "--runs", "3000", "--out", out]);
        cmd.cmd().args(["--quiet", "--threads", "1"]);
        cmd.cmd().args(["--checkpoint-every", "1"]);
        cmd.cmd().env("CEASEFIRE_PUBLISH", protocol);
        cmd.success();
        let mut expected: Vec<String> = CSV_FILES.iter().map(|s| s.to_string()).collect();
        expected.push("manifest.json".into());
        expected.sort();
        // No checkpoint, partial file, lock or staging directory is left.
        assert_eq!(names(&dir.join(out)), expected, "{protocol}");
        dir.command(["verify", out]).success();
    }
    util::assert_same_csvs(&dir, "swap", "last");
    let staging: Vec<String> = names(dir.path())
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(staging.is_empty(), "{staging:?}");
}

#[test]
fn a_directory_in_the_way_leaves_the_old_set_whole_under_either_protocol() {
    for protocol in ["swap", "manifest-last"] {
        let dir = Dir::new();
        run_batch(&dir, &reference_scenario("geneva-2016"), "d", 200, &[]);
        let before: Vec<Vec<u8>> = ["runs.csv", "daily.csv", "manifest.json"]
            .iter()
            .map(|f| dir.read_bytes(Path::new("d").join(f)))
            .collect();
        fs::remove_file(dir.join("d/summary.csv")).unwrap();
        fs::create_dir(dir.join("d/summary.csv")).unwrap();
        dir.write("d/summary.csv/inside", "x\n");
        let mut cmd = dir.command(["run", &geneva(), "--runs", "200", "--out", "d"]);
        cmd.cmd().args(["--quiet", "--seed", "2"]);
        cmd.cmd().env("CEASEFIRE_PUBLISH", protocol);
        let ran = cmd.failure();
        assert!(
            ran.stderr
                .contains("cannot publish d/summary.csv: a directory is in the way"),
            "{protocol}\n{ran}"
        );
        // The old set is as it was (seed 1's CSVs beside seed 1's
        // manifest), and the directory in the way is untouched.
        let after: Vec<Vec<u8>> = ["runs.csv", "daily.csv", "manifest.json"]
            .iter()
            .map(|f| dir.read_bytes(Path::new("d").join(f)))
            .collect();
        assert!(before == after, "{protocol}: the old set changed");
        assert_eq!(dir.read("d/summary.csv/inside"), "x\n");
    }
}

#[test]
fn a_directory_ceasefire_did_not_write_is_refused_without_force() {
    let dir = Dir::new();
    fs::create_dir(dir.join("mine")).unwrap();
    dir.write("mine/notes.txt", "");
    let ran = dir
        .command(["run", &geneva(), "--runs", "100", "--out", "mine"])
        .failure();
    assert!(
        ran.stderr
            .contains("mine is not empty (1 entry: notes.txt) and holds no manifest.json"),
        "{ran}"
    );
    assert!(ran.stderr.contains("--force"), "{ran}");
    assert_eq!(names(&dir.join("mine")), ["notes.txt"]);
    run_batch(
        &dir,
        &reference_scenario("geneva-2016"),
        "mine",
        100,
        &["--force"],
    );
    assert!(names(&dir.join("mine")).contains(&"notes.txt".to_string()));
    assert!(dir.join("mine/summary.csv").is_file());
    // Once ceasefire has written it, it is ceasefire's: no --force needed.
    run_batch(&dir, &reference_scenario("geneva-2016"), "mine", 100, &[]);
}

#[test]
fn an_out_that_is_a_file_is_refused_in_words() {
    let dir = Dir::new();
    dir.write("afile", "precious\n");
    let ran = dir
        .command(["run", &geneva(), "--runs", "10", "--out", "afile"])
        .failure();
    assert!(
        ran.stderr
            .contains("afile is a file, not a directory: the output (--out) must be a directory"),
        "{ran}"
    );
    assert!(!ran.stderr.contains("os error"), "{ran}");
    let readers: [&[&str]; 4] = [
        &["plot", "afile"],
        &["verify", "afile"],
        &["merge", "afile", "--out", "m"],
        &[
            "discover",
            "afile",
            "--outcome",
            "entered:collapse",
            "--above",
            "0.5",
        ],
    ];
    for args in readers {
        let ran = dir.command(args).failure();
        assert!(
            ran.stderr.contains("afile is a file, not a directory"),
            "{ran}"
        );
        assert!(!ran.stderr.contains("os error"), "{ran}");
    }
    assert_eq!(dir.read("afile"), "precious\n");
}

#[test]
fn a_file_size_limit_names_the_file_and_keeps_the_checkpoint_for_resume() {
    let dir = Dir::new();
    // 40,000 rows of runs.csv are about 1.9 MB; the limit (512 kB or 1 MB,
    // as the shell counts blocks) is reached after the first checkpoint
    // (8,192 rows, about 0.4 MB).
    let script = format!(
        "ulimit -f 1000 && exec '{BIN}' run '{}' --runs 40000 --threads 1 --quiet --out d --checkpoint-every 8192",
        geneva()
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .current_dir(dir.path())
        .output()
        .expect("run sh");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // An orderly error (not death by SIGXFSZ) naming the file and the limit.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("d/.runs.csv.partial: File too large"),
        "{stderr}"
    );
    assert!(stderr.contains("ulimit -f"), "{stderr}");
    assert!(
        dir.join("d/.ceasefire-checkpoint.json").is_file(),
        "{stderr}"
    );
    // Without the limit, --resume continues from the checkpoint.
    let resumed = run_batch(
        &dir,
        &reference_scenario("geneva-2016"),
        "d",
        40000,
        &["--threads", "1", "--resume"],
    );
    assert!(resumed.stderr.is_empty(), "{resumed}");
    run_batch(
        &dir,
        &reference_scenario("geneva-2016"),
        "whole",
        40000,
        &[],
    );
    util::assert_same_csvs(&dir, "d", "whole");
}

#[test]
fn each_comparison_gets_its_own_default_directory() {
    let dir = Dir::new();
    for detection in ["0.8", "0.9"] {
        let set = format!("monitoring.detection={detection}");
        dir.command([
            "compare",
            &geneva(),
            "--set",
            &set,
            "--runs",
            "200",
            "--quiet",
        ])
        .success();
    }
    let variant = fs::read_to_string(reference_scenario("geneva-2016")).unwrap();
    dir.write("variant.toml", &variant);
    dir.command([
        "compare",
        &geneva(),
        "variant.toml",
        "--runs",
        "200",
        "--quiet",
    ])
    .success();
    assert_eq!(
        names(&dir.join("results")),
        [
            "geneva-2016-vs-geneva-2016-monitoring.detection=0.8",
            "geneva-2016-vs-geneva-2016-monitoring.detection=0.9",
            "geneva-2016-vs-variant",
        ]
    );
}

#[test]
fn the_main_job_writes_exactly_the_committed_results_so_a_rerun_leaves_them_unchanged() {
    let dir = Dir::new();
    // `cargo run --release` in the repository: no arguments.
    dir.command(std::iter::empty::<&str>()).success();
    let fresh = dir.join("results/geneva-2016");
    let committed = repo_file("results/geneva-2016");
    let mut files = names(&committed);
    files.retain(|n| n != "runs.csv");
    let mut written = names(&fresh);
    written.retain(|n| n != "runs.csv");
    assert_eq!(written, files);
    for file in &files {
        assert!(
            fs::read(fresh.join(file)).unwrap() == fs::read(committed.join(file)).unwrap(),
            "{file}: a rerun of the main job changes the committed file"
        );
    }
    // The manifest names the program, not the path it was started from.
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fresh.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["command_line"], serde_json::json!(["ceasefire"]));
}

#[test]
fn charts_drawn_by_plot_are_listed_so_they_go_stale_like_any_result() {
    let dir = Dir::new();
    run_batch(&dir, &reference_scenario("geneva-2016"), "d", 200, &[]);
    dir.command(["plot", "d"]).success();
    let ok = dir.command(["verify", "d"]).success();
    assert!(
        ok.stdout.contains("d: ok (8 files match manifest.json)"),
        "{ok}"
    );
    run_batch(&dir, &reference_scenario("munich-2016"), "d", 200, &[]);
    assert!(!dir.join("d/occupancy.svg").exists());
    dir.command(["verify", "d"]).success();
}

#[cfg(unix)]
#[test]
fn a_published_directory_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new();
    run_batch(&dir, &reference_scenario("geneva-2016"), "d", 100, &[]);
    fs::set_permissions(dir.join("d"), fs::Permissions::from_mode(0o750)).unwrap();
    run_batch(
        &dir,
        &reference_scenario("geneva-2016"),
        "d",
        100,
        &["--seed", "2"],
    );
    let mode = fs::metadata(dir.join("d")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o750);
}

/// Issue 31: `verify` run again and again while a writer republishes the
/// directory (alternating seeds, so that every publish changes every CSV)
/// never reads the manifest of one set with a file of the other: it opens
/// the directory once and reads every file relative to that handle.
#[test]
fn verify_during_republishes_always_sees_one_whole_set() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    const PUBLISHES: usize = 60;
    const VERIFIES: usize = 200;
    let dir = Dir::new();
    let scenario = geneva();
    let publish = |seed: usize| {
        let seed = (seed % 2 + 1).to_string();
        let args = [
            "run",
            &scenario,
            "--runs",
            "2000",
            "--seed",
            &seed,
            "--threads",
            "1",
            "-q",
            "--out",
            "out",
        ];
        dir.command(args).success();
    };
    publish(0);
    let verified = AtomicUsize::new(0);
    let published = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            // Until both loops have done their share (a failing reader
            // stops the writer too).
            let mut k = 1;
            while !failed.load(Ordering::Relaxed)
                && (k <= PUBLISHES || verified.load(Ordering::Relaxed) < VERIFIES)
            {
                publish(k);
                published.store(k, Ordering::Relaxed);
                k += 1;
            }
        });
        while verified.load(Ordering::Relaxed) < VERIFIES
            || published.load(Ordering::Relaxed) < PUBLISHES
        {
            let ran = dir.command(["verify", "out"]).output();
            if !ran.status.success() {
                failed.store(true, Ordering::Relaxed);
                panic!(
                    "verify {} (after {} publishes) failed\n{ran}",
                    verified.load(Ordering::Relaxed),
                    published.load(Ordering::Relaxed)
                );
            }
            verified.fetch_add(1, Ordering::Relaxed);
        }
    });
    assert!(verified.into_inner() >= VERIFIES && published.into_inner() >= PUBLISHES);
}
