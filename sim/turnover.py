"""Intent to leave, quits and retirements (stage 6 of the weekly step)."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.modifiers import Modifiers
from sim.organization import ROLE_NAMES, ROLES
from sim.parameters import ModelParameters
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
_RETIRE_WEEKLY = np.append(-np.expm1(np.log1p(-_RETIRE_ANNUAL) / 52.0), 1.0)


def update_intent(
    state: WorkerState,
    leadership_norm: np.ndarray,
    moral_distress: np.ndarray,
    overtime: np.ndarray,
    recent_leavers: np.ndarray,
    unit_posts: np.ndarray,
    job_market: float,
    params: ModelParameters,
) -> None:
    """Intent to leave (0-1) as a logistic function of job attitudes and conditions.

    Burnout, disengagement, distrust and poor leadership raise intent; so do moral distress, long
    hours, recent violence, a tight outside market and colleagues' recent departures (turnover
    contagion, assumption after Felps 2009).
    """
    s = state
    u = s.unit
    attitudes = (
        2.5 * (s.exhaustion - 0.4)
        + 2.0 * (s.cynicism - 0.25)
        - 2.0 * (s.engagement - 0.5)
        - 1.5 * (s.trust - 0.5)
        - 0.8 * (leadership_norm[u] - 0.6)
    )
    logit = (
        INTENT_CONSTANT
        + params.intent_effect * attitudes
        + MORAL_DISTRESS_LOG_OR * moral_distress[u]
        + LONG_HOURS_LOG_OR * np.minimum(overtime[u] / 8.0, 1.0)
        + 0.5 * np.minimum(s.violence_load, 2.0)
        + np.log(job_market)
        + params.turnover_contagion * (recent_leavers / unit_posts)[u]
        + NEW_HIRE_LOG_OR * (s.tenure_weeks < 52.0)
    )
    s.intent = 1.0 / (1.0 + np.exp(-logit))


@dataclass
class DepartureLog:
    """Every departure so far, kept as weekly chunks of arrays."""

    chunks: list[tuple[np.ndarray, ...]] = field(default_factory=list)

    def add(self, week: int, state: WorkerState, posts: np.ndarray, reasons: np.ndarray,
            left_profession: np.ndarray) -> None:
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


_QUIT_FLOOR = np.array([r.quit_floor_annual for r in ROLES])
_QUIT_INTENT = np.array([r.quit_intent_annual for r in ROLES])


def draw_departures(
    state: WorkerState,
    params: ModelParameters,
    mods: Modifiers,
    uniform: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decide who leaves this week; return posts, reason codes and left-the-profession flags.

    Yearly quit probability = role floor + role intent slope x intent (x retention modifiers),
    converted to a weekly hazard; retirement adds an age-banded hazard. One uniform decides both.
    About 95 % of RN exits are resignations (NSI), which this split reproduces at default ages.
    A leaver leaves the profession with probability 0.1, or 0.35 if burned out (assumption).
    """
    s = state
    q_quit = np.minimum((_QUIT_FLOOR[s.role] + _QUIT_INTENT[s.role] * s.intent)
                        * mods.quit_hazard, 0.99)
    p_quit = -np.expm1(np.log1p(-q_quit) / 52.0)
    if params.retirement:
        band = np.clip((s.age_years - 50.0) // 5.0, 0, 4).astype(np.intp)
        p_retire = _RETIRE_WEEKLY[band]
    else:
        p_retire = 0.0
    leaving = s.filled & (uniform < p_quit + p_retire)
    posts = np.flatnonzero(leaving)
    reasons = np.where(uniform[posts] < p_quit[posts], RESIGNATION, RETIREMENT).astype(np.int8)
    p_profession = np.where(s.burned_out[posts], 0.35, 0.10)
    left_profession = (reasons == RESIGNATION) & (rng.random(posts.size) < p_profession)
    return posts, reasons, left_profession
