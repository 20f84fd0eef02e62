#!/usr/bin/env bash
# Checks `ceasefire fit` against statsmodels, the field's standard GLM code:
# with one period and a known half-life, the model of one self-exciting
# party, λ(t) = μ + α S(t) with S(t) = Σ_{s<t} β^(t-1-s) y(s), is a Poisson
# GLM with identity link on the columns [1, S]. The script simulates such a
# series (numpy, fixed seed), fits it with `ceasefire fit --retaliation a->a
# --half-life H` and with statsmodels, and fails if μ̂, α̂ or the
# log-likelihood differ by more than 1e-5 (relative).
#
# Installs numpy, pandas, scipy and statsmodels (pinned) into a virtual environment (default
# target/glm-venv, or $CEASEFIRE_GLM_VENV); needs python3 with venv.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${CEASEFIRE_GLM_VENV:-target/glm-venv}
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y -q python3-venv >/dev/null
  else
    echo "check-fit-glm: python3 with venv is needed (apt-get install python3-venv)" >&2
    exit 1
  fi
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q numpy==2.2.6 pandas==2.2.3 scipy==1.15.3 statsmodels==0.14.5

cargo build --locked --release --quiet
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

"$venv/bin/python" - "$scratch" <<'PY'
import csv, datetime, os, subprocess, sys
import numpy as np
import statsmodels.api as sm

scratch = sys.argv[1]
mu, alpha, h, days = 0.8, 0.2, 3.0, 730
beta = 0.5 ** (1.0 / h)
rng = np.random.default_rng(20160912)
y = np.zeros(days)
e = 0.0
for t in range(days):
    y[t] = rng.poisson(mu + e)
    e = beta * e + alpha * y[t]
start = datetime.date(2016, 1, 1)
with open(f"{scratch}/counts.csv", "w") as f:
    f.write("date,party,count\n")
    for t in range(days):
        f.write(f"{start + datetime.timedelta(days=t)},a,{int(y[t])}\n")
end = start + datetime.timedelta(days=days - 1)
subprocess.run(
    [os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "ceasefire"),
     "fit", f"{scratch}/counts.csv",
     "--period", f"all={start}..{end}", "--retaliation", "a->a",
     "--half-life", str(h), "--out", f"{scratch}/fit", "--quiet"],
    check=True, stdout=subprocess.DEVNULL)
est = {}
for row in csv.DictReader(open(f"{scratch}/fit/fit.csv")):
    if row["method"] != "bootstrap-percentile":
        est[row["parameter"]] = float(row["estimate"])

s = np.zeros(days)
for t in range(1, days):
    s[t] = beta * s[t - 1] + y[t - 1]
X = np.column_stack([np.ones(days), s])
glm = sm.GLM(y, X, family=sm.families.Poisson(link=sm.families.links.Identity()))
res = glm.fit(start_params=[y.mean(), 0.05], tol=1e-12, maxiter=1000)
pairs = [("rate", res.params[0]), ("alpha", res.params[1]), ("log_likelihood", res.llf)]
worst = 0.0
for name, ref in pairs:
    diff = abs(est[name] - ref) / max(abs(ref), 1e-12)
    worst = max(worst, diff)
    print(f"{name:16} ceasefire {est[name]:.10f}  statsmodels {ref:.10f}  relative difference {diff:.2e}")
if worst > 1e-5:
    sys.exit(f"check-fit-glm FAILED: largest relative difference {worst:.2e} > 1e-5")
print("check-fit-glm passed")
PY
