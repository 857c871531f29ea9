"""What the worker pass reads and writes besides the arrays: its coefficients and tallies."""

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.jit import compiled, compiled_in_order
from sim.layout import (
    N_ROLES,
    N_TALLIES,
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
    T_TRUST,
)
from sim.state import WorkerState
from sim.wellbeing import HIGH_MORAL_DISTRESS, resource_state_decay, resource_state_innovation_sd

if TYPE_CHECKING:
    from sim.parameters import ModelParameters

FTE_HOURS = 37.5  # hours of one full-time equivalent week
# Tallies that are whole-number counts (exact in any order); the others are sums of real values,
# which the worker pass adds up unit by unit (:data:`REAL_SUMS`, :func:`add_unit_sums`).
COUNTED = np.ones(N_TALLIES, dtype=np.bool_)
COUNTED[[T_EXHAUSTION, T_ENGAGEMENT, T_TRUST, T_CONTRACTED, T_INCIDENTS_EXPECTED, T_FTE_WORKED]] = (
    False
)
COUNTED[T_ABSENT_HOURS : T_ABSENT_HOURS + N_ROLES] = False
COUNTED[T_OVERTIME : T_OVERTIME + N_ROLES] = False
REAL_SUMS = np.flatnonzero(~COUNTED)
"""Tallies that are sums of real values. Their rounding depends on the order of the additions,
so the worker pass adds each unit's posts in post order (every unit lies in one chunk,
sim.jit.post_chunks) and :func:`add_unit_sums` adds the units' sums in unit order: the totals
are the same whether the posts ran in one pass or in chunks on any number of threads, with no
second pass over the posts."""


class WeeklyTallies:
    """Counts and sums over the week's workforce, accumulated by the worker pass."""

    def __init__(self, values: np.ndarray | None = None) -> None:
        self.values = np.zeros(N_TALLIES) if values is None else values

    @property
    def role_headcount(self) -> np.ndarray:
        """Workers of each role this week."""
        return self.values[T_HEADCOUNT : T_HEADCOUNT + N_ROLES]

    @property
    def role_burned(self) -> np.ndarray:
        """Burned-out workers of each role."""
        return self.values[T_BURNED : T_BURNED + N_ROLES]

    @property
    def overtime_by_role(self) -> np.ndarray:
        """Overtime hours worked by each role."""
        return self.values[T_OVERTIME : T_OVERTIME + N_ROLES]

    @property
    def class_counts(self) -> np.ndarray:
        """Workers flourishing, moderate, languishing."""
        return self.values[T_CLASSES : T_CLASSES + 3]

    @property
    def absent_hours_by_role(self) -> np.ndarray:
        """Contracted hours lost to sickness absence (short and long term), by role."""
        return self.values[T_ABSENT_HOURS : T_ABSENT_HOURS + N_ROLES]

    @property
    def incidents(self) -> np.ndarray:
        """Violence incidents of each type."""
        return self.values[T_INCIDENTS : T_INCIDENTS + N_VIOLENCE_TYPES]

    @classmethod
    def from_state(cls, state: WorkerState, wellbeing_classes: np.ndarray) -> "WeeklyTallies":
        """Tallies of the current state (before any step has run)."""
        t = cls()
        f = state.filled
        t.role_headcount[:] = np.bincount(state.role, f, N_ROLES)
        t.role_burned[:] = np.bincount(state.role, state.burned_out & f, N_ROLES)
        t.class_counts[:] = np.bincount(wellbeing_classes[f], minlength=3)
        t.values[T_EXHAUSTION] = state.exhaustion @ f
        t.values[T_ENGAGEMENT] = state.engagement @ f
        t.values[T_TRUST] = state.trust @ f
        t.values[T_INTENDING] = np.count_nonzero((state.intent > 0.5) & f)
        t.values[T_HIGH_MD] = np.count_nonzero((state.moral_distress >= HIGH_MORAL_DISTRESS) & f)
        t.values[T_CONTRACTED] = state.contracted_hours @ f
        return t


