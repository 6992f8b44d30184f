"""cxsim in Python: customer-journey friction, defection and redesign decisions as DataFrames.

    import cxsim
    s = cxsim.load("scenarios/broadband/scenario.yaml")
    s.exact().touchpoints                      # where customers are lost, exactly
    s.run(customers=200_000, seed=7).outcomes  # the Monte Carlo estimate, with 95% intervals
    s.compare().redesigns                      # every redesign against the baseline, paired
    s.with_changes({"install.reliability": 0.95}).exact().defection_rate
    s.calibrate("observed.yaml", fit=["install.reliability"]).save("fitted.yaml")
    s.report("broadband.html")                 # the page of `cxsim report`

Every figure is computed by the same code as the `cxsim` command and equals its JSON output
(`to_dict()`), bit for bit, for the same scenario, seed and options. Tables are tidy pandas
DataFrames: one row per thing, the scenario and variant in every row, numbers as numbers,
intervals as `ci95_low` / `ci95_high`.

Bad input raises `cxsim.InputError` (a ValueError) with `file`, `line`, `column` and the CLI's
message; bad arguments raise `cxsim.UsageError` (also a ValueError); a calibration that must not
be written raises `cxsim.CalibrationError` (a RuntimeError) with the CLI's reason. Long runs release the GIL
and stop on Ctrl-C (KeyboardInterrupt) within a fraction of a second.
"""

from __future__ import annotations

import json as _json
import os as _os
import warnings as _warnings
from typing import Iterable, Mapping, Optional, Sequence

from . import _cxsim
from ._cxsim import CalibrationError, InputError, SolverError, UsageError

__all__ = [
    "load",
    "batch",
    "compare_files",
    "Scenario",
    "Result",
    "Comparison",
    "Portfolio",
    "Sensitivity",
    "Calibration",
    "Validation",
    "InputError",
    "UsageError",
    "SolverError",
    "CalibrationError",
]


def _pandas():
    # pandas is imported on first use: `import cxsim` works (and `to_dict()` with it) without it.
    import pandas

    return pandas


def _warn(messages: Iterable[str]) -> None:
    for m in messages:
        _warnings.warn(m, RuntimeWarning, stacklevel=3)


def _count(name: str, value, minimum: int = 0) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) and not (
        isinstance(value, float) and value.is_integer()
    ):
        raise UsageError(f"{name} must be a whole number, not {value!r}")
    value = int(value)
    if value < minimum:
        raise UsageError(f"{name} must be at least {minimum}, not {value}")
    if value >= 2**64:
        raise UsageError(f"{name} must be below 2**64, not {value}")
    return value


def _flat(row: Mapping, prefix: str = "") -> dict:
    """One level of columns from nested JSON: {"a": {"b": 1}} -> {"a_b": 1}; [lo, hi] intervals
    -> NAME_low / NAME_high (ci95 pairs as ci95_low / ci95_high)."""
    out = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flat(value, name + "_"))
        elif isinstance(value, list) and len(value) == 2 and name.endswith("ci95") and all(
            isinstance(v, (int, float)) for v in value
        ):
            out[name + "_low"] = value[0]
            out[name + "_high"] = value[1]
        elif value is None and name.endswith("ci95"):
            out[name + "_low"] = None
            out[name + "_high"] = None
        elif isinstance(value, list):
            continue  # nested tables have DataFrames of their own
        else:
            out[name] = value
    return out


def _interval_columns(row: dict) -> dict:
    # The difference's own interval is the row's interval: ci95_low / ci95_high.
    for stem in ("difference_ci95", "defection_ci95"):
        if stem + "_low" in row:
            row["ci95_low"] = row.pop(stem + "_low")
            row["ci95_high"] = row.pop(stem + "_high")
    return row


class _FromJson:
    """A result the command would print as JSON: that JSON, and the warnings it gave."""

    def __init__(self, data: dict, warnings: Sequence[str]):
        self._data = data
        self.warnings = list(warnings)

    def to_dict(self) -> dict:
        """The JSON the command prints with --format json, as Python objects (a copy)."""
        return _json.loads(_json.dumps(self._data))


