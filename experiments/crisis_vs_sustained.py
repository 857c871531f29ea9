r"""Crisis-by-crisis against sustained action, at the same budget.

Seed 003 (takeaway 5): "addressing HHR crisis by crisis has not worked". This experiment lets
the model test that claim rather than assume it. For one intervention or bundle and scenario:

1. **Crisis arm**: delivery in a unit starts when its burnout prevalence reaches ``crisis_on``
   and stops when it falls below ``crisis_off`` (``mode='crisis'``, sim.interventions.base).
   Its mean spend over the horizon is the budget.
2. **Sustained arm at the same budget**: continuous delivery from week 0 to the units a planner
   would pick first (highest burnout prevalence at week 0), as many as the budget pays for. The
   number of units is found by bisection on the first seed (cost grows with units reached), then
   every seed runs with it, and both spends are reported.
3. **No intervention**, the reference.

The ``seeds`` seeds are those of the runner (:func:`experiments.runner.replicate_seeds`: children
of ``SeedSequence(seed)``, as in the main comparison). Every arm of a seed starts from the same
burned-in organization (one burn-in, copied), so arms differ only by the interventions (common
random numbers). Differences from no intervention are averaged over seeds with a 95 %
t-interval.

Usage (a Hydra app, ``conf/crisis.yaml``; ``--help``, ``--cfg job`` and ``--multirun`` work)::

    python -m experiments.crisis_vs_sustained                       # or: burnout-crisis ...
    python -m experiments.crisis_vs_sustained intervention=leadership_development \
        scenario=baseline seeds=8 crisis_on=0.45 crisis_off=0.35 model.demand_level=1.1
    python -m experiments.crisis_vs_sustained --config-name crisis_quick   # seconds

``model.KEY`` sets a model parameter (sim.parameters), ``+settings.KEY`` an intervention setting;
``intervention=`` and ``scenario=`` pick files of ``conf/intervention/`` and ``conf/scenario/``
(the outside pressure, passed to the model as ``pressure=``).
A bad key or value stops the command with one line before anything runs.

Prints one JSON object (arms, budgets, differences with intervals, config and seeds) and writes
it to ``crisis.json`` in the Hydra output folder.
"""

import copy
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig

from analysis.intervals import mean_interval
from experiments.hydra_app import (
    JsonCommand,
    ModelOverrides,
    job_fields,
)
from experiments.runner import replicate_seeds
from experiments.schema import InterventionArm, ScenarioChoice
from sim.interventions import build
from sim.model import WorkforceModel
from sim.parameters import ModelParameters
from sim.scenarios import make_scenario

OUTCOMES = ("burnout_prevalence", "annual_turnover_rate", "vacancy_rate", "total_cost")
ARMS = ("none", "crisis", "sustained")


