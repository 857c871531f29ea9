"""Calibrate the model's uncertain parameters to published evidence, with uncertainty.

Usage (a Hydra app over ``conf/calibration/calibration.yaml``, a config module of its own;
``--help``, ``--cfg job``, ``--info`` and ``hydra.run.dir=`` work as in any Hydra app)::

    python -m experiments.calibrate                    # ABC-SMC; writes sim/posteriors/default.*
    python -m experiments.calibrate experiment=quick   # a smoke run in about a minute
    python -m experiments.calibrate abc.population_size=100 posterior_path=null
    python -m experiments.calibrate output_dir=outputs/cal resume=true   # continue a stopped run

``experiment=NAME`` picks a preset of the config group ``conf/calibration/experiment/`` (the
calibration's own search path, so the main comparison's ``conf/experiment/`` does not clash;
nothing rewrites the command line). A bad key or value stops
the command with one line before anything runs. The output folder (``output_dir=``, else
``hydra.run.dir``, by default ``outputs/calibration/<date>/<time>``) is printed last.

Method (docs/calibration.md):

1. **Targets** are the published figures of :mod:`analysis.calibration` (all of them, the
   simulated-trial effects included); **priors** are uniform over the ranges of ``parameters``
   in the config, each with the evidence that bounds it.
2. **Noise pilot**: the current defaults are simulated on ``pilot_seeds``; each target's SD
   widens its published half-width in the distance (history matching's implausibility).
3. **ABC-SMC** (pyabc, :mod:`experiments.calibrate_abc`) over generations of shrinking tolerance;
   each parameter set is simulated once on a seed of its own (a hash of ``abc.seed`` and the
   values: :class:`experiments.calibration_model.TargetSimulator`).
4. **Posterior**: the last generation's weighted particles, saved as ``posterior.parquet`` /
   ``.json`` in the output folder and, unless ``posterior_path=null``, as the shipped ensemble
   (``posterior=default`` of the experiments). Its ``representative`` point is what
   ``sim.parameters`` reads as the model's calibrated defaults (``CALIBRATED_DEFAULTS =
   "default"``), so writing the shipped ensemble changes the defaults of the next run.
5. **Representative point** (:mod:`experiments.calibrate_representative`): the particles with
   the smallest ABC distance on common seeds at a precise design, ranked by targets hit, then
   loss; a bounded local search of the loss inside the posterior's support refines the best.
6. **Diagnostics**: posterior predictive simulations of ``predictive_draws`` draws (fresh seeds)
   against every published interval, prior vs posterior, correlations, convergence; the
   pandemic surge run forward from the representative point.
"""

import dataclasses
import logging
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import hydra
import numpy as np
import pandas as pd
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from matplotlib.figure import Figure
from omegaconf import DictConfig, OmegaConf

from analysis.calibration import TARGETS, fit_table, plot_target, table_markdown
from analysis.calibration_diagnostics import (
    parameter_markdown,
    parameter_table,
    plot_convergence,
    plot_correlations,
    plot_predictive,
    plot_prior_posterior,
    predictive_markdown,
    predictive_table,
    strong_pairs,
    target_noise,
    weighted_correlations,
)
from analysis.comparison import to_markdown
from experiments.batch_map import launcher_overrides, simulation_mapper
from experiments.calibrate_abc import AbcResult, AbcSettings, Prior, run_abc, simulate_sets
from experiments.calibrate_representative import RepresentativeSettings, choose_representative
from experiments.calibration_model import (
    Design,
    TargetSimulator,
    later_years_markdown,
    later_years_table,
    pandemic_turnover,
)
from experiments.hydra_app import check_command_line, compose_checked
from experiments.records import atomic_path, provenance, write_json_atomic, write_text_atomic
from sim.parameters import CALIBRATED_FIELDS, ModelParameters
from sim.posterior import POSTERIOR_DIR, Posterior, posterior_files, save_posterior

CONFIG_NAME = "calibration"
CONFIG_MODULE = "conf.calibration"
"""The calibration's config module: its config and its own ``experiment`` group of presets."""
COMMAND = "python -m experiments.calibrate"
PREDICTIVE_SEED = 900_000
"""Posterior predictive draw i is simulated with seed PREDICTIVE_SEED + i (not an ABC seed)."""


