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
3. **Simulate** as one Hydra multirun over ``batch=range(K)`` through the configured launcher
   (joblib by default, submitit on a cluster): each job simulates its rows of the design in one
   process and writes its outputs atomically (temporary file, then ``os.replace``).
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
from datetime import datetime
from pathlib import Path

import hydra
import numpy as np
from hydra import compose, initialize_config_module
from omegaconf import DictConfig, OmegaConf, open_dict

from analysis.sensitivity import merge_batches
from experiments.hydra_job import hydra_argv, quote_override
from experiments.records import save_npz_atomic, write_text_atomic
from experiments.sensitivity_jobs import Design, batch_path, plan, run_batch
from experiments.sensitivity_outputs import analyse, record_run, timing_text
from experiments.sensitivity_space import arm_names

CONFIG_MODULE = "conf"
CONFIG_NAME = "sensitivity"


_hydra_batches = hydra.main(
    config_path=f"pkg://{CONFIG_MODULE}", config_name=CONFIG_NAME, version_base="1.3"
)(run_batch)


def compose_config(overrides: Sequence[str]) -> tuple[DictConfig, str]:
    """Compose ``conf/sensitivity.yaml`` with overrides.

    Returns:
        The config without its ``hydra`` node, and the launcher's class name.
    """
    with initialize_config_module(config_module=CONFIG_MODULE, version_base="1.3"):
        cfg = compose(CONFIG_NAME, overrides=list(overrides), return_hydra_config=True)
    launcher = str(cfg.hydra.launcher.get("_target_", "?")).rsplit(".", 1)[-1]
    with open_dict(cfg):
        del cfg["hydra"]
    return cfg, launcher


def launch(overrides: Sequence[str], out_dir: Path, n_batches: int) -> None:
    """Run the batches as one Hydra multirun through the configured launcher."""
    args = [
        "--multirun",
        *overrides,
        f"design={quote_override(out_dir / 'design.npz')}",
        f"batch=range(0,{n_batches})",
        f"hydra.sweep.dir={quote_override(out_dir / 'jobs')}",
    ]
    with hydra_argv(args):
        _hydra_batches()


def gather(out_dir: Path, design: Design) -> tuple[np.ndarray, float]:
    """Read every batch's outputs back in sample order, with the jobs' summed compute time.

    Raises:
        RuntimeError: If a batch is missing or belongs to another design.
    """
    parts = []
    for batch in range(design.n_batches):
        path = batch_path(out_dir, batch)
        if not path.exists():
            raise RuntimeError(f"batch {batch} wrote no outputs ({path}); see {out_dir / 'jobs'}")
        with np.load(path) as done:
            if str(done["digest"]) != design.digest:
                raise RuntimeError(f"{path} belongs to another design")
            parts.append((int(done["start"]), done["Y"], float(done["seconds"])))
    Y = merge_batches([(start, rows) for start, rows, _ in parts], n_rows=len(design.X))
    return Y, sum(seconds for *_, seconds in parts)


def default_output_dir(cfg: DictConfig) -> Path:
    """``outputs/sensitivity/<date>/<time>_<method>_n<n>`` under the working directory."""
    now = datetime.now()
    return (
        Path("outputs")
        / "sensitivity"
        / now.strftime("%Y-%m-%d")
        / f"{now.strftime('%H-%M-%S')}_{cfg.sensitivity.evaluator}_{cfg.method}_n{cfg.n}"
    )


def run(overrides: Sequence[str] = ()) -> Path:
    """Run the whole analysis (see the module docstring); return the output folder."""
    began = time.perf_counter()
    logging.getLogger("MESA").setLevel(logging.WARNING)
    overrides = list(overrides)
    cfg, launcher = compose_config(overrides)
    design = plan(cfg)
    out_dir = Path(cfg.output_dir) if cfg.output_dir else default_output_dir(cfg)
    out_dir = out_dir.resolve()
    if not any(o.split("=", 1)[0].lstrip("+~") == "output_dir" for o in overrides):
        overrides.append(f"output_dir={quote_override(out_dir)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    problem = design.problem
    save_npz_atomic(
        out_dir / "design.npz",
        X=design.X,
        seeds=design.seeds,
        names=np.array(problem["names"]),
        batch_size=design.batch_size,
        digest=design.digest,
    )
    write_text_atomic(out_dir / "config.yaml", OmegaConf.to_yaml(cfg, resolve=True))
    sampled = time.perf_counter()

    launch(overrides, out_dir, design.n_batches)
    Y, job_seconds = gather(out_dir, design)
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


def main() -> None:
    """Command-line entry: run with ``sys.argv`` overrides; print the output folder last."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    try:
        out_dir = run(sys.argv[1:])
    except ValueError as error:
        sys.exit(f"experiments.sensitivity: {error}")
    print(out_dir, flush=True)


if __name__ == "__main__":
    main()
