"""Closing a week (stages 9-10): costs, the 52-week window of rates, and the weekly metrics.

One compiled call does the week's bookkeeping, so the cost of collecting data does not grow with
the number of metrics. The metric vector follows ``METRIC_KEYS``; ``sim.metrics`` turns it into
the dict the DataCollector reads.
"""

import numpy as np

from sim.jit import compiled
from sim.layout import (
    COST_ITEMS,
    E_ABSENCE_HOURS,
    E_AGENCY_HOURS,
    E_HIRES,
    E_LEAVERS,
    E_MEAN_INTENSITY,
    E_OVERTIME_HOURS,
    E_RECOGNITION_EVENTS,
    E_SAFETY_INCIDENTS,
    E_VIOLENCE_INCIDENTS,
    E_WEEKLY_COST,
    N_ROLES,
    N_VIOLENCE_TYPES,
    T_ABSENT_HOURS,
    T_BURNED,
    T_CLASSES,
    T_CONTRACTED,
    T_ENGAGEMENT,
    T_EXHAUSTION,
    T_FTE_WORKED,
    T_HEADCOUNT,
    T_HIGH_MD,
    T_INCIDENTS,
    T_INCIDENTS_EXPECTED,
    T_INTENDING,
    T_OVERTIME,
    T_RECOGNIZED,
    T_TRUST,
    UL_AGENCY_HOURS,
    UL_DEMAND_HOURS,
    UL_WORKED_HOURS,
)
from sim.layout import WEEKLY_EVENT_KEYS as WEEKLY_EVENT_KEYS
from sim.organization import ROLE_NAMES
from sim.rows import row_index
from sim.state import RING_WEEKS

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
    "moral_distress_share",
    "sickness_absence_rate",
    "safety_incident_rate",
    *(f"burnout_prevalence_{name}" for name in ROLE_NAMES),
    *WEEKLY_EVENT_KEYS,
)
INTEGER_METRICS = ("week", "headcount", "vacancies")
M = row_index(METRIC_KEYS)
_N_COSTS = len(COST_ITEMS)
_FIRST_ROLE = M[f"burnout_prevalence_{ROLE_NAMES[0]}"]
_FIRST_EVENT = M[WEEKLY_EVENT_KEYS[0]]
(
    _BURNOUT,
    _EXHAUSTION,
    _FLOURISHING,
    _MODERATE,
    _LANGUISHING,
    _ENGAGEMENT,
    _TRUST,
    _INTENDING,
    _HEADCOUNT,
    _VACANCIES,
    _VACANCY_RATE,
    _TURNOVER,
    _LEADERSHIP,
    _SUP_EXHAUSTION,
    _TOTAL_COST,
    _MORAL_DISTRESS,
    _ABSENCE,
    _SAFETY,
) = range(1, 19)


