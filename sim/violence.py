"""Violence from patients and the public, and care left undone: stage 3 of the weekly step."""

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
    # 1 - exp(-rate) is at most the rate: most draws are above it, and the exact chance (an
    # exponential above rates of 0.05) is needed only below it (the same incidents come out).
    if uniform_any >= weekly_rate * (1.0 + 1e-9) + 1e-15:
        return -1
    if uniform_any >= event_probability(weekly_rate):
        return -1
    for kind in range(TYPE_CUMULATIVE.size):
        if uniform_type < TYPE_CUMULATIVE[kind]:
            return kind
    return TYPE_CUMULATIVE.size - 1


@compiled
def next_care_gap(care_gap: float, intensity: float, safe_load: float) -> float:
    """A unit's care left undone (0-1) one week on, smoothed over about five weeks.

    Rises linearly from 0 at 80 % of budgeted load to 1 at 0.2 above ``safe_load`` (1.3 by
    default), so at budgeted load some care is already left undone (Griffiths 2014: care left
    undone is common and rises with overtime and short staffing; the ramp is an assumption). It
    feeds each worker's moral distress (sim.wellbeing.next_moral_distress).
    """
    target = min(max((intensity - 0.8) / (safe_load + 0.2 - 0.8), 0.0), 1.0)
    return care_gap + 0.2 * (target - care_gap)
