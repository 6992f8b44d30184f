#!/usr/bin/python3
"""cxsim's Monte Carlo engine beside the NumPy peer, in one run, on the same journeys.

For the generated 40-touchpoint journeys (deep and wide) and every bundled scenario: cxsim's
visits per second on 1 and 2 threads (build/bench/monte_carlo_bench), its parallel efficiency
(2-thread rate / twice the 1-thread rate), the NumPy peer's visits per second (bench/numpy_peer.py,
one thread: NumPy's array operations run on one core), the ratio, and the peer's defection rate
against the exact solver's as a z-score (so a peer that walked a different model would show).

    /usr/bin/python3 bench/peer_benchmark.py [--build build] [--customers 1000000]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_peer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (label, walk_table arguments, monte_carlo_bench name, count terminal arrivals as visits)
# The generated-journey benchmarks count visits to non-terminal touchpoints, the scenario ones
# every visit; the peer's rate is counted the same way as the benchmark beside it.
JOURNEYS = [
    ("deep 40", ["--deep", "40"], "BM_DeepJourney/[12]/40", False),
    ("wide 40", ["--wide", "40"], "BM_WideJourney/[12]/40", False),
] + [
    (name, [os.path.join(ROOT, "scenarios", name, "scenario.yaml")], "BM_" + "".join(
        w.capitalize() for w in name.split("_")), True)
    for name in ("broadband", "car_repair", "b2b_onboarding")
]


def cxsim_rates(build, name):
    """visits/s by thread count from one monte_carlo_bench run: the best of three repetitions,
    as this machine's other tenants only ever slow a run down."""
    out = subprocess.run(
        [os.path.join(build, "bench", "monte_carlo_bench"), f"--benchmark_filter=^{name}(/|$)",
         "--benchmark_format=json", "--benchmark_min_time=1", "--benchmark_repetitions=3"],
        check=True, capture_output=True, text=True).stdout
    rates = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        threads = int(b["name"].split("/")[1])
        rates[threads] = max(rates.get(threads, 0.0), b["visits/s"])
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--customers", type=int, default=1_000_000, help="customers the peer walks")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, table_args, bench, count_terminals in JOURNEYS:
            path = os.path.join(tmp, "table.json")
            with open(path, "w") as f:
                subprocess.run([os.path.join(args.build, "bench", "walk_table")] + table_args, check=True, stdout=f)
            with open(path) as f:
                table = json.load(f)
            walk = numpy_peer.WalkTable(table)
            seconds = float("inf")
            for _ in range(2):  # the better of two, as for cxsim
                began = time.perf_counter()
                result = numpy_peer.simulate(walk, args.customers)
                seconds = min(seconds, time.perf_counter() - began)
            peer = (result["visits"] if count_terminals else result["steps"]) / seconds
            rate = numpy_peer.defection_rate(result)
            exact = table["exact"]["defection_rate"]
            se = (rate * (1 - rate) / args.customers) ** 0.5
            cx = cxsim_rates(args.build, bench)
            rows.append((label, cx.get(1), cx[2], peer, (rate - exact) / se if se > 0 else 0.0))
    print(f"{'journey':<16}{'cxsim 1 thread':>16}{'cxsim 2 threads':>17}{'efficiency':>12}"
          f"{'numpy peer':>14}{'ratio':>8}{'peer z':>8}")
    for label, one, two, peer, z in rows:
        efficiency = f"{two / (2 * one):.0%}" if one else "-"
        one_text = f"{one / 1e6:.1f} M/s" if one else "-"
        print(f"{label:<16}{one_text:>16}{two / 1e6:>13.1f} M/s{efficiency:>12}"
              f"{peer / 1e6:>10.2f} M/s{two / peer:>7.1f}x{z:>8.2f}")
    print("visits per second; ratio = cxsim on 2 threads / the NumPy peer; "
          "peer z = (peer's defection rate - exact) / its standard error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
