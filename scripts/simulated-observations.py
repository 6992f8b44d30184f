#!/usr/bin/env python3
"""Observed-data files made from cxsim's own simulations, to try import-paths and calibrate
on data whose truth is known (docs/calibration.md). The output is simulated, and says so.

  simulated-observations.py counts RUN.json OUT.yaml
      OBSERVED.yaml (and OUT-touchpoints.csv beside it) from `cxsim run --format json`:
      customers, the four outcomes, and every touchpoint's visits, failures, repeats and
      abandonments.
  simulated-observations.py paths TRACE.csv PATHS.csv
      PATHS.csv for `cxsim import-paths` from a `cxsim run --trace N --trace-out TRACE.csv`.
"""
import csv
import json
import os
import sys

ENDINGS = {"retained": "retained", "abandoned": "abandoned", "routed_defection": "defected",
           "silent_churn": "churned"}


def counts(run_json, out_yaml):
    with open(run_json) as f:
        run = json.load(f)
    n = run["customers"]
    unfinished = round(run["outcomes"].get("unfinished", 0.0) * n)
    table = os.path.splitext(out_yaml)[0] + "-touchpoints.csv"
    with open(table, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["touchpoint", "visits", "failures", "repeats", "abandoned"])
        for t in run["touchpoints"]:  # endings too: their visits are customers who reached them
            w.writerow([t["id"]] + [round(t[k] * n) for k in ("visits", "failures", "repeats", "abandoned")])
    outcomes = {k: round(run["outcomes"][k] * n) for k in ENDINGS}
    with open(out_yaml, "w") as f:
        f.write("# SIMULATED, not observed: counts of `cxsim run` on %s (%s), seed %s.\n"
                % (run["scenario"], run["variant"], run["seed"]))
        f.write("customers: %d\n" % (n - unfinished))
        f.write("outcomes: {%s}\n" % ", ".join("%s: %d" % kv for kv in outcomes.items()))
        f.write("touchpoints: %s\n" % os.path.basename(table))


def paths(trace_csv, paths_csv):
    with open(trace_csv, newline="") as f, open(paths_csv, "w", newline="") as g:
        w = csv.writer(g)
        w.writerow(["customer", "step", "touchpoint", "ending", "segment", "failed"])
        rows = []

        def flush(outcome):
            if rows and outcome in ENDINGS:
                rows[-1][3] = ENDINGS[outcome]
                w.writerows(rows)
            rows.clear()

        for r in csv.DictReader(row for row in f if not row.startswith("#")):
            if rows and rows[-1][0] != r["customer"]:
                flush("")
            if r["failed"] != "":  # endings are not visits
                rows.append([r["customer"], len(rows) + 1, r["touchpoint"], "", r["segment"],
                             int(r["failed"])])
            if r["outcome"]:
                flush(r["outcome"])


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("counts", "paths"):
        sys.exit(__doc__)
    (counts if sys.argv[1] == "counts" else paths)(sys.argv[2], sys.argv[3])
