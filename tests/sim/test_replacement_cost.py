"""Replacement costs per leaver by unit and role (NSI 2024; Seavey 2004 for frontline aides)."""

import numpy as np
import pytest

from sim import WorkforceModel
from sim.accounting import replacement_cost
from sim.layout import D_ROLE, D_UNIT
from sim.organization import FRONTLINE_AIDE_REPLACEMENT_COST, ROLE_NAMES, ROLES, replacement_costs

ALLIED = ROLE_NAMES.index("allied")


def test_aides_of_long_term_and_home_care_cost_seaveys_figure():
    costs = replacement_costs(("medical", "long_term_care", "home_care"))
    assert costs[0].tolist() == [r.replacement_cost for r in ROLES]
    assert costs[1, ALLIED] == costs[2, ALLIED] == FRONTLINE_AIDE_REPLACEMENT_COST
    nurse = ROLE_NAMES.index("nurse")
    assert costs[1, nurse] == costs[2, nurse] == ROLES[nurse].replacement_cost


@pytest.mark.parametrize("organization", ["long_term_care", "community_hospital"])
def test_the_ledger_charges_each_leaver_by_unit_and_role(organization):
    """The model's replacement cost is the sum over its departures of the unit-by-role figure."""
    m = WorkforceModel(rng=3, n_workers=300, organization=organization, burn_in_weeks=0)
    m.run_for(52)
    rows = m.departure_log.rows[:, : int(m.departure_log.size[0])]
    assert rows.shape[1] > 0
    expected = replacement_cost(rows, m.unit_replacement_cost).sum() * m.params.cost_scale
    assert m.ledger.replacement == pytest.approx(expected, rel=1e-12)
    aides = np.array([m.layout.unit_type_names[u] == "long_term_care" for u in rows[D_UNIT]])
    allied_aides = aides & (rows[D_ROLE] == ALLIED)
    if organization == "long_term_care":
        assert allied_aides.sum() > 0  # the cheaper figure is used where it applies
