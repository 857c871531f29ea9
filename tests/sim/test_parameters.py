import math

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


def test_bad_scenario_and_burn_in():
    """Scenario names and burn-in weeks are checked too."""
    with pytest.raises(ValueError, match="scenario"):
        WorkforceModel(rng=1, scenario="zombie_outbreak")
    with pytest.raises(ValueError, match="burn_in_weeks"):
        WorkforceModel(rng=1, burn_in_weeks=-3)
