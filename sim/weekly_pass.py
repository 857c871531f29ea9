"""The weekly step's pass over the workers (stages 3-6), compiled with numba.

Worker state lives in numpy arrays; these loops apply the per-worker equations of the mechanism
modules (sim.workload, sim.violence, sim.resources, sim.wellbeing, sim.turnover) to every post
in one pass, so a week costs a few microseconds per thousand workers instead of hundreds of numpy
calls. Random numbers are counter-based draws keyed by one number a week from the model's
numpy Generator (sim.random_streams), so the results are fixed by the seed. The order inside
the worker pass is the order of the step's stages 3-6; stage 2 is sim.staffing_pass.
"""

import numpy as np

from sim.jit import compiled
from sim.layout import (
    F_ABSENT,
    F_BURNED_OUT,
    F_FILLED,
    N_TALLIES,
    P_BURNOUT_RECOVERY,
    P_COPING,
    P_QUIT_HAZARD,
    P_RECOGNITION_EXTRA,
    P_STRAIN_APPRAISAL,
    R_ABSENCE_WEEKS,
    R_AGE_YEARS,
    R_CONTRACTED_HOURS,
    R_COPING,
    R_CYNICISM,
    R_DP_TRAIT,
    R_EMOTIONAL_OFFSET,
    R_ENGAGEMENT,
    R_EXHAUSTION,
    R_HOURS,
    R_INTENT,
    R_LIFE_STRAIN,
    R_LONG_SHIFT,
    R_MD_TRAIT,
    R_MORAL_DISTRESS,
    R_NONWORK_BASE,
    R_RECOGNITION,
    R_RESOURCE_STATE,
    R_SENSITIVITY,
    R_SHIFT_FATIGUE,
    R_TENURE_WEEKS,
    R_TRUST,
    R_VIOLENCE_FRAILTY,
    R_VIOLENCE_LOAD,
    R_VIOLENCE_WEIGHT,
    R_WELLBEING,
    R_WELLBEING_TRAIT,
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
    T_LONG_ABSENT,
    T_OVERTIME,
    T_RECOGNIZED,
    T_TRUST,
    U_ENGAGEMENT_TARGET,
    U_INCIDENT_SUPPORT,
    U_LONG_SHIFT_SCALE,
    U_TRUST_TARGET,
    UI_ADMIN_SHARE,
    UI_CARE_GAP,
    UI_CONTAGION,
    UI_EXHAUSTION_SUM,
    UI_HEADCOUNT,
    UI_INTENSITY,
    UI_LEADERSHIP_NORM,
    UI_OVERTIME,
    UI_UNANSWERED_STRAIN,
    UI_VIOLENCE_RATE,
)
from sim.layout import UI as UI
from sim.layout import UNIT_INPUTS as UNIT_INPUTS
from sim.organization import ROLE_NAMES, ROLES
from sim.random_streams import offset_key, standard_normal, uniform
from sim.resources import RECOGNITION_FULL, RECOGNITION_SMOOTHING, next_trust
from sim.resources import recognition_probability as _recognition_probability
from sim.safety import incident_probability
from sim.state import VIOLENCE_SEVERITY
from sim.tallies import FTE_HOURS, Coefficients, store_unit_sums
from sim.turnover import (
    RESIGNATION,
    RETIREMENT,
    intent_to_leave,
    weekly_quit_bound,
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
    next_resource_state,
    next_wellbeing,
    recovery,
    wellbeing_class,
    work_strain,
)
from sim.workload import (
    long_absence_probability,
)

ROLE_STRAIN = np.array([r.strain_weight for r in ROLES])
# Physicians feel their unit leader's leadership only in part (physician_leadership_proximity).
_PHYSICIAN = ROLE_NAMES.index("physician")


