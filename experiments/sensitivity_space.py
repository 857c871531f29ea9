"""The sensitivity analysis's configuration: the parameter space and what it may name."""

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from omegaconf import DictConfig

from analysis.sensitivity import UncertainParameter

STATUS_QUO = "status_quo"
"""Name of the arm without interventions."""

ENTRY_KEYS = ("low", "high", "dist", "source", "mode", "mean", "sd")
"""Keys an entry of a parameter space may have (see :class:`UncertainParameter`)."""


@dataclass(frozen=True)
class Space:
    """The uncertain parameters of one analysis.

    Attributes:
        params: In file order: model parameters, then ``"<bundle>.<name>"`` bundle settings.
        scales: For bundle entries with ``scales``: the ``member.setting`` targets whose
            defaults the sampled value multiplies (``"*"`` as member: every member).
    """

    params: list[UncertainParameter]
    scales: Mapping[str, tuple[str, ...]]


def parameter_space(cfg: DictConfig) -> Space:
    """Read the uncertain parameters of ``cfg.sensitivity``, in file order.

    ``parameters`` maps model parameters to their entries. ``bundles`` maps each intervention
    bundle to its uncertain settings, named ``"<bundle>.<name>"`` in the results: a ``build()``
    setting of the bundle (``uptake``, ``half_life_weeks``, ``"member.setting"``), or, with
    ``scales: [member.setting, ...]``, a factor on those settings' defaults.

    Raises:
        ValueError: If an entry is not a mapping, has unknown keys, or breaks a rule of
            :class:`UncertainParameter` (low not below high, no source, ...).
    """
    entries = dict(cfg.sensitivity.get("parameters") or {})
    scales: dict[str, tuple[str, ...]] = {}
    for bundle, settings in (cfg.sensitivity.get("bundles") or {}).items():
        if not isinstance(settings, Mapping):
            raise ValueError(
                f"sensitivity.bundles.{bundle}: expected a mapping of settings, got {settings!r}"
            )
        for setting, entry in settings.items():
            name = f"{bundle}.{setting}"
            if isinstance(entry, Mapping) and "scales" in entry:
                targets = entry["scales"]
                if isinstance(targets, str) or not targets:
                    raise ValueError(
                        f"sensitivity parameter {name!r}: scales must be a non-empty list of "
                        f"'member.setting' names, got {targets!r}"
                    )
                scales[name] = tuple(str(t) for t in targets)
                entry = {k: v for k, v in entry.items() if k != "scales"}
            entries[name] = entry
    if not entries:
        raise ValueError("the parameter space (sensitivity.parameters) is empty")
    return Space([_entry(str(name), entry) for name, entry in entries.items()], scales)


def _entry(name: str, entry: Any) -> UncertainParameter:
    if not isinstance(entry, Mapping):
        raise ValueError(
            f"sensitivity parameter {name!r}: expected a mapping with low, high and source, "
            f"got {entry!r}"
        )
    unknown = sorted(set(entry) - set(ENTRY_KEYS))
    if unknown:
        raise ValueError(
            f"sensitivity parameter {name!r}: unknown key(s) {unknown}; allowed: "
            f"{', '.join(ENTRY_KEYS)} (and scales, for bundle settings)"
        )
    missing = [key for key in ("low", "high") if entry.get(key) is None]
    if missing:
        raise ValueError(f"sensitivity parameter {name!r}: missing {' and '.join(missing)}")
    return UncertainParameter(name=name, **dict(entry))


def model_fields() -> dict[str, Any]:
    """The model's parameters (fields of :class:`sim.parameters.ModelParameters`) by name."""
    from sim.parameters import ModelParameters

    return {
        f.name: f
        for f in dataclasses.fields(ModelParameters)
        if f.type in (int, float) and f.metadata.get("low") is not None
    }


def arm_names(cfg: DictConfig) -> list[str]:
    """The arms simulated for every sample: the status quo (if asked), then the contrast."""
    arms = [STATUS_QUO] if cfg.status_quo else []
    if cfg.contrast is not None:
        pair = list(cfg.contrast.arms)
        if len(pair) != 2 or pair[0] == pair[1]:
            raise ValueError(f"contrast.arms must name two different bundles, got {pair}")
        arms += pair
    if not arms:
        raise ValueError("nothing to simulate: status_quo is false and contrast is null")
    return arms


def output_names(cfg: DictConfig) -> list[str]:
    """Names of the analysed outputs, in the column order of the simulated results."""
    if cfg.sensitivity.evaluator == "ishigami":
        return ["y"]
    metrics = list(cfg.metrics)
    names = list(metrics) if cfg.status_quo else []
    if cfg.contrast is not None:
        names += [f"{cfg.contrast.name}_{metric}" for metric in metrics]
    return names


def split_name(name: str) -> tuple[str | None, str]:
    """``"bundle.setting"`` -> (bundle, setting); a model parameter -> (None, name)."""
    bundle, dot, setting = name.partition(".")
    return (bundle, setting) if dot else (None, name)