class Result(_FromJson):
    """One arm studied on its own: a Monte Carlo run (`run`) or the exact solution (`exact`)."""

    @property
    def defection_rate(self) -> float:
        return self._data["defection_rate"]

    @property
    def method(self) -> str:
        return self._data["method"]

    def _key(self) -> dict:
        d = self._data
        return {"scenario": d["scenario"], "variant": d["variant"], "segment": d["segment"], "method": d["method"]}

    @property
    def summary(self):
        """One row: the defection rate (with its 95% interval for Monte Carlo), effort and cost."""
        d = self._data
        row = self._key()
        row.update(
            customers=d.get("customers"),
            seed=d.get("seed"),
            defection_rate=d["defection_rate"],
            ci95_low=d["defection_ci95"][0] if "defection_ci95" in d else None,
            ci95_high=d["defection_ci95"][1] if "defection_ci95" in d else None,
            effort_minutes_per_customer=d["effort_minutes_per_customer"],
            cost_to_serve_per_customer=d["cost_to_serve_per_customer"],
        )
        return _pandas().DataFrame([row])

    @property
    def outcomes(self):
        """One row per way a customer's journey ends: its share of customers."""
        rows = [dict(self._key(), outcome=k, share=v) for k, v in self._data["outcomes"].items()]
        return _pandas().DataFrame(rows)

    @property
    def causes(self):
        """One row per friction: the share of customers who defected through it (and abandoned)."""
        d = self._data
        rows = []
        for cause, share in d["defections_by_cause"].items():
            rows.append(
                dict(self._key(), cause=cause, defections=share, abandoned=d["abandonment_by_cause"].get(cause))
            )
        return _pandas().DataFrame(rows)

    def _table(self, name: str):
        rows = [dict(self._key(), **_flat(r)) for r in self._data[name]]
        return _pandas().DataFrame(rows)

    @property
    def touchpoints(self):
        """One row per touchpoint: visits, failures, where customers were lost and through what,
        per customer entering the journey."""
        return self._table("touchpoints")

    @property
    def stages(self):
        return self._table("stages")

    @property
    def channels(self):
        return self._table("channels")

    @property
    def segments(self):
        """One row per segment: its share and its own defection rate."""
        rows = [dict(self._key(), **{("segment_name" if k == "name" else k): v for k, v in _flat(r).items()})
                for r in self._data["segments"]]
        return _pandas().DataFrame(rows)

    def __repr__(self) -> str:
        d = self._data
        return (
            f"<cxsim.Result {d['scenario']!r} {d['variant']} ({d['method']}): "
            f"defection rate {100 * d['defection_rate']:.3f}%>"
        )


