"""Deterministic Monte Carlo simulation of ceasefire agreements, in pandas.

``ceasefire`` runs agreements written as scenario files (a truce, a joint
phase, a collapse, driven by random attacks of several parties, retaliation
and noisy monitoring) and returns the tables the ``ceasefire`` command line
writes, as pandas DataFrames equal to ``pandas.read_csv`` of its files.

Every computation is a job of the Rust library; this package only converts.
The same scenario and seed give the same numbers whatever ``threads`` is.

Example:

>>> import ceasefire
>>> geneva = ceasefire.builtin("geneva-2016")
>>> results = ceasefire.run(geneva, runs=2_000, seed=7)
>>> list(results.summary.columns)[:3]
['metric', 'subject', 'estimate']
"""

from __future__ import annotations

import io
import json
from functools import cached_property
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

import pandas as pd

from . import _ceasefire
from ._ceasefire import Scenario, ScenarioError

__all__ = [
    "DEFAULT_SEED",
    "ExactResults",
    "Fit",
    "Results",
    "Scenario",
    "ScenarioError",
    "Sensitivity",
    "builtin",
    "compare",
    "evaluate",
    "exact",
    "fit",
    "load",
    "run",
    "sensitivity",
    "trace",
]

__version__ = _ceasefire.VERSION

#: The master seed the command line uses when none is given.
DEFAULT_SEED = 20160912

Progress = Union[bool, Callable[[int, int], Any], None]


def load(path: Any) -> Scenario:
    """Load and validate the scenario file at ``path``.

    Raises ``ScenarioError`` (a ``ValueError``) naming the file,
    line:column, key, bad value and what is allowed, or ``OSError`` if the
    file cannot be read.

    >>> import ceasefire, pathlib, tempfile
    >>> text = ceasefire.builtin("geneva-2016").to_toml()
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "geneva.toml"
    >>> _ = path.write_text(text)
    >>> ceasefire.load(path).name
    'Geneva 2016'
    """
    return Scenario.load(str(path))


def builtin(name: str = "geneva-2016") -> Scenario:
    """A built-in scenario: ``"geneva-2016"`` (the default) or ``"munich-2016"``.

    >>> import ceasefire
    >>> ceasefire.builtin("munich-2016").name
    'Munich 2016'
    """
    return Scenario.builtin(name)


def _progress(progress: Progress, desc: str) -> Any:
    """The callback given to the native job, and a function closing the bar."""
    if progress is None or progress is False:
        return None, lambda: None
    if callable(progress):
        return progress, lambda: None
    from tqdm.auto import tqdm

    bars: List[Any] = []

    def tell(done: int, total: int) -> None:
        # The bar starts once the job knows its total.
        if not bars:
            bars.append(tqdm(desc=desc, unit="run", total=total or None))
        bars[0].update(done - bars[0].n)

    return tell, lambda: [b.close() for b in bars]


def _long(progress: Progress, desc: str, work: Callable[[Any], Any]) -> Any:
    tell, close = _progress(progress, desc)
    try:
        return work(tell)
    finally:
        close()


def _frame(data: Optional[bytes]) -> Optional[pd.DataFrame]:
    if data is None:
        return None
    return pd.read_csv(io.BytesIO(data))