def known_names(cfg: DictConfig, space: Space) -> list[str]:
    """Names a parameter of this space may have: model parameters and simulated bundles'."""
    if cfg.sensitivity.evaluator == "ishigami":
        return ["x1", "x2", "x3"]
    bundles = set(arm_names(cfg)) - {STATUS_QUO}
    dotted = [p.name for p in space.params if split_name(p.name)[0] in bundles]
    return sorted([*model_fields(), *dotted])


def bundle_settings(
    cfg: DictConfig, space: Space, bundle: str, values: Mapping[str, float]
) -> dict[str, Any]:
    """``build()`` settings of ``bundle`` for one sample: fixed settings, then sampled ones.

    Args:
        cfg: The composed config (``interventions.<bundle>`` holds fixed settings).
        space: The parameter space.
        bundle: The bundle's name.
        values: Sampled values by parameter name (other bundles' and model ones are ignored).
    """
    from sim.interventions import BUNDLES, INTERVENTIONS

    settings = dict(cfg.interventions.get(bundle) or {})
    for name, value in values.items():
        owner, setting = split_name(name)
        if owner != bundle:
            continue
        if name not in space.scales:
            settings[setting] = float(value)
            continue
        for target in space.scales[name]:
            member, dot, key = target.partition(".")
            members = BUNDLES.get(bundle, ()) if member == "*" else (member,)
            if not dot or not members:
                listed = ", ".join(BUNDLES.get(bundle, ()))
                raise ValueError(
                    f"sensitivity parameter {name!r}: cannot scale {target!r}; give "
                    f"'member.setting' with a member of {bundle!r} ({listed})"
                )
            for m in members:
                full = f"{m}.{key}"
                if m not in INTERVENTIONS or key not in INTERVENTIONS[m].settings_spec():
                    raise ValueError(
                        f"sensitivity parameter {name!r}: {full!r} is not a setting of a member "
                        f"of {bundle!r}"
                    )
                spec = INTERVENTIONS[m].settings_spec()[key]
                base = settings.get(full, spec.default)
                if not isinstance(base, int | float) or isinstance(base, bool):
                    raise ValueError(
                        f"sensitivity parameter {name!r}: {full!r} has no numeric default to scale"
                    )
                scaled = base * float(value)
                settings[full] = round(scaled) if spec.integer else scaled
    return settings


def check_space(cfg: DictConfig, space: Space) -> None:
    """Check, before any simulation, that the model can run at both ends of every range.

    Model parameters are checked by :class:`sim.parameters.ModelParameters` (which names the
    allowed range); bundle settings by building the bundle with that value.

    Raises:
        ValueError: Naming the parameter, its range and the rule it breaks.
    """
    if cfg.sensitivity.evaluator != "workforce":
        return
    from sim.parameters import ModelParameters

    fixed = dict(cfg.model)
    ModelParameters.from_kwargs(**fixed)
    bundles = set(arm_names(cfg)) - {STATUS_QUO}
    for bundle in sorted(bundles):
        build_bundle(bundle, bundle_settings(cfg, space, bundle, {}))
    for param in space.params:
        if param.dist in ("norm", "lognorm", "weibull"):
            continue  # unbounded: checked sample by sample in check_samples
        bundle, _ = split_name(param.name)
        for end, value in (("low", param.low), ("high", param.high)):
            tried = ""
            try:
                if bundle is None:
                    ModelParameters.from_kwargs(**{**fixed, param.name: value})
                else:
                    settings = bundle_settings(cfg, space, bundle, {param.name: value})
                    tried = f" (settings of {bundle!r}: {settings})"
                    build_bundle(bundle, settings)
            except (ValueError, TypeError) as error:
                raise ValueError(
                    f"sensitivity parameter {param.name!r}: its {end} end ({value}) is not "
                    f"allowed: {error}{tried}"
                ) from error


def check_samples(cfg: DictConfig, names: Sequence[str], X: np.ndarray) -> None:
    """Check every sampled value of a model parameter against the model's allowed range."""
    if cfg.sensitivity.evaluator != "workforce":
        return
    fields = model_fields()
    for column, name in enumerate(names):
        if name not in fields:
            continue
        low, high = fields[name].metadata["low"], fields[name].metadata["high"]
        bad = np.flatnonzero((X[:, column] < low) | (X[:, column] > high))
        if bad.size:
            raise ValueError(
                f"sensitivity parameter {name!r}: {bad.size} sampled values fall outside the "
                f"model's allowed range [{low}, {high}] (first {X[bad[0], column]:g} at row "
                f"{bad[0]}); narrow or truncate its distribution"
            )


def build_bundle(bundle: str, settings: Mapping[str, Any]) -> list:
    """The interventions of ``bundle`` with ``settings`` (sim.interventions.build)."""
    from sim import interventions

    return list(interventions.build(bundle, **settings))
