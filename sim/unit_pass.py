"""The weekly step's pass over units (stages 1-4 at unit level), compiled with numba.

It applies the unit-level equations of sim.workload, sim.violence and sim.resources to every
unit in one loop and fills the unit inputs the worker pass reads (rows of
``sim.layout.UNIT_INPUTS``). Random numbers come in drawn beforehand from the model's
Generator, so results are fixed by the seed.
"""

from typing import NamedTuple

import numpy as np

from sim.jit import compiled
from sim.layout import (
    S_EXHAUSTION_SUM,
    S_HEADCOUNT,
    S_OPEN_HOURS,
    S_PRESENT,
    S_STAFF_HOURS,
    U_EXTRA_CLINICAL_HOURS,
    U_LEADERSHIP_POINTS,
    U_VIOLENCE_RATE,
    UI_ADMIN_SHARE,
    UI_CARE_GAP,
    UI_CONTAGION,
    UI_EXHAUSTION_SUM,
    UI_HEADCOUNT,
    UI_INTENSITY,
    UI_LEADERSHIP_NORM,
    UI_OVERTIME,
    UI_UNANSWERED_STRAIN,
    UI_VIOLENCE_RATE,
    UL_AGENCY_HOURS,
    UL_DEMAND_HOURS,
    UL_WORKED_HOURS,
    US_CARE_GAP,
    US_RECENT_LEAVERS,
    US_UNANSWERED_STRAIN,
)
from sim.layout import UL as UL
from sim.layout import UNIT_LOAD as UNIT_LOAD
from sim.layout import UNIT_STATE as UNIT_STATE
from sim.layout import US as US
from sim.resources import delivered_leadership, next_unanswered_strain
from sim.violence import next_care_gap
from sim.workload import cover_gap, unit_demand


class UnitArrays(NamedTuple):
    """Per-unit arrays of the unit pass: inputs first, then the matrices it writes."""

    base_hours: np.ndarray  # clinical hours of care a unit needs at base census
    posts: np.ndarray  # budgeted posts
    admin_share: np.ndarray  # staff share of time on administration this week
    demand_normal: np.ndarray  # this week's standard normal draw of each unit's demand
    sums: np.ndarray  # staffing-pass sums (rows of sim.layout.UNIT_SUMS)
    levers: np.ndarray  # unit levers (rows of sim.layout.UNIT_LEVERS)
    state: np.ndarray  # carried from week to week, updated (rows of UNIT_STATE)
    inputs: np.ndarray  # written: the worker pass's inputs (rows of UNIT_INPUTS)
    load: np.ndarray  # written: demand, agency and worked hours (rows of UNIT_LOAD)


class SupervisorArrays(NamedTuple):
    """Per-unit arrays of the unit's supervisor that the unit pass reads and writes."""

    score: np.ndarray  # rated leadership, 12-60
    exhaustion: np.ndarray
    admin_share: np.ndarray  # supervisors' share of time on administration this week
    interim_until: np.ndarray  # week until which an acting lead covers the post
    delivered: np.ndarray  # written: leadership delivered, 12-60
    time_factor: np.ndarray  # written: share of needed people-leadership time available


class UnitWeek(NamedTuple):
    """This week's organization-wide settings of the unit pass, as plain numbers."""

    week: int
    demand_factor: float  # demand level x seasonality x scenario (sim.workload)
    demand_noise_sd: float
    agency_cover_share: float
    overtime_cap_hours: float
    safe_load: float
    contagion_decay: float  # weekly fade of colleagues' departures (sim.turnover)
    turnover_contagion: float
    violence_factor: float  # violence level x scenario
    hours_per_report: float  # supervisor hours each filled post needs


@compiled
def unit_pass(units: UnitArrays, sup: SupervisorArrays, w: UnitWeek) -> None:
    """Stages 1-4 for every unit: demand, cover of the gap, care left undone, leadership.

    ``units.sums`` rows come from the staffing pass (sim.layout.UNIT_SUMS): staff clinical
    hours, open posts' clinical hours, staff present, headcount, sum of exhaustion. Writes
    ``units.state`` (carried on), ``sup.delivered`` and ``sup.time_factor``, ``units.inputs``
    (for the worker pass) and ``units.load`` (demand, agency and worked hours, for reports).
    """
    unit_sums, unit_levers, unit_state = units.sums, units.levers, units.state
    unit_inputs, unit_load = units.inputs, units.load
    for u in range(units.base_hours.size):
        staff_hours = unit_sums[S_STAFF_HOURS, u] + unit_levers[U_EXTRA_CLINICAL_HOURS, u]
        n_present, headcount = unit_sums[S_PRESENT, u], unit_sums[S_HEADCOUNT, u]
        # 1. Demand
        demand = unit_demand(
            units.base_hours[u], w.demand_factor, w.demand_noise_sd, units.demand_normal[u]
        )
        # 2. Agency cover, overtime, intensity
        agency, overtime, intensity = cover_gap(
            demand,
            staff_hours,
            unit_sums[S_OPEN_HOURS, u],
            n_present,
            w.agency_cover_share,
            w.overtime_cap_hours,
        )
        unit_load[UL_DEMAND_HOURS, u] = demand
        unit_load[UL_AGENCY_HOURS, u] = agency
        unit_load[UL_WORKED_HOURS, u] = staff_hours + agency + overtime * n_present
        # 3. Care left undone (drives each worker's moral distress)
        care = next_care_gap(unit_state[US_CARE_GAP, u], intensity, w.safe_load)
        unit_state[US_CARE_GAP, u] = care
        # 4. Leadership delivered and unanswered strain
        lead, factor = delivered_leadership(
            sup.score[u] + unit_levers[U_LEADERSHIP_POINTS, u],
            sup.exhaustion[u],
            headcount,
            sup.admin_share[u],
            w.hours_per_report,
            sup.interim_until[u] > w.week,
        )
        sup.delivered[u] = lead
        sup.time_factor[u] = factor
        unanswered = next_unanswered_strain(
            unit_state[US_UNANSWERED_STRAIN, u], intensity, overtime
        )
        unit_state[US_UNANSWERED_STRAIN, u] = unanswered
        # Colleagues' departures fade (turnover contagion, sim.turnover.CONTAGION_DECAY).
        recent = unit_state[US_RECENT_LEAVERS, u] * w.contagion_decay
        unit_state[US_RECENT_LEAVERS, u] = recent
        unit_inputs[UI_OVERTIME, u] = overtime
        unit_inputs[UI_INTENSITY, u] = intensity
        unit_inputs[UI_ADMIN_SHARE, u] = units.admin_share[u]
        unit_inputs[UI_CARE_GAP, u] = care
        unit_inputs[UI_LEADERSHIP_NORM, u] = (lead - 12.0) / 48.0
        unit_inputs[UI_EXHAUSTION_SUM, u] = unit_sums[S_EXHAUSTION_SUM, u]
        unit_inputs[UI_HEADCOUNT, u] = headcount
        unit_inputs[UI_UNANSWERED_STRAIN, u] = unanswered
        unit_inputs[UI_CONTAGION, u] = w.turnover_contagion * recent / units.posts[u]
        unit_inputs[UI_VIOLENCE_RATE, u] = w.violence_factor * unit_levers[U_VIOLENCE_RATE, u]