class Comparison(_FromJson):
    """A baseline against its redesigns, paired on common random numbers, with the exact
    difference beside every estimate and, with an economics block, the money decision."""


    @property
    def scenario(self) -> str:
        return self._data["scenario"]

    def _variant_rows(self):
        for v in self._data["variants"]:
            yield v

    @property
    def arms(self):
        """One row per arm (baseline first): its own estimated defection rate."""
        rows = []
        for arm in [self._data["baseline"]] + [v["result"] for v in self._data["variants"]]:
            rows.append(
                {
                    "scenario": self.scenario,
                    "variant": arm["variant"],
                    "customers": arm.get("customers"),
                    "defection_rate": arm["defection_rate"],
                    "ci95_low": arm["defection_ci95"][0],
                    "ci95_high": arm["defection_ci95"][1],
                    "cost_to_serve_per_customer": arm.get("cost_to_serve_per_customer"),
                    "effort_minutes_per_customer": arm.get("effort_minutes_per_customer"),
                }
            )
        return _pandas().DataFrame(rows)

    @property
    def redesigns(self):
        """One row per redesign: the change in defection rate (redesign minus baseline, a share),
        its paired 95% interval (simulation noise), the adjusted p-value, the exact change, the
        verdict, and the money figures when the scenario has an economics block."""
        rows = []
        econ = self._data.get("economics") or {}
        for v in self._variant_rows():
            row = {"scenario": self.scenario, "variant": v["name"]}
            row.update(
                {k: v[k] for k in ("rank", "verdict", "difference", "standard_error", "p_value", "p_adjusted",
                                   "exact_difference", "z_vs_exact", "customers_kept_per_1000")
                 if k in v}
            )
            row["ci95_low"], row["ci95_high"] = v["difference_ci95"]
            if "customers_kept_per_1000_ci95" in v:
                row["customers_kept_per_1000_ci95_low"], row["customers_kept_per_1000_ci95_high"] = v[
                    "customers_kept_per_1000_ci95"
                ]
            money = v.get("economics")
            if money:
                flat = _flat(money)
                flat["money_verdict"] = flat.pop("verdict", None)
                row.update(flat)
                row["currency"] = econ.get("currency")
            rows.append(row)
        columns = list(rows[0].keys()) if rows else ["scenario", "variant", "difference", "ci95_low", "ci95_high"]
        return _pandas().DataFrame(rows, columns=columns)

    def _differences(self, name: str, key: str):
        rows = []
        for v in self._variant_rows():
            for r in v[name]:
                row = {"scenario": self.scenario, "variant": v["name"]}
                row.update(_interval_columns(_flat(r)))
                if key != "name" or "name" in row:
                    row[key] = row.pop("name", row.get(key))
                rows.append(row)
        return _pandas().DataFrame(rows)

    @property
    def outcomes(self):
        """One row per redesign and outcome: the change in that outcome's share."""
        rows = []
        for v in self._variant_rows():
            for outcome, r in v["outcomes"].items():
                row = {"scenario": self.scenario, "variant": v["name"], "outcome": outcome}
                row.update(_interval_columns(_flat(r)))
                rows.append(row)
        return _pandas().DataFrame(rows)

    @property
    def segments(self):
        """One row per redesign and segment: the change in that segment's defection rate."""
        return self._differences("segments", "segment_name")

    @property
    def touchpoints(self):
        """One row per redesign and touchpoint: the change in defections blamed there."""
        return self._differences("touchpoints", "id")

    @property
    def pairs(self):
        """One row per pair of redesigns (a minus b), paired on the same customers, with the
        exact difference and the adjustment for many pairs (`pairs_adjust`)."""
        rows = []
        for p in self._data.get("pairs", []):
            row = {"scenario": self.scenario}
            row.update(_interval_columns(_flat(p)))
            row["pairs_adjust"] = self._data.get("pairs_adjust")
            rows.append(row)
        return _pandas().DataFrame(rows)

    @property
    def assumptions(self):
        """With `assumptions=N`: one row per redesign, the spread of its figures over the drawn
        assumption sets (mean, p5, p95), P(pays) and P(best). Empty without assumptions."""
        rows = []
        for v in self._variant_rows():
            a = v.get("assumptions")
            if a:
                rows.append(dict({"scenario": self.scenario, "variant": v["name"]}, **_flat(a)))
        return _pandas().DataFrame(rows)

    @property
    def tornado(self):
        """With `assumptions=N`: the best redesign's net benefit with each uncertain input at its
        low and at its high end, every other number as the scenario gives it; widest swing first."""
        a = self._data.get("assumptions") or {}
        rows = []
        for t in a.get("tornado", []):
            row = {"scenario": self.scenario, "variant": a.get("tornado_for")}
            row.update({k: v for k, v in t.items() if not isinstance(v, list)})
            row["members"] = ", ".join(t.get("members", []))
            rows.append(row)
        return _pandas().DataFrame(rows)

    def __repr__(self) -> str:
        names = ", ".join(v["name"] for v in self._data["variants"])
        return f"<cxsim.Comparison {self.scenario!r}: baseline against {names}>"


class Sensitivity(_FromJson):
    """What to fix first: each number's effect on the defection rate, from the exact solver."""

    @property
    def parameters(self):
        """One row per number, ranked as the CLI ranks them."""
        d = self._data
        rows = []
        key = next((k for k, v in d.items() if isinstance(v, list) and v and isinstance(v[0], Mapping)), None)
        for r in d.get(key, []) if key else []:
            row = {"scenario": d.get("scenario"), "variant": d.get("variant")}
            row.update(_flat(r))
            rows.append(row)
        return _pandas().DataFrame(rows)

    def __repr__(self) -> str:
        return f"<cxsim.Sensitivity {self._data.get('scenario')!r} {self._data.get('variant')}>"


