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

import copy
import dataclasses
import hashlib
import json
import logging
import math
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import hydra
import numpy as np
import pandas as pd
from hydra import compose, initialize_config_module
from omegaconf import DictConfig, OmegaConf, open_dict

from analysis.sensitivity import (
    UncertainParameter,
    analyze,
    build_problem,
    convergence,
    describe,
    ishigami,
    merge_batches,
    plot_morris,
    plot_sobol,
    sample,
    split_batches,
)
from experiments.hydra_job import hydra_argv, quote_override
from experiments.records import provenance, save_npz_atomic, write_text_atomic

CONFIG_MODULE = "conf"
CONFIG_NAME = "sensitivity"
STATUS_QUO = "status_quo"
"""Name of the arm without interventions."""

ENTRY_KEYS = ("low", "high", "dist", "source", "mode", "mean", "sd")
"""Keys an entry of a parameter space may have (see :class:`UncertainParameter`)."""

DRIVER_KEYS = ("design", "batch")
"""Config keys the driver sets for each job; users may not override them."""

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Configuration: the parameter space and what it may name


@dataclass(frozen=True)
class Space:
    """The uncertain parameters of one analysis.

    Attributes:
        params: In file order: model parameters, then ``"<bundle>.<name>"`` bundle settings.
        scales: For bundle entries with ``scales``: the ``member.setting`` targets whose
            defaults the sampled value multiplies (``"*"`` as member: every member).
    """

    params: list[UncertainParameter]
    scales: Mapping[str, tuple[str, ...]]


def parameter_space(cfg: DictConfig) -> Space:
    """Read the uncertain parameters of ``cfg.sensitivity``, in file order.

    ``parameters`` maps model parameters to their entries. ``bundles`` maps each intervention
    bundle to its uncertain settings, named ``"<bundle>.<name>"`` in the results: a ``build()``
    setting of the bundle (``uptake``, ``half_life_weeks``, ``"member.setting"``), or, with
    ``scales: [member.setting, ...]``, a factor on those settings' defaults.

    Raises:
        ValueError: If an entry is not a mapping, has unknown keys, or breaks a rule of
            :class:`UncertainParameter` (low not below high, no source, ...).
    """
    entries = dict(cfg.sensitivity.get("parameters") or {})
    scales: dict[str, tuple[str, ...]] = {}
    for bundle, settings in (cfg.sensitivity.get("bundles") or {}).items():
        if not isinstance(settings, Mapping):
            raise ValueError(
                f"sensitivity.bundles.{bundle}: expected a mapping of settings, got {settings!r}"
            )
        for setting, entry in settings.items():
            name = f"{bundle}.{setting}"
            if isinstance(entry, Mapping) and "scales" in entry:
                targets = entry["scales"]
                if isinstance(targets, str) or not targets:
                    raise ValueError(
                        f"sensitivity parameter {name!r}: scales must be a non-empty list of "
                        f"'member.setting' names, got {targets!r}"
                    )
                scales[name] = tuple(str(t) for t in targets)
                entry = {k: v for k, v in entry.items() if k != "scales"}
            entries[name] = entry
    if not entries:
        raise ValueError("the parameter space (sensitivity.parameters) is empty")
    return Space([_entry(str(name), entry) for name, entry in entries.items()], scales)


def _entry(name: str, entry: Any) -> UncertainParameter:
    if not isinstance(entry, Mapping):
        raise ValueError(
            f"sensitivity parameter {name!r}: expected a mapping with low, high and source, "
            f"got {entry!r}"
        )
    unknown = sorted(set(entry) - set(ENTRY_KEYS))
    if unknown:
        raise ValueError(
            f"sensitivity parameter {name!r}: unknown key(s) {unknown}; allowed: "
            f"{', '.join(ENTRY_KEYS)} (and scales, for bundle settings)"
        )
    missing = [key for key in ("low", "high") if entry.get(key) is None]
    if missing:
        raise ValueError(f"sensitivity parameter {name!r}: missing {' and '.join(missing)}")
    return UncertainParameter(name=name, **dict(entry))


