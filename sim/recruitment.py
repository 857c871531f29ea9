"""Vacancies and hiring (stage 7 of the weekly step)."""

import numpy as np

from sim.state import FILLED, OFFER_ACCEPTED, SEARCHING, WorkerState

# Assumption: search durations are gamma-distributed with shape 2 (most searches near the mean,
# some much longer).
SEARCH_DURATION_SHAPE = 2.0


def _start_searches(
    state: WorkerState, posts: np.ndarray, week: int, mean_weeks: float, rng: np.random.Generator
) -> None:
    """Post (or repost) ``posts`` now, each search with a drawn duration."""
    state.vacancy_phase[posts] = SEARCHING
    state.search_started_week[posts] = week
    # Searches are checked once a week, which adds half a week on average: draw half a week less.
    mean = max(mean_weeks - 0.5, 0.1)
    state.vacancy_event_week[posts] = week + rng.gamma(
        SEARCH_DURATION_SHAPE, mean / SEARCH_DURATION_SHAPE, posts.size
    )


def open_vacancies(
    state: WorkerState,
    posts: np.ndarray,
    week: int,
    mean_search_weeks: float,
    rng: np.random.Generator,
) -> None:
    """Clear the leavers' posts and start a search for each."""
    s = state
    s.filled[posts] = False
    s.burned_out[posts] = False
    s.absent[posts] = False
    s.person_id[posts] = -1
    _start_searches(s, posts, week, mean_search_weeks, rng)


def advance_searches(
    state: WorkerState,
    week: int,
    mean_search_weeks: float,
    success_prob: float,
    onboarding_weeks: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Move vacancies along; return the posts whose new hires start now, and fill times (days).

    A search ends after its drawn duration (mean ``time_to_fill_days``; NSI 2021-2024: 83-95
    days to fill an RN post). It ends in an accepted offer with ``search_success_prob``, else the
    post is reposted (assumption: failed searches are why vacancies outlast one search). The new
    hire starts ``onboarding_weeks`` after accepting. Days to fill are reported per successful
    search, from its posting to acceptance, as the NSI reports count them.
    """
    s = state
    open_posts = np.flatnonzero(s.vacancy_phase != FILLED)
    due = open_posts[s.vacancy_event_week[open_posts] <= week]
    phase = s.vacancy_phase[due]
    searching = due[phase == SEARCHING]
    starting = due[phase == OFFER_ACCEPTED]
    success = rng.random(searching.size) < success_prob
    accepted = searching[success]
    fill_days = (week - s.search_started_week[accepted]) * 7.0
    s.vacancy_phase[accepted] = OFFER_ACCEPTED
    s.vacancy_event_week[accepted] = week + onboarding_weeks
    _start_searches(s, searching[~success], week, mean_search_weeks, rng)
    return starting, fill_days
