"""Supervisors are people too: their exhaustion, departures and replacement (stage 8)."""

import numpy as np

from sim.jit import compiled
from sim.layout import S_EXHAUSTION_SUM, S_HEADCOUNT
from sim.parameters import ModelParameters
from sim.state import SupervisorState, draw_leadership_scores
from sim.wellbeing import EXHAUSTION_NOISE_SD

# Assumption: a manager's reference span of control (posts per manager) at which span adds no
# extra strain.
REFERENCE_SPAN = 25.0


def new_supervisors(
    n_units: int, params: ModelParameters, rng: np.random.Generator, first_person_id: int
) -> SupervisorState:
    """Draw one supervisor per unit from the population of leaders."""
    return SupervisorState(
        score=draw_leadership_scores(
            rng, n_units, params.leadership_mean, params.leadership_sd, params.leadership_score
        ),
        exhaustion=rng.uniform(0.2, 0.4, n_units),
        coping=rng.lognormal(-0.5 * params.coping_sd**2, params.coping_sd, n_units),
        person_id=np.arange(first_person_id, first_person_id + n_units),
        tenure_weeks=rng.exponential(5.0 * 52.0, n_units),
        interim_until=np.full(n_units, -np.inf),
        delivered=np.zeros(n_units),
        time_factor=np.ones(n_units),
    )


@compiled
def supervisor_pass(
    exhaustion: np.ndarray,
    coping: np.ndarray,
    tenure_weeks: np.ndarray,
    unit_sums: np.ndarray,
    unit_posts: np.ndarray,
    intensity: np.ndarray,
    admin_share: np.ndarray,
    exhaustion_rate: float,
    recovery_rate: float,
    normal: np.ndarray,
    uniform: np.ndarray,
    leaving: np.ndarray,
) -> int:
    """Advance each supervisor's exhaustion one week; mark who leaves; return how many.

    Exhaustion follows the workers' stock form and weekly noise (Homer 1985,
    sim.wellbeing.next_exhaustion). Strain grows with span of control,
    administration, the unit's workload, its staff's mean exhaustion and its vacancies
    (assumptions; seed 003 takeaways 1 and 7: leaders share the critical fatigue of their staff,
    their time is consumed by administration). Supervisors quit at 5 % a year plus 40 % x
    exhaustion squared (assumption: burned-out managers leave more).
    ``unit_sums`` rows (sim.layout.UNIT_SUMS) give the unit's headcount and summed exhaustion.
    """
    n_leaving = 0
    for u in range(exhaustion.size):
        span = unit_sums[S_HEADCOUNT, u]
        staff_exhaustion = unit_sums[S_EXHAUSTION_SUM, u] / max(span, 1.0)
        vacancy_rate = 1.0 - span / unit_posts[u]
        strain = (
            0.45 * np.sqrt(span / REFERENCE_SPAN) * (0.6 + admin_share[u]) * max(intensity[u], 0.5)
            + 0.3 * staff_exhaustion
            + 0.5 * vacancy_rate
        )
        # sim.wellbeing.next_exhaustion with recovery capacity = coping and no burnout slowdown.
        # Kept inline: the worker function adds the terms as (E + growth) - drain, this one as
        # E + (growth - drain); calling it moves 5 % of supervisors' values by one bit, and with
        # them every later draw. Merge when results may change (tests/sim/test_formulas.py
        # checks the two agree to rounding).
        e = exhaustion[u]
        e += exhaustion_rate * strain * (1.0 - e) - recovery_rate * coping[u] * e
        e = min(max(e + EXHAUSTION_NOISE_SD * normal[u], 0.0), 1.0)
        exhaustion[u] = e
        tenure_weeks[u] += 1.0
        annual = 0.05 + 0.40 * e * e
        # 1 - (1 - annual)^(1/52) <= annual / (1 - annual) / 52: the exact chance (a logarithm
        # and an exponential) only for draws below that bound (the same supervisors leave).
        bound = annual / (1.0 - annual) * (1.0 / 52.0) * (1.0 + 1e-6) + 1e-15
        leaving[u] = uniform[u] < bound and uniform[u] < -np.expm1(np.log1p(-annual) / 52.0)
        n_leaving += leaving[u]
    return n_leaving


def replace_supervisors(
    sup: SupervisorState,
    units: np.ndarray,
    week: int,
    params: ModelParameters,
    rng: np.random.Generator,
    next_person_id: int,
) -> None:
    """Replace the supervisors of ``units`` who left.

    The new supervisor's score is drawn from the population of leaders; an acting lead with half
    the time covers the post for ``supervisor_time_to_fill_weeks`` (assumption).
    """
    sup.score[units] = draw_leadership_scores(
        rng, units.size, params.leadership_mean, params.leadership_sd, params.leadership_score
    )
    sup.exhaustion[units] = rng.uniform(0.1, 0.3, units.size)
    sup.coping[units] = rng.lognormal(-0.5 * params.coping_sd**2, params.coping_sd, units.size)
    sup.person_id[units] = np.arange(next_person_id, next_person_id + units.size)
    sup.tenure_weeks[units] = 0.0
    sup.interim_until[units] = week + params.supervisor_time_to_fill_weeks
