"""Outcomes of a health system: per organization, per sector and for the whole system."""

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.accounting import ROLE_WAGE, replacement_cost
from sim.layout import D_LEFT_PROFESSION, D_ROLE, D_UNIT
from sim.organization import ROLE_NAMES
from sim.system.config import SECTORS
from sim.system.market import PLACES

if TYPE_CHECKING:
    from sim.system.model import HealthSystem

NURSE = ROLE_NAMES.index("nurse")
# Spread across organizations reported for these columns (10th, 50th and 90th percentiles).
SPREAD_COLUMNS = ("vacancy_rate", "burnout_prevalence", "annual_turnover_rate")


def organization_table(m: "HealthSystem") -> pd.DataFrame:
    """One row per organization: posts, vacancies, burnout, absence, flows and costs since week 0.

    Costs per organization: replacement per leaver by unit and role (sim.accounting), the
    agency premium on its agency hours at its posts' mean wage (and their whole pay,
    ``agency_pay``: wage plus premium, for the contract-labour share), and its annual wage
    budget (contracted hours of its budgeted posts at the role wages, 52 weeks; base pay, not
    an excess cost).
    """
    s, n = m.workers, m.n_orgs
    post_org = m.unit_org[s.unit]
    rows = m.departure_log.rows[:, : int(m.departure_log.size[0])]
    leaver_org = m.unit_org[rows[D_UNIT]]
    wage = ROLE_WAGE[s.role]
    budget = np.bincount(post_org, s.contracted_hours * wage, n) * 52.0
    mean_wage = np.bincount(post_org, wage, n) / np.maximum(m.system.org_posts, 1)
    weeks = max(m.week, 1)
    headcount_weeks = np.maximum(m.org_sums[4], 1.0)
    agency_hours = m.org_sums[2]
    table = pd.DataFrame(
        {
            "organization": np.arange(n),
            "type": list(m.system.org_type),
            "sector": pd.Categorical.from_codes(m.system.org_sector, SECTORS),
            "pay": m.system.org_pay,
            "posts": m.system.org_posts,
            "filled": np.bincount(post_org, s.filled, n).astype(np.int64),
            "burnout_prevalence": m.org_burnout,
            "mean_exhaustion": m.org_exhaustion,
            "sickness_absence_rate": m.org_sums[3] / headcount_weeks,
            "leavers": np.bincount(leaver_org, minlength=n),
            "left_profession": np.bincount(leaver_org, rows[D_LEFT_PROFESSION], n).astype(int),
            "hires": m.org_sums[1].astype(np.int64),
            "annual_turnover_rate": np.bincount(leaver_org, minlength=n)
            / (headcount_weeks / weeks)
            * (52.0 / weeks),
            "agency_hours": agency_hours,
            "cost_replacement": np.bincount(
                leaver_org, replacement_cost(rows, m.unit_replacement_cost), n
            )
            * m.params.cost_scale,
            "cost_agency_premium": agency_hours * mean_wage * m.params.agency_premium,
            "agency_pay": agency_hours * mean_wage * (1.0 + m.params.agency_premium),
            # The same in the second year after the default pandemic's onset (weeks 78-129).
            "agency_pay_second_year": m.org_sums[5] * mean_wage * (1.0 + m.params.agency_premium),
            "wage_budget": budget,
        }
    )
    table["vacancy_rate"] = 1.0 - table["filled"] / table["posts"]
    # By role, for figures published for one profession (RN turnover, nursing staff).
    for r, role in enumerate(ROLE_NAMES):
        of_role = rows[D_ROLE] == r
        table[f"leavers_{role}"] = np.bincount(leaver_org, of_role, n).astype(np.int64)
        table[f"left_profession_{role}"] = np.bincount(
            leaver_org, of_role & (rows[D_LEFT_PROFESSION] == 1), n
        ).astype(np.int64)
        table[f"filled_{role}"] = np.bincount(post_org, s.filled & (s.role == r), n).astype(
            np.int64
        )
        table[f"posts_{role}"] = np.bincount(post_org, s.role == r, n).astype(np.int64)
    # Spillover: an organization hiring more than it loses gains staff from the shared pool that
    # other organizations' leavers (and newcomers) fed.
    table["net_hires"] = table["hires"] - table["leavers"]
    return table


def sector_table(orgs: pd.DataFrame) -> pd.DataFrame:
    """Per sector: posts, vacancy rate, burnout, absence, leavers, hires and agency premium."""
    grouped = orgs.groupby("sector", observed=False)
    out = grouped[["posts", "filled", "leavers", "left_profession", "hires", "agency_hours"]].sum()
    out["vacancy_rate"] = 1.0 - out["filled"] / out["posts"].where(out["posts"] > 0)
    weights = orgs["filled"].astype(float)
    for column in ("burnout_prevalence", "sickness_absence_rate"):
        weighted = (orgs[column] * weights).groupby(orgs["sector"], observed=False).sum()
        out[column] = weighted / out["filled"].where(out["filled"] > 0)
    out["cost_agency_premium"] = grouped["cost_agency_premium"].sum()
    return out.reset_index()


def system_outcomes(m: "HealthSystem") -> dict[str, float]:
    """Headline outcomes of the whole system (the model's summary plus system measures).

    ``net_gain_of_gaining_orgs`` sums hires minus leavers over the organizations that gained
    staff: what the pool moved toward them (the other side of poaching).
    """
    out = {k: float(v) for k, v in m.summary().items()}
    orgs = organization_table(m)
    sectors = sector_table(orgs)
    for row in sectors.itertuples():
        out[f"vacancy_rate_{row.sector}"] = float(row.vacancy_rate)
        out[f"burnout_prevalence_{row.sector}"] = float(row.burnout_prevalence)
    rows = m.departure_log.rows[:, : int(m.departure_log.size[0])]
    nurses_left = (rows[D_ROLE] == NURSE) & (rows[D_LEFT_PROFESSION] == 1)
    out["nurses_left_profession"] = float(nurses_left.sum())
    out["agency_hours"] = float(orgs["agency_hours"].sum())
    out["organizations"] = float(m.n_orgs)
    out["net_gain_of_gaining_orgs"] = float(orgs["net_hires"].clip(lower=0).sum())
    for column in SPREAD_COLUMNS:
        for q in (10, 50, 90):
            out[f"{column}_p{q}_orgs"] = float(np.nanpercentile(orgs[column], q))
    if m.market is not None:
        for place, count in zip(PLACES, m.market.stocks[:, NURSE], strict=True):
            out[f"nurses_{place}"] = float(count)
        out["nurse_graduates"] = float(m.market.graduates[NURSE])
        out["nurse_international_arrivals"] = float(m.market.international[NURSE])
    return out
