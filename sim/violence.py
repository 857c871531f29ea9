"""Violence from patients and the public, and moral distress: stage 3 of the weekly step."""

import numpy as np

from sim.jit import compiled
from sim.state import VIOLENCE_ANNUAL_RATES

TYPE_CUMULATIVE = np.cumsum(VIOLENCE_ANNUAL_RATES) / VIOLENCE_ANNUAL_RATES.sum()
TOTAL_WEEKLY_RATE = float(VIOLENCE_ANNUAL_RATES.sum() / 52.0)
# Assumption: the strain of an incident fades with a half-life of about 4 weeks.
VIOLENCE_LOAD_DECAY = 0.5 ** (1.0 / 4.0)


@compiled
def event_probability(rate: float) -> float:
    """Chance of at least one event in a week with Poisson ``rate``: 1 - exp(-rate).

    Below a rate of 0.05 the cubic series is used (error under 3e-7, and no exponential).
    """
    if rate < 0.05:
        return rate * (1.0 - rate * (0.5 - rate / 6.0))
    return -np.expm1(-rate)


@compiled
def incident_kind(weekly_rate: float, uniform_any: float, uniform_type: float) -> int:
    """Type of this week's incident (index into VIOLENCE_TYPES), or -1 for none.

    Incidents arrive at ``weekly_rate`` (Liu 2019 reference rates x unit and role weights x
    personal frailty x scenario); at most one a week is counted, since the weekly risk is small,
    and its type is drawn in proportion to the type rates.
    """
    if uniform_any >= event_probability(weekly_rate):
        return -1
    for kind in range(TYPE_CUMULATIVE.size):
        if uniform_type < TYPE_CUMULATIVE[kind]:
            return kind
    return TYPE_CUMULATIVE.size - 1


@compiled
def next_moral_distress(moral_distress: float, intensity: float, safe_load: float) -> float:
    """A unit's moral distress one week on: rises when load passes the safe level (assumption).

    Distress is 0 at or below ``safe_load`` and 1 at 0.3 above it; it builds and fades over
    about five weeks (exponential smoothing, rate 0.2). Moral distress is named by health workers
    among the top contributors to burnout (seed 000, ref. 4 and 9).
    """
    target = min(max((intensity - safe_load) / 0.3, 0.0), 1.0)
    return moral_distress + 0.2 * (target - moral_distress)
