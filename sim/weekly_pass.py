"""The weekly step's two passes over the workers, compiled with numba.

Worker state lives in numpy arrays; these loops apply the per-worker equations of the mechanism
modules (sim.workload, sim.violence, sim.resources, sim.wellbeing, sim.turnover) to every post
in one pass, so a week costs a few microseconds per thousand workers instead of hundreds of numpy
calls. Random numbers are counter-based draws keyed by one number a week from the model's
numpy Generator (sim.random_streams), so the results are fixed by the seed. The order inside
the worker pass is the order of the step's stages 3-6.
"""

from typing import NamedTuple

import numpy as np

from sim.jit import compiled
from sim.modifiers import P, U
from sim.organization import ROLE_NAMES, ROLES
from sim.random_streams import standard_normal, uniform
from sim.resources import RECOGNITION_FULL, RECOGNITION_SMOOTHING, next_trust
from sim.resources import recognition_probability as _recognition_probability
from sim.rows import row_index
from sim.state import VIOLENCE_SEVERITY, VIOLENCE_TYPES, F, R, WorkerState
from sim.turnover import (
    RESIGNATION,
    RETIREMENT,
    intent_to_leave,
    weekly_quit_probability,
    weekly_retirement_probability,
)
from sim.violence import TOTAL_WEEKLY_RATE, VIOLENCE_LOAD_DECAY, incident_kind
from sim.wellbeing import (
    is_burned_out,
    next_cynicism,
    next_engagement,
    next_exhaustion,
    next_wellbeing,
    recovery,
    strain,
    wellbeing_class,
)
from sim.workload import absence_probability, productivity

ROLE_STRAIN = np.array([r.strain_weight for r in ROLES])
# Role whose supervisor support follows Shanafelt 2015's physician gradient; every other role
# follows Dyrbye 2020's non-physician staff gradient (staff_leadership_effect).
_PHYSICIAN = ROLE_NAMES.index("physician")
_N_ROLES = len(ROLES)
_N_TYPES = len(VIOLENCE_TYPES)
# Offsets into the flat tallies array that the worker pass accumulates.
T_HEADCOUNT = 0
T_BURNED = T_HEADCOUNT + _N_ROLES
T_OVERTIME = T_BURNED + _N_ROLES
T_CLASSES = T_OVERTIME + _N_ROLES
T_INCIDENTS = T_CLASSES + 3
T_EXHAUSTION = T_INCIDENTS + _N_TYPES
T_ENGAGEMENT, T_TRUST, T_RECOGNIZED, T_INTENDING = range(T_EXHAUSTION + 1, T_EXHAUSTION + 5)
N_TALLIES = T_INTENDING + 1


class WeeklyTallies:
    """Counts and sums over the week's workforce, accumulated by the worker pass."""

    def __init__(self, values: np.ndarray | None = None) -> None:
        self.values = np.zeros(N_TALLIES) if values is None else values

    @property
    def role_headcount(self) -> np.ndarray:
        """Workers of each role this week."""
        return self.values[T_HEADCOUNT : T_HEADCOUNT + _N_ROLES]

    @property
    def role_burned(self) -> np.ndarray:
        """Burned-out workers of each role."""
        return self.values[T_BURNED : T_BURNED + _N_ROLES]

    @property
    def overtime_by_role(self) -> np.ndarray:
        """Overtime hours worked by each role."""
        return self.values[T_OVERTIME : T_OVERTIME + _N_ROLES]

    @property
    def class_counts(self) -> np.ndarray:
        """Workers flourishing, moderate, languishing."""
        return self.values[T_CLASSES : T_CLASSES + 3]

    @property
    def incidents(self) -> np.ndarray:
        """Violence incidents of each type."""
        return self.values[T_INCIDENTS : T_INCIDENTS + _N_TYPES]

    @classmethod
    def from_state(cls, state: WorkerState, wellbeing_classes: np.ndarray) -> "WeeklyTallies":
        """Tallies of the current state (before any step has run)."""
        t = cls()
        f = state.filled
        t.role_headcount[:] = np.bincount(state.role, f, _N_ROLES)
        t.role_burned[:] = np.bincount(state.role, state.burned_out & f, _N_ROLES)
        t.class_counts[:] = np.bincount(wellbeing_classes[f], minlength=3)
        t.values[T_EXHAUSTION] = state.exhaustion @ f
        t.values[T_ENGAGEMENT] = state.engagement @ f
        t.values[T_TRUST] = state.trust @ f
        t.values[T_INTENDING] = np.count_nonzero((state.intent > 0.5) & f)
        return t


