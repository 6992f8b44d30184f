"""The Python front door (`import cxsim`), specified against the cxsim command.

Run by CTest with the module *installed* (cmake --install ... --component python) into a
folder on PYTHONPATH, never imported from the build tree:
    test_cxsim.py CXSIM_BINARY REPO_ROOT
Every figure must equal the CLI's JSON bit for bit for the same scenario, seed and options.
"""

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import cxsim

CLI = sys.argv[1]
ROOT = sys.argv[2]
BROADBAND = os.path.join(ROOT, "scenarios", "broadband", "scenario.yaml")
SCENARIOS = os.path.join(ROOT, "scenarios")

# Figures that are about the machine, not the journey.
VOLATILE = {"elapsed_seconds", "visits_per_second", "threads"}


def cli_json(*args):
    out = subprocess.run([CLI, *args, "--format", "json"], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def strip(d):
    if isinstance(d, dict):
        return {k: strip(v) for k, v in d.items() if k not in VOLATILE}
    if isinstance(d, list):
        return [strip(v) for v in d]
    return d


class SameFiguresAsTheCommand(unittest.TestCase):
    def test_exact_equals_cli_json(self):
        self.assertEqual(strip(cxsim.load(BROADBAND).exact().to_dict()), strip(cli_json("exact", BROADBAND)))

    def test_exact_of_a_variant_and_a_persona_equals_cli_json(self):
        s = cxsim.load(BROADBAND)
        v = s.variants[0]
        seg = s.segments["segment"][0]
        got = s.exact(variant=v, segment=seg).to_dict()
        self.assertEqual(strip(got), strip(cli_json("exact", BROADBAND, "--variant", v, "--segment", seg)))

    def test_run_equals_cli_json(self):
        got = cxsim.load(BROADBAND).run(customers=30000, seed=11).to_dict()
        want = cli_json("run", BROADBAND, "--customers", "30000", "--seed", "11")
        self.assertEqual(strip(got), strip(want))

    def test_run_is_the_same_on_any_thread_count(self):
        s = cxsim.load(BROADBAND)
        one = s.run(customers=20000, seed=5, threads=1).to_dict()
        two = s.run(customers=20000, seed=5, threads=2).to_dict()
        self.assertEqual(strip(one), strip(two))

    def test_compare_equals_cli_json(self):
        got = cxsim.load(BROADBAND).compare(customers=20000, seed=3).to_dict()
        want = cli_json("compare", BROADBAND, "--customers", "20000", "--seed", "3")
        self.assertEqual(strip(got), strip(want))

    def test_compare_with_assumptions_equals_cli_json(self):
        got = cxsim.load(BROADBAND).compare(customers=5000, seed=3, assumptions=50).to_dict()
        want = cli_json("compare", BROADBAND, "--customers", "5000", "--seed", "3", "--assumptions", "50")
        self.assertEqual(strip(got), strip(want))
        self.assertEqual(got["assumptions"]["draws"], 50)

    def test_compare_files_equals_cli_json(self):
        a = os.path.join(SCENARIOS, "broadband", "scenario.yaml")
        b = os.path.join(SCENARIOS, "car_repair", "scenario.yaml")
        got = cxsim.compare_files([a, b], customers=10000, seed=2).to_dict()
        want = cli_json("compare", a, b, "--customers", "10000", "--seed", "2")
        self.assertEqual(strip(got), strip(want))

    def test_validate_equals_cli_json(self):
        got = cxsim.load(BROADBAND).validate(customers=20000, seed=4, threads=2)
        want = subprocess.run([CLI, "validate", BROADBAND, "--customers", "20000", "--seed", "4", "--format", "json"],
                              capture_output=True, text=True)
        self.assertEqual(got.to_dict(), json.loads(want.stdout))
        self.assertEqual(want.returncode, 0 if got.agrees else 1)
        self.assertEqual(len(got.figures), len(got.to_dict()["figures"]))
        self.assertEqual(list(got.figures["agrees"]), [abs(z) <= 5.0 for z in got.figures["z"]])

    def test_validate_refuses_too_few_customers(self):
        with self.assertRaisesRegex(cxsim.UsageError, "at least 1000"):
            cxsim.load(BROADBAND).validate(customers=999)

    def test_sensitivity_equals_cli_json(self):
        got = cxsim.load(BROADBAND).sensitivity(top=5).to_dict()
        self.assertEqual(strip(got), strip(cli_json("sensitivity", BROADBAND, "--top", "5")))


class TidyTables(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = cxsim.load(BROADBAND)
        cls.exact = cls.s.exact()
        cls.comparison = cls.s.compare(customers=20000, seed=3)

    def test_touchpoints_have_one_row_per_touchpoint_with_scenario_and_variant(self):
        t = self.exact.touchpoints
        self.assertEqual(len(t), len(self.exact.to_dict()["touchpoints"]))
        self.assertTrue(t["id"].is_unique)
        self.assertEqual(set(t["scenario"]), {self.s.name})
        self.assertEqual(set(t["variant"]), {"baseline"})

    def test_numbers_are_numbers(self):
        t = self.exact.touchpoints
        for column in ("visits", "defections", "abandoned_by_reliability", "defections_by_cause_effort"):
            self.assertEqual(t[column].dtype.kind, "f", column)

    def test_touchpoint_losses_add_up_to_the_defection_rate(self):
        self.assertAlmostEqual(self.exact.touchpoints["defections"].sum(), self.exact.defection_rate, places=12)

    def test_outcomes_sum_to_one(self):
        self.assertAlmostEqual(self.exact.outcomes["share"].sum(), 1.0, places=12)

    def test_redesigns_have_one_row_each_with_ci95_low_and_high(self):
        r = self.comparison.redesigns
        self.assertEqual(list(r["variant"]), self.s.variants)
        for column in ("difference", "ci95_low", "ci95_high", "exact_difference", "net_benefit_per_year",
                       "net_benefit_per_year_ci95_low", "money_verdict", "currency"):
            self.assertIn(column, r.columns)
        self.assertTrue(((r["ci95_low"] <= r["difference"]) & (r["difference"] <= r["ci95_high"])).all())

    def test_redesign_rows_carry_the_json_figures(self):
        data = self.comparison.to_dict()
        for row, v in zip(self.comparison.redesigns.itertuples(), data["variants"]):
            self.assertEqual(row.difference, v["difference"])
            self.assertEqual(row.net_benefit_per_year_exact, v["economics"]["net_benefit_per_year_exact"])

    def test_comparison_outcome_rows_are_per_redesign_and_outcome(self):
        o = self.comparison.outcomes
        self.assertEqual(len(o), len(self.s.variants) * 5)
        self.assertIn("ci95_low", o.columns)

    def test_pairs_have_one_row_per_pair_of_redesigns(self):
        n = len(self.s.variants)
        pairs = self.comparison.pairs
        self.assertEqual(len(pairs), n * (n - 1) // 2)
        first = self.comparison.to_dict()["pairs"][0]
        self.assertEqual(pairs["difference"][0], first["difference"])
        self.assertEqual(pairs["ci95_low"][0], first["difference_ci95"][0])

    def test_assumptions_give_one_row_per_redesign_and_a_tornado(self):
        c = self.s.compare(customers=2000, seed=3, assumptions=50)
        a = c.assumptions
        self.assertEqual(list(a["variant"]), self.s.variants)
        self.assertTrue(((a["p_pays"] >= 0) & (a["p_pays"] <= 1)).all())
        self.assertTrue((a["net_benefit_per_year_p5"] <= a["net_benefit_per_year_p95"]).all())
        swings = (c.tornado["net_benefit_at_high"] - c.tornado["net_benefit_at_low"]).abs()
        self.assertTrue(swings.is_monotonic_decreasing)
        self.assertTrue(self.comparison.assumptions.empty)

    def test_arms_list_the_baseline_first(self):
        a = self.comparison.arms
        self.assertEqual(list(a["variant"]), ["baseline"] + self.s.variants)


def copy_scenario(name):
    folder = tempfile.mkdtemp(prefix="cxsim-py-")
    target = os.path.join(folder, name)
    shutil.copytree(os.path.join(SCENARIOS, name), target)
    return target


class WhatIf(unittest.TestCase):
    def test_touchpoint_change_equals_editing_the_table(self):
        folder = copy_scenario("broadband")
        path = os.path.join(folder, "touchpoints.csv")
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        for r in rows[1:]:
            if r[header.index("id")] == "install":
                r[header.index("reliability")] = "0.95"
        with open(path, "w", newline="") as f:
            csv.writer(f).writerows(rows)
        edited = cxsim.load(os.path.join(folder, "scenario.yaml")).exact()
        changed = cxsim.load(BROADBAND).with_changes({"install.reliability": 0.95}).exact()
        self.assertEqual(changed.defection_rate, edited.defection_rate)
        self.assertEqual(changed.to_dict()["touchpoints"], edited.to_dict()["touchpoints"])

    def test_segment_change_equals_editing_the_file(self):
        import yaml

        folder = copy_scenario("broadband")
        path = os.path.join(folder, "scenario.yaml")
        with open(path) as f:
            doc = yaml.safe_load(f)
        seg = doc["segments"][0]
        seg["silent_churn"] = 0.5
        with open(path, "w") as f:
            yaml.safe_dump(doc, f, sort_keys=False)
        edited = cxsim.load(path).exact()
        changed = cxsim.load(BROADBAND).with_changes({f"segment:{seg['name']}.silent_churn": 0.5}).exact()
        self.assertEqual(changed.defection_rate, edited.defection_rate)

    def test_changes_leave_the_original_scenario_alone(self):
        s = cxsim.load(BROADBAND)
        before = s.exact().defection_rate
        s.with_changes({"install.reliability": 0.5})
        self.assertEqual(s.exact().defection_rate, before)

    def test_a_better_touchpoint_loses_fewer_customers(self):
        s = cxsim.load(BROADBAND)
        self.assertLess(s.with_changes({"install.reliability": 0.99}).exact().defection_rate,
                        s.with_changes({"install.reliability": 0.6}).exact().defection_rate)

    def test_walk_away_odds_become_the_hazard(self):
        s = cxsim.load(BROADBAND)
        name = s.segments["segment"][0]
        import math

        by_odds = s.with_changes({f"segment:{name}.walk_away.failed": 0.2}).exact().defection_rate
        by_hazard = s.with_changes({f"segment:{name}.sensitivity.reliability": -math.log(0.8)}).exact().defection_rate
        self.assertEqual(by_odds, by_hazard)

    def test_unknown_touchpoint_names_the_closest(self):
        with self.assertRaisesRegex(cxsim.UsageError, "did you mean 'install'"):
            cxsim.load(BROADBAND).with_changes({"instal.reliability": 0.9})

    def test_value_out_of_range_is_refused(self):
        with self.assertRaisesRegex(ValueError, "between 0 and 1"):
            cxsim.load(BROADBAND).with_changes({"install.reliability": 1.5})

    def test_sweep_gives_one_row_per_value_matching_with_changes(self):
        s = cxsim.load(BROADBAND)
        curve = s.sweep("install.reliability", 0.5, 1.0, steps=3)
        self.assertEqual(list(curve["value"]), [0.5, 0.75, 1.0])
        self.assertEqual(curve["defection_rate"][1], s.with_changes({"install.reliability": 0.75}).exact().defection_rate)


class BadInput(unittest.TestCase):
    def bad_scenario(self):
        folder = copy_scenario("broadband")
        path = os.path.join(folder, "touchpoints.csv")
        with open(path) as f:
            lines = f.read().splitlines()
        cells = lines[2].split(",")
        header = lines[0].split(",")
        cells[header.index("reliability")] = "1.7"
        lines[2] = ",".join(cells)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return os.path.join(folder, "scenario.yaml"), path

    def test_input_error_is_a_value_error_with_file_line_and_column(self):
        scenario, table = self.bad_scenario()
        with self.assertRaises(cxsim.InputError) as caught:
            cxsim.load(scenario)
        e = caught.exception
        self.assertIsInstance(e, ValueError)
        self.assertEqual(e.file, table)
        self.assertEqual(e.line, 3)
        self.assertIsNotNone(e.column)

    def test_input_error_message_is_the_clis(self):
        scenario, _ = self.bad_scenario()
        cli = subprocess.run([CLI, "exact", scenario], capture_output=True, text=True)
        self.assertEqual(cli.returncode, 2)
        with self.assertRaises(cxsim.InputError) as caught:
            cxsim.load(scenario)
        self.assertEqual(str(caught.exception), cli.stderr.strip())

    def test_unknown_variant_suggests_the_closest(self):
        s = cxsim.load(BROADBAND)
        with self.assertRaisesRegex(cxsim.UsageError, "did you mean"):
            s.exact(variant=s.variants[0][:-1])

    def test_bad_counts_are_usage_errors(self):
        s = cxsim.load(BROADBAND)
        for kwargs in ({"customers": 0}, {"customers": 2.5}, {"seed": -1}, {"threads": 5000}, {"precision": 0.7}):
            with self.assertRaises(cxsim.UsageError, msg=str(kwargs)):
                s.run(**kwargs)

    def test_missing_file_is_an_input_error_naming_it(self):
        with self.assertRaisesRegex(cxsim.InputError, "nowhere.yaml"):
            cxsim.load(os.path.join(ROOT, "nowhere.yaml"))

def simulated_counts():
    """OBSERVED.yaml and a holdout as docs/calibration.md's worked example makes them: counts of
    the broadband journey with installs that work 65% of the time and value seekers churning
    faster, simulated by the command and written by scripts/simulated-observations.py."""
    folder = copy_scenario("broadband")
    table = os.path.join(folder, "touchpoints.csv")
    with open(table) as f:
        text = f.read()
    old = "install,Engineer installation,install,field,0.75,"
    assert old in text
    with open(table, "w") as f:
        f.write(text.replace(old, "install,Engineer installation,install,field,0.65,"))
    truth = os.path.join(folder, "scenario.yaml")
    with open(truth) as f:
        text = f.read()
    assert "silent_churn: 0.8 " in text
    with open(truth, "w") as f:
        f.write(text.replace("silent_churn: 0.8 ", "silent_churn: 1.1 "))
    files = []
    for name, customers, seed in (("observed", 50000, 1), ("holdout", 30000, 2)):
        run = os.path.join(folder, name + "-run.json")
        with open(run, "w") as f:
            subprocess.run([CLI, "run", truth, "--customers", str(customers), "--seed", str(seed), "--format", "json"],
                           check=True, stdout=f)
        out = os.path.join(folder, name + ".yaml")
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "simulated-observations.py"), "counts", run, out],
                       check=True)
        files.append(out)
    return folder, files[0], files[1]