class Coefficients(NamedTuple):
    """The parameters the worker pass needs, as plain floats (numba reads them fast)."""

    workload_effect: float
    staffing_relief_scale: float
    fatigue_weight: float
    long_shift_fatigue: float
    overtime_effect: float
    violence_effect: float
    moral_distress_effect: float
    burnout_contagion: float
    engagement_buffer: float
    wellbeing_restoration: float
    leadership_effect: float  # causal support of recovery by leadership delivered
    physician_leadership_proximity: float  # share of the unit leader's leadership physicians get
    recognition_effect: float
    exhaustion_rate: float
    recovery_rate: float
    burnout_recovery_slowdown: float
    resource_state_decay: float  # weekly AR(1) coefficient of the coping state (log scale)
    resource_state_innovation_sd: float  # SD of its weekly innovation
    resource_state_scale: float  # exp(-half the state's variance): keeps mean coping at 1
    life_event_probability: float  # weekly
    life_event_strain: float
    long_absence_rate: float  # yearly, at full exhaustion
    long_absence_weeks: float
    safety_incident_rate: float
    supervisor_recognition_rate: float
    peer_recognition_rate: float
    intent_effect: float
    retirement: bool


def coefficients_for(p: "ModelParameters") -> Coefficients:
    """The worker pass's coefficients from a parameter set."""
    return Coefficients(
        workload_effect=p.workload_effect,
        staffing_relief_scale=p.staffing_relief_scale,
        fatigue_weight=p.fatigue_weight,
        long_shift_fatigue=p.long_shift_fatigue,
        overtime_effect=p.overtime_effect,
        violence_effect=p.violence_effect,
        moral_distress_effect=p.moral_distress_effect,
        burnout_contagion=p.burnout_contagion,
        engagement_buffer=p.engagement_buffer,
        wellbeing_restoration=p.wellbeing_restoration,
        leadership_effect=p.leadership_effect,
        physician_leadership_proximity=p.physician_leadership_proximity,
        recognition_effect=p.recognition_effect,
        exhaustion_rate=p.exhaustion_rate,
        recovery_rate=p.recovery_rate,
        burnout_recovery_slowdown=p.burnout_recovery_slowdown,
        resource_state_decay=resource_state_decay(p.resource_state_half_life_weeks),
        resource_state_innovation_sd=resource_state_innovation_sd(
            p.coping_sd, p.resource_state_share, p.resource_state_half_life_weeks
        ),
        resource_state_scale=float(np.exp(-0.5 * p.resource_state_share * p.coping_sd**2)),
        life_event_probability=float(-np.expm1(-p.life_event_rate / 52.0)),
        life_event_strain=p.life_event_strain,
        long_absence_rate=p.long_absence_rate,
        long_absence_weeks=p.long_absence_weeks,
        safety_incident_rate=p.safety_incident_rate,
        supervisor_recognition_rate=p.supervisor_recognition_rate,
        peer_recognition_rate=p.peer_recognition_rate,
        intent_effect=p.intent_effect,
        retirement=p.retirement,
    )


@compiled
def store_unit_sums(unit_sums: np.ndarray, out: np.ndarray, unit: int) -> None:
    """Move one unit's sums of real values to column ``unit`` of ``out``; zero them.

    ``unit_sums`` holds them at the tallies' offsets (:data:`REAL_SUMS`), ``out`` a row per entry
    of :data:`REAL_SUMS`; zeroed, they are ready for the next unit.
    """
    for j in range(REAL_SUMS.size):
        k = REAL_SUMS[j]
        out[j, unit] = unit_sums[k]
        unit_sums[k] = 0.0


@compiled_in_order
def add_unit_sums(unit_real_sums: np.ndarray, tallies: np.ndarray) -> None:
    """Add every unit's sums of real values (rows :data:`REAL_SUMS`) to ``tallies``, in unit order.

    Exhaustion, engagement, trust, contracted hours, hours lost to sickness absence and
    overtime by role, expected patient-safety incidents (sim.safety) and full-time weeks worked
    over the week's workforce: one serial loop over units, so the totals do not depend on how
    the worker pass was cut into chunks (floating-point sums depend on their order).
    """
    for j in range(REAL_SUMS.size):
        total = 0.0
        for u in range(unit_real_sums.shape[1]):
            total += unit_real_sums[j, u]
        tallies[REAL_SUMS[j]] += total