class Coefficients(NamedTuple):
    """The parameters the worker pass needs, as plain floats (numba reads them fast)."""

    workload_effect: float
    overtime_effect: float
    violence_effect: float
    moral_distress_effect: float
    burnout_contagion: float
    leadership_effect: float  # physicians (Shanafelt 2015)
    staff_leadership_effect: float  # nurses and allied staff (Dyrbye 2020)
    recognition_effect: float
    exhaustion_rate: float
    recovery_rate: float
    supervisor_recognition_rate: float
    peer_recognition_rate: float
    intent_effect: float
    retirement: bool


# Unit-level inputs of the worker pass, one row each of a (len, n_units) matrix.
UNIT_INPUTS = (
    "overtime",  # overtime hours per present worker
    "intensity",  # demand per clinical hour worked
    "admin_share",  # share of staff time on administration
    "moral_distress",
    "leadership_norm",  # leadership delivered, 0-1
    "exhaustion_sum",  # sum of staff exhaustion at the start of the week
    "headcount",
    "unanswered_strain",
    "contagion",  # turnover contagion term of intent (log-odds)
    "violence_rate",  # multiplier on violence from the public
)
UI = row_index(UNIT_INPUTS)
_OVERTIME, _INTENSITY, _ADMIN, _MORAL, _LEAD, _EXH_SUM, _HEAD, _UNANSWERED, _CONTAGION, _VRATE = (
    range(len(UNIT_INPUTS))
)
# Real-state rows used in the loops (compile-time constants for numba).
_HOURS_C, _VWEIGHT, _AGE, _TENURE, _COPING, _SENS, _TRAIT, _EMO = (
    R["contracted_hours"],
    R["violence_weight"],
    R["age_years"],
    R["tenure_weeks"],
    R["coping"],
    R["sensitivity"],
    R["wellbeing_trait"],
    R["emotional_offset"],
)
_FRAILTY, _EXH, _CYN, _ENG, _TRUST, _WB, _REC, _VLOAD, _INTENT, _HOURS = (
    R["violence_frailty"],
    R["exhaustion"],
    R["cynicism"],
    R["engagement"],
    R["trust"],
    R["wellbeing"],
    R["recognition"],
    R["violence_load"],
    R["intent"],
    R["hours"],
)
_FILLED, _ABSENT, _BURNED = F["filled"], F["absent"], F["burned_out"]
# Slots of each post's counter-based draws in a week (sim.random_streams); noise uses 4.
_SLOT_ABSENCE, _SLOT_VIOLENCE, _SLOT_VIOLENCE_TYPE, _SLOT_RECOGNITION, _SLOT_DEPARTURE = range(5)
_SLOT_NOISE = 5
_STRAIN_APP, _COPING_MOD, _BURNOUT_REC, _QUIT_MOD, _REC_EXTRA = (
    P["strain_appraisal"],
    P["coping"],
    P["burnout_recovery"],
    P["quit_hazard"],
    P["recognition_extra"],
)
_SUPPORT, _TRUST_VOICE, _ENG_VOICE = (
    U["incident_support"],
    U["trust_target"],
    U["engagement_target"],
)


