r"""The main comparison job: every intervention and bundle against no intervention.

Usage::

    python -m experiments.compare                                   # the main comparison
    python -m experiments.compare experiment=quick                  # a smoke run in seconds
    python -m experiments.compare replicates=80 model.demand_level=1.1
    python -m experiments.compare --multirun model.demand_level=1.0,1.2 organization=\
        community_hospital,long_term_care                           # one comparison per point
    python -m experiments.compare hydra/launcher=cluster jobs=64 \
        hydra.launcher.partition=short                              # the same on SLURM

Stages (:func:`run`):

1. **Compose and check** ``conf/config.yaml`` with the overrides, once per sweep point (with
   ``--multirun``, the points of Hydra's basic sweeper). Types are checked by the structured
   config (:mod:`experiments.schema`), values against their allowed ranges, and every arm is
   built once, all before any simulation.
2. **Simulate** through the runner (:mod:`experiments.runner`): ``jobs`` jobs per sweep point,
   handed to the configured Hydra launcher through Hydra's plugin API (joblib on this machine,
   submitit on a cluster, basic in-process). A job runs a share of the (scenario, replicate)
   pairs. Replicate ``r`` has its own seed (``SeedSequence(seed).spawn``) and, with
   ``posterior=NAME`` (or a path), a parameter set of that posterior ensemble
   (:mod:`sim.posterior`): ``seeds_per_draw`` consecutive replicates share a draw. Parameters
   set on the command line (``model.<param>=``, recorded in ``pinned``) keep their value
   whatever the draw. For each pair the organization is built and burned in once, then copied
   for every arm (``copy.deepcopy``) and the arm's interventions start on the copy at week 0,
   exactly as if passed to the constructor: arms share the seed, the parameter set and the
   burn-in (common random numbers). Each arm's weekly metrics are stored in the run store
   (:mod:`experiments.run_store`, ``runs_dir``) under a hash of everything that determines the
   run (model parameters including the draw's, scenario, weeks, the arm's settings, the model
   code) and its seed, with a completion record; a rerun after an interruption (or a sweep that
   repeats a point) skips what is stored and valid, and recomputes, naming it, a stored run that
   fails its checks. A job claims a (scenario, replicate) pair while computing it, so
   concurrent jobs never compute or write the same run twice. Each job shows its progress and
   expected finish on stderr.
3. **Gather and write** to one folder: tidy weekly results (``weekly.parquet``), outcomes per run
   (``outcomes.csv``, with each run's ``replicate`` and posterior ``draw``, -1 without), the
   summary (``summary.csv``, ``summary.md``: differences from no intervention with 95 %
   intervals), figures, ``report.html`` and ``run_info.json`` (config, seeds, the ``posterior``
   used, versions, commit, timings); a sweep writes one such folder per point and
   ``sweep_summary.csv`` beside them. The summary is printed; the output folder is the last
   line printed.

The output folder is ``output_dir``, else ``hydra.run.dir`` (``hydra.sweep.dir`` with
``--multirun``) if given, else a new folder ``outputs/compare/<date>/<HH-MM-SS>_<experiment>``
(``-2``, ``-3``, ... appended if another job took that name). It holds an ``INCOMPLETE`` file
until its last output is written (:mod:`experiments.job_folder`); a job that fails leaves it,
with the error, and exits non-zero with one line naming the folder.
"""

import copy
import hashlib
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig, open_dict

from experiments import runner, schema
from experiments.compare_config import CONFIG_NAME, compose_config
from experiments.compare_replicates import replicate_parameters, replicates_of
from experiments.driver_app import run_app
from experiments.job_folder import (
    INCOMPLETE,
    command_line,
    default_folder,
    failure_line,
    mark_complete,
    mark_incomplete,
    record_failure,
)
from experiments.overrides import is_given, override_key, parse_args, point_folder, sweep_points
from experiments.records import config_hash
from experiments.run_store import MISSING, RunStore
from experiments.runner import Replicate, Work, deal, quote_override, split_hydra, work_through

RECORD_VERSION = 2
"""Layout of a stored run; part of its key, so a change of layout never reads old runs.

Version 2: every run has a completion record (:mod:`experiments.run_store`)."""