class RollingWindow:
    """The last 52 weeks of leavers, headcount and fill times, for annualized rates.

    Ring buffers with running totals (``totals``: leavers by role, headcount by role, days to
    fill summed, searches filled), so a rate costs the same to read every week.
    """

    def __init__(self, n_roles: int) -> None:
        self.ring = np.zeros((RING_WEEKS, 2 * n_roles + 2))
        self.totals = np.zeros(2 * n_roles + 2)
        self.position = np.zeros(2, dtype=np.int64)  # next slot, weeks recorded (<= 52)
        self.n_roles = n_roles

    @property
    def weeks(self) -> int:
        """Weeks in the window so far."""
        return int(self.position[1])

    def turnover_by_role(self) -> np.ndarray:
        """Leavers over the window / mean headcount, scaled to a year, per role."""
        r = self.n_roles
        if not self.weeks:
            return np.full(r, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.totals[:r] / self.totals[r : 2 * r] * 52.0

    def turnover(self) -> float:
        """All-role annualized turnover."""
        return annual_turnover(self.totals, self.position[1], self.n_roles)

    def mean_fill_days(self) -> float:
        """Mean days to fill among searches that succeeded in the window."""
        days, count = self.totals[-2:]
        return float(days / count) if count > 0.5 else float("nan")


@compiled
def annual_turnover(totals: np.ndarray, weeks: int, n_roles: int) -> float:
    """Leavers over the window / mean headcount, scaled to a year (NSI's definition)."""
    leavers = 0.0
    headcount = 0.0
    for r in range(n_roles):
        leavers += totals[r]
        headcount += totals[n_roles + r]
    if weeks == 0 or headcount == 0.0:
        return np.nan
    return leavers / headcount * 52.0


@compiled
def close_week(
    tallies: np.ndarray,
    leavers_by_role: np.ndarray,
    fill_days: np.ndarray,
    costs: np.ndarray,
    ring: np.ndarray,
    totals: np.ndarray,
    position: np.ndarray,
    ledger: np.ndarray,
) -> None:
    """Add the week to the 52-week window and its costs (``COST_ITEMS`` order) to the ledger."""
    slot = position[0]
    r = leavers_by_role.size
    days = 0.0
    for d in fill_days:
        days += d
    for k in range(r):
        totals[k] += leavers_by_role[k] - ring[slot, k]
        ring[slot, k] = leavers_by_role[k]
        head = tallies[T_HEADCOUNT + k]
        totals[r + k] += head - ring[slot, r + k]
        ring[slot, r + k] = head
    totals[2 * r] += days - ring[slot, 2 * r]
    ring[slot, 2 * r] = days
    totals[2 * r + 1] += fill_days.size - ring[slot, 2 * r + 1]
    ring[slot, 2 * r + 1] = fill_days.size
    position[0] = (slot + 1) % ring.shape[0]
    position[1] = min(position[1] + 1, ring.shape[0])
    for k in range(costs.size):
        ledger[k] += costs[k]


@compiled
def metric_vector(
    week: int,
    tallies: np.ndarray,
    headcount: int,
    posts: int,
    window_totals: np.ndarray,
    window_weeks: int,
    supervisor_delivered: np.ndarray,
    supervisor_exhaustion: np.ndarray,
    ledger: np.ndarray,
    events: np.ndarray,
    out: np.ndarray,
) -> None:
    """The week's metrics in ``METRIC_KEYS`` order (shares of the week's workforce).

    ``moral_distress_share``: share with high moral distress (sim.wellbeing);
    ``sickness_absence_rate``: share of the week's contracted hours lost to sickness absence,
    short and long term; ``safety_incident_rate``: expected patient-safety incidents per 1,000
    full-time (37.5-h) weeks worked (sim.safety).

    ``events`` holds the ``WEEKLY_EVENT_KEYS`` values (NaN before the first step).
    """
    workforce = 0.0
    burned = 0.0
    for k in range(N_ROLES):
        workforce += tallies[T_HEADCOUNT + k]
        burned += tallies[T_BURNED + k]
        count = tallies[T_HEADCOUNT + k]
        out[_FIRST_ROLE + k] = tallies[T_BURNED + k] / count if count > 0 else np.nan
    workforce = max(workforce, 1.0)
    out[0] = week
    out[_BURNOUT] = burned / workforce
    out[_EXHAUSTION] = tallies[T_EXHAUSTION] / workforce
    out[_FLOURISHING] = tallies[T_CLASSES] / workforce
    out[_MODERATE] = tallies[T_CLASSES + 1] / workforce
    out[_LANGUISHING] = tallies[T_CLASSES + 2] / workforce
    out[_ENGAGEMENT] = tallies[T_ENGAGEMENT] / workforce
    out[_TRUST] = tallies[T_TRUST] / workforce
    out[_INTENDING] = tallies[T_INTENDING] / workforce
    out[_HEADCOUNT] = headcount
    out[_VACANCIES] = posts - headcount
    out[_VACANCY_RATE] = 1.0 - headcount / posts
    out[_TURNOVER] = annual_turnover(window_totals, window_weeks, N_ROLES)
    out[_LEADERSHIP] = supervisor_delivered.mean()
    out[_SUP_EXHAUSTION] = supervisor_exhaustion.mean()
    total = 0.0
    for k in range(ledger.size):
        total += ledger[k]
    out[_TOTAL_COST] = total
    out[_MORAL_DISTRESS] = tallies[T_HIGH_MD] / workforce
    lost = 0.0
    for k in range(N_ROLES):
        lost += tallies[T_ABSENT_HOURS + k]
    contracted = tallies[T_CONTRACTED]
    out[_ABSENCE] = lost / contracted if contracted > 0 else np.nan
    fte = tallies[T_FTE_WORKED]
    out[_SAFETY] = 1000.0 * tallies[T_INCIDENTS_EXPECTED] / fte if fte > 0 else np.nan
    for k in range(events.size):
        out[_FIRST_EVENT + k] = events[k]


@compiled
def week_events(
    tallies: np.ndarray,
    unit_load: np.ndarray,
    n_leavers: int,
    n_hires: int,
    costs: np.ndarray,
    events: np.ndarray,
) -> None:
    """The week's ``WEEKLY_EVENT_KEYS`` values (``unit_load`` rows: sim.layout.UNIT_LOAD).

    ``absence_hours``: contracted hours lost to sickness absence; ``safety_incidents``: expected
    patient-safety incidents (sim.safety).
    """
    overtime = 0.0
    for k in range(N_ROLES):
        overtime += tallies[T_OVERTIME + k]
    incidents = 0.0
    for k in range(N_VIOLENCE_TYPES):
        incidents += tallies[T_INCIDENTS + k]
    demand = unit_load[UL_DEMAND_HOURS].sum()
    worked = unit_load[UL_WORKED_HOURS].sum()
    total_cost = 0.0
    for k in range(costs.size):
        total_cost += costs[k]
    events[E_OVERTIME_HOURS] = overtime
    events[E_AGENCY_HOURS] = unit_load[UL_AGENCY_HOURS].sum()
    events[E_VIOLENCE_INCIDENTS] = incidents
    events[E_RECOGNITION_EVENTS] = tallies[T_RECOGNIZED]
    events[E_LEAVERS] = n_leavers
    events[E_HIRES] = n_hires
    events[E_MEAN_INTENSITY] = demand / max(worked, 1.0)
    events[E_WEEKLY_COST] = total_cost
    absent = 0.0
    for k in range(N_ROLES):
        absent += tallies[T_ABSENT_HOURS + k]
    events[E_ABSENCE_HOURS] = absent
    events[E_SAFETY_INCIDENTS] = tallies[T_INCIDENTS_EXPECTED]
