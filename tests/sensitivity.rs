//! Sensitivity studies, scenario discovery and sweeps of a design file, end
//! to end through the binary (issue 12).

use crate::util;

use util::{Csv, Dir, discover_collapse, outputs_under, reference_scenario};

fn geneva() -> String {
    reference_scenario("geneva-2016").display().to_string()
}

#[test]
fn a_design_file_runs_in_file_order_as_the_same_points_of_a_grid() {
    let dir = Dir::new();
    let g = geneva();
    // The points of a 2 × 2 grid, in another order, with a `point` column
    // that is ignored.
    dir.write(
        "d.csv",
        "point,compliance.tolerance,monitoring.detection\n7,2,0.9\n3,0,0.5\n5,0,0.9\n1,2,0.5\n",
    );
    let common = ["--runs", "500", "-q"];
    let mut file = vec!["sweep", g.as_str(), "--design", "d.csv", "--out", "f"];
    file.extend(common);
    dir.command(file).success();
    let mut grid = vec![
        "sweep",
        g.as_str(),
        "--vary",
        "monitoring.detection=0.5:0.9:2",
        "--vary",
        "compliance.tolerance=0:2:2",
        "--out",
        "g",
    ];
    grid.extend(common);
    dir.command(grid).success();
    let f = Csv::parse(&dir.read("f/sweep.csv"));
    let g = Csv::parse(&dir.read("g/sweep.csv"));
    assert_eq!(
        f.header[..3],
        ["point", "compliance.tolerance", "monitoring.detection"]
    );
    assert_eq!(f.rows.len(), g.rows.len());
    // File point k is grid point order[k]; both run on the same seeds.
    let order = [3, 0, 2, 1];
    let per_point = f.rows.len() / 4;
    for (k, &gk) in order.iter().enumerate() {
        for r in 0..per_point {
            let (a, b) = (&f.rows[k * per_point + r], &g.rows[gk * per_point + r]);
            assert_eq!(a[0], k.to_string());
            assert_eq!((&a[1], &a[2]), (&b[2], &b[1]), "point {k}");
            assert_eq!(
                a[3..],
                b[3..],
                "point {k}: the same estimates as grid point {gk}"
            );
        }
    }
}

#[test]
fn bad_design_files_are_refused_and_nothing_is_written() {
    let dir = Dir::new();
    let g = geneva();
    for (text, expect) in [
        ("monitoring.detection,party.nobody.rate\n0.5,1\n", "nobody"),
        (
            "monitoring.detection,compliance.tolerance\n0.5,1\n0.6,\n",
            "line 3: the value of compliance.tolerance is missing",
        ),
        ("monitoring.detection\n0.5\nhigh\n", "'high'"),
        ("monitoring.detection\n1.5\n", "monitoring.detection=1.5"),
    ] {
        dir.write("bad.csv", text);
        let ran = dir
            .command([
                "sweep",
                g.as_str(),
                "--design",
                "bad.csv",
                "--runs",
                "10",
                "--out",
                "out",
            ])
            .failure();
        assert!(
            ran.stderr.contains(expect),
            "{text:?}: expected {expect:?}\n{ran}"
        );
        assert!(ran.stderr.contains("bad.csv"), "{ran}");
        assert!(outputs_under(&dir.join("out")).is_empty(), "{ran}");
    }
    dir.write("ok.csv", "monitoring.detection\n0.5\n");
    let ran = dir
        .command([
            "sweep",
            g.as_str(),
            "--design",
            "ok.csv",
            "--vary",
            "monitoring.detection=0:1:2",
        ])
        .failure();
    assert!(ran.stderr.contains("--vary is not used"), "{ran}");
    let ran = dir.command(["sweep", g.as_str(), "--runs", "10"]).failure();
    assert!(ran.stderr.contains("--vary is required"), "{ran}");
}