class Validation(_FromJson):
    """The Monte Carlo engine against the exact solver, figure by figure (`Scenario.validate`,
    as `cxsim validate`): each figure's z-score, the difference in standard errors."""

    @property
    def agrees(self) -> bool:
        """True when no figure is more than 5 standard errors from the exact value."""
        return self._data["agrees"]

    @property
    def max_abs_z(self) -> float:
        return self._data["max_abs_z"]

    @property
    def figures(self):
        """One row per figure: monte_carlo, exact, standard_error, z, and whether it agrees."""
        d = self._data
        rows = [dict(scenario=d["scenario"], variant=d["variant"], customers=d["customers"], seed=d["seed"],
                     figure=f["figure"], monte_carlo=f["monte_carlo"], exact=f["exact"],
                     standard_error=f["standard_error"], z=f["z"], agrees=abs(f["z"]) <= 5.0)
                for f in d["figures"]]
        columns = ["scenario", "variant", "customers", "seed", "figure", "monte_carlo", "exact", "standard_error",
                   "z", "agrees"]
        return _pandas().DataFrame(rows, columns=columns)

    def __repr__(self) -> str:
        d = self._data
        verdict = "agree" if d["agrees"] else "DISAGREE"
        return (f"<cxsim.Validation {d['scenario']!r} {d['variant']}: the engines {verdict}, "
                f"{len(d['figures'])} figures, largest |z| {d['max_abs_z']:.2f}>")


class Calibration(_FromJson):
    """A scenario fitted to observed counts (`Scenario.calibrate`), as `cxsim calibrate`: the
    fitted values with their intervals, observed against expected, and the fitted scenario, which
    `save(path)` writes as `--out` does. `to_dict()` is the command's `--format json`, its
    `fitted_scenario` the file last saved to (None before). With `defection_rate=`, the JSON is
    that of `cxsim calibrate --defection-rate` (its `fitted_file` likewise)."""

    def __init__(self, native, data: dict, warnings: Sequence[str]):
        super().__init__(data, warnings)
        self._native = native

    @property
    def scenario(self) -> str:
        return self._data["scenario"]

    @property
    def headline(self) -> bool:
        """True for a fit to a known defection rate (`defection_rate=`)."""
        return "target_defection_rate" in self._data

    @property
    def defection_rate(self) -> float:
        """The exact defection rate with the fitted values."""
        d = self._data
        return d["defection_rate_after"] if self.headline else d["defection_rate"]["fitted"]

    @property
    def parameters(self):
        """One row per fitted number: its scenario value (`start`), the fitted value, its standard
        error and 95% interval (None where none is given), the range it was fitted in. For a
        headline fit, one row: the factor on every sensitivity."""
        d = self._data
        columns = ["scenario", "parameter", "start", "fitted", "se", "ci95_low", "ci95_high", "lower", "upper",
                   "at_bound"]
        if self.headline:
            rows = [dict(scenario=d["scenario"], parameter="sensitivity factor", start=1.0, fitted=d["factor"],
                         se=None, ci95_low=None, ci95_high=None, lower=0.0, upper=None, at_bound=False)]
        else:
            rows = []
            for p in d["parameters"]:
                ci = p["ci95"] or [None, None]
                rows.append(dict(scenario=d["scenario"], parameter=p["name"], start=p["start"], fitted=p["fitted"],
                                 se=p["se"], ci95_low=ci[0], ci95_high=ci[1], lower=p["lower"], upper=p["upper"],
                                 at_bound=p["at_bound"]))
        return _pandas().DataFrame(rows, columns=columns)

    def _fit_rows(self, fit, data: str):
        return [dict(scenario=self._data["scenario"], data=data, measure=r["measure"], observed=r["observed"],
                     expected=r["expected"], pearson_residual=r["pearson_residual"], structural_zero=r["structural_zero"])
                for r in fit]

    @property
    def fit(self):
        """One row per count: observed against expected with its Pearson residual; `data` says
        whether the count was fitted ("observed") or only checked ("holdout")."""
        d = self._data
        rows = [] if self.headline else self._fit_rows(d["fit"], "observed")
        if not self.headline and d.get("holdout"):
            rows += self._fit_rows(d["holdout"]["fit"], "holdout")
        columns = ["scenario", "data", "measure", "observed", "expected", "pearson_residual", "structural_zero"]
        return _pandas().DataFrame(rows, columns=columns)

    def save(self, path) -> None:
        """Write the fitted scenario to `path`, exactly as `cxsim calibrate --out PATH` would:
        checked to load first, whole or not at all, never over the scenario or the counts."""
        path = _os.fspath(path)
        self._native.save(path)
        self._data["fitted_file" if self.headline else "fitted_scenario"] = path

    def __repr__(self) -> str:
        d = self._data
        if self.headline:
            return (f"<cxsim.Calibration {d['scenario']!r}: every sensitivity times {d['factor']:.6g}, "
                    f"defection rate {100 * d['defection_rate_after']:.3f}%>")
        names = ", ".join(p["name"] for p in d["parameters"])
        return (f"<cxsim.Calibration {d['scenario']!r}: {names}; deviance {d['deviance']:.4g}, "
                f"defection rate {100 * d['defection_rate']['fitted']:.3f}%>")


