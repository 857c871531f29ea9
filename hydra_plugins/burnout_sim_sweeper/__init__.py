"""A Hydra sweeper that hands a whole ``--multirun`` to the command's own driver.

The main comparison and the sensitivity analysis launch batches of simulations themselves,
through the launcher configured in ``hydra/launcher`` (:mod:`experiments.runner`). Under Hydra's
basic sweeper every sweep point would be a job of that same launcher, launching its own batches
from inside a job. This sweeper instead gives the driver every override of the command line (the
sweeps unexpanded, Hydra's own overrides included): the driver checks every point first, then
deals the batches of all points to the configured launcher. Configured in
``conf/hydra/sweeper/driver.yaml``; Hydra finds it as a plugin (package ``hydra_plugins``).
"""

from collections.abc import Callable, Sequence
from typing import Any

from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from hydra.utils import get_method
from omegaconf import DictConfig


class DriverSweeper(Sweeper):
    """Run a ``--multirun`` by calling ``driver`` with the command line's overrides.

    Args:
        driver: Dotted name of a function taking the overrides (Hydra's first, then the job's).
    """

    def __init__(self, driver: str) -> None:
        self.driver = driver
        self.config: DictConfig | None = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        """Keep the composed config (it holds Hydra's own overrides)."""
        self.config = config

    def sweep(self, arguments: list[str]) -> Any:
        """Call the driver with Hydra's overrides and ``arguments`` (the job's overrides)."""
        assert self.config is not None, "setup() first"
        own: Sequence[str] = self.config.hydra.overrides.hydra
        hydra_overrides = [str(o) for o in own if not str(o).startswith("hydra.mode=")]
        driver: Callable[[list[str]], Any] = get_method(self.driver)
        return driver([*hydra_overrides, *arguments])
