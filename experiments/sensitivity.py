r"""Global sensitivity analysis of the workforce model, run as a Hydra multirun of sample batches.

Usage::

    python -m experiments.sensitivity method=sobol n=1024
    python -m experiments.sensitivity method=morris n=64 batches=4
    python -m experiments.sensitivity hydra/launcher=submitit_slurm batches=64 \\
        hydra.launcher.partition=short          # the same analysis on a SLURM cluster
    python -m experiments.sensitivity sensitivity=ishigami n=1024   # a function of known indices
    python -m experiments.sensitivity sensitivity=model_only contrast=null n=1024  # status quo only
    python -m experiments.sensitivity replicates=4   # average 4 seeds per sample (less noise)

Stages (:func:`run`):

1. **Compose and check** ``conf/sensitivity.yaml`` with the overrides. Every uncertain parameter
   (``conf/sensitivity/<space>.yaml``) is checked before anything runs: its range, that the model
   or the intervention bundle knows it, and that the model accepts both ends of its range.
2. **Sample** with SALib (Saltelli/Sobol' or Morris trajectories) and give every Saltelli block or
   Morris trajectory its own seed; write the design to the output folder.
3. **Simulate** through the runner (:mod:`experiments.runner`): ``batches`` jobs handed to the
   configured Hydra launcher (joblib by default, submitit on a cluster) through Hydra's plugin
   API. Each job simulates its rows of the design in one process, in pieces stored in the run
   store (``<output folder>/batches``, :mod:`experiments.run_store`: validated on read, claimed
   while computed), with progress and expected finish time on stderr. A rerun into the same
   folder keeps every valid piece of the same design and simulates the rest.
4. **Gather and analyse**: indices (:func:`analysis.sensitivity.analyze`) as a tidy CSV, bar charts
   of S1 and ST or a Morris mu*-sigma plot, a convergence check (indices at N/2 against N), a
   short text naming the parameters that matter, and a record of config, seeds, versions and git
   commit. The time taken is printed, and the output folder is the last line printed.

Each sample is simulated in every arm (no intervention, then each bundle of the contrast) with
the same seed, so arms differ only by the interventions (common random numbers). Interventions
start after the burn-in, so the arms share one burn-in: the model is built once and copied.

The model is stochastic, and changing any parameter re-draws its whole random path, so seed
noise enters every index. A few base points are re-run with other seeds (``noise_check``) to
measure it; the summary names the indices that cannot be told from it. ``replicates`` averages
several seeds per sample to shrink it.
"""

import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf, open_dict

from experiments import runner
from experiments.driver_app import run_app
from experiments.job_folder import default_folder
from experiments.overrides import override_key, parse_args, point_folder, sweep_points
from experiments.records import write_text_atomic
from experiments.run_store import MISSING
from experiments.runner import quote_override, split_hydra
from experiments.sensitivity_jobs import (
    Design,
    chunk_key,
    chunk_store,
    chunks,
    compute_chunk,
    plan,
    run_batch,
    save_design,
)
from experiments.sensitivity_outputs import analyse, record_run, timing_text
from experiments.sensitivity_space import arm_names

CONFIG_MODULE = "conf"
CONFIG_NAME = "sensitivity"


def compose_config(overrides: Sequence[str]) -> tuple[DictConfig, str]:
    """Compose ``conf/sensitivity.yaml`` with overrides.

    Returns:
        The config without its ``hydra`` node, and the launcher's class name.
    """
    cfg = runner.compose_config(CONFIG_NAME, overrides, hydra_node=True)
    launcher = str(cfg.hydra.launcher.get("_target_", "?")).rsplit(".", 1)[-1]
    with open_dict(cfg):
        del cfg["hydra"]
    return cfg, launcher


def launch(overrides: Sequence[str], out_dir: Path, n_batches: int) -> None:
    """Run the batches as jobs of the configured launcher (:func:`experiments.runner.launch`)."""
    own, job = split_hydra(overrides)
    design = f"design={quote_override(out_dir / 'design.npz')}"
    jobs = [[*job, design, f"batch={batch}"] for batch in range(n_batches)]
    runner.launch(CONFIG_NAME, own, jobs, out_dir / "jobs", run_batch, "sensitivity")


def check_stored(out_dir: Path, design: Design) -> int:
    """Rows of the design validly stored already; a stored piece that is invalid is named."""
    rows = 0
    for batch in range(design.n_batches):
        for start, stop in chunks(design, batch):
            store, key = chunk_store(out_dir, design, stop - start), chunk_key(design, start, stop)
            problem = store.problem(key, start)
            if problem not in (None, MISSING):
                print(
                    f"sensitivity: stored run {store.data_path(key)} is {problem}: it will be "
                    "recomputed",
                    file=sys.stderr,
                    flush=True,
                )
            rows += (stop - start) * (problem is None)
    if rows:
        print(f"sensitivity: {rows} of {len(design.X)} rows already stored", file=sys.stderr)
    return rows