class Portfolio:
    """Several scenario files, each compared with its redesigns: the management table."""

    def __init__(self, comparisons: Sequence[Comparison], files: Sequence[str], failed: Mapping[str, str]):
        self.comparisons = list(comparisons)
        self.files = list(files)
        self.failed = dict(failed)

    def _concat(self, name: str):
        pd = _pandas()
        frames = []
        for c, f in zip(self.comparisons, self.files):
            frame = getattr(c, name)
            frame.insert(0, "scenario_file", f)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    @property
    def redesigns(self):
        """One row per scenario and redesign (see Comparison.redesigns)."""
        return self._concat("redesigns")

    @property
    def arms(self):
        return self._concat("arms")

    def to_dict(self) -> dict:
        return {"scenarios": [c.to_dict() for c in self.comparisons], "files": self.files, "failed": self.failed}

    def __repr__(self) -> str:
        return f"<cxsim.Portfolio of {len(self.comparisons)} scenarios, {len(self.failed)} failed>"


class Scenario:
    """A checked scenario: its baseline journey, segments, economics and redesigns. Immutable;
    `with_changes` returns a new one."""

    def __init__(self, native: "_cxsim.Scenario"):
        self._native = native

    @property
    def name(self) -> str:
        return self._native.name

    @property
    def path(self) -> str:
        return self._native.path

    @property
    def description(self) -> str:
        return self._native.description

    @property
    def variants(self) -> list:
        """The names of the redesigns defined in the scenario."""
        return [v["name"] for v in self._native.variants]

    @property
    def redesigns(self):
        """One row per redesign: its name, description and costs."""
        rows = [dict(scenario=self.name, variant=v["name"], description=v["description"],
                     cost_per_year=v["cost_per_year"], one_off_cost=v["one_off_cost"])
                for v in self._native.variants]
        return _pandas().DataFrame(rows, columns=["scenario", "variant", "description", "cost_per_year", "one_off_cost"])

    @property
    def segments(self):
        """One row per segment: its share and parameters (sensitivities as hazards)."""
        return _pandas().DataFrame([dict(scenario=self.name, **s) for s in self._native.segments])

    @property
    def economics(self) -> Optional[dict]:
        return self._native.economics

    @property
    def warnings(self) -> list:
        return list(self._native.warnings)

    def run(self, customers: Optional[int] = None, seed: Optional[int] = None, threads: int = 0,
            variant: Optional[str] = None, segment: Optional[str] = None, precision: Optional[float] = None,
            max_steps: Optional[int] = None) -> Result:
        """Walk customers through the journey (Monte Carlo). Unset numbers take the scenario's own."""
        text, warnings = _cxsim.run(
            self._native, variant, segment, _count("customers", customers, 1), _count("seed", seed),
            None if precision is None else float(precision), _count("max_steps", max_steps, 1),
            _count("threads", threads) or 0,
        )
        _warn(warnings)
        return Result(_json.loads(text), warnings)

    def exact(self, variant: Optional[str] = None, segment: Optional[str] = None) -> Result:
        """The expected figures, computed exactly (no sampling)."""
        text, warnings = _cxsim.exact(self._native, variant, segment)
        _warn(warnings)
        return Result(_json.loads(text), warnings)

    def compare(self, variants: Optional[Sequence[str]] = None, customers: Optional[int] = None,
                seed: Optional[int] = None, threads: int = 0, precision: Optional[float] = None,
                max_steps: Optional[int] = None, adjust: str = "holm",
                assumptions: Optional[int] = None) -> Comparison:
        """The baseline against `variants` (every redesign when None; "a+b" stacks two), every arm
        walking the same customers. `assumptions=N` also draws N sets of the scenario's
        `assumptions` block (0: its own number) and solves every arm exactly for each, as
        `cxsim compare --assumptions N`."""
        if isinstance(variants, str):
            variants = [variants]
        text, warnings = _cxsim.compare(
            self._native, list(variants or []), _count("customers", customers, 1), _count("seed", seed),
            None if precision is None else float(precision), _count("max_steps", max_steps, 1),
            _count("threads", threads) or 0, adjust, _count("assumptions", assumptions),
        )
        _warn(warnings)
        return Comparison(_json.loads(text), warnings)

    def sensitivity(self, variant: Optional[str] = None, step: float = 0.05, top: int = 20,
                    threads: int = 0) -> Sensitivity:
        """What to fix first: every number moved by `step` in its better direction, exactly."""
        text, warnings = _cxsim.sensitivity(self._native, variant, float(step), _count("top", top), _count("threads", threads) or 0)
        _warn(warnings)
        return Sensitivity(_json.loads(text), warnings)

    def sweep(self, name: str, start: float, stop: float, steps: int = 11, variant: Optional[str] = None):
        """A response curve: the exact figures with the number `name` (as `with_changes` names it)
        at `steps` evenly spaced values from `start` to `stop`, one row per value."""
        steps = _count("steps", steps, 2)
        rows = []
        for i in range(steps):
            value = start + (stop - start) * i / (steps - 1)
            r = self.with_changes({name: value}).exact(variant=variant)
            d = r.to_dict()
            rows.append(dict(scenario=d["scenario"], variant=d["variant"], number=name, value=value,
                             defection_rate=d["defection_rate"], **{f"outcome_{k}": v for k, v in d["outcomes"].items()}))
        return _pandas().DataFrame(rows)

    def calibrate(self, observed=None, fit: Optional[Sequence[str]] = None, holdout=None, starts: int = 4,
                  seed: int = 1, threads: int = 0, accept_poor_fit: bool = False,
                  defection_rate: Optional[float] = None, max_evaluations: int = 400) -> Calibration:
        """Fit numbers of the journey to observed counts by maximum likelihood, as `cxsim calibrate
        SCENARIO --observed OBSERVED --fit ...`: `fit` names them as --fit does
        ("install.reliability", "*.reliability", "segment:*.silent_churn"); `holdout` is more counts
        to check the fit against; `max_evaluations` bounds each start's likelihood evaluations
        (--max-evaluations). A fit far from the counts raises CalibrationError unless
        `accept_poor_fit`. With `defection_rate=R` instead (no observed counts), every sensitivity
        of every segment is scaled by one factor so that the exact defection rate is R, as
        `--defection-rate R`. Nothing is written until `save(path)`."""
        if defection_rate is not None:
            if observed is not None or fit:
                raise UsageError("defection_rate fits one factor on every sensitivity; it takes no observed or fit")
            native = _cxsim.calibrate_headline(self._native, float(defection_rate))
        else:
            if isinstance(fit, str):
                fit = [fit]
            if observed is None or not fit:
                raise UsageError("calibrate needs observed (OBSERVED.yaml) and fit=[PARAMETER, ...] (or defection_rate=)")
            native = _cxsim.calibrate(
                self._native, _os.fspath(observed), "" if holdout is None else _os.fspath(holdout),
                [str(f) for f in fit], _count("starts", starts, 1), _count("seed", seed),
                _count("max_evaluations", max_evaluations, 1),
                _count("threads", threads) or 0, bool(accept_poor_fit),
            )
        data = _json.loads(native.json(""))
        data["fitted_file" if defection_rate is not None else "fitted_scenario"] = None
        result = Calibration(native, data, native.warnings)
        if native.refusal is not None:
            error = CalibrationError(native.refusal)
            error.calibration = result
            raise error
        _warn(native.warnings)
        return result

    def validate(self, variant: Optional[str] = None, customers: Optional[int] = None, seed: Optional[int] = None,
                 threads: int = 0) -> Validation:
        """Walk the journey by Monte Carlo and solve it exactly, and compare every figure, as
        `cxsim validate` (at least 1,000 customers)."""
        text, warnings = _cxsim.validate(self._native, variant, _count("customers", customers, 1), _count("seed", seed),
                                         _count("threads", threads) or 0)
        _warn(warnings)
        return Validation(_json.loads(text), warnings)

    def report(self, path, variants: Optional[Sequence[str]] = None, segment: Optional[str] = None,
               customers: Optional[int] = None, seed: Optional[int] = None, threads: int = 0) -> str:
        """Write the HTML page of `cxsim report` to `path` (the same page: one offline file with
        the journey map, the decision on the first screen, every redesign and the assumptions).
        Written whole or not at all, never over the scenario's own files. `segment` makes the
        persona view. Returns the path."""
        if isinstance(variants, str):
            variants = [variants]
        path = _os.fspath(path)
        warnings = _cxsim.report(self._native, path, list(variants or []), segment,
                                 _count("customers", customers, 1), _count("seed", seed),
                                 _count("threads", threads) or 0)
        _warn(warnings)
        return path

    def with_changes(self, changes: Mapping[str, float]) -> "Scenario":
        """A what-if without editing files: a new scenario with these numbers changed, e.g.
        {"install.reliability": 0.95, "segment:value_seekers.silent_churn": 0.5,
        "economics.value_per_customer": 900}. Redesigns build on the changed baseline."""
        items = [(str(k), float(v)) for k, v in dict(changes).items()]
        return Scenario(self._native.with_changes(items))

    def __repr__(self) -> str:
        return f"<cxsim.Scenario {self.name!r} ({self.path}), {len(self.variants)} redesigns>"


