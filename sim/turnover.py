"""Intent to leave, quits and retirements (stage 6 of the weekly step)."""

import numpy as np
import pandas as pd

from sim.jit import compiled
from sim.layout import DEPARTURE_COLUMNS as DEPARTURE_COLUMNS
from sim.organization import ROLE_NAMES, ROLES
from sim.violence import event_probability

RESIGNATION, RETIREMENT = 0, 1
DEPARTURE_REASONS = ("resignation", "retirement")
# Log-odds weights of intent to leave. Assumptions except where named: severe moral distress
# OR 3.16 for intent (ln 3.16 = 1.15, Saudi Arabia 2019); more than 40 hours a week OR 3.28 for
# leaving because of burnout (ln 3.28 = 1.19, Shah 2021). The constant sets the share intending
# to leave near Aiken 2024 (nurses 33 %, physicians 29 %).
INTENT_CONSTANT = -1.4
MORAL_DISTRESS_LOG_OR = np.log(3.16)
LONG_HOURS_LOG_OR = np.log(3.28)
NEW_HIRE_LOG_OR = 0.5  # assumption: first-year staff leave more often
# Assumption: leavers' memory in the unit fades with a half-life of about 8 weeks.
CONTAGION_DECAY = 0.5 ** (1.0 / 8.0)
# Retirement: yearly probability by five-year age band from 50 (assumption, typical of health
# workforces): none before 55, 2 % at 55-59, 10 % at 60-64, 35 % at 65-69, all by 70.
_RETIRE_ANNUAL = np.array([0.0, 0.02, 0.10, 0.35])
RETIRE_WEEKLY = np.append(-np.expm1(np.log1p(-_RETIRE_ANNUAL) / 52.0), 1.0)
QUIT_FLOOR = np.array([r.quit_floor_annual for r in ROLES])
QUIT_INTENT = np.array([r.quit_intent_annual for r in ROLES])


@compiled
def intent_to_leave(
    exhaustion: float,
    cynicism: float,
    engagement: float,
    trust: float,
    leadership_norm: float,
    moral_distress: float,
    overtime_hours: float,
    violence_load: float,
    log_job_market: float,
    contagion: float,
    tenure_weeks: float,
    intent_effect: float,
) -> float:
    """Intent to leave (0-1): a logistic function of job attitudes and conditions.

    Burnout, disengagement, distrust and poor leadership raise intent (weights 2.5, 2.0, 2.0,
    1.5, 0.8: assumptions); so do moral distress (OR 3.16 for severe distress, taken as 0.7
    and above, rising from 0.3; assumption on the ramp), long hours (OR 3.28 at 8+ overtime
    hours), recent violence (assumption), a tight outside market, colleagues' recent departures
    (turnover contagion) and being in the first year.
    """
    attitudes = (
        2.5 * (exhaustion - 0.4)
        + 2.0 * (cynicism - 0.25)
        - 2.0 * (engagement - 0.5)
        - 1.5 * (trust - 0.5)
        - 0.8 * (leadership_norm - 0.6)
    )
    logit = (
        INTENT_CONSTANT
        + intent_effect * attitudes
        + MORAL_DISTRESS_LOG_OR * min(max((moral_distress - 0.3) / 0.4, 0.0), 1.0)
        + LONG_HOURS_LOG_OR * min(overtime_hours / 8.0, 1.0)
        + 0.5 * min(violence_load, 2.0)
        + log_job_market
        + contagion
        + (NEW_HIRE_LOG_OR if tenure_weeks < 52.0 else 0.0)
    )
    return 1.0 / (1.0 + np.exp(-logit))


@compiled
def weekly_probability(annual: float) -> float:
    """Weekly probability of an event whose yearly probability is ``annual`` (constant hazard)."""
    if annual >= 1.0:
        return 1.0
    return event_probability(-np.log1p(-annual) / 52.0)


