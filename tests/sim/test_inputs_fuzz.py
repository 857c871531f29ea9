"""Fuzzed model inputs (issue 15): a short run with finite results, or a ValueError naming the key.

Every example draws model keywords (any field of ModelParameters, inside or outside its range,
NaN, inf, wrong types, numpy scalars), a scenario (a name, an odd value, or Scenario and Wave
objects with odd fields) and interventions (``build`` with random settings). Each drawn value is
known to be valid or invalid; with no invalid value the model must run and give finite results
in their documented ranges, with any invalid value it must raise a ValueError naming one of the
invalid keys.
"""

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim import Scenario, Wave, WorkforceModel
from sim.interventions import BUNDLES, INTERVENTIONS, build
from sim.interventions.base import COMMON_SETTINGS
from sim.interventions.settings import Setting
from sim.metrics import WORKER_RANGES
from sim.parameters import ModelParameters
from sim.scenarios import CHANNELS, SCENARIOS, WAVE_RANGES

# Summary values that are NaN by definition in a short run of a small organization: no post
# filled in the window yet, or no worker of a role in the organization.
MAY_BE_NAN = {"days_to_fill"} | {f"annual_turnover_rate_{r}" for r in ("physician", "allied")}

Drawn = tuple[Any, bool]  # a value and whether it is invalid

ODD_TYPES = st.sampled_from(["1", None, [1.0], {"a": 1}, b"1", object()])
NON_FINITE = st.sampled_from([math.nan, -math.inf, math.inf, np.float64("nan"), np.float32("inf")])


def _invalid(draw: st.DrawFn) -> bool:
    """Whether to draw an invalid value: one time in ten (valid first, so failures shrink there)."""
    return draw(st.sampled_from([False] * 9 + [True]))


def _pick(draw: st.DrawFn, valid: list[Any], invalid: list[Any]) -> Drawn:
    """A value from ``valid`` or, one time in ten, from ``invalid``."""
    bad = _invalid(draw)
    return draw(st.sampled_from(invalid if bad else valid)), bad


def _numpy_of(value: float, integer: bool) -> Any:
    """The same value as a numpy scalar."""
    return np.int64(value) if integer else np.float64(value)


@st.composite
def number(draw: st.DrawFn, low: float, high: float, integer: bool) -> Drawn:
    """A number inside [low, high] (Python or numpy) or an invalid value for that range."""
    kind = draw(st.sampled_from(["outside", "odd", "nonfinite"])) if _invalid(draw) else "inside"
    if kind == "inside":
        if integer:
            value = draw(st.integers(int(low), int(high)))
            return draw(st.sampled_from([value, float(value), _numpy_of(value, True)])), False
        value = draw(st.floats(low, high))
        return draw(st.sampled_from([value, _numpy_of(value, False)])), False
    if kind == "outside":
        span = max(high - low, 1.0)
        below = draw(st.floats(low - 10 * span, low, exclude_max=True))
        above = draw(st.floats(high, high + 10 * span, exclude_min=True))
        candidates = [below, above] + ([low + 0.5] if integer and high > low + 1 else [])
        return draw(st.sampled_from(candidates)), True
    if kind == "odd":
        return draw(st.one_of(ODD_TYPES, st.booleans(), st.just(np.bool_(True)))), True
    return draw(NON_FINITE), True


@st.composite
def parameter(draw: st.DrawFn, f: dataclasses.Field) -> Drawn:
    """A value for one field of ModelParameters, valid or not."""
    meta = f.metadata
    if f.type is bool:
        return _pick(draw, [False, True, np.bool_(True)], [0, 1.0, "yes", None])
    if f.type is str:
        odd = ["", "nosuch", meta["choices"][0].upper(), 1, None, list(meta["choices"][:1])]
        return _pick(draw, list(meta["choices"]), odd)
    if f.name == "n_workers":  # a small organization: inside values kept fast
        return draw(number(50, 200, integer=True).filter(lambda d: d[1] or 50 <= d[0] <= 200))
    if isinstance(f.default, float) and math.isnan(f.default):  # optional: NaN means unset
        drawn = draw(number(meta["low"], meta["high"], f.type is int))
        return (drawn[0], False) if _is_nan(drawn[0]) else drawn
    return draw(number(meta["low"], meta["high"], f.type is int))


def _is_nan(value: Any) -> bool:
    return isinstance(value, float | np.floating) and math.isnan(value)


FIELDS = {f.name: f for f in dataclasses.fields(ModelParameters)}


