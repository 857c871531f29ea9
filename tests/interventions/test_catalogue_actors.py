"""Who can act: every intervention names the level that can enact it (unit leader, executive,
government), and a bundle needs every member's actor."""

import pytest

from sim.interventions import ACTORS, BUNDLES, INTERVENTIONS, actors_of, describe


def test_every_intervention_has_a_known_actor():
    for name, cls in INTERVENTIONS.items():
        assert cls.actor in ACTORS, name
    assert {row["name"]: row["actor"] for row in describe()}["scheduling_limits"] == "unit_leader"


def test_unit_leaders_and_executives_split_the_organizational_programmes():
    assert actors_of("recognition") == ("unit_leader",)
    assert actors_of("safe_staffing") == ("executive",)
    assert actors_of("mindfulness") == ("executive",)  # bought by the organization
    assert actors_of("organizational_bundle") == ("unit_leader", "executive")
    for bundle, members in BUNDLES.items():
        assert set(actors_of(bundle)) == {INTERVENTIONS[m].actor for m in members}


def test_unknown_name_is_rejected():
    with pytest.raises(ValueError, match="unknown intervention"):
        actors_of("nosuch")
