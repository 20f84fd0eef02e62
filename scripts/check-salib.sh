#!/usr/bin/env bash
# Checks the sensitivity estimators against SALib 1.6 and PRIM against the
# EMA Workbench, on the same designs and outputs.
#
# 1. Analytic functions (examples/sensitivity_reference.rs): Ishigami with
#    Saltelli designs (with and without second order), a linear function,
#    Ishigami with Morris trajectories, and PRIM on a planted region.
# 2. A scenario (the built-in Geneva 2016 one, small): `ceasefire
#    sensitivity` with Sobol' (second order) and with Morris, and `ceasefire
#    discover` on the Sobol' study's points.
#
# SALib's analyzers (SALib.analyze.sobol / .morris) get ceasefire's
# design.csv and outputs.csv unchanged; the point estimates (S1, ST, S2, mu,
# mu_star, sigma) must agree within 1e-9, and the interval half-widths
# (bootstrap, different random resamples on each side) within 4.5 standard
# errors of a bootstrap standard deviation of B resamples (a relative
# standard error of 1/sqrt(2B)). The EMA Workbench's Prim gets the same
# points and flags; every box of the peeling trajectory (coverage, density,
# mass, points, restricted dimensions, limits) must agree within 1e-12.
#
# Installs SALib 1.6 and the EMA Workbench (from PyPI) into a virtual
# environment (default target/salib-venv, or $CEASEFIRE_SALIB_VENV); needs
# python3 with venv (installed with apt-get when missing and possible).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${CEASEFIRE_SALIB_VENV:-target/salib-venv}
RESAMPLES=1000

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y -q python3-venv >/dev/null
  else
    echo "check-salib: python3 with venv is needed (apt-get install python3-venv)" >&2
    exit 1
  fi
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -c 'import SALib, ema_workbench' 2>/dev/null \
  || "$venv/bin/pip" install -q 'SALib==1.6.*' 'ema_workbench==2.5.*'
"$venv/bin/python" -W ignore -c 'from importlib.metadata import version as v; print("check-salib: SALib", v("SALib"), "and the EMA Workbench", v("ema_workbench"))'

cargo build --locked --release --quiet --example sensitivity_reference
cargo build --locked --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/ceasefire
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

