"""Patient demand, staffing and workload: stages 1 and 2 of the weekly step."""

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.jit import compiled
from sim.layout import UI_OVERTIME, UL_WORKED_HOURS
from sim.parameters import ModelParameters
from sim.scenarios import ScenarioState

if TYPE_CHECKING:
    from sim.model import WorkforceModel


def demand_multiplier(week: int, params: ModelParameters, scenario: ScenarioState) -> float:
    """Organization-wide demand factor this week: demand level x seasonality x scenario.

    Seasonality is a cosine peaking in early January (assumption: winter respiratory season;
    amplitude is the parameter ``seasonality_amplitude``).
    """
    season = 1.0 + params.seasonality_amplitude * math.cos(2.0 * math.pi * (week - 2) / 52.0)
    return params.demand_level * season * scenario.demand


@compiled
def unit_demand(base_hours: float, multiplier: float, noise_sd: float, normal: float) -> float:
    """Clinical hours of care a unit needs this week: base census x multiplier x noise.

    Noise is mean-one log-normal with log-sd ``demand_noise_sd`` (assumption: week-to-week
    census variation).
    """
    return base_hours * multiplier * np.exp(noise_sd * normal - 0.5 * noise_sd * noise_sd)


@compiled
def absence_probability(sick_leave_rate: float, exhaustion: float) -> float:
    """Weekly chance of being off sick.

    Assumption: ``sick_leave_rate`` at low exhaustion, rising e-fold for every 0.4 of exhaustion
    (exhausted staff take more sick leave; the form is an assumption, the direction is well
    documented), capped at 0.9.
    """
    return min(sick_leave_rate * np.exp(2.5 * (exhaustion - 0.2)), 0.9)


# exp(2.5 (E - 0.2)) at exhaustion j / 64 (j = 0..65), a little raised to cover rounding: on
# [j / 64, (j + 1) / 64) the exponential is at most entry j + 1 (it rises with exhaustion).
_ABSENCE_STEPS = 64
_ABSENCE_BOUNDS = np.exp(2.5 * (np.arange(_ABSENCE_STEPS + 2) / _ABSENCE_STEPS - 0.2)) * (1 + 1e-9)


@compiled
def absence_bound(sick_leave_rate: float, exhaustion: float) -> float:
    """A cheap upper bound on :func:`absence_probability` (no exponential; 2 outside 0-1).

    Within 4 % of it, so the staffing pass computes the exact probability only for the few
    posts whose absence draw falls below the bound: the same people are off sick.
    """
    if sick_leave_rate >= 0.0 and 0.0 <= exhaustion <= 1.0:
        step = int(exhaustion * _ABSENCE_STEPS) + 1
        return sick_leave_rate * _ABSENCE_BOUNDS[step] + 1e-15
    return 2.0


@compiled
def long_absence_probability(yearly_rate: float, exhaustion: float) -> float:
    """Weekly chance of starting long-term sick leave.

    Assumption: none below the burnout cut-off (E = 0.5); above it rising linearly to
    ``yearly_rate`` a year at full exhaustion (long-term absence follows burnout; its size is an
    assumption in the sensitivity space).
    """
    if exhaustion <= 0.5:
        return 0.0
    return yearly_rate * (exhaustion - 0.5) / 0.5 / 52.0


@compiled
def productivity(tenure_weeks: float, ramp_up_weeks: float) -> float:
    """Share of a full workload a worker carries: new hires ramp from half to full (assumption)."""
    if ramp_up_weeks <= 0.0:
        return 1.0
    return min(1.0, 0.5 + 0.5 * tenure_weeks / ramp_up_weeks)


@compiled
def cover_gap(
    demand_hours: float,
    staff_hours: float,
    vacant_hours: float,
    n_present: float,
    agency_cover_share: float,
    overtime_cap_hours: float,
) -> tuple[float, float, float]:
    """Spread a unit's demand over the staff present; return agency hours, overtime, intensity.

    Agency staff cover a share of the vacant posts' hours. Any remaining gap is worked as
    overtime, shared by those present, up to the overtime cap; what overtime cannot cover raises
    the intensity of work (demand per clinical hour worked; 1 = budgeted load). Assumption: the
    order agency, then overtime, then intensity is how units cover gaps (seed 003, takeaway 1).
    """
    agency_hours = agency_cover_share * vacant_hours
    gap = demand_hours - staff_hours - agency_hours
    overtime = min(max(gap / max(n_present, 1.0), 0.0), overtime_cap_hours)
    worked = staff_hours + agency_hours + overtime * n_present
    return agency_hours, overtime, demand_hours / max(worked, 1.0)


def present_by_unit(model: "WorkforceModel") -> np.ndarray:
    """Staff present (on post, not absent) in each unit in the last week stepped."""
    s = model.workers
    return np.bincount(s.unit, s.filled & ~s.absent, model.n_units).astype(float)


def own_hours(model: "WorkforceModel") -> np.ndarray:
    """Each unit's clinical hours of the last week stepped, overtime not counted.

    Hours worked (staff, any added cover, agency: see :func:`cover_gap`) minus overtime x staff
    present: the staffing the unit had before its staff absorbed the gap.
    """
    worked = model.unit_load[UL_WORKED_HOURS]
    return worked - model.unit_inputs[UI_OVERTIME] * present_by_unit(model)
