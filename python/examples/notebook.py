"""The README's notebook example: run Geneva, plot the entry curves, and
evaluate a small SALib design. Run it as `python python/examples/notebook.py`
from the repository's root (it saves entry-curves.png)."""

import ceasefire
import matplotlib.pyplot as plt
from SALib.analyze import sobol
from SALib.sample import sobol as saltelli

geneva = ceasefire.builtin("geneva-2016")
results = ceasefire.run(geneva, runs=20_000, progress=True)
curves = results.curves.pivot(index="day", columns="phase", values="cumulative_share")
curves.plot(title="Geneva 2016: share of runs that entered each phase").figure.savefig("entry-curves.png")
problem = {"num_vars": 2, "names": ["monitoring.detection", "compliance.tolerance"], "bounds": [[0.5, 0.95], [0, 3]]}
design = saltelli.sample(problem, 64, calc_second_order=False, seed=1)
sweep = ceasefire.evaluate(geneva, dict(zip(problem["names"], design.T)), runs=500)
collapse = sweep[(sweep.metric == "entered") & (sweep.subject == "collapse")].sort_values("point")
print(sobol.analyze(problem, collapse.estimate.to_numpy(), calc_second_order=False)["ST"])
