"""Hydra plumbing shared by the experiments: checked settings and the single-job wrapper.

The single-job commands (dose-response, tipping point) check their settings before any work, run
one job that writes its outputs into Hydra's output folder, print a summary and then the folder
as the last line; after a ``--multirun`` the :class:`PrintSweepFolder` callback prints the sweep
folder last instead. The drivers (main comparison, sensitivity) launch their batches of runs
through :mod:`experiments.runner`.
"""

import logging
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.scenarios import make_scenario


def whole_setting(name: str, value: Any, low: int, high: int) -> int:
    """``value`` as a whole number in ``[low, high]``, or a ValueError naming the setting."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(
            f"setting {name!r} = {value!r}; allowed: a whole number in [{low}, {high}]"
        )
    return int(value)


def number_setting(
    name: str, value: Any, low: float, high: float, *, open_low: bool = False
) -> float:
    """``value`` as a number in ``[low, high]`` (``(low, high]`` if ``open_low``), or ValueError."""
    bad = isinstance(value, bool) or not isinstance(value, int | float)
    if bad or not low <= value <= high or (open_low and value == low):
        bracket = "(" if open_low else "["
        raise ValueError(
            f"setting {name!r} = {value!r}; allowed: a number in {bracket}{low:g}, {high:g}]"
        )
    return float(value)


def scenario_name(choice: Any) -> str:
    """The outside pressure chosen from ``conf/scenario/`` (exactly one), checked.

    The group is shared with the main job: each file holds ``<label>: {name: ..., ...}``, and
    ``name`` is a scenario of ``sim.scenarios``. A plain name is accepted too.
    """
    entries = list(choice.values()) if isinstance(choice, Mapping) else [choice]
    if len(entries) != 1:
        labels = list(choice) if isinstance(choice, Mapping) else entries
        raise ValueError(
            f"setting 'scenario' chooses {len(entries)} scenarios {labels}; allowed: exactly one "
            "of conf/scenario/ (e.g. scenario=pandemic_surge)"
        )
    entry = entries[0]
    name = entry.get("name") if isinstance(entry, Mapping) else entry
    try:
        return make_scenario(str(name)).name
    except ValueError as error:
        raise ValueError(f"setting 'scenario': {error}") from None


def job_record(cfg: DictConfig, command: str) -> dict[str, Any]:
    """What ``run_info.json`` records of the Hydra job: command, overrides and full config."""
    overrides = list(HydraConfig.get().overrides.task)
    return {
        "command": " ".join([command, *overrides]),
        "overrides": overrides,
        "config": OmegaConf.to_container(cfg, resolve=True),
    }


def run_job[Settings](
    cfg: DictConfig,
    command: str,
    settings_from: Callable[[DictConfig], Settings],
    run: Callable[[Settings, Path, Mapping[str, Any]], dict],
    report: Callable[[dict, Settings], str],
) -> dict:
    """Check the settings, run the job into Hydra's output folder, print report and folder.

    Args:
        cfg: The composed config of the job.
        command: The command's name, for messages and records.
        settings_from: Checks ``cfg`` and returns the settings (ValueError if bad).
        run: Simulates, analyses and writes every output; returns the summary.
        report: The summary as text, printed before the folder.

    Returns:
        The summary. A bad setting ends the process (exit status 1) with its message first.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    try:
        settings = settings_from(cfg)
    except ValueError as error:
        sys.exit(f"{command}: {error}")
    out_dir = Path(HydraConfig.get().runtime.output_dir).resolve()
    summary = run(settings, out_dir, job_record(cfg, command))
    print(report(summary, settings))
    print(out_dir, flush=True)
    return summary


class PrintSweepFolder(Callback):
    """Hydra callback: after a ``--multirun``, print the sweep folder as the last line."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Print the folder that holds every job's output folder."""
        print(Path(config.hydra.sweep.dir).resolve(), flush=True)
