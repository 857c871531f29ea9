"""What the tipping-point job runs: demand paths, the surge plan and the checked settings."""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from omegaconf import DictConfig

from analysis.tipping_point import MIN_LEVELS
from experiments.hydra_app import model_values
from experiments.hydra_job import number_setting, scenario_name, whole_setting
from experiments.runner import replicate_seeds
from sim.parameters import ModelParameters
from sim.scenarios import Scenario, ScenarioState

DEMAND_RANGE = (0.2, 3.0)
"""Allowed demand levels: the model parameter ``demand_level``'s range (sim.parameters)."""

MAX_WEEKS = 1040

QUICK = {
    "replicates": 2,
    "burn_in_weeks": 26,
    "n_workers": 150,
    "demand_levels": (0.8, 1.0, 1.2, 1.4, 1.6),
    "sweep_weeks": 78,
    "equilibrium_weeks": 26,
    "lead_weeks": 13,
    "ramp_weeks": 8,
    "hold_weeks": 26,
    "follow_weeks": 52,
    "bootstrap": 50,
}
"""What ``quick=true`` changes: a run of a few seconds that still writes every output."""


@dataclass(frozen=True)
class DemandPath(Scenario):
    """A scenario whose demand follows a piecewise-linear path on top of another scenario.

    Attributes:
        knots: Weeks of the path's corners (increasing); before the first and after the last
            the path is flat (so the burn-in, at negative weeks, runs at the first level).
        levels: Demand multiplier at each knot.
        base: The scenario whose other channels (absences, violence, ...) stay in force.
    """

    knots: tuple[float, ...] = (0.0,)
    levels: tuple[float, ...] = (1.0,)
    base: Scenario = field(default_factory=Scenario)

    def __post_init__(self) -> None:
        super().__post_init__()
        if len(self.knots) != len(self.levels) or not self.knots:
            raise ValueError("DemandPath: knots and levels must be non-empty and of equal length")
        if np.any(np.diff(self.knots) < 0):
            raise ValueError(f"DemandPath: knots must not decrease, got {self.knots}")

    def multiplier(self, week: float) -> float:
        """The path's demand multiplier in ``week``."""
        return float(np.interp(week, self.knots, self.levels))

    def state(self, week: float) -> ScenarioState:
        """The base scenario's multipliers with demand scaled by the path."""
        inner = self.base.state(week)
        return dataclasses.replace(inner, demand=inner.demand * self.multiplier(week))


@dataclass(frozen=True)
class SurgePlan:
    """The surge of the hysteresis part, in weeks after the burn-in.

    Attributes:
        baseline_demand: Demand before and after the surge (model ``demand_level``).
        high_demand: Demand held at the top of the surge.
        lead_weeks: Weeks at baseline before the ramp up.
        ramp_weeks: Weeks of each ramp (up and down).
        hold_weeks: Weeks at ``high_demand``.
        follow_weeks: Weeks followed after demand is back at baseline.
        recovery_tolerance: Share of the peak gap from the control counted as recovered.
        smoothing_weeks: Moving average applied before reading recovery.
        settle_weeks: Weeks the gap must stay within the tolerance to count as recovered.
    """

    baseline_demand: float
    high_demand: float
    lead_weeks: int
    ramp_weeks: int
    hold_weeks: int
    follow_weeks: int
    recovery_tolerance: float
    smoothing_weeks: int
    settle_weeks: int

    @property
    def surge_start(self) -> int:
        """Week the ramp up begins."""
        return self.lead_weeks

    @property
    def demand_back(self) -> int:
        """Week demand is back at baseline."""
        return self.lead_weeks + 2 * self.ramp_weeks + self.hold_weeks

    @property
    def phase_starts(self) -> tuple[int, int, int, int]:
        """First week of the ramp up, the hold, the ramp down and the time after."""
        up = self.lead_weeks + self.ramp_weeks
        return (self.lead_weeks, up, up + self.hold_weeks, self.demand_back)

    @property
    def total_weeks(self) -> int:
        """Weeks simulated after the burn-in."""
        return self.demand_back + self.follow_weeks

    def path(self, base: Scenario) -> DemandPath:
        """The surge as a scenario (demand multiplier relative to ``baseline_demand``)."""
        top = self.high_demand / self.baseline_demand
        return DemandPath(
            name=f"{base.name}+surge",
            knots=self.phase_starts,
            levels=(1.0, top, top, 1.0),
            base=base,
        )


