"""Geneva 2016 as an EMA Workbench model: 50 experiments over monitoring and
the compliance tolerance, then the share of them in which the agreement
collapses (run with `pip install './python[ema]'`)."""

import ceasefire
import ceasefire.ema
from ema_workbench import perform_experiments

model = ceasefire.ema.model(
    "geneva",
    ceasefire.builtin("geneva-2016"),
    {"monitoring.detection": (0.3, 0.95), "compliance.tolerance": (0, 3)},
    ["entered:collapse", "entered:joint_targeting"],
    runs=2_000,
)
experiments, outcomes = perform_experiments(model, scenarios=50)
experiments["collapse"] = outcomes["entered:collapse"]
print(experiments[["monitoring.detection", "compliance.tolerance", "collapse"]].describe())
