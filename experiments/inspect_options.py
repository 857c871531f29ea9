"""Hydra's inspection options for the commands that drive their own jobs (compare, sensitivity).

``--cfg job|hydra|all`` prints the composed config, ``--info`` what was composed and how it will
run, ``--help`` the command's usage and its config: as Hydra's own apps do, from the same config
files and through Hydra's public compose API, and before anything is simulated or written.
"""

from collections.abc import Sequence

from hydra import compose, initialize_config_module
from omegaconf import DictConfig, OmegaConf, open_dict

CFG_PARTS = ("job", "hydra", "all")
OPTIONS = ("--cfg", "-c", "--info", "-i", "--help", "-h")


def requested(argv: Sequence[str]) -> tuple[str, str, list[str]] | None:
    """``(option, part, overrides)`` when ``argv`` asks to inspect, else None.

    Raises:
        ValueError: ``--cfg`` without one of job, hydra or all.
    """
    args = list(argv)
    for k, arg in enumerate(args):
        if arg in ("--cfg", "-c"):
            part = args[k + 1] if k + 1 < len(args) else ""
            if part not in CFG_PARTS:
                raise ValueError(f"--cfg {part!r}: allowed: {', '.join(CFG_PARTS)}")
            return "cfg", part, args[:k] + args[k + 2 :]
        if arg in ("--info", "-i"):
            return "info", "", args[:k] + args[k + 1 :]
        if arg in ("--help", "-h"):
            return "help", "", args[:k] + args[k + 1 :]
    return None


def composed(config_module: str, config_name: str, overrides: Sequence[str]) -> DictConfig:
    """The config with its ``hydra`` node, composed as the command composes it."""
    with initialize_config_module(config_module=config_module, version_base="1.3"):
        return compose(config_name, overrides=list(overrides), return_hydra_config=True)


def _job(cfg: DictConfig) -> DictConfig:
    job = cfg.copy()
    with open_dict(job):
        del job["hydra"]
    return job


def text(
    option: str, part: str, cfg: DictConfig, command: str, usage: str, config_name: str
) -> str:
    """What an inspection option prints for the composed ``cfg``."""
    job_yaml = OmegaConf.to_yaml(_job(cfg))
    if option == "cfg":
        if part == "job":
            return job_yaml
        if part == "hydra":
            return OmegaConf.to_yaml(OmegaConf.create({"hydra": cfg.hydra}))
        return OmegaConf.to_yaml(cfg)
    if option == "info":
        choices = OmegaConf.to_container(cfg.hydra.runtime.choices)
        picked = "\n".join(
            f"  {group}: {value}"
            for group, value in sorted(choices.items())
            if not str(group).startswith("hydra/") or group == "hydra/launcher"
        )
        return (
            f"{command}\n"
            f"Config: conf/{config_name}.yaml (config module conf)\n"
            f"Launcher: {cfg.hydra.launcher.get('_target_', '?')}\n"
            f"Options picked in each config group:\n{picked}\n"
            f"Output folder pattern: {OmegaConf.to_container(cfg.hydra.run)['dir']}\n"
        )
    return f"{usage.strip()}\n\n== Config (conf/{config_name}.yaml) ==\n{job_yaml}"
