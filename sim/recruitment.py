"""Vacancies and hiring (stages 6-7 of the weekly step), compiled with numba."""

from typing import Any

import numpy as np

from sim.jit import compiled, in_chunks
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
def vacancy_range(
    first: int,
    end: int,
    out_first: int,
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
    first_row: int,
) -> tuple[int, int, int]:
    """Log the leavers among posts ``first`` to ``end``, open their posts, move vacancies along.

    Returns (new hires starting, searches ending in an accepted offer, leavers) of those posts.

    Each leaver is written to ``departures`` (rows ``sim.turnover.DEPARTURE_COLUMNS``, from row
    ``first_row``) and counted in ``leavers_by_role`` and ``unit_leavers``; the post is
    cleared and a search starts. A search ends after its drawn duration (mean
    ``time_to_fill_days``; NSI 2021-2024: 83-95 days to fill an RN post) in an accepted offer with
    ``search_success_prob``, else the post is reposted (assumption: failed searches are why
    vacancies outlast one search). The new hire starts ``onboarding_weeks`` after accepting:
    those posts are written to ``starting``. Days to fill (posting to acceptance, as the NSI
    counts them) are written to ``fill_days``.

    Posts starting and days to fill are written from index ``out_first`` of ``starting`` and
    ``fill_days``.
    """
    n_start = out_first
    n_filled = out_first
    n_leavers = 0
    row = first_row
    for i in range(first, end):
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
                mean_search_weeks, uniform(key, i, _SLOT_SEARCH), uniform(key, i, _SLOT_SEARCH + 1)
            )
            continue
        if phase[i] == FILLED or real[R_VACANCY_EVENT_WEEK, i] > week:
            continue
        if phase[i] == OFFER_ACCEPTED:
            starting[n_start] = i
            n_start += 1
        elif uniform(key, i, _SLOT_OFFER) < success_prob:
            fill_days[n_filled] = (week - real[R_SEARCH_STARTED_WEEK, i]) * 7.0
            n_filled += 1
            phase[i] = OFFER_ACCEPTED
            real[R_VACANCY_EVENT_WEEK, i] = week + onboarding_weeks
        else:
            real[R_SEARCH_STARTED_WEEK, i] = week
            real[R_VACANCY_EVENT_WEEK, i] = week + search_weeks(
                mean_search_weeks, uniform(key, i, _SLOT_SEARCH), uniform(key, i, _SLOT_SEARCH + 1)
            )
    return n_start - out_first, n_filled - out_first, n_leavers


def vacancy_pass(chunks: np.ndarray, *args: Any) -> tuple[int, int, int]:
    """Stages 6-7 for every post: :func:`vacancy_range` over ``chunks`` of whole units.

    ``args``: those of :func:`vacancy_range` from ``real`` to ``departures``, then
    ``n_departures`` (the log's row count, moved on). Several chunks run on threads (sim.jit).

    A first pass counts each chunk's leavers and the open posts that may start or fill; each
    chunk then writes its leavers to their final rows of ``departures`` and its posts starting
    and days to fill from the room the chunks before it may take (dense: scattered writes into
    the large lists would touch a 2 MB page of memory each), counting its leavers by role in its
    own row. The lists are then moved up chunk by chunk, in post order, so that everything comes
    out as one serial pass writes it.
    """
    *per_post, starting, fill_days, leavers_by_role, unit_leavers, departures, n_departures = args
    if chunks.size <= 2:
        lists = (starting, fill_days, leavers_by_role, unit_leavers, departures, n_departures[0])
        counts = vacancy_range(0, chunks[-1], 0, *per_post, *lists)
        n_departures[0] += counts[2]
        return counts
    phase, leaving = per_post[2], per_post[6]
    n_chunks = chunks.size - 1
    sizes = np.zeros((n_chunks, 2), dtype=np.int64)  # leavers, other open posts

    def size(ch: int) -> None:
        sizes[ch] = _chunk_sizes(chunks[ch], chunks[ch + 1], phase, leaving)

    for _ in in_chunks(size, n_chunks):
        pass
    room = np.zeros((n_chunks, 2), dtype=np.int64)  # where each chunk's lists begin
    np.cumsum(sizes[:-1], axis=0, out=room[1:])
    room[:, 0] += int(n_departures[0])
    counts = np.zeros((n_chunks, 3), dtype=np.int64)
    by_role = np.zeros((n_chunks, leavers_by_role.size), dtype=leavers_by_role.dtype)

    def chunk(ch: int) -> None:
        a, b = int(chunks[ch]), int(chunks[ch + 1])
        lists = (starting, fill_days, by_role[ch], unit_leavers, departures, int(room[ch, 0]))
        counts[ch] = vacancy_range(a, b, int(room[ch, 1]), *per_post, *lists)

    for _ in in_chunks(chunk, n_chunks):
        pass
    leavers_by_role += by_role.sum(axis=0)
    totals = _move_up(room[:, 1], counts, starting, fill_days)
    n_departures[0] += totals[2]
    return totals[0], totals[1], totals[2]


@compiled
def _chunk_sizes(first: int, end: int, phase: np.ndarray, leaving: np.ndarray) -> tuple[int, int]:
    """Leavers among posts ``first`` to ``end``, and other open posts (which may start or fill)."""
    n_leaving = n_open = 0
    for i in range(first, end):
        n_leaving += leaving[i]
        n_open += (not leaving[i]) and phase[i] != FILLED
    return n_leaving, n_open


@compiled
def _move_up(
    room: np.ndarray, counts: np.ndarray, starting: np.ndarray, fill_days: np.ndarray
) -> tuple[int, int, int]:
    """Move each chunk's lists (written from ``room``) up to follow the chunk before's."""
    n_start = n_filled = n_leavers = 0
    for ch in range(room.size):
        a = room[ch]
        for k in range(counts[ch, 0]):
            starting[n_start + k] = starting[a + k]
        for k in range(counts[ch, 1]):
            fill_days[n_filled + k] = fill_days[a + k]
        n_start += counts[ch, 0]
        n_filled += counts[ch, 1]
        n_leavers += counts[ch, 2]
    return n_start, n_filled, n_leavers