@st.composite
def burn_in(draw: st.DrawFn) -> Drawn:
    """Burn-in weeks: invalid outside the model's range [0, 1040], valid ones kept short (0-4).

    (Drawing against [0, 4] called an accepted whole number such as 5.0 invalid.)
    """
    value, bad = draw(number(0, 1040, integer=True))
    if not bad:
        weeks = draw(st.integers(0, 4))
        value = draw(st.sampled_from([weeks, float(weeks), _numpy_of(weeks, True)]))
    return value, bad


@st.composite
def seed_value(draw: st.DrawFn) -> Drawn:
    """A seed: any whole number >= 0 or None is valid (no upper end); negative, fractional or
    other odd values not.

    (Drawing against [0, 2**40] called an accepted whole number above 2**40 invalid.)
    """
    value, bad = draw(number(0, 2**40, integer=True))
    # The model also takes None (its default: a fresh seed) and a list of whole numbers >= 0
    # (sim.inputs.seed); ODD_TYPES holds both ([1.0]), so they are valid here.
    if value is None or (
        isinstance(value, list)
        and value
        and all(
            isinstance(v, int | float)
            and not isinstance(v, bool)
            and v >= 0
            and float(v).is_integer()
            for v in value
        )
    ):
        return value, False
    if bad and isinstance(value, float | int) and not isinstance(value, bool):
        # (bool is an int to Python but not a seed to the model: it stays invalid)
        if not math.isfinite(value):
            return value, bad
        bad = not (value >= 0 and float(value).is_integer())
    return value, bad


@st.composite
def model_kwargs(draw: st.DrawFn) -> tuple[dict[str, Any], set[str]]:
    """Keywords for WorkforceModel (parameters, burn-in, rng, collect_data) and the invalid keys."""
    names = ["n_workers"] + draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=6, unique=True))
    kwargs: dict[str, Any] = {}
    bad: set[str] = set()
    for name in dict.fromkeys(names):
        kwargs[name], invalid = draw(parameter(FIELDS[name]))
        if invalid:
            bad.add(name)
    extras = {
        "burn_in_weeks": burn_in(),
        "rng": seed_value(),
        "collect_data": st.sampled_from(
            [(True, False), (np.bool_(False), False)] * 5 + [("no", True)]
        ),
    }
    for name, strategy in extras.items():
        if name == "burn_in_weeks" or draw(st.booleans()):
            kwargs[name], invalid = draw(strategy)
            if invalid:
                bad.add(name)
    return kwargs, bad


@st.composite
def wave(draw: st.DrawFn) -> tuple[Any, set[str]]:
    """Arguments of a Wave, each valid or not."""
    args, bad = {}, set()
    for name, low, high in WAVE_RANGES:
        args[name], invalid = draw(number(low, high, integer=False))
        if invalid:
            bad.add(name)
    return args, bad


@st.composite
def scenario(draw: st.DrawFn) -> tuple[Any, set[str]]:
    """A scenario name, an odd value, or a Scenario of fuzzed waves; and the invalid keys."""
    if _invalid(draw):
        odd = draw(st.one_of(ODD_TYPES, st.text(max_size=6), st.just(["baseline"])))
        return odd, set() if odd is None else {"pressure"}  # None: the baseline (the default)
    if draw(st.booleans()):
        return draw(st.sampled_from(sorted(SCENARIOS))), set()
    waves: dict[str, Any] = {}
    bad: set[str] = set()
    for channel in draw(st.lists(st.sampled_from(CHANNELS), max_size=3, unique=True)):
        drawn = draw(st.lists(wave(), max_size=2))
        waves[channel] = [args for args, _ in drawn]
        bad |= set().union(*(b for _, b in drawn))
    return ("waves", waves), bad


def _make_scenario(spec: Any) -> Any:
    """Build a drawn Scenario (constructing its Waves may raise); pass names and odd values."""
    if isinstance(spec, tuple) and spec and spec[0] == "waves":
        waves = {ch: tuple(Wave(**args) for args in arg_list) for ch, arg_list in spec[1].items()}
        return Scenario("fuzzed", waves)
    return spec