@compiled
def staffing_pass(
    real: np.ndarray,
    flags: np.ndarray,
    unit: np.ndarray,
    role: np.ndarray,
    clinical_share: np.ndarray,
    role_wage: np.ndarray,
    sick_leave_rate: float,
    ramp_up_weeks: float,
    key: np.uint64,
    unit_sums: np.ndarray,
) -> float:
    """Stage 2: draw absences and add up each unit's staff hours; return vacant wage-hours.

    ``unit_sums`` rows (zeroed by the caller): staff clinical hours, vacant posts' clinical
    hours, staff present, headcount, sum of exhaustion.
    """
    vacant_wage_hours = 0.0
    for i in range(unit.size):
        u = unit[i]
        clinical = real[_HOURS_C, i] * clinical_share[u]
        if not flags[_FILLED, i]:
            flags[_ABSENT, i] = False
            unit_sums[1, u] += clinical
            vacant_wage_hours += clinical * role_wage[role[i]]
            continue
        unit_sums[3, u] += 1.0
        unit_sums[4, u] += real[_EXH, i]
        off = uniform(key, i, _SLOT_ABSENCE) < absence_probability(sick_leave_rate, real[_EXH, i])
        flags[_ABSENT, i] = off
        if not off:
            unit_sums[2, u] += 1.0
            unit_sums[0, u] += clinical * productivity(real[_TENURE, i], ramp_up_weeks)
    return vacant_wage_hours


