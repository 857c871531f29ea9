"""Patient demand, staffing and workload: stages 1 and 2 of the weekly step."""

from dataclasses import dataclass

import numpy as np

from sim.jit import compiled
from sim.parameters import ModelParameters
from sim.scenarios import ScenarioState


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


@compiled
def absence_probability(sick_leave_rate: float, exhaustion: float) -> float:
    """Weekly chance of being off sick.

    Assumption: ``sick_leave_rate`` at low exhaustion, rising e-fold for every 0.4 of exhaustion
    (exhausted staff take more sick leave; the form is an assumption, the direction is well
    documented), capped at 0.9.
    """
    return min(sick_leave_rate * np.exp(2.5 * (exhaustion - 0.2)), 0.9)


@compiled
def productivity(tenure_weeks: float, ramp_up_weeks: float) -> float:
    """Share of a full workload a worker carries: new hires ramp from half to full (assumption)."""
    if ramp_up_weeks <= 0.0:
        return 1.0
    return min(1.0, 0.5 + 0.5 * tenure_weeks / ramp_up_weeks)


def unit_workload(
    demand_hours: np.ndarray,
    staff_hours: np.ndarray,
    vacant_hours: np.ndarray,
    n_present: np.ndarray,
    headcount: np.ndarray,
    agency_cover_share: float,
    overtime_cap_hours: float,
) -> UnitWorkload:
    """Spread each unit's demand over the staff present, with agency cover and overtime.

    Agency staff cover a share of the vacant posts' hours. Any remaining gap is worked as
    overtime, shared by those present, up to the overtime cap; what overtime cannot cover raises
    the intensity of work (patients per worker above the norm).
    """
    agency_hours = agency_cover_share * vacant_hours
    gap = demand_hours - staff_hours - agency_hours
    overtime = np.minimum(np.maximum(gap / np.maximum(n_present, 1.0), 0.0), overtime_cap_hours)
    worked = staff_hours + agency_hours + overtime * n_present
    return UnitWorkload(
        demand_hours=demand_hours,
        staff_hours=staff_hours,
        agency_hours=agency_hours,
        overtime_per_worker=overtime,
        intensity=demand_hours / np.maximum(worked, 1.0),
        present=n_present,
        headcount=headcount,
    )
