"""The dual continuum: burnout, engagement and positive mental well-being (stage 5).

Burnout (exhaustion and cynicism) and positive mental well-being (Keyes' MHC-SF) are separate
axes that influence each other only partly (seed 000, second recommendation): a burned-out
worker can still flourish in meaning, a symptom-free one can languish.
"""

import numpy as np

from sim.jit import compiled

# Shanafelt 2015/2022 definition of burnout: at least one symptom, emotional exhaustion >= 27
# of 54 or depersonalization >= 10 of 30 on the Maslach Burnout Inventory.
EXHAUSTION_THRESHOLD = 27.0 / 54.0
CYNICISM_THRESHOLD = 10.0 / 30.0
# Assumption: weekly noise on exhaustion (small day-to-day ups and downs not otherwise modelled).
EXHAUSTION_NOISE_SD = 0.015
# Assumption: strain from a life event fades with a half-life of about half a year.
LIFE_EVENT_DECAY = 0.5 ** (1.0 / 26.0)
# A uniform on [0, 1) centred has variance 1/12: this scales it to variance 1.
UNIFORM_TO_UNIT_SD = float(np.sqrt(12.0))
# Assumption: depersonalization moves toward its target over about half a year, moral distress
# over about ten weeks.
CYNICISM_RATE = 1.0 / 26.0
MORAL_DISTRESS_RATE = 1.0 / 10.0
# Share with "high" moral distress: distress of 0.5 or more on the 0-1 scale, read as the
# survey's "distressing to worst possible" (26.8 %, evidence.md).
HIGH_MORAL_DISTRESS = 0.5
# MHC-SF (Keyes 2002): 3 emotional and 11 functioning items scored 0-5. An item's score is
# round(5 x latent well-being + difficulty); item difficulties are spread evenly (assumption).
# "High" is a score of 4-5 (almost every day or every day), "low" 0-1 (never, once or twice).
_EMOTIONAL_DIFFICULTY = np.linspace(-0.5, 0.5, 3)
_FUNCTIONAL_DIFFICULTY = np.linspace(-0.8, 0.8, 11)
# An item is high when 5 x latent + difficulty >= 3.5 and low when it is < 1.5. Keyes' rule
# needs at least 1 of the 3 emotional items and 6 of the 11 functioning items high (or low);
# "at least k items high" holds exactly when the latent passes the k-th easiest item's cutoff.
_EMO_HIGH_CUT = float(np.sort((3.5 - _EMOTIONAL_DIFFICULTY) / 5.0)[0])
_FUN_HIGH_CUT = float(np.sort((3.5 - _FUNCTIONAL_DIFFICULTY) / 5.0)[5])
_EMO_LOW_CUT = float(np.sort((1.5 - _EMOTIONAL_DIFFICULTY) / 5.0)[-1])
_FUN_LOW_CUT = float(np.sort((1.5 - _FUNCTIONAL_DIFFICULTY) / 5.0)[-6])

# Fixed weights of the work-strain terms (sim.wellbeing.work_strain; assumptions on the sizes,
# sources of each term there): workload (Aiken 2002 gradient), administration (Linzer 2015),
# violence (Liu 2019). Co-design ranks a unit's stressors with the same weights.
LOAD_WEIGHT = 0.5
ADMIN_WEIGHT = 0.6
VIOLENCE_WEIGHT = 0.25
# Reference levels of the recovery factors (sim.wellbeing.recovery): leadership delivered
# (0-1) and recognition (0-1) at which support and reward neither add nor take away.
LEADERSHIP_REFERENCE = 0.6
RECOGNITION_REFERENCE = 0.5

FLOURISHING, MODERATE, LANGUISHING = 0, 1, 2
WELLBEING_CLASSES = ("flourishing", "moderate", "languishing")


@compiled
def load_term(intensity: float, workload_effect: float, relief_scale: float) -> float:
    """Workload strain at ``intensity`` (demand per clinical hour worked; 1 = budgeted load).

    Above budget it rises linearly with ``workload_effect`` (Aiken 2002: OR 1.23 per extra
    patient per nurse, calibrated). Below budget relief saturates: it approaches
    ``workload_effect x relief_scale`` (assumption: beyond about 10 % slack, more staff take
    away little more strain; Aiken's hospitals ranged over about 4-8 patients per nurse).
    """
    if intensity >= 1.0:
        return 1.0 + workload_effect * (intensity - 1.0)
    return max(
        1.0 - workload_effect * relief_scale * np.tanh((1.0 - intensity) / relief_scale), 0.1
    )