def _schema(cls: type, name: str, doc: str) -> type:
    """A structured-config node with the fields and defaults of a settings dataclass."""

    def spec(f: dataclasses.Field) -> tuple[str, Any, Any]:
        if f.default is dataclasses.MISSING:  # a default factory (a dict of overrides)
            return (f.name, f.type, field(default_factory=f.default_factory))
        if f.type == tuple[int, ...]:  # a list in the config
            return (f.name, list[int], field(default_factory=lambda d=f.default: list(d)))
        return (f.name, f.type, field(default=f.default))

    return dataclasses.make_dataclass(
        name, [spec(f) for f in dataclasses.fields(cls)], namespace={"__doc__": doc}
    )


DesignSchema = _schema(Design, "DesignSchema", "What is simulated per parameter set (design).")
AbcSchema = _schema(AbcSettings, "AbcSchema", "ABC-SMC settings (abc; checked by AbcSettings).")
RepresentativeSchema = _schema(
    RepresentativeSettings, "RepresentativeSchema", "How the representative point is chosen."
)


@dataclass
class PandemicSchema:
    """Later years, not fitted: the pandemic surge run forward (``pandemic``)."""

    start_week: float = 2.0
    years: list[int] = field(default_factory=lambda: [2020, 2021, 2022, 2023, 2024])


@dataclass
class CalibrationSchema:
    """The command's structured config (``calibration_schema``; values in the YAML file).

    ``parameters`` is open and checked by :func:`parse_config`.
    """

    abc: Any = field(default_factory=AbcSchema)
    pilot_seeds: list[int] = field(default_factory=list)
    predictive_draws: int = 100
    representative: Any = field(default_factory=RepresentativeSchema)
    resume: bool = False
    output_dir: str | None = None
    posterior_path: str | None = None
    figures_dir: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    design: Any = field(default_factory=DesignSchema)
    pandemic: PandemicSchema = field(default_factory=PandemicSchema)


ConfigStore.instance().store(name="calibration_schema", node=CalibrationSchema)
OmegaConf.register_new_resolver(  # hydra.run.dir: output_dir if given, else the dated default
    "calibration_output",
    lambda chosen, default: default if chosen is None else chosen,
    replace=True,
)


def load_config(overrides: Sequence[str] = ()) -> DictConfig:
    """Compose ``conf/calibration/calibration.yaml`` with ``overrides``; keys and types checked.

    Raises:
        ValueError: On an unknown key or a value of the wrong type (values in range are checked
            by :func:`parse_config`).
    """
    return compose_checked(CONFIG_NAME, overrides, lambda cfg: cfg, CONFIG_MODULE)


@dataclass(frozen=True)
class Plan:
    """A checked calibration: priors, design, ABC settings and the seeds of each step."""

    priors: tuple[Prior, ...]
    design: Design
    abc: AbcSettings
    pilot_seeds: tuple[int, ...]
    predictive_draws: int
    representative: RepresentativeSettings
    eval_design: Design


def _seeds(cfg: DictConfig, key: str) -> tuple[int, ...]:
    seeds = list(cfg[key])
    if not seeds or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in seeds):
        raise ValueError(f"{key} = {seeds!r}; allowed: a non-empty list of whole numbers >= 0")
    return tuple(seeds)


