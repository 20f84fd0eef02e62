"""Every DataFrame equals `pandas.read_csv` of the file the command line
writes for the same scenario, runs and seed."""

import pandas as pd
import pandas.testing as pdt
import pytest

import ceasefire

SEED = 31
RUNS = 3_000

# (scenario file or None for the built-in Geneva, --set changes)
CASES = [
    (None, {}),
    ("scenarios/munich-2016.toml", {}),
    ("scenarios/aid-access.toml", {}),
    (None, {"monitoring.detection": 0.8, "party.opposition.rate": 3}),
]


def scenario_of(root, path, changes):
    base = ceasefire.builtin() if path is None else ceasefire.load(root / path)
    return base.with_values(changes) if changes else base


def cli_args(path, changes):
    args = [] if path is None else [path]
    for k, v in changes.items():
        args += ["--set", f"{k}={v}"]
    return args


def same(frame, path):
    pdt.assert_frame_equal(frame, pd.read_csv(path), check_dtype=False)


@pytest.mark.parametrize("path,changes", CASES)
@pytest.mark.parametrize("threads", [1, 2])
def test_run_equals_the_files_of_ceasefire_run(cli, root, tmp_path, path, changes, threads):
    out = tmp_path / "cli"
    cli("run", *cli_args(path, changes), "--runs", RUNS, "--seed", SEED, "--keep-daily", 5,
        "--out", out, "--quiet")
    results = ceasefire.run(scenario_of(root, path, changes), runs=RUNS, seed=SEED,
                            threads=threads, keep_daily=5)
    for name in ["summary", "curves", "daily", "daily_metrics", "runs", "daily_runs"]:
        same(getattr(results, name), out / f"{name}.csv")
    assert results.manifest["seed"] == SEED
    assert results.manifest["runs"] == RUNS


def test_without_keep_daily_there_are_no_daily_runs(root):
    results = ceasefire.run(ceasefire.builtin(), runs=100, seed=SEED)
    assert results.daily_runs is None
    assert len(results.runs) == 100


def test_written_directory_equals_the_cli_and_verifies(cli, tmp_path):
    out = tmp_path / "cli"
    cli("run", "--runs", RUNS, "--seed", SEED, "--out", out, "--quiet")
    written = tmp_path / "python"
    files = ceasefire.run(ceasefire.builtin(), runs=RUNS, seed=SEED).write(written)
    assert "manifest.json" in files
    for name in files:
        if name != "manifest.json":
            assert (written / name).read_bytes() == (out / name).read_bytes(), name
    cli("verify", written)


def test_exact_equals_the_files_of_ceasefire_exact(cli, root, tmp_path):
    path = root / "scenarios/markov/geneva-2016-no-retaliation.toml"
    out = tmp_path / "cli"
    cli("exact", path, "--out", out)
    results = ceasefire.exact(ceasefire.load(path))
    for name in ["summary", "curves", "daily", "daily_metrics"]:
        same(getattr(results, name), out / f"{name}.csv")
    assert results.runs is None


def test_compare_equals_compare_csv(cli, root, tmp_path):
    out = tmp_path / "cli"
    cli("compare", "scenarios/munich-2016.toml", "--set", "monitoring.detection=0.9",
        "--runs", RUNS, "--seed", SEED, "--out", out, "--quiet")
    a = ceasefire.load(root / "scenarios/munich-2016.toml")
    b = a.with_values({"monitoring.detection": 0.9})
    same(ceasefire.compare(a, b, runs=RUNS, seed=SEED, threads=1), out / "compare.csv")


@pytest.mark.parametrize("run", [0, 17])
def test_trace_equals_the_trace_csv(cli, tmp_path, run):
    out = tmp_path / "trace.csv"
    cli("trace", "--run", run, "--seed", SEED, "--out", out)
    same(ceasefire.trace(ceasefire.builtin(), run=run, seed=SEED), out)


def test_evaluate_equals_sweep_with_a_design_file(cli, tmp_path):
    design = pd.DataFrame({
        "monitoring.detection": [0.3, 0.55, 0.9, 0.123456789012345],
        "party.opposition.rate": [2.0, 4.5, 8.0, 3.3],
    })
    design.to_csv(tmp_path / "design.csv", index=False)
    out = tmp_path / "cli"
    cli("sweep", "--design", tmp_path / "design.csv", "--runs", 500, "--seed", SEED,
        "--out", out, "--quiet")
    sweep = ceasefire.evaluate(ceasefire.builtin(), design, runs=500, seed=SEED, threads=2)
    same(sweep, out / "sweep.csv")


def test_progress_callback_sees_every_run():
    seen = []
    ceasefire.run(ceasefire.builtin(), runs=30_000, seed=SEED,
                  progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (30_000, 30_000)
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))


def test_entered_gives_the_share_entering_a_phase():
    results = ceasefire.run(ceasefire.builtin(), runs=2_000, seed=SEED)
    s = results.summary
    row = s[(s.metric == "entered") & (s.subject == "collapse")]
    assert results.entered("collapse") == float(row.estimate.iloc[0])
    with pytest.raises(KeyError, match="no phase 'nowhere'"):
        results.entered("nowhere")
