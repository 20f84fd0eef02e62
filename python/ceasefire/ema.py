"""A ``ceasefire`` scenario as an EMA Workbench model.

``model(...)`` returns an ``ema_workbench.Model`` whose uncertainties are
scenario paths with ranges and whose outcomes are ``METRIC:SUBJECT`` names
of summary.csv (``"entered:collapse"``). Every experiment is one point of
``ceasefire.evaluate``: the same runs on the same run seeds, so experiments
differ by their parameters alone (common random numbers). Needs the EMA
Workbench: ``pip install './python[ema]'``.

>>> import ceasefire, ceasefire.ema  # doctest: +SKIP
>>> from ema_workbench import perform_experiments  # doctest: +SKIP
>>> m = ceasefire.ema.model("geneva", ceasefire.builtin(),
...     {"monitoring.detection": (0.3, 0.9)}, ["entered:collapse"], runs=500)  # doctest: +SKIP
>>> experiments, outcomes = perform_experiments(m, scenarios=8)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence, Union

import pandas as pd

from . import DEFAULT_SEED, Scenario, evaluate

__all__ = ["model"]


def _uncertainty(path: str, spec: Any) -> Any:
    from ema_workbench import IntegerParameter, RealParameter

    if hasattr(spec, "name"):
        return spec
    lo, hi = spec
    if isinstance(lo, int) and isinstance(hi, int) and not isinstance(lo, bool):
        return IntegerParameter(path, lo, hi)
    return RealParameter(path, float(lo), float(hi))


def model(
    name: str,
    scenario: Scenario,
    uncertainties: Union[Mapping[str, Any], Sequence[Any]],
    outcomes: Sequence[str],
    runs: int = 2_000,
    seed: int = DEFAULT_SEED,
    threads: Union[int, None] = None,
) -> Any:
    """An ``ema_workbench.Model`` named ``name`` running ``scenario``.

    ``uncertainties``: a mapping of scenario paths to ``(low, high)`` ranges
    (ints give an ``IntegerParameter``) or EMA parameter objects, or a list
    of EMA parameter objects named by paths. ``outcomes``: ``METRIC:SUBJECT``
    names, each a ``ScalarOutcome`` whose value is that row's estimate in
    summary.csv at the experiment's point. Each experiment is ``runs`` runs
    under ``seed``.
    """
    from ema_workbench import Model, ScalarOutcome

    if isinstance(uncertainties, Mapping):
        params = [_uncertainty(p, s) for p, s in uncertainties.items()]
    else:
        params = list(uncertainties)
    wanted = [tuple(o.split(":", 1)) for o in outcomes]
    for o, w in zip(outcomes, wanted):
        if len(w) != 2:
            raise ValueError(f"outcome '{o}' is not METRIC:SUBJECT (e.g. entered:collapse)")
    paths = [p.name for p in params]

    def function(**point: Any) -> Dict[str, float]:
        design = pd.DataFrame({p: [point[p]] for p in paths})
        sweep = evaluate(scenario, design, runs=runs, seed=seed, threads=threads)
        found: Dict[str, float] = {}
        for text, (metric, subject) in zip(outcomes, wanted):
            rows = sweep[(sweep["metric"] == metric) & (sweep["subject"] == subject)]
            if rows.empty:
                raise ValueError(f"outcome '{text}' is not a row of summary.csv")
            found[text] = float(rows["estimate"].iloc[0])
        return found

    m = Model(name, function=function)
    m.uncertainties = params
    m.outcomes = [ScalarOutcome(o) for o in outcomes]
    return m