# Slots of each post's counter-based draws in a week (sim.random_streams); noise uses 4 (5-8);
# the vacancy pass uses 10-12.
_SLOT_VIOLENCE, _SLOT_VIOLENCE_TYPE, _SLOT_RECOGNITION, _SLOT_DEPARTURE = range(1, 5)  # 0: absence
_SLOT_NOISE = 5
_SLOT_LIFE_EVENT, _SLOT_LIFE_SIZE, _SLOT_LONG_ABSENCE, _SLOT_LONG_LENGTH = 9, 13, 14, 15
# Every slot of the week's key is taken: the personal-resource state draws from a second
# stream, the key shifted by 2**40 posts (sim.random_streams.offset_key), i.e. the draws of
# posts no model has. Shifts add up, so a chunk's shifted key still gives each post its own draws.
_STATE_STREAM_POSTS = 2**40
_SLOT_RESOURCE_STATE = 0  # slot of the second stream


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
    unit_real_sums: np.ndarray,
) -> None:
    """Stages 3-6 for every post: exposures, resources, dual continuum, intent and departures.

    Writes ``leaving`` and ``reasons`` for the posts whose holders leave this week, adds the
    week's metric counts into ``tallies`` (see :class:`WeeklyTallies`; zeroed by the caller) and
    writes each unit's sums of real values into its column of ``unit_real_sums`` (rows
    sim.tallies.REAL_SUMS; sim.tallies.add_unit_sums adds them up in unit order).
    """
    sum_recognized = n_intending = 0.0
    sum_exhaustion = sum_engagement = sum_trust = 0.0  # of the unit being summed
    summed_unit = -1  # posts are laid out unit by unit: real sums are kept per unit
    state_key = offset_key(key, _STATE_STREAM_POSTS)
    changing_resources = c.resource_state_innovation_sd > 0.0
    local = np.zeros(N_TALLIES)  # a fresh array: the compiler knows nothing else writes to it
    violence_ring_week[:] = 0  # this slot of the 52-week ring is reused: clear it
    cached_unit = -1  # posts are laid out unit by unit: per-unit terms once per unit
    unit_load_term = 1.0
    for i in range(unit.size):
        u = unit[i]
        if u != summed_unit:  # the previous unit's sums are complete
            if summed_unit >= 0:
                local[T_EXHAUSTION] = sum_exhaustion
                local[T_ENGAGEMENT] = sum_engagement
                local[T_TRUST] = sum_trust
                store_unit_sums(local, unit_real_sums, summed_unit)
            sum_exhaustion = sum_engagement = sum_trust = 0.0
            summed_unit = u
        if not flags[F_FILLED, i]:
            leaving[i] = False
            flags[F_BURNED_OUT, i] = False
            continue
        r = role[i]
        intensity = unit_inputs[UI_INTENSITY, u]
        lead = unit_inputs[UI_LEADERSHIP_NORM, u]
        if r == _PHYSICIAN:  # physicians' leader is further from daily work (Shanafelt 2015)
            lead = 0.6 + c.physician_leadership_proximity * (lead - 0.6)
        exhaustion_sum = unit_inputs[UI_EXHAUSTION_SUM, u]
        headcount = unit_inputs[UI_HEADCOUNT, u]
        absent = flags[F_ABSENT, i]
        on_leave = real[R_ABSENCE_WEEKS, i] > 0.0
        contracted = real[R_CONTRACTED_HOURS, i]
        ot = 0.0 if absent else unit_inputs[UI_OVERTIME, u]
        real[R_HOURS, i] = 0.0 if absent else contracted + ot
        # 3. Exposures: violence from the public.
        load = real[R_VIOLENCE_LOAD, i] * VIOLENCE_LOAD_DECAY
        if not absent:
            rate = (
                TOTAL_WEEKLY_RATE
                * real[R_VIOLENCE_WEIGHT, i]
                * real[R_VIOLENCE_FRAILTY, i]
                * unit_inputs[UI_VIOLENCE_RATE, u]
            )
            kind = incident_kind(
                rate, uniform(key, i, _SLOT_VIOLENCE), uniform(key, i, _SLOT_VIOLENCE_TYPE)
            )
            if kind >= 0:
                violence_ring_week[kind, i] = 1
                load += VIOLENCE_SEVERITY[kind] * (1.0 - unit_levers[U_INCIDENT_SUPPORT, u])
                local[T_INCIDENTS + kind] += 1.0
        real[R_VIOLENCE_LOAD, i] = load
        # Life outside work: events arrive and fade (sim.wellbeing.next_life_strain).
        event = uniform(key, i, _SLOT_LIFE_EVENT) < c.life_event_probability
        size = 0.0  # drawn only when an event happens (its slot is its own: same numbers)
        if event:
            size = -c.life_event_strain * np.log1p(-uniform(key, i, _SLOT_LIFE_SIZE))
        life = next_life_strain(real[R_LIFE_STRAIN, i], event, size)
        real[R_LIFE_STRAIN, i] = life
        # 4. Resources: recognition and trust.
        unit_exhaustion = exhaustion_sum / max(headcount, 1.0)
        p_recognized = _recognition_probability(
            lead,
            unit_exhaustion,
            c.supervisor_recognition_rate,
            c.peer_recognition_rate,
            post_levers[P_RECOGNITION_EXTRA, i],
        )
        if on_leave:
            p_recognized = 0.0
        event_rec = 1.0 if uniform(key, i, _SLOT_RECOGNITION) < p_recognized else 0.0
        rec = real[R_RECOGNITION, i] + RECOGNITION_SMOOTHING * (event_rec - real[R_RECOGNITION, i])
        real[R_RECOGNITION, i] = rec
        recognized = min(rec / RECOGNITION_FULL, 1.0)
        t = next_trust(
            real[R_TRUST, i],
            lead,
            recognized,
            unit_inputs[UI_UNANSWERED_STRAIN, u],
            unit_levers[U_TRUST_TARGET, u],
        )
        real[R_TRUST, i] = t
        md = next_moral_distress(
            real[R_MORAL_DISTRESS, i],
            real[R_MD_TRAIT, i],
            0.0 if on_leave else unit_inputs[UI_CARE_GAP, u],
            t,
            unit_levers[U_TRUST_TARGET, u],
        )
        real[R_MORAL_DISTRESS, i] = md
        # 5. Dual continuum: burnout, engagement, well-being.
        e0 = real[R_EXHAUSTION, i]
        g0 = real[R_ENGAGEMENT, i]
        if u != cached_unit:
            unit_load_term = load_term(intensity, c.workload_effect, c.staffing_relief_scale)
            cached_unit = u
        work = 0.0
        if not on_leave:
            others = (exhaustion_sum - e0) / max(headcount - 1.0, 1.0)
            shift = real[R_SHIFT_FATIGUE, i] + (
                c.long_shift_fatigue * real[R_LONG_SHIFT, i] * unit_levers[U_LONG_SHIFT_SCALE, u]
            )
            work = ROLE_STRAIN[r] * work_strain(
                unit_load_term,
                fatigue(shift, ot / contracted, c.overtime_effect),
                unit_inputs[UI_ADMIN_SHARE, u],
                load,
                md,
                others,
                c.fatigue_weight,
                c.violence_effect,
                c.moral_distress_effect,
                c.burnout_contagion,
            )
        # Personal resources change over months (sim.wellbeing.next_resource_state): they
        # raise recovery (x exp(x) scaled to mean 1) and soften felt strain (/ exp(x)).
        coping = real[R_COPING, i]
        sensitivity = real[R_SENSITIVITY, i]
        if changing_resources:
            x = next_resource_state(
                real[R_RESOURCE_STATE, i],
                c.resource_state_decay,
                c.resource_state_innovation_sd,
                uniform(state_key, i, _SLOT_RESOURCE_STATE),
            )
            real[R_RESOURCE_STATE, i] = x
            resources = np.exp(x)
            coping *= resources * c.resource_state_scale
            sensitivity /= resources
        felt = felt_strain(
            work,
            real[R_NONWORK_BASE, i] + life,
            sensitivity,
            post_levers[P_STRAIN_APPRAISAL, i],
            g0,
            c.engagement_buffer,
        )
        capacity = (
            recovery(
                coping,
                lead,
                recognized,
                real[R_WELLBEING, i],
                absent,
                c.leadership_effect,
                c.recognition_effect,
                c.wellbeing_restoration,
            )
            * post_levers[P_COPING, i]
        )
        was_burned = flags[F_BURNED_OUT, i]
        if was_burned:
            capacity *= post_levers[P_BURNOUT_RECOVERY, i]
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
        real[R_EXHAUSTION, i] = e
        cy = next_cynicism(real[R_CYNICISM, i], real[R_DP_TRAIT, i], e, t, recognized, md, g0)
        real[R_CYNICISM, i] = cy
        burned = is_burned_out(e, cy)
        flags[F_BURNED_OUT, i] = burned
        g = next_engagement(g0, lead, recognized, t, e, cy, unit_levers[U_ENGAGEMENT_TARGET, u])
        real[R_ENGAGEMENT, i] = g
        w = next_wellbeing(
            real[R_WELLBEING, i], real[R_WELLBEING_TRAIT, i], g, recognized, t, e, md, load
        )
        real[R_WELLBEING, i] = w
        cls = wellbeing_class(w + real[R_EMOTIONAL_OFFSET, i], w)
        wellbeing_classes[i] = cls
        # Sickness absence: hours lost this week; long-term leave starts or runs down.
        if absent:
            local[T_ABSENT_HOURS + r] += contracted
        if on_leave:
            real[R_ABSENCE_WEEKS, i] = max(real[R_ABSENCE_WEEKS, i] - 1.0, 0.0)
            local[T_LONG_ABSENT] += 1.0
        elif e > 0.5 and uniform(key, i, _SLOT_LONG_ABSENCE) < long_absence_probability(
            c.long_absence_rate, e
        ):  # the chance is 0 below the cut-off, so the draw is skipped there
            length = -c.long_absence_weeks * np.log1p(-uniform(key, i, _SLOT_LONG_LENGTH))
            real[R_ABSENCE_WEEKS, i] = max(np.ceil(length), 1.0)
        # Patient safety in this worker's care (expected incidents; sim.safety).
        if not absent:
            local[T_INCIDENTS_EXPECTED] += incident_probability(
                c.safety_incident_rate, burned, ot > 0.0, real[R_LONG_SHIFT, i] > 0.5
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
            unit_inputs[UI_CONTAGION, u],
            real[R_TENURE_WEEKS, i],
            c.intent_effect,
        )
        real[R_INTENT, i] = it
        p_retire = weekly_retirement_probability(real[R_AGE_YEARS, i]) if c.retirement else 0.0
        draw = uniform(key, i, _SLOT_DEPARTURE)
        quit_hazard = post_levers[P_QUIT_HAZARD, i]
        # The exact quit probability (a logarithm) only when the draw is below a cheap bound of
        # it: above, the worker stays whatever its exact value (sim.turnover.weekly_quit_bound).
        if draw < weekly_quit_bound(r, it, quit_hazard) + p_retire:
            p_quit = weekly_quit_probability(r, it, quit_hazard)
            leaving[i] = draw < p_quit + p_retire
            reasons[i] = RESIGNATION if draw < p_quit else RETIREMENT
        else:
            leaving[i] = False
            reasons[i] = RETIREMENT
        real[R_TENURE_WEEKS, i] += 1.0
        real[R_AGE_YEARS, i] += 1.0 / 52.0
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
    if summed_unit >= 0:
        local[T_EXHAUSTION] = sum_exhaustion
        local[T_ENGAGEMENT] = sum_engagement
        local[T_TRUST] = sum_trust
        store_unit_sums(local, unit_real_sums, summed_unit)
    for k in range(N_TALLIES):  # the real sums are zero here: counts only
        tallies[k] += local[k]
    tallies[T_RECOGNIZED] += sum_recognized
    tallies[T_INTENDING] += n_intending
