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
from experiments.run_store import RunStore
from experiments.runner import Work, work_through
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
        rng=seed, pressure=cfg.scenario, burn_in_weeks=cfg.burn_in_weeks, **model_params
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


CHUNKS_PER_BATCH = 10
"""Pieces each batch is stored in: a job's progress and resumption go piece by piece."""


def chunks(design: Design, batch: int) -> list[tuple[int, int]]:
    """The (start, stop) rows of each stored piece of batch ``batch``."""
    first = batch * design.batch_size
    last = min(first + design.batch_size, len(design.X))
    size = max(1, -(-(last - first) // CHUNKS_PER_BATCH))
    return [(start, min(start + size, last)) for start in range(first, last, size)]


def chunk_store(out_dir: Path, design: Design, rows: int) -> RunStore:
    """The store of the design's results (``<out_dir>/batches``), for pieces of ``rows`` rows."""
    outputs = len(design.problem["outputs"])
    return RunStore(out_dir / "batches", {"Y": (rows, outputs), "seconds": ()})


def chunk_key(design: Design, start: int, stop: int) -> str:
    """Key of the piece of rows ``start:stop`` of this design (another design never matches)."""
    return f"rows_{start:07d}_{stop:07d}_{design.digest}"


def compute_chunk(cfg: DictConfig, design: Design, out_dir: Path, start: int, stop: int) -> int:
    """Simulate rows ``start:stop`` unless validly stored (holding their claim); return rows run."""
    store, key = chunk_store(out_dir, design, stop - start), chunk_key(design, start, stop)
    with store.claim(key):
        if not store.invalid(key, start):
            return 0
        began = time.perf_counter()
        evaluate = EVALUATORS[cfg.sensitivity.evaluator]
        Y = np.asarray(evaluate(cfg, design.space, design.X[start:stop], design.seeds[start:stop]))
        seconds = time.perf_counter() - began
        store.save(key, start, Y=Y, seconds=np.float64(seconds))
    return stop - start


def save_design(design: Design, path: Path) -> Path:
    """Write the design (samples, seeds, how it is cut) for the jobs to read."""
    return save_npz_atomic(
        path,
        X=design.X,
        seeds=design.seeds,
        names=np.array(design.problem["names"]),
        outputs=np.array(design.problem["outputs"]),
        n_design=design.n_design,
        block=design.block,
        batch_size=design.batch_size,
        digest=design.digest,
    )


def load_design(cfg: DictConfig, path: Path) -> Design:
    """The design the driver wrote to ``path``, for a job of ``cfg``.

    Raises:
        RuntimeError: If the job's parameter space is not the design's, or the file changed.
    """
    with np.load(path) as stored:
        X, seeds = stored["X"], stored["seeds"]
        names = [str(name) for name in stored["names"]]
        outputs = [str(name) for name in stored["outputs"]]
        sizes = [int(stored[key]) for key in ("n_design", "block", "batch_size")]
        digest = str(stored["digest"])
    space = parameter_space(cfg)
    if [param.name for param in space.params] != names:
        raise RuntimeError(f"the job's parameter space is not the design's {names} ({path})")
    if hashlib.sha256(X.tobytes() + seeds.tobytes()).hexdigest()[:16] != digest:
        raise RuntimeError(f"{path} changed since it was written (digest differs)")
    problem = {"names": names, "outputs": outputs}
    return Design(problem, space, X, seeds, sizes[0], sizes[1], sizes[2], digest)


def run_batch(cfg: DictConfig) -> int:
    """Hydra task: simulate batch ``cfg.batch`` of the design, piece by piece, with progress.

    Pieces already stored validly for the same design are kept (a resubmitted job does no work
    twice); a piece another job is computing is waited for, not computed again.

    Returns:
        The number of rows simulated.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    if cfg.design is None or cfg.batch is None:
        raise ValueError(
            "run_batch is a job of the sensitivity driver; run `python -m experiments.sensitivity`"
        )
    design_path, batch = Path(cfg.design), int(cfg.batch)
    design, out_dir = load_design(cfg, design_path), design_path.parent
    pieces = [
        Work((start, stop), chunk_key(design, start, stop), f"rows {start}-{stop - 1}")
        for start, stop in chunks(design, batch)
    ]
    return work_through(
        f"sensitivity: job {batch + 1}/{design.n_batches}",
        pieces,
        chunk_store(out_dir, design, 0),
        lambda rows: compute_chunk(cfg, design, out_dir, *rows),
        position=batch % 8,
    )