class Results:
    """The tables of a batch of runs, as DataFrames equal to
    ``pandas.read_csv`` of the files ``ceasefire run`` writes.

    Attributes (each a ``pandas.DataFrame``): ``summary``, ``curves``,
    ``daily``, ``daily_metrics``, ``runs`` and, with ``keep_daily``,
    ``daily_runs`` (else ``None``). ``manifest`` is the provenance as a
    dict; ``warnings`` the scenario's and the batch's warnings.
    ``docs/output.md`` documents every column.
    """

    def __init__(self, native: Any) -> None:
        self._native = native

    def _table(self, name: str) -> Optional[pd.DataFrame]:
        return _frame(self._native.table(name))

    @cached_property
    def summary(self) -> pd.DataFrame:
        """Every metric with its interval (summary.csv)."""
        return self._table("summary.csv")

    @cached_property
    def curves(self) -> pd.DataFrame:
        """Time to first entry of each phase (curves.csv)."""
        return self._table("curves.csv")

    @cached_property
    def daily(self) -> pd.DataFrame:
        """Share of runs in each phase, day by day (daily.csv)."""
        return self._table("daily.csv")

    @cached_property
    def daily_metrics(self) -> pd.DataFrame:
        """Day-by-day means of attacks, reports, compliance and convoys
        (daily_metrics.csv)."""
        return self._table("daily_metrics.csv")

    @cached_property
    def runs(self) -> Optional[pd.DataFrame]:
        """One row per run (runs.csv)."""
        return self._table("runs.csv")

    @cached_property
    def daily_runs(self) -> Optional[pd.DataFrame]:
        """Day-by-day records of the first ``keep_daily`` runs
        (daily_runs.csv), or ``None``."""
        return self._table("daily_runs.csv")

    @cached_property
    def manifest(self) -> Dict[str, Any]:
        """Provenance: scenario, its hash and changes, seed, runs, versions,
        warnings (the files and their digests come with ``write``)."""
        return json.loads(self._native.manifest())

    @property
    def warnings(self) -> List[str]:
        """The scenario's and the job's warnings."""
        return list(self._native.warnings)

    def entered(self, phase: str) -> float:
        """The share of runs that entered ``phase`` (by id or name).

        >>> import ceasefire
        >>> r = ceasefire.run(ceasefire.builtin(), runs=1_000, seed=1)
        >>> 0.0 <= r.entered("collapse") <= 1.0
        True
        """
        s = self.summary
        rows = s[(s["metric"] == "entered") & (s["subject"] == phase)]
        if rows.empty:
            phases = sorted(set(s.loc[s["metric"] == "entered", "subject"]))
            raise KeyError(f"no phase '{phase}' (allowed: {', '.join(phases)})")
        return float(rows["estimate"].iloc[0])

    def write(self, directory: Any, plots: bool = False, force: bool = False) -> List[str]:
        """Write the results directory exactly as ``ceasefire run`` writes it
        (``ceasefire verify`` passes on it); return the files written."""
        return list(self._native.write(str(directory), plots, force))

    def __repr__(self) -> str:
        return f"<ceasefire.Results of {self._native.runs} runs>"


class ExactResults(Results):
    """Exact answers in the shape of ``Results`` (no ``runs``), equal to the
    files ``ceasefire exact`` writes."""

    @cached_property
    def runs(self) -> Optional[pd.DataFrame]:
        """Exact answers have no runs: ``None``."""
        return None

    @cached_property
    def daily_runs(self) -> Optional[pd.DataFrame]:
        """Exact answers have no runs: ``None``."""
        return None

    def write(self, directory: Any, plots: bool = False, force: bool = False) -> List[str]:
        """Not available: use the command line ``ceasefire exact``."""
        raise NotImplementedError("write the exact answers with `ceasefire exact`")

    def __repr__(self) -> str:
        return "<ceasefire.ExactResults>"


def run(
    scenario: Scenario,
    runs: int = 100_000,
    seed: int = DEFAULT_SEED,
    threads: Optional[int] = None,
    progress: Progress = False,
    keep_daily: int = 0,
) -> Results:
    """Run ``runs`` runs of ``scenario`` under master seed ``seed``.

    The tables equal those ``ceasefire run --runs RUNS --seed SEED`` writes,
    whatever ``threads`` is (``None``: every core). The GIL is released
    while the runs go on; Ctrl-C stops them and raises ``KeyboardInterrupt``.
    ``progress=True`` shows a tqdm bar; a callable is called with
    ``(done, total)``.

    >>> import ceasefire
    >>> r = ceasefire.run(ceasefire.builtin(), runs=2_000, seed=7)
    >>> len(r.runs)
    2000
    """
    native = _long(
        progress,
        "runs",
        lambda tell: _ceasefire.run(scenario, runs, seed, threads, keep_daily, tell),
    )
    return Results(native)


def exact(
    scenario: Scenario,
    max_loss: Optional[float] = None,
    max_states: Optional[int] = None,
) -> ExactResults:
    """Exact answers for a scenario without retaliation, as ``ceasefire exact``
    computes them, in the shape of ``run``'s results.

    >>> import ceasefire
    >>> s = ceasefire.load("scenarios/markov/geneva-2016-no-retaliation.toml")  # doctest: +SKIP
    >>> e = ceasefire.exact(s)  # doctest: +SKIP
    >>> list(e.curves.columns)[:2]  # doctest: +SKIP
    ['phase', 'day']
    """
    return ExactResults(_ceasefire.exact(scenario, max_loss, max_states))


