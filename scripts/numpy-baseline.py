#!/usr/bin/env python3
"""An independent numpy implementation of the model (MODEL.md, version 2),
vectorised across runs, for the side-by-side speed comparison of issue 15
(scripts/compare-numpy.sh).

It reads a scenario file and supports the features the benchmark scenario
benches/scenarios/three-party-60.toml uses: parties with rates, major shares,
false reports, retaliation, half-lives and `bound`; one monitoring detection;
humanitarian access; compliance; per-phase rate multipliers; and the
conditions `streak_at_least`, `days_in_phase_at_least`, `reported_in_window`
(all bound parties, severity major), `probability` and `all`/`any` of these
(the second-class bench scenario,
benches/scenarios/second-class-60.toml). Anything else is refused with a
message. Its random numbers are numpy's, not the engine's streams, so its
results agree with the engine's statistically, not bit for bit; it prints the
share of runs that entered each phase so the two can be compared.

usage: numpy-baseline.py SCENARIO.toml RUNS [SEED]
prints: one line "seconds <wall seconds of the simulation>", then one line
"entered <phase> <share>" per phase.
"""

import sys
import time
import tomllib

import numpy as np


def fail(msg):
    sys.exit(f"numpy-baseline: {msg}")


def main():
    if len(sys.argv) not in (3, 4):
        fail("usage: numpy-baseline.py SCENARIO.toml RUNS [SEED]")
    path, runs = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) == 4 else 20160912
    with open(path, "rb") as f:
        sc = tomllib.load(f)

    parties = sc["party"]
    ids = [p["id"] for p in parties]
    n = len(ids)
    rate = np.array([p["rate"] for p in parties])
    share = np.array([p.get("major_share", 0.0) for p in parties])
    false_rate = np.array([p.get("false_reports_per_day", 0.0) for p in parties])
    bound = np.array([p.get("bound", True) for p in parties])
    decay = np.array([0.5 ** (1.0 / p.get("half_life_days", 2.0)) for p in parties])
    # alpha[p, q]: memory of p gained per attack of q.
    alpha = np.zeros((n, n))
    for i, p in enumerate(parties):
        for q, a in p.get("retaliation", {}).items():
            alpha[i, ids.index(q)] = a

    phases = sc["phase"]
    names = [ph["id"] for ph in phases]
    mult = np.ones((len(phases), n))
    for k, ph in enumerate(phases):
        for q, m in ph.get("rate_multiplier", {}).items():
            mult[k, ids.index(q)] = m
        for key in ph:
            if key not in ("id", "name", "transition", "rate_multiplier"):
                fail(f"phase '{ph['id']}': '{key}' is not supported here")

    d = sc.get("monitoring", {}).get("detection", 1.0)
    hum = sc.get("humanitarian", {})
    convoys_per_day = hum.get("convoys_per_day", 0.0)
    block_quiet = hum.get("block_probability", 0.0)
    block_violent = hum.get("block_probability_violent", block_quiet)
    comp = sc["compliance"]
    counts_major = comp.get("counts", "major") == "major"
    tolerance = comp.get("tolerance", 0)
    requires_aid = comp.get("requires_aid", False)
    horizon = sc["scenario"]["horizon_days"]
    initial = names.index(sc["scenario"]["initial_phase"])

    windows = [1]

    def check(w):
        if "reported_in_window" in w:
            c = w["reported_in_window"]
            if c.get("party") is not None or c.get("severity", "any") != "major":
                fail("only reported_in_window over all bound parties, severity major")
            windows.append(c["days"])
        elif "all" in w or "any" in w:
            for inner in w.get("all", w.get("any")):
                check(inner)
        elif not ({"streak_at_least", "days_in_phase_at_least", "probability"} & set(w)):
            fail(f"condition {w} is not supported here")

    for ph in phases:
        for t in ph.get("transition", []):
            check(t["when"])
    wmax = max(windows)

    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    phase = np.full(runs, initial)
    streak = np.zeros(runs, dtype=np.int64)
    days_in = np.zeros(runs, dtype=np.int64)
    memory = np.zeros((runs, n))
    history = np.zeros((wmax, runs), dtype=np.int64)  # reported major, ring
    entered = np.zeros((len(phases), runs), dtype=bool)
    entered[initial] = True
    absorbing = np.array([not ph.get("transition") for ph in phases])
    total_attacks = np.zeros((runs, n), dtype=np.int64)
    total_reported = np.zeros((runs, n), dtype=np.int64)
    delivered = np.zeros(runs, dtype=np.int64)
    blocked_total = np.zeros(runs, dtype=np.int64)
    for day in range(horizon):
        live = ~absorbing[phase]
        lam = mult[phase] * (rate + memory)
        attacks = rng.poisson(lam) * live[:, None]
        major = rng.binomial(attacks, share)
        minor = attacks - major
        false = rng.poisson(np.broadcast_to(false_rate, (runs, n)))
        false_major = rng.binomial(false, share)
        rep_major = (rng.binomial(major, d) + false_major) * bound * live[:, None]
        rep_minor = (rng.binomial(minor, d) + false - false_major) * bound * live[:, None]
        convoys = rng.poisson(convoys_per_day, runs) * live
        any_major = (major > 0).any(axis=1)
        blocked = rng.binomial(convoys, np.where(any_major, block_violent, block_quiet))
        counted = rep_major.sum(axis=1) if counts_major else (rep_major + rep_minor).sum(axis=1)
        compliant = (counted <= tolerance) & ~(requires_aid & (blocked > 0))
        days_in = days_in + 1
        streak = np.where(compliant, streak + 1, 0)
        history[day % wmax] = rep_major.sum(axis=1)
        memory = decay * memory + attacks @ alpha.T
        total_attacks += attacks
        total_reported += rep_major + rep_minor
        delivered += convoys - blocked
        blocked_total += blocked
        if day + 1 == horizon:
            break
        fired = ~live
        new_phase = phase.copy()
        for k, ph in enumerate(phases):
            here = (phase == k) & live

            def holds(w):
                if "streak_at_least" in w:
                    return streak >= w["streak_at_least"]
                if "days_in_phase_at_least" in w:
                    return days_in >= w["days_in_phase_at_least"]
                if "reported_in_window" in w:
                    c = w["reported_in_window"]
                    days = min(c["days"], day + 1)
                    rows = [(day - j) % wmax for j in range(days)]
                    return history[rows].sum(axis=0) >= c["at_least"]
                if "all" in w:
                    # Every inner condition is evaluated (and every probability drawn).
                    return np.logical_and.reduce([holds(inner) for inner in w["all"]])
                if "any" in w:
                    return np.logical_or.reduce([holds(inner) for inner in w["any"]])
                on = w.get("on", "any_day")
                ok = {"violation_day": ~compliant, "compliant_day": compliant}.get(
                    on, np.ones(runs, dtype=bool)
                )
                return ok & (rng.random(runs) < w["probability"])

            for t in ph.get("transition", []):
                go = here & ~fired & holds(t["when"])
                new_phase[go] = names.index(t["to"])
                fired |= go
        moved = fired & live
        days_in[moved] = 0
        streak[moved] = 0
        phase = new_phase
        entered[phase, np.arange(runs)] = True
    seconds = time.perf_counter() - start
    print(f"seconds {seconds:.3f}")
    for k, name in enumerate(names):
        print(f"entered {name} {entered[k].mean():.4f}")


if __name__ == "__main__":
    main()
