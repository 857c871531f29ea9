"""Model inputs: each failure a reviewer measured (issue 15, item 9) now gives a clear error."""

import math

import numpy as np
import pytest

from sim import Scenario, Wave, WorkforceModel
from sim.interventions import build

SMALL = {"n_workers": 60, "burn_in_weeks": 2}


def _message(call, *args, **kwargs) -> str:
    """The one-line ValueError message ``call`` raises."""
    with pytest.raises(ValueError) as err:
        call(*args, **kwargs)
    message = str(err.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("wave", "key"),
    [
        ((10, 5, math.nan), "height"),
        ((10, 5, math.inf), "height"),
        ((10, 5, 1e300), "height"),
        ((10, 5, "0.5"), "height"),
        ((10, 5, True), "height"),
        ((10, math.nan, 0.5), "width_weeks"),
        ((10, 0.0, 0.5), "width_weeks"),
        ((math.inf, 5, 0.5), "center_week"),
        ((None, 5, 0.5), "center_week"),
    ],
)
def test_bad_wave_is_rejected(wave, key):
    """NaN, inf, huge and non-numeric wave fields are named (NaN used to cut demand to 5 %)."""
    message = _message(Wave, *wave)
    assert f"wave {key} = " in message
    assert "allowed" in message


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"name": 3}, "name"),
        ({"waves": [Wave(1, 2, 0.5)]}, "waves"),
        ({"waves": {"demand": Wave(1, 2, 0.5)}}, "demand"),
        ({"waves": {"demand": ("big",)}}, "demand"),
        ({"waves": {"weather": (Wave(1, 2, 0.5),)}}, "weather"),
    ],
)
def test_bad_scenario_object_is_rejected(kwargs, key):
    """A Scenario's name, waves mapping and each channel's waves are checked on construction."""
    assert key in _message(Scenario, **kwargs)


def test_scenario_copies_its_waves():
    """Waves given as a list become a tuple in a copy the caller's later edits do not reach."""
    given = {"demand": [Wave(1, 2, 0.5)]}
    scenario = Scenario("s", given)
    given["demand"].append(Wave(3, 2, 9.0))
    assert scenario.waves["demand"] == (Wave(1, 2, 0.5),)


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"pressure": ["baseline"]}, "pressure"),
        ({"pressure": 3}, "pressure"),
        ({"interventions": "mindfulness"}, "interventions"),
        ({"interventions": [build("mindfulness")]}, "interventions[0]"),
        ({"interventions": None}, "interventions"),
        ({"burn_in_weeks": 2.5}, "burn_in_weeks"),
        ({"burn_in_weeks": True}, "burn_in_weeks"),
        ({"collect_data": "no"}, "collect_data"),
        ({"rng": math.nan}, "rng"),
        ({"rng": 1.5}, "rng"),
        ({"rng": "seed"}, "rng"),
        ({"rng": -1}, "rng"),
        ({"n_workers": math.inf}, "n_workers"),
        ({"demand_level": np.float64(math.nan)}, "demand_level"),
        ({"organization": ["community_hospital"]}, "organization"),
        ({"retirement": np.float64(1.0)}, "retirement"),
    ],
)
def test_bad_model_argument_is_named(kwargs, key):
    """Wrong types, NaN and inf raise one line naming the argument, before any work."""
    message = _message(WorkforceModel, **{**SMALL, **kwargs})
    assert key in message
    assert "allowed" in message


def test_bad_pressure_under_its_old_name_is_named_with_the_new_one():
    """``scenario=`` (deprecated) with a bad value names ``pressure``, after the warning."""
    with pytest.warns(DeprecationWarning, match="pressure="):
        message = _message(WorkforceModel, **{**SMALL, "scenario": ["baseline"]})
    assert "pressure" in message and "allowed" in message


def test_same_intervention_twice_in_one_model_is_rejected():
    """One object listed twice would be applied twice a week."""
    (item,) = build("mindfulness")
    assert "interventions[1]" in _message(WorkforceModel, interventions=[item, item], **SMALL)


