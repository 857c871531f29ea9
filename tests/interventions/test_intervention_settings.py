import pytest
from intervention_helpers import small_model

from sim.interventions import build


@pytest.mark.parametrize(
    ("name", "settings", "message"),
    [
        ("resilience_training", {"fixed_cost": -1.0}, r"'fixed_cost' = -1.0 is out of range"),
        ("mindfulness", {"uptake": 1.5}, r"'uptake' = 1.5 is out of range; allowed: \[0.0, 1.0\]"),
        ("counselling", {"stigma": "high"}, r"'stigma' = 'high' must be a number"),
        ("recognition", {"duration_weeks": 2.5}, r"'duration_weeks' = 2.5 must be a whole number"),
        ("codesign", {"mode": "sometimes"}, r"'mode' = 'sometimes'; allowed values: sustained"),
        ("safe_staffing", {"eligibility": "high_risk"}, r"'high_risk' is for individual"),
        ("safe_staffing", {"eligibility": [1, -2]}, r"whole numbers >= 0"),
        ("recognition", {"crisis_on": 0.3, "crisis_off": 0.4}, r"'crisis_off' = 0.4 must be below"),
        ("mindfulness", {"colour": "blue"}, r"unknown setting\(s\) \['colour'\]; valid settings"),
        ("individual_bundle", {"points": 3}, r"'points' is not common to bundle"),
        ("individual_bundle", {"safe_staffing.uptake": 1}, r"not in bundle"),
    ],
)
def test_bad_settings_raise_clear_errors(name, settings, message):
    """Each bad setting names the setting, the value and what is allowed."""
    with pytest.raises(ValueError, match=message):
        build(name, **settings)


def test_unknown_target_unit_raises_before_running():
    """A unit the organization does not have is refused when the model sets up (week 0)."""
    with pytest.raises(ValueError, match=r"unknown unit\(s\) \[99\]; this organization has units"):
        small_model(build("workload_redesign", eligibility=[0, 99]))
