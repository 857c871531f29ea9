"""Each formula lives in one place: the helpers and their users agree with the written equation.

These compare the refactored functions against a direct evaluation of the documented formula
(not stored outputs, which move with numba and numpy versions).
"""

import numpy as np
import pytest

from sim.interventions import build
from sim.interventions.base import work_pressure
from sim.interventions.codesign import STRESSORS, stressor_scores
from sim.layout import UI, UL
from sim.model import WorkforceModel
from sim.resources import next_unanswered_strain, work_pressures
from sim.supervisors import supervisor_pass
from sim.wellbeing import (
    ADMIN_WEIGHT,
    EXHAUSTION_NOISE_SD,
    LEADERSHIP_REFERENCE,
    LOAD_WEIGHT,
    RECOGNITION_REFERENCE,
    VIOLENCE_WEIGHT,
    next_exhaustion,
    recovery,
    work_strain,
)
from sim.workload import own_hours, present_by_unit


def test_supervisor_exhaustion_is_the_workers_stock() -> None:
    """Supervisors' exhaustion = next_exhaustion(coping as recovery, never slowed), to rounding."""
    rng = np.random.default_rng(7)
    n = 400
    exhaustion = rng.uniform(0.0, 1.0, n)
    coping = rng.lognormal(0.0, 0.3, n)
    unit_sums = np.zeros((5, n))
    unit_sums[3] = rng.integers(5, 40, n)
    unit_sums[4] = unit_sums[3] * rng.uniform(0.1, 0.8, n)
    posts = unit_sums[3] + rng.integers(0, 5, n)
    intensity = rng.uniform(0.6, 1.5, n)
    admin = rng.uniform(0.1, 0.4, n)
    normal = rng.standard_normal(n)
    before = exhaustion.copy()
    supervisor_pass(
        exhaustion,
        coping,
        np.zeros(n),
        unit_sums,
        posts,
        intensity,
        admin,
        0.03,
        0.02,
        normal,
        np.ones(n),
        np.zeros(n, dtype=np.bool_),
    )
    span = unit_sums[3]
    strain = (
        0.45 * np.sqrt(span / 25.0) * (0.6 + admin) * np.maximum(intensity, 0.5)
        + 0.3 * unit_sums[4] / span
        + 0.5 * (1.0 - span / posts)
    )
    expected = [
        next_exhaustion(before[u], strain[u], coping[u], False, 0.03, 0.02, 0.0, normal[u])
        for u in range(n)
    ]
    np.testing.assert_allclose(exhaustion, expected, rtol=0.0, atol=1e-12)
    # The noise is the workers' (a noise-only week moves exhaustion by EXHAUSTION_NOISE_SD x z).
    e = np.full(1, 0.5)
    supervisor_pass(
        e, np.zeros(1), np.zeros(1), np.zeros((5, 1)), np.ones(1), np.ones(1), np.zeros(1),
        0.0, 0.0, np.ones(1), np.ones(1), np.zeros(1, dtype=np.bool_),
    )  # fmt: skip
    assert e[0] == pytest.approx(0.5 + EXHAUSTION_NOISE_SD, abs=1e-15)


def test_work_pressure_is_the_documented_formula() -> None:
    """Pressure = clip((intensity - 1)+ / 0.3 + overtime / 24, 0, 1), also in unanswered strain."""
    rng = np.random.default_rng(3)
    intensity = np.concatenate([rng.uniform(0.5, 1.8, 5000), [1.0, 1.3, 2.0]])
    overtime = np.concatenate([rng.uniform(0.0, 30.0, 5000), [0.0, 0.0, 30.0]])
    expected = np.clip(np.maximum(intensity - 1.0, 0.0) / 0.3 + overtime / 24.0, 0.0, 1.0)
    pressure = work_pressures(intensity, overtime)
    np.testing.assert_allclose(pressure, expected, rtol=0.0, atol=1e-12)
    assert pressure[-3:].tolist() == [0.0, pytest.approx(1.0), 1.0]
    for k in range(0, 5000, 97):
        unanswered = next_unanswered_strain(0.2, intensity[k], overtime[k])
        assert unanswered == pytest.approx(0.2 + (expected[k] - 0.2) / 26.0, abs=1e-12)


