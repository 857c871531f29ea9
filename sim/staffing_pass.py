"""Stage 2 of the weekly step, compiled: who is absent, and each unit's staff hours.

The pass runs whole (small models) or in chunks of whole units on threads (sim.jit); the open
posts' wage-hours are added in post order afterwards, so the result does not depend on the
number of threads. Draws are counter-based (sim.random_streams), slot ``SLOT_ABSENCE`` of the
week's key (the worker pass, sim.weekly_pass, uses the other slots).
"""

from typing import Any

import numpy as np

from sim.jit import compiled, compiled_in_order, in_chunks
from sim.layout import (
    F_ABSENT,
    F_FILLED,
    F_VACANCY_DUE,
    R_ABSENCE_WEEKS,
    R_CONTRACTED_HOURS,
    R_EXHAUSTION,
    R_TENURE_WEEKS,
    R_VACANCY_EVENT_WEEK,
    S_EXHAUSTION_SUM,
    S_HEADCOUNT,
    S_OPEN_HOURS,
    S_PRESENT,
    S_STAFF_HOURS,
)
from sim.random_streams import uniform
from sim.workload import absence_bound, absence_probability, productivity

SLOT_ABSENCE = 0
"""Slot of each post's absence draw in the week's counter-based stream."""


def staffing_pass(chunks: np.ndarray, *args: Any) -> float:
    """Stage 2: draw absences and add up each unit's staff hours; return vacant wage-hours.

    ``args``: real, flags, unit, role, clinical share of each unit, wage of each role, sick leave
    rate, ramp-up weeks, the week's key, the week, ``unit_sums`` (:func:`_staffing_chunk`).
    Each chunk (whole units, sim.jit.post_chunks) runs on its own, on threads when there are
    several; the open posts' wage-hours are added in post order afterwards, as one serial loop
    would.
    """
    if chunks.size == 2:
        return _staffing_whole(chunks, *args)  # one compiled call for small models
    real, flags, unit, role, clinical_share, role_wage = args[:6]
    open_posts = np.empty(unit.size, dtype=np.int64)  # listed chunk by chunk
    n_open = np.zeros(chunks.size - 1, dtype=np.int64)

    def chunk(ch: int) -> None:
        a, b = chunks[ch], chunks[ch + 1]
        n_open[ch] = _staffing_chunk(a, b, real, flags, unit, clinical_share, *args[6:], open_posts)

    for _ in in_chunks(chunk, chunks.size - 1):
        pass
    return _open_wage_hours(chunks, n_open, open_posts, real, unit, role, clinical_share, role_wage)


@compiled
def _staffing_whole(chunks: np.ndarray, *args: Any) -> float:
    """:func:`staffing_pass` over one chunk, all posts, in one call."""
    real, flags, unit, role, clinical_share, role_wage, sick, ramp, key, week, unit_sums = args
    open_posts = np.empty(unit.size, dtype=np.int64)
    n_open = np.zeros(1, dtype=np.int64)
    posts = (0, unit.size, real, flags, unit, clinical_share)
    n_open[0] = _staffing_chunk(*posts, sick, ramp, key, week, unit_sums, open_posts)
    return _open_wage_hours(chunks, n_open, open_posts, real, unit, role, clinical_share, role_wage)


@compiled
def _staffing_chunk(
    first: int,
    end: int,
    real: np.ndarray,
    flags: np.ndarray,
    unit: np.ndarray,
    clinical_share: np.ndarray,
    sick_leave_rate: float,
    ramp_up_weeks: float,
    key: np.uint64,
    week: float,
    unit_sums: np.ndarray,
    open_posts: np.ndarray,
) -> int:
    """Stage 2 for posts ``first`` to ``end`` (whole units); return how many posts are open.

    ``unit_sums`` rows (zeroed by the caller): staff clinical hours, clinical hours of vacant
    posts and of posts on long-term sick leave (both open to agency cover), staff present,
    headcount, sum of exhaustion. The open posts are listed in ``open_posts`` from ``first``.
    Open posts whose search or onboarding ends this ``week`` are flagged ``vacancy_due`` (as
    sim.recruitment.vacancy_pass decides it), so that the vacancy pass can skip the others.
    """
    k = first
    # The current unit's sums, kept in registers (posts are laid out unit by unit) and added to
    # ``unit_sums`` when the unit ends: the same additions in the same order.
    current = -1
    staff = open_hours = present = headcount = exhaustion_sum = 0.0
    for i in range(first, end):
        u = unit[i]
        if u != current:
            if current >= 0:
                _add_unit(unit_sums, current, staff, open_hours, present, headcount, exhaustion_sum)
            current = u
            staff = open_hours = present = headcount = exhaustion_sum = 0.0
        clinical = real[R_CONTRACTED_HOURS, i] * clinical_share[u]
        if not flags[F_FILLED, i]:
            flags[F_ABSENT, i] = False
            flags[F_VACANCY_DUE, i] = not real[R_VACANCY_EVENT_WEEK, i] > week
            open_hours += clinical
            open_posts[k] = i
            k += 1
            continue
        flags[F_VACANCY_DUE, i] = False
        headcount += 1.0
        exhaustion_sum += real[R_EXHAUSTION, i]
        if real[R_ABSENCE_WEEKS, i] > 0.0:
            # Long-term sick leave: off the roster; agency may cover the post as if vacant.
            flags[F_ABSENT, i] = True
            open_hours += clinical
            open_posts[k] = i
            k += 1
            continue
        # The exact chance (an exponential) only when the draw is below a cheap bound of it.
        draw = uniform(key, i, SLOT_ABSENCE)
        exhaustion = real[R_EXHAUSTION, i]
        off = draw < absence_bound(sick_leave_rate, exhaustion) and draw < absence_probability(
            sick_leave_rate, exhaustion
        )
        flags[F_ABSENT, i] = off
        if not off:
            present += 1.0
            staff += clinical * productivity(real[R_TENURE_WEEKS, i], ramp_up_weeks)
    if current >= 0:
        _add_unit(unit_sums, current, staff, open_hours, present, headcount, exhaustion_sum)
    return k - first


@compiled
def _add_unit(
    unit_sums: np.ndarray,
    u: int,
    staff: float,
    open_hours: float,
    present: float,
    headcount: float,
    exhaustion_sum: float,
) -> None:
    """Add one unit's sums of the staffing pass to its column of ``unit_sums``."""
    unit_sums[S_STAFF_HOURS, u] += staff
    unit_sums[S_OPEN_HOURS, u] += open_hours
    unit_sums[S_PRESENT, u] += present
    unit_sums[S_HEADCOUNT, u] += headcount
    unit_sums[S_EXHAUSTION_SUM, u] += exhaustion_sum


@compiled_in_order
def _open_wage_hours(
    chunks: np.ndarray,
    n_open: np.ndarray,
    open_posts: np.ndarray,
    real: np.ndarray,
    unit: np.ndarray,
    role: np.ndarray,
    clinical_share: np.ndarray,
    role_wage: np.ndarray,
) -> float:
    """Wage-hours of the open posts each chunk listed, added in post order."""
    vacant_wage_hours = 0.0
    for ch in range(chunks.size - 1):
        for k in range(chunks[ch], chunks[ch] + n_open[ch]):
            i = open_posts[k]
            clinical = real[R_CONTRACTED_HOURS, i] * clinical_share[unit[i]]
            vacant_wage_hours += clinical * role_wage[role[i]]
    return vacant_wage_hours
