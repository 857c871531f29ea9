"""Targets, measures, loss and the fit table of analysis.calibration."""

import math
import re

import numpy as np
import pandas as pd
import pytest

from analysis.calibration import (
    TARGETS,
    Target,
    fit_table,
    leadership_odds_ratio,
    logistic_slope,
    loss,
    table_markdown,
    workload_odds_ratio,
)


def test_every_target_brackets_its_published_value():
    """Each target's published value lies in its interval and names its source."""
    assert len({t.name for t in TARGETS}) == len(TARGETS)
    for t in TARGETS:
        assert t.low <= t.value <= t.high and t.source and t.interval


def test_bad_target_is_refused():
    """A value outside its own interval, or a negative weight, raises ValueError."""
    with pytest.raises(ValueError, match="outside"):
        Target("x", "x", 2.0, 0.0, 1.0, "s", "i")
    with pytest.raises(ValueError, match="weight"):
        Target("x", "x", 0.5, 0.0, 1.0, "s", "i", weight=-1.0)


def test_z_uses_the_half_width_on_the_deviation_side():
    """An asymmetric interval scales deviations above and below differently."""
    t = Target("x", "x", 1.0, 0.5, 3.0, "s", "i")
    assert t.z(2.0) == pytest.approx(0.5)
    assert t.z(0.5) == pytest.approx(-1.0)
    assert t.within(2.9) and not t.within(0.4)
    assert math.isinf(t.z(float("nan")))


def test_loss_is_zero_at_published_values_and_grows_with_distance():
    """The loss vanishes at the published values and is the weighted sum of squared z."""
    at_target = {t.name: t.value for t in TARGETS}
    assert loss(at_target) == 0.0
    t = TARGETS[0]
    assert loss({t.name: t.high}) == pytest.approx(t.weight)
    assert loss({t.name: t.value + 2 * (t.high - t.value)}) == pytest.approx(4 * t.weight)


def test_logistic_slope_recovers_a_known_slope():
    """On data drawn from a logistic model the fitted slope is close to the true one."""
    rng = np.random.default_rng(0)
    x = rng.uniform(12, 60, 20_000)
    p = 1 / (1 + np.exp(-(1.0 - 0.0336 * (x - 36))))
    y = rng.random(x.size) < p
    assert logistic_slope(y, x) == pytest.approx(-0.0336, abs=0.004)
    frame = pd.DataFrame({"burned_out": y, "leadership_rating": x})
    assert leadership_odds_ratio(frame) == pytest.approx(math.exp(-0.0336), abs=0.004)
    nurses = pd.DataFrame({"burned_out": y, "patients_per_nurse": -x})
    assert workload_odds_ratio(nurses) == pytest.approx(math.exp(0.0336), abs=0.004)


def test_leadership_odds_ratio_is_measured_within_the_roles_given():
    """With ``roles``, only those workers enter the regression (one study's population)."""
    rng = np.random.default_rng(1)
    x = rng.uniform(12, 60, 40_000)
    physician = np.arange(x.size) % 2 == 0
    slope = np.where(physician, -0.0336, -0.0726)
    y = rng.random(x.size) < 1 / (1 + np.exp(-(1.0 + slope * (x - 36))))
    frame = pd.DataFrame(
        {
            "burned_out": y,
            "leadership_rating": x,
            "role": np.where(physician, "physician", np.where(x > 30, "nurse", "allied")),
        }
    )
    by_physicians = leadership_odds_ratio(frame, ["physician"])
    by_staff = leadership_odds_ratio(frame, ["nurse", "allied"])
    assert by_physicians == pytest.approx(math.exp(-0.0336), abs=0.005)
    assert by_staff == pytest.approx(math.exp(-0.0726), abs=0.005)
    assert by_staff < leadership_odds_ratio(frame) < by_physicians


def test_logistic_slope_rejects_data_without_variation():
    """No variation in outcome or exposure, or too few rows, is a ValueError."""
    with pytest.raises(ValueError, match="variation"):
        logistic_slope(np.zeros(50), np.arange(50))
    with pytest.raises(ValueError, match=">= 10"):
        logistic_slope(np.array([0, 1]), np.array([1.0, 2.0]))


def test_fit_table_marks_within_and_overlap():
    """The table's verdicts follow the model mean and the model's range over seeds."""
    t = Target("x", "X", 0.5, 0.4, 0.6, "s", "95 % CI")
    table = fit_table({"x": [0.45, 0.55], "ignored": [1.0]}, [t])
    row = table.iloc[0]
    assert list(table["target"]) == ["x"]
    assert row["model"] == pytest.approx(0.5) and row["within"] and row["overlaps"]
    off = fit_table({"x": [0.7, 0.9]}, [t]).iloc[0]
    assert not off["within"] and not off["overlaps"]
    assert re.search(r"^\| X +\| 50\.0 %", table_markdown(table, [t]), re.M)