def gather(cfg: DictConfig, out_dir: Path, design: Design) -> tuple[np.ndarray, float]:
    """Read every stored piece back in sample order, with the jobs' summed compute time.

    A piece found invalid here (changed since its job stored it) is simulated again.

    Raises:
        RuntimeError: If a piece is missing (its job failed; the log is under ``jobs/``).
    """
    Y = np.empty((len(design.X), len(design.problem["outputs"])))
    seconds = 0.0
    for batch in range(design.n_batches):
        for start, stop in chunks(design, batch):
            store, key = chunk_store(out_dir, design, stop - start), chunk_key(design, start, stop)
            stored = store.load_or_recompute(
                key,
                start,
                lambda: compute_chunk(cfg, design, out_dir, start, stop),  # noqa: B023 (called now)
                f"rows {start}-{stop - 1} of batch {batch} (its log: {out_dir / 'jobs'})",
            )
            Y[start:stop] = stored["Y"]
            seconds += float(stored["seconds"])
    return Y, seconds


def output_name(cfg: DictConfig) -> str:
    """The end of a default output folder's name: ``<evaluator>_<method>_n<n>``."""
    return f"{cfg.sensitivity.evaluator}_{cfg.method}_n{cfg.n}"


def run(overrides: Sequence[str] = ()) -> Path:
    """Run the whole analysis (see the module docstring); return the output folder."""
    began = time.perf_counter()
    logging.getLogger("MESA").setLevel(logging.WARNING)
    overrides = list(overrides)
    cfg, launcher = compose_config(overrides)
    design = plan(cfg)
    out_dir = (
        Path(cfg.output_dir) if cfg.output_dir else default_folder("sensitivity", output_name(cfg))
    )
    out_dir = out_dir.resolve()
    if not any(o.split("=", 1)[0].lstrip("+~") == "output_dir" for o in overrides):
        overrides.append(f"output_dir={quote_override(out_dir)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    save_design(design, out_dir / "design.npz")
    write_text_atomic(out_dir / "config.yaml", OmegaConf.to_yaml(cfg, resolve=True))
    sampled = time.perf_counter()

    stored = check_stored(out_dir, design)
    if stored < len(design.X):
        launch(overrides, out_dir, design.n_batches)
    Y, job_seconds = gather(cfg, out_dir, design)
    simulated = time.perf_counter()

    report = analyse(cfg, design, Y, out_dir)
    analysed = time.perf_counter()
    timings = {
        "setup_and_sampling_s": sampled - began,
        "simulation_wall_s": simulated - sampled,
        "simulation_job_sum_s": job_seconds,
        "analysis_s": analysed - simulated,
        "total_s": analysed - began,
    }
    arms = arm_names(cfg) if cfg.sensitivity.evaluator == "workforce" else []
    record_run(cfg, overrides, design, launcher, timings, len(arms), out_dir)
    print(report)
    print(timing_text(cfg, design, launcher, timings, len(arms)))
    return out_dir


def check(argv: Sequence[str]) -> None:
    """Check every point of the command line as :func:`run` does, running nothing.

    Raises:
        ValueError: On a bad option, key or value, naming it.
    """
    overrides, multirun = parse_args(argv)
    points, _ = sweep_points(overrides, multirun)
    try:
        for point in points:
            plan(compose_config(point)[0])
    except HydraException as error:
        raise ValueError(str(error).splitlines()[0]) from error


def command(argv: Sequence[str]) -> Path:
    """:func:`run` for the command line: a bad setting exits with one line."""
    try:
        return run(argv)
    except (ValueError, HydraException) as error:
        sys.exit(f"experiments.sensitivity: {str(error).splitlines()[0]}")


def sweep(overrides: Sequence[str]) -> None:
    """``--multirun`` (Hydra's sweeper ``driver``): one analysis per point, one after another.

    Point ``k`` writes into ``<folder>/<k>_<swept key=value,...>``; the folder is ``output_dir``,
    else ``hydra.sweep.dir`` if given, else a new ``outputs/sensitivity/<date>/<time>_sweep``.
    """
    points, swept = sweep_points(overrides, multirun=True)
    root = next(
        (
            o.split("=", 1)[1]
            for key in ("output_dir", "hydra.sweep.dir")
            for o in points[0]
            if override_key(o) == key
        ),
        None,
    )
    out_dir = Path(root.strip("'\"")) if root else default_folder("sensitivity", "sweep")
    for number, point in enumerate(points):
        kept = [o for o in point if override_key(o) not in ("output_dir", "hydra.sweep.dir")]
        folder = point_folder(out_dir.resolve(), number, point, swept)
        print(command([*kept, f"output_dir={quote_override(folder)}"]), flush=True)
    print(out_dir.resolve(), flush=True)


def main() -> None:
    """Command-line entry: the ``@hydra.main`` app over ``conf/sensitivity.yaml``.

    The output folder is printed last; a bad setting ends the process with status 1 and one
    line on stderr (:mod:`experiments.driver_app`).
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    run_app("experiments.sensitivity", CONFIG_NAME, check, command)


if __name__ == "__main__":
    # Run through the importable module, so launchers pickle the job function by reference.
    from experiments import sensitivity

    sensitivity.main()