def _model_fields() -> dict[str, Any]:
    from sim.parameters import ModelParameters

    return {
        f.name: f
        for f in dataclasses.fields(ModelParameters)
        if f.type in (int, float) and f.metadata.get("low") is not None
    }


def arm_names(cfg: DictConfig) -> list[str]:
    """The arms simulated for every sample: the status quo (if asked), then the contrast."""
    arms = [STATUS_QUO] if cfg.status_quo else []
    if cfg.contrast is not None:
        pair = list(cfg.contrast.arms)
        if len(pair) != 2 or pair[0] == pair[1]:
            raise ValueError(f"contrast.arms must name two different bundles, got {pair}")
        arms += pair
    if not arms:
        raise ValueError("nothing to simulate: status_quo is false and contrast is null")
    return arms


def output_names(cfg: DictConfig) -> list[str]:
    """Names of the analysed outputs, in the column order of the simulated results."""
    if cfg.sensitivity.evaluator == "ishigami":
        return ["y"]
    metrics = list(cfg.metrics)
    names = list(metrics) if cfg.status_quo else []
    if cfg.contrast is not None:
        names += [f"{cfg.contrast.name}_{metric}" for metric in metrics]
    return names


def _split_name(name: str) -> tuple[str | None, str]:
    """``"bundle.setting"`` -> (bundle, setting); a model parameter -> (None, name)."""
    bundle, dot, setting = name.partition(".")
    return (bundle, setting) if dot else (None, name)


def known_names(cfg: DictConfig, space: Space) -> list[str]:
    """Names a parameter of this space may have: model parameters and simulated bundles'."""
    if cfg.sensitivity.evaluator == "ishigami":
        return ["x1", "x2", "x3"]
    bundles = set(arm_names(cfg)) - {STATUS_QUO}
    dotted = [p.name for p in space.params if _split_name(p.name)[0] in bundles]
    return sorted([*_model_fields(), *dotted])


def bundle_settings(
    cfg: DictConfig, space: Space, bundle: str, values: Mapping[str, float]
) -> dict[str, Any]:
    """``build()`` settings of ``bundle`` for one sample: fixed settings, then sampled ones.

    Args:
        cfg: The composed config (``interventions.<bundle>`` holds fixed settings).
        space: The parameter space.
        bundle: The bundle's name.
        values: Sampled values by parameter name (other bundles' and model ones are ignored).
    """
    from sim.interventions import BUNDLES, INTERVENTIONS

    settings = dict(cfg.interventions.get(bundle) or {})
    for name, value in values.items():
        owner, setting = _split_name(name)
        if owner != bundle:
            continue
        if name not in space.scales:
            settings[setting] = float(value)
            continue
        for target in space.scales[name]:
            member, dot, key = target.partition(".")
            members = BUNDLES.get(bundle, ()) if member == "*" else (member,)
            if not dot or not members:
                listed = ", ".join(BUNDLES.get(bundle, ()))
                raise ValueError(
                    f"sensitivity parameter {name!r}: cannot scale {target!r}; give "
                    f"'member.setting' with a member of {bundle!r} ({listed})"
                )
            for m in members:
                full = f"{m}.{key}"
                if m not in INTERVENTIONS or key not in INTERVENTIONS[m].settings_spec():
                    raise ValueError(
                        f"sensitivity parameter {name!r}: {full!r} is not a setting of a member "
                        f"of {bundle!r}"
                    )
                spec = INTERVENTIONS[m].settings_spec()[key]
                base = settings.get(full, spec.default)
                if not isinstance(base, int | float) or isinstance(base, bool):
                    raise ValueError(
                        f"sensitivity parameter {name!r}: {full!r} has no numeric default to scale"
                    )
                scaled = base * float(value)
                settings[full] = round(scaled) if spec.integer else scaled
    return settings