@pytest.fixture(scope="module")
def stepped_model() -> WorkforceModel:
    """A small model with every intervention, stepped past the onsets."""
    model = WorkforceModel(
        rng=5, n_workers=300, burn_in_weeks=10, interventions=build("integrated_bundle")
    )
    for _ in range(14):
        model.step()
    return model


def test_interventions_read_the_units_pressure(stepped_model: WorkforceModel) -> None:
    """sim.interventions.base.work_pressure is the unit pass's pressure of last week."""
    inputs = stepped_model.unit_inputs
    expected = np.clip(
        np.maximum(inputs[UI["intensity"]] - 1.0, 0.0) / 0.3 + inputs[UI["overtime"]] / 24.0,
        0.0,
        1.0,
    )
    np.testing.assert_allclose(work_pressure(stepped_model), expected, rtol=0.0, atol=1e-12)


def test_strain_weights_are_the_work_strain_terms() -> None:
    """The named weights and references are what work_strain and recovery use."""
    coefficients = (0.0, 0.0, 0.0, 0.0)  # fatigue weight, violence, moral distress, contagion
    assert work_strain(1.0, 0.0, 0.0, 0.0, 0.0, 0.0, *coefficients) == LOAD_WEIGHT == 0.5
    assert work_strain(0.0, 0.0, 1.0, 0.0, 0.0, 0.0, *coefficients) == ADMIN_WEIGHT == 0.6
    assert work_strain(0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0) == VIOLENCE_WEIGHT
    assert VIOLENCE_WEIGHT == 0.25
    neutral = recovery(1.0, LEADERSHIP_REFERENCE, RECOGNITION_REFERENCE, 0.6, False, 2.0, 2.0, 2.0)
    assert neutral == pytest.approx(1.0)
    assert recovery(1.0, 0.7, 0.5, 0.6, False, 1.0, 0.0, 0.0) == pytest.approx(np.exp(0.1))


def test_codesign_scores_are_strain_terms(stepped_model: WorkforceModel) -> None:
    """Co-design's administration and violence scores equal work_strain's terms per unit."""
    model = stepped_model
    p, s = model.params, model.workers
    scores = stressor_scores(model)
    admin = model.unit_inputs[UI["admin_share"]]
    head = np.maximum(np.bincount(s.unit, s.filled, model.n_units), 1.0)
    violence = np.bincount(s.unit, s.violence_load * s.filled, model.n_units) / head
    zero = (0.0, 0.0, 0.0, 0.0, 0.0)
    for u in range(model.n_units):
        assert scores[STRESSORS.index("administration"), u] == pytest.approx(
            work_strain(0.0, 0.0, admin[u], 0.0, *zero, 0.0), abs=1e-12
        )
        assert scores[STRESSORS.index("violence"), u] == pytest.approx(
            work_strain(0.0, 0.0, 0.0, violence[u], 0.0, 0.0, 0.0, p.violence_effect, 0.0, 0.0),
            abs=1e-12,
        )
    lead = model.unit_inputs[UI["leadership_norm"]]
    np.testing.assert_allclose(
        scores[STRESSORS.index("leadership")], 0.5 * np.maximum(0.6 - lead, 0.0), atol=1e-15
    )


def test_own_hours_are_worked_hours_without_overtime() -> None:
    """Own hours = worked hours - overtime x staff present, in every unit.

    Demand 30 % above the budgeted posts, so that overtime is in use (at the calibrated defaults
    the bundle model of ``stepped_model`` may have none in a given week).
    """
    model = WorkforceModel(rng=5, n_workers=300, burn_in_weeks=10, demand_level=1.3)
    for _ in range(3):
        model.step()
    s = model.workers
    present = np.zeros(model.n_units)
    for i in np.flatnonzero(s.filled & ~s.absent):
        present[s.unit[i]] += 1.0
    np.testing.assert_array_equal(present_by_unit(model), present)
    worked = model.unit_load[UL["worked_hours"]]
    expected = worked - model.unit_inputs[UI["overtime"]] * present
    np.testing.assert_allclose(own_hours(model), expected, rtol=0.0, atol=1e-9)
    assert (model.unit_inputs[UI["overtime"]] > 0).any()  # the overtime term is exercised
    assert (own_hours(model) < worked).any()
