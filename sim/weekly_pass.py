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
from sim.safety import incident_probability
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
    HIGH_MORAL_DISTRESS,
    fatigue,
    felt_strain,
    is_burned_out,
    load_term,
    next_cynicism,
    next_engagement,
    next_exhaustion,
    next_life_strain,
    next_moral_distress,
    next_wellbeing,
    recovery,
    wellbeing_class,
    work_strain,
)
from sim.workload import absence_probability, long_absence_probability, productivity

ROLE_STRAIN = np.array([r.strain_weight for r in ROLES])
# Physicians feel their unit leader's leadership only in part (physician_leadership_proximity).
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
(
    T_ENGAGEMENT,
    T_TRUST,
    T_RECOGNIZED,
    T_INTENDING,
    T_HIGH_MD,  # workers with high moral distress
    T_CONTRACTED,  # contracted hours of the week's workforce
    T_FTE_WORKED,  # hours worked / 37.5
    T_INCIDENTS_EXPECTED,  # expected patient-safety incidents (sum of weekly probabilities)
    T_LONG_ABSENT,  # workers on long-term sick leave
) = range(T_EXHAUSTION + 1, T_EXHAUSTION + 10)
T_ABSENT_HOURS = T_LONG_ABSENT + 1  # contracted hours lost to sickness absence, by role
N_TALLIES = T_ABSENT_HOURS + _N_ROLES
FTE_HOURS = 37.5  # hours of one full-time equivalent week


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
    def absent_hours_by_role(self) -> np.ndarray:
        """Contracted hours lost to sickness absence (short and long term), by role."""
        return self.values[T_ABSENT_HOURS : T_ABSENT_HOURS + _N_ROLES]

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
    life_event_probability: float  # weekly
    life_event_strain: float
    long_absence_rate: float  # yearly, at full exhaustion
    long_absence_weeks: float
    safety_incident_rate: float
    supervisor_recognition_rate: float
    peer_recognition_rate: float
    intent_effect: float
    retirement: bool


