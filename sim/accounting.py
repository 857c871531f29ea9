"""Costs of turnover and of covering gaps (stage 9 of the weekly step), in US dollars."""

import numpy as np

from sim.jit import compiled
from sim.layout import (
    C_AGENCY_PREMIUM,
    C_INTERVENTIONS,
    C_OVERTIME_PREMIUM,
    C_REPLACEMENT,
    C_SICK_PAY,
    D_ROLE,
    D_UNIT,
    T_ABSENT_HOURS,
    T_OVERTIME,
)
from sim.layout import COST_ITEMS as COST_ITEMS
from sim.organization import ROLES

ROLE_WAGE = np.array([r.hourly_wage for r in ROLES])


def replacement_cost(departures: np.ndarray, unit_costs: np.ndarray) -> np.ndarray:
    """Each departure's replacement cost in US dollars, by its unit and role.

    ``departures`` has the rows of ``sim.turnover.DEPARTURE_COLUMNS``; ``unit_costs`` is the
    unit-by-role table of :func:`sim.organization.replacement_costs`.
    """
    return unit_costs[departures[D_UNIT], departures[D_ROLE]]


def logged_replacement(departures: np.ndarray, unit_costs: np.ndarray) -> float:
    """The summed replacement cost of ``departures`` (see :func:`replacement_cost`)."""
    return float(replacement_cost(departures, unit_costs).sum())


class Ledger:
    """Running totals of each cost item since week 0 (``COST_ITEMS`` order)."""

    def __init__(self) -> None:
        self.totals = np.zeros(len(COST_ITEMS))

    def __getattr__(self, item: str) -> float:
        if item in COST_ITEMS:
            return float(self.totals[COST_ITEMS.index(item)])
        raise AttributeError(item)

    @property
    def total(self) -> float:
        """Sum of all items."""
        return float(self.totals.sum())


@compiled
def weekly_costs(
    replacement: float,
    tallies: np.ndarray,
    agency_wage_hours: float,
    overtime_premium: float,
    agency_premium: float,
    cost_scale: float,
    intervention_cost: float,
    out: np.ndarray,
) -> None:
    """One week's costs, written to ``out`` in ``COST_ITEMS`` order.

    Replacement: ``replacement``, the week's leavers' costs by unit and role
    (:func:`replacement_cost`; NSI 2024: $61,110 per RN; other roles and aides in
    sim.organization).
    Overtime: the premium over base pay (time-and-a-half, assumption) on the overtime hours each
    role worked (from the worker pass's tallies). Agency: the premium over staff wages for agency
    hours (assumption: agency costs twice staff pay). Base pay of budgeted posts is not counted:
    these are the excess costs that retention can save. Sick pay: wages of the contracted hours
    lost to sickness absence (assumption: paid in full; the cover of those hours is already in
    overtime, agency and intensity).
    """
    overtime_pay = 0.0
    sick_pay = 0.0
    for r in range(ROLE_WAGE.size):
        overtime_pay += ROLE_WAGE[r] * tallies[T_OVERTIME + r]
        sick_pay += ROLE_WAGE[r] * tallies[T_ABSENT_HOURS + r]
    out[C_REPLACEMENT] = cost_scale * replacement
    out[C_OVERTIME_PREMIUM] = overtime_premium * overtime_pay
    out[C_AGENCY_PREMIUM] = agency_premium * agency_wage_hours
    out[C_SICK_PAY] = sick_pay
    out[C_INTERVENTIONS] = intervention_cost
