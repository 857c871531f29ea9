"""Costs of turnover and of covering gaps (stage 9 of the weekly step), in US dollars."""

from dataclasses import dataclass

import numpy as np

from sim.organization import ROLES

ROLE_WAGE = np.array([r.hourly_wage for r in ROLES])
ROLE_REPLACEMENT_COST = np.array([r.replacement_cost for r in ROLES])
COST_ITEMS = ("replacement", "overtime_premium", "agency_premium", "interventions")


@dataclass
class Ledger:
    """Running totals of each cost item since week 0."""

    replacement: float = 0.0
    overtime_premium: float = 0.0
    agency_premium: float = 0.0
    interventions: float = 0.0

    @property
    def total(self) -> float:
        """Sum of all items."""
        return self.replacement + self.overtime_premium + self.agency_premium + self.interventions

    def add(self, week_costs: dict[str, float]) -> None:
        """Add one week's costs."""
        for item in COST_ITEMS:
            setattr(self, item, getattr(self, item) + week_costs[item])


def weekly_costs(
    leaver_roles: np.ndarray,
    overtime_hours_by_role: np.ndarray,
    agency_wage_hours: float,
    overtime_premium: float,
    agency_premium: float,
    cost_scale: float,
    intervention_cost: float,
) -> dict[str, float]:
    """One week's costs.

    Replacement: per leaver by role (NSI 2024: $61,110 per RN; other roles in sim.organization).
    Overtime: the premium over base pay (time-and-a-half, assumption). Agency: the premium over
    staff wages for agency hours (assumption: agency costs twice staff pay). Base pay of budgeted
    posts is not counted: these are the excess costs that retention can save.
    """
    replacement = cost_scale * float(
        ROLE_REPLACEMENT_COST @ np.bincount(leaver_roles, minlength=len(ROLES))
    )
    return {
        "replacement": replacement,
        "overtime_premium": overtime_premium * float(ROLE_WAGE @ overtime_hours_by_role),
        "agency_premium": agency_premium * agency_wage_hours,
        "interventions": intervention_cost,
    }
