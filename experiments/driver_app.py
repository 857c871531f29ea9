"""The ``@hydra.main`` apps of the commands that launch their own batches (compare, sensitivity).

Each is a Hydra app over its config in ``conf/``: ``--help``, ``--cfg job|hydra|all``,
``--info``, ``--resolve``, ``-sc`` (tab completion) and ``hydra.run.dir=`` are Hydra's own.
Before the app starts, every override (every sweep point) is checked by the command, so a bad
key or value is one line (exit status 1) and nothing is created.

- A single run is the app's job: its output folder is Hydra's run folder
  (``hydra.run.dir``: ``output_dir`` when given, else a new folder made by the ``job_folder``
  resolver of :mod:`experiments.job_folder`, unique to the job; resolving it, as
  ``--cfg hydra --resolve`` also does, makes the folder). The command's driver then launches its
  batches through the configured ``hydra/launcher`` (:mod:`experiments.runner`).
- ``--multirun`` goes to the sweeper of ``conf/hydra/sweeper/driver.yaml``, which hands the
  whole command line to the driver (its sweeps unexpanded) instead of launching one job per
  point: ``compare`` checks every point and deals the batches of all points to one launch;
  ``sensitivity`` runs one analysis per point, one after another.
"""

import sys
from collections.abc import Callable
from pathlib import Path

import hydra
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from experiments.overrides import override_key, overrides_to_check
from experiments.runner import quote_override

NOT_PASSED = ("hydra.mode", "hydra.run.dir", "hydra.job.num", "hydra.job.id")
"""Hydra overrides the app does not pass on to the driver (it gives the folder itself)."""


def job_overrides() -> list[str]:
    """The running app's overrides for its driver: Hydra's own, the job's and its folder.

    The output folder is Hydra's run folder (``output_dir=`` unless the user gave one).
    """
    hydra_cfg = HydraConfig.get()
    own = [str(o) for o in hydra_cfg.overrides.hydra if override_key(str(o)) not in NOT_PASSED]
    task = [str(o) for o in hydra_cfg.overrides.task]
    if not any(override_key(o) == "output_dir" for o in task):
        task.append(f"output_dir={quote_override(hydra_cfg.runtime.output_dir)}")
    return [*own, *task]


def run_app(
    module: str,
    config_name: str,
    check: Callable[[list[str]], None],
    job: Callable[[list[str]], Path],
) -> None:
    """Check the command line, then run the command as a ``@hydra.main`` app.

    Args:
        module: The command's module (its Hydra job's and log's name).
        config_name: Its config in ``conf/``.
        check: Raises ValueError, naming the key, if the overrides (``-m`` included) are bad.
        job: The driver: runs with overrides (:func:`job_overrides`), returns the output folder.
    """
    command = module.removeprefix("experiments.")
    overrides = overrides_to_check(sys.argv[1:])
    if overrides is not None:
        try:
            check(overrides)
        except ValueError as error:
            sys.exit(f"experiments.{command}: {str(error).splitlines()[0]}")

    def app(cfg: DictConfig) -> None:
        print(job(job_overrides()), flush=True)

    app.__module__ = module  # Hydra names the job (and its log) after the module
    try:
        hydra.main(version_base="1.3", config_path="pkg://conf", config_name=config_name)(app)()
    finally:
        GlobalHydra.instance().clear()  # a caller in the same process may compose again
