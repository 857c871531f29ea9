"""Calibration on a small synthetic problem with known parameters recovers them."""

import numpy as np
import pytest

from analysis.calibration import Target
from analysis.fitting import Block, UncertainParameter, fit

TRUE = {"rate": 0.3, "slope": 2.0}


def _simulate(params, seed, names):
    """Two noisy outputs of two parameters (seed noise shared across candidates: CRN)."""
    noise = np.random.default_rng(seed).normal(0.0, 0.01, 2)
    return {
        "level": params["rate"] * params["slope"] + noise[0],
        "ratio": params["rate"] / params["slope"] + noise[1] / 10,
    }


def _targets():
    """Targets at the true parameters' noise-free outputs, tolerance +-5 %."""
    level = TRUE["rate"] * TRUE["slope"]
    ratio = TRUE["rate"] / TRUE["slope"]
    return [
        Target("level", "level", level, 0.95 * level, 1.05 * level, "synthetic", "5 %"),
        Target("ratio", "ratio", ratio, 0.95 * ratio, 1.05 * ratio, "synthetic", "5 %"),
    ]


def test_nelder_mead_recovers_known_parameters():
    """From a start far off, the fit lands within a few percent of the true parameters."""
    space = [UncertainParameter("rate", 0.05, 1.0), UncertainParameter("slope", 0.5, 5.0)]
    result = fit(
        _simulate,
        space,
        {"rate": 0.7, "slope": 1.0},
        [Block("both", ("rate", "slope"), ("level", "ratio"))],
        seeds=[1, 2, 3],
        budget=150,
        targets=_targets(),
    )
    assert result.parameters["rate"] == pytest.approx(TRUE["rate"], rel=0.05)
    assert result.parameters["slope"] == pytest.approx(TRUE["slope"], rel=0.05)
    assert result.loss_end < 0.05 < result.loss_start
    assert result.evaluations and all(
        0.05 <= e["rate"] <= 1.0 and 0.5 <= e["slope"] <= 5.0 for e in result.evaluations
    )


def test_block_moves_only_its_parameters():
    """A block fits its own parameters and leaves the others where they were."""
    space = [UncertainParameter("rate", 0.05, 1.0), UncertainParameter("slope", 0.5, 5.0)]
    result = fit(
        _simulate,
        space,
        {"rate": 0.7, "slope": 2.0},
        [Block("rate only", ("rate",), ("level",))],
        seeds=[1],
        budget=40,
        targets=_targets(),
    )
    assert result.parameters["slope"] == 2.0
    assert result.parameters["rate"] == pytest.approx(TRUE["rate"], rel=0.05)


def test_fit_rejects_unknown_names():
    """A block naming an unknown parameter or target is refused before any simulation."""
    space = [UncertainParameter("rate", 0.05, 1.0)]
    with pytest.raises(ValueError, match="unknown parameter"):
        fit(
            _simulate,
            space,
            {"rate": 0.5},
            [Block("b", ("speed",), ("level",))],
            [1],
            5,
            targets=_targets(),
        )
    with pytest.raises(ValueError, match="unknown target"):
        fit(
            _simulate,
            space,
            {"rate": 0.5},
            [Block("b", ("rate",), ("nope",))],
            [1],
            5,
            targets=_targets(),
        )
    with pytest.raises(ValueError, match="budget"):
        fit(
            _simulate,
            space,
            {"rate": 0.5},
            [Block("b", ("rate",), ("level",))],
            [1],
            0,
            targets=_targets(),
        )


def test_uncertain_parameter_round_trip_and_range_check():
    """Logit coordinates map back to the same value, always inside the range; bad ranges fail."""
    p = UncertainParameter("x", 2.0, 6.0)
    for v in (2.5, 4.0, 5.9):
        assert p.from_unbounded(p.to_unbounded(v)) == pytest.approx(v)
    assert 2.0 <= p.from_unbounded(-50.0) <= p.from_unbounded(50.0) <= 6.0
    with pytest.raises(ValueError, match="low < high"):
        UncertainParameter("x", 3.0, 3.0)
