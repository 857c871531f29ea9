"""The weekly step's pass over units (stages 1-4 at unit level), compiled with numba.

It applies the unit-level equations of sim.workload, sim.violence and sim.resources to every
unit in one loop and fills the unit inputs the worker pass reads (rows of
``sim.layout.UNIT_INPUTS``). Random numbers come in drawn beforehand from the model's
Generator, so results are fixed by the seed.
"""

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


@compiled
def unit_pass(
    base_hours: np.ndarray,
    demand_factor: float,
    demand_noise_sd: float,
    demand_normal: np.ndarray,
    unit_sums: np.ndarray,
    admin_share: np.ndarray,
    unit_levers: np.ndarray,
    agency_cover_share: float,
    overtime_cap_hours: float,
    safe_load: float,
    contagion_decay: float,
    turnover_contagion: float,
    unit_posts: np.ndarray,
    violence_factor: float,
    supervisor_score: np.ndarray,
    supervisor_exhaustion: np.ndarray,
    supervisor_admin: np.ndarray,
    hours_per_report: float,
    interim_until: np.ndarray,
    week: int,
    unit_state: np.ndarray,
    delivered: np.ndarray,
    time_factor: np.ndarray,
    unit_inputs: np.ndarray,
    unit_load: np.ndarray,
) -> None:
    """Stages 1-4 for every unit: demand, cover of the gap, care left undone, leadership.

    ``unit_sums`` rows come from the staffing pass: staff clinical hours, vacant posts' clinical
    hours, staff present, headcount, sum of exhaustion. Writes ``unit_state`` (carried on),
    ``delivered`` and ``time_factor`` (supervisors), ``unit_inputs`` (for the worker pass) and
    ``unit_load`` (demand, agency and worked hours, for reports).
    """
    for u in range(base_hours.size):
        staff_hours = unit_sums[S_STAFF_HOURS, u] + unit_levers[U_EXTRA_CLINICAL_HOURS, u]
        n_present, headcount = unit_sums[S_PRESENT, u], unit_sums[S_HEADCOUNT, u]
        # 1. Demand
        demand = unit_demand(base_hours[u], demand_factor, demand_noise_sd, demand_normal[u])
        # 2. Agency cover, overtime, intensity
        agency, overtime, intensity = cover_gap(
            demand,
            staff_hours,
            unit_sums[S_OPEN_HOURS, u],
            n_present,
            agency_cover_share,
            overtime_cap_hours,
        )
        unit_load[UL_DEMAND_HOURS, u] = demand
        unit_load[UL_AGENCY_HOURS, u] = agency
        unit_load[UL_WORKED_HOURS, u] = staff_hours + agency + overtime * n_present
        # 3. Care left undone (drives each worker's moral distress)
        care = next_care_gap(unit_state[US_CARE_GAP, u], intensity, safe_load)
        unit_state[US_CARE_GAP, u] = care
        # 4. Leadership delivered and unanswered strain
        lead, factor = delivered_leadership(
            supervisor_score[u] + unit_levers[U_LEADERSHIP_POINTS, u],
            supervisor_exhaustion[u],
            headcount,
            supervisor_admin[u],
            hours_per_report,
            interim_until[u] > week,
        )
        delivered[u] = lead
        time_factor[u] = factor
        unanswered = next_unanswered_strain(
            unit_state[US_UNANSWERED_STRAIN, u], intensity, overtime
        )
        unit_state[US_UNANSWERED_STRAIN, u] = unanswered
        # Colleagues' departures fade (turnover contagion, sim.turnover.CONTAGION_DECAY).
        recent = unit_state[US_RECENT_LEAVERS, u] * contagion_decay
        unit_state[US_RECENT_LEAVERS, u] = recent
        unit_inputs[UI_OVERTIME, u] = overtime
        unit_inputs[UI_INTENSITY, u] = intensity
        unit_inputs[UI_ADMIN_SHARE, u] = admin_share[u]
        unit_inputs[UI_CARE_GAP, u] = care
        unit_inputs[UI_LEADERSHIP_NORM, u] = (lead - 12.0) / 48.0
        unit_inputs[UI_EXHAUSTION_SUM, u] = unit_sums[S_EXHAUSTION_SUM, u]
        unit_inputs[UI_HEADCOUNT, u] = headcount
        unit_inputs[UI_UNANSWERED_STRAIN, u] = unanswered
        unit_inputs[UI_CONTAGION, u] = turnover_contagion * recent / unit_posts[u]
        unit_inputs[UI_VIOLENCE_RATE, u] = violence_factor * unit_levers[U_VIOLENCE_RATE, u]