@dataclass(frozen=True)
class TippingSettings:
    """The validated settings of one tipping-point job (``quick`` already applied).

    Attributes:
        seed: Root seed; replicate ``r`` uses the runner's seed ``r`` everywhere
            (:func:`experiments.runner.replicate_seeds`: the first ``k`` are the same for any
            number of replicates, so sweep replicate ``r`` and surge pair ``r`` share a seed).
        replicates: Organizations per demand level.
        surge_replicates: Surge/control pairs (the weekly gap is noisier than an equilibrium).
        burn_in_weeks: Weeks simulated before week 0.
        scenario: Name of the external scenario (sim.scenarios).
        model: Other model parameters (sim.parameters).
        demand_levels: The swept demand levels.
        sweep_weeks: Weeks after the burn-in at each demand level.
        equilibrium_weeks: Final weeks averaged as the equilibrium.
        runaway_trend: Vacancy rate rising faster than this per year at the end = runaway.
        surge: The hysteresis surge.
        bootstrap: Bootstrap resamples of the replicates for the intervals.
    """

    seed: int
    replicates: int
    surge_replicates: int
    burn_in_weeks: int
    scenario: str
    model: Mapping[str, Any]
    demand_levels: tuple[float, ...]
    sweep_weeks: int
    equilibrium_weeks: int
    runaway_trend: float
    surge: SurgePlan
    bootstrap: int

    @property
    def seeds(self) -> list[int]:
        """The seed of each replicate of the sweep."""
        return replicate_seeds(self.seed, self.replicates)

    @property
    def surge_seeds(self) -> list[int]:
        """The seed of each surge/control pair."""
        return replicate_seeds(self.seed, self.surge_replicates)

    @property
    def n_workers(self) -> int:
        """Posts of every simulated organization."""
        return int(self.model["n_workers"])


def demand_grid(low: float, high: float, step: float) -> tuple[float, ...]:
    """Demand levels from ``low`` to ``high`` (inclusive, within rounding) every ``step``."""
    count = int(np.floor((high - low) / step + 1e-9)) + 1
    return tuple(round(low + i * step, 6) for i in range(count))


