"""Hydra apps that print one JSON report (trial, crisis): checked command lines, one-line errors.

A command is a ``@hydra.main`` app over a structured config (a dataclass registered in Hydra's
ConfigStore). Its console entry first checks the whole command line with Hydra's public compose
API (:func:`check_command_line`): every key against the config (with a "did you mean" from
:mod:`difflib`), every value against its type and allowed range, and every point of a
``--multirun`` sweep, so a bad key or value ends the process with one line naming it before
any simulation. Informational flags (``--help``, ``--cfg``, ``--info``, ...) go straight to
Hydra. The job (:func:`run_json_job`) then prints the report as JSON on stdout and writes it,
with the job's record, into Hydra's output folder. :class:`JsonCommand` puts the pieces together:
a command module declares its config name, settings and job once and takes its ``main`` and
``parse_args`` from it.

``model.<parameter>`` is a parameter of :class:`sim.parameters.ModelParameters` (the typed node
:data:`ModelOverrides`, null meaning the model's default); intervention settings are new keys
of ``settings`` (``+settings.uptake=0.5``).
"""

import dataclasses
import difflib
import json
import logging
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hydra
from hydra import compose, initialize_config_module
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException, MissingConfigException
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from experiments.compare_config import CONFIG_MODULE, group_options
from experiments.hydra_job import job_record, run_job, scenario_name
from experiments.overrides import INSPECTION, override_key, overrides_to_check, sweep_points
from experiments.records import provenance, write_json_atomic
from experiments.schema import build_settings
from sim.parameters import ModelParameters

ModelOverrides = dataclasses.make_dataclass(
    "ModelOverrides",
    [(f.name, f.type | None, field(default=None)) for f in dataclasses.fields(ModelParameters)],
    namespace={"__doc__": "Model parameters (sim.parameters); null keeps the model's default."},
)

# The same typed node for the apps configured by YAML files alone (dose_response,
# tipping_point): their defaults list merges it under `model`, so `model.<parameter>=` works
# there without a `+`, as in every other command.
ConfigStore.instance().store(group="schema", name="model", node=ModelOverrides)

FREE_NODES = ("settings",)
"""Nodes whose keys are new on the command line (``+settings.KEY=VALUE``), checked by the job."""

INFO_FLAGS = frozenset(
    {"-h", "--help", "--hydra-help", "--version", "-c", "--cfg", "-i", "--info", "--resolve"}
    | {"-sc", "--shell-completion", "-cp", "--config-path", "-cd", "--config-dir", "-p"}
    | {"--package", "--experimental-rerun"}
)
"""Flags after which Hydra alone reads the command line (help, config printing, other paths)."""