FIT = ["install.reliability", "segment:value_seekers.silent_churn"]
DATE = re.compile(rb"^(# Fitted by cxsim calibrate \S+ .*?on )\d{4}-\d\d-\d\d \d\d:\d\d UTC\.\n")


def cli_calibrate(*args):
    """(exit code, the JSON report or None, stderr) of `cxsim calibrate ... --format json`."""
    out = subprocess.run([CLI, "calibrate", *args, "--format", "json"], capture_output=True, text=True)
    return out.returncode, (json.loads(out.stdout) if out.stdout.strip() else None), out.stderr


class Calibrate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder, cls.observed, cls.holdout = simulated_counts()
        cls.s = cxsim.load(BROADBAND)

    def assert_same_file_but_the_minute(self, got_path, want_path):
        """FITTED.yaml byte for byte; its first line says when it was fitted, to the minute, and
        two fits a minute apart may differ there and nowhere else."""
        with open(got_path, "rb") as f:
            got = f.read()
        with open(want_path, "rb") as f:
            want = f.read()
        if got != want:
            self.assertRegex(got, DATE)
            self.assertEqual(DATE.sub(rb"\1DATE.\n", got), DATE.sub(rb"\1DATE.\n", want))

    def test_calibrate_equals_cli_json_and_save_writes_what_out_writes(self):
        out = os.path.join(self.folder, "fitted-cli.yaml")
        code, want, err = cli_calibrate(BROADBAND, "--observed", self.observed, "--holdout", self.holdout,
                                        *sum((["--fit", f] for f in FIT), []), "--out", out)
        self.assertEqual(code, 0, err)
        c = self.s.calibrate(self.observed, fit=FIT, holdout=self.holdout)
        got = c.to_dict()
        self.assertIsNone(got["fitted_scenario"])  # nothing written yet
        saved = os.path.join(self.folder, "fitted-py.yaml")
        c.save(saved)
        self.assertEqual(c.to_dict(), dict(want, fitted_scenario=saved))
        self.assertEqual(list(c.to_dict()), list(want))  # the same keys in the same order
        self.assert_same_file_but_the_minute(saved, out)
        # The fitted scenario loads, with the fitted values in it.
        fitted = cxsim.load(saved)
        self.assertEqual(fitted.exact().defection_rate, c.defection_rate)

    def test_calibrate_is_the_same_with_other_starts_seed_and_threads_as_the_cli(self):
        out = os.path.join(self.folder, "fitted-cli-2.yaml")
        code, want, err = cli_calibrate(BROADBAND, "--observed", self.observed, "--fit", "install.reliability",
                                        "--starts", "2", "--seed", "9", "--threads", "1", "--out", out)
        self.assertEqual(code, 0, err)
        c = self.s.calibrate(self.observed, fit="install.reliability", starts=2, seed=9, threads=1)
        c.save(os.path.join(self.folder, "fitted-py-2.yaml"))
        self.assertEqual(dict(c.to_dict(), fitted_scenario=out), want)
        self.assertEqual(len(want["starts"]), 2)

    def test_tables_are_tidy_and_carry_the_json_figures(self):
        c = self.s.calibrate(self.observed, fit=FIT, holdout=self.holdout)
        d = c.to_dict()
        p = c.parameters
        self.assertEqual(list(p["parameter"]), FIT)
        self.assertEqual(set(p["scenario"]), {self.s.name})
        for row, want in zip(p.itertuples(), d["parameters"]):
            self.assertEqual((row.start, row.fitted, row.se), (want["start"], want["fitted"], want["se"]))
            self.assertEqual([row.ci95_low, row.ci95_high], want["ci95"])
        # Both intervals hold the truth the counts were simulated from.
        self.assertTrue(p["ci95_low"][0] < 0.65 < p["ci95_high"][0], p)
        self.assertTrue(p["ci95_low"][1] < 1.1 < p["ci95_high"][1], p)
        f = c.fit
        self.assertEqual(list(f.columns), ["scenario", "data", "measure", "observed", "expected", "pearson_residual",
                                           "structural_zero"])
        self.assertEqual(len(f[f["data"] == "observed"]), len(d["fit"]))
        self.assertEqual(len(f[f["data"] == "holdout"]), len(d["holdout"]["fit"]))
        self.assertEqual(list(f["expected"][: len(d["fit"])]), [r["expected"] for r in d["fit"]])
        self.assertEqual(f["observed"].dtype.kind, "f")

    def test_poor_fit_is_refused_with_the_clis_reason_unless_accepted(self):
        bad = ["segment:home_workers.value_expectation"]
        out = os.path.join(self.folder, "poor.yaml")
        code, report, err = cli_calibrate(BROADBAND, "--observed", self.observed, "--fit", bad[0], "--out", out)
        self.assertEqual(code, 1)
        self.assertFalse(os.path.exists(out))
        reason = re.match(r"cxsim: error: (.*); nothing was written to '.*'$", err.strip().splitlines()[-1]).group(1)
        with self.assertRaises(cxsim.CalibrationError) as caught:
            self.s.calibrate(self.observed, fit=bad)
        self.assertIsInstance(caught.exception, RuntimeError)
        self.assertEqual(str(caught.exception),
                         reason.replace("add --accept-poor-fit", "pass accept_poor_fit=True"))
        self.assertIn("the model cannot fit the counts", str(caught.exception))
        # The report the command prints before refusing comes with the exception.
        self.assertEqual(dict(caught.exception.calibration.to_dict(), fitted_scenario=""), report)
        # Accepted, it is written like the CLI's.
        code, want, err = cli_calibrate(BROADBAND, "--observed", self.observed, "--fit", bad[0], "--out", out,
                                        "--accept-poor-fit")
        self.assertEqual(code, 0, err)
        c = self.s.calibrate(self.observed, fit=bad, accept_poor_fit=True)
        saved = os.path.join(self.folder, "poor-py.yaml")
        c.save(saved)
        self.assertEqual(dict(c.to_dict(), fitted_scenario=out), want)
        self.assert_same_file_but_the_minute(saved, out)

    def test_defection_rate_equals_cli_json_and_file(self):
        out = os.path.join(self.folder, "headline-cli.yaml")
        code, want, err = cli_calibrate(BROADBAND, "--defection-rate", "0.4", "--out", out)
        self.assertEqual(code, 0, err)
        c = self.s.calibrate(defection_rate=0.4)
        self.assertIsNone(c.to_dict()["fitted_file"])
        saved = os.path.join(self.folder, "headline-py.yaml")
        c.save(saved)
        self.assertEqual(c.to_dict(), dict(want, fitted_file=saved))
        self.assert_same_file_but_the_minute(saved, out)
        self.assertEqual(c.parameters["fitted"][0], want["factor"])
        with self.assertRaisesRegex(cxsim.UsageError, r"did you mean 0\.3\?"):
            self.s.calibrate(defection_rate=30)

    def test_missing_observed_file_is_the_clis_input_error(self):
        missing = os.path.join(self.folder, "nowhere.yaml")
        code, _, err = cli_calibrate(BROADBAND, "--observed", missing, "--fit", "install.reliability",
                                     "--out", os.path.join(self.folder, "x.yaml"))
        self.assertEqual(code, 2)
        with self.assertRaises(cxsim.InputError) as caught:
            self.s.calibrate(missing, fit=["install.reliability"])
        self.assertEqual(str(caught.exception), err.strip())
        self.assertEqual(caught.exception.file, missing)

    def test_bad_count_names_its_file_and_line(self):
        bad = os.path.join(self.folder, "bad.yaml")
        with open(bad, "w") as f:
            f.write("customers: 10\noutcomes: {retained: -1}\n")
        code, _, err = cli_calibrate(BROADBAND, "--observed", bad, "--fit", "install.reliability",
                                     "--out", os.path.join(self.folder, "x.yaml"))
        self.assertEqual(code, 2)
        with self.assertRaises(cxsim.InputError) as caught:
            self.s.calibrate(bad, fit=["install.reliability"])
        self.assertEqual(str(caught.exception), err.strip())
        self.assertEqual((caught.exception.file, caught.exception.line), (bad, 2))

    def test_unknown_parameter_is_the_clis_usage_error(self):
        code, _, err = cli_calibrate(BROADBAND, "--observed", self.observed, "--fit", "instal.reliability",
                                     "--out", os.path.join(self.folder, "x.yaml"))
        self.assertEqual(code, 2)
        with self.assertRaises(cxsim.UsageError) as caught:
            self.s.calibrate(self.observed, fit=["instal.reliability"])
        self.assertEqual("cxsim: error: " + str(caught.exception), err.strip())

    def test_save_refuses_to_overwrite_an_input(self):
        c = self.s.calibrate(self.observed, fit=FIT, starts=1)
        with open(self.observed, "rb") as f:
            before = f.read()
        with self.assertRaises(cxsim.UsageError):
            c.save(self.observed)
        with open(self.observed, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_ctrl_c_stops_a_fit(self):
        # 64 starts of every reliability and churn take about half a minute; the interrupt must
        # end the call long before, not once the fit is done.
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.start()
        started = time.monotonic()
        with self.assertRaises(KeyboardInterrupt):
            self.s.calibrate(self.observed, fit=["*.reliability", "segment:*.silent_churn"], starts=64)
        timer.join()
        self.assertLess(time.monotonic() - started, 10.0)

    def test_a_changed_scenario_is_not_calibrated_as_if_it_were_its_file(self):
        with self.assertRaisesRegex(cxsim.UsageError, "with_changes"):
            self.s.with_changes({"install.reliability": 0.9}).calibrate(self.observed, fit=FIT)


class Interrupt(unittest.TestCase):
    def test_ctrl_c_stops_a_long_run_and_raises_keyboard_interrupt(self):
        s = cxsim.load(BROADBAND)
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.start()
        started = time.monotonic()
        # A trillion customers would take days: only the interrupt can end this call.
        with self.assertRaises(KeyboardInterrupt):
            s.run(customers=10**12, seed=1)
        timer.join()
        self.assertLess(time.monotonic() - started, 60.0)
        # The module still works afterwards.
        self.assertGreater(s.run(customers=1000, seed=1).defection_rate, 0.0)


class Portfolio(unittest.TestCase):
    def test_batch_gives_one_row_per_scenario_and_redesign(self):
        p = cxsim.batch(SCENARIOS, customers=5000, seed=1)
        expected = sum(len(cxsim.load(f).variants) for f in p.files)
        self.assertEqual(len(p.redesigns), expected)
        self.assertEqual(set(p.redesigns["scenario_file"]), set(p.files))
        self.assertEqual(len(p.files), 3)

    def test_batch_skips_invalid_files_when_asked(self):
        folder = tempfile.mkdtemp(prefix="cxsim-py-")
        shutil.copytree(os.path.join(SCENARIOS, "broadband"), os.path.join(folder, "good"))
        os.makedirs(os.path.join(folder, "bad"))
        with open(os.path.join(folder, "bad", "scenario.yaml"), "w") as f:
            f.write("name: [unclosed\n")
        with self.assertRaises(cxsim.InputError):
            cxsim.batch(folder, customers=2000)
        p = cxsim.batch(folder, customers=2000, errors="skip")
        self.assertEqual(len(p.files), 1)
        self.assertEqual(list(p.failed), [os.path.join(folder, "bad", "scenario.yaml")])

    def test_batch_finds_the_files_the_command_finds_and_skips_yaml_that_is_no_scenario(self):
        folder = tempfile.mkdtemp(prefix="cxsim-py-")
        shutil.copytree(os.path.join(SCENARIOS, "broadband"), os.path.join(folder, "good"))
        with open(os.path.join(folder, "observed.yaml"), "w") as f:
            f.write("counts:\n  customers: 100\n")
        with self.assertWarnsRegex(RuntimeWarning, "observed.yaml"):
            p = cxsim.batch(folder, customers=2000, seed=1)
        self.assertEqual(p.files, [os.path.join(folder, "good", "scenario.yaml")])
        out = os.path.join(folder, "results.csv")
        subprocess.run([CLI, "batch", folder, "--customers", "2000", "--seed", "1", "--out", out], check=True,
                       capture_output=True)
        with open(out) as f:
            self.assertEqual(sorted({r["scenario_file"] for r in csv.DictReader(f)}), p.files)


def page_data(path):
    """The figures a report page embeds (its JSON), without the date it was made."""
    with open(path) as f:
        html = f.read()
    m = re.search(r'<script type="application/json" id="cxsim-data"[^>]*>(.*?)</script>', html, re.S)
    data = json.loads(m.group(1))

    def undated(d):
        if isinstance(d, dict):
            return {k: undated(v) for k, v in d.items() if k not in VOLATILE | {"date"}}
        if isinstance(d, list):
            return [undated(v) for v in d]
        return d
    return undated(data)


class Report(unittest.TestCase):
    def test_report_writes_the_page_the_command_writes(self):
        folder = tempfile.mkdtemp(prefix="cxsim-py-")
        mine, theirs = os.path.join(folder, "python.html"), os.path.join(folder, "cli.html")
        s = cxsim.load(BROADBAND)
        self.assertEqual(s.report(mine, customers=20000, seed=5, threads=2), mine)
        subprocess.run([CLI, "report", BROADBAND, "--customers", "20000", "--seed", "5", "--out", theirs], check=True,
                       capture_output=True)
        got, want = page_data(mine), page_data(theirs)
        # The reproduce line names the page's own file.
        self.assertEqual(got["reproduce"].pop("command").replace("python.html", "cli.html"),
                         want["reproduce"].pop("command"))
        self.assertEqual(got, want)

    def test_report_of_a_changed_scenario_is_refused_and_writes_nothing(self):
        folder = tempfile.mkdtemp(prefix="cxsim-py-")
        page = os.path.join(folder, "page.html")
        changed = cxsim.load(BROADBAND).with_changes({"install.reliability": 0.99})
        with self.assertRaisesRegex(cxsim.UsageError, "with_changes"):
            changed.report(page, customers=2000)
        self.assertFalse(os.path.exists(page))

    def test_report_never_overwrites_the_scenario(self):
        folder = tempfile.mkdtemp(prefix="cxsim-py-")
        shutil.copytree(os.path.join(SCENARIOS, "broadband"), os.path.join(folder, "b"))
        scenario = os.path.join(folder, "b", "scenario.yaml")
        with open(scenario) as f:
            before = f.read()
        with self.assertRaises(cxsim.UsageError):
            cxsim.load(scenario).report(scenario, customers=2000)
        with open(scenario) as f:
            self.assertEqual(f.read(), before)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
