"""Unit leaders act within the mandate and the budget the executive gives them."""

import numpy as np
import pytest

from sim.interventions import build
from tests.interventions.intervention_helpers import small_model


def test_a_mandate_for_half_the_units_limits_delivery_to_those_units():
    (full,) = build("recognition")
    (half,) = build("recognition", mandate_share=0.5)
    model_full, model_half = small_model([full]), small_model([half])
    model_full.run_for(4)
    model_half.run_for(4)
    n_units = model_half.n_units
    assert half.eligible_units.sum() == round(0.5 * n_units) and full.eligible_units.all()
    units_reached = np.unique(model_half.workers.unit[half.participants])
    assert set(units_reached) <= set(np.flatnonzero(half.eligible_units))
    assert half.participants.sum() < full.participants.sum()
    (none,) = build("recognition", mandate_share=0.0)
    model_none = small_model([none])
    model_none.run_for(4)
    assert not none.participants.any() and none.total_cost == 0.0


def test_the_same_share_gives_the_same_units_and_leaves_other_draws_alone():
    (a,) = build("codesign", mandate_share=0.4)
    (b,) = build("codesign", mandate_share=0.4)
    small_model([a]), small_model([b])
    assert np.array_equal(a.eligible_units, b.eligible_units)


def test_a_spent_budget_pauses_delivery_until_the_next_year():
    """A budget of 5 weeks' running cost: delivery stops in week 5 and starts again in week 52."""
    (limited,) = build(
        "recognition",
        fixed_cost=0.0,
        cost_per_participant=0.0,
        cost_per_week=1000.0,
        yearly_budget=5000.0,
    )
    model = small_model([limited])
    delivering = []
    for _ in range(60):
        model.step()
        delivering.append(bool(limited.delivering.any()))
    assert delivering[:5] == [True] * 5 and not any(delivering[5:52])
    assert delivering[52]  # a new budget year
    spent_first_year = sum(limited.cost_log[:52])
    assert spent_first_year == pytest.approx(5000.0)


@pytest.mark.parametrize(("key", "value"), [("mandate_share", 1.5), ("yearly_budget", -1.0)])
def test_bad_mandate_or_budget_names_the_setting(key, value):
    with pytest.raises(ValueError, match=key):
        build("recognition", **{key: value})