def check_space(cfg: DictConfig, space: Space) -> None:
    """Check, before any simulation, that the model can run at both ends of every range.

    Model parameters are checked by :class:`sim.parameters.ModelParameters` (which names the
    allowed range); bundle settings by building the bundle with that value.

    Raises:
        ValueError: Naming the parameter, its range and the rule it breaks.
    """
    if cfg.sensitivity.evaluator != "workforce":
        return
    from sim.parameters import ModelParameters

    fixed = dict(cfg.model)
    ModelParameters.from_kwargs(**fixed)
    bundles = set(arm_names(cfg)) - {STATUS_QUO}
    for bundle in sorted(bundles):
        _build(bundle, bundle_settings(cfg, space, bundle, {}))
    for param in space.params:
        if param.dist in ("norm", "lognorm", "weibull"):
            continue  # unbounded: checked sample by sample in check_samples
        bundle, _ = _split_name(param.name)
        for end, value in (("low", param.low), ("high", param.high)):
            tried = ""
            try:
                if bundle is None:
                    ModelParameters.from_kwargs(**{**fixed, param.name: value})
                else:
                    settings = bundle_settings(cfg, space, bundle, {param.name: value})
                    tried = f" (settings of {bundle!r}: {settings})"
                    _build(bundle, settings)
            except (ValueError, TypeError) as error:
                raise ValueError(
                    f"sensitivity parameter {param.name!r}: its {end} end ({value}) is not "
                    f"allowed: {error}{tried}"
                ) from error


def check_samples(cfg: DictConfig, names: Sequence[str], X: np.ndarray) -> None:
    """Check every sampled value of a model parameter against the model's allowed range."""
    if cfg.sensitivity.evaluator != "workforce":
        return
    fields = _model_fields()
    for column, name in enumerate(names):
        if name not in fields:
            continue
        low, high = fields[name].metadata["low"], fields[name].metadata["high"]
        bad = np.flatnonzero((X[:, column] < low) | (X[:, column] > high))
        if bad.size:
            raise ValueError(
                f"sensitivity parameter {name!r}: {bad.size} sampled values fall outside the "
                f"model's allowed range [{low}, {high}] (first {X[bad[0], column]:g} at row "
                f"{bad[0]}); narrow or truncate its distribution"
            )


def _build(bundle: str, settings: Mapping[str, Any]) -> list:
    from sim import interventions

    return list(interventions.build(bundle, **settings))


# --------------------------------------------------------------------------------------------
# The design: samples, seeds and batches


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
    model_columns = [(j, name) for j, name in enumerate(names) if _split_name(name)[0] is None]
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
            model.start_interventions(_build(arm, bundle_settings(cfg, space, arm, sampled)))
        model.run_for(cfg.horizon_weeks)
        summary = model.summary()
        results[arm] = np.array([float(summary[metric]) for metric in cfg.metrics])
    parts = [results[STATUS_QUO]] if cfg.status_quo else []
    if cfg.contrast is not None:
        first, second = cfg.contrast.arms
        parts.append(results[first] - results[second])
    return np.concatenate(parts)


def _as_model_value(name: str, value: float) -> float | int:
    field = _model_fields()[name]
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


_hydra_batches = hydra.main(
    config_path=f"pkg://{CONFIG_MODULE}", config_name=CONFIG_NAME, version_base="1.3"
)(run_batch)


# --------------------------------------------------------------------------------------------
# The driver


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
    print(_timing_text(cfg, design, launcher, timings, len(arms)))
    return out_dir


def analyse(cfg: DictConfig, design: Design, Y: np.ndarray, out_dir: Path) -> str:
    """Write indices, plots, convergence, noise and the text summary; return the summary."""
    with warnings.catch_warnings():
        # Bundle settings leave the status quo arm unchanged, so SALib sees identical runs.
        warnings.filterwarnings("ignore", message="Constant values encountered")
        return _analyse(cfg, design, Y, out_dir)


