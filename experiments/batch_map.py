"""Map a function over items in batches: in this process, or as jobs of the Hydra launcher.

The calibration's simulations (ABC-SMC rounds, the noise pilot, the representative point's
candidates, the posterior predictive draws) and each evaluation of the system fit
(:mod:`experiments.system_fit`: its scenarios x seeds) are batches of independent calls. A
mapper runs ``fn`` over ``items`` and returns the results in order:

- :func:`in_process`: here, one after the other (``jobs=1``; tests, small runs).
- :class:`LaunchedMap`: the items are dealt round-robin to ``jobs`` jobs
  (:func:`experiments.runner.deal`), each job's share is written with cloudpickle to a file of
  its round's folder, and the jobs go to the configured launcher (``hydra/launcher``: joblib on
  this machine's cores, ``cluster`` for SLURM) through :func:`experiments.runner.launch`, the
  same path as every other experiment's jobs. Each job composes ``conf/calibration/batch.yaml``
  (inside the system fit's app, its copy ``conf/system_fit/batch.yaml``: an app's jobs compose
  from its own search path) with ``batch_file=<its file>``, runs :func:`run_batch`, and returns
  its results, which the launcher hands back (pickled) to this process. The share files are
  removed once read; the jobs' logs stay in ``<folder>/round_<k>/<job>/``.
"""

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import cloudpickle
from omegaconf import DictConfig

from experiments import runner
from experiments.records import atomic_path

Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]
"""``mapper(fn, items) -> [fn(item) for item in items]``, computed wherever the mapper runs it."""

BATCH_CONFIG = "batch"
BATCH_MODULE = "conf.calibration"
"""The config each launched job composes (``conf/calibration/batch.yaml``) and its module."""


def in_process(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """``fn`` over ``items`` here, in order."""
    return [fn(item) for item in items]


def run_batch(cfg: DictConfig) -> list[Any]:
    """A launched job: read its share (``cfg.batch_file``), return ``fn`` of each item."""
    fn, items = cloudpickle.loads(Path(cfg.batch_file).read_bytes())
    return [fn(item) for item in items]


class LaunchedMap:
    """A mapper that sends ``jobs`` jobs per call to the configured Hydra launcher.

    Args:
        jobs: Jobs per call (each gets every ``jobs``-th item).
        folder: Where each call's round folder goes (``round_<k>``: share files, job logs).
        hydra_overrides: Overrides of Hydra's own config that choose and set the launcher
            (``hydra/launcher=cluster``, ``hydra.launcher.n_jobs=2``, ...).
    """

    def __init__(self, jobs: int, folder: Path, hydra_overrides: Sequence[str] = ()) -> None:
        if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
            raise ValueError(f"jobs = {jobs!r}; allowed: a whole number >= 1")
        self.jobs = jobs
        self.folder = Path(folder)
        self.hydra_overrides = tuple(hydra_overrides)
        self._rounds = itertools.count()

    def __call__(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """``[fn(item) for item in items]``, computed by the launched jobs."""
        items = list(items)
        if not items:
            return []
        jobs = min(self.jobs, len(items))
        round_dir = self.folder / f"round_{next(self._rounds)}"
        round_dir.mkdir(parents=True, exist_ok=True)
        files = []
        for job in range(jobs):
            path = round_dir / f"share_{job}.pkl"
            with atomic_path(path) as tmp:
                tmp.write_bytes(cloudpickle.dumps((fn, runner.deal(items, job, jobs))))
            files.append(path)
        try:
            returns = runner.launch(
                BATCH_CONFIG,
                self.hydra_overrides,
                [[f"batch_file={runner.quote_override(p.resolve())}"] for p in files],
                round_dir,
                run_batch,
                "calibration_batch",
                BATCH_MODULE,
            )
        finally:
            for path in files:
                path.unlink(missing_ok=True)
        results: list[Any] = [None] * len(items)
        for job, share in enumerate(returns):
            results[job::jobs] = share
        return results


def launcher_overrides(hydra_overrides: Sequence[str]) -> list[str]:
    """The overrides among ``hydra_overrides`` that choose or set the launcher."""
    keep = ("hydra/launcher=", "hydra.launcher.")
    return [o for o in hydra_overrides if o.lstrip("~+").startswith(keep)]


def simulation_mapper(jobs: int, out_dir: Path, hydra_overrides: Sequence[str]) -> Mapper:
    """Where a command's simulations run: here (``jobs=1``), else ``jobs`` launched jobs per call.

    Each call's round folder goes in ``<out_dir>/jobs``; ``hydra_overrides`` choose the launcher.
    """
    if jobs == 1:
        return in_process
    return LaunchedMap(jobs, out_dir / "jobs", launcher_overrides(hydra_overrides))