def did_you_mean(word: str, valid: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest valid word, or ``""`` when none is close."""
    close = difflib.get_close_matches(word, list(valid), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def model_values(node: Any) -> dict[str, Any]:
    """The model parameters set in a :data:`ModelOverrides` node (nulls dropped)."""
    values = OmegaConf.to_container(node, resolve=True) if isinstance(node, DictConfig) else node
    return {key: value for key, value in dict(values or {}).items() if value is not None}


def _valid_keys(node: DictConfig, prefix: str = "") -> list[str]:
    """Every settable key of ``node``, dotted (free nodes as ``+NODE.KEY``)."""
    keys = []
    for key, value in node.items_ex(resolve=False):
        path = f"{prefix}{key}"
        if path in FREE_NODES:
            keys.append(f"+{path}.KEY")
        elif isinstance(value, DictConfig) and path != "scenario":
            keys += _valid_keys(value, f"{path}.")
        else:
            keys.append(path)
    return keys


def check_keys(overrides: Sequence[str], base: DictConfig, groups: Iterable[str]) -> None:
    """Reject overrides of keys ``base`` lacks, naming the key, a close match and what is allowed.

    Raises:
        ValueError: On an unknown key, or a ``settings`` key given without its ``+``.
    """
    valid = _valid_keys(base)
    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
    except HydraException as error:
        raise ValueError(str(error).replace("\n", " ")) from None
    for override in parsed:
        key = override.key_or_group
        if key == "hydra" or key.startswith(("hydra.", "hydra/")) or key in groups:
            continue
        root = key.split(".", 1)[0]
        if root in FREE_NODES and "." in key:
            if not (override.is_add() or override.is_force_add()):
                raise ValueError(
                    f"{key}: intervention settings are new keys; write +{override.input_line}"
                )
            continue
        if (override.is_add() or override.is_force_add()) and _open_parent(base, key):
            continue  # a new key of an open dict (``dict[str, Any]``): checked by its job
        if not _has_key(base, key):
            hint = did_you_mean(key, valid)
            if not hint and key.startswith("params."):
                hint = f" (did you mean 'model.{key.removeprefix('params.')}'?)"
            raise ValueError(f"unknown argument {key!r}{hint}; allowed: {', '.join(valid)}")


def _has_key(node: Any, key: str) -> bool:
    """Whether dotted ``key`` is a key of ``node`` (mandatory ``???`` values included)."""
    for part in key.split("."):
        if not isinstance(node, DictConfig) or part not in node.keys():
            return False
        node = OmegaConf.select(node, part, throw_on_missing=False)
    return True


def _open_parent(base: DictConfig, key: str) -> bool:
    """Whether dotted ``key``'s parent is an open dict of ``base`` (not a structured node)."""
    parent, dot, _ = key.rpartition(".")
    if not dot or not _has_key(base, parent):
        return False
    node = OmegaConf.select(base, parent, throw_on_missing=False)
    return isinstance(node, DictConfig) and OmegaConf.get_type(node) is dict


def _one_line(error: Exception) -> str:
    """Hydra's or OmegaConf's message (and its cause) on one line."""
    cause = error.__cause__
    text = f"{error}: {cause}" if cause and str(cause) not in str(error) else str(error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "; ".join(line for line in lines if not line.startswith(("object_type", "reference")))


def compose_checked[Settings](
    config_name: str,
    overrides: Sequence[str],
    settings_from: Callable[[DictConfig], Settings],
    config_module: str = CONFIG_MODULE,
) -> Settings:
    """Compose ``<config_module>/<config_name>`` with ``overrides``, check every key and value.

    Returns:
        The job's checked settings.

    Raises:
        ValueError: Naming the bad key or value and what is allowed.
    """
    if GlobalHydra.instance().is_initialized():
        return _compose(config_name, overrides, settings_from, config_module)
    with initialize_config_module(config_module=config_module, version_base="1.3"):
        return _compose(config_name, overrides, settings_from, config_module)


def _compose[Settings](
    config_name: str,
    overrides: Sequence[str],
    settings_from: Callable[[DictConfig], Settings],
    module: str,
) -> Settings:
    chosen = [
        o for o in overrides if not o.startswith(("+", "~")) and is_group(override_key(o), module)
    ]
    base = _composed(config_name, chosen, module, hydra_node=True)
    groups = list(base.hydra.runtime.choices)
    with open_dict(base):
        del base["hydra"]
    check_keys(overrides, base, groups)
    return settings_from(_composed(config_name, overrides, module))


def is_group(key: str, config_module: str = CONFIG_MODULE) -> bool:
    """Whether ``key`` names a config group of ``config_module`` (a folder of options)."""
    return "." not in key and bool(group_options(key, config_module))


def _composed(
    config_name: str, overrides: Sequence[str], module: str, hydra_node: bool = False
) -> DictConfig:
    """The composed config; Hydra's errors as one-line ValueErrors (options listed)."""
    try:
        return compose(config_name, overrides=list(overrides), return_hydra_config=hydra_node)
    except MissingConfigException as error:
        group, _, option = str(error.missing_cfg_file or "").rpartition("/")
        if not group:
            raise ValueError(_one_line(error)) from None
        options = group_options(group, module)
        raise ValueError(
            f"{group}={option} is not one of the valid names{did_you_mean(option, options)}; "
            f"allowed: {', '.join(options)}"
        ) from None
    except (HydraException, OmegaConfBaseException) as error:
        raise ValueError(_one_line(error)) from None


def check_command_line(
    command: str,
    config_name: str,
    settings_from: Callable[[DictConfig], Any],
    argv: Sequence[str] | None = None,
    config_module: str = CONFIG_MODULE,
) -> None:
    """Check ``argv`` (default ``sys.argv[1:]``) before the app runs; exit 1 with one line if bad.

    Every point of a ``--multirun`` sweep is checked. With ``--help``, ``--cfg`` or ``--info``
    only keys and types are checked (a required choice may be left out to see the config); with
    tab completion, another config path or a flag that is not Hydra's, Hydra alone reads the
    command line (:func:`experiments.overrides.overrides_to_check`).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    for k, arg in enumerate(args):  # another config of the same module: checked against it
        if arg in ("-cn", "--config-name") and k + 1 < len(args):
            config_name = args[k + 1]
            del args[k : k + 2]
            break
        if arg.startswith("--config-name="):
            config_name = arg.partition("=")[2]
            del args[k]
            break
    kept = overrides_to_check(args)
    if kept is None:
        return
    multirun = any(a in ("-m", "--multirun") for a in kept)
    overrides = [a for a in kept if a not in ("-m", "--multirun")]
    if any(a in INSPECTION for a in args):
        settings_from = _composed_only
    try:
        points, _ = sweep_points(overrides, multirun)
        for point in points:
            compose_checked(config_name, point, settings_from, config_module)
    except ValueError as error:
        sys.exit(f"{command}: {error}")


def _composed_only(cfg: DictConfig) -> DictConfig:
    return cfg


def run_json_job[Settings](
    cfg: DictConfig,
    command: str,
    settings_from: Callable[[DictConfig], Settings],
    run: Callable[[Settings], dict[str, Any]],
    report_name: str,
) -> dict[str, Any]:
    """Run the job; print its report as JSON on stdout and write it into Hydra's output folder.

    Writes ``<report_name>`` (the report) and ``run_info.json`` (command, overrides, config,
    versions). A bad setting ends the process (exit status 1) with one line before any work.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    try:
        settings = settings_from(cfg)
    except ValueError as error:
        sys.exit(f"{command}: {error}")
    report = run(settings)
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    write_json_atomic(out_dir / report_name, report)
    write_json_atomic(out_dir / "run_info.json", {**job_record(cfg, command), **provenance()})
    print(json.dumps(report, indent=2, allow_nan=False), flush=True)
    return report


@dataclass(frozen=True)
class JsonCommand[Settings]:
    """A command that checks its settings, runs one job and prints its report as JSON.

    Attributes:
        module: The command's module (``python -m <module>``; its Hydra job's name).
        config_name: Its config in ``conf/`` (a structured config registered in the ConfigStore).
        settings_from: Checks a composed config and returns the job's settings (ValueError).
        run: The job: settings in, JSON-ready report out.
        report_name: The report's file in the job's output folder.
    """

    module: str
    config_name: str
    settings_from: Callable[[DictConfig], Settings]
    run: Callable[[Settings], dict[str, Any]]
    report_name: str

    @property
    def command(self) -> str:
        """How the command is typed, for messages and records."""
        return f"python -m {self.module}"

    def parse_args(self, argv: Sequence[str]) -> Settings:
        """The checked settings of command-line overrides (Python use).

        The old spellings are accepted: ``params.KEY`` and ``n_workers`` for ``model.KEY`` and
        ``settings.KEY`` for ``+settings.KEY``.
        """
        return compose_checked(self.config_name, legacy_overrides(argv), self.settings_from)

    def job(self, cfg: DictConfig) -> dict[str, Any]:
        """The Hydra job: run, print the JSON report and write it to the output folder."""
        return run_json_job(cfg, self.command, self.settings_from, self.run, self.report_name)

    def main(self) -> None:
        """Command-line entry: check the command line (one line if bad), then run the app."""
        check_command_line(self.command, self.config_name, self.settings_from)

        def app(cfg: DictConfig) -> None:
            self.job(cfg)

        app.__module__ = self.module  # Hydra names the job (and its log) after the module
        hydra.main(version_base="1.3", config_path="pkg://conf", config_name=self.config_name)(
            app
        )()


@dataclass(frozen=True)
class ConfigModuleCommand[Settings]:
    """A command with a config package of its own (``conf/<name>/``): check, run one job, report.

    For the commands whose config is not in ``conf/`` itself (the health system and its fit): the
    command line is checked first (one line if bad), then the Hydra app runs
    :func:`experiments.hydra_job.run_job`, which prints the report and the output folder last.

    Attributes:
        module: The command's module (``python -m <module>``; its Hydra job's name).
        config_module: The package of its config (e.g. ``conf.system_app``).
        config_name: Its primary config in that package.
        settings_from: Checks a composed config and returns the job's settings (ValueError).
        run: The job: settings, output folder and job record in; summary out.
        report: The summary as text, printed before the folder.
    """

    module: str
    config_module: str
    config_name: str
    settings_from: Callable[[DictConfig], Settings]
    run: Callable[[Settings, Path, Any], dict]
    report: Callable[[dict, Settings], str]

    @property
    def command(self) -> str:
        """How the command is typed, for messages and records."""
        return f"python -m {self.module}"

    def main(self) -> None:
        """Command-line entry: check the command line (one line if bad), then run the app."""
        logging.getLogger("MESA").setLevel(logging.WARNING)
        check_command_line(
            self.command, self.config_name, self.settings_from, config_module=self.config_module
        )

        def app(cfg: DictConfig) -> None:
            run_job(cfg, self.command, self.settings_from, self.run, self.report)

        app.__module__ = self.module  # Hydra names the job (and its log) after the module
        config_path = f"pkg://{self.config_module}"
        hydra.main(version_base="1.3", config_path=config_path, config_name=self.config_name)(app)()


def legacy_overrides(argv: Sequence[str], model_keys: Iterable[str] = ("n_workers",)) -> list[str]:
    """Old ``key=value`` spellings as overrides: ``params.K`` and ``n_workers`` are ``model.K``.

    ``settings.K=V`` becomes ``+settings.K=V``; everything else passes through.
    """
    out = []
    top_level_model = set(model_keys)
    for arg in argv:
        key, eq, value = arg.partition("=")
        if eq and key.startswith("params."):
            arg = f"model.{key.removeprefix('params.')}={value}"
        elif eq and key in top_level_model:
            arg = f"model.{key}={value}"
        elif eq and key.startswith("settings."):
            arg = f"+{arg}"
        out.append(arg)
    return out


def job_fields(
    cfg: DictConfig, names: Sequence[str], intervention_optional: bool = False
) -> dict[str, Any]:
    """Keyword arguments of a job's settings dataclass from its composed config.

    ``intervention`` and ``settings`` from :func:`intervention_choice` (with
    ``intervention_optional``, none chosen gives ``""`` and no settings), ``scenario`` from
    ``conf/scenario/``, ``n_workers`` (if set) and ``params`` from ``model``, and ``names``
    copied as they are.
    """
    if intervention_optional and not cfg.intervention:
        name, settings = "", {}
    else:
        name, settings = intervention_choice(cfg)
    model = model_values(cfg.model)
    sized = {"n_workers": model.pop("n_workers")} if "n_workers" in model else {}
    return {
        "intervention": name,
        "scenario": scenario_name(cfg.scenario),
        "settings": settings,
        "params": model,
        **sized,
        **{key: cfg[key] for key in names},
    }


def intervention_choice(cfg: DictConfig) -> tuple[str, dict[str, Any]]:
    """The intervention chosen from ``conf/intervention/`` (exactly one) and its settings.

    The settings are the file's, then ``settings`` of the command line (``+settings.KEY``).

    Raises:
        ValueError: When none or several are chosen.
    """
    arms = list(cfg.intervention.values())
    if not arms:
        raise ValueError(
            f"intervention is required; allowed: intervention=NAME, NAME one of "
            f"{', '.join(group_options('intervention'))}"
        )
    if len(arms) != 1:
        raise ValueError(
            f"intervention chooses {len(arms)} interventions {list(cfg.intervention)}; allowed: "
            f"exactly one of {', '.join(group_options('intervention'))}"
        )
    extra = OmegaConf.to_container(cfg.settings, resolve=True) or {}
    return str(arms[0].build), {**build_settings(arms[0]), **extra}