def _analyse(cfg: DictConfig, design: Design, Y: np.ndarray, out_dir: Path) -> str:
    problem, n = design.problem, design.n_design
    names, outputs = problem["names"], problem["outputs"]
    runs = pd.DataFrame(design.X, columns=names)
    runs.insert(0, "seed", design.seeds)
    runs.insert(0, "kind", np.where(np.arange(len(runs)) < n, "design", "noise_check"))
    runs[outputs] = Y
    runs.to_csv(out_dir / "runs.csv", index_label="row")
    X, Y_design = design.X[:n], Y[:n]
    options = {"seed": cfg.seed, "second_order": cfg.second_order}
    table = analyze(
        problem,
        X,
        Y_design,
        cfg.method,
        num_resamples=cfg.num_resamples,
        morris_levels=cfg.morris_levels,
        **options,
    )
    table.to_csv(out_dir / "indices.csv", index=False)
    lines = [
        f"Sensitivity of {len(outputs)} outputs to {len(names)} parameters "
        f"({cfg.method}, n={cfg.n}, {n} samples)."
    ]
    noise = None
    if design.noise_rows:
        noise = seed_noise(Y_design, Y[n:], design.block, outputs)
        noise.to_csv(out_dir / "noise.csv", index=False)
    conv = None
    if cfg.method == "sobol" and cfg.n >= 4:
        conv = convergence(
            problem,
            X,
            Y_design,
            num_resamples=cfg.num_resamples,
            tolerance=cfg.convergence_tolerance,
            **options,
        ).rename(columns={"n": "n_half", "value_n": "value_half_n", "value_2n": "value_n"})
        conv.to_csv(out_dir / "convergence.csv", index=False)
    for output in outputs:
        path = out_dir / "plots" / f"{cfg.method}_{output}.png"
        if cfg.method == "sobol":
            share = None if noise is None else noise.set_index("output").at[output, "noise_share"]
            plot_sobol(table, output, path, noise_share=share)
        else:
            floor = None if noise is None else noise_mu_star(noise, output, cfg.morris_levels)
            plot_morris(table, output, path, noise_mu_star=floor)
        lines += ["", describe(table, output, threshold=cfg.threshold)]
        if noise is not None:
            lines.append(
                _noise_text(
                    table, noise, output, design.noise_rows, cfg.threshold, cfg.morris_levels
                )
            )
        if conv is not None:
            rows = conv[conv["output"] == output]
            if rows["abs_change"].notna().any():  # NaN at N/2 when an output did not vary there
                worst = rows.loc[rows["abs_change"].idxmax()]
                verdict = "settled" if bool(rows["converged"].iloc[0]) else "NOT settled"
                lines.append(
                    f"Convergence: largest change of S1/ST from N={cfg.n // 2} to N={cfg.n} is "
                    f"{worst['abs_change']:.3f} ({worst['parameter']} {worst['index']}): "
                    f"{verdict} at tolerance {cfg.convergence_tolerance:g}."
                )
    text = "\n".join(lines)
    write_text_atomic(out_dir / "summary.txt", text + "\n")
    return text


def _noise_text(
    table: pd.DataFrame,
    noise: pd.DataFrame,
    output: str,
    pairs: int,
    threshold: float,
    morris_levels: int,
) -> str:
    row = noise.set_index("output").loc[output]
    share, noise_sd = row["noise_share"], row["noise_sd"]
    text = (
        f"Seed noise: {share:.0%} of the output's variance (sd {noise_sd:.3g} between "
        f"seeds against {row['output_sd']:.3g} across the sample, from {pairs} re-runs)"
    )
    if not np.isfinite(share):
        return text + "."
    rows = table[table["output"] == output]
    # A parameter change re-draws the whole stochastic path, so noise enters every index.
    if "ST" in set(rows["index"]):
        # An ST above the cut-off whose interval reaches down to the noise share.
        total = rows[rows["index"] == "ST"]
        suspect = total[(total["value"] > threshold) & (total["value"] - total["conf"] <= share)]
    else:
        floor = noise_mu_star(noise, output, morris_levels)
        text += f"; a change that re-draws the random path gets mu* of about {floor:.3g} from it"
        mu_star = rows[rows["index"] == "mu_star"]
        cutoff = threshold * mu_star["value"].max()
        suspect = mu_star[(mu_star["value"] > cutoff) & (mu_star["value"] <= 1.5 * floor)]
    if suspect.empty:
        return text + "."
    listed = ", ".join(suspect.sort_values("value", ascending=False)["parameter"])
    return text + f"; the effects of {listed} cannot be told from it."


