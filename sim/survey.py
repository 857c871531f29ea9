"""A simulated staff survey: what workers report about their supervisor.

A worker's rating is not what the supervisor delivers: raters disagree (each worker's own
leniency, ``rating_noise_sd``) and carry their own state into the rating (common-method bias:
exhausted workers rate their leader lower, ``rating_bias``). The published associations between
rated leadership and burnout (Shanafelt 2015, Dyrbye 2020) are cross-sectional surveys of such
ratings, so the model reproduces them by regressing burnout on these ratings
(analysis.calibration.leadership_odds_ratio), while the causal effect of leadership runs through
the mechanisms (support of recovery, recognition, trust, engagement).
"""

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import WorkforceModel

# Exhaustion (0-1) at which a rater's state neither raises nor lowers the rating (assumption:
# about the workforce's typical exhaustion).
RATING_REFERENCE_EXHAUSTION = 0.4


def leadership_ratings(model: "WorkforceModel", posts: np.ndarray) -> np.ndarray:
    """Each worker's rating of their supervisor on the 12-60 scale (Shanafelt 2015's score).

    Rating = leadership delivered to the unit this week + the rater's leniency
    - ``rating_bias`` x 48 x (own exhaustion - 0.4), clipped to 12-60.
    """
    s, p = model.workers, model.params
    delivered = model.supervisors.delivered[s.unit[posts]]
    bias = p.rating_bias * 48.0 * (s.exhaustion[posts] - RATING_REFERENCE_EXHAUSTION)
    return np.clip(delivered + s.rating_offset[posts] - bias, 12.0, 60.0)
