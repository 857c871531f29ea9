"""Configuration of the main comparison job: ``conf/config.yaml`` composed and checked.

Types are checked by the structured config (:mod:`experiments.schema`, registered in Hydra's
ConfigStore as ``compare_schema``), values against their allowed ranges, all before any
simulation.
"""

from collections.abc import Sequence
from importlib import resources
from typing import Any

from hydra.errors import HydraException, MissingConfigException
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from experiments import schema
from experiments.runner import compose_config as compose_named

CONFIG_MODULE = "conf"
CONFIG_NAME = "config"


def compose_config(overrides: Sequence[str]) -> tuple[DictConfig, dict[str, Any]]:
    """Compose ``conf/config.yaml`` with ``overrides`` and check every value.

    Returns:
        The config without its ``hydra`` node, and facts from that node: ``launcher`` (class
        name), ``choices`` (the option picked in each config group), ``run_dir`` and
        ``sweep_dir`` (Hydra's output folders, resolved).

    Raises:
        ValueError: On an unknown key, a value of the wrong type or out of range, or an unknown
            option, naming it (Hydra's and OmegaConf's messages included).
    """
    try:
        cfg = composed(overrides, hydra_node=True)
    except MissingConfigException as error:
        group, _, option = str(error.missing_cfg_file or "").rpartition("/")
        if not group:
            raise ValueError(str(error).replace("\n", " ")) from error
        raise ValueError(
            f"{group}: no option {option!r} (no file conf/{group}/{option}.yaml); allowed: "
            f"{', '.join(group_options(group))}"
        ) from error
    except (HydraException, OmegaConfBaseException) as error:
        _check_keys(overrides)  # an unknown key: named, with a close match and the allowed keys
        cause = f" ({error.__cause__})" if error.__cause__ else ""
        raise ValueError(f"{error}{cause}".replace("\n", " ")) from error
    try:
        given = {key.split("=", 1)[0] for key in overrides}  # resolved only if given: the
        facts = {  # default run folder is made when resolved (experiments.job_folder)
            "launcher": str(cfg.hydra.launcher.get("_target_", "?")).rsplit(".", 1)[-1],
            "choices": OmegaConf.to_container(cfg.hydra.runtime.choices),
            "run_dir": str(cfg.hydra.run.dir) if "hydra.run.dir" in given else None,
            "sweep_dir": str(cfg.hydra.sweep.dir) if "hydra.sweep.dir" in given else None,
        }
    except OmegaConfBaseException as error:
        raise ValueError(f"hydra: {error}".replace("\n", " ")) from error
    with open_dict(cfg):
        del cfg["hydra"]
    cfg.pinned = pinned_parameters(cfg, overrides)
    schema.validate(cfg)
    return cfg, facts


def _check_keys(overrides: Sequence[str]) -> None:
    """Raise ValueError naming an override's unknown key ("did you mean") if there is one."""
    from experiments.hydra_app import check_keys  # here: hydra_app imports this module

    base = composed([])
    groups = {"scenario", "intervention", "experiment", "organization"}
    check_keys(overrides, base, groups)


def composed(overrides: Sequence[str], hydra_node: bool = False) -> DictConfig:
    """``conf/config.yaml`` composed with ``overrides`` (inside a Hydra app: its search path)."""
    return compose_named(CONFIG_NAME, overrides, hydra_node)


def pinned_parameters(cfg: DictConfig, overrides: Sequence[str]) -> list[str]:
    """``cfg.pinned`` and every model parameter set by a ``model.<param>=`` override, sorted.

    These keep their configured value when parameter sets are drawn from a posterior.
    """
    given = {
        key.removeprefix("model.")
        for key in (o.split("=", 1)[0].lstrip("+~") for o in overrides if "=" in o)
        if key.startswith("model.")
    }
    return sorted(set(cfg.pinned) | given)


def group_options(group: str, config_module: str = CONFIG_MODULE) -> list[str]:
    """The options of a config group of ``config_module`` (its YAML files)."""
    folder = resources.files(config_module).joinpath(group)
    if not folder.is_dir():
        return []
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )
