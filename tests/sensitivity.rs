//! Sensitivity studies, scenario discovery and sweeps of a design file, end
//! to end through the binary (issue 12).

mod util;

use util::{Csv, Dir, outputs_under, reference_scenario};

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