@st.composite
def setting(draw: st.DrawFn, name: str, spec: Setting) -> Drawn:
    """A value for one intervention setting, valid or not."""
    if name == "eligibility":
        return _pick(draw, ["all", [0], np.array([0])], ["some", [-1], [0.5], 3, None, [True]])
    if spec.choices is not None:
        return _pick(draw, list(spec.choices), [3, None, "sometimes", list(spec.choices)])
    if name in ("crisis_on", "crisis_off"):  # valid values keep crisis_off below crisis_on
        value, bad = draw(number(spec.low, spec.high, integer=False))
        if not bad:
            value = draw(st.floats(0.5, 1.0) if name == "crisis_on" else st.floats(0.0, 0.4))
        return value, bad
    if spec.optional and draw(st.booleans()):
        return None, False
    return draw(number(spec.low, spec.high, spec.integer))


@st.composite
def interventions(draw: st.DrawFn) -> tuple[Any, set[str]]:
    """A ``build`` call (name and settings), or an odd ``interventions`` value; invalid keys."""
    kind = draw(st.sampled_from(["odd_name", "odd_value"])) if _invalid(draw) else "build"
    if kind == "odd_value":
        return ("value", draw(st.sampled_from(["mindfulness", None, 3, [["x"]]]))), {
            "interventions"
        }
    if kind == "odd_name":
        return ("build", draw(st.sampled_from(["nosuch", ["mindfulness"], None])), {}), {
            "intervention or bundle"
        }
    name = draw(st.sampled_from(sorted(INTERVENTIONS) + sorted(BUNDLES)))
    if name in BUNDLES:
        specs = {k: v for k, v in COMMON_SETTINGS.items() if k != "eligibility"}
    else:
        specs = INTERVENTIONS[name].settings_spec()
    chosen = draw(st.lists(st.sampled_from(sorted(specs)), max_size=4, unique=True))
    values, bad = {}, set()
    for key in chosen:
        values[key], invalid = draw(setting(key, specs[key]))
        if invalid:
            bad.add(key)
    if name in BUNDLES or INTERVENTIONS[name].acts_on == "posts":
        return ("build", name, values), bad
    if isinstance(values.get("eligibility"), str) and values["eligibility"] == "high_risk":
        bad.add("eligibility")
    return ("build", name, values), bad


def _make_interventions(spec: tuple) -> Any:
    return spec[1] if spec[0] == "value" else build(spec[1], **spec[2])


def _check_run(model: WorkforceModel) -> None:
    """Finite summary values and worker-table columns in their documented ranges."""
    summary = model.summary()
    for key, value in summary.items():
        assert math.isfinite(value) or (key in MAY_BE_NAN and math.isnan(value)), (key, value)
    table = model.worker_table()
    for column, (low, high) in WORKER_RANGES.items():
        values = table[column].to_numpy(dtype=float)
        assert np.isfinite(values).all(), column
        assert ((values >= low) & (values <= high)).all(), (column, values.min(), values.max())
    assert not pd.isna(table["wellbeing_class"]).any()


FUZZED = {
    "kw": model_kwargs(),
    "scen": scenario(),
    "ints": interventions(),
    "weeks": st.integers(1, 4),
}
SETTINGS = {
    "deadline": None,
    "derandomize": True,  # the same examples every run: CI cannot fail by the luck of a draw
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
}


@pytest.mark.slow  # about 15 s: the full search, run by `make test` and CI
@settings(max_examples=300, **SETTINGS)
@given(**FUZZED)
def test_fuzzed_inputs_run_or_name_the_key(kw, scen, ints, weeks):
    """A short run with finite results when every input is valid, else a ValueError naming one."""
    run_or_name_the_key(kw, scen, ints, weeks)


@settings(max_examples=40, **SETTINGS)
@given(**FUZZED)
def test_fuzzed_inputs_run_or_name_the_key_briefly(kw, scen, ints, weeks):
    """The same check on fewer examples, for the fast set (``-m "not slow"``)."""
    run_or_name_the_key(kw, scen, ints, weeks)


def run_or_name_the_key(kw, scen, ints, weeks) -> None:
    """A short run with finite results when every input is valid, else a ValueError naming one."""
    kwargs, bad_kwargs = kw
    scen_spec, bad_scen = scen
    int_spec, bad_ints = ints
    bad = bad_kwargs | bad_scen | bad_ints
    try:
        model = WorkforceModel(
            pressure=_make_scenario(scen_spec),
            interventions=_make_interventions(int_spec),
            **kwargs,
        )
        model.run_for(weeks)
    except ValueError as err:
        message = str(err)
        assert bad, f"valid inputs rejected: {message}"
        assert "\n" not in message
        assert any(key in message for key in bad), (message, bad)
        event("rejected")
        return
    assert not bad, f"invalid inputs {sorted(bad)} accepted"
    _check_run(model)
    event("ran")
