"""Weekly model-level metrics, headline summaries and agent-level tables."""

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from sim.accounting import COST_ITEMS
from sim.organization import ROLE_NAMES
from sim.state import FILLED, VIOLENCE_TYPES
from sim.survey import leadership_ratings
from sim.week_close import INTEGER_METRICS, METRIC_KEYS, WEEKLY_EVENT_KEYS, metric_vector
from sim.weekly_pass import UI
from sim.wellbeing import WELLBEING_CLASSES

if TYPE_CHECKING:
    from sim.model import WorkforceModel


def _share(mask: np.ndarray, of: np.ndarray) -> float:
    n = np.count_nonzero(of)
    return float(np.count_nonzero(mask & of)) / n if n else float("nan")


def weekly_metrics(m: "WorkforceModel") -> dict[str, float]:
    """The model-level metrics of this week: the week's workforce, and posts after the week."""
    w = m.window
    metric_vector(
        m.week,
        m.tallies.values,
        int(np.count_nonzero(m.workers.filled)),
        m.workers.size,
        w.totals,
        w.weeks,
        m.supervisors.delivered,
        m.supervisors.exhaustion,
        m.ledger.totals,
        m.events,
        m.metric_values,
    )
    out = dict(zip(METRIC_KEYS, m.metric_values.tolist(), strict=True))
    for key in INTEGER_METRICS:
        out[key] = int(out[key])
    return out


def model_reporters() -> dict[str, Callable[["WorkforceModel"], float]]:
    """The weekly model-level metrics for Mesa's DataCollector (read from ``m.metrics``)."""
    return {k: (lambda m, k=k: m.metrics[k]) for k in METRIC_KEYS}


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


# Documented ranges of the numeric columns of :func:`worker_records` (inclusive; a test checks them
# over fuzzed inputs). Scores on 0-1 are shares of their scale's maximum (exhaustion: MBI / 54,
# cynicism: MBI depersonalization / 30, well-being: latent MHC-SF item mean / 5); leadership is on
# the 12-60 scale of Dyrbye's 9-item index rescaled.
WORKER_RANGES: dict[str, tuple[float, float]] = {
    "exhaustion": (0.0, 1.0),
    "cynicism": (0.0, 1.0),
    "moral_distress": (0.0, 1.0),
    "wellbeing": (0.0, 1.0),
    "engagement": (0.0, 1.0),
    "trust": (0.0, 1.0),
    "intent_to_leave": (0.0, 1.0),
    "leadership_score": (12.0, 60.0),
    "leadership_rating": (12.0, 60.0),
    "leadership_delivered": (12.0, 60.0),
    "tenure_weeks": (0.0, float("inf")),
    "life_strain": (0.0, float("inf")),
    "hours_last_week": (0.0, float("inf")),
    "patients_per_nurse": (0.0, float("inf")),
}


def worker_records(m: "WorkforceModel") -> pd.DataFrame:
    """One row per current worker, for analysts; numeric columns lie in ``WORKER_RANGES``."""
    s = m.workers
    posts = np.flatnonzero(s.filled)
    incidents = s.violence_ring[:, :, posts].sum(axis=0, dtype=np.int64)
    patients_per_nurse = m.unit_patients_per_nurse * m.unit_inputs[UI["intensity"]]
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
            "leadership_rating": leadership_ratings(m, posts),
            "exhaustion": s.exhaustion[posts],
            "cynicism": s.cynicism[posts],
            "burned_out": s.burned_out[posts],
            "moral_distress": s.moral_distress[posts],
            "long_shift": s.long_shift[posts] > 0.5,
            "shift_hours": np.where(
                s.long_shift[posts] > 0.5,
                "12+",
                np.where(s.shift_fatigue[posts] > 1.0, "9-11", "8"),
            ),
            "on_long_term_sick_leave": s.absence_weeks[posts] > 0,
            "life_strain": s.life_strain[posts] + s.nonwork_base[posts],
            "wellbeing": s.wellbeing[posts],
            "wellbeing_class": pd.Categorical.from_codes(
                m.wellbeing_classes[posts], WELLBEING_CLASSES
            ),
            "engagement": s.engagement[posts],
            "trust": s.trust[posts],
            "intent_to_leave": s.intent[posts],
            "hours_last_week": s.hours[posts],
            "patients_per_nurse": patients_per_nurse[s.unit[posts]],
        }
    )
    for i, name in enumerate(VIOLENCE_TYPES):
        table[f"violence_{name}_12m"] = incidents[i]
    assert (s.vacancy_phase[posts] == FILLED).all()
    return table


class BurnoutSnapshot(NamedTuple):
    """Who holds each post, whether burned out, and their exhaustion, at one week."""

    person_id: np.ndarray
    burned_out: np.ndarray
    exhaustion: np.ndarray


def burnout_snapshot(m: "WorkforceModel") -> BurnoutSnapshot:
    """A copy of each post's holder, burnout flag and exhaustion now (-1: nobody holds it)."""
    s = m.workers
    person = np.where(s.filled, s.person_id, -1)
    return BurnoutSnapshot(person.copy(), s.burned_out.copy(), s.exhaustion.copy())


def burnout_persistence(before: BurnoutSnapshot, after: BurnoutSnapshot) -> dict[str, float]:
    """How persistent burnout is between two snapshots of the same posts.

    Among people burned out in ``before`` who still hold the same post in ``after`` (the same
    ``person_id``; leavers and new hires are left out), ``persistence`` is the share still
    burned out. ``exhaustion_r`` is the correlation of exhaustion between the two snapshots over
    everyone who holds the same post at both; ``n_burned`` and ``n_stayers`` count the two
    groups. NaN where a group is empty (or exhaustion does not vary). With a year between the
    snapshots, persistence is the calibration target ``burnout_persistence_12m``
    (analysis.calibration; docs/calibration.md derives its interval);
    :func:`persistence_per_year` reads a shorter gap as a year's share.
    """
    same = (before.person_id >= 0) & (before.person_id == after.person_id)
    burned = same & before.burned_out
    n_burned = int(np.count_nonzero(burned))
    share = float(np.count_nonzero(after.burned_out[burned])) / n_burned if n_burned else np.nan
    r = np.nan
    if np.count_nonzero(same) > 2:
        x, y = before.exhaustion[same], after.exhaustion[same]
        if x.std() > 0 and y.std() > 0:
            r = float(np.corrcoef(x, y)[0, 1])
    return {
        "persistence": share,
        "exhaustion_r": r,
        "n_burned": float(n_burned),
        "n_stayers": float(np.count_nonzero(same)),
    }


def persistence_per_year(share: float, weeks: float) -> float:
    """A share still burned out after ``weeks``, as the share after 52 weeks.

    Under the target's own assumption (a prevalent episode's remaining time is exponential,
    docs/calibration.md), the share still burned out after w weeks is exp(-w / D), so the share
    after a year is ``share ** (52 / weeks)``: designs that observe less than a year (the quick
    calibration's 26 weeks) still measure ``burnout_persistence_12m``.
    """
    if not weeks > 0:
        raise ValueError(f"persistence_per_year: weeks = {weeks}; allowed: > 0")
    return float(share) ** (52.0 / weeks) if np.isfinite(share) else float("nan")
