#!/usr/bin/python3
"""`cxsim exact` agrees with a second implementation of the model written from docs/model.md
alone (reference_model.py: plain Python, its own file reading, its own random numbers).

On the bundled scenarios and each of their variants, and on 24 generated scenarios with loops
and retries, ok / fail / any sets, segment routes, guards, recovery points, silent churn and
its last straw, routed defections, and multipliers with h below and above 1. Each generated
scenario has a generated redesign too, which patches a touchpoint and a segment, adds a
touchpoint and replaces every row out of another, segment rows included. Every figure of the
JSON (outcomes, causes, every touchpoint's counts, causes and friction, every segment's
defections), matched by touchpoint id and segment name, must lie within 5 standard errors
of the reference's mean.

Statistical, with fixed seeds, so a run is repeatable. The standard error is the reference's
own, but never below sqrt(|exact - observed| / n) for a figure the reference saw take one
value only (a rare event it never met), nor below Poisson's sqrt(|exact| / n) for a figure
expected fewer than 100 times in n customers (it may have met it only once or twice). At 5
standard errors a correct pair fails about once in 1.7 million figures.

    reference_model_test.py CXSIM SOURCE_DIR [CASES] [CUSTOMERS]
"""
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_model  # noqa: E402

Z_LIMIT = 5.0


def attribute(rng):
    roll = rng.random()
    if roll < 0.1:
        return 0.0
    if roll < 0.25:
        return 1.0
    return round(rng.random(), 3)


def transition_sets(rng, forward, anywhere):
    """Rows out of one touchpoint: every set that can be used sums to 1, and its first edge
    goes forward (to a later touchpoint or an ending) with at least 0.3, so every walk ends."""
    kinds = rng.choice([("any",), ("ok", "fail"), ("ok", "any"), ("fail", "any"), ("ok", "fail", "any")])
    rows = []
    for when in kinds:
        first = rng.choice(forward)
        others = rng.sample([k for k in anywhere if k != first], rng.randint(0, min(2, len(anywhere) - 1)))
        weights = [rng.randint(30, 100)] + [rng.randint(1, 100) for _ in others]
        cuts = [round(100 * w / sum(weights)) for w in weights]
        cuts[0] += 100 - sum(cuts)
        for to, p in zip([first] + others, cuts):
            if p > 0:
                rows.append((to, p / 100, when))
    return rows


def generate(case, folder):
    """A random scenario (YAML and two CSV files) in `folder`; returns the YAML path."""
    rng = random.Random(case)
    # Odd cases are about load episodes: friction everywhere, recovery points on most
    # touchpoints and impatient customers, so forgiveness and the last straw meet often.
    episodes = case % 2 == 1
    inner = [f"step{i}" for i in range(rng.randint(2, 6))]
    endings = [("kept", "retained")] + [(f"end{i}", rng.choice(["retained", "defected"]))
                                        for i in range(rng.randint(0, 2))]
    segments = []
    shares = [rng.randint(1, 6) for _ in range(rng.randint(1, 3))]
    for s, w in enumerate(shares):
        segments.append({
            "name": f"seg{s}",
            "share": round(w / sum(shares), 6) if s < len(shares) - 1 else None,
            "value_expectation": round(rng.random(), 3),
            "sensitivity": {c: round(rng.uniform(0.2, 1.5), 3) if episodes else
                            rng.choice([0.0, round(rng.uniform(0.05, 1.5), 3)]) for c in reference_model.CAUSES},
            "silent_churn": round(rng.uniform(0.5, 3.0), 3) if episodes else
                            rng.choice([0.0, round(rng.uniform(0.1, 2.0), 3)]),
            "heterogeneity": rng.choice([0.0, 0.0, 0.4, 1.3]),
        })
    segments[-1]["share"] = round(1.0 - sum(s["share"] for s in segments[:-1]), 6)
    for seg in segments:  # some segments state their sensitivities as walk-away odds (v1.3)
        if rng.random() < 0.4:
            seg["walk_away"] = walk_away_odds(seg.pop("sensitivity"))

    with open(os.path.join(folder, "touchpoints.csv"), "w") as f:
        f.write("id,reliability,relevance,value,trust,recovery,outcome,effort_minutes\n")
        for k in inner:
            recovery = 0 if rng.random() < (0.3 if episodes else 0.6) else round(rng.uniform(0.05, 1), 3)
            minutes = rng.choice(["", 0, round(rng.uniform(1, 90), 1)])
            f.write(f"{k},{attribute(rng)},{attribute(rng)},{attribute(rng)},{attribute(rng)},{recovery},,{minutes}\n")
        for k, outcome in endings:
            f.write(f"{k},1,1,1,0,0,{outcome},\n")
    ends = [k for k, _ in endings]
    with open(os.path.join(folder, "transitions.csv"), "w") as f:
        f.write("from,to,probability,when,segment\n")
        for i, k in enumerate(inner):
            forward, anywhere = inner[i + 1:] + ends, inner + ends
            for to, p, when in transition_sets(rng, forward, anywhere):
                f.write(f"{k},{to},{p},{when},\n")
            if len(segments) > 1 and rng.random() < 0.4:  # a segment route of its own
                own = rng.choice(segments)["name"]
                for to, p, when in transition_sets(rng, forward, anywhere):
                    f.write(f"{k},{to},{p},{when},{own}\n")
    path = os.path.join(folder, "scenario.yaml")
    with open(path, "w") as f:
        json.dump({"name": f"generated {case}",
                   "journey": {"start": inner[0], "touchpoints": "touchpoints.csv",
                               "transitions": "transitions.csv"},
                   "segments": segments,
                   "variants": [redesign(rng, inner, ends, segments)]}, f, indent=1)  # JSON is YAML
    return path


