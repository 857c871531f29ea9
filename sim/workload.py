"""Patient demand, staffing and workload: stages 1 and 2 of the weekly step."""

from dataclasses import dataclass

import numpy as np

from sim.modifiers import Modifiers
from sim.parameters import ModelParameters
from sim.scenarios import ScenarioState
from sim.state import WorkerState


@dataclass
class UnitWorkload:
    """What one week's demand and staffing mean for each unit (arrays over units)."""

    demand_hours: np.ndarray  # clinical hours of care needed
    staff_hours: np.ndarray  # clinical hours staff give in contracted time
    agency_hours: np.ndarray
    overtime_per_worker: np.ndarray  # overtime hours per present worker
    intensity: np.ndarray  # demand per clinical hour worked (1 = budgeted load)
    present: np.ndarray  # workers at work
    headcount: np.ndarray  # filled posts


def unit_demand(
    base_hours: np.ndarray,
    week: int,
    params: ModelParameters,
    scenario: ScenarioState,
    rng: np.random.Generator,
) -> np.ndarray:
    """Clinical hours of care each unit needs this week.

    base census x seasonality x scenario x noise. Seasonality is a cosine peaking in early
    January and noise is mean-one log-normal (both assumptions, see the parameters).
    """
    season = 1.0 + params.seasonality_amplitude * np.cos(2.0 * np.pi * (week - 2) / 52.0)
    sd = params.demand_noise_sd
    noise = rng.lognormal(-0.5 * sd * sd, sd, base_hours.size) if sd > 0 else 1.0
    return base_hours * (params.demand_level * season * scenario.demand) * noise


def absences(
    state: WorkerState,
    params: ModelParameters,
    scenario: ScenarioState,
    uniform: np.ndarray,
) -> np.ndarray:
    """Who is off sick this week.

    Assumption: weekly sickness absence of ``sick_leave_rate`` at low exhaustion, rising
    e-fold for every 0.4 of exhaustion (exhausted staff take more sick leave; the form is an
    assumption, the direction is well documented).
    """
    p = params.sick_leave_rate * scenario.absence * np.exp(2.5 * (state.exhaustion - 0.2))
    return state.filled & (uniform < np.minimum(p, 0.9))


def staff_and_workload(
    state: WorkerState,
    demand_hours: np.ndarray,
    n_units: int,
    params: ModelParameters,
    mods: Modifiers,
    clinical_share: np.ndarray,
) -> UnitWorkload:
    """Spread each unit's demand over the staff present, with overtime and agency cover.

    Staff give their contracted hours less administration (``clinical_share`` per unit), and new
    hires give less while they ramp up (linear from half to full over ``ramp_up_weeks``,
    assumption). Agency staff cover a share of the vacant posts' hours. Any remaining gap is
    worked as overtime, shared by those present, up to the overtime cap; what overtime cannot
    cover raises the intensity of work (patients per worker above the norm).
    """
    s = state
    unit = s.unit
    present = s.filled & ~s.absent
    ramp = params.ramp_up_weeks
    productivity = (
        np.minimum(1.0, 0.5 + 0.5 * s.tenure_weeks / ramp) if ramp > 0 else np.ones(s.size)
    )
    own_share = clinical_share[unit]
    worker_hours = s.contracted_hours * own_share * productivity * present
    staff_hours = np.bincount(unit, worker_hours, n_units) + mods.extra_clinical_hours
    vacant_hours = np.bincount(unit, s.contracted_hours * own_share * ~s.filled, n_units)
    agency_hours = params.agency_cover_share * vacant_hours
    n_present = np.bincount(unit, present, n_units)
    headcount = np.bincount(unit, s.filled, n_units)
    gap = demand_hours - staff_hours - agency_hours
    cap = min(params.overtime_cap_hours, mods.overtime_cap_hours)
    overtime = np.clip(gap / np.maximum(n_present, 1.0), 0.0, cap)
    worked = staff_hours + agency_hours + overtime * n_present
    intensity = demand_hours / np.maximum(worked, 1.0)
    return UnitWorkload(
        demand_hours=demand_hours,
        staff_hours=staff_hours,
        agency_hours=agency_hours,
        overtime_per_worker=overtime,
        intensity=intensity,
        present=n_present,
        headcount=headcount,
    )
