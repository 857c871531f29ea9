"""The one runner every experiment uses to simulate batches of runs.

Four pieces: the main comparison (:mod:`experiments.compare`) uses all four, the sensitivity
analysis (:mod:`experiments.sensitivity`) works through its batches and launches them here, and
the crisis-versus-sustained comparison takes its seeds from here.

- **Replicates** (:func:`replicate_seeds`, :func:`replicates`): replicate ``r`` runs with the
  ``r``-th child of ``numpy.random.SeedSequence(seed).spawn(n)`` (as Mesa 4's
  ``Scenario.spawn_replications``), so the first ``k`` seeds are the same for any ``n``. With a
  posterior ensemble (:mod:`sim.posterior`) replicate ``r`` also runs parameter set
  ``draw_indices(ceil(n / seeds_per_draw), seed)[r // seeds_per_draw]``: ``seeds_per_draw``
  consecutive replicates share a draw, each with its own seed. Parameters pinned by the user
  keep their configured value (the draw's value is dropped).
- **Dealing** (:func:`deal`): a job's share of the work items, round-robin over the jobs.
- **Working through a share** (:func:`work_through`): items another job is computing right now
  (its claim held in the run store, :mod:`experiments.run_store`) wait till last; each item's
  outcome shows as progress with an expected finish time (:mod:`experiments.progress`).
- **Launching** (:func:`launch`): the jobs go to the launcher configured in ``hydra/launcher``
  (joblib, basic, submitit_local, submitit_slurm, ...) through Hydra's public plugin API: the
  config is composed with ``hydra.compose(..., return_hydra_config=True)``, the launcher is
  instantiated by ``hydra.core.plugins.Plugins`` and given the job overrides through
  ``Launcher.launch``, exactly as Hydra's own sweeper gives them. Nothing patches ``sys.argv``.
"""

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.plugins import Plugins
from hydra.types import HydraContext, TaskFunction
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from experiments.progress import Progress
from experiments.run_store import RunStore

CONFIG_MODULE = "conf"
NO_DRAW = -1
"""The ``draw`` of a replicate run with the configured parameters (no posterior)."""


# --------------------------------------------------------------------------------------------
# Replicates: seeds and parameter sets


def replicate_seeds(seed: int, n: int) -> list[int]:
    """The seed of each of ``n`` replicates: one per child of ``SeedSequence(seed).spawn(n)``.

    Child ``r`` does not depend on ``n``, so the first ``k`` seeds are the same for any ``n``.
    """
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(seed).spawn(n)]


@dataclass(frozen=True)
class Replicate:
    """One replicate of an experiment: its number, seed and parameter set.

    Attributes:
        index: The replicate's number (0, 1, ...).
        seed: Its simulation seed, shared by every arm of the replicate.
        draw: Row of the posterior ensemble it runs (:data:`NO_DRAW` without a posterior).
        parameters: Model parameters of that row, the pinned ones left out (empty without).
    """

    index: int
    seed: int
    draw: int = NO_DRAW
    parameters: Mapping[str, float | int] = field(default_factory=dict)


