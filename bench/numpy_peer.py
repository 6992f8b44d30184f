#!/usr/bin/python3
"""The friction model written again in NumPy, vectorised over customers: the peer that
cxsim's Monte Carlo engine is measured against (bench/peer_benchmark.py runs both).

It walks the journey of a walk table (bench/walk_table.cpp writes one from a scenario or a
generated journey, with every routing table already resolved) by the same visit rules as
cxsim (docs/model.md): reliability and the trust guard, relevance once the customer has been
seen, the value gap, effort, abandonment, recovery, trust, routing on ok / fail, and silent churn at a
retained ending. Customers are walked a step at a time in large batches: every array
operation covers all customers still walking. It keeps the tallies cxsim keeps per touchpoint
(visits, failures, repeats, abandonments, friction by kind) except the attribution of silent
churn to its last straw, which needs each customer's history.

Its random numbers are NumPy's default generator (PCG64, faster in NumPy than its Philox),
so its figures agree with cxsim's statistically (both with the exact solver), not draw for
draw.

    python3 bench/numpy_peer.py deep40.json --customers 1000000
"""
import argparse
import json
import sys
import time

import numpy as np

MAX_STEPS = 1000  # as cxsim's default: visits to non-terminal touchpoints before "unfinished"
FORGIVENESS_FLOOR, FORGIVENESS_SPAN = 0.15, 0.82 - 0.15


class WalkTable:
    """The journey as flat arrays: attributes by touchpoint, segment parameters by segment,
    and every routing set in one sorted key array for a vectorised search."""

    def __init__(self, table):
        tps = table["touchpoints"]
        self.start = table["start"]
        self.size = len(tps)
        attr = lambda name: np.array([t[name] for t in tps], dtype=np.float64)
        self.fail_chance = 1.0 - attr("reliability")
        self.repeat_chance = 1.0 - attr("relevance")
        self.value = attr("value")
        self.trust = attr("trust")
        self.effort_hours = attr("effort_minutes") / 60.0
        recovery = attr("recovery")
        self.forgive_chance = np.where(recovery > 0.0, FORGIVENESS_FLOOR + FORGIVENESS_SPAN * recovery, 0.0)
        self.terminal = np.array([t["terminal"] for t in tps], dtype=bool)
        self.defected_end = np.array([t["outcome"] == "defected" for t in tps], dtype=bool)

        segs = table["segments"]
        seg = lambda name: np.array([s[name] for s in segs], dtype=np.float64)
        self.share_cumulative = np.cumsum(seg("share"))
        self.share_cumulative /= self.share_cumulative[-1]
        self.expectation = seg("value_expectation")
        self.a, self.b, self.c = seg("reliability_sensitivity"), seg("relevance_sensitivity"), seg("value_sensitivity")
        self.d = seg("effort_sensitivity")
        self.silent_churn = seg("silent_churn")
        self.heterogeneity = seg("heterogeneity")

        # Slot (segment, touchpoint, route) -> its edges. Key of an edge: slot + cumulative
        # probability within the slot, so one searchsorted over all slots picks every
        # customer's next touchpoint at once.
        keys, targets, first, last = [], [], [], []
        slot = 0
        for by_touchpoint in table["routes"]:
            for both in by_touchpoint:
                for route in both:
                    first.append(len(targets))
                    cumulative = np.cumsum(route["probability"])
                    keys.extend(slot + np.minimum(cumulative, 1.0))
                    targets.extend(route["to"])
                    last.append(len(targets) - 1)
                    slot += 1
        self.edge_key = np.array(keys, dtype=np.float64)
        self.edge_target = np.array(targets, dtype=np.int64)
        self.slot_last = np.array(last, dtype=np.int64)

    def next_touchpoint(self, segment, k, failed, u):
        slot = (segment * self.size + k) * 2 + failed
        i = np.searchsorted(self.edge_key, slot + u, side="right")
        return self.edge_target[np.minimum(i, self.slot_last[slot])]


def multipliers(t, segment, rng):
    h = t.heterogeneity[segment]
    m = np.ones(segment.size)
    some = h > 0.0
    if some.any():
        v = h[some] ** 2
        m[some] = rng.gamma(1.0 / v, v)
    return m