@compiled
def weekly_retirement_probability(age_years: float) -> float:
    """Weekly retirement probability by five-year age band (see _RETIRE_ANNUAL)."""
    # min(max((age - 50) // 5, 0), 4) as comparisons (age - 50 is exact from 25 to 100 years,
    # so the bands are the same; a float floor division calls fmod, a tenth of the worker pass)
    band = (age_years >= 55.0) + (age_years >= 60.0) + (age_years >= 65.0) + (age_years >= 70.0)
    return RETIRE_WEEKLY[band]


@compiled
def weekly_quit_probability(role: int, intent: float, modifier: float) -> float:
    """Weekly resignation probability: role floor + role slope x intent, yearly, x modifier.

    Set so that RN turnover lands in NSI's 16-27 % and physicians' near 6-7 % (sim.organization).
    """
    annual = min((QUIT_FLOOR[role] + QUIT_INTENT[role] * intent) * modifier, 0.99)
    return weekly_probability(annual)


# Relative and absolute margins of :func:`weekly_quit_bound` over rounding (ulps are ~1e-16).
_BOUND_MARGIN, _BOUND_FLOOR = 1.0 + 1e-6, 1e-15


@compiled
def weekly_quit_bound(role: int, intent: float, modifier: float) -> float:
    """A cheap upper bound on :func:`weekly_quit_probability`, without its logarithm.

    With a = the capped yearly probability, -log(1 - a) <= a / (1 - a) for every a < 1, and the
    weekly probability 1 - exp(-rate) (or its series) is at most the rate; the margins cover
    rounding. The worker pass computes the exact probability only when its departure draw falls
    below this bound (about 1 post in 200), so the same posts leave for the same reasons: an
    optimization, not a change of the model (sim.weekly_pass).
    """
    annual = min((QUIT_FLOOR[role] + QUIT_INTENT[role] * intent) * modifier, 0.99)
    return max(annual / (1.0 - annual), 0.0) * (1.0 / 52.0) * _BOUND_MARGIN + _BOUND_FLOOR


class DepartureLog:
    """Every departure so far: rows of an int64 matrix (``DEPARTURE_COLUMNS``), grown as needed.

    The compiled vacancy pass writes the rows; ``frame()`` gives them to analysts as a table.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self.rows = np.zeros((len(DEPARTURE_COLUMNS), capacity), dtype=np.int64)
        self.size = np.zeros(1, dtype=np.int64)  # rows written (an array, so compiled code can add)

    def reserve(self, extra: int) -> None:
        """Make room for ``extra`` more rows (capacity at least doubles when it grows)."""
        need = int(self.size[0]) + extra
        if need > self.rows.shape[1]:
            grown = np.zeros((self.rows.shape[0], max(need, 2 * self.rows.shape[1])), np.int64)
            grown[:, : self.rows.shape[1]] = self.rows
            self.rows = grown

    def clear(self) -> None:
        """Forget all departures (used after the burn-in period)."""
        self.size[0] = 0

    def frame(self) -> pd.DataFrame:
        """All departures as a table."""
        n = int(self.size[0])
        df = pd.DataFrame({c: self.rows[k, :n].copy() for k, c in enumerate(DEPARTURE_COLUMNS)})
        df["role"] = pd.Categorical.from_codes(df["role"], ROLE_NAMES)
        df["reason"] = pd.Categorical.from_codes(df["reason"], DEPARTURE_REASONS)
        df["burned_out"] = df["burned_out"].astype(bool)
        df["left_profession"] = df["left_profession"].astype(bool)
        return df


@compiled
def leaves_profession(reason: int, burned_out: bool, uniform: float) -> bool:
    """Whether a leaver leaves the profession: 10 % of resignations, 35 % if burned out.

    Assumption: burned-out leavers leave health care more often (seed 000: burnout drives people
    out of the health workforce, not only out of one employer).
    """
    return reason == RESIGNATION and uniform < (0.35 if burned_out else 0.10)
