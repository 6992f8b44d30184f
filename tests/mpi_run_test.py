#!/usr/bin/env python3
"""`mpirun -np K cxsim run` (built with -DCXSIM_MPI=ON) gives the figures of a single-process
run, bit for bit, for K = 1, 2 and 3 (oversubscribed on a 2-core machine) and any thread
count; only the first process writes, and a failure on one process stops them all with the
error said once.

    mpi_run_test.py BUILD/cxsim SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

# How the run was done rather than what it found: the threads and processes it used, the time.
RUN_INFO = ("threads", "processes", "elapsed_seconds", "visits_per_second")


def figures(text):
    d = json.loads(text)
    for key in RUN_INFO:
        d.pop(key, None)
    return d


def main():
    cxsim, source = sys.argv[1], sys.argv[2]
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    scenario = os.path.join(source, "scenarios", "broadband", "scenario.yaml")
    failures = []

    def mpirun(k, *args):
        return subprocess.run(["mpirun", "--oversubscribe", "-np", str(k), cxsim, *args], env=env,
                              capture_output=True, text=True, timeout=300)

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    for args in (["--customers", "250000", "--seed", "5"], ["--precision", "0.003", "--seed", "9"]):
        alone = subprocess.run([cxsim, "run", scenario, "--format", "json", *args], env=env,
                               capture_output=True, text=True, check=True)
        for k, threads in ((1, "0"), (2, "0"), (3, "1"), (3, "2")):
            r = mpirun(k, "run", scenario, "--format", "json", "--threads", threads, *args)
            check(r.returncode == 0 and figures(r.stdout) == figures(alone.stdout),
                  f"{k} processes, --threads {threads}, {' '.join(args)}: the single-process figures")

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.csv")
        r = mpirun(3, "run", scenario, "--format", "csv", "--customers", "100000", "--out", out)
        check(r.returncode == 0 and r.stdout == "" and open(out).read().count("\n") > 1,
              "--out is written by the first process alone, nothing on standard output")

        before = open(scenario, "rb").read()
        r = mpirun(3, "run", scenario, "--out", scenario)
        check(r.returncode == 2 and open(scenario, "rb").read() == before and r.stderr.count("refusing to write") == 1,
              "an output refused on the first process stops every process, said once (exit 2)")

        bad = os.path.join(tmp, "bad.yaml")
        with open(bad, "w") as f:
            f.write("name: x\n")
        r = mpirun(2, "run", bad)
        check(r.returncode == 2 and r.stderr.count("bad.yaml:1:1") == 1, "a bad scenario is reported once (exit 2)")

        r = mpirun(2, "exact", scenario)
        check(r.returncode == 2 and r.stdout == "" and r.stderr.count("only `cxsim run`") == 1,
              "other commands refuse to run under mpirun (exit 2)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
