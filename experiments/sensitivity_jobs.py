"""The sensitivity design (samples, seeds, batches) and what each Hydra job simulates."""

import copy
import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import DictConfig

from analysis.sensitivity import build_problem, ishigami, sample, split_batches
from experiments.records import save_npz_atomic
from experiments.sensitivity_space import (
    STATUS_QUO,
    Space,
    arm_names,
    build_bundle,
    bundle_settings,
    check_samples,
    check_space,
    known_names,
    model_fields,
    output_names,
    parameter_space,
    split_name,
)

DRIVER_KEYS = ("design", "batch")
"""Config keys the driver sets for each job; users may not override them."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Design:
    """Samples to simulate, their seeds and how they are cut into batches.

    Attributes:
        problem: The SALib problem (names, bounds, dists, outputs, sources).
        space: The parameter space it was built from.
        X: Samples in SALib's order, one row per sample, then the noise-check rows: the first
            row of each of the first ``noise_rows`` blocks again, with another seed.
        seeds: The simulation seed of each row.
        n_design: Rows of the SALib design (the rows analysed).
        block: Rows per Saltelli block or Morris trajectory.
        batch_size: Rows per batch (the last may be shorter).
        digest: A hash of ``X`` and ``seeds``; batch results carry it to prevent mixing runs.
    """

    problem: Any
    space: Space
    X: np.ndarray
    seeds: np.ndarray
    n_design: int
    block: int
    batch_size: int
    digest: str

    @property
    def noise_rows(self) -> int:
        """Rows re-run with another seed to measure seed-to-seed noise."""
        return len(self.X) - self.n_design

    @property
    def n_batches(self) -> int:
        """Number of Hydra jobs."""
        return len(split_batches(self.X, self.batch_size))


def rows_per_block(method: str, num_vars: int, second_order: bool) -> int:
    """Rows of one Saltelli block (Sobol') or one trajectory (Morris)."""
    if method == "morris":
        return num_vars + 1
    return 2 * num_vars + 2 if second_order else num_vars + 2


def row_seeds(seed: int, mode: str, n_rows: int, block: int) -> np.ndarray:
    """Simulation seed of every row.

    ``per_block``: each Saltelli block (or Morris trajectory) has its own seed, shared by its
    rows, so differences within a block come from the parameters alone, and the spread between
    blocks carries the model's stochastic variance. The seeds of an N design prefix those of
    the 2N design. ``fixed``: one seed for all rows (indices conditional on that seed).
    """
    if mode == "fixed":
        return np.full(n_rows, np.random.SeedSequence(seed).generate_state(1)[0], dtype=np.uint32)
    if mode != "per_block":
        raise ValueError(f"seed_mode must be 'per_block' or 'fixed', got {mode!r}")
    block_seeds = np.random.SeedSequence(seed).generate_state(n_rows // block)
    return np.repeat(block_seeds, block).astype(np.uint32)


def plan(cfg: DictConfig) -> Design:
    """Check the configuration and draw the design; nothing is simulated or written.

    Raises:
        ValueError: On any bad setting, with a message naming it.
    """
    for key in DRIVER_KEYS:
        if cfg.get(key) is not None:
            raise ValueError(f"{key!r} is set by the driver for each job; do not override it")
    if cfg.sensitivity.evaluator not in ("workforce", "ishigami"):
        raise ValueError(
            f"sensitivity.evaluator must be 'workforce' or 'ishigami', got "
            f"{cfg.sensitivity.evaluator!r}"
        )
    if isinstance(cfg.batches, bool) or not isinstance(cfg.batches, int) or cfg.batches < 1:
        raise ValueError(f"batches must be a positive integer, got {cfg.batches!r}")
    space = parameter_space(cfg)
    if cfg.sensitivity.evaluator == "workforce":
        arm_names(cfg)
        replicates = cfg.get("replicates", 1)
        if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
            raise ValueError(f"replicates must be a whole number >= 1, got {replicates!r}")
        for key in ("burn_in_weeks", "horizon_weeks"):
            if isinstance(cfg[key], bool) or not isinstance(cfg[key], int) or cfg[key] < 0:
                raise ValueError(f"{key} must be a whole number >= 0, got {cfg[key]!r}")
        if cfg.horizon_weeks < 52 and "annual_turnover_rate" in cfg.metrics:
            log.warning("horizon_weeks < 52: annual_turnover_rate covers a part year")
    problem = build_problem(space.params, output_names(cfg), known_names=known_names(cfg, space))
    check_space(cfg, space)
    X = sample(
        problem,
        cfg.method,
        cfg.n,
        seed=cfg.seed,
        second_order=cfg.second_order,
        morris_levels=cfg.morris_levels,
    )
    check_samples(cfg, problem["names"], X)
    block = rows_per_block(cfg.method, problem["num_vars"], cfg.second_order)
    seeds = row_seeds(cfg.seed, cfg.seed_mode, len(X), block)
    n_design = len(X)
    if isinstance(cfg.noise_check, bool) or not isinstance(cfg.noise_check, int):
        raise ValueError(f"noise_check must be a whole number >= 0, got {cfg.noise_check!r}")
    n_noise = min(max(cfg.noise_check, 0), n_design // block)
    if cfg.sensitivity.evaluator == "workforce" and n_noise:
        # Base points again with fresh seeds: their spread is the model's seed-to-seed noise.
        starts = np.arange(n_noise) * block
        X = np.vstack([X, X[starts]])
        fresh = np.random.SeedSequence([cfg.seed, 1]).generate_state(n_noise)
        seeds = np.concatenate([seeds, fresh.astype(np.uint32)])
    digest = hashlib.sha256(X.tobytes() + seeds.tobytes()).hexdigest()[:16]
    batch_size = -(-len(X) // min(cfg.batches, len(X)))
    return Design(problem, space, X, seeds, n_design, block, batch_size, digest)


# --------------------------------------------------------------------------------------------
# Simulation (inside each Hydra job)


def simulate_workforce(
    cfg: DictConfig, space: Space, X: np.ndarray, seeds: np.ndarray
) -> np.ndarray:
    """Simulate each row in every arm; return one row of outputs per sample.

    With ``replicates`` R > 1 each row's outputs are the mean over R seeds (the row's seed,
    then seeds derived from it), which divides the seed-to-seed noise variance by R.
    """
    names = [param.name for param in space.params]
    model_columns = [(j, name) for j, name in enumerate(names) if split_name(name)[0] is None]
    replicates = cfg.get("replicates", 1)
    Y = np.empty((len(X), len(output_names(cfg))))
    for row, (values, seed) in enumerate(zip(X, seeds, strict=True)):
        model_params = dict(cfg.model)
        model_params.update({name: _as_model_value(name, values[j]) for j, name in model_columns})
        sampled = dict(zip(names, values.tolist(), strict=True))
        Y[row] = np.mean(
            [
                simulate_point(cfg, space, model_params, sampled, replicate_seed(int(seed), r))
                for r in range(replicates)
            ],
            axis=0,
        )
    return Y


def replicate_seed(seed: int, replicate: int) -> int:
    """Seed of replicate ``replicate`` of a row (replicate 0 uses the row's own seed)."""
    if replicate == 0:
        return seed
    return int(np.random.SeedSequence([seed, replicate]).generate_state(1)[0])


def simulate_point(
    cfg: DictConfig,
    space: Space,
    model_params: Mapping[str, Any],
    sampled: Mapping[str, float],
    seed: int,
) -> np.ndarray:
    """Outputs of one parameter set and seed, in the order of :func:`output_names`.

    The arms share the seed and the burn-in: the model is built (and burned in) once, copied
    for each arm, and each bundle's interventions start on its copy at week 0, exactly as if
    passed to the constructor.
    """
    from sim import WorkforceModel

    arms = arm_names(cfg)
    base = WorkforceModel(
        rng=seed, scenario=cfg.scenario, burn_in_weeks=cfg.burn_in_weeks, **model_params
    )
    results = {}
    for i, arm in enumerate(arms):
        model = base if i == len(arms) - 1 else copy.deepcopy(base)
        if arm != STATUS_QUO:
            model.start_interventions(build_bundle(arm, bundle_settings(cfg, space, arm, sampled)))
        model.run_for(cfg.horizon_weeks)
        summary = model.summary()
        results[arm] = np.array([float(summary[metric]) for metric in cfg.metrics])
    parts = [results[STATUS_QUO]] if cfg.status_quo else []
    if cfg.contrast is not None:
        first, second = cfg.contrast.arms
        parts.append(results[first] - results[second])
    return np.concatenate(parts)


def _as_model_value(name: str, value: float) -> float | int:
    field = model_fields()[name]
    return int(round(value)) if field.type is int else float(value)


EVALUATORS: Mapping[str, Callable[[DictConfig, Space, np.ndarray, np.ndarray], np.ndarray]] = {
    "workforce": simulate_workforce,
    "ishigami": lambda cfg, space, X, seeds: ishigami(X)[:, np.newaxis],
}
"""How each kind of parameter space turns samples into outputs."""


def batch_path(out_dir: Path, batch: int) -> Path:
    """Where job ``batch`` writes its outputs."""
    return out_dir / "batches" / f"batch_{batch:05d}.npz"


def run_batch(cfg: DictConfig) -> str:
    """Hydra task: simulate one batch of the design and write its outputs atomically.

    A batch already written for the same design is kept (a resubmitted job does no work twice).

    Returns:
        The path of the batch's outputs.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    if cfg.design is None or cfg.batch is None:
        raise ValueError(
            "run_batch is a job of the sensitivity driver; run `python -m experiments.sensitivity`"
        )
    design_path = Path(cfg.design)
    with np.load(design_path) as design:
        X, seeds = design["X"], design["seeds"]
        stored_names = [str(name) for name in design["names"]]
        batch_size, digest = int(design["batch_size"]), str(design["digest"])
    batch = int(cfg.batch)
    out = batch_path(design_path.parent, batch)
    if out.exists():
        with np.load(out) as done:
            if str(done["digest"]) == digest:
                return str(out)
    start = batch * batch_size
    rows = slice(start, start + batch_size)
    began = time.perf_counter()
    space = parameter_space(cfg)
    names = [param.name for param in space.params]
    if names != stored_names:
        raise RuntimeError(f"the job's parameter space {names} is not the design's {stored_names}")
    Y = np.asarray(EVALUATORS[cfg.sensitivity.evaluator](cfg, space, X[rows], seeds[rows]))
    seconds = time.perf_counter() - began
    save_npz_atomic(out, start=start, Y=Y, seconds=seconds, digest=digest)
    return str(out)
