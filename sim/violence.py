"""Violence from patients and the public, and moral distress: stage 3 of the weekly step."""

import numpy as np

from sim.state import (
    RING_WEEKS,
    VIOLENCE_ANNUAL_RATES,
    VIOLENCE_SEVERITY,
    WorkerState,
)

_TYPE_CUMULATIVE = np.cumsum(VIOLENCE_ANNUAL_RATES) / VIOLENCE_ANNUAL_RATES.sum()
_TOTAL_WEEKLY_RATE = VIOLENCE_ANNUAL_RATES.sum() / 52.0
# Assumption: the strain of an incident fades with a half-life of about 4 weeks.
VIOLENCE_LOAD_DECAY = 0.5 ** (1.0 / 4.0)


def violence_incidents(
    state: WorkerState,
    present: np.ndarray,
    unit_rate: np.ndarray,
    week: int,
    uniform_any: np.ndarray,
    uniform_type: np.ndarray,
    incident_support: np.ndarray,
) -> np.ndarray:
    """Draw this week's incidents; return the count of each type (Liu 2019 rates).

    Each person at work meets incidents at rate (reference rate x unit and role weight x personal
    frailty x ``unit_rate``); at most one incident a week is counted (weekly risk is small), and
    its type is drawn in proportion to the type rates. The strain an incident leaves is its
    severity, less the share taken off by post-incident support.
    """
    s = state
    rate = _TOTAL_WEEKLY_RATE * s.violence_weight * s.violence_frailty * unit_rate[s.unit]
    hit = present & (uniform_any < -np.expm1(-rate))
    victims = np.flatnonzero(hit)
    kinds = np.searchsorted(_TYPE_CUMULATIVE, uniform_type[victims] * _TYPE_CUMULATIVE[-1])
    ring = s.violence_ring[week % RING_WEEKS]
    ring.fill(0)
    ring[kinds, victims] = 1
    s.violence_load *= VIOLENCE_LOAD_DECAY
    s.violence_load[victims] += VIOLENCE_SEVERITY[kinds] * (
        1.0 - incident_support[s.unit[victims]]
    )
    return np.bincount(kinds, minlength=VIOLENCE_SEVERITY.size)


def update_moral_distress(
    moral_distress: np.ndarray, intensity: np.ndarray, safe_load: float
) -> np.ndarray:
    """Unit moral distress: rises when load passes the safe level (assumption).

    Distress is 0 at or below ``safe_load`` and 1 at 0.3 above it; it builds and fades over
    about five weeks (exponential smoothing, rate 0.2). Moral distress is named by health workers
    among the top contributors to burnout (seed 000, ref. 4 and 9).
    """
    target = np.clip((intensity - safe_load) / 0.3, 0.0, 1.0)
    return moral_distress + 0.2 * (target - moral_distress)
