"""Supervisors are people too: their exhaustion, departures and replacement (stage 8)."""

import numpy as np

from sim.parameters import ModelParameters
from sim.state import SupervisorState, draw_leadership_scores

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


def update_supervisors(
    sup: SupervisorState,
    span: np.ndarray,
    intensity: np.ndarray,
    unit_exhaustion: np.ndarray,
    vacancy_rate: np.ndarray,
    admin_share: np.ndarray,
    params: ModelParameters,
    rng: np.random.Generator,
) -> None:
    """Advance each supervisor's exhaustion one week (same stock form as workers, Homer 1985).

    Strain grows with span of control, administration, the unit's workload, its staff's
    exhaustion and its vacancies (assumptions; seed 003 takeaways 1 and 7: leaders share the
    critical fatigue of their staff, their time is consumed by administration).
    """
    strain = (
        0.45 * np.sqrt(span / REFERENCE_SPAN) * (0.6 + admin_share) * np.maximum(intensity, 0.5)
        + 0.3 * unit_exhaustion
        + 0.5 * vacancy_rate
    )
    e = sup.exhaustion
    e += params.exhaustion_rate * strain * (1.0 - e) - params.recovery_rate * sup.coping * e
    e += 0.015 * rng.standard_normal(e.size)
    np.clip(e, 0.0, 1.0, out=e)
    sup.tenure_weeks += 1.0


def replace_departing_supervisors(
    sup: SupervisorState,
    week: int,
    params: ModelParameters,
    rng: np.random.Generator,
    next_person_id: int,
) -> np.ndarray:
    """Supervisors quit (yearly 5 % + 40 % x exhaustion squared, assumption); return the units.

    A leaver is replaced by a new supervisor whose score is drawn from the population; an acting
    lead with half the time covers the post for ``supervisor_time_to_fill_weeks``.
    """
    q = 0.05 + 0.40 * sup.exhaustion**2
    p = -np.expm1(np.log1p(-q) / 52.0)
    units = np.flatnonzero(rng.random(sup.score.size) < p)
    if units.size:
        sup.score[units] = draw_leadership_scores(
            rng, units.size, params.leadership_mean, params.leadership_sd, params.leadership_score
        )
        sup.exhaustion[units] = rng.uniform(0.1, 0.3, units.size)
        sup.coping[units] = rng.lognormal(-0.5 * params.coping_sd**2, params.coping_sd, units.size)
        sup.person_id[units] = np.arange(next_person_id, next_person_id + units.size)
        sup.tenure_weeks[units] = 0.0
        sup.interim_until[units] = week + params.supervisor_time_to_fill_weeks
    return units