def compare(
    a: Scenario,
    b: Scenario,
    runs: int = 20_000,
    seed: int = DEFAULT_SEED,
    threads: Optional[int] = None,
    progress: Progress = False,
) -> pd.DataFrame:
    """Paired comparison of ``a`` and ``b`` run by run on the same run seeds:
    a DataFrame equal to the compare.csv ``ceasefire compare`` writes.

    >>> import ceasefire
    >>> g = ceasefire.builtin()
    >>> d = ceasefire.compare(g, g.with_values({"monitoring.detection": 0.9}), runs=1_000)
    >>> "difference" in d.columns
    True
    """
    data = _long(
        progress,
        "runs",
        lambda tell: _ceasefire.compare(a, b, runs, seed, threads, tell),
    )
    return _frame(bytes(data))


def trace(scenario: Scenario, run: int = 0, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The day-by-day record of run ``run`` of the batch under ``seed``: a
    DataFrame equal to the CSV ``ceasefire trace`` writes.

    >>> import ceasefire
    >>> t = ceasefire.trace(ceasefire.builtin(), run=3)
    >>> int(t["day"].iloc[0])
    0
    """
    return _frame(bytes(_ceasefire.trace(scenario, run, seed)))


def evaluate(
    scenario: Scenario,
    design: Union[pd.DataFrame, Mapping[str, Any]],
    runs: int = 20_000,
    seed: int = DEFAULT_SEED,
    threads: Optional[int] = None,
    progress: Progress = False,
) -> pd.DataFrame:
    """Evaluate ``scenario`` at every row of ``design``, whose columns are
    scenario paths (``monitoring.detection``) and whose rows are points.

    Returns a DataFrame equal to the sweep.csv that ``ceasefire sweep
    --design FILE.csv`` writes for the same design saved as CSV: every point
    on the same run seeds (common random numbers), in row order. This is the
    model evaluation SALib and the EMA Workbench drive.

    >>> import ceasefire, pandas as pd
    >>> design = pd.DataFrame({"monitoring.detection": [0.3, 0.9]})
    >>> sweep = ceasefire.evaluate(ceasefire.builtin(), design, runs=1_000)
    >>> sorted(set(sweep["point"]))
    [0, 1]
    """
    frame = design if isinstance(design, pd.DataFrame) else pd.DataFrame(design)
    csv = frame.to_csv(index=False, float_format=None)
    data = _long(
        progress,
        "runs",
        lambda tell: _ceasefire.evaluate(scenario, csv, runs, seed, threads, tell),
    )
    return _frame(bytes(data))


class Sensitivity:
    """A sensitivity study: ``indices`` (indices.csv), ``design``
    (design.csv) and ``outputs`` (outputs.csv) as DataFrames equal to the
    files ``ceasefire sensitivity`` writes, and its ``warnings``."""

    def __init__(self, indices: pd.DataFrame, design: pd.DataFrame, outputs: pd.DataFrame,
                 warnings: List[str]) -> None:
        self.indices = indices
        self.design = design
        self.outputs = outputs
        self.warnings = warnings

    def __repr__(self) -> str:
        return f"<ceasefire.Sensitivity of {len(self.design)} points>"


def sensitivity(
    scenario: Scenario,
    vary: Mapping[str, Any],
    method: str = "sobol",
    samples: int = 256,
    second_order: bool = False,
    levels: int = 4,
    runs: int = 2_000,
    seed: int = DEFAULT_SEED,
    outcomes: Optional[List[str]] = None,
    resamples: int = 1_000,
    threads: Optional[int] = None,
    progress: Progress = False,
) -> Sensitivity:
    """Global sensitivity of the scenario's outcomes to uncertain parameters,
    as ``ceasefire sensitivity`` computes it: Sobol' indices on Saltelli's
    design (``method="sobol"``, ``samples`` base samples) or Morris
    elementary effects (``method="morris"``, ``samples`` trajectories on
    ``levels`` levels), with bootstrap intervals.

    ``vary`` maps scenario paths to ``(low, high)`` ranges; ``outcomes`` are
    ``METRIC:SUBJECT`` names (default: the command line's).

    >>> import ceasefire
    >>> s = ceasefire.sensitivity(ceasefire.builtin(),
    ...     {"monitoring.detection": (0.5, 0.95), "compliance.tolerance": (0, 3)},
    ...     samples=16, runs=100, resamples=50, outcomes=["entered:collapse"])
    >>> sorted(set(s.indices["index"]))
    ['S1', 'ST']
    """
    import tempfile

    specs = []
    for path, bounds in vary.items():
        lo, hi = bounds
        specs.append(f"{path}={float(lo)!r}:{float(hi)!r}")
    with tempfile.TemporaryDirectory(prefix="ceasefire-") as scratch:
        out = f"{scratch}/study"
        warnings = _long(
            progress,
            "runs",
            lambda tell: _ceasefire.sensitivity(
                scenario, specs, out, method, samples, second_order, levels, runs, seed,
                outcomes, resamples, threads, tell),
        )

        def read(name: str) -> pd.DataFrame:
            return pd.read_csv(f"{out}/{name}")

        return Sensitivity(read("indices.csv"), read("design.csv"), read("outputs.csv"),
                           list(warnings))


class Fit:
    """A fit: ``table`` (fit.csv) and ``diagnostics`` (fit_diagnostics.csv)
    as DataFrames equal to the files ``ceasefire fit`` writes, ``toml`` the
    fitted scenario fragment (fit.toml), and with ``simulate`` the
    ``predictive`` check (predictive.csv, else ``None``)."""

    def __init__(self, table: pd.DataFrame, diagnostics: pd.DataFrame, toml: str,
                 predictive: Optional[pd.DataFrame]) -> None:
        self.table = table
        self.diagnostics = diagnostics
        self.toml = toml
        self.predictive = predictive

    def __repr__(self) -> str:
        return f"<ceasefire.Fit of {len(self.table)} estimates>"


def fit(
    counts: Any,
    periods: Union[Mapping[str, str], List[str]],
    reference: Optional[str] = None,
    retaliation: str = "all",
    half_life: str = "free",
    burn_in: int = 0,
    bootstrap: int = 0,
    simulate: int = 0,
    seed: int = DEFAULT_SEED,
    progress: Progress = False,
) -> Fit:
    """Fit baseline rates, retaliation, half-lives and period multipliers by
    maximum likelihood, as ``ceasefire fit`` does.

    ``counts`` is a counts file's path or a DataFrame with its columns
    (``date,party,count[,severity]``), which the fragment then names
    ``counts.csv`` (with its sha256). ``periods`` are ``NAME=START..END[:PHASE]``
    strings, or a mapping of names to ``START..END[:PHASE]``. The other
    arguments are those of the command (``retaliation``: ``all``, ``none``
    or ``P->Q,...``; ``half_life``: ``free``, ``shared`` or days).

    >>> import ceasefire, pandas as pd, numpy as np
    >>> days = pd.date_range("2016-07-01", "2016-10-31").strftime("%Y-%m-%d")
    >>> counts = pd.DataFrame({"date": np.repeat(days, 2),
    ...     "party": ["government", "opposition"] * len(days),
    ...     "count": np.random.default_rng(1).poisson(4, 2 * len(days))})
    >>> f = ceasefire.fit(counts, {"all": "2016-07-01..2016-10-31"}, retaliation="none")
    >>> "rate" in f.toml
    True
    """
    import pathlib
    import tempfile

    if isinstance(periods, Mapping):
        periods = [f"{name}={span}" for name, span in periods.items()]
    with tempfile.TemporaryDirectory(prefix="ceasefire-") as scratch:
        path = counts
        if isinstance(counts, pd.DataFrame):
            path = f"{scratch}/counts.csv"
            counts.to_csv(path, index=False)
        out = pathlib.Path(scratch) / "fit"
        _long(
            progress,
            "replicates",
            lambda tell: _ceasefire.fit(
                str(path), str(out), list(periods), reference, retaliation, str(half_life),
                burn_in, bootstrap, simulate, seed, tell),
        )
        predictive = out / "predictive.csv"
        toml = (out / "fit.toml").read_text()
        if isinstance(counts, pd.DataFrame):
            # The fragment names the counts it was fitted from (with their
            # sha256): a DataFrame is named counts.csv, not by scratch space.
            toml = toml.replace(f"{scratch}/", "")
        return Fit(
            pd.read_csv(out / "fit.csv"),
            pd.read_csv(out / "fit_diagnostics.csv"),
            toml,
            pd.read_csv(predictive) if predictive.exists() else None,
        )