@pytest.mark.parametrize("weeks", [-1, 2.5, True, "3", math.nan, None])
def test_bad_run_for_weeks_is_named(weeks):
    """``run_for`` takes a whole number of weeks >= 0."""
    model = WorkforceModel(rng=1, **SMALL)
    assert "weeks" in _message(model.run_for, weeks)
    assert model.week == 0


def test_whole_float_worker_count_runs():
    """``n_workers=100.0`` used to pass validation and then crash; it now runs as 100."""
    model = WorkforceModel(rng=1, n_workers=100.0, burn_in_weeks=2)
    assert model.params.n_workers == 100
    assert type(model.params.n_workers) is int
    model.run_for(2)


def test_numpy_scalars_equal_python_values():
    """numpy ints, floats and bools are accepted and give the Python values' results exactly."""
    python = WorkforceModel(
        rng=5, n_workers=80, burn_in_weeks=3, demand_level=1.25, retirement=False
    )
    numpy = WorkforceModel(
        rng=np.int64(5),
        n_workers=np.int32(80),
        burn_in_weeks=np.int64(3),
        demand_level=np.float64(1.25),
        retirement=np.bool_(False),
        collect_data=np.bool_(True),
    )
    assert numpy.params == python.params
    assert [type(v) for v in numpy.parameters().values()] == [
        type(v) for v in python.parameters().values()
    ]
    python.run_for(3)
    numpy.run_for(np.int64(3))
    assert numpy.summary() == pytest.approx(python.summary(), nan_ok=True, rel=0, abs=0)


def test_numpy_scalars_in_settings_and_waves():
    """Intervention settings and waves accept numpy numbers as Python numbers."""
    (item,) = build(
        "mindfulness",
        uptake=np.float32(0.5),
        start_week=np.int64(2),
        eligibility=np.array([0, 1]),
    )
    assert (item.uptake, item.start_week, item.eligibility) == (0.5, 2, (0, 1))
    assert type(item.start_week) is int
    wave = Wave(np.int64(3), np.float32(2.0), np.float64(0.5))
    assert wave == Wave(3.0, 2.0, 0.5)


@pytest.mark.parametrize(
    ("name", "settings", "key"),
    [
        (["mindfulness"], {}, "mindfulness"),
        ("mindfulness", {"fixed_cost": math.inf}, "fixed_cost"),
        ("mindfulness", {"uptake": np.float64(math.nan)}, "uptake"),
        ("mindfulness", {"mode": ["crisis"]}, "mode"),
        ("mindfulness", {"eligibility": [0, "1"]}, "eligibility"),
        ("mindfulness", {"eligibility": np.zeros((2, 2), dtype=int)}, "eligibility"),
        ("integrated_bundle", {"codesign.uptake": "all"}, "uptake"),
    ],
)
def test_bad_build_is_named(name, settings, key):
    """``build`` names the bad name or setting in one line."""
    assert key in _message(build, name, **settings)


def test_shared_intervention_is_rejected_and_first_model_untouched():
    """One intervention on two models used to re-enrol everyone and pay the fixed cost twice."""
    components = build("mindfulness", fixed_cost=1000.0)
    first = WorkforceModel(rng=1, interventions=components, **SMALL)
    first.run_for(3)
    cost, enrolled = components[0].total_cost, components[0].enrolled.copy()
    message = _message(WorkforceModel, rng=2, interventions=components, **SMALL)
    assert "'mindfulness' is already set up on another model" in message
    assert components[0].total_cost == cost
    np.testing.assert_array_equal(components[0].enrolled, enrolled)
    other = WorkforceModel(rng=2, **SMALL)
    assert "already set up" in _message(other.start_interventions, components)


def test_intervention_set_up_again_on_its_own_model():
    """Setting an intervention up again on its own model (a trial arm) still works."""
    components = build("mindfulness")
    model = WorkforceModel(rng=1, interventions=components, **SMALL)
    components[0].restrict(units=[0])
    components[0].setup(model)
    model.run_for(2)
    assert components[0].participants[model.workers.unit != 0].sum() == 0