def replicates(
    seed: int,
    n: int,
    posterior: Any = None,
    seeds_per_draw: int = 2,
    pinned: Iterable[str] = (),
) -> list[Replicate]:
    """The ``n`` replicates of root seed ``seed``, drawing parameter sets from ``posterior``.

    Args:
        seed: The root seed (of the replicates' seeds and of the posterior draws).
        n: Number of replicates.
        posterior: A :class:`sim.posterior.Posterior`, or None for the configured parameters.
        seeds_per_draw: Consecutive replicates that share a parameter set.
        pinned: Parameters set by the user, which keep their value whatever the draw.
    """
    seeds = replicate_seeds(seed, n)
    if posterior is None:
        return [Replicate(r, s) for r, s in enumerate(seeds)]
    draws = posterior.draw_indices(math.ceil(n / seeds_per_draw), seed)
    kept = set(pinned)
    out = []
    for r, s in enumerate(seeds):
        draw = int(draws[r // seeds_per_draw])
        values = posterior.parameter_set(draw)
        out.append(Replicate(r, s, draw, {k: v for k, v in values.items() if k not in kept}))
    return out


def posterior_at(name_or_path: str) -> Any:
    """The posterior ensemble of a shipped name or a path, read once per file version.

    Raises:
        ValueError: If there is none (the message lists the shipped ones) or it is invalid.
    """
    from sim.posterior import posterior_files

    table, info = posterior_files(name_or_path)
    stamps = tuple(p.stat().st_mtime_ns if p.is_file() else None for p in (table, info))
    return _load_posterior(str(name_or_path), str(table.resolve()), stamps)


@cache
def _load_posterior(name_or_path: str, table: str, stamps: tuple[int | None, ...]) -> Any:
    from sim.posterior import load_posterior

    return load_posterior(name_or_path)


# --------------------------------------------------------------------------------------------
# Inside each job: its share of the work


def deal[T](items: Sequence[T], batch: int, jobs: int) -> list[T]:
    """Job ``batch``'s share of ``items`` when they are dealt round-robin over ``jobs`` jobs."""
    return list(items[batch::jobs]) if 0 <= batch < jobs else []


@dataclass(frozen=True)
class Work[T]:
    """One item of a job's share.

    Attributes:
        item: What to compute (passed to the job's ``compute``).
        claim: The key of its claim in the run store (held while it is computed).
        label: What it is, for the progress line.
    """

    item: T
    claim: str
    label: str


def work_through[T](
    title: str,
    share: Sequence[Work[T]],
    store: RunStore,
    compute: Callable[[T], int],
    position: int = 0,
) -> int:
    """Compute every item of ``share``, showing progress; return the runs simulated in all.

    Items whose claim another job holds right now wait till last (by then that job has likely
    stored them, and ``compute``, which takes the claim itself, finds them done).

    Args:
        title: The start of every progress line (e.g. ``compare: job 1/4``).
        share: The job's items.
        store: The run store holding the claims.
        compute: Computes one item, holding its claim; returns the runs it simulated (0: stored).
        position: Line of the progress bar on a terminal (one per job).
    """
    queue = list(share)
    shown = Progress(title, len(queue), position=position)
    simulated = 0
    while queue:
        work = next((w for w in queue if not store.claimed_elsewhere(w.claim)), queue[0])
        queue.remove(work)
        began = time.perf_counter()
        ran = compute(work.item)
        simulated += ran
        took = time.perf_counter() - began
        shown.advance(f"{work.label}: " + (f"{ran} runs in {took:.1f} s" if ran else "stored"))
    shown.close()
    return simulated


# --------------------------------------------------------------------------------------------
# Launching the jobs through the configured Hydra launcher


def quote_override(value: str | Path) -> str:
    """``value`` quoted for a Hydra command-line override (paths with spaces or quotes)."""
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def split_hydra(overrides: Sequence[str]) -> tuple[list[str], list[str]]:
    """Overrides of Hydra's own config (``hydra.*``, ``hydra/*``) and the job's overrides.

    Raises:
        ValueError: On malformed overrides.
    """
    parsed = OverridesParser.create().parse_overrides(list(overrides))
    own = [str(o.input_line) for o in parsed if o.is_hydra_override()]
    job = [str(o.input_line) for o in parsed if not o.is_hydra_override()]
    return own, job


class JobCallbacks:
    """The configured ``hydra.callbacks``, called around each job as Hydra's own runs call them.

    Sent to other processes and machines as plain data (the callbacks' configs); each process
    makes the callbacks once, when its first job starts.
    """

    def __init__(self, configs: Any) -> None:
        self.configs = OmegaConf.to_container(configs, resolve=False) if configs else {}
        self._made: list[Any] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"configs": self.configs, "_made": None}

    def _callbacks(self) -> list[Any]:
        if self._made is None:
            self._made = [instantiate(c) for c in (self.configs or {}).values()]
        return self._made

    def on_job_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Call each callback's ``on_job_start``."""
        for callback in self._callbacks():
            callback.on_job_start(config=config, **kwargs)

    def on_job_end(self, config: DictConfig, job_return: Any, **kwargs: Any) -> None:
        """Call each callback's ``on_job_end`` (in reverse order, as Hydra does)."""
        for callback in reversed(self._callbacks()):
            callback.on_job_end(config=config, job_return=job_return, **kwargs)


def launch(
    config_name: str,
    hydra_overrides: Sequence[str],
    job_overrides: Sequence[Sequence[str]],
    sweep_dir: Path,
    task_function: TaskFunction,
    job_name: str,
    config_module: str = CONFIG_MODULE,
) -> list[Any]:
    """Run ``task_function`` once per entry of ``job_overrides`` through the configured launcher.

    Args:
        config_name: The config of ``conf/`` the jobs compose (e.g. ``config``).
        hydra_overrides: Overrides of Hydra's own config (``hydra/launcher=...``,
            ``hydra.launcher.n_jobs=2``): they choose and set the launcher.
        job_overrides: Each job's overrides (no ``hydra.*`` ones); the job's config is
            ``config_name`` composed with them, as for a job of ``--multirun``.
        sweep_dir: The jobs' folder; job ``i`` logs into ``<sweep_dir>/<i>``.
        task_function: The job: takes the composed config (importable at module level, so that
            process and cluster launchers find it).
        job_name: Name of the jobs (their log files are ``<job_name>.log``).
        config_module: Where ``config_name`` is found outside a Hydra app (inside one, the
            app's own search path is used).

    Returns:
        Each job's return value, in order.

    Raises:
        Exception: The first failed job's own exception.
    """
    overrides = [*hydra_overrides, f"hydra.sweep.dir={quote_override(sweep_dir)}"]
    if GlobalHydra.instance().is_initialized():  # inside a Hydra app: its config search path
        returns = _launch(config_name, overrides, job_overrides, task_function)
    else:
        with initialize_config_module(config_module, version_base="1.3", job_name=job_name):
            returns = _launch(config_name, overrides, job_overrides, task_function)
    return [job.return_value for job in returns]  # a failed job's error is raised here


def compose_config(
    config_name: str, overrides: Sequence[str], hydra_node: bool = False
) -> DictConfig:
    """``conf/<config_name>`` composed with ``overrides``.

    Inside a running Hydra app (its config search path is ``conf/`` too) Hydra's global state
    is used as it is; elsewhere it is set up for the call and cleared after.
    """
    if GlobalHydra.instance().is_initialized():
        return compose(config_name, overrides=list(overrides), return_hydra_config=hydra_node)
    with initialize_config_module(CONFIG_MODULE, version_base="1.3"):
        return compose(config_name, overrides=list(overrides), return_hydra_config=hydra_node)


def _launch(
    config_name: str,
    overrides: Sequence[str],
    job_overrides: Sequence[Sequence[str]],
    task_function: TaskFunction,
) -> Sequence[Any]:
    config = compose(config_name, overrides=list(overrides), return_hydra_config=True)
    context = HydraContext(
        config_loader=GlobalHydra.instance().config_loader(),
        callbacks=JobCallbacks(config.hydra.get("callbacks")),
    )
    launcher = Plugins.instance().instantiate_launcher(
        hydra_context=context, task_function=task_function, config=config
    )
    return launcher.launch([list(o) for o in job_overrides], initial_job_idx=0)
