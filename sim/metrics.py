"""Weekly model-level metrics, headline summaries and agent-level tables."""

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.organization import ROLE_NAMES
from sim.state import FILLED, RING_WEEKS, VIOLENCE_TYPES
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


def _role_prevalence(m: "WorkforceModel", role: int) -> float:
    s = m.workers
    return _share(s.burned_out, s.filled & (s.role == role))


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    n = np.count_nonzero(mask)
    return float(np.sum(values * mask)) / n if n else float("nan")


def model_reporters() -> dict[str, Callable[["WorkforceModel"], float]]:
    """The weekly model-level metrics collected by Mesa's DataCollector."""
    reporters: dict[str, Callable[[WorkforceModel], float]] = {
        "week": lambda m: m.week,
        "burnout_prevalence": lambda m: _share(m.workers.burned_out, m.workers.filled),
        "mean_exhaustion": lambda m: _mean(m.workers.exhaustion, m.workers.filled),
        "flourishing_share": lambda m: _share(m.wellbeing_classes == FLOURISHING, m.workers.filled),
        "moderate_share": lambda m: _share(m.wellbeing_classes == MODERATE, m.workers.filled),
        "languishing_share": lambda m: _share(m.wellbeing_classes == LANGUISHING, m.workers.filled),
        "engagement": lambda m: _mean(m.workers.engagement, m.workers.filled),
        "trust": lambda m: _mean(m.workers.trust, m.workers.filled),
        "intent_to_leave_share": lambda m: _share(m.workers.intent > 0.5, m.workers.filled),
        "headcount": lambda m: int(np.count_nonzero(m.workers.filled)),
        "vacancies": lambda m: int(m.workers.size - np.count_nonzero(m.workers.filled)),
        "vacancy_rate": lambda m: 1.0 - np.count_nonzero(m.workers.filled) / m.workers.size,
        "annual_turnover_rate": lambda m: m.window.turnover(),
        "leadership_delivered": lambda m: float(np.mean(m.supervisors.delivered)),
        "supervisor_exhaustion": lambda m: float(np.mean(m.supervisors.exhaustion)),
        "total_cost": lambda m: m.ledger.total,
    }
    for role, name in enumerate(ROLE_NAMES):
        reporters[f"burnout_prevalence_{name}"] = lambda m, r=role: _role_prevalence(m, r)
    for key in (
        "overtime_hours",
        "agency_hours",
        "violence_incidents",
        "recognition_events",
        "leavers",
        "hires",
        "mean_intensity",
        "weekly_cost",
    ):
        reporters[key] = lambda m, k=key: m.last.get(k, float("nan"))
    return reporters


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
    s = m.workers
    turnover_by_role = m.window.turnover_by_role()
    out: dict[str, float] = {
        "week": float(m.week),
        "burnout_prevalence": _share(s.burned_out, s.filled),
        "flourishing_share": _share(m.wellbeing_classes == FLOURISHING, s.filled),
        "moderate_share": _share(m.wellbeing_classes == MODERATE, s.filled),
        "languishing_share": _share(m.wellbeing_classes == LANGUISHING, s.filled),
        "mean_exhaustion": _mean(s.exhaustion, s.filled),
        "engagement": _mean(s.engagement, s.filled),
        "trust": _mean(s.trust, s.filled),
        "intent_to_leave_share": _share(s.intent > 0.5, s.filled),
        "annual_turnover_rate": m.window.turnover(),
        "vacancy_rate": 1.0 - np.count_nonzero(s.filled) / s.size,
        "days_to_fill": m.window.mean_fill_days(),
        "headcount": float(np.count_nonzero(s.filled)),
        "leadership_delivered": float(np.mean(m.supervisors.delivered)),
        "total_cost": m.ledger.total,
    }
    for role, name in enumerate(ROLE_NAMES):
        out[f"burnout_prevalence_{name}"] = _role_prevalence(m, role)
        out[f"annual_turnover_rate_{name}"] = float(turnover_by_role[role])
    out.update(violence_exposure_12m(m))
    for item in ("replacement", "overtime_premium", "agency_premium", "interventions"):
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
            "patients_per_nurse": (
                m.unit_patients_per_nurse * m.load.intensity
            )[s.unit[posts]],
        }
    )
    for i, name in enumerate(VIOLENCE_TYPES):
        table[f"violence_{name}_12m"] = incidents[i]
    assert (s.vacancy_phase[posts] == FILLED).all()
    return table
