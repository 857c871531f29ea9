"""Structured config of the main comparison job (``conf/config.yaml``), and its checks.

:class:`CompareConfig` is registered in Hydra's ConfigStore as ``compare_schema`` (the first entry
of ``conf/config.yaml``'s defaults list), so Hydra type-checks every key while composing: an
unknown key or a value of the wrong type fails with the key's full name. The model node
(:data:`ModelSchema`) has one typed field per :class:`sim.parameters.ModelParameters` parameter,
made from that class so the two never drift apart.

:func:`validate` then checks values against their allowed ranges (the model's own validation for
model parameters, the intervention registry for arms) before anything runs. Import this module
before composing ``conf/config.yaml`` yourself::

    import experiments.schema  # registers compare_schema
    with initialize_config_module(config_module="conf", version_base="1.3"):
        cfg = compose("config", overrides=["experiment=quick"])
"""

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, ListConfig, OmegaConf

from sim.parameters import ModelParameters

REFERENCE_ARM = "none"
"""Name of the arm without interventions, the reference of every difference."""

MAX_WEEKS = 1040  # twenty years: the model's own bound on burn-in (sim.model)


@dataclass
class ScenarioChoice:
    """One scenario of the comparison (a file of ``conf/scenario/``).

    Attributes:
        name: A scenario of :data:`sim.scenarios.SCENARIOS`.
        description: What it does, in words, for the report's assumptions.
    """

    name: str = MISSING
    description: str = ""


@dataclass
class InterventionArm:
    """One arm of the comparison (a file of ``conf/intervention/``).

    Attributes:
        build: A name :func:`sim.interventions.build` knows (an intervention or a bundle).
        settings: Its settings; for a bundle, ``{member: {setting: value}}`` sets one member's.
    """

    build: str = MISSING
    settings: dict[str, Any] = field(default_factory=dict)


ModelSchema = dataclasses.make_dataclass(
    "ModelSchema",
    [
        (f.name, f.type, field(default=f.default))
        for f in dataclasses.fields(ModelParameters)
        if f.name != "record_agents"  # weekly agent records: the comparison never collects them
    ],
    namespace={"__doc__": "Typed model parameters (sim.parameters.ModelParameters)."},
)


WTP_DEFAULT = [float(v) for v in range(0, 100_001, 5_000)]
"""Default willingness-to-pay grid, US dollars per unit of effect: 0 to 100,000 by 5,000."""


@dataclass
class WillingnessToPay:
    """Willingness-to-pay grids of the decision analysis (:mod:`analysis.decision`).

    Attributes:
        burnout_year: US dollars per burnout-year averted (one worker spared a year of burnout).
        departure: US dollars per departure avoided, on top of the replacement, overtime and
            agency costs already in the total cost.
    """

    burnout_year: list[float] = field(default_factory=lambda: list(WTP_DEFAULT))
    departure: list[float] = field(default_factory=lambda: list(WTP_DEFAULT))


@dataclass
class CompareConfig:
    """Every key of ``conf/config.yaml`` with its type (see the comments there for meanings)."""

    model: Any = field(default_factory=ModelSchema)
    scenario: dict[str, ScenarioChoice] = field(default_factory=dict)
    intervention: dict[str, InterventionArm] = field(default_factory=dict)
    burn_in_weeks: int = 104
    horizon_weeks: int = 260
    replicates: int = 20
    seed: int = 20261124
    jobs: int = 4
    bootstrap: int = 2000
    trajectory_arms: list[str] = field(default_factory=list)
    willingness_to_pay: WillingnessToPay = field(default_factory=WillingnessToPay)
    output_dir: str | None = None
    runs_dir: str = "outputs/compare/runs"
    posterior: str | None = None
    seeds_per_draw: int = 2
    pinned: list[str] = field(default_factory=list)
    batch: int | None = None


# The model node is typed by ModelSchema (a field typed Any keeps make_dataclass out of the
# annotations ruff and type checkers read; OmegaConf types it from the default factory).
ConfigStore.instance().store(name="compare_schema", node=CompareConfig)

# Whole-number settings of the job: (low, high) inclusive.
RANGES: dict[str, tuple[int, int]] = {
    "burn_in_weeks": (0, MAX_WEEKS),
    "horizon_weeks": (1, MAX_WEEKS),
    "replicates": (2, 100_000),  # two seeds at least: an interval needs a spread
    "seed": (0, 2**63 - 1),
    "jobs": (1, 100_000),
    "bootstrap": (0, 1_000_000),
    "seeds_per_draw": (1, 100_000),
}


def plain(node: Any) -> Any:
    """A config node as plain Python data (dicts, lists, scalars), resolved."""
    if isinstance(node, DictConfig | ListConfig):
        return OmegaConf.to_container(node, resolve=True)
    return node


def model_parameters(cfg: DictConfig) -> ModelParameters:
    """The validated model parameters of ``cfg.model``.

    Raises:
        ValueError: Naming ``model.<parameter>``, its value and the allowed range.
    """
    try:
        return ModelParameters.from_kwargs(**plain(cfg.model))
    except ValueError as error:
        raise ValueError(f"model: {error}") from error


