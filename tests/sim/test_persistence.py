"""Burnout persistence: the metric, and the personal-resource state that lets burnout end.

Evidence.md ('Time scales'): recovery from burnout takes one to three years, so a burned-out
worker still in post a year later is still burned out with probability of about exp(-1/D),
D = 1-3 years (0.37-0.72; analysis.calibration's burnout_persistence_12m). With stable coping
the model kept 96 % burned out (an episode of about 20 years).
"""

import numpy as np
import pytest

from analysis.calibration import TARGETS_BY_NAME
from sim import WorkforceModel
from sim.metrics import (
    BurnoutSnapshot,
    burnout_persistence,
    burnout_snapshot,
    persistence_per_year,
)
from sim.parameters import ModelParameters
from sim.wellbeing import next_resource_state, resource_state_decay, resource_state_innovation_sd


def test_persistence_counts_only_the_same_people_still_in_post():
    """Hand-built: a new holder (post 2) and an empty post (4) are left out."""
    before = BurnoutSnapshot(
        person_id=np.array([1, 2, 3, 4, -1, 6]),
        burned_out=np.array([True, True, True, False, False, True]),
        exhaustion=np.array([0.7, 0.6, 0.8, 0.2, 0.0, 0.9]),
    )
    after = BurnoutSnapshot(
        person_id=np.array([1, 2, 9, 4, -1, 6]),
        burned_out=np.array([True, False, True, True, True, True]),
        exhaustion=np.array([0.6, 0.3, 0.1, 0.5, 0.0, 0.8]),
    )
    out = burnout_persistence(before, after)
    assert out["n_burned"] == 3 and out["n_stayers"] == 4
    assert out["persistence"] == pytest.approx(2 / 3)
    same = [0, 1, 3, 5]
    r = np.corrcoef(before.exhaustion[same], after.exhaustion[same])[0, 1]
    assert out["exhaustion_r"] == pytest.approx(r)
    nobody = BurnoutSnapshot(before.person_id, np.zeros(6, dtype=bool), before.exhaustion)
    assert np.isnan(burnout_persistence(nobody, after)["persistence"])


def test_persistence_target_and_its_conversion_to_a_year():
    """The interval is exp(-1/D) for D = 1-3 years; half a year's share squared is a year's."""
    target = TARGETS_BY_NAME["burnout_persistence_12m"]
    assert target.low == pytest.approx(np.exp(-1.0), abs=1e-3)
    assert target.high == pytest.approx(np.exp(-1.0 / 3.0), abs=1e-3)
    assert target.value == pytest.approx(np.exp(-0.5), abs=1e-3)
    assert persistence_per_year(0.8, 26) == pytest.approx(0.64)
    assert persistence_per_year(0.7, 52) == pytest.approx(0.7)
    assert np.isnan(persistence_per_year(float("nan"), 52))
    with pytest.raises(ValueError, match="weeks"):
        persistence_per_year(0.5, 0)


def test_resource_state_is_an_ar1_with_the_share_of_coping_variance():
    """Stationary SD sqrt(share) x coping_sd, lag-h autocorrelation 0.5 (h the half-life)."""
    sd, share, half_life = 0.8, 0.9, 13.0
    phi = resource_state_decay(half_life)
    innovation = resource_state_innovation_sd(sd, share, half_life)
    rng = np.random.default_rng(1)
    x = np.zeros(5_000)
    path = []
    for _ in range(200):
        x = np.array(
            [
                next_resource_state(v, phi, innovation, u)
                for v, u in zip(x, rng.random(x.size), strict=True)
            ]
        )
        path.append(x)
    assert x.std() == pytest.approx(np.sqrt(share) * sd, rel=0.05)
    lag = int(half_life)
    r = np.corrcoef(path[-1 - lag], path[-1])[0, 1]
    assert r == pytest.approx(0.5, abs=0.05)


def persistence_over(years: int, seed: int = 2, **params) -> tuple[float, float]:
    """Pooled persistence and mean r(E, E a year on) over ``years`` after burn-in, 600 posts."""
    model = WorkforceModel(rng=seed, n_workers=600, collect_data=False, **params)
    snaps = [burnout_snapshot(model)]
    for _ in range(years):
        model.run_for(52)
        snaps.append(burnout_snapshot(model))
    out = [burnout_persistence(a, b) for a, b in zip(snaps[:-1], snaps[1:], strict=True)]
    burned = sum(o["n_burned"] for o in out)
    share = sum(o["persistence"] * o["n_burned"] for o in out) / burned
    return share, float(np.mean([o["exhaustion_r"] for o in out]))


def test_burnout_ends_only_with_changing_personal_resources():
    """Switching the state off (share 0) brings back decades-long burnout: the state is needed."""
    with_state, r_with = persistence_over(2)
    stable, r_stable = persistence_over(2, resource_state_share=0.0)
    assert with_state < 0.75 and stable > 0.85, (with_state, stable)
    assert r_with < r_stable - 0.15, (r_with, r_stable)


def test_state_settings_are_checked():
    """Out-of-range settings stop with the setting's name and its allowed range."""
    with pytest.raises(ValueError, match=r"resource_state_share.*\[0.0, 0.95\]"):
        ModelParameters(resource_state_share=1.0)
    with pytest.raises(ValueError, match=r"resource_state_half_life_weeks.*\[1.0, 520.0\]"):
        ModelParameters(resource_state_half_life_weeks=0.5)