@compiled
def fatigue(shift_fatigue: float, overtime_ratio: float, overtime_effect: float) -> float:
    """Fatigue of the hours worked: shift pattern x (1 + overtime_effect x overtime / contract).

    An 8-h pattern is 1; a 12-h pattern 1 + ``long_shift_fatigue`` (Ergonomics 2019: long shifts
    roughly double fatigue); overtime adds in proportion (see ``overtime_effect``).
    """
    return shift_fatigue * (1.0 + overtime_effect * overtime_ratio)


@compiled
def work_strain(
    load: float,
    fatigue_level: float,
    admin_share: float,
    violence_load: float,
    moral_distress: float,
    colleagues_exhaustion: float,
    fatigue_weight: float,
    violence_effect: float,
    moral_distress_effect: float,
    burnout_contagion: float,
) -> float:
    """Weekly strain from work before personal appraisal (about 1 at budgeted load).

    Sum of: workload, 0.5 x load term (Aiken 2002 gradient, sim.wellbeing.load_term); fatigue
    of the hours, ``fatigue_weight`` x fatigue (Dall'Ora 2015, calibrated); administration,
    0.6 x share of time on paperwork (Linzer 2015); violence, 0.25 x smoothed incident severity
    (Liu 2019); the worker's own moral distress (seed 000); colleagues' exhaustion (partial
    contagion, Bakker 2005). The fixed weights 0.5, 0.6 and 0.25 (``LOAD_WEIGHT``,
    ``ADMIN_WEIGHT``, ``VIOLENCE_WEIGHT``) are assumptions.
    """
    return (
        LOAD_WEIGHT * load
        + fatigue_weight * fatigue_level
        + ADMIN_WEIGHT * admin_share
        + VIOLENCE_WEIGHT * violence_effect * violence_load
        + moral_distress_effect * moral_distress
        + burnout_contagion * colleagues_exhaustion
    )


@compiled
def felt_strain(
    work: float,
    nonwork: float,
    sensitivity: float,
    appraisal: float,
    engagement: float,
    engagement_buffer: float,
) -> float:
    """Total strain a person feels this week: work strain buffered by engagement, plus life.

    Job demands-resources (assumption on the form): engagement buffers work strain,
    x exp(-buffer x (engagement - 0.5)); personal sensitivity and appraisal (mindfulness) scale
    all of it; strain from outside work (``nonwork``: caregiving, health, life events) is not
    changed by anything the employer does, so work can never take burnout to zero (Shanafelt
    2012: 27.8 % of the general working population).
    """
    buffered = work * np.exp(-engagement_buffer * (engagement - 0.5))
    return sensitivity * appraisal * (buffered + nonwork)


@compiled
def recovery(
    coping: float,
    leadership_norm: float,
    recognized: float,
    wellbeing: float,
    absent: bool,
    leadership_effect: float,
    recognition_effect: float,
    wellbeing_restoration: float,
) -> float:
    """Weekly capacity to recover (about 1 for a typical worker).

    Personal coping x supervisor support exp(effect x (leadership delivered - 0.6)) (the causal
    part of the Shanafelt 2015 / Dyrbye 2020 associations, calibrated through a simulated
    survey, sim.survey) x rewards exp(recognition_effect x (recognition - 0.5)) (effort-reward
    imbalance,
    Hasselhorn 2004) x restoration exp(r x (well-being - 0.6)) (flourishing restores, dual
    continuum; assumption) x rest (time off doubles recovery; assumption). Multiplicative
    exponentials keep each factor positive and bounded. The reference levels 0.6 and 0.5 are
    ``LEADERSHIP_REFERENCE`` and ``RECOGNITION_REFERENCE``.
    """
    # support x reward x restoration, as one exponential of the summed exponents
    log_factors = (
        leadership_effect * (leadership_norm - LEADERSHIP_REFERENCE)
        + recognition_effect * (recognized - RECOGNITION_REFERENCE)
        + wellbeing_restoration * (wellbeing - 0.6)
    )
    return coping * np.exp(log_factors) * (2.0 if absent else 1.0)


