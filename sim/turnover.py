"""Intent to leave, quits and retirements (stage 6 of the weekly step)."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.jit import compiled
from sim.organization import ROLE_NAMES, ROLES
from sim.state import WorkerState

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
    1.5, 0.8: assumptions); so do moral distress (OR 3.16), long hours (OR 3.28 at 8+ overtime
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
        + MORAL_DISTRESS_LOG_OR * moral_distress
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
    return -np.expm1(np.log1p(-annual) / 52.0)


@compiled
def weekly_retirement_probability(age_years: float) -> float:
    """Weekly retirement probability by five-year age band (see _RETIRE_ANNUAL)."""
    band = min(max(int((age_years - 50.0) // 5.0), 0), 4)
    return RETIRE_WEEKLY[band]


@compiled
def weekly_quit_probability(role: int, intent: float, modifier: float) -> float:
    """Weekly resignation probability: role floor + role slope x intent, yearly, x modifier.

    Set so that RN turnover lands in NSI's 16-27 % and physicians' near 6-7 % (sim.organization).
    """
    annual = min((QUIT_FLOOR[role] + QUIT_INTENT[role] * intent) * modifier, 0.99)
    return weekly_probability(annual)


@dataclass
class DepartureLog:
    """Every departure so far, kept as weekly chunks of arrays."""

    chunks: list[tuple[np.ndarray, ...]] = field(default_factory=list)

    def add(
        self,
        week: int,
        state: WorkerState,
        posts: np.ndarray,
        reasons: np.ndarray,
        left_profession: np.ndarray,
    ) -> None:
        """Record the people leaving ``posts`` this week (before their posts are cleared)."""
        if posts.size:
            self.chunks.append(
                (
                    np.full(posts.size, week),
                    state.person_id[posts].copy(),
                    state.role[posts].copy(),
                    state.unit[posts].copy(),
                    reasons,
                    state.burned_out[posts].copy(),
                    left_profession,
                )
            )

    def clear(self) -> None:
        """Forget all departures (used after the burn-in period)."""
        self.chunks.clear()

    def frame(self) -> pd.DataFrame:
        """All departures as a table."""
        cols = ["week", "person_id", "role", "unit", "reason", "burned_out", "left_profession"]
        if not self.chunks:
            return pd.DataFrame({c: pd.Series(dtype="int64") for c in cols})
        parts = [np.concatenate(arrays) for arrays in zip(*self.chunks, strict=True)]
        df = pd.DataFrame(dict(zip(cols, parts, strict=True)))
        df["role"] = pd.Categorical.from_codes(df["role"], ROLE_NAMES)
        df["reason"] = pd.Categorical.from_codes(df["reason"], DEPARTURE_REASONS)
        return df


def left_profession(
    reasons: np.ndarray, burned_out: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Which resigning leavers leave the profession: 10 %, or 35 % if burned out (assumption)."""
    if reasons.size == 0:
        return np.zeros(0, dtype=bool)
    p = np.where(burned_out, 0.35, 0.10)
    return (reasons == RESIGNATION) & (rng.random(reasons.size) < p)
