#!/usr/bin/python3
"""The friction model written a second time, from docs/model.md alone: a plain, one customer
at a time Monte Carlo walk in Python that shares no code with cxsim, not even its reading of
the scenario files. reference_model_test.py holds `cxsim exact` to it on generated
scenarios, figure by figure.

Deliberately different from the C++ engines where the model allows it: Python's own random
numbers (Mersenne Twister), the multiplier from random.gammavariate, and silent churn drawn
as the patience threshold T ~ Exp(lambda) of each load episode (docs/model.md, "the last
straw") rather than as a uniform held against 1 - exp(-lambda L).

    reference_model.py SCENARIO.yaml [--variant V] [--customers N] [--seed S]   # the figures, as JSON
"""
import argparse
import csv
import json
import math
import os
import random
import sys

import yaml

CAUSES = ("reliability", "relevance", "value", "effort")
# Walk-away odds (model v1.3): the chance an average customer walks away after a failed visit,
# a repeat, a value gap of 0.1 or an hour of effort, felt alone.
WALK_AWAY = {"failed": ("reliability", 1.0), "repeated": ("relevance", 1.0),
             "value_gap": ("value", 0.1), "effort_hour": ("effort", 1.0)}


def as_hazards(fields):
    """A segment (or a segment patch) with its walk-away odds turned into sensitivities."""
    fields = dict(fields)
    sens = dict(fields.pop("sensitivity", None) or {})
    for key, p in (fields.pop("walk_away", None) or {}).items():
        cause, unit = WALK_AWAY[key]
        sens[cause] = -math.log(1.0 - float(p)) / unit
    if sens:
        fields["sensitivity"] = sens
    return fields
DEFAULT_SEGMENT = dict(name="everyone", share=1.0, value_expectation=0.5,
                       sensitivity=dict(reliability=0.5, relevance=0.25, value=0.5),
                       silent_churn=0.3, heterogeneity=0.0)


def read_table(spec, folder):
    """A journey table: a CSV path relative to the YAML file (`#` lines are comments), or an
    inline list of maps."""
    if isinstance(spec, list):
        return [text_row(row) for row in spec]
    with open(os.path.join(folder, spec), newline="", encoding="utf-8-sig") as f:
        lines = [line for line in f if line.strip() and not line.lstrip().startswith("#")]
    return list(csv.DictReader(lines))


def text_row(row):
    return {k: "" if v is None else str(v) for k, v in row.items()}


def number(text, default=None):
    text = (text or "").strip()
    return default if text == "" else float(text)


class Scenario:
    """The journey and segments of a scenario file, baseline or patched by one variant (only
    what the model needs)."""

    def __init__(self, path, variant=None):
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        folder = os.path.dirname(os.path.abspath(path))
        journey = doc["journey"]
        rows = read_table(journey["touchpoints"], folder)
        edges = read_table(journey["transitions"], folder)
        self.segments = [as_hazards(s) for s in doc.get("segments") or [DEFAULT_SEGMENT]]
        if variant is not None:
            rows, edges = self.patch(next(v for v in doc["variants"] if v["name"] == variant), rows, edges)

        self.ids = [r["id"] for r in rows]
        index = {k: i for i, k in enumerate(self.ids)}
        self.start = index[journey["start"]]
        self.r = [number(r["reliability"]) for r in rows]
        self.l = [number(r["relevance"]) for r in rows]
        self.v = [number(r["value"]) for r in rows]
        self.t = [number(r["trust"]) for r in rows]
        self.q = [number(r.get("recovery"), 0.0) for r in rows]
        self.minutes = [number(r.get("effort_minutes"), 0.0) for r in rows]
        self.outcome = [(r.get("outcome") or "").strip() for r in rows]

        names = {s["name"]: i for i, s in enumerate(self.segments)}
        # rows[k][segment or None][when] -> [(to, probability)]
        self.rows = [dict() for _ in rows]
        for e in edges:
            seg = (e.get("segment") or "").strip()
            when = (e.get("when") or "").strip() or "any"
            by_when = self.rows[index[e["from"]]].setdefault(names[seg] if seg else None, {})
            by_when.setdefault(when, []).append((index[e["to"]], number(e["probability"])))
        self.max_steps = int((doc.get("simulation") or {}).get("max_steps", 1000))

    def patch(self, variant, rows, edges):
        """A variant on the baseline: touchpoint fields changed or touchpoints added, every row
        out of a touchpoint replaced, segment fields changed (sensitivities one by one)."""
        by_id = {r["id"]: dict(r) for r in rows}
        for k, fields in (variant.get("touchpoints") or {}).items():
            by_id.setdefault(k, {"id": k}).update(text_row(fields))
        replaced = variant.get("transitions") or {}
        edges = [e for e in edges if e["from"] not in replaced]
        for k, new in replaced.items():
            edges += [dict(text_row(e), **{"from": k}) for e in new]
        for seg in self.segments:
            fields = as_hazards((variant.get("segments") or {}).get(seg["name"]) or {})
            seg["sensitivity"] = dict(seg.get("sensitivity") or {}, **fields.pop("sensitivity", {}))
            seg.update(fields)
        return list(by_id.values()), edges

    def terminal(self, k):
        return not self.rows[k]

    def next_set(self, s, k, failed):
        """The transition set a customer of segment s uses out of k (step 9)."""
        own = self.rows[k].get(s)
        by_when = own if own is not None else self.rows[k][None]
        if failed and "fail" in by_when:
            return by_when["fail"]
        if not failed and "ok" in by_when:
            return by_when["ok"]
        return by_when["any"]