def build_settings(arm: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword settings for :func:`sim.interventions.build`: nested member settings flattened.

    ``{"leadership_development": {"points": 6}}`` becomes ``{"leadership_development.points": 6}``
    (the form bundles take); lists and scalars pass through.
    """
    settings: dict[str, Any] = {}
    for key, value in (plain(arm.get("settings")) or {}).items():
        if isinstance(value, Mapping):
            for member_key, member_value in value.items():
                settings[f"{key}.{member_key}"] = member_value
        else:
            settings[key] = value
    return settings


def arm_names(cfg: DictConfig) -> list[str]:
    """The arms of the comparison: the reference, then the configured interventions in order."""
    return [REFERENCE_ARM, *cfg.intervention]


def validate(cfg: DictConfig) -> None:
    """Check every value against its allowed range; nothing is simulated.

    Raises:
        ValueError: Naming the key, the value and what is allowed.
    """
    from sim.interventions import build, valid_names
    from sim.scenarios import SCENARIOS

    _check_keys(cfg, CompareConfig, "")
    for label, scenario in cfg.scenario.items():
        _check_keys(scenario, ScenarioChoice, f"scenario.{label}.")
    for label, arm in cfg.intervention.items():
        _check_keys(arm, InterventionArm, f"intervention.{label}.")
    for key, (low, high) in RANGES.items():
        value = cfg[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(
                f"{key} = {value!r} is out of range; allowed: a whole number in [{low}, {high}]"
            )
    if cfg.batch is not None:
        raise ValueError("batch is set by the driver for each Hydra job; do not set it")
    _check_keys(cfg.willingness_to_pay, WillingnessToPay, "willingness_to_pay.")
    for key, grid in cfg.willingness_to_pay.items():
        values = list(grid)
        if not values or not all(math.isfinite(v) and v >= 0 for v in values):
            raise ValueError(
                f"willingness_to_pay.{key} = {values!r}; allowed: a non-empty list of finite "
                "numbers >= 0 (US dollars per unit of effect)"
            )
    model_parameters(cfg)
    check_posterior(cfg)
    if not cfg.scenario:
        raise ValueError(f"scenario is empty; choose one or more of: {', '.join(SCENARIOS)}")
    for label, scenario in cfg.scenario.items():
        if scenario.name not in SCENARIOS:
            raise ValueError(
                f"scenario.{label}.name = {scenario.name!r} is unknown; allowed: "
                f"{', '.join(SCENARIOS)}"
            )
    if REFERENCE_ARM in cfg.intervention:
        raise ValueError(
            f"intervention.{REFERENCE_ARM}: the name {REFERENCE_ARM!r} is kept for the arm "
            "without interventions"
        )
    for label, arm in cfg.intervention.items():
        if arm.build not in valid_names():
            raise ValueError(
                f"intervention.{label}.build = {arm.build!r} is unknown; allowed: "
                f"{', '.join(valid_names())}"
            )
        try:
            build(arm.build, **build_settings(arm))
        except (ValueError, TypeError) as error:
            raise ValueError(f"intervention.{label}.settings: {error}") from error


def check_posterior(cfg: DictConfig) -> None:
    """Check ``pinned`` names model parameters, and ``posterior`` loads and fits the model.

    Raises:
        ValueError: Naming the key; an unknown posterior lists the shipped ones.
    """
    from experiments.hydra_app import did_you_mean
    from experiments.runner import posterior_at, replicates

    names = [f.name for f in dataclasses.fields(ModelParameters)]
    for name in cfg.pinned:
        if name not in names:
            raise ValueError(
                f"pinned: {name!r} is not a model parameter{did_you_mean(name, names)}; allowed: "
                "names of sim.parameters.ModelParameters"
            )
    if cfg.posterior is None:
        return
    try:
        posterior = posterior_at(str(cfg.posterior))
    except (ValueError, OSError) as error:
        raise ValueError(f"posterior: {error}".replace("\n", " ")) from None
    params = plain(cfg.model)
    for rep in replicates(cfg.seed, cfg.replicates, posterior, cfg.seeds_per_draw, cfg.pinned):
        try:
            ModelParameters.from_kwargs(**{**params, **rep.parameters})
        except ValueError as error:
            raise ValueError(
                f"posterior: draw {rep.draw} does not fit the model settings: {error}"
            ) from None


def _check_keys(node: DictConfig, schema: type, prefix: str) -> None:
    """Reject keys the schema lacks (Hydra's ``+key=value`` adds them past the type check)."""
    allowed = {f.name for f in dataclasses.fields(schema)}
    unknown = sorted(set(node) - allowed - {"hydra"})
    if unknown:
        raise ValueError(
            f"unknown key(s) {', '.join(prefix + key for key in unknown)}; allowed: "
            f"{', '.join(prefix + key for key in sorted(allowed))}"
        )
