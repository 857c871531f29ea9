"""Patient-safety incidents in a worker's care: burnout, overtime and long shifts raise the risk.

Each week a worker who works carries a small chance of an incident in their care (per full-time
week): ``safety_incident_rate`` in a reference week, times the odds ratios below for being burned
out, working overtime and working shifts of 12 h or more (applied as risk ratios, which at a
weekly risk well under 1 % they approximate closely). The model reports the expected count (the
sum of these chances), which carries no extra sampling noise.
"""

import numpy as np

from sim.jit import compiled

# Panagioti 2018 (47 studies, 42,473 physicians): burnout about doubles the odds of patient
# safety incidents; Tawfik 2019 finds such associations may be overstated, so the round 2.0 is
# used rather than Owoc 2020's higher 2.72 for self-reported errors.
BURNOUT_OR = 2.0
# Griffiths 2014 (31,627 RNs): poor or failing safety with overtime OR 1.67, with shifts of
# 12 h or more OR 1.41.
OVERTIME_OR = 1.67
LONG_SHIFT_OR = 1.41


@compiled
def incident_probability(
    reference_rate: float, burned_out: bool, overtime: bool, long_shift: bool
) -> float:
    """Weekly chance of a patient-safety incident in one full-time week of this worker's care."""
    p = reference_rate
    if burned_out:
        p *= BURNOUT_OR
    if overtime:
        p *= OVERTIME_OR
    if long_shift:
        p *= LONG_SHIFT_OR
    return min(p, 1.0)


def expected_incident_multiplier() -> np.ndarray:
    """The odds ratios (burnout, overtime, long shift), for reports."""
    return np.array([BURNOUT_OR, OVERTIME_OR, LONG_SHIFT_OR])
