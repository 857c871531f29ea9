import numpy as np
import pytest
from intervention_helpers import apply_once, small_model

from sim.interventions import build


def test_decay_follows_half_life():
    """After one week of delivery the effect halves every half-life."""
    (course,) = build(
        "resilience_training",
        duration_weeks=1,
        onset_weeks=0,
        half_life_weeks=4.0,
        uptake=1.0,
        fidelity=1.0,
        workload_sensitivity=0.0,
    )
    model = small_model([course])
    ids = model.workers.person_id.copy()
    model.run_for(9)  # applied at weeks 0..8: delivered at week 0, decayed 8 times
    stayed = course.enrolled & (model.workers.person_id == ids)
    assert stayed.any()
    np.testing.assert_allclose(course.effect[stayed], 0.5 ** (8 / 4))
    np.testing.assert_allclose(model.modifiers.coping[stayed], 1 + course.strength * 0.25)


def test_onset_and_reinforcement():
    """The effect builds over the onset, decays between sessions and is restored at each."""
    (course,) = build(
        "mindfulness",
        onset_weeks=2,
        reinforce_every_weeks=4,
        half_life_weeks=4.0,
        uptake=1.0,
        fidelity=0.8,
        workload_sensitivity=0.0,
        drift_floor=1.0,
    )
    model = small_model([course])
    levels = []
    for _ in range(7):
        apply_once(model)
        levels.append(course.effect[course.enrolled][0])
    d = 0.5**0.25
    expected = [0.4, 0.8, 0.8 * d, 0.8 * d**2, 0.8 * d**3, 0.8, 0.8 * d]
    np.testing.assert_allclose(levels, expected)


def test_sustained_and_duration_window():
    """Delivery starts at start_week and stops after duration_weeks."""
    (rec,) = build("recognition", start_week=2, duration_weeks=3, onset_weeks=0)
    model = small_model([rec])
    delivering = []
    for _ in range(7):
        model.step()
        delivering.append(bool(rec.delivering.any()))
    assert delivering == [False, False, True, True, True, False, False]
    assert rec.sustained is False and build("recognition")[0].sustained is True


def set_prevalence(model, share: float, units=None) -> None:
    s = model.workers
    s.burned_out[:] = False
    for u in range(model.n_units) if units is None else units:
        posts = np.flatnonzero(s.filled & (s.unit == u))
        s.burned_out[posts[: int(round(share * posts.size))]] = True


def test_crisis_mode_switches_at_thresholds():
    """Organization-wide crisis delivery starts at crisis_on and stops below crisis_off."""
    (rec,) = build(
        "recognition",
        mode="crisis",
        crisis_scope="organization",
        crisis_on=0.5,
        crisis_off=0.3,
        onset_weeks=0,
    )
    model = small_model([rec])
    states = []
    for share in (0.2, 0.4, 0.55, 0.4, 0.35, 0.25, 0.4, 0.6):
        set_prevalence(model, share)
        apply_once(model)
        states.append(bool(rec.crisis_active[0]))
    assert states == [False, False, True, True, True, False, False, True]
    assert rec.delivering.all()


def test_crisis_mode_per_unit():
    """Per-unit crisis delivery reaches only the units past the threshold."""
    (red,) = build("workload_redesign", mode="crisis", crisis_on=0.5, crisis_off=0.3)
    model = small_model([red])
    set_prevalence(model, 0.1)
    set_prevalence_units = [0, 2]
    s = model.workers
    for u in set_prevalence_units:
        posts = np.flatnonzero(s.filled & (s.unit == u))
        s.burned_out[posts] = True
    apply_once(model)
    assert np.flatnonzero(red.crisis_active).tolist() == set_prevalence_units
    assert set(np.unique(s.unit[red.participants])) == set(set_prevalence_units)


@pytest.mark.parametrize("weeks", [1, 5])
def test_costs_add_up(weeks):
    """Fixed + per participant + per week; the ledger holds the sum of all interventions."""
    (rec,) = build("recognition", fixed_cost=1000.0, cost_per_participant=100.0, cost_per_week=10.0)
    (staff,) = build("safe_staffing", onset_weeks=0)
    model = small_model([rec, staff])
    model.run_for(weeks)
    assert rec.total_cost == pytest.approx(1000 + 100 * model.n_units + 10 * weeks)
    assert model.ledger.interventions == pytest.approx(rec.total_cost + staff.total_cost)
    assert len(staff.cost_log) == weeks and staff.total_cost > staff.fixed_cost


def test_retention_pay_is_short_lived():
    """One payment: the quit hazard drops at once and recovers with the half-life."""
    (pay,) = build("retention_pay", half_life_weeks=13.0, drift_floor=1.0)
    model = small_model([pay])
    ids = model.workers.person_id.copy()
    cost0 = apply_once(model)
    assert cost0 == pytest.approx(5000.0 * pay.enrolled.sum())
    model.run_for(26)  # applied again at week 0 (paid), then decayed at weeks 1..25
    stayed = pay.enrolled & (model.workers.person_id == ids)
    expected = 1 - 0.3 * 0.5 ** (25 / 13)
    np.testing.assert_allclose(model.modifiers.quit_hazard[stayed], expected, rtol=1e-9)
    assert pay.total_cost == pytest.approx(cost0)  # paid once


def test_fidelity_drifts_down_under_sustained_delivery():
    """Sustained delivery keeps less and less of its first effect, down toward the floor."""
    (course,) = build(
        "resilience_training",
        onset_weeks=1,
        reinforce_every_weeks=None,
        uptake=1.0,
        fidelity=1.0,
        workload_sensitivity=0.0,
        drift_floor=0.5,
        drift_half_life_weeks=10.0,
    )
    model = small_model([course])
    levels = []
    for _ in range(41):
        apply_once(model)
        levels.append(course.effect[course.enrolled][0])
    assert levels[0] == pytest.approx(1.0)
    assert levels[10] == pytest.approx(0.75)  # half of the drift after one half-life
    assert levels[40] == pytest.approx(0.5 + 0.5 * 0.5**4)
    assert np.all(np.diff(levels) <= 1e-12)