def settings_from(cfg: DictConfig) -> TippingSettings:
    """Check every setting of ``cfg`` before any simulation and apply ``quick``.

    Raises:
        ValueError: Naming the setting, its value and the allowed range.
    """
    if not isinstance(cfg.quick, bool):
        raise ValueError(f"setting 'quick' = {cfg.quick!r}; allowed: true or false")
    model = model_values(cfg.model)
    if "demand_level" in model:
        raise ValueError(
            "setting 'model.demand_level' is set by the experiment; use sweep.demand_min, "
            "sweep.demand_max, sweep.demand_step and hysteresis.baseline_demand instead"
        )
    model.setdefault("n_workers", ModelParameters.n_workers)
    low, high = DEMAND_RANGE
    s, h = cfg.sweep, cfg.hysteresis
    demand_min = number_setting("sweep.demand_min", s.demand_min, low, high)
    demand_max = number_setting("sweep.demand_max", s.demand_max, low, high)
    if demand_max <= demand_min:
        raise ValueError(
            f"setting 'sweep.demand_max' = {demand_max!r}; allowed: above sweep.demand_min "
            f"({demand_min!r}) and at most {high:g}"
        )
    step = number_setting(
        "sweep.demand_step", s.demand_step, 0.0, demand_max - demand_min, open_low=True
    )
    levels = demand_grid(demand_min, demand_max, step)
    if not MIN_LEVELS <= len(levels) <= 200:
        raise ValueError(
            f"setting 'sweep.demand_step' = {step!r} gives {len(levels)} demand levels from "
            f"{demand_min:g} to {demand_max:g}; allowed: {MIN_LEVELS} to 200 levels"
        )
    sweep_weeks = whole_setting("sweep.weeks", s.weeks, 4, MAX_WEEKS)
    baseline = number_setting("hysteresis.baseline_demand", h.baseline_demand, low, high)
    surge = SurgePlan(
        baseline_demand=baseline,
        high_demand=number_setting(
            "hysteresis.high_demand", h.high_demand, baseline, high, open_low=True
        ),
        lead_weeks=whole_setting("hysteresis.lead_weeks", h.lead_weeks, 1, MAX_WEEKS),
        ramp_weeks=whole_setting("hysteresis.ramp_weeks", h.ramp_weeks, 0, MAX_WEEKS),
        hold_weeks=whole_setting("hysteresis.hold_weeks", h.hold_weeks, 0, MAX_WEEKS),
        follow_weeks=whole_setting("hysteresis.follow_weeks", h.follow_weeks, 52, MAX_WEEKS),
        recovery_tolerance=number_setting(
            "hysteresis.recovery_tolerance", h.recovery_tolerance, 0.0, 1.0, open_low=True
        ),
        smoothing_weeks=whole_setting("hysteresis.smoothing_weeks", h.smoothing_weeks, 1, 52),
        settle_weeks=whole_setting("hysteresis.settle_weeks", h.settle_weeks, 1, 52),
    )
    values: dict[str, Any] = {
        "seed": whole_setting("seed", cfg.seed, 0, 2**32 - 1001),
        "replicates": whole_setting("replicates", cfg.replicates, 2, 1000),
        "surge_replicates": whole_setting("hysteresis.replicates", h.replicates, 2, 1000),
        "burn_in_weeks": whole_setting("burn_in_weeks", cfg.burn_in_weeks, 0, MAX_WEEKS),
        "scenario": scenario_name(cfg.scenario),
        "model": model,
        "demand_levels": levels,
        "sweep_weeks": sweep_weeks,
        "equilibrium_weeks": whole_setting(
            "sweep.equilibrium_weeks", s.equilibrium_weeks, 4, sweep_weeks
        ),
        "runaway_trend": number_setting("sweep.runaway_trend", s.runaway_trend, 0.0, 1.0),
        "surge": surge,
        "bootstrap": whole_setting("bootstrap", cfg.bootstrap, 10, 100_000),
    }
    if cfg.quick:
        values.update(
            {
                "replicates": QUICK["replicates"],
                "surge_replicates": QUICK["replicates"],
                "burn_in_weeks": min(values["burn_in_weeks"], QUICK["burn_in_weeks"]),
                "model": {**model, "n_workers": QUICK["n_workers"]},
                "demand_levels": QUICK["demand_levels"],
                "sweep_weeks": QUICK["sweep_weeks"],
                "equilibrium_weeks": QUICK["equilibrium_weeks"],
                "surge": dataclasses.replace(
                    surge,
                    lead_weeks=QUICK["lead_weeks"],
                    ramp_weeks=QUICK["ramp_weeks"],
                    hold_weeks=QUICK["hold_weeks"],
                    follow_weeks=QUICK["follow_weeks"],
                    smoothing_weeks=min(surge.smoothing_weeks, 4),
                    settle_weeks=min(surge.settle_weeks, 8),
                ),
                "bootstrap": QUICK["bootstrap"],
            }
        )
    settings = TippingSettings(**values)
    try:
        for demand in (levels[0], levels[-1], baseline):
            ModelParameters.from_kwargs(**settings.model, demand_level=demand)
    except ValueError as error:
        raise ValueError(f"model: {error}") from None
    return settings