DRIVER_KEYS = ("batch", "runs_dir", "output_dir", "pinned", "hydra.run.dir", "hydra.sweep.dir")
"""Keys the driver sets for the jobs itself."""


class ConfigurationError(ValueError):
    """A bad option or override, found before any simulation."""


class JobFailed(RuntimeError):
    """The job stopped after its configuration was checked; its folder stays marked incomplete."""


def progress(message: str) -> None:
    """One line of progress on stderr (visible from joblib and basic jobs)."""
    print(f"compare: {message}", file=sys.stderr, flush=True)


@cache
def code_fingerprint() -> str:
    """A hash of the model's source (``sim/``): stored runs of other model code never match."""
    import sim

    digest = hashlib.sha256()
    root = Path(sim.__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def arm_spec(cfg: DictConfig, arm: str) -> dict[str, Any]:
    """What an arm builds: ``{"build": name or None, "settings": {...}}``."""
    if arm == schema.REFERENCE_ARM:
        return {"build": None, "settings": {}}
    node = cfg.intervention[arm]
    return {"build": str(node.build), "settings": schema.build_settings(node)}


def pair_facts(cfg: DictConfig, scenario: str, replicate: Replicate) -> dict[str, Any]:
    """What determines every run of a scenario and replicate, whatever its arm (seed aside)."""
    return {
        "model": replicate_parameters(cfg, replicate),
        "scenario": str(cfg.scenario[scenario].name),
        "burn_in_weeks": int(cfg.burn_in_weeks),
        "horizon_weeks": int(cfg.horizon_weeks),
        "code": code_fingerprint(),
        "record": RECORD_VERSION,
    }


def run_key(cfg: DictConfig, scenario: str, arm: str, replicate: Replicate) -> str:
    """Key of one run: a hash of everything that determines it, and its seed.

    The model parameters hashed are the replicate's (its posterior draw's included), so a run of
    another draw never has the same key.
    """
    facts = {**pair_facts(cfg, scenario, replicate), "arm": arm_spec(cfg, arm)}
    return config_hash(facts, replicate.seed)


def pair_key(cfg: DictConfig, scenario: str, replicate: Replicate) -> str:
    """Key of a (scenario, replicate) pair, whose arms one job computes together."""
    return config_hash(pair_facts(cfg, scenario, replicate), replicate.seed)


def run_store(cfg: DictConfig) -> RunStore:
    """The store of ``cfg.runs_dir``, expecting runs of ``cfg.horizon_weeks`` weeks."""
    from sim.accounting import COST_ITEMS
    from sim.week_close import METRIC_KEYS

    shapes = {"weekly": (int(cfg.horizon_weeks), len(METRIC_KEYS)), "costs": (len(COST_ITEMS),)}
    return RunStore(cfg.runs_dir, shapes)


def run_path(cfg: DictConfig, scenario: str, arm: str, replicate: Replicate) -> Path:
    """Where the run's data is stored."""
    return run_store(cfg).data_path(run_key(cfg, scenario, arm, replicate))


def planned_runs(cfg: DictConfig) -> Iterator[tuple[str, Replicate, str]]:
    """Every run of the comparison: (scenario, replicate, arm)."""
    reps = replicates_of(cfg)
    for scenario in cfg.scenario:
        for replicate in reps:
            for arm in schema.arm_names(cfg):
                yield scenario, replicate, arm


# --------------------------------------------------------------------------------------------
# Simulation (inside each Hydra job)


def simulate_pair(cfg: DictConfig, scenario: str, replicate: Replicate) -> int:
    """Simulate every arm not validly stored for one scenario and replicate; return how many ran.

    The job holds the pair's claim meanwhile (another job computing it is waited for). The
    organization is built and burned in once; each arm runs on a copy of it (the last on the
    original), so the arms share the seed and the burn-in, and an arm's result does not depend
    on which other arms ran.
    """
    store, seed = run_store(cfg), replicate.seed
    keys = {arm: run_key(cfg, scenario, arm, replicate) for arm in schema.arm_names(cfg)}
    with store.claim(pair_key(cfg, scenario, replicate)):
        todo = [arm for arm, key in keys.items() if store.invalid(key, seed)]
        if todo:
            simulate_arms(cfg, scenario, replicate, {arm: keys[arm] for arm in todo}, store)
    return len(todo)


def simulate_arms(
    cfg: DictConfig, scenario: str, replicate: Replicate, keys: dict[str, str], store: RunStore
) -> None:
    """Simulate the arms ``keys`` names from one burned-in organization; store each run."""
    from sim import WorkforceModel
    from sim.interventions import build
    from sim.metrics import weekly_metrics

    todo = list(keys)
    params = replicate_parameters(cfg, replicate)
    base = WorkforceModel(
        rng=replicate.seed,
        pressure=str(cfg.scenario[scenario].name),
        burn_in_weeks=int(cfg.burn_in_weeks),
        collect_data=False,
        **params,
    )
    for i, arm in enumerate(todo):
        model = base if i == len(todo) - 1 else copy.deepcopy(base)
        spec = arm_spec(cfg, arm)
        if spec["build"] is not None:
            model.start_interventions(build(spec["build"], **spec["settings"]))
        weekly = np.empty((int(cfg.horizon_weeks), model.metric_values.size))
        for week in range(int(cfg.horizon_weeks)):
            model.step()
            weekly_metrics(model)
            weekly[week] = model.metric_values
        store.save(keys[arm], replicate.seed, weekly=weekly, costs=model.ledger.totals.copy())


def run_batch(cfg: DictConfig) -> int:
    """Hydra task: simulate job ``cfg.batch``'s share of the (scenario, replicate) pairs.

    Pairs are dealt round-robin over ``cfg.jobs`` jobs (:mod:`experiments.runner`). Returns the
    number of runs simulated.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    if cfg.batch is None:
        raise ValueError(
            "run_batch is a job of the comparison; run `python -m experiments.compare`"
        )
    batch, jobs = int(cfg.batch), int(cfg.jobs)
    reps = replicates_of(cfg)
    pairs = [
        Work((s, r), pair_key(cfg, s, r), f"{s} replicate {r.index + 1}/{len(reps)}")
        for r in reps
        for s in cfg.scenario
    ]
    return work_through(
        f"compare: job {batch + 1}/{jobs}",
        deal(pairs, batch, jobs),
        run_store(cfg),
        lambda pair: simulate_pair(cfg, *pair),
        position=batch % 8,
    )


def launch(
    points: Sequence[Sequence[str]], out_dir: Path, runs_dir: Path, jobs: int, pinned: list[str]
) -> None:
    """Run ``jobs`` jobs per sweep point through the configured launcher (one launch in all).

    Every point has the same ``hydra`` settings (:func:`run` rejects sweeps over them); the
    first point's choose the launcher.
    """
    split = [split_hydra(point) for point in points]
    driver = [f"runs_dir={quote_override(runs_dir)}", f"pinned=[{','.join(pinned)}]"]
    job_overrides = [[*job, *driver, f"batch={batch}"] for _, job in split for batch in range(jobs)]
    runner.launch(CONFIG_NAME, split[0][0], job_overrides, out_dir / "jobs", run_batch, "compare")


# --------------------------------------------------------------------------------------------
# Gathering and outputs


def gather(cfg: DictConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read every run back: tidy weekly rows, and one row of cost totals per run.

    A run found invalid here (changed since the jobs checked it) is recomputed in this process.

    Raises:
        RuntimeError: If a run is missing (a job failed; its log is under ``jobs/``).
    """
    from sim.accounting import COST_ITEMS
    from sim.week_close import INTEGER_METRICS, METRIC_KEYS

    store = run_store(cfg)
    labels, blocks, costs = [], [], []
    for scenario, replicate, arm in planned_runs(cfg):
        key, seed = run_key(cfg, scenario, arm, replicate), replicate.seed
        stored = store.load_or_recompute(
            key,
            seed,
            lambda: simulate_pair(cfg, scenario, replicate),  # noqa: B023 (called now)
            f"run {scenario}/{arm}/seed {seed}",
        )
        blocks.append(stored["weekly"])
        costs.append(stored["costs"])
        labels.append((scenario, arm, replicate.index, replicate.draw, seed))
    weeks = int(cfg.horizon_weeks)
    index = pd.DataFrame(labels, columns=["scenario", "arm", "replicate", "draw", "seed"])
    weekly = pd.DataFrame(np.concatenate(blocks), columns=list(METRIC_KEYS))
    for key in INTEGER_METRICS:
        weekly[key] = weekly[key].astype(np.int64)
    weekly = pd.concat(
        [index.loc[index.index.repeat(weeks)].reset_index(drop=True), weekly], axis=1
    )
    run_costs = pd.concat(
        [index, pd.DataFrame(np.array(costs), columns=[f"cost_{c}" for c in COST_ITEMS])], axis=1
    )
    for frame in (weekly, run_costs):
        frame["scenario"] = pd.Categorical(frame["scenario"], categories=list(cfg.scenario))
        frame["arm"] = pd.Categorical(frame["arm"], categories=schema.arm_names(cfg))
        frame["seed"] = frame["seed"].astype(np.int64)
    return weekly, run_costs


def arm_levels(cfg: DictConfig) -> dict[str, str]:
    """Each arm's level: individual, organizational, system, bundle (or none)."""
    from sim.interventions import INTERVENTIONS

    levels = {schema.REFERENCE_ARM: "none"}
    for arm, node in cfg.intervention.items():
        cls = INTERVENTIONS.get(str(node.build))
        levels[arm] = cls.level if cls is not None else "bundle"
    return levels


def arm_actors(cfg: DictConfig) -> dict[str, tuple[str, ...]]:
    """Who can enact each arm (sim.interventions.actors_of); none for the reference arm."""
    from sim.interventions import actors_of

    actors: dict[str, tuple[str, ...]] = {schema.REFERENCE_ARM: ()}
    for arm, node in cfg.intervention.items():
        actors[arm] = actors_of(str(node.build))
    return actors


def output_folder(cfg: DictConfig, facts: dict[str, Any], overrides: Sequence[str]) -> Path:
    """The job's output folder: ``output_dir``, a Hydra folder given by the user, or a new one.

    ``hydra.sweep.dir`` (with ``--multirun``) or ``hydra.run.dir`` given on the command line is
    honoured; without any, a new folder (created exclusively: unique to this job) is made.
    """
    if cfg.output_dir:
        return Path(cfg.output_dir).resolve()
    multirun = any(o in ("--multirun", "-m") for o in overrides)
    for key, fact in (("hydra.sweep.dir", "sweep_dir"), ("hydra.run.dir", "run_dir")):
        if (multirun or key == "hydra.run.dir") and is_given(overrides, key):
            return Path(facts[fact]).resolve()
    name = (facts.get("choices") or {}).get("experiment") or "compare"
    return default_folder("compare", str(name)).resolve()


def plan(composed: Sequence[tuple[DictConfig, Any]], runs_dir: Path) -> tuple[int, int]:
    """Point every config at ``runs_dir``; count the runs, and those to simulate.

    A stored run that fails its checks is named on stderr (the jobs recompute it).
    """
    total = todo = 0
    for cfg, _ in composed:
        with open_dict(cfg):
            cfg.runs_dir = str(runs_dir)
        store = run_store(cfg)
        for scenario, replicate, arm in planned_runs(cfg):
            key = run_key(cfg, scenario, arm, replicate)
            problem = store.problem(key, replicate.seed)
            if problem not in (None, MISSING):
                progress(f"stored run {store.data_path(key)} is {problem}: it will be recomputed")
            total += 1
            todo += problem is not None
    return total, todo


def configure(
    argv: Sequence[str],
) -> tuple[list[list[str]], set[str], list[tuple[DictConfig, dict[str, Any]]]]:
    """Every sweep point's overrides, the keys swept and each point's checked config.

    Raises:
        ConfigurationError: On a bad option or override, naming it (nothing is created).
    """
    try:
        user_overrides, multirun = parse_args(argv)
        points, swept = sweep_points(user_overrides, multirun)
        hydra_swept = sorted(k for k in swept if k == "hydra" or k.startswith(("hydra.", "hydra/")))
        if hydra_swept:
            raise ValueError(
                f"{', '.join(hydra_swept)}: Hydra's own settings (the launcher) cannot be swept; "
                "allowed: one value for every point"
            )
        return points, swept, [compose_config(point) for point in points]
    except ConfigurationError:
        raise
    except ValueError as error:
        raise ConfigurationError(str(error)) from error


def run(argv: Sequence[str] = ()) -> Path:
    """Run the whole job (see the module docstring); return the output folder.

    Raises:
        ConfigurationError: On a bad option or override (nothing was created).
        JobFailed: If anything fails afterwards; the output folder stays marked incomplete.
    """
    from experiments.compare_outputs import write_outputs, write_sweep_summary

    began = time.perf_counter()
    logging.getLogger("MESA").setLevel(logging.WARNING)
    points, swept, composed = configure(argv)
    facts = composed[0][1]
    first = composed[0][0]
    try:
        out_dir = output_folder(first, facts, argv)
    except OSError as error:
        raise JobFailed(f"{failure_line(error)}; no output folder was made") from error
    runs_dir = Path(first.runs_dir).resolve()
    folders = [point_folder(out_dir, n, point, swept) for n, point in enumerate(points)]
    command = command_line("experiments.compare", list(argv))
    try:
        for folder in dict.fromkeys([out_dir, *folders]):
            mark_incomplete(folder, command)
        total, todo = plan(composed, runs_dir)
        jobs = max(int(cfg.jobs) for cfg, _ in composed)
        progress(
            f"{len(points)} point(s), {total} runs ({total - todo} already stored in "
            f"{runs_dir}); {todo} to simulate in {jobs} job(s) per point via {facts['launcher']}"
        )
        planned = time.perf_counter()
        if todo:
            launch(
                [[o for o in p if override_key(o) not in DRIVER_KEYS] for p in points],
                out_dir,
                runs_dir,
                jobs,
                list(first.pinned),
            )
        simulated = time.perf_counter()
        texts = []
        for point, folder, (cfg, point_facts) in zip(points, folders, composed, strict=True):
            timings = {
                "setup_s": planned - began,
                "simulation_wall_s": simulated - planned,
                "runs": total,
                "runs_simulated": todo,
            }
            texts.append(write_outputs(cfg, point, point_facts, folder, timings))
            if folder != out_dir:
                mark_complete(folder)
        if swept:
            write_sweep_summary(out_dir, folders, points, swept)
        mark_complete(out_dir)
    except Exception as error:
        record_failure(out_dir, error)
        marked = (out_dir / INCOMPLETE).exists()
        state = f"is incomplete (see its {INCOMPLETE} file)" if marked else "has no output"
        raise JobFailed(f"{failure_line(error)}; {out_dir} {state}") from error
    for text in texts:
        print(text)
    print(
        f"Time: {time.perf_counter() - began:.1f} s in all; simulation {simulated - planned:.1f} s "
        f"({todo} of {total} runs simulated, the rest read from {runs_dir})."
    )
    return out_dir


def command(argv: Sequence[str]) -> Path:
    """:func:`run` for the command line: a bad override or a failed job exits with one line."""
    try:
        return run(argv)
    except ConfigurationError as error:
        sys.exit(f"experiments.compare: {error}")
    except JobFailed as error:
        sys.exit(f"experiments.compare: failed: {error}")


def sweep(overrides: Sequence[str]) -> None:
    """``--multirun`` (Hydra's sweeper ``driver``): every point in one run; print its folder."""
    print(command(["--multirun", *overrides]), flush=True)


def main() -> None:
    """Command-line entry: the ``@hydra.main`` app over ``conf/config.yaml``.

    The output folder is printed last; a bad override or a failed job ends the process with
    status 1 and one line on stderr (:mod:`experiments.driver_app`).
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    run_app("experiments.compare", CONFIG_NAME, configure, command)


if __name__ == "__main__":
    # Run through the importable module, so launchers pickle the job function by reference.
    from experiments import compare

    compare.main()