/// The arguments of a small Sobol' study of the Geneva scenario in which
/// ISIS's rate multiplier is 0 in every phase: ISIS then never attacks, so
/// its rate is a parameter the outcomes ignore.
fn small_study(g: &str, out: &str) -> Vec<String> {
    [
        "sensitivity",
        g,
        "--set",
        "phase.truce.rate_multiplier.isis=0",
        "--set",
        "phase.joint_targeting.rate_multiplier.isis=0",
        "--set",
        "phase.collapse.rate_multiplier.isis=0",
        "--vary",
        "monitoring.detection=0.3:0.95",
        "--vary",
        "party.isis.rate=0.5:3",
        "--samples",
        "16",
        "--runs",
        "100",
        "--resamples",
        "200",
        "--outcome",
        "entered:collapse",
        "--out",
        out,
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn a_sobol_study_writes_its_files_and_an_ignored_parameter_gets_no_index() {
    let dir = Dir::new();
    let g = geneva();
    let ran = dir.command(small_study(&g, "s")).success();
    assert!(
        ran.stdout
            .contains("saltelli:16 study of 2 parameters, 64 points × 100 runs"),
        "{ran}"
    );
    for f in [
        "indices.csv",
        "design.csv",
        "outputs.csv",
        "sweep.csv",
        "points.csv",
        "manifest.json",
        "indices-entered-collapse.svg",
    ] {
        assert!(dir.join(format!("s/{f}")).exists(), "{f}\n{ran}");
    }
    let design = Csv::parse(&dir.read("s/design.csv"));
    assert_eq!(
        design.header,
        ["point", "monitoring.detection", "party.isis.rate"]
    );
    assert_eq!(design.rows.len(), 16 * 4);
    let outputs = Csv::parse(&dir.read("s/outputs.csv"));
    assert_eq!(outputs.header, ["point", "outcome", "subject", "estimate"]);
    assert_eq!(outputs.rows.len(), 64);
    let idx = Csv::parse(&dir.read("s/indices.csv"));
    assert_eq!(
        idx.header,
        [
            "method",
            "outcome",
            "subject",
            "parameter",
            "index",
            "estimate",
            "ci_low",
            "ci_high"
        ]
    );
    let find = |param: &str, index: &str| -> Vec<f64> {
        let r = idx
            .rows
            .iter()
            .find(|r| r[3] == param && r[4] == index)
            .unwrap_or_else(|| panic!("{param} {index}"));
        r[5..8].iter().map(|x| x.parse().unwrap()).collect()
    };
    // Common random numbers: changing only the convoy rate changes no run's
    // collapse, so its total index is exactly 0 with an interval of [0, 0].
    assert_eq!(find("party.isis.rate", "ST"), vec![0.0, 0.0, 0.0]);
    let st = find("monitoring.detection", "ST");
    assert!(
        st[0] > 0.5 && st[1] > 0.0,
        "detection drives collapse: {st:?}"
    );
    let manifest = dir.read("s/manifest.json");
    assert!(manifest.contains("\"saltelli:16\""), "{manifest}");
    assert!(manifest.contains("indices.csv"), "{manifest}");
}

#[test]
fn shards_merged_and_analysed_give_the_bytes_of_one_study() {
    let dir = Dir::new();
    let g = geneva();
    dir.command(small_study(&g, "one")).success();
    for (k, out) in [("1/2", "part1"), ("2/2", "part2")] {
        let mut args = small_study(&g, out);
        args.extend(["--shard", k].map(String::from));
        dir.command(args).success();
    }
    dir.command(["merge", "part1", "part2", "--out", "merged"])
        .success();
    let mut args = small_study(&g, "merged");
    args.push("--analyze".into());
    dir.command(args).success();
    // Another seed than the shards' is refused.
    let mut args = small_study(&g, "merged");
    args.extend(["--analyze", "--seed", "7"].map(String::from));
    let ran = dir.command(args).failure();
    assert!(ran.stderr.contains("seed 20160912), not from"), "{ran}");
    for f in [
        "indices.csv",
        "design.csv",
        "outputs.csv",
        "sweep.csv",
        "indices-entered-collapse.svg",
    ] {
        assert_eq!(
            dir.read_bytes(format!("one/{f}")),
            dir.read_bytes(format!("merged/{f}")),
            "{f}"
        );
    }
}

#[test]
fn bad_study_inputs_are_refused_and_nothing_is_written() {
    let dir = Dir::new();
    let g = geneva();
    for (change, expect) in [
        (("--vary", "monitoring.detection=0.5:0.5"), "LO < HI"),
        (
            ("--outcome", "entered:nowhere"),
            "'entered:nowhere' does not exist",
        ),
        (("--levels", "3"), "3 levels is not allowed"),
    ] {
        let mut args = small_study(&g, "bad");
        args.extend([change.0, change.1].map(String::from));
        if change.0 == "--levels" {
            args.extend(["--method", "morris"].map(String::from));
        }
        let ran = dir.command(args).failure();
        assert!(
            ran.stderr.contains(expect),
            "{change:?}: expected {expect:?}\n{ran}"
        );
        assert!(outputs_under(&dir.join("bad")).is_empty(), "{ran}");
    }
    // N not a power of two: a warning, and N rounded up.
    let mut args = small_study(&g, "round");
    let at = args.iter().position(|a| a == "16").unwrap();
    args[at] = "12".into();
    let ran = dir.command(args).success();
    assert!(
        ran.stderr
            .contains("--samples 12 is not a power of two: using 16"),
        "{ran}"
    );
    // Two runs a point: the estimates are mostly Monte Carlo noise.
    let mut args = small_study(&g, "noisy");
    let at = args.iter().position(|a| a == "100").unwrap();
    args[at] = "2".into();
    let ran = dir.command(args).success();
    assert!(
        ran.stderr
            .contains("warning: entered:collapse: Monte Carlo noise is"),
        "{ran}"
    );
    assert!(ran.stderr.contains("use more --runs"), "{ran}");
}

#[test]
fn discover_describes_the_region_of_collapse() {
    let dir = Dir::new();
    let g = geneva();
    dir.command(small_study(&g, "s")).success();
    let ran = dir.command(discover_collapse("s", "d")).success();
    assert!(
        ran.stdout
            .contains("entered collapse above 50% when monitoring.detection"),
        "{ran}"
    );
    let prim = Csv::parse(&dir.read("d/prim.csv"));
    assert_eq!(
        prim.header[..7],
        [
            "box",
            "coverage",
            "density",
            "mass",
            "points",
            "of_interest",
            "restricted"
        ]
    );
    assert_eq!(prim.rows[0][3], "1", "the first box holds every point");
    assert!(dir.join("d/tradeoff.svg").exists() && dir.join("d/manifest.json").exists());
    let ran = dir
        .command([
            "discover",
            "s",
            "--outcome",
            "entered:nowhere",
            "--above",
            "0.5",
            "--out",
            "e",
        ])
        .failure();
    assert!(ran.stderr.contains("does not exist"), "{ran}");
    assert!(outputs_under(&dir.join("e")).is_empty(), "{ran}");
    let ran = dir
        .command(["discover", "s", "--outcome", "entered:collapse"])
        .failure();
    assert!(ran.stderr.contains("--above"), "{ran}");
}