# Unit-level inputs of the worker pass, one row each of a (len, n_units) matrix.
UNIT_INPUTS = (
    "overtime",  # overtime hours per present worker
    "intensity",  # demand per clinical hour worked
    "admin_share",  # share of staff time on administration
    "care_gap",  # care left undone, 0-1 (drives moral distress)
    "leadership_norm",  # leadership delivered, 0-1
    "exhaustion_sum",  # sum of staff exhaustion at the start of the week
    "headcount",
    "unanswered_strain",
    "contagion",  # turnover contagion term of intent (log-odds)
    "violence_rate",  # multiplier on violence from the public
)
UI = row_index(UNIT_INPUTS)
(
    _OVERTIME,
    _INTENSITY,
    _ADMIN,
    _CARE_GAP,
    _LEAD,
    _EXH_SUM,
    _HEAD,
    _UNANSWERED,
    _CONTAGION,
    _VRATE,
) = range(len(UNIT_INPUTS))
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
_NONWORK, _DP_TRAIT, _MD_TRAIT, _SHIFT, _LONG, _LIFE, _MD, _ABS_WEEKS = (
    R["nonwork_base"],
    R["dp_trait"],
    R["md_trait"],
    R["shift_fatigue"],
    R["long_shift"],
    R["life_strain"],
    R["moral_distress"],
    R["absence_weeks"],
)
_FILLED, _ABSENT, _BURNED = F["filled"], F["absent"], F["burned_out"]
# Slots of each post's counter-based draws in a week (sim.random_streams); noise uses 4 (5-8);
# the vacancy pass uses 10-12.
_SLOT_ABSENCE, _SLOT_VIOLENCE, _SLOT_VIOLENCE_TYPE, _SLOT_RECOGNITION, _SLOT_DEPARTURE = range(5)
_SLOT_NOISE = 5
_SLOT_LIFE_EVENT, _SLOT_LIFE_SIZE, _SLOT_LONG_ABSENCE, _SLOT_LONG_LENGTH = 9, 13, 14, 15
_STRAIN_APP, _COPING_MOD, _BURNOUT_REC, _QUIT_MOD, _REC_EXTRA = (
    P["strain_appraisal"],
    P["coping"],
    P["burnout_recovery"],
    P["quit_hazard"],
    P["recognition_extra"],
)
_SUPPORT, _TRUST_VOICE, _ENG_VOICE, _LONG_SHIFT_SCALE = (
    U["incident_support"],
    U["trust_target"],
    U["engagement_target"],
    U["long_shift_scale"],
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

    ``unit_sums`` rows (zeroed by the caller): staff clinical hours, clinical hours of vacant
    posts and of posts on long-term sick leave (both open to agency cover), staff present,
    headcount, sum of exhaustion.
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
        if real[_ABS_WEEKS, i] > 0.0:
            # Long-term sick leave: off the roster; agency may cover the post as if vacant.
            flags[_ABSENT, i] = True
            unit_sums[1, u] += clinical
            vacant_wage_hours += clinical * role_wage[role[i]]
            continue
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
        lead = unit_inputs[_LEAD, u]
        if r == _PHYSICIAN:  # physicians' leader is further from daily work (Shanafelt 2015)
            lead = 0.6 + c.physician_leadership_proximity * (lead - 0.6)
        exhaustion_sum = unit_inputs[_EXH_SUM, u]
        headcount = unit_inputs[_HEAD, u]
        absent = flags[_ABSENT, i]
        on_leave = real[_ABS_WEEKS, i] > 0.0
        contracted = real[_HOURS_C, i]
        ot = 0.0 if absent else unit_inputs[_OVERTIME, u]
        real[_HOURS, i] = 0.0 if absent else contracted + ot
        # 3. Exposures: violence from the public.
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
        # Life outside work: events arrive and fade (sim.wellbeing.next_life_strain).
        event = uniform(key, i, _SLOT_LIFE_EVENT) < c.life_event_probability
        size = -c.life_event_strain * np.log1p(-uniform(key, i, _SLOT_LIFE_SIZE))
        life = next_life_strain(real[_LIFE, i], event, size)
        real[_LIFE, i] = life
        # 4. Resources: recognition and trust.
        unit_exhaustion = exhaustion_sum / max(headcount, 1.0)
        p_recognized = _recognition_probability(
            lead,
            unit_exhaustion,
            c.supervisor_recognition_rate,
            c.peer_recognition_rate,
            post_levers[_REC_EXTRA, i],
        )
        if on_leave:
            p_recognized = 0.0
        event_rec = 1.0 if uniform(key, i, _SLOT_RECOGNITION) < p_recognized else 0.0
        rec = real[_REC, i] + RECOGNITION_SMOOTHING * (event_rec - real[_REC, i])
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
        md = next_moral_distress(
            real[_MD, i],
            real[_MD_TRAIT, i],
            0.0 if on_leave else unit_inputs[_CARE_GAP, u],
            t,
            unit_levers[_TRUST_VOICE, u],
        )
        real[_MD, i] = md
        # 5. Dual continuum: burnout, engagement, well-being.
        e0 = real[_EXH, i]
        g0 = real[_ENG, i]
        work = 0.0
        if not on_leave:
            others = (exhaustion_sum - e0) / max(headcount - 1.0, 1.0)
            shift = real[_SHIFT, i] + (
                c.long_shift_fatigue * real[_LONG, i] * unit_levers[_LONG_SHIFT_SCALE, u]
            )
            work = ROLE_STRAIN[r] * work_strain(
                load_term(intensity, c.workload_effect, c.staffing_relief_scale),
                fatigue(shift, ot / contracted, c.overtime_effect),
                unit_inputs[_ADMIN, u],
                load,
                md,
                others,
                c.fatigue_weight,
                c.violence_effect,
                c.moral_distress_effect,
                c.burnout_contagion,
            )
        felt = felt_strain(
            work,
            real[_NONWORK, i] + life,
            real[_SENS, i],
            post_levers[_STRAIN_APP, i],
            g0,
            c.engagement_buffer,
        )
        capacity = (
            recovery(
                real[_COPING, i],
                lead,
                recognized,
                real[_WB, i],
                absent,
                c.leadership_effect,
                c.recognition_effect,
                c.wellbeing_restoration,
            )
            * post_levers[_COPING_MOD, i]
        )
        was_burned = flags[_BURNED, i]
        if was_burned:
            capacity *= post_levers[_BURNOUT_REC, i]
        noise = standard_normal(key, i, _SLOT_NOISE)
        e = next_exhaustion(
            e0,
            felt,
            capacity,
            was_burned,
            c.exhaustion_rate,
            c.recovery_rate,
            c.burnout_recovery_slowdown,
            noise,
        )
        real[_EXH, i] = e
        cy = next_cynicism(real[_CYN, i], real[_DP_TRAIT, i], e, t, recognized, md, g0)
        real[_CYN, i] = cy
        burned = is_burned_out(e, cy)
        flags[_BURNED, i] = burned
        g = next_engagement(g0, lead, recognized, t, e, cy, unit_levers[_ENG_VOICE, u])
        real[_ENG, i] = g
        w = next_wellbeing(real[_WB, i], real[_TRAIT, i], g, recognized, t, e, md, load)
        real[_WB, i] = w
        cls = wellbeing_class(w + real[_EMO, i], w)
        wellbeing_classes[i] = cls
        # Sickness absence: hours lost this week; long-term leave starts or runs down.
        if absent:
            local[T_ABSENT_HOURS + r] += contracted
        if on_leave:
            real[_ABS_WEEKS, i] = max(real[_ABS_WEEKS, i] - 1.0, 0.0)
            local[T_LONG_ABSENT] += 1.0
        elif uniform(key, i, _SLOT_LONG_ABSENCE) < long_absence_probability(c.long_absence_rate, e):
            length = -c.long_absence_weeks * np.log1p(-uniform(key, i, _SLOT_LONG_LENGTH))
            real[_ABS_WEEKS, i] = max(np.ceil(length), 1.0)
        # Patient safety in this worker's care (expected incidents; sim.safety).
        if not absent:
            local[T_INCIDENTS_EXPECTED] += incident_probability(
                c.safety_incident_rate, burned, ot > 0.0, real[_LONG, i] > 0.5
            ) * ((contracted + ot) / FTE_HOURS)
            local[T_FTE_WORKED] += (contracted + ot) / FTE_HOURS
        # 6. Intent and departures (one uniform decides resignation or retirement).
        it = intent_to_leave(
            e,
            cy,
            g,
            t,
            lead,
            md,
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
        if md >= HIGH_MORAL_DISTRESS:
            local[T_HIGH_MD] += 1.0
        local[T_CONTRACTED] += contracted
        sum_exhaustion += e
        sum_engagement += g
        sum_trust += t
        sum_recognized += event_rec
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
