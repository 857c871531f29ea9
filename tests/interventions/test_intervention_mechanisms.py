import numpy as np
import pytest
from intervention_helpers import apply_once, small_model

from sim.interventions import INTERVENTIONS, build
from sim.modifiers import POST_LEVERS, UNIT_LEVERS
from sim.weekly_pass import UI

FULL = {"onset_weeks": 0, "uptake": 1.0, "fidelity": 1.0}
# What each intervention may change directly (levers), and nothing else.
CLAIMS = {
    "resilience_training": {"coping"},
    "mindfulness": {"strain_appraisal"},
    "counselling": {"burnout_recovery"},
    "safe_staffing": {"extra_clinical_hours"},
    "workload_redesign": {"admin_share", "supervisor_admin_share"},
    "leadership_development": {"leadership_points"},
    "recognition": {"recognition_extra"},
    "violence_prevention": {"violence_rate", "incident_support"},
    "scheduling_limits": {"overtime_cap_hours", "extra_clinical_hours", "long_shift_scale"},
    "codesign": {"trust_target", "engagement_target"},
    "retention_pay": {"quit_hazard"},
    "faster_recruitment": {"time_to_fill"},
}
INDIVIDUAL_LEVERS = {"coping", "strain_appraisal", "burnout_recovery"}
WORKLOAD_LEVERS = {"extra_clinical_hours", "admin_share", "overtime_cap_hours"}


def changed_levers(model, neutral_post, neutral_unit) -> set[str]:
    mods = model.modifiers
    changed = {
        n
        for n, row, v in zip(POST_LEVERS, mods.post, neutral_post, strict=True)
        if np.any(row != v)
    }
    changed |= {
        n
        for n, row, v in zip(UNIT_LEVERS, mods.unit, neutral_unit, strict=True)
        if np.any(row != v)
    }
    if np.isfinite(mods.overtime_cap_hours):
        changed.add("overtime_cap_hours")
    if mods.time_to_fill != 1.0:
        changed.add("time_to_fill")
    return changed


@pytest.mark.parametrize("name", list(CLAIMS))
def test_changes_what_it_claims_and_nothing_else(name, neutral_post, neutral_unit):
    """At full effect each intervention pulls its own levers only."""
    model = small_model(build(name, **FULL))
    apply_once(model)
    changed = changed_levers(model, neutral_post, neutral_unit)
    assert changed <= CLAIMS[name]
    assert changed, f"{name} changed nothing"
    level = INTERVENTIONS[name].level
    if level == "individual":
        assert not changed & WORKLOAD_LEVERS
    else:
        assert not changed & INDIVIDUAL_LEVERS


def test_resilience_leaves_workload_unchanged():
    """Same seed: resilience changes participants' exhaustion, not the week's workload."""
    base, treated = small_model(), small_model(build("resilience_training", **FULL))
    base.step()
    treated.step()
    np.testing.assert_array_equal(
        base.unit_inputs[UI["intensity"]], treated.unit_inputs[UI["intensity"]]
    )
    np.testing.assert_array_equal(
        base.unit_inputs[UI["overtime"]], treated.unit_inputs[UI["overtime"]]
    )
    part = treated.interventions[0].participants
    assert part.any()
    assert np.all(treated.workers.exhaustion[part] <= base.workers.exhaustion[part] + 1e-12)
    assert np.any(treated.workers.exhaustion[part] < base.workers.exhaustion[part])


def test_staffing_leaves_coping_unchanged():
    """Safe staffing adds hours and never touches anyone's coping or appraisal."""
    model = small_model(build("safe_staffing", **FULL))
    coping_before = model.workers.coping.copy()
    for _ in range(6):
        model.step()
        mods = model.modifiers
        assert np.all(mods.coping == 1.0) and np.all(mods.strain_appraisal == 1.0)
        assert np.all(mods.burnout_recovery == 1.0)
        assert mods.extra_clinical_hours.sum() > 0
    same_people = model.workers.tenure_weeks > 6
    np.testing.assert_array_equal(model.workers.coping[same_people], coping_before[same_people])