def simulate(t, customers, seed=1, batch=1 << 20):
    """Walks `customers` customers; returns the tallies as a dict of arrays and counts."""
    rng = np.random.default_rng(seed)
    K = t.size
    tally = {name: np.zeros(K) for name in
             ("visits", "failures", "repeats", "abandoned", "friction_reliability",
              "friction_relevance", "friction_value", "friction_effort")}
    endings = dict(retained=0, abandoned=0, routed_defection=0, silent_churn=0, unfinished=0)
    steps = 0
    done = 0
    while done < customers:
        n = min(batch, customers - done)
        done += n
        segment = np.searchsorted(t.share_cumulative, rng.random(n), side="right")
        segment = np.minimum(segment, t.share_cumulative.size - 1)
        m = multipliers(t, segment, rng)
        a, b = m * t.a[segment], m * t.b[segment]
        cgap = m * t.c[segment]
        deffort = m * t.d[segment]
        expectation = t.expectation[segment]
        k = np.full(n, t.start, dtype=np.int64)
        load = np.zeros(n)
        guard = np.zeros(n, dtype=bool)
        seen = np.zeros(n, dtype=bool)
        for step in range(MAX_STEPS + 1):
            at_end = t.terminal[k]
            if at_end.any():
                ended_k = k[at_end]
                tally["visits"] += np.bincount(ended_k, minlength=K)
                routed = t.defected_end[ended_k]
                endings["routed_defection"] += int(routed.sum())
                lam = t.silent_churn[segment[at_end]][~routed]
                churn = rng.random(lam.size) < -np.expm1(-lam * load[at_end][~routed])
                endings["silent_churn"] += int(churn.sum())
                endings["retained"] += int(churn.size - churn.sum())
                walking = ~at_end
                k, load, guard, seen = k[walking], load[walking], guard[walking], seen[walking]
                segment, a, b, cgap, deffort, expectation = (segment[walking], a[walking], b[walking], cgap[walking],
                                                              deffort[walking], expectation[walking])
            if k.size == 0:
                break
            if step == MAX_STEPS:
                endings["unfinished"] += int(k.size)
                break
            u = rng.random((6, k.size))
            steps += k.size
            tally["visits"] += np.bincount(k, minlength=K)
            fail_draw = u[0] < t.fail_chance[k]
            failed = fail_draw & ~guard
            guard = guard & ~fail_draw  # an averted failure uses the guard up
            repeated = seen & (u[1] < t.repeat_chance[k])
            f_rel = np.where(failed, a, 0.0)
            f_rep = np.where(repeated, b, 0.0)
            f_val = cgap * np.maximum(expectation - t.value[k], 0.0)
            f_eff = deffort * t.effort_hours[k]
            delta = f_rel + f_rep + f_val + f_eff
            tally["failures"] += np.bincount(k, weights=failed, minlength=K)
            tally["repeats"] += np.bincount(k, weights=repeated, minlength=K)
            tally["friction_reliability"] += np.bincount(k, weights=f_rel, minlength=K)
            tally["friction_relevance"] += np.bincount(k, weights=f_rep, minlength=K)
            tally["friction_value"] += np.bincount(k, weights=f_val, minlength=K)
            tally["friction_effort"] += np.bincount(k, weights=f_eff, minlength=K)
            abandons = (delta > 0.0) & (u[2] < -np.expm1(-delta))
            if abandons.any():
                tally["abandoned"] += np.bincount(k[abandons], minlength=K)
                endings["abandoned"] += int(abandons.sum())
            load = load + delta
            forgiven = ~failed & (u[3] < t.forgive_chance[k])
            load[forgiven] = 0.0
            guard = guard | (u[4] < t.trust[k])
            seen[:] = True
            k = t.next_touchpoint(segment, k, failed.astype(np.int64), u[5])
            stay = ~abandons
            k, load, guard, seen = k[stay], load[stay], guard[stay], seen[stay]
            segment, a, b, cgap, deffort, expectation = (segment[stay], a[stay], b[stay], cgap[stay], deffort[stay],
                                                          expectation[stay])
    visits_all = int(tally["visits"].sum())
    return dict(tally=tally, endings=endings, customers=customers, steps=steps, visits=visits_all)


def defection_rate(result):
    e = result["endings"]
    return (e["abandoned"] + e["routed_defection"] + e["silent_churn"]) / result["customers"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", help="walk table JSON (bench/walk_table)")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with open(args.table) as f:
        table = json.load(f)
    t = WalkTable(table)
    began = time.perf_counter()
    result = simulate(t, args.customers, args.seed)
    seconds = time.perf_counter() - began
    rate = defection_rate(result)
    se = (rate * (1 - rate) / args.customers) ** 0.5
    exact = table["exact"]["defection_rate"]
    print(json.dumps(dict(customers=args.customers, seconds=seconds, visits=result["visits"],
                          steps=result["steps"], defection_rate=rate, exact_defection_rate=exact,
                          z=(rate - exact) / se if se > 0 else 0.0, endings=result["endings"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