"${CARGO_TARGET_DIR:-target}"/release/examples/sensitivity_reference "$scratch/reference" >/dev/null
cases=("$scratch"/reference/*-sobol* "$scratch"/reference/*-morris)
prims=("$scratch/reference/prim|y|")

vary=(--vary monitoring.detection=0.5:0.95 --vary compliance.tolerance=0:3 --vary party.opposition.rate=2:8)
"$bin" sensitivity "${vary[@]}" --method sobol --samples 64 --runs 200 --second-order \
  --resamples $RESAMPLES --out "$scratch/geneva-sobol" --quiet >/dev/null
"$bin" sensitivity "${vary[@]}" --method morris --samples 20 --runs 200 \
  --resamples $RESAMPLES --out "$scratch/geneva-morris" --quiet >/dev/null
"$bin" discover "$scratch/geneva-sobol" --outcome entered:collapse --above 0.5 \
  --out "$scratch/geneva-discover" >/dev/null
cases+=("$scratch/geneva-sobol" "$scratch/geneva-morris")
prims+=("$scratch/geneva-discover|entered:collapse|0.5")

"$venv/bin/python" -W ignore - "$RESAMPLES" "${cases[@]}" -- "${prims[@]}" <<'PY'
import csv, math, sys, warnings
import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
from SALib.analyze import sobol, morris
from ema_workbench.analysis import prim as ema_prim

resamples = int(sys.argv[1])
split = sys.argv.index("--")
cases, prims = sys.argv[2:split], sys.argv[split + 1 :]
POINT_TOL = 1e-9
PRIM_TOL = 1e-12
failures = []

def read(path):
    with open(path) as f:
        return list(csv.DictReader(f))

def noise_ok(a, b):
    # Two bootstrap standard deviations of `resamples` resamples each.
    se = math.hypot(a, b) / math.sqrt(2 * (resamples - 1))
    return abs(a - b) <= 4.5 * se + 1e-12

for case in cases:
    design = pd.read_csv(f"{case}/design.csv").drop(columns="point")
    names = list(design.columns)
    X = design.values.astype(float)
    problem = {"num_vars": len(names), "names": names,
               "bounds": [[X[:, j].min(), X[:, j].max()] for j in range(len(names))]}
    outputs = pd.read_csv(f"{case}/outputs.csv", keep_default_na=False)
    ours = read(f"{case}/indices.csv")
    method = ours[0]["method"]
    worst_point, worst_ci = 0.0, 0.0
    for (outcome, subject), rows in outputs.groupby(["outcome", "subject"], sort=False):
        Y = rows.sort_values("point")["estimate"].values.astype(float)
        mine = {(r["parameter"], r["index"]): r for r in ours
                if r["outcome"] == outcome and r["subject"] == subject}
        if not mine:
            continue
        def compare(param, index, value, conf):
            global worst_point, worst_ci
            r = mine[(param, index)]
            gap = abs(float(r["estimate"]) - value)
            worst_point = max(worst_point, gap)
            if gap > POINT_TOL:
                failures.append(f"{case} {outcome}:{subject} {index} {param}: ceasefire {r['estimate']} SALib {value!r}")
            if conf is not None:
                half = (float(r["ci_high"]) - float(r["ci_low"])) / 2
                if max(abs(half), abs(conf)) > 1e-12:
                    worst_ci = max(worst_ci, abs(half - conf) / max(abs(half), abs(conf)))
                if not noise_ok(half, conf):
                    failures.append(f"{case} {outcome}:{subject} {index} {param}: half-width ceasefire {half} SALib {conf!r}")
        if method == "sobol":
            second = any(k[1] == "S2" for k in mine)
            S = sobol.analyze(problem, Y, calc_second_order=second, num_resamples=resamples, seed=1)
            for j, p in enumerate(names):
                compare(p, "S1", S["S1"][j], S["S1_conf"][j])
                compare(p, "ST", S["ST"][j], S["ST_conf"][j])
                if second:
                    for k in range(j + 1, len(names)):
                        compare(f"{p}:{names[k]}", "S2", S["S2"][j, k], S["S2_conf"][j, k])
        else:
            M = morris.analyze(problem, X, Y, num_resamples=resamples, num_levels=4, seed=1)
            for j, p in enumerate(names):
                compare(p, "mu", M["mu"][j], None)
                compare(p, "mu_star", M["mu_star"][j], M["mu_star_conf"][j])
                compare(p, "sigma", M["sigma"][j], None)
    print(f"check-salib: {case.split('/')[-1]}: {method} on {X.shape[0]} points of {len(names)} parameters: "
          f"largest gap of a point estimate {worst_point:.2e}, of an interval half-width {100 * worst_ci:.1f}%")

for spec in prims:
    directory, outcome, above = spec.split("|")
    traj = read(f"{directory}/prim.csv")
    source = directory
    if outcome != "y":
        # A discover run: its points and flags are those of the study it read.
        source = directory.replace("-discover", "-sobol")
        metric, subject = outcome.split(":")
    design = pd.read_csv(f"{source}/design.csv").drop(columns="point").astype(float)
    outputs = pd.read_csv(f"{source}/outputs.csv", keep_default_na=False)
    if outcome == "y":
        y = outputs.sort_values("point")["estimate"].values.astype(int)
    else:
        rows = outputs[(outputs.outcome == metric) & (outputs.subject == subject)].sort_values("point")
        y = (rows["estimate"].values > float(above)).astype(int)
    p = ema_prim.Prim(design, y, threshold=1e-9, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
    box = p.find_box()
    pt = box.peeling_trajectory
    worst = 0.0
    if len(pt) != len(traj):
        failures.append(f"{directory}: {len(traj)} boxes, the EMA Workbench {len(pt)}")
    for i, r in enumerate(traj[: len(pt)]):
        theirs = {"coverage": pt["coverage"][i], "density": pt["density"][i], "mass": pt["mass"][i],
                  "points": pt["n"][i], "of_interest": pt["k"][i], "restricted": pt["res_dim"][i]}
        lims = box.box_lims[i]
        for c in design.columns:
            theirs[f"{c}:lo"] = lims[c][0]
            theirs[f"{c}:hi"] = lims[c][1]
        for key, value in theirs.items():
            gap = abs(float(r[key]) - float(value))
            worst = max(worst, gap)
            if gap > PRIM_TOL:
                failures.append(f"{directory}: box {i} {key}: ceasefire {r[key]} EMA Workbench {value!r}")
    last = traj[-1]
    print(f"check-salib: {directory.split('/')[-1]}: PRIM trajectory of {len(traj)} boxes "
          f"(last: coverage {float(last['coverage']):.3f}, density {float(last['density']):.3f}, "
          f"mass {float(last['mass']):.3f}); largest gap to the EMA Workbench {worst:.2e}")

for f in failures[:40]:
    print("check-salib: MISMATCH", f, file=sys.stderr)
if failures:
    print(f"check-salib: {len(failures)} mismatches", file=sys.stderr)
    sys.exit(1)
print("check-salib: ceasefire agrees with SALib and the EMA Workbench")
PY
