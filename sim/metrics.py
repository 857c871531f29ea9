"""Weekly model-level metrics, headline summaries and agent-level tables."""

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.accounting import COST_ITEMS
from sim.organization import ROLE_NAMES
from sim.state import FILLED, RING_WEEKS, VIOLENCE_TYPES
from sim.weekly_pass import T_ENGAGEMENT, T_EXHAUSTION, T_INTENDING, T_TRUST
from sim.wellbeing import FLOURISHING, LANGUISHING, MODERATE, WELLBEING_CLASSES

if TYPE_CHECKING:
    from sim.model import WorkforceModel


class RollingWindow:
    """The last 52 weeks of leavers, headcount and fill times, for annualized rates."""

    def __init__(self, n_roles: int) -> None:
        self.leavers = deque(maxlen=RING_WEEKS)
        self.headcount = deque(maxlen=RING_WEEKS)
        self.fill_days = deque(maxlen=RING_WEEKS)
        self.n_roles = n_roles

    def push(
        self, leavers_by_role: np.ndarray, headcount_by_role: np.ndarray, fill_days: np.ndarray
    ) -> None:
        """Add one week."""
        self.leavers.append(leavers_by_role)
        self.headcount.append(headcount_by_role)
        self.fill_days.append(fill_days)

    def turnover_by_role(self) -> np.ndarray:
        """Leavers over the window / mean headcount, scaled to a year, per role."""
        if not self.leavers:
            return np.full(self.n_roles, np.nan)
        weeks = len(self.leavers)
        leavers = np.sum(self.leavers, axis=0)
        headcount = np.mean(self.headcount, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return leavers / headcount * (52.0 / weeks)

    def turnover(self) -> float:
        """All-role annualized turnover."""
        if not self.leavers:
            return float("nan")
        weeks = len(self.leavers)
        total = float(np.sum(self.leavers)) / float(np.mean(np.sum(self.headcount, axis=1)))
        return total * 52.0 / weeks

    def mean_fill_days(self) -> float:
        """Mean days to fill among searches that succeeded in the window."""
        days = np.concatenate(list(self.fill_days)) if self.fill_days else np.array([])
        return float(days.mean()) if days.size else float("nan")


def _share(mask: np.ndarray, of: np.ndarray) -> float:
    n = np.count_nonzero(of)
    return float(np.count_nonzero(mask & of)) / n if n else float("nan")


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    n = np.count_nonzero(mask)
    return float(values @ mask) / n if n else float("nan")


WEEKLY_EVENT_KEYS = (
    "overtime_hours",
    "agency_hours",
    "violence_incidents",
    "recognition_events",
    "leavers",
    "hires",
    "mean_intensity",
    "weekly_cost",
)


def weekly_metrics(m: "WorkforceModel") -> dict[str, float]:
    """The model-level metrics of this week: the week's workforce, and posts after the week."""
    t = m.tallies
    workforce = max(float(t.role_headcount.sum()), 1.0)
    classes = t.class_counts / workforce
    headcount = int(np.count_nonzero(m.workers.filled))
    out: dict[str, float] = {
        "week": m.week,
        "burnout_prevalence": float(t.role_burned.sum()) / workforce,
        "mean_exhaustion": float(t.values[T_EXHAUSTION]) / workforce,
        "flourishing_share": float(classes[FLOURISHING]),
        "moderate_share": float(classes[MODERATE]),
        "languishing_share": float(classes[LANGUISHING]),
        "engagement": float(t.values[T_ENGAGEMENT]) / workforce,
        "trust": float(t.values[T_TRUST]) / workforce,
        "intent_to_leave_share": float(t.values[T_INTENDING]) / workforce,
        "headcount": headcount,
        "vacancies": m.workers.size - headcount,
        "vacancy_rate": 1.0 - headcount / m.workers.size,
        "annual_turnover_rate": m.window.turnover(),
        "leadership_delivered": float(np.mean(m.supervisors.delivered)),
        "supervisor_exhaustion": float(np.mean(m.supervisors.exhaustion)),
        "total_cost": m.ledger.total,
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        role_prevalence = t.role_burned / t.role_headcount
    for role, name in enumerate(ROLE_NAMES):
        out[f"burnout_prevalence_{name}"] = float(role_prevalence[role])
    for key in WEEKLY_EVENT_KEYS:
        out[key] = m.last.get(key, float("nan"))
    return out


def model_reporters() -> dict[str, Callable[["WorkforceModel"], float]]:
    """The weekly model-level metrics for Mesa's DataCollector (read from ``m.metrics``)."""
    return {k: (lambda m, k=k: m.metrics[k]) for k in METRIC_KEYS}


METRIC_KEYS = (
    "week",
    "burnout_prevalence",
    "mean_exhaustion",
    "flourishing_share",
    "moderate_share",
    "languishing_share",
    "engagement",
    "trust",
    "intent_to_leave_share",
    "headcount",
    "vacancies",
    "vacancy_rate",
    "annual_turnover_rate",
    "leadership_delivered",
    "supervisor_exhaustion",
    "total_cost",
    *(f"burnout_prevalence_{name}" for name in ROLE_NAMES),
    *WEEKLY_EVENT_KEYS,
)


def violence_exposure_12m(m: "WorkforceModel") -> dict[str, float]:
    """Share of current workers with at least one incident of each type in the last 52 weeks."""
    s = m.workers
    per_type = s.violence_ring.max(axis=0)  # (types, posts): any incident in the window
    out = {
        f"violence_exposure_12m_{name}": _share(per_type[i] > 0, s.filled)
        for i, name in enumerate(VIOLENCE_TYPES)
    }
    out["violence_exposure_12m"] = _share(per_type.max(axis=0) > 0, s.filled)
    return out


def summarize(m: "WorkforceModel") -> dict[str, float]:
    """Headline outcomes of the organization now (rates over the last 52 weeks)."""
    out = {k: float(v) for k, v in weekly_metrics(m).items() if k not in WEEKLY_EVENT_KEYS}
    out["days_to_fill"] = m.window.mean_fill_days()
    turnover_by_role = m.window.turnover_by_role()
    for role, name in enumerate(ROLE_NAMES):
        out[f"annual_turnover_rate_{name}"] = float(turnover_by_role[role])
    out.update(violence_exposure_12m(m))
    for item in COST_ITEMS:
        out[f"cost_{item}"] = getattr(m.ledger, item)
    return out


def worker_records(m: "WorkforceModel") -> pd.DataFrame:
    """One row per current worker, for analysts."""
    s = m.workers
    posts = np.flatnonzero(s.filled)
    incidents = s.violence_ring[:, :, posts].sum(axis=0, dtype=np.int64)
    table = pd.DataFrame(
        {
            "post": posts,
            "person_id": s.person_id[posts],
            "role": pd.Categorical.from_codes(s.role[posts], ROLE_NAMES),
            "unit": s.unit[posts],
            "unit_type": np.array(m.layout.unit_type_names)[s.unit[posts]],
            "tenure_weeks": s.tenure_weeks[posts],
            "age_years": s.age_years[posts],
            "leadership_score": m.supervisors.score[s.unit[posts]],
            "leadership_delivered": m.supervisors.delivered[s.unit[posts]],
            "exhaustion": s.exhaustion[posts],
            "cynicism": s.cynicism[posts],
            "burned_out": s.burned_out[posts],
            "wellbeing": s.wellbeing[posts],
            "wellbeing_class": pd.Categorical.from_codes(
                m.wellbeing_classes[posts], WELLBEING_CLASSES
            ),
            "engagement": s.engagement[posts],
            "trust": s.trust[posts],
            "intent_to_leave": s.intent[posts],
            "hours_last_week": s.hours[posts],
            "patients_per_nurse": (m.unit_patients_per_nurse * m.load.intensity)[s.unit[posts]],
        }
    )
    for i, name in enumerate(VIOLENCE_TYPES):
        table[f"violence_{name}_12m"] = incidents[i]
    assert (s.vacancy_phase[posts] == FILLED).all()
    return table
