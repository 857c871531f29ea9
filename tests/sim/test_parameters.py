import math

import numpy as np
import pytest

from sim import ModelParameters, WorkforceModel


def test_defaults_are_valid_and_documented():
    """Every parameter has a source and its default lies in its range."""
    for row in ModelParameters.describe():
        assert row["source"]
        if row["low"] is not None and not (
            isinstance(row["default"], float) and math.isnan(row["default"])
        ):
            assert row["low"] <= row["default"] <= row["high"], row["name"]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"peer_recognition_rate": 1.5}, "peer_recognition_rate"),
        ({"leadership_score": 70.0}, "[12.0, 60.0]"),
        ({"leadership_score": 5.0}, "leadership_score"),
        ({"n_workers": -5}, "n_workers"),
        ({"n_workers": 12.5}, "whole number"),
        ({"demand_level": "high"}, "must be a number"),
        ({"retirement": 1}, "true or false"),
        ({"organization": "castle"}, "community_hospital"),
        ({"no_such_thing": 1.0}, "valid parameters are"),
        ({"demand_level": math.nan}, "NaN"),
    ],
)
def test_bad_parameters_raise_clear_errors(kwargs, fragment):
    """Unknown names, wrong types and out-of-range values raise ValueError naming them."""
    with pytest.raises(ValueError) as err:
        WorkforceModel(rng=1, **kwargs)
    message = str(err.value)
    assert fragment in message
    name = next(iter(kwargs))
    assert name in message


def test_errors_come_before_any_work(monkeypatch):
    """Validation happens before the organization is built."""
    import sim.model

    def fail(*args, **kwargs):
        raise AssertionError("layout built before validation")

    monkeypatch.setattr(sim.model, "build_layout", fail)
    with pytest.raises(ValueError):
        WorkforceModel(rng=1, sick_leave_rate=-0.1)


def test_bad_pressure_and_burn_in():
    """Outside-pressure names and burn-in weeks are checked too."""
    with pytest.raises(ValueError, match="pressure 'zombie_outbreak' is unknown; allowed: base"):
        WorkforceModel(rng=1, pressure="zombie_outbreak")
    with pytest.raises(ValueError, match="burn_in_weeks"):
        WorkforceModel(rng=1, burn_in_weeks=-3)


def test_old_scenario_keyword_still_sets_the_pressure_with_a_warning():
    """``scenario=`` (the old name of ``pressure=``) warns and gives the same model."""
    new = WorkforceModel(rng=4, pressure="pandemic_surge", n_workers=40, burn_in_weeks=2)
    with pytest.warns(DeprecationWarning, match=r"scenario=\.\.\.\) is deprecated"):
        old = WorkforceModel(rng=4, scenario="pandemic_surge", n_workers=40, burn_in_weeks=2)
    assert old.external == new.external and old.external.name == "pandemic_surge"
    for model in (old, new):
        model.run_for(3)
    np.testing.assert_equal(old.summary(), new.summary())
    once = "outside pressure once, as pressure="
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match=once):
        WorkforceModel(rng=4, pressure="baseline", scenario="pandemic_surge", n_workers=40)


def test_mesa_scenario_is_mesa_s_and_pressure_stays_at_its_default():
    """A Mesa ``Scenario`` passed as ``scenario=`` is Mesa's own; no warning, baseline pressure."""
    import warnings

    from mesa.experimental.scenarios import Scenario as MesaScenario

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        model = WorkforceModel(scenario=MesaScenario(rng=9), n_workers=40, burn_in_weeks=1)
    assert model.external.name == "baseline"
    assert isinstance(model.scenario, MesaScenario)