def parse_config(cfg: DictConfig) -> Plan:
    """Check the config before anything runs.

    Raises:
        ValueError: unknown parameter, bad range, bad seeds, ABC settings or design, or a
            shipped-default posterior that would not cover sim/parameters.py's calibrated fields.
    """
    pilot = _seeds(cfg, "pilot_seeds")
    if len(pilot) < 2:
        raise ValueError(f"pilot_seeds = {list(pilot)}; allowed: at least 2 seeds (an SD)")
    draws = cfg.predictive_draws
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 2:
        raise ValueError(f"predictive_draws = {draws!r}; allowed: a whole number >= 2")
    abc = AbcSettings(**OmegaConf.to_container(cfg.abc))  # type: ignore[arg-type]
    fields = {f.name: f for f in dataclasses.fields(ModelParameters)}
    priors = []
    for name, spec in cfg.parameters.items():
        if name not in fields or fields[name].metadata.get("low") is None:
            raise ValueError(
                f"parameter {name!r} is not a numeric model parameter (sim.parameters)"
            )
        prior = Prior(name, float(spec.low), float(spec.high), str(spec.get("source", "")))
        meta = fields[name].metadata
        if prior.low < meta["low"] or prior.high > meta["high"]:
            raise ValueError(
                f"parameter {name!r}: range [{prior.low}, {prior.high}] leaves the model's allowed "
                f"[{meta['low']}, {meta['high']}]"
            )
        if not prior.source:
            raise ValueError(f"parameter {name!r}: give the evidence that bounds it (source)")
        priors.append(prior)
    if not priors:
        raise ValueError("parameters is empty; allowed: at least one model parameter")
    if cfg.posterior_path and _is_shipped_default(cfg.posterior_path):
        names = {p.name for p in priors}
        if names != set(CALIBRATED_FIELDS):
            raise ValueError(
                f"posterior_path = {cfg.posterior_path!r} (the shipped default) needs exactly the "
                f"calibrated fields of sim/parameters.py {sorted(CALIBRATED_FIELDS)}; differing: "
                f"{sorted(names ^ set(CALIBRATED_FIELDS))} (set posterior_path=null or elsewhere)"
            )
    design = Design(**OmegaConf.to_container(cfg.design))  # type: ignore[arg-type]
    representative = RepresentativeSettings(**OmegaConf.to_container(cfg.representative))  # type: ignore[arg-type]
    eval_design = representative.evaluation_design(design)
    return Plan(tuple(priors), design, abc, pilot, int(draws), representative, eval_design)


def _is_shipped_default(path: str) -> bool:
    table, _ = posterior_files(path)
    return table.resolve() == (POSTERIOR_DIR / "default.parquet").resolve()


def _save_figure(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    return path


def write_target_figures(per_seed: Mapping[str, Sequence[float]], folder: Path) -> list[Path]:
    """One PNG per target: published value and interval against the representative point."""
    paths = []
    for target in TARGETS:
        if target.name in per_seed:
            fig = Figure(figsize=(5, 2.2))
            plot_target(target, per_seed[target.name], fig.add_subplot())
            paths.append(_save_figure(fig, folder / f"{target.name}.png"))
    return paths


def _frame(rows: Sequence[Mapping[str, float]], seeds: Sequence[int]) -> pd.DataFrame:
    return pd.DataFrame([{"seed": s, **r} for s, r in zip(seeds, rows, strict=True)])


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False)


def run(overrides: Sequence[str] = ()) -> Path:
    """Run the calibration (Python use, outside Hydra's app); return the output folder.

    The folder is ``output_dir``, else ``outputs/calibration/<date>/<time>``. Overrides of the
    launcher (``hydra/launcher=...``, ``hydra.launcher.*``) choose where the jobs run.
    """
    hydra_own = launcher_overrides(overrides)
    cfg = load_config([o for o in overrides if o not in hydra_own])
    out_dir = (
        Path(cfg.output_dir)
        if cfg.output_dir
        else Path("outputs/calibration") / datetime.now().strftime("%Y-%m-%d/%H-%M-%S")
    )
    return calibrate(cfg, out_dir, " ".join([COMMAND, *overrides]), hydra_own)


