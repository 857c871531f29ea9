import pytest

from sim.interventions import BUNDLES, INTERVENTIONS, build, describe, valid_names

REQUIRED = (
    "resilience_training",
    "mindfulness",
    "counselling",
    "safe_staffing",
    "workload_redesign",
    "leadership_development",
    "recognition",
    "violence_prevention",
    "scheduling_limits",
    "codesign",
    "retention_pay",
    "faster_recruitment",
)


def test_every_required_intervention_is_registered():
    """The contract's twelve names map to classes of the same name."""
    for name in REQUIRED:
        assert INTERVENTIONS[name].name == name


def test_bundles():
    """Integrated = individual + organizational + co-design."""
    ind, org = set(BUNDLES["individual_bundle"]), set(BUNDLES["organizational_bundle"])
    assert {INTERVENTIONS[n].level for n in ind} == {"individual"}
    assert {INTERVENTIONS[n].level for n in org} == {"organizational"}
    assert set(BUNDLES["integrated_bundle"]) == ind | org | {"codesign"}


def test_build_single_and_bundle():
    """build returns one object, or one per bundle member, with settings applied."""
    (one,) = build("mindfulness", uptake=0.5)
    assert one.uptake == 0.5
    members = build("organizational_bundle", start_week=4, **{"leadership_development.points": 9})
    assert len(members) == len(BUNDLES["organizational_bundle"])
    assert all(m.start_week == 4 for m in members)
    assert next(m for m in members if m.name == "leadership_development").points == 9


def test_unknown_name_lists_valid_ones():
    """An unknown name is refused with the list of valid names."""
    with pytest.raises(
        ValueError, match="valid names are: .*resilience_training.*integrated_bundle"
    ):
        build("yoga")
    assert "integrated_bundle" in valid_names()


def test_describe_rows():
    """describe gives level, what it changes, costs and a source for every intervention."""
    rows = describe()
    assert [r["name"] for r in rows] == list(INTERVENTIONS)
    for r in rows:
        assert r["level"] in ("individual", "organizational", "system")
        assert r["changes"] and r["source"]
        assert min(r["fixed_cost"], r["cost_per_participant"], r["cost_per_week"]) >= 0