@compiled
def worker_pass(
    real: np.ndarray,
    flags: np.ndarray,
    unit: np.ndarray,
    role: np.ndarray,
    wellbeing_classes: np.ndarray,
    violence_ring_week: np.ndarray,
    unit_inputs: np.ndarray,
    post_levers: np.ndarray,
    unit_levers: np.ndarray,
    c: Coefficients,
    log_job_market: float,
    key: np.uint64,
    leaving: np.ndarray,
    reasons: np.ndarray,
    tallies: np.ndarray,
) -> None:
    """Stages 3-6 for every post: exposures, resources, dual continuum, intent and departures.

    Writes ``leaving`` and ``reasons`` for the posts whose holders leave this week, and adds the
    week's metric counts into ``tallies`` (see :class:`WeeklyTallies`; zeroed by the caller).
    """
    sum_exhaustion = sum_engagement = sum_trust = sum_recognized = n_intending = 0.0
    local = np.zeros(N_TALLIES)  # a fresh array: the compiler knows nothing else writes to it
    violence_ring_week[:] = 0  # this slot of the 52-week ring is reused: clear it
    for i in range(unit.size):
        if not flags[_FILLED, i]:
            leaving[i] = False
            flags[_BURNED, i] = False
            continue
        u = unit[i]
        r = role[i]
        intensity = unit_inputs[_INTENSITY, u]
        moral_distress = unit_inputs[_MORAL, u]
        lead = unit_inputs[_LEAD, u]
        exhaustion_sum = unit_inputs[_EXH_SUM, u]
        headcount = unit_inputs[_HEAD, u]
        absent = flags[_ABSENT, i]
        ot = 0.0 if absent else unit_inputs[_OVERTIME, u]
        real[_HOURS, i] = 0.0 if absent else real[_HOURS_C, i] + ot
        # 3. Exposures: violence from the public (moral distress is per unit, computed before).
        load = real[_VLOAD, i] * VIOLENCE_LOAD_DECAY
        if not absent:
            rate = (
                TOTAL_WEEKLY_RATE * real[_VWEIGHT, i] * real[_FRAILTY, i] * unit_inputs[_VRATE, u]
            )
            kind = incident_kind(
                rate, uniform(key, i, _SLOT_VIOLENCE), uniform(key, i, _SLOT_VIOLENCE_TYPE)
            )
            if kind >= 0:
                violence_ring_week[kind, i] = 1
                load += VIOLENCE_SEVERITY[kind] * (1.0 - unit_levers[_SUPPORT, u])
                local[T_INCIDENTS + kind] += 1.0
        real[_VLOAD, i] = load
        # 4. Resources: recognition and trust.
        unit_exhaustion = exhaustion_sum / max(headcount, 1.0)
        p_recognized = _recognition_probability(
            lead,
            unit_exhaustion,
            c.supervisor_recognition_rate,
            c.peer_recognition_rate,
            post_levers[_REC_EXTRA, i],
        )
        event = 1.0 if uniform(key, i, _SLOT_RECOGNITION) < p_recognized else 0.0
        rec = real[_REC, i] + RECOGNITION_SMOOTHING * (event - real[_REC, i])
        real[_REC, i] = rec
        recognized = min(rec / RECOGNITION_FULL, 1.0)
        t = next_trust(
            real[_TRUST, i],
            lead,
            recognized,
            unit_inputs[_UNANSWERED, u],
            unit_levers[_TRUST_VOICE, u],
        )
        real[_TRUST, i] = t
        # 5. Dual continuum: burnout, engagement, well-being.
        e0 = real[_EXH, i]
        others = (exhaustion_sum - e0) / max(headcount - 1.0, 1.0)
        job_strain = strain(
            intensity,
            ot / real[_HOURS_C, i],
            unit_inputs[_ADMIN, u],
            load,
            moral_distress,
            others,
            c.workload_effect,
            c.overtime_effect,
            c.violence_effect,
            c.moral_distress_effect,
            c.burnout_contagion,
        ) * (ROLE_STRAIN[r] * real[_SENS, i] * post_levers[_STRAIN_APP, i])
        capacity = (
            recovery(
                real[_COPING, i],
                lead,
                recognized,
                absent,
                c.leadership_effect if r == _PHYSICIAN else c.staff_leadership_effect,
                c.recognition_effect,
            )
            * post_levers[_COPING_MOD, i]
        )
        if flags[_BURNED, i]:
            capacity *= post_levers[_BURNOUT_REC, i]
        noise = standard_normal(key, i, _SLOT_NOISE)
        e = next_exhaustion(e0, job_strain, capacity, c.exhaustion_rate, c.recovery_rate, noise)
        real[_EXH, i] = e
        cy = next_cynicism(real[_CYN, i], e, t, recognized)
        real[_CYN, i] = cy
        burned = is_burned_out(e, cy)
        flags[_BURNED, i] = burned
        g = next_engagement(real[_ENG, i], lead, recognized, t, e, cy, unit_levers[_ENG_VOICE, u])
        real[_ENG, i] = g
        w = next_wellbeing(real[_WB, i], real[_TRAIT, i], g, recognized, t, e, moral_distress, load)
        real[_WB, i] = w
        cls = wellbeing_class(w + real[_EMO, i], w)
        wellbeing_classes[i] = cls
        # 6. Intent and departures (one uniform decides resignation or retirement).
        it = intent_to_leave(
            e,
            cy,
            g,
            t,
            lead,
            moral_distress,
            ot,
            load,
            log_job_market,
            unit_inputs[_CONTAGION, u],
            real[_TENURE, i],
            c.intent_effect,
        )
        real[_INTENT, i] = it
        p_quit = weekly_quit_probability(r, it, post_levers[_QUIT_MOD, i])
        p_retire = weekly_retirement_probability(real[_AGE, i]) if c.retirement else 0.0
        draw = uniform(key, i, _SLOT_DEPARTURE)
        leaving[i] = draw < p_quit + p_retire
        reasons[i] = RESIGNATION if draw < p_quit else RETIREMENT
        real[_TENURE, i] += 1.0
        real[_AGE, i] += 1.0 / 52.0
        # Metrics of the week (everyone who worked here this week), summed in registers.
        local[T_HEADCOUNT + r] += 1.0
        if burned:
            local[T_BURNED + r] += 1.0
        local[T_CLASSES + cls] += 1.0
        sum_exhaustion += e
        sum_engagement += g
        sum_trust += t
        sum_recognized += event
        if it > 0.5:
            n_intending += 1.0
        local[T_OVERTIME + r] += ot
    for k in range(N_TALLIES):
        tallies[k] += local[k]
    tallies[T_EXHAUSTION] += sum_exhaustion
    tallies[T_ENGAGEMENT] += sum_engagement
    tallies[T_TRUST] += sum_trust
    tallies[T_RECOGNIZED] += sum_recognized
    tallies[T_INTENDING] += n_intending


@compiled
def classify_wellbeing(
    filled: np.ndarray, wellbeing: np.ndarray, emotional_offset: np.ndarray, out: np.ndarray
) -> None:
    """Keyes class of every filled post's holder (used at set-up)."""
    for i in range(filled.size):
        out[i] = wellbeing_class(wellbeing[i] + emotional_offset[i], wellbeing[i])