def calibrate(
    cfg: DictConfig, out_dir: Path, command: str, hydra_overrides: Sequence[str] = ()
) -> Path:
    """Check ``cfg``, run ABC-SMC and the diagnostics, write every output; return ``out_dir``.

    Every simulation goes to ``abc.jobs`` jobs of the launcher that ``hydra_overrides`` choose
    (conf/calibration/batch.yaml's joblib by default; :mod:`experiments.batch_map`).
    """
    plan = parse_config(cfg)
    t0 = time.time()
    started = provenance()  # the code version the run started from
    out_dir.mkdir(parents=True, exist_ok=True)
    log_lines: list[str] = []

    def log(line: str) -> None:
        stamped = f"[{time.time() - t0:7.1f} s] {line}"
        log_lines.append(stamped)
        print(stamped, file=sys.stderr, flush=True)

    mapper = simulation_mapper(plan.abc.jobs, out_dir, hydra_overrides)
    simulator = TargetSimulator(plan.design, base_seed=plan.abc.seed)
    defaults = {p.name: float(getattr(ModelParameters(), p.name)) for p in plan.priors}
    log(f"noise pilot: the current defaults on {len(plan.pilot_seeds)} seeds")
    pilot = simulate_sets(simulator, [defaults] * len(plan.pilot_seeds), plan.pilot_seeds, mapper)
    noise = target_noise(pilot)
    log(f"ABC-SMC: {len(plan.priors)} parameters, {len(TARGETS)} targets, {plan.abc}")
    result = run_abc(
        simulator,
        plan.priors,
        TARGETS,
        noise,
        plan.abc,
        out_dir / "abc.db",
        log,
        bool(cfg.resume),
        mapper,
    )
    abc_seconds = time.time() - t0
    log(f"ABC-SMC done: {result.simulations} simulations, {len(result.generations)} generations")
    priors = {p.name: (p.low, p.high, p.source) for p in plan.priors}
    choice = choose_representative(
        TargetSimulator(plan.eval_design, base_seed=plan.abc.seed),
        result.draws,
        result.weights,
        result.distances,
        plan.priors,
        plan.representative,
        plan.eval_design,
        TARGETS,
        mapper=mapper,
        cache=out_dir / "representative_evaluations.jsonl",
        resume=bool(cfg.resume),
        defaults=defaults,
        log=log,
    )
    representative, rep_rows = choice.params, list(choice.best.rows)
    eval_seeds = plan.representative.seeds

    log(f"posterior predictive: {plan.predictive_draws} draws by weight, fresh seeds")
    posterior = _posterior(result, representative, "draft", {})
    indices = posterior.draw_indices(plan.predictive_draws, seed=plan.abc.seed)
    predictive_seeds = [PREDICTIVE_SEED + i for i in range(len(indices))]
    predictive_rows = simulate_sets(
        simulator, [posterior.parameter_set(int(i)) for i in indices], predictive_seeds, mapper
    )
    predictive = predictive_table(predictive_rows, TARGETS)
    per_seed = {t.name: [r.get(t.name, np.nan) for r in rep_rows] for t in TARGETS}
    fit = fit_table(per_seed)
    model = ModelParameters().replace(**representative)
    later = later_years_table(
        [
            pandemic_turnover(
                {p.name: getattr(model, p.name) for p in plan.priors},
                s,
                float(cfg.pandemic.start_week),
                list(cfg.pandemic.years),
                plan.design,
            )
            for s in eval_seeds
        ]
    )
    params_table = parameter_table(result.draws, result.weights, priors)
    corr = weighted_correlations(result.draws, result.weights)
    pairs = strong_pairs(corr)

    figures = Path(cfg.figures_dir) if cfg.figures_dir else out_dir / "figures"
    write_target_figures(per_seed, figures / "targets")
    fig = Figure(figsize=(11, 2.2 * -(-len(priors) // 4)))
    plot_prior_posterior(fig, result.draws, result.weights, priors, representative)
    _save_figure(fig, figures / "prior_posterior.png")
    fig = Figure(figsize=(8, 7))
    plot_correlations(fig, corr)
    _save_figure(fig, figures / "correlations.png")
    fig = Figure(figsize=(9, 0.32 * len(TARGETS) + 1.2))
    plot_predictive(fig, predictive)
    _save_figure(fig, figures / "predictive.png")
    fig = Figure(figsize=(10, 3))
    plot_convergence(fig, result.generations)
    _save_figure(fig, figures / "convergence.png")

    _write_csv(predictive, out_dir / "predictive.csv")
    _write_csv(_frame(predictive_rows, predictive_seeds), out_dir / "predictive_draws.csv")
    _write_csv(params_table, out_dir / "parameters.csv")
    _write_csv(corr.reset_index(names="parameter"), out_dir / "correlations.csv")
    _write_csv(result.generations, out_dir / "generations.csv")
    _write_csv(fit, out_dir / "fit_table.csv")
    _write_csv(choice.table(), out_dir / "representative.csv")
    _write_csv(later, out_dir / "later_years.csv")
    _write_csv(_frame(pilot, plan.pilot_seeds), out_dir / "pilot.csv")
    hits = int(predictive["hit"].sum())
    diagnostics = "\n".join(
        [
            "# Calibration diagnostics\n",
            f"`{command}`: {result.simulations} simulations in {abc_seconds:.0f} s of ABC-SMC; "
            f"{len(posterior)} particles, ESS {posterior.effective_size:.0f}.\n",
            "## Posterior predictive (90 %) against the published intervals\n",
            predictive_markdown(predictive, TARGETS),
            "## Parameters: prior and posterior\n",
            parameter_markdown(params_table),
            "## Strongest posterior correlations (|r| >= 0.4)\n",
            (to_markdown(pairs.round(2)) if len(pairs) else "none") + "\n",
            "## Convergence by generation\n",
            to_markdown(result.generations.drop(columns="end_time").round(4)) + "\n",
            "## Representative point on the evaluation seeds\n",
            choice.markdown(len(TARGETS)),
            table_markdown(fit),
            "## Later years (not fitted): pandemic surge run forward\n",
            later_years_markdown(later),
        ]
    )
    write_text_atomic(out_dir / "diagnostics.md", diagnostics)
    info = {
        "method": f"ABC-SMC (pyabc {_pyabc()}), uniform priors, interval-scaled distance",
        "settings": dataclasses.asdict(plan.abc),
        "design": dataclasses.asdict(plan.design),
        "targets": [dataclasses.asdict(t) for t in TARGETS],
        "priors": [dataclasses.asdict(p) for p in plan.priors],
        "noise_sd": noise,
        "seeds": {
            "abc": "each parameter set simulated once with a seed hashed from abc.seed and its "
            "values (experiments.calibration_model.evaluation_seed)",
            "abc_seed": plan.abc.seed,
            "pilot": list(plan.pilot_seeds),
            "predictive": predictive_seeds,
            "eval": list(eval_seeds),
        },
        "representative": choice.provenance(),
        "abc_distances": [round(float(d), 5) for d in result.distances],  # row order
        "simulations": result.simulations,
        "abc_seconds": round(abc_seconds, 1),
        "coverage": {"hit": hits, "targets": len(predictive)},
        "command": command,
        **started,
    }
    posterior = _posterior(result, representative, "default", info)
    save_posterior(posterior, out_dir / "posterior")
    if cfg.posterior_path:
        save_posterior(posterior, Path(cfg.posterior_path))
        log(
            f"wrote {cfg.posterior_path}.parquet/.json (its representative point is the model's "
            "calibrated defaults when sim.parameters.CALIBRATED_DEFAULTS names it)"
        )
    log(f"done: {hits}/{len(predictive)} published intervals overlap the 90 % predictive interval")
    write_text_atomic(out_dir / "calibration.log", "\n".join(log_lines) + "\n")
    write_json_atomic(
        out_dir / "run_info.json",
        {
            "command": command,
            "config": OmegaConf.to_container(cfg, resolve=True),
            "seconds": round(time.time() - t0, 1),
            "resumed": result.resumed,
            "targets_hit": hits,
            "targets": len(predictive),
            "representative": representative,
            "log": log_lines,
            "provenance": started,
        },
    )
    return out_dir


def _pyabc() -> str:
    import pyabc

    return str(pyabc.__version__)


def _posterior(
    result: AbcResult, representative: dict[str, float], name: str, info: dict[str, Any]
) -> Posterior:
    return Posterior(name, result.draws, result.weights, representative, info)


@hydra.main(version_base="1.3", config_path=f"pkg://{CONFIG_MODULE}", config_name=CONFIG_NAME)
def app(cfg: DictConfig) -> None:
    """Hydra app: calibrate into Hydra's output folder; print the tables, then the folder."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    hydra_cfg = HydraConfig.get()
    command = " ".join([COMMAND, *hydra_cfg.overrides.task])
    try:
        out_dir = calibrate(
            cfg, Path(hydra_cfg.runtime.output_dir), command, list(hydra_cfg.overrides.hydra)
        )
    except ValueError as error:
        sys.exit(f"{COMMAND}: {error}")
    print((out_dir / "diagnostics.md").read_text())
    print(out_dir, flush=True)


def main() -> None:
    """Command-line entry (``burnout-calibrate``): check the command line, then run the app."""
    check_command_line(COMMAND, CONFIG_NAME, parse_config, config_module=CONFIG_MODULE)
    app()


if __name__ == "__main__":
    main()