def noise_mu_star(noise: pd.DataFrame, output: str, morris_levels: int) -> float:
    """The Morris mu* that seed noise alone gives an input without any effect.

    An elementary effect is (y1 - y2) / delta, unscaled, with delta = levels / (2 (levels - 1))
    on the unit scale (SALib); with noise of sd s, y1 - y2 ~ N(0, 2 s^2) and its mean absolute
    value is 2 s / sqrt(pi).
    """
    noise_sd = float(noise.set_index("output").at[output, "noise_sd"])
    delta = morris_levels / (2.0 * (morris_levels - 1))
    return 2.0 * noise_sd / (math.sqrt(math.pi) * delta)


def seed_noise(
    Y_design: np.ndarray, Y_again: np.ndarray, block: int, outputs: Sequence[str]
) -> pd.DataFrame:
    """Seed-to-seed noise of each output from base points re-run with another seed.

    The first row of block ``i`` was re-run as row ``i`` of ``Y_again``; half the mean squared
    difference of a pair estimates the noise variance at that point (Var(a - b) = 2 Var).

    Returns:
        One row per output: ``noise_sd``, ``output_sd`` (over the design) and
        ``noise_share`` (noise variance over output variance; NaN for a constant output).
    """
    first = Y_design[np.arange(len(Y_again)) * block]
    noise_var = 0.5 * np.mean((first - Y_again) ** 2, axis=0)
    output_var = np.var(Y_design, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(output_var > 0, noise_var / output_var, np.nan)
    return pd.DataFrame(
        {
            "output": list(outputs),
            "noise_sd": np.sqrt(noise_var),
            "output_sd": np.sqrt(output_var),
            "noise_share": share,
            "pairs": len(Y_again),
        }
    )


def record_run(
    cfg: DictConfig,
    overrides: Sequence[str],
    design: Design,
    launcher: str,
    timings: Mapping[str, float],
    n_arms: int,
    out_dir: Path,
) -> None:
    """Write ``run_info.json``: config, overrides, seeds, sizes, versions, commit and timings."""
    info = {
        "command": "python -m experiments.sensitivity " + " ".join(overrides),
        "overrides": list(overrides),
        "config": OmegaConf.to_container(cfg, resolve=True),
        "launcher": launcher,
        "seed": cfg.seed,
        "seed_mode": cfg.seed_mode,
        "design_digest": design.digest,
        "samples": design.n_design,
        "noise_check_rows": design.noise_rows,
        "arms": n_arms,
        "replicates": cfg.get("replicates", 1),
        "simulations": len(design.X) * n_arms * cfg.get("replicates", 1),
        "batches": design.n_batches,
        "batch_size": design.batch_size,
        "parameters": [
            {"name": name, "bounds": bounds, "dist": dist, "source": source}
            for name, bounds, dist, source in zip(
                design.problem["names"],
                design.problem["bounds"],
                design.problem["dists"],
                design.problem["sources"],
                strict=True,
            )
        ],
        "timings": dict(timings),
        **provenance(),
        "finished": datetime.now().isoformat(timespec="seconds"),
    }
    write_text_atomic(out_dir / "run_info.json", json.dumps(info, indent=2, default=str) + "\n")


def _timing_text(
    cfg: DictConfig, design: Design, launcher: str, timings: Mapping[str, float], n_arms: int
) -> str:
    samples = len(design.X)
    line = f"Time: {timings['total_s']:.1f} s in all; "
    if n_arms:
        replicates = cfg.get("replicates", 1)
        sims = samples * n_arms * replicates
        per_sim = 1e3 * timings["simulation_job_sum_s"] / sims
        line = (
            f"Simulated {design.n_design} + {design.noise_rows} (noise check) samples x "
            f"{n_arms} arms x {replicates} seeds = {sims} runs of "
            f"{cfg.model.n_workers} workers over {cfg.burn_in_weeks} + {cfg.horizon_weeks} weeks "
            f"({per_sim:.1f} ms per run in the jobs).\n" + line
        )
    return line + (
        f"setup and sampling {timings['setup_and_sampling_s']:.1f} s, simulation "
        f"{timings['simulation_wall_s']:.1f} s ({design.n_batches} jobs via {launcher}; jobs "
        f"computed {timings['simulation_job_sum_s']:.1f} s), "
        f"analysis {timings['analysis_s']:.1f} s."
    )


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