def load(path) -> Scenario:
    """Read and check a scenario file (and the CSV tables it names). Raises InputError on any
    problem, naming the file, line and column like `cxsim check`."""
    native = _cxsim.load(_os.fspath(path))
    _warn(native.warnings)
    return Scenario(native)


def compare_files(scenarios: Sequence, customers: Optional[int] = None, seed: Optional[int] = None,
                  threads: int = 0, precision: Optional[float] = None, max_steps: Optional[int] = None) -> Comparison:
    """Whole scenarios as the arms (the first is the baseline), as `cxsim compare A.yaml B.yaml`."""
    natives = [(s if isinstance(s, Scenario) else load(s))._native for s in scenarios]
    text, warnings = _cxsim.compare_files(
        natives, _count("customers", customers, 1), _count("seed", seed),
        None if precision is None else float(precision), _count("max_steps", max_steps, 1), _count("threads", threads) or 0,
    )
    _warn(warnings)
    return Comparison(_json.loads(text), warnings)


def _scenario_files(paths) -> list:
    """The scenario files `cxsim batch` finds: files as given, folders searched for *.yaml and
    *.yml whose top level has a `journey` (others are skipped with a warning, as the CLI does)."""
    if isinstance(paths, (str, bytes, _os.PathLike)):
        paths = [paths]
    files, skipped = _cxsim.scenario_files([_os.fspath(p) for p in paths])
    _warn(f"skipped {s}" for s in skipped)
    return files


def batch(paths, customers: Optional[int] = None, seed: Optional[int] = None, threads: int = 0,
          errors: str = "raise") -> Portfolio:
    """Every scenario file under `paths` (files or folders) compared with its redesigns, in
    memory: the portfolio's management table is `.redesigns`. With errors="skip", invalid files
    are left out and listed in `.failed` (file -> message) instead of raising."""
    if errors not in ("raise", "skip"):
        raise UsageError(f"errors must be 'raise' or 'skip', not {errors!r}")
    comparisons, files, failed = [], [], {}
    for f in _scenario_files(paths):
        try:
            s = load(f)
            if not s.variants:
                failed[f] = "no redesigns to compare"
                continue
            comparisons.append(s.compare(customers=customers, seed=seed, threads=threads))
            files.append(f)
        except (InputError, UsageError) as e:
            if errors == "raise":
                raise
            failed[f] = str(e)
    return Portfolio(comparisons, files, failed)