def test_restrict_to_units_and_posts():
    """A trial arm limits who takes part."""
    (org,) = build("recognition", **FULL)
    model = small_model([org.restrict(units=[0, 1])])
    apply_once(model)
    assert set(np.unique(model.workers.unit[org.participants])) <= {0, 1}
    assert np.all(model.modifiers.recognition_extra[model.workers.unit >= 2] == 0.0)
    (ind,) = build("mindfulness", **FULL)
    mask = np.zeros(120, dtype=bool)
    mask[::3] = True
    model = small_model([ind.restrict(posts=mask)])
    apply_once(model)
    assert ind.participants.any() and not np.any(ind.participants & ~mask)


def test_uptake_falls_with_pressure_and_stigma():
    """Time-costing programmes lose uptake under pressure; stigma holds back counselling."""
    (course,) = build("mindfulness", uptake=0.8, workload_sensitivity=0.5)
    model = small_model([course])
    model.unit_inputs[UI["intensity"]] = 1.0
    model.unit_inputs[UI["overtime"]] = 0.0
    model.unit_inputs[UI["intensity"], 0] = 2.0  # unit 0 at full pressure
    p = course.enrolment_probability(model)
    assert p[0] == pytest.approx(0.4) and p[1] == pytest.approx(0.8)
    (help_,) = build("counselling", uptake=0.5, stigma=0.4, workload_sensitivity=0.0)
    model = small_model([help_])
    assert np.allclose(help_.enrolment_probability(model), 0.3)


def test_high_risk_eligibility():
    """Counselling reaches only exhausted or burned-out workers."""
    (c,) = build("counselling", uptake=1.0, stigma=0.0, workload_sensitivity=0.0)
    model = small_model([c])
    apply_once(model)
    s = model.workers
    assert c.participants.any()
    assert np.all(s.burned_out[c.participants] | (s.exhaustion[c.participants] >= 0.45))


def test_codesign_puts_the_main_stressor_first():
    """With co-design, the programme answering a unit's main stressor is spared competition."""
    from sim.interventions.codesign import STRESSORS, priority_weights

    # Every unit enrols (no uptake lost to work pressure), so each unit's weight shows the choice.
    codesign = build("codesign", onset_weeks=0, workload_sensitivity=0.0)[0]
    redesign = build("workload_redesign")[0]
    model = small_model([codesign, redesign])
    apply_once(model)
    named = codesign.main_stressor(model)
    assert set(named) <= set(STRESSORS)
    for stressor in STRESSORS:
        w = priority_weights(model, stressor)
        np.testing.assert_allclose(w, np.where(named == stressor, codesign.effect, 0.0))
    alone = small_model(build("workload_redesign"))
    assert np.all(priority_weights(alone, "administration") == 0.0)


def test_programmes_compete_for_attention():
    """Two programmes that take a unit's attention each deliver less than either alone."""
    full = {"onset_weeks": 0, "uptake": 1.0, "workload_sensitivity": 0.0}
    alone = build("leadership_development", **full)
    model = small_model(alone)
    for _ in range(3):
        apply_once(model)
    together = build("leadership_development", **full) + build("workload_redesign", **full)
    both = small_model(together)
    for _ in range(3):
        apply_once(both)
    assert np.all(together[0].level < alone[0].level - 1e-9)
    np.testing.assert_allclose(together[0].effect, alone[0].effect)


def test_a_trained_leaders_gain_leaves_with_them():
    """When a coached supervisor leaves, the unit loses the points until the successor trains."""
    (course,) = build("leadership_development", onset_weeks=0, uptake=1.0, workload_sensitivity=0)
    model = small_model([course])
    apply_once(model)
    assert np.all(model.modifiers.leadership_points > 0)
    model.supervisors.person_id[0] += 10_000  # unit 0's supervisor leaves; a new one starts
    apply_once(model)
    points = model.modifiers.leadership_points
    assert points[0] < 0.1 * points[1:].min()
    assert course.trained[0] == model.supervisors.person_id[0]
