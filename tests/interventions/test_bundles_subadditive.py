"""Bundles do less than the sum of their members: competition for attention and saturation."""

import numpy as np

from sim import WorkforceModel
from sim.interventions import BUNDLES, build

WEEKS = 78


def mean_burnout(interventions, seed: int) -> float:
    """Mean weekly burnout prevalence over ``WEEKS`` after burn-in (600 posts)."""
    model = WorkforceModel(rng=seed, n_workers=600, interventions=interventions)
    model.run_for(WEEKS)
    frame = model.datacollector.get_model_vars_dataframe()
    return float(frame["burnout_prevalence"].iloc[1:].mean())


def test_organizational_bundle_is_sub_additive_and_stays_above_the_floor():
    """Paired by seed: the bundle's fall is smaller than its members' falls added up."""
    bundle, members = [], []
    for seed in (1, 2):
        none = mean_burnout([], seed)
        bundle.append(none - mean_burnout(build("organizational_bundle"), seed))
        members.append(
            sum(none - mean_burnout(build(m), seed) for m in BUNDLES["organizational_bundle"])
        )
        assert mean_burnout(build("integrated_bundle"), seed) > 0.15
    assert np.mean(bundle) > 0.0
    assert np.mean(bundle) < np.mean(members)
