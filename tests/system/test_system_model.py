"""A health system of many organizations (issue 14): special case, conservation, checks."""

import numpy as np
import pandas as pd
import pytest

from sim import WorkforceModel
from sim.interventions import build
from sim.system import HealthSystem
from sim.system.policies import policy

SMALL = [
    {"type": "community_hospital", "size": 200, "count": 2},
    {"type": "long_term_care", "size": 120, "count": 2, "pay": 0.9},
    {"type": "primary_care_network", "size": 100},
]


@pytest.mark.parametrize("pressure", ["baseline", "pandemic_surge"])
def test_one_organization_in_a_fixed_market_is_the_single_organization_model(pressure):
    """Same seed, same organization: identical weekly metrics, summary and departures."""
    single = WorkforceModel(rng=7, pressure=pressure, n_workers=300, burn_in_weeks=20)
    system = HealthSystem(
        [{"type": "community_hospital", "size": 300}],
        rng=7,
        pressure=pressure,
        burn_in_weeks=20,
    )
    single.run_for(30)
    system.run_for(30)
    pd.testing.assert_frame_equal(
        single.datacollector.get_model_vars_dataframe(),
        system.datacollector.get_model_vars_dataframe(),
    )
    assert single.summary() == pytest.approx(system.summary(), rel=0, abs=0, nan_ok=True)
    pd.testing.assert_frame_equal(single.departures(), system.departures())


def test_one_organization_with_interventions_is_the_single_organization_model():
    """The hooks change nothing with interventions either (safe staffing, retention pay)."""
    runs = []
    for cls in (WorkforceModel, HealthSystem):
        first = [[{"type": "long_term_care", "size": 240}]] if cls is HealthSystem else []
        sized = {} if cls is HealthSystem else {"n_workers": 240, "organization": "long_term_care"}
        m = cls(
            *first,
            rng=9,
            interventions=[*build("safe_staffing"), *build("retention_pay")],
            burn_in_weeks=10,
            **sized,
        )
        m.run_for(26)
        runs.append(m)
    pd.testing.assert_frame_equal(
        runs[0].datacollector.get_model_vars_dataframe(),
        runs[1].datacollector.get_model_vars_dataframe(),
    )


@pytest.mark.parametrize("name", ["no_policy", "ratio_mandate", "agency_pay_cap"])
def test_workers_are_conserved_every_week(name):
    """Every person is in one place each week: posts, onboarding or an outside place."""
    m = HealthSystem(SMALL, rng=3, market={}, burn_in_weeks=0, collect_data=False)
    start = m.people_by_role() - m.market.entered
    m.apply_policy(policy(name))
    for _ in range(120):
        m.step()
        np.testing.assert_array_equal(m.people_by_role() - m.market.entered, start)
        assert (m.market.stocks >= 0).all() and (m.market.training >= 0).all()
    assert m.market.entered.sum() > 0  # graduates and recruits did join


def test_organizations_share_one_state():
    """Units are numbered across organizations; each organization keeps its own posts."""
    m = HealthSystem(SMALL, rng=1, market={}, burn_in_weeks=0, collect_data=False)
    assert m.n_orgs == 5
    assert m.workers.size == 200 * 2 + 120 * 2 + 100
    posts = np.bincount(m.unit_org[m.workers.unit], minlength=m.n_orgs)
    np.testing.assert_array_equal(posts, [200, 200, 120, 120, 100])
    assert list(m.system.org_type) == ["community_hospital"] * 2 + ["long_term_care"] * 2 + [
        "primary_care_network"
    ]


@pytest.mark.parametrize(
    ("organizations", "message"),
    [
        ([], "organizations"),
        ([{"type": "castle", "size": 10}], r"organizations\[0\]\.type"),
        ([{"type": "long_term_care", "size": 5}], r"organizations\[0\]\.size"),
        ([{"type": "long_term_care", "size": 50, "pay": 9}], r"organizations\[0\]\.pay"),
        ([{"type": "long_term_care", "size": 50, "sector": "moon"}], r"\.sector"),
        ([{"type": "long_term_care", "size": 50, "beds": 3}], "unknown key"),
    ],
)
def test_bad_organizations_are_named(organizations, message):
    with pytest.raises(ValueError, match=message):
        HealthSystem(organizations, burn_in_weeks=0)


def test_bad_market_settings_are_named():
    with pytest.raises(ValueError, match="first_year_attrition"):
        HealthSystem(SMALL, market={"first_year_attrition": 2.0}, burn_in_weeks=0)
    with pytest.raises(ValueError, match="unknown parameter"):
        HealthSystem(SMALL, market={"training_seats": 2.0}, burn_in_weeks=0)
    with pytest.raises(ValueError, match="organizations list"):
        HealthSystem(SMALL, n_workers=100, burn_in_weeks=0)


def test_home_care_is_a_sector_of_its_own():
    """Home health agencies: their own unit type and sector, in the flows and tables."""
    from sim.system.config import SECTORS
    from sim.system.outcomes import organization_table

    groups = [
        {"type": "community_hospital", "size": 200},
        {"type": "home_care_agency", "size": 150, "count": 2, "pay": 0.95},
    ]
    m = HealthSystem(groups, rng=5, market={}, burn_in_weeks=0, collect_data=False)
    home = SECTORS.index("home_care")
    home_units = np.flatnonzero(m.unit_sector == home)
    assert home_units.size > 0
    assert {m.layout.unit_type_names[u] for u in home_units} == {"home_care"}
    start = m.people_by_role() - m.market.entered
    m.run_for(104)
    np.testing.assert_array_equal(m.people_by_role() - m.market.entered, start)
    assert m.market.flows.shape[0] == len(SECTORS) and m.market.flows[home].sum() > 0
    table = organization_table(m)
    assert list(table["sector"]) == ["hospital", "home_care", "home_care"]
