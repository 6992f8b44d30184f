#!/usr/bin/python3
"""The NumPy peer of bench/ walks the same model as cxsim: its defection rate on the generated
40-touchpoint journeys and on a bundled scenario is within 5 standard errors of the exact
solver's (200,000 customers, fixed seed 7; at 5 SE a correct peer fails about once in
1.7 million runs). Without this, the speed ratio the benchmark prints could compare cxsim
with a different, cheaper model.

    numpy_peer_test.py BUILD/bench/walk_table SOURCE_DIR
"""
import json
import os
import subprocess
import sys


def main():
    walk_table, source = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.join(source, "bench"))
    import numpy_peer

    failures = 0
    for args in (["--deep", "40"], ["--wide", "40"], [os.path.join(source, "scenarios", "broadband", "scenario.yaml")]):
        table = json.loads(subprocess.run([walk_table] + args, check=True, capture_output=True, text=True).stdout)
        customers = 200_000
        result = numpy_peer.simulate(numpy_peer.WalkTable(table), customers, seed=7)
        rate = numpy_peer.defection_rate(result)
        exact = table["exact"]["defection_rate"]
        se = (exact * (1 - exact) / customers) ** 0.5
        z = (rate - exact) / se
        ok = abs(z) < 5 and result["endings"]["unfinished"] == 0
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {' '.join(args)}: peer {rate:.5f}, exact {exact:.5f}, z = {z:+.2f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
