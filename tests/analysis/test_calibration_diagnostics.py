"""Diagnostics of a posterior ensemble: quantiles, pinning, correlations, coverage, selection."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.calibration import Target
from analysis.calibration_diagnostics import (
    closest_particles,
    evaluation_loss,
    parameter_table,
    predictive_table,
    strong_pairs,
    target_noise,
    weighted_correlations,
    weighted_quantile,
)

TARGET = Target("y", "y", 1.0, 0.5, 1.5, "toy", "+-0.5", percent=False)


def test_weighted_quantile_ignores_zero_weights_and_matches_unweighted():
    values = np.arange(1.0, 102.0)
    assert weighted_quantile(values, np.ones(101), 0.5) == pytest.approx(51.0)
    assert weighted_quantile([1.0, 2.0, 100.0], [1.0, 1.0, 0.0], 0.5) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="weights"):
        weighted_quantile([1.0], [0.0], 0.5)


def test_parameter_table_tells_pinned_from_prior_like():
    rng = np.random.default_rng(0)
    draws = pd.DataFrame({"a": rng.uniform(0, 1, 4000), "b": rng.normal(0.5, 0.02, 4000)})
    table = parameter_table(draws, np.ones(4000), {"a": (0, 1, "x"), "b": (0, 1, "y")})
    rows = table.set_index("parameter")
    assert rows.loc["a", "pinned"] == "not pinned" and rows.loc["b", "pinned"] == "yes"
    assert rows.loc["b", "posterior_median"] == pytest.approx(0.5, abs=0.005)
    assert rows.loc["a", "sd_ratio"] == pytest.approx(1.0, abs=0.05)


def test_correlations_and_strong_pairs():
    rng = np.random.default_rng(1)
    x = rng.normal(size=2000)
    draws = pd.DataFrame({"x": x, "y": -x + rng.normal(0, 0.1, 2000), "z": rng.normal(size=2000)})
    corr = weighted_correlations(draws, np.ones(2000))
    assert corr.loc["x", "y"] == pytest.approx(-0.995, abs=0.01)
    pairs = strong_pairs(corr)
    assert list(zip(pairs["parameter_a"], pairs["parameter_b"], strict=True)) == [("x", "y")]


def test_predictive_table_hits_by_overlap():
    rows = [{"y": v} for v in np.linspace(1.4, 3.0, 101)]
    hit = predictive_table(rows, [TARGET]).iloc[0]
    assert hit["hit"] and not hit["contains"] and hit["predictive_low"] == pytest.approx(1.48)
    miss = predictive_table([{"y": v} for v in np.linspace(2.0, 3.0, 50)], [TARGET]).iloc[0]
    assert not miss["hit"]
    none = predictive_table([{"y": math.nan}], [TARGET]).iloc[0]
    assert not none["hit"] and none["failed"] == 1


def test_noise_selection_and_evaluation_loss():
    assert target_noise([{"y": 1.0}, {"y": 3.0}])["y"] == pytest.approx(math.sqrt(2.0))
    assert closest_particles([3.0, 1.0, 2.0, 0.5], 2) == [3, 1]
    assert evaluation_loss([{"y": 1.0}, {"y": 1.0}], [TARGET]) == 0.0
    assert evaluation_loss([{"y": 2.0}, {"y": 2.0}], [TARGET]) == pytest.approx(4.0)
