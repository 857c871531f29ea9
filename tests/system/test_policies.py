"""System policies: actors, and the ratio mandate's pull on the sectors it draws from."""

import copy

import numpy as np
import pytest

from sim.interventions import ACTORS
from sim.system import HealthSystem
from sim.system.outcomes import organization_table, sector_table, system_outcomes
from sim.system.policies import POLICIES, policy

ORGS = [
    {"type": "community_hospital", "size": 400, "count": 4},
    {"type": "long_term_care", "size": 200, "count": 6, "pay": 0.9},
    {"type": "primary_care_network", "size": 200, "count": 3},
]


def test_every_policy_names_who_can_enact_it():
    for p in POLICIES.values():
        assert p.actor in {*ACTORS, "none"}, p.name
        assert p.description
    with pytest.raises(ValueError, match="valid policies"):
        policy("free_lunch")


def test_a_hospital_ratio_mandate_raises_vacancies_in_long_term_care():
    """The mandate's float pools take job seekers and agency nurses the other sectors need.

    Long-term care replaces about its whole staff a year (the fitted market), so its
    end-of-run vacancy rate is noisy: four paired seeds, the direction on their mean.
    """
    gaps = []
    for seed in (1, 2, 3, 4):
        base = HealthSystem(ORGS, rng=seed, market={}, collect_data=False, burn_in_weeks=52)
        runs = {}
        for name in ("no_policy", "ratio_mandate"):
            m = copy.deepcopy(base)
            m.apply_policy(policy(name))
            m.run_for(104)
            runs[name] = system_outcomes(m)
        gaps.append(
            runs["ratio_mandate"]["vacancy_rate_long_term_care"]
            - runs["no_policy"]["vacancy_rate_long_term_care"]
        )
        assert runs["ratio_mandate"]["nurses_float_pool"] > 0
    assert np.mean(gaps) > 0.0, gaps


def test_tables_add_up_to_the_system():
    m = HealthSystem(ORGS, rng=4, market={}, collect_data=False, burn_in_weeks=20)
    m.run_for(30)
    orgs = organization_table(m)
    assert len(orgs) == 13 and orgs["posts"].sum() == m.workers.size
    assert orgs["leavers"].sum() == len(m.departures())
    assert orgs["filled"].sum() == m.workers.filled.sum()
    sectors = sector_table(orgs)
    # every sector has a row; one without organizations (home care here) has no vacancy rate
    assert list(sectors["sector"]) == ["hospital", "long_term_care", "primary_care", "home_care"]
    assert sectors["vacancy_rate"].iloc[-1] != sectors["vacancy_rate"].iloc[-1]  # NaN
    assert sectors["posts"].sum() == m.workers.size
    assert (orgs["vacancy_rate"].between(0, 1)).all()
