"""The analyses: sensitivity equals the command line's files; SALib,
analysing evaluate's output, finds ceasefire's indices; the EMA Workbench
runs the model."""

import warnings

import numpy as np
import pandas as pd
import pandas.testing as pdt

import ceasefire

SEED = 5
VARY = {"monitoring.detection": (0.5, 0.95), "compliance.tolerance": (0.0, 3.0),
        "party.opposition.rate": (2.0, 8.0)}
OUTCOME = "entered:collapse"


def test_sensitivity_equals_the_files_of_ceasefire_sensitivity(cli, tmp_path):
    out = tmp_path / "cli"
    args = []
    for path, (lo, hi) in VARY.items():
        args += ["--vary", f"{path}={lo!r}:{hi!r}"]
    cli("sensitivity", *args, "--samples", 16, "--runs", 100, "--resamples", 50,
        "--outcome", OUTCOME, "--seed", SEED, "--out", out, "--quiet")
    study = ceasefire.sensitivity(ceasefire.builtin(), VARY, samples=16, runs=100,
                                  resamples=50, outcomes=[OUTCOME], seed=SEED)
    for name in ["indices", "design", "outputs"]:
        pdt.assert_frame_equal(getattr(study, name), pd.read_csv(out / f"{name}.csv"),
                               check_dtype=False)


def test_salib_on_evaluate_finds_ceasefire_indices():
    from SALib.analyze import sobol

    scenario = ceasefire.builtin()
    study = ceasefire.sensitivity(scenario, VARY, samples=64, runs=200, resamples=100,
                                  outcomes=[OUTCOME], seed=SEED)
    design = study.design.drop(columns="point")
    sweep = ceasefire.evaluate(scenario, design, runs=200, seed=SEED)
    metric, subject = OUTCOME.split(":")
    rows = sweep[(sweep.metric == metric) & (sweep.subject == subject)].sort_values("point")
    assert len(rows) == len(design)
    names = list(design.columns)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(VARY[n]) for n in names]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = sobol.analyze(problem, rows.estimate.to_numpy(float), calc_second_order=False,
                              num_resamples=100, seed=1)
    ours = study.indices
    for j, name in enumerate(names):
        for index in ["S1", "ST"]:
            mine = ours[(ours.parameter == name) & (ours["index"] == index)].estimate
            assert len(mine) == 1
            assert abs(float(mine.iloc[0]) - found[index][j]) < 1e-9, (name, index)


def test_the_ema_workbench_runs_the_model():
    import ceasefire.ema
    from ema_workbench import perform_experiments

    model = ceasefire.ema.model("geneva", ceasefire.builtin(),
                                {"monitoring.detection": (0.3, 0.9),
                                 "compliance.tolerance": (0, 3)},
                                [OUTCOME, "entered:joint_targeting"], runs=300, seed=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        experiments, outcomes = perform_experiments(model, scenarios=6)
    assert len(experiments) == 6
    # Each experiment equals evaluate at its point.
    design = experiments[["monitoring.detection", "compliance.tolerance"]]
    sweep = ceasefire.evaluate(ceasefire.builtin(), design, runs=300, seed=SEED)
    rows = sweep[(sweep.metric == "entered") & (sweep.subject == "collapse")]
    np.testing.assert_array_equal(outcomes[OUTCOME], rows.sort_values("point").estimate)


def counts_frame():
    days = pd.date_range("2016-07-01", "2016-10-31").strftime("%Y-%m-%d")
    rng = np.random.default_rng(11)
    return pd.DataFrame({
        "date": np.repeat(days, 2),
        "party": ["government", "opposition"] * len(days),
        "count": rng.poisson(4, 2 * len(days)),
    })


def test_fit_equals_the_files_of_ceasefire_fit(cli, tmp_path):
    counts = counts_frame()
    counts.to_csv(tmp_path / "counts.csv", index=False)
    out = tmp_path / "cli"
    cli("fit", tmp_path / "counts.csv", "--period", "before=2016-07-01..2016-09-11",
        "--period", "truce=2016-09-12..2016-10-31:truce", "--retaliation",
        "opposition->government", "--half-life", "shared", "--simulate", 20,
        "--seed", SEED, "--out", out, "--quiet")
    fitted = ceasefire.fit(counts, {"before": "2016-07-01..2016-09-11",
                                    "truce": "2016-09-12..2016-10-31:truce"},
                           retaliation="opposition->government", half_life="shared",
                           simulate=20, seed=SEED)
    pdt.assert_frame_equal(fitted.table, pd.read_csv(out / "fit.csv"), check_dtype=False)
    pdt.assert_frame_equal(fitted.diagnostics, pd.read_csv(out / "fit_diagnostics.csv"),
                           check_dtype=False)
    pdt.assert_frame_equal(fitted.predictive, pd.read_csv(out / "predictive.csv"),
                           check_dtype=False)
    assert fitted.toml == (out / "fit.toml").read_text().replace(f"{tmp_path}/", "")


def test_fit_refuses_a_bad_period():
    import pytest

    with pytest.raises(ValueError, match="periods"):
        ceasefire.fit(counts_frame(), ["all=2016-07-01"])