@compiled
def next_exhaustion(
    exhaustion: float,
    strain_felt: float,
    recovery_capacity: float,
    burned_out: bool,
    exhaustion_rate: float,
    recovery_rate: float,
    burnout_slowdown: float,
    noise: float,
) -> float:
    """Exhaustion one week on: a stock that fills with strain and drains with recovery.

    Homer 1985's burnout stock: it settles where exhaustion_rate x strain x (1 - E) balances
    recovery_rate x recovery x E. The rates are small (about 0.02 a week), so exhaustion builds
    over months and recedes over months to years (evidence.md, time scales); while burned out,
    recovery is slower by ``burnout_slowdown`` (Homer's second loop), so recovery is slower
    than onset. Weekly noise is an assumption.
    """
    drain = recovery_rate * recovery_capacity * exhaustion
    if burned_out:
        drain *= 1.0 - burnout_slowdown
    e = exhaustion + exhaustion_rate * strain_felt * (1.0 - exhaustion) - drain
    e += EXHAUSTION_NOISE_SD * noise
    return min(max(e, 0.0), 1.0)


def resource_state_decay(half_life_weeks: float) -> float:
    """Weekly AR(1) coefficient of the personal-resource state: 0.5 ** (1 / half-life)."""
    return 0.5 ** (1.0 / half_life_weeks)


def resource_state_innovation_sd(coping_sd: float, share: float, half_life_weeks: float) -> float:
    """SD of the resource state's weekly innovation: stationary SD sqrt(share) x coping_sd.

    An AR(1) x' = phi x + s e with Var(e) = 1 has stationary variance s^2 / (1 - phi^2); the
    state's part of coping's log-variance is ``share x coping_sd^2`` (the trait keeps the rest),
    so the cross-sectional spread of coping is ``coping_sd`` whatever the share.
    """
    phi = resource_state_decay(half_life_weeks)
    return float(np.sqrt(share * (1.0 - phi * phi)) * coping_sd)


@compiled
def next_resource_state(state: float, decay: float, innovation_sd: float, uniform: float) -> float:
    """Personal resources now (log scale) one week on: an AR(1) with a uniform innovation.

    Personal resources (health, sleep, mood, self-efficacy, life outside work; Hobfoll 1989's
    conservation of resources) are partly a stable trait and partly a state that changes over
    months; the state lets a burned-out worker recover, or a well one burn out, in the same job
    (evidence.md 'Time scales': episodes last one to three years, not a career). With state x,
    recovery capacity is coping trait x exp(x - v / 2) (v the state's stationary variance: mean
    coping stays 1 and trait x state has coping's calibrated spread) and felt strain is
    divided by exp(x) (resources buffer strain as they fuel recovery; centred on the log scale,
    which left prevalence at the end of the burn-in where it was, measured). Form and sizes are
    assumptions (``resource_state_share``, ``resource_state_half_life_weeks``, chosen with the
    persistence target, docs/calibration.md). The innovation is ``uniform`` centred and scaled
    to variance 1 (one hash instead of four; the state sums dozens of weeks' innovations, so it
    is close to normal whatever their shape).
    """
    return decay * state + innovation_sd * (uniform - 0.5) * UNIFORM_TO_UNIT_SD


@compiled
def next_life_strain(life_strain: float, event: bool, size: float) -> float:
    """Strain from life events one week on: the last events fade, a new one adds ``size``."""
    return life_strain * LIFE_EVENT_DECAY + (size if event else 0.0)


@compiled
def next_moral_distress(
    moral_distress: float, trait: float, care_gap: float, trust: float, voice: float
) -> float:
    """A worker's moral distress (0-1) one week on, over about ten weeks.

    Target = personal moral sensitivity (at typical care) + 0.5 x care left undone (the unit's
    care gap, 0-1; Griffiths 2014: care left undone rises with overtime and short staffing)
    + 0.3 x (0.5 - trust) (not being heard; seed 000) - voice (co-design). Weights are
    assumptions; the trait's mean is calibrated to 26.8 % with high distress.
    """
    target = trait + 0.5 * (care_gap - 0.4) + 0.3 * (0.5 - trust) - voice
    return moral_distress + MORAL_DISTRESS_RATE * (min(max(target, 0.0), 1.0) - moral_distress)


