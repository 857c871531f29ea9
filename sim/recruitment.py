"""Vacancies and hiring (stages 6-7 of the weekly step), compiled with numba."""

import numpy as np

from sim.jit import compiled
from sim.layout import (
    D_BURNED_OUT,
    D_LEFT_PROFESSION,
    D_PERSON_ID,
    D_REASON,
    D_ROLE,
    D_UNIT,
    D_WEEK,
    F_ABSENT,
    F_BURNED_OUT,
    F_FILLED,
    F_VACANCY_DUE,
    R_SEARCH_STARTED_WEEK,
    R_VACANCY_EVENT_WEEK,
)
from sim.random_streams import uniform
from sim.state import FILLED, OFFER_ACCEPTED, SEARCHING
from sim.turnover import leaves_profession

# Assumption: search durations are gamma-distributed with shape 2 (most searches near the mean,
# some much longer).
SEARCH_DURATION_SHAPE = 2
# Slots of each post's weekly counter-based draws used here (sim.random_streams; the worker pass
# uses slots 0-8).
_SLOT_PROFESSION, _SLOT_OFFER, _SLOT_SEARCH = 10, 11, 12


@compiled
def search_weeks(mean_weeks: float, u1: float, u2: float) -> float:
    """Length of one search: Gamma(shape 2, mean) from two uniforms (sum of two exponentials).

    Searches are checked once a week, which adds half a week on average, so the draw has a mean
    half a week shorter than ``mean_weeks``.
    """
    mean = max(mean_weeks - 0.5, 0.1)
    return -(mean / SEARCH_DURATION_SHAPE) * (np.log1p(-u1) + np.log1p(-u2))


@compiled
def vacancy_pass(
    real: np.ndarray,
    flags: np.ndarray,
    phase: np.ndarray,
    person_id: np.ndarray,
    role: np.ndarray,
    unit: np.ndarray,
    leaving: np.ndarray,
    reasons: np.ndarray,
    key: np.uint64,
    week: int,
    mean_search_weeks: float,
    success_prob: float,
    onboarding_weeks: float,
    starting: np.ndarray,
    fill_days: np.ndarray,
    leavers_by_role: np.ndarray,
    unit_leavers: np.ndarray,
    departures: np.ndarray,
    n_departures: np.ndarray,
    accepted: np.ndarray,
) -> tuple[int, int, int]:
    """Log the week's leavers and open their posts; move every vacancy along.

    Returns (new hires starting, searches ending in an accepted offer, leavers).

    Each leaver is written to ``departures`` (rows ``sim.turnover.DEPARTURE_COLUMNS``, from row
    ``n_departures[0]``) and counted in ``leavers_by_role`` and ``unit_leavers``; the post is
    cleared and a search starts. A search ends after its drawn duration (mean
    ``time_to_fill_days``; NSI 2021-2024: 83-95 days to fill an RN post) in an accepted offer with
    ``search_success_prob``, else the post is reposted (assumption: failed searches are why
    vacancies outlast one search). The new hire starts ``onboarding_weeks`` after accepting:
    those posts are written to ``starting``. The posts whose search ended in an accepted offer
    are written to ``accepted`` and their days to fill (posting to acceptance, as the NSI counts
    them) to ``fill_days``, both in post order.

    Posts are visited in blocks of eight: a block where nobody leaves and no open post is due
    (the flag ``vacancy_due`` that the week's staffing pass set, sim.staffing_pass, for exactly
    the open posts this pass acts on) has nothing to do and is skipped, one 64-bit word of each
    flag at a time, so the pass reads little more than its leavers and due vacancies.
    """
    n_start = 0
    n_filled = 0
    n_leavers = 0
    row = n_departures[0]
    n_words = phase.size // 8
    leaving_words = leaving[: n_words * 8].view(np.uint64)
    due_words = flags[F_VACANCY_DUE, : n_words * 8].view(np.uint64)
    for block in range(n_words + 1):
        if block < n_words and (leaving_words[block] | due_words[block]) == 0:
            continue
        for i in range(block * 8, min(block * 8 + 8, phase.size)):
            if leaving[i]:
                burned = flags[F_BURNED_OUT, i]
                departures[D_WEEK, row] = week
                departures[D_PERSON_ID, row] = person_id[i]
                departures[D_ROLE, row] = role[i]
                departures[D_UNIT, row] = unit[i]
                departures[D_REASON, row] = reasons[i]
                departures[D_BURNED_OUT, row] = burned
                departures[D_LEFT_PROFESSION, row] = leaves_profession(
                    reasons[i], burned, uniform(key, i, _SLOT_PROFESSION)
                )
                row += 1
                n_leavers += 1
                leavers_by_role[role[i]] += 1
                unit_leavers[unit[i]] += 1.0
                flags[F_FILLED, i] = False
                flags[F_BURNED_OUT, i] = False
                flags[F_ABSENT, i] = False
                person_id[i] = -1
                phase[i] = SEARCHING
                real[R_SEARCH_STARTED_WEEK, i] = week
                real[R_VACANCY_EVENT_WEEK, i] = week + search_weeks(
                    mean_search_weeks,
                    uniform(key, i, _SLOT_SEARCH),
                    uniform(key, i, _SLOT_SEARCH + 1),
                )
                continue
            if phase[i] == FILLED or real[R_VACANCY_EVENT_WEEK, i] > week:
                continue
            if phase[i] == OFFER_ACCEPTED:
                starting[n_start] = i
                n_start += 1
            elif uniform(key, i, _SLOT_OFFER) < success_prob:
                fill_days[n_filled] = (week - real[R_SEARCH_STARTED_WEEK, i]) * 7.0
                accepted[n_filled] = i
                n_filled += 1
                phase[i] = OFFER_ACCEPTED
                real[R_VACANCY_EVENT_WEEK, i] = week + onboarding_weeks
            else:
                real[R_SEARCH_STARTED_WEEK, i] = week
                real[R_VACANCY_EVENT_WEEK, i] = week + search_weeks(
                    mean_search_weeks,
                    uniform(key, i, _SLOT_SEARCH),
                    uniform(key, i, _SLOT_SEARCH + 1),
                )
    n_departures[0] = row
    return n_start, n_filled, n_leavers