def pick(edges):
    total = sum(p for _, p in edges)
    u = random.random() * total
    for to, p in edges:
        u -= p
        if u < 0.0:
            return to
    return edges[-1][0]


class Figures:
    """Per-customer contributions summed, with their squares for standard errors."""

    def __init__(self):
        self.sum, self.sq = {}, {}

    def add_customer(self, contributions):
        for key, x in contributions.items():
            self.sum[key] = self.sum.get(key, 0.0) + x
            self.sq[key] = self.sq.get(key, 0.0) + x * x


def walk(sc, add):
    """One customer; add(key, x) records their contribution to a figure."""
    u = random.random()
    s = len(sc.segments) - 1
    for i, seg in enumerate(sc.segments):
        u -= float(seg["share"])
        if u < 0.0:
            s = i
            break
    seg = sc.segments[s]
    sens = seg.get("sensitivity") or {}
    a, b, c, d = (float(sens.get(x, 0.0)) for x in CAUSES)
    e = float(seg["value_expectation"])
    lam = float(seg["silent_churn"])
    h = float(seg.get("heterogeneity", 0.0))
    m = random.gammavariate(1.0 / (h * h), h * h) if h > 0.0 else 1.0

    k, load, guard, seen, steps = sc.start, 0.0, False, False, 0
    last, last_failed = None, False
    episode = []  # (touchpoint, load before, load after, parts) of this load episode
    add(("segment", seg["name"], "customers"), 1.0)

    def defect(kind, ending, at, parts):
        add(("outcome", ending), 1.0)
        add(("segment", seg["name"], "defections"), 1.0)
        add(("touchpoint", sc.ids[at], kind), 1.0)
        add(("touchpoint", sc.ids[at], "defections"), 1.0)
        total = sum(parts.values())
        for cause, x in parts.items():
            add(("touchpoint", sc.ids[at], "defections_by_cause", cause), x / total)
            add(("defections_by_cause", cause), x / total)

    while True:
        if sc.terminal(k):
            add(("touchpoint", sc.ids[k], "visits"), 1.0)
            if sc.outcome[k] == "defected":
                defect("routed", "routed_defection", last, {"reliability" if last_failed else "route": 1.0})
                return
            patience = random.expovariate(lam) if lam > 0.0 else math.inf
            if load > patience:
                straw = next(v for v in episode if v[1] <= patience < v[2])
                defect("silent", "silent_churn", straw[0], straw[3])
            else:
                add(("outcome", "retained"), 1.0)
            return
        if steps == sc.max_steps:
            add(("outcome", "unfinished"), 1.0)
            return
        add(("touchpoint", sc.ids[k], "visits"), 1.0)
        failed = random.random() < 1.0 - sc.r[k]
        if failed and guard:
            failed, guard = False, False
            add(("touchpoint", sc.ids[k], "averted"), 1.0)
        repeated = seen and random.random() < 1.0 - sc.l[k]
        gap = max(0.0, e - sc.v[k])
        parts = {"reliability": m * a if failed else 0.0,
                 "relevance": m * b if repeated else 0.0,
                 "value": m * c * gap,
                 "effort": m * d * sc.minutes[k] / 60.0}
        delta = sum(parts.values())
        add(("touchpoint", sc.ids[k], "failures"), float(failed))
        add(("touchpoint", sc.ids[k], "repeats"), float(repeated))
        for cause, x in parts.items():
            add(("touchpoint", sc.ids[k], "friction", cause), x)
        if random.random() < 1.0 - math.exp(-delta):
            for cause, x in parts.items():
                add(("touchpoint", sc.ids[k], "abandoned_by", cause), x / delta)
                add(("abandonment_by_cause", cause), x / delta)
            defect("abandoned", "abandoned", k, {cause: x for cause, x in parts.items()})
            return
        if delta > 0.0:
            episode.append((k, load, load + delta, parts))
        load += delta
        if sc.q[k] > 0.0 and not failed and random.random() < 0.15 + 0.67 * sc.q[k]:
            if load > 0.0:
                add(("touchpoint", sc.ids[k], "recoveries"), 1.0)
            load, episode = 0.0, []
        if not guard:
            guard = random.random() < sc.t[k]
        seen = True
        steps += 1
        last, last_failed = k, failed
        k = pick(sc.next_set(s, k, failed))


def simulate(sc, customers, seed):
    """Means and standard errors of every figure, keyed as in cxsim's JSON."""
    random.seed(seed)
    figures = Figures()
    for _ in range(customers):
        mine = {}

        def add(key, x):
            mine[key] = mine.get(key, 0.0) + x

        walk(sc, add)
        figures.add_customer(mine)
    out = {}
    for key, total in figures.sum.items():
        mean = total / customers
        variance = max(figures.sq[key] / customers - mean * mean, 0.0) * customers / (customers - 1)
        out[key] = (mean, variance)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--variant")
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sc = Scenario(args.scenario, args.variant)
    result = simulate(sc, args.customers, args.seed)
    json.dump([{"figure": list(k), "mean": m, "variance": v} for k, (m, v) in sorted(result.items(), key=str)],
              sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
