"""The weekly step's pass over units (stages 1-4 at unit level), compiled with numba.

It applies the unit-level equations of sim.workload, sim.violence and sim.resources to every
unit in one loop and fills the unit inputs the worker pass reads (rows of
``sim.weekly_pass.UNIT_INPUTS``). Random numbers come in drawn beforehand from the model's
Generator, so results are fixed by the seed.
"""

import numpy as np

from sim.jit import compiled
from sim.modifiers import U
from sim.resources import delivered_leadership, next_unanswered_strain
from sim.rows import row_index
from sim.violence import next_care_gap
from sim.weekly_pass import UI
from sim.workload import cover_gap, unit_demand

# Per-unit state carried from week to week (rows of one matrix).
UNIT_STATE = ("care_gap", "unanswered_strain", "recent_leavers")
US = row_index(UNIT_STATE)
# Per-unit results of the week that the model keeps (rows of one matrix).
UNIT_LOAD = ("demand_hours", "agency_hours", "worked_hours")
UL = row_index(UNIT_LOAD)

_CARE, _UNANSWERED, _RECENT = US["care_gap"], US["unanswered_strain"], US["recent_leavers"]
_DEMAND, _AGENCY, _WORKED = UL["demand_hours"], UL["agency_hours"], UL["worked_hours"]
_EXTRA, _LEAD_POINTS, _VIOLENCE_MOD = (
    U["extra_clinical_hours"],
    U["leadership_points"],
    U["violence_rate"],
)
_I_OVERTIME, _I_INTENSITY, _I_ADMIN, _I_CARE, _I_LEAD = (
    UI["overtime"],
    UI["intensity"],
    UI["admin_share"],
    UI["care_gap"],
    UI["leadership_norm"],
)
_I_EXH_SUM, _I_HEAD, _I_UNANSWERED, _I_CONTAGION, _I_VRATE = (
    UI["exhaustion_sum"],
    UI["headcount"],
    UI["unanswered_strain"],
    UI["contagion"],
    UI["violence_rate"],
)


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
        staff_hours = unit_sums[0, u] + unit_levers[_EXTRA, u]
        n_present, headcount = unit_sums[2, u], unit_sums[3, u]
        # 1. Demand
        demand = unit_demand(base_hours[u], demand_factor, demand_noise_sd, demand_normal[u])
        # 2. Agency cover, overtime, intensity
        agency, overtime, intensity = cover_gap(
            demand, staff_hours, unit_sums[1, u], n_present, agency_cover_share, overtime_cap_hours
        )
        unit_load[_DEMAND, u] = demand
        unit_load[_AGENCY, u] = agency
        unit_load[_WORKED, u] = staff_hours + agency + overtime * n_present
        # 3. Care left undone (drives each worker's moral distress)
        care = next_care_gap(unit_state[_CARE, u], intensity, safe_load)
        unit_state[_CARE, u] = care
        # 4. Leadership delivered and unanswered strain
        lead, factor = delivered_leadership(
            supervisor_score[u] + unit_levers[_LEAD_POINTS, u],
            supervisor_exhaustion[u],
            headcount,
            supervisor_admin[u],
            hours_per_report,
            interim_until[u] > week,
        )
        delivered[u] = lead
        time_factor[u] = factor
        unanswered = next_unanswered_strain(unit_state[_UNANSWERED, u], intensity, overtime)
        unit_state[_UNANSWERED, u] = unanswered
        # Colleagues' departures fade (turnover contagion, sim.turnover.CONTAGION_DECAY).
        recent = unit_state[_RECENT, u] * contagion_decay
        unit_state[_RECENT, u] = recent
        unit_inputs[_I_OVERTIME, u] = overtime
        unit_inputs[_I_INTENSITY, u] = intensity
        unit_inputs[_I_ADMIN, u] = admin_share[u]
        unit_inputs[_I_CARE, u] = care
        unit_inputs[_I_LEAD, u] = (lead - 12.0) / 48.0
        unit_inputs[_I_EXH_SUM, u] = unit_sums[4, u]
        unit_inputs[_I_HEAD, u] = headcount
        unit_inputs[_I_UNANSWERED, u] = unanswered
        unit_inputs[_I_CONTAGION, u] = turnover_contagion * recent / unit_posts[u]
        unit_inputs[_I_VRATE, u] = violence_factor * unit_levers[_VIOLENCE_MOD, u]
