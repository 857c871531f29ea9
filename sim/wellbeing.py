"""The dual continuum: burnout, engagement and positive mental well-being (stage 5).

Burnout (exhaustion and cynicism) and positive mental well-being (Keyes' MHC-SF) are separate
axes that influence each other only partly (seed 000, second recommendation): a burned-out
worker can still flourish in meaning, a symptom-free one can languish.
"""

import numpy as np

from sim.modifiers import Modifiers
from sim.parameters import ModelParameters
from sim.resources import RECOGNITION_FULL
from sim.state import WorkerState

# Shanafelt 2015/2022 definition of burnout: at least one symptom, emotional exhaustion >= 27
# of 54 or depersonalization >= 10 of 30 on the Maslach Burnout Inventory.
EXHAUSTION_THRESHOLD = 27.0 / 54.0
CYNICISM_THRESHOLD = 10.0 / 30.0
# Assumption: weekly noise on exhaustion (life events outside work).
EXHAUSTION_NOISE_SD = 0.015

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

FLOURISHING, MODERATE, LANGUISHING = 0, 1, 2
WELLBEING_CLASSES = ("flourishing", "moderate", "languishing")


def strain(
    state: WorkerState,
    role_strain: np.ndarray,
    intensity: np.ndarray,
    overtime: np.ndarray,
    moral_distress: np.ndarray,
    unit_exhaustion_others: np.ndarray,
    admin_share: np.ndarray,
    params: ModelParameters,
    mods: Modifiers,
) -> np.ndarray:
    """Weekly job strain of each worker (about 1 at budgeted load).

    Sum of: workload (0.5 x (1 + workload_effect x (intensity - 1)) x (1 + overtime_effect x
    extra hours / contracted hours); Aiken 2002 gradient, long hours raise fatigue, Ergonomics
    2019); administration (share of time on paperwork, Linzer 2015); violence (smoothed incident
    severity, Liu 2019); moral distress; and colleagues' exhaustion (partial contagion, Bakker
    2005). Weights other than the calibrated effects are assumptions. Appraisal (mindfulness)
    and personal sensitivity scale the total.
    """
    u = state.unit
    load = np.maximum(1.0 + params.workload_effect * (intensity[u] - 1.0), 0.1)
    hours = 1.0 + params.overtime_effect * overtime[u] / state.contracted_hours
    total = (
        0.5 * load * hours
        + 0.6 * admin_share[u]
        + 0.25 * params.violence_effect * state.violence_load
        + 0.3 * params.moral_distress_effect * moral_distress[u]
        + params.burnout_contagion * unit_exhaustion_others
    )
    return total * role_strain * state.sensitivity * mods.strain_appraisal


def recovery(
    state: WorkerState,
    leadership_norm: np.ndarray,
    params: ModelParameters,
    mods: Modifiers,
) -> np.ndarray:
    """Weekly capacity to recover (about 1 for a typical worker).

    Personal coping x supervisor support (leadership delivered, Shanafelt 2015) x rewards
    (recognition, Hasselhorn 2004) x rest (sick leave doubles recovery, assumption) x any
    individual support (resilience training, counselling for the burned out).
    """
    recognized = np.minimum(state.recognition / RECOGNITION_FULL, 1.0)
    support = np.maximum(1.0 + params.leadership_effect * (leadership_norm[state.unit] - 0.6), 0.1)
    reward = np.maximum(1.0 + params.recognition_effect * (recognized - 0.5), 0.1)
    rest = np.where(state.absent, 2.0, 1.0)
    counselling = np.where(state.burned_out, mods.burnout_recovery, 1.0)
    return state.coping * mods.coping * support * reward * rest * counselling


def update_burnout(
    state: WorkerState,
    job_strain: np.ndarray,
    recovery_capacity: np.ndarray,
    recognized: np.ndarray,
    params: ModelParameters,
    noise: np.ndarray,
) -> None:
    """Advance exhaustion and cynicism one week and classify burnout.

    Exhaustion is a stock (Homer 1985): it fills with strain toward 1 and drains with recovery
    toward 0, so it settles where exhaustion_rate x strain balances recovery_rate x recovery.
    Cynicism (depersonalization) follows exhaustion more slowly (rate 0.05 a week, assumption),
    more so where trust and recognition are low (seed 000: distrust, demoralization).
    """
    s = state
    e = s.exhaustion
    e += params.exhaustion_rate * job_strain * (1.0 - e) - params.recovery_rate * (
        recovery_capacity * e
    )
    e += EXHAUSTION_NOISE_SD * noise
    np.clip(e, 0.0, 1.0, out=e)
    target = 0.18 + 0.7 * (e - 0.4) + 0.4 * (0.5 - s.trust) + 0.15 * (0.5 - recognized)
    s.cynicism += 0.05 * (np.clip(target, 0.0, 1.0) - s.cynicism)
    s.burned_out = s.filled & ((e >= EXHAUSTION_THRESHOLD) | (s.cynicism >= CYNICISM_THRESHOLD))


def update_engagement(
    state: WorkerState,
    leadership_norm: np.ndarray,
    recognized: np.ndarray,
    mods: Modifiers,
) -> None:
    """Move engagement ("the opposite of burnout", seed 000) toward its target over ~20 weeks.

    Target rises with leadership, recognition, trust and voice (co-design) and falls with
    exhaustion and cynicism; weights are assumptions in the spirit of job demands-resources.
    """
    s = state
    u = s.unit
    target = (
        0.55
        + 0.4 * (leadership_norm[u] - 0.6)
        + 0.2 * (recognized - 0.5)
        + 0.3 * (s.trust - 0.5)
        - 0.5 * (s.exhaustion - 0.4)
        - 0.3 * (s.cynicism - 0.2)
        + mods.engagement_target[u]
    )
    s.engagement += 0.05 * (np.clip(target, 0.0, 1.0) - s.engagement)


def update_wellbeing(
    state: WorkerState, recognized: np.ndarray, moral_distress: np.ndarray
) -> None:
    """Move latent positive well-being toward its target over about 25 weeks.

    Target = personal trait + meaning and resources (engagement, recognition, trust) - strain
    (exhaustion, moral distress, violence). The weights are assumptions chosen so that burnout
    and well-being correlate only moderately: the trait dominates (two distinct axes, Keyes).
    """
    s = state
    target = (
        s.wellbeing_trait
        + 0.2 * (s.engagement - 0.5)
        + 0.06 * (recognized - 0.5)
        + 0.06 * (s.trust - 0.5)
        - 0.35 * (s.exhaustion - 0.4)
        - 0.08 * moral_distress[s.unit]
        - 0.05 * np.minimum(s.violence_load, 2.0)
    )
    s.wellbeing += 0.04 * (target - s.wellbeing)


def wellbeing_class(state: WorkerState) -> np.ndarray:
    """Classify each post's holder by Keyes' MHC-SF rule (flourishing/moderate/languishing).

    Flourishing: high on at least 1 of 3 emotional and at least 6 of 11 functioning items;
    languishing: low on at least 1 emotional and at least 6 functioning items; else moderate.
    """
    emotional = state.wellbeing + state.emotional_offset
    functional = state.wellbeing
    cls = np.full(state.size, MODERATE, dtype=np.int8)
    cls[(emotional >= _EMO_HIGH_CUT) & (functional >= _FUN_HIGH_CUT)] = FLOURISHING
    cls[(emotional < _EMO_LOW_CUT) & (functional < _FUN_LOW_CUT)] = LANGUISHING
    return cls
