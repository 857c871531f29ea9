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


@compiled
def strain(
    intensity: float,
    overtime_ratio: float,
    admin_share: float,
    violence_load: float,
    moral_distress: float,
    colleagues_exhaustion: float,
    workload_effect: float,
    overtime_effect: float,
    violence_effect: float,
    moral_distress_effect: float,
    burnout_contagion: float,
) -> float:
    """Weekly job strain before personal factors (about 1 at budgeted load).

    Sum of: workload, 0.5 x (1 + workload_effect x (intensity - 1)) x (1 + overtime_effect x
    overtime / contracted hours) (Aiken 2002 gradient; long hours raise fatigue, Ergonomics
    2019); administration, 0.6 x share of time on paperwork (Linzer 2015); violence, 0.25 x
    smoothed incident severity (Liu 2019); moral distress, 0.3 x distress; and colleagues'
    exhaustion (partial contagion, Bakker 2005). The fixed weights are assumptions.
    """
    load = max(1.0 + workload_effect * (intensity - 1.0), 0.1)
    return (
        0.5 * load * (1.0 + overtime_effect * overtime_ratio)
        + 0.6 * admin_share
        + 0.25 * violence_effect * violence_load
        + 0.3 * moral_distress_effect * moral_distress
        + burnout_contagion * colleagues_exhaustion
    )


@compiled
def recovery(
    coping: float,
    leadership_norm: float,
    recognized: float,
    absent: bool,
    leadership_effect: float,
    recognition_effect: float,
) -> float:
    """Weekly capacity to recover (about 1 for a typical worker).

    Personal coping x supervisor support (leadership delivered, 0-1) x rewards (recognition,
    0-1; effort-reward imbalance, Hasselhorn 2004) x rest (sick leave doubles recovery,
    assumption). ``leadership_effect`` is the worker's role's: physicians' (Shanafelt 2015) or
    nurses' and allied staff's (Dyrbye 2020); the worker pass picks it.
    """
    support = max(1.0 + leadership_effect * (leadership_norm - 0.6), 0.1)
    reward = max(1.0 + recognition_effect * (recognized - 0.5), 0.1)
    return coping * support * reward * (2.0 if absent else 1.0)


@compiled
def next_exhaustion(
    exhaustion: float,
    job_strain: float,
    recovery_capacity: float,
    exhaustion_rate: float,
    recovery_rate: float,
    noise: float,
) -> float:
    """Exhaustion one week on: a stock that fills with strain and drains with recovery.

    Homer 1985's burnout stock: it settles where exhaustion_rate x strain x (1 - E) balances
    recovery_rate x recovery x E. Weekly noise (life outside work) is an assumption.
    """
    e = exhaustion + exhaustion_rate * job_strain * (1.0 - exhaustion)
    e -= recovery_rate * recovery_capacity * exhaustion
    e += EXHAUSTION_NOISE_SD * noise
    return min(max(e, 0.0), 1.0)


@compiled
def next_cynicism(cynicism: float, exhaustion: float, trust: float, recognized: float) -> float:
    """Cynicism (depersonalization) one week on; follows exhaustion over ~20 weeks.

    Target 0.18 + 0.7 x (E - 0.4) + 0.4 x (0.5 - trust) + 0.15 x (0.5 - recognition): more
    where trust and recognition are low (seed 000: distrust, demoralization). Assumption.
    """
    target = 0.18 + 0.7 * (exhaustion - 0.4) + 0.4 * (0.5 - trust) + 0.15 * (0.5 - recognized)
    return cynicism + 0.05 * (min(max(target, 0.0), 1.0) - cynicism)


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
    return wellbeing + 0.04 * (target - wellbeing)


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