@compiled
def next_cynicism(
    cynicism: float,
    trait: float,
    exhaustion: float,
    trust: float,
    recognized: float,
    moral_distress: float,
    engagement: float,
) -> float:
    """Depersonalization (cynicism) one week on, over about half a year.

    Its own dimension (Maslach): target = personal tendency + 0.45 x (E - 0.4) + 0.4 x
    (0.5 - trust) + 0.3 x (moral distress - 0.3) + 0.15 x (0.5 - recognition) - 0.2 x
    (engagement - 0.5). Distrust, lack of reward and moral injury drive it beside exhaustion
    (seed 000: distrust, demoralization). Weights are assumptions.
    """
    target = (
        trait
        + 0.45 * (exhaustion - 0.4)
        + 0.4 * (0.5 - trust)
        + 0.3 * (moral_distress - 0.3)
        + 0.15 * (0.5 - recognized)
        - 0.2 * (engagement - 0.5)
    )
    return cynicism + CYNICISM_RATE * (min(max(target, 0.0), 1.0) - cynicism)


@compiled
def next_engagement(
    engagement: float,
    leadership_norm: float,
    recognized: float,
    trust: float,
    exhaustion: float,
    cynicism: float,
    voice: float,
) -> float:
    """Engagement ("the opposite of burnout", seed 000) one week on, over ~20 weeks.

    Target rises with leadership, recognition, trust and voice (co-design) and falls with
    exhaustion and cynicism; weights are assumptions in the spirit of job demands-resources.
    """
    target = (
        0.55
        + 0.4 * (leadership_norm - 0.6)
        + 0.2 * (recognized - 0.5)
        + 0.3 * (trust - 0.5)
        - 0.5 * (exhaustion - 0.4)
        - 0.3 * (cynicism - 0.2)
        + voice
    )
    return engagement + 0.05 * (min(max(target, 0.0), 1.0) - engagement)


@compiled
def next_wellbeing(
    wellbeing: float,
    trait: float,
    engagement: float,
    recognized: float,
    trust: float,
    exhaustion: float,
    moral_distress: float,
    violence_load: float,
) -> float:
    """Latent positive well-being one week on, over about 25 weeks.

    Target = personal trait + meaning and resources (engagement, recognition, trust) - strain
    (exhaustion, moral distress, violence). Weights are assumptions chosen so that burnout and
    well-being correlate only moderately: the trait dominates (two distinct axes, Keyes).
    """
    target = (
        trait
        + 0.2 * (engagement - 0.5)
        + 0.06 * (recognized - 0.5)
        + 0.06 * (trust - 0.5)
        - 0.35 * (exhaustion - 0.4)
        - 0.08 * moral_distress
        - 0.05 * min(violence_load, 2.0)
    )
    return min(max(wellbeing + 0.04 * (target - wellbeing), 0.0), 1.0)


@compiled
def is_burned_out(exhaustion: float, cynicism: float) -> bool:
    """At least one burnout symptom (Shanafelt's MBI cut-offs)."""
    return exhaustion >= EXHAUSTION_THRESHOLD or cynicism >= CYNICISM_THRESHOLD


@compiled
def wellbeing_class(emotional: float, functional: float) -> int:
    """Keyes' MHC-SF rule: flourishing, moderate or languishing.

    Flourishing: high on at least 1 of 3 emotional and at least 6 of 11 functioning items;
    languishing: low on at least 1 emotional and at least 6 functioning items; else moderate.
    """
    if emotional >= _EMO_HIGH_CUT and functional >= _FUN_HIGH_CUT:
        return FLOURISHING
    if emotional < _EMO_LOW_CUT and functional < _FUN_LOW_CUT:
        return LANGUISHING
    return MODERATE


@compiled
def classify_wellbeing(
    filled: np.ndarray, wellbeing: np.ndarray, emotional_offset: np.ndarray, out: np.ndarray
) -> None:
    """Keyes class of every filled post's holder (used at set-up)."""
    for i in range(filled.size):
        out[i] = wellbeing_class(wellbeing[i] + emotional_offset[i], wellbeing[i])