def walk_away_odds(sensitivity):
    """Hazards as the walk-away odds a designer would write (rounded, as a person would)."""
    out = {}
    for key, (cause, unit) in reference_model.WALK_AWAY.items():
        if cause in sensitivity:
            out[key] = round(-math.expm1(-sensitivity[cause] * unit), 3)
    return out


def redesign(rng, inner, ends, segments):
    """A variant `redesign`: a touchpoint patched, a new touchpoint `detour` put after one
    (whose rows are all replaced, segment rows included), sometimes a touchpoint made an
    ending, and a segment's sensitivity patched key by key."""
    patched, before = rng.choice(inner), rng.randrange(len(inner))
    touchpoints = {patched: {rng.choice(["reliability", "relevance", "value", "trust", "recovery"]): attribute(rng)},
                   "detour": {"reliability": attribute(rng), "relevance": attribute(rng),
                              "value": attribute(rng), "trust": attribute(rng),
                              "recovery": rng.choice([0, round(rng.random(), 3)])}}
    forward, anywhere = inner[before + 1:] + ends, inner + ends
    rows = lambda to: [{"to": t, "probability": p, "when": w} for t, p, w in transition_sets(rng, to, anywhere)]
    transitions = {inner[before]: rows(["detour"]), "detour": rows(forward)}
    if len(segments) > 1:
        transitions[inner[before]] += [dict(e, segment=segments[-1]["name"]) for e in rows(forward)]
    ending = inner[-1]
    if ending != inner[before] and rng.random() < 0.3:
        transitions[ending] = []
        touchpoints[ending] = {"outcome": "retained"}
    seg = rng.choice(segments)
    patch = {"value_expectation": round(rng.random(), 3)}
    if rng.random() < 0.5 and "sensitivity" in seg:  # one form per sensitivity within a segment
        patch["sensitivity"] = {rng.choice(reference_model.CAUSES): 0.9}
    else:
        patch["walk_away"] = {rng.choice(list(reference_model.WALK_AWAY)): 0.4}
    if rng.random() < 0.5:
        touchpoints[patched]["effort_minutes"] = round(rng.uniform(0, 60), 1)
    return {"name": "redesign", "touchpoints": touchpoints, "transitions": transitions,
            "segments": {seg["name"]: patch}}


def exact_figures(doc):
    """cxsim's JSON flattened to the reference's keys."""
    out = {}
    for name, x in doc["outcomes"].items():
        out[("outcome", name)] = x
    for group in ("abandonment_by_cause", "defections_by_cause"):
        for cause, x in doc[group].items():
            out[(group, cause)] = x
    for tp in doc["touchpoints"]:
        for name in ("visits", "failures", "averted", "repeats", "abandoned", "recoveries", "routed",
                     "silent", "defections"):
            out[("touchpoint", tp["id"], name)] = tp[name]
        for group in ("abandoned_by", "defections_by_cause", "friction"):
            for cause, x in tp[group].items():
                out[("touchpoint", tp["id"], group, cause)] = x
    for seg in doc["segments"]:
        out[("segment", seg["name"], "defections")] = seg["defections"]
    return out


def compare(label, exact, reference, customers):
    failures = 0
    worst = 0.0
    for key, want in exact.items():
        mean, variance = reference.get(key, (0.0, 0.0))
        if variance == 0.0:
            floor = abs(want - mean)
        else:
            floor = abs(want) if customers * abs(want) < 100 else 0.0
        se = math.sqrt(max(variance, floor) / customers)
        z = 0.0 if se == 0.0 and abs(want - mean) < 1e-12 else (mean - want) / se if se else math.inf
        worst = max(worst, abs(z))
        if abs(z) >= Z_LIMIT:
            failures += 1
            print(f"FAIL {label} {key}: exact {want:.6g}, reference {mean:.6g} (z = {z:+.2f})")
    missing = [k for k, (m, _) in reference.items() if k not in exact and k[0] != "segment" and m != 0.0]
    for key in missing:
        failures += 1
        print(f"FAIL {label} {key}: the reference has it, cxsim's JSON does not")
    print(f"{'ok  ' if not failures else 'FAIL'} {label}: {len(exact)} figures, largest |z| = {worst:.2f}")
    return failures


def check(cxsim, label, path, variant, customers, seed):
    run = subprocess.run([cxsim, "exact", path, "--format", "json"] + (["--variant", variant] if variant else []),
                         capture_output=True, text=True)
    label += f" {variant or 'baseline'}"
    if run.returncode != 0:
        print(f"FAIL {label}: cxsim exact exit {run.returncode}: {run.stderr.strip()}")
        return 1
    reference = reference_model.simulate(reference_model.Scenario(path, variant), customers, seed)
    return compare(label, exact_figures(json.loads(run.stdout)), reference, customers)


def main():
    cxsim, source = sys.argv[1], sys.argv[2]
    cases = int(sys.argv[3]) if len(sys.argv) > 3 else 24
    customers = int(sys.argv[4]) if len(sys.argv) > 4 else 60000
    failures = 0
    for name in sorted(os.listdir(os.path.join(source, "scenarios"))):
        path = os.path.join(source, "scenarios", name, "scenario.yaml")
        with open(path) as f:
            variants = [None] + [v["name"] for v in yaml.safe_load(f).get("variants") or []]
        for v in variants:
            failures += check(cxsim, name, path, v, customers // 2, seed=7)
    with tempfile.TemporaryDirectory() as tmp:
        for case in range(cases):
            folder = os.path.join(tmp, f"case{case}")
            os.mkdir(folder)
            path = generate(case, folder)
            for v in (None, "redesign"):
                failures += check(cxsim, f"case {case}", path, v, customers // 2 if v else customers, seed=1000 + case)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
