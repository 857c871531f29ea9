"""The well-being trait's mean and spread are model parameters that govern the drawn traits."""

import logging

import numpy as np
import pytest

from sim.model import WorkforceModel
from sim.parameters import ModelParameters
from sim.wellbeing import FLOURISHING, LANGUISHING, MODERATE

logging.getLogger("MESA").setLevel(logging.WARNING)


def _traits(**params: float) -> np.ndarray:
    """Well-being traits of an initial workforce of 4,000 posts (no burn-in)."""
    m = WorkforceModel(rng=5, n_workers=4000, burn_in_weeks=0, collect_data=False, **params)
    return m.workers.wellbeing_trait.copy()


def test_trait_follows_mean_and_spread():
    """The drawn traits have the parameters' mean and spread (little clipping at these values)."""
    traits = _traits(wellbeing_trait_mean=0.5, wellbeing_trait_sd=0.1)
    assert traits.mean() == pytest.approx(0.5, abs=0.01)
    assert traits.std() == pytest.approx(0.1, abs=0.01)
    assert traits.min() >= 0.0 and traits.max() <= 1.0


def test_trait_parameters_use_the_same_draws():
    """Changing the trait parameters rescales the same standard normal draws (common numbers)."""
    a = _traits(wellbeing_trait_mean=0.5, wellbeing_trait_sd=0.1)
    b = _traits(wellbeing_trait_mean=0.55, wellbeing_trait_sd=0.05)
    assert np.allclose(b, 0.55 + 0.5 * (a - 0.5))


def test_wider_trait_fills_both_tails():
    """A wider trait spread moves workers out of 'moderate' into flourishing and languishing.

    The mean is held at 0.6 (MHC-SF item mean 3 of 5, between the class cut-offs): around a mean
    that is already in one tail, a wider spread also moves people out of that tail.
    """
    shares = {}
    for sd in (0.1, 0.3):
        m = WorkforceModel(
            rng=5,
            n_workers=2000,
            burn_in_weeks=26,
            wellbeing_trait_mean=0.6,
            wellbeing_trait_sd=sd,
        )
        shares[sd] = np.bincount(m.wellbeing_classes[m.workers.filled], minlength=3)
        shares[sd] = shares[sd] / shares[sd].sum()
    assert shares[0.3][FLOURISHING] > shares[0.1][FLOURISHING] + 0.05
    assert shares[0.3][LANGUISHING] > shares[0.1][LANGUISHING] + 0.05
    assert shares[0.3][MODERATE] < shares[0.1][MODERATE] - 0.1


@pytest.mark.parametrize(
    ("name", "value"),
    [("wellbeing_trait_mean", 1.2), ("wellbeing_trait_mean", -0.1), ("wellbeing_trait_sd", 0.6)],
)
def test_out_of_range_trait_parameter_is_refused(name, value):
    """A trait parameter outside its allowed range raises a ValueError naming it."""
    with pytest.raises(ValueError, match=name):
        ModelParameters(**{name: value})
