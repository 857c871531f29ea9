"""The vacancy pass skips blocks of posts with nothing to do, and lists its accepted offers."""

import numpy as np

import sim.model
from sim.layout import F_VACANCY_DUE, R_VACANCY_EVENT_WEEK
from sim.model import WorkforceModel
from sim.recruitment import vacancy_pass
from sim.state import FILLED, OFFER_ACCEPTED


def _pass_inputs(monkeypatch, weeks: int) -> tuple[list, tuple]:
    """The arguments of the vacancy pass in week ``weeks`` of a small model (before it runs)."""
    seen: list = []

    def record(*args):
        seen.append([a.copy() if isinstance(a, np.ndarray) else a for a in args])
        return vacancy_pass(*args)

    monkeypatch.setattr(sim.model, "vacancy_pass", record)
    model = WorkforceModel(
        rng=5, burn_in_weeks=0, collect_data=False, n_workers=1203
    )  # not a multiple of eight: a partial block
    model.run_for(weeks)
    return seen[-1], vacancy_pass(*[a.copy() if isinstance(a, np.ndarray) else a for a in seen[-1]])


def test_skipping_blocks_changes_nothing(monkeypatch) -> None:
    """With every post flagged due (no block skipped) the pass writes exactly the same."""
    args, counts = _pass_inputs(monkeypatch, 30)
    flags = args[1]
    assert 0 < flags[F_VACANCY_DUE].sum() < flags.shape[1]  # some due, most not: blocks skipped
    skipped = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    visited = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    visited[1][F_VACANCY_DUE] = True
    assert vacancy_pass(*skipped) == vacancy_pass(*visited) == counts
    for i, (a, b) in enumerate(zip(skipped, visited, strict=True)):
        if isinstance(a, np.ndarray) and i != 1:
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        np.delete(skipped[1], F_VACANCY_DUE, 0), np.delete(visited[1], F_VACANCY_DUE, 0)
    )


def test_due_flags_mark_the_open_posts_the_pass_acts_on(monkeypatch) -> None:
    """The staffing pass flags exactly the open posts whose search or onboarding ends now."""
    args, _ = _pass_inputs(monkeypatch, 30)
    real, flags, phase, week = args[0], args[1], args[2], args[9]
    acts = (phase != FILLED) & ~(real[R_VACANCY_EVENT_WEEK] > week)
    np.testing.assert_array_equal(flags[F_VACANCY_DUE], acts)


def test_accepted_offers_are_listed_in_post_order(monkeypatch) -> None:
    """``accepted`` lists the posts whose search ended in an offer this week, in post order."""
    args, (_, n_filled, _) = _pass_inputs(monkeypatch, 40)
    out = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    vacancy_pass(*out)
    phase, real, week, onboarding = out[2], out[0], out[9], out[12]
    new_offers = np.flatnonzero(
        (phase == OFFER_ACCEPTED) & (real[R_VACANCY_EVENT_WEEK] == week + onboarding)
    )
    assert n_filled == new_offers.size > 0
    np.testing.assert_array_equal(out[-1][:n_filled], new_offers)