@dataclass
class CrisisConfig:
    """Settings of one crisis-versus-sustained comparison (all recorded in the output)."""

    intervention: str = "organizational_bundle"
    scenario: str = "pandemic_surge"
    n_workers: int = 600
    horizon_weeks: int = 260
    seed: int = 1
    seeds: int = 6
    crisis_on: float = 0.50
    crisis_off: float = 0.40
    settings: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        """Check every setting before anything runs (building also checks the settings)."""
        for name, low in (("n_workers", 10), ("horizon_weeks", 1), ("seeds", 2), ("seed", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} = {value!r}; allowed: a whole number >= {low}")
        for name in ("crisis_on", "crisis_off"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} = {value!r}; allowed: a number in [0, 1]")
        if self.crisis_off > self.crisis_on:
            raise ValueError(
                f"crisis_off = {self.crisis_off} is above crisis_on = {self.crisis_on}; "
                "allowed: crisis_off <= crisis_on"
            )
        for reserved in ("mode", "eligibility", "crisis_on", "crisis_off"):
            if reserved in self.settings:
                raise ValueError(f"settings.{reserved} is set by the experiment itself")
        ModelParameters.from_kwargs(**{"n_workers": self.n_workers, **self.params})
        make_scenario(self.scenario)
        build(self.intervention, **self.settings)


@dataclass
class CrisisSchema:
    """The command's structured config (``crisis_schema``; values in ``conf/crisis.yaml``)."""

    intervention: dict[str, InterventionArm] = field(default_factory=dict)
    scenario: dict[str, ScenarioChoice] = field(default_factory=dict)
    horizon_weeks: int = 260
    seed: int = 1
    seeds: int = 6
    crisis_on: float = 0.50
    crisis_off: float = 0.40
    model: Any = field(default_factory=ModelOverrides)
    settings: dict[str, Any] = field(default_factory=dict)


ConfigStore.instance().store(name="crisis_schema", node=CrisisSchema)


def settings_from(cfg: DictConfig) -> CrisisConfig:
    """The checked :class:`CrisisConfig` of a composed ``conf/crisis.yaml``.

    Raises:
        ValueError: Naming the bad setting and what is allowed.
    """
    config = CrisisConfig(
        **job_fields(cfg, ("horizon_weeks", "seed", "seeds", "crisis_on", "crisis_off"))
    )
    config.validate()
    return config


def burned_in(config: CrisisConfig, seed: int) -> WorkforceModel:
    """The organization after burn-in, before any intervention (shared by all arms)."""
    return WorkforceModel(
        rng=seed,
        pressure=config.scenario,
        collect_data=False,
        n_workers=config.n_workers,
        **config.params,
    )


def units_by_need(model: WorkforceModel) -> np.ndarray:
    """Unit indices by burnout prevalence at week 0, highest first (ties by index)."""
    s = model.workers
    headcount = np.bincount(s.unit, s.filled, model.n_units)
    burned = np.bincount(s.unit, s.filled & s.burned_out, model.n_units)
    prevalence = burned / np.maximum(headcount, 1.0)
    return np.argsort(-prevalence, kind="stable")


def run_arm(
    config: CrisisConfig, base: WorkforceModel, arm: str, units: np.ndarray | None = None
) -> dict[str, float]:
    """Run one arm on a copy of ``base``; return outcomes, spend and burnout-weeks."""
    model = copy.deepcopy(base)
    components = []
    if arm == "crisis":
        components = build(
            config.intervention,
            mode="crisis",
            crisis_on=config.crisis_on,
            crisis_off=config.crisis_off,
            **config.settings,
        )
    elif arm == "sustained":
        eligible = [int(u) for u in np.sort(units)] if units is not None else "all"
        components = build(config.intervention, eligibility=eligible, **config.settings)
    model.start_interventions(components)
    burnout_weeks = 0.0
    crisis_unit_weeks = 0.0
    for _ in range(config.horizon_weeks):
        model.step()
        s = model.workers
        burnout_weeks += float(np.count_nonzero(s.filled & s.burned_out))
        if arm == "crisis":
            crisis_unit_weeks += float(np.mean([c.crisis_active.mean() for c in components]))
    out = {k: float(model.summary()[k]) for k in OUTCOMES}
    out["intervention_cost"] = float(sum(c.total_cost for c in components))
    out["burnout_weeks"] = burnout_weeks
    out["share_of_unit_weeks_delivered"] = (
        crisis_unit_weeks / config.horizon_weeks
        if arm == "crisis"
        else (0.0 if arm == "none" else len(units if units is not None else []) / base.n_units)
    )
    return out


def matching_unit_count(
    config: CrisisConfig, base: WorkforceModel, order: np.ndarray, budget: float
) -> int:
    """Most units (in order of need) whose sustained delivery costs no more than ``budget``."""
    low, high = 0, base.n_units  # cost(low) <= budget; search for the largest such count
    cost_all = run_arm(config, base, "sustained", order)["intervention_cost"]
    if cost_all <= budget:
        return base.n_units
    while high - low > 1:
        mid = (low + high) // 2
        if run_arm(config, base, "sustained", order[:mid])["intervention_cost"] <= budget:
            low = mid
        else:
            high = mid
    return low


def compare(config: CrisisConfig) -> dict[str, Any]:
    """Run the three arms for every seed; return the JSON-ready comparison."""
    config.validate()
    seeds = replicate_seeds(config.seed, config.seeds)
    bases = {seed: burned_in(config, seed) for seed in seeds}
    crisis = {seed: run_arm(config, bases[seed], "crisis") for seed in seeds}
    budget = float(np.mean([r["intervention_cost"] for r in crisis.values()]))
    first = seeds[0]
    n_units = matching_unit_count(config, bases[first], units_by_need(bases[first]), budget)
    results: dict[str, dict[int, dict[str, float]]] = {"crisis": crisis, "none": {}}
    results["sustained"] = {}
    for seed in seeds:
        results["none"][seed] = run_arm(config, bases[seed], "none")
        order = units_by_need(bases[seed])
        results["sustained"][seed] = run_arm(config, bases[seed], "sustained", order[:n_units])
    metrics = (*OUTCOMES, "intervention_cost", "burnout_weeks", "share_of_unit_weeks_delivered")
    arms = {}
    for arm in ARMS:
        arms[arm] = {m: _stat(np.array([results[arm][s][m] for s in seeds])) for m in metrics}
        if arm != "none":
            arms[arm]["difference_from_none"] = {
                m: _stat(np.array([results[arm][s][m] - results["none"][s][m] for s in seeds]))
                for m in (*OUTCOMES, "burnout_weeks")
            }
    sustained_minus_crisis = {
        m: _stat(np.array([results["sustained"][s][m] - results["crisis"][s][m] for s in seeds]))
        for m in (*OUTCOMES, "burnout_weeks")
    }
    return {
        "intervention": config.intervention,
        "scenario": config.scenario,
        "budget_usd": round(budget, 2),
        "sustained_units": n_units,
        "units": bases[first].n_units,
        "arms": arms,
        "sustained_minus_crisis": sustained_minus_crisis,
        "seeds": seeds,
        "config": asdict(config),
    }


def _stat(values: np.ndarray) -> dict[str, float]:
    mean, low, high = mean_interval(values)
    return {"mean": round(mean, 6), "ci": [round(low, 6), round(high, 6)]}


COMMAND = JsonCommand(
    "experiments.crisis_vs_sustained", "crisis", settings_from, compare, "crisis.json"
)
parse_args = COMMAND.parse_args
main = COMMAND.main


if __name__ == "__main__":
    main()
