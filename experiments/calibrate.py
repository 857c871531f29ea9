"""Calibrate the model's uncertain parameters to published evidence.

Usage (a Hydra app over ``conf/calibration.yaml``; ``--help``, ``--cfg job``, ``--info`` and
``hydra.run.dir=`` work as in any Hydra app)::

    python -m experiments.calibrate                    # fit, evaluate, write conf/calibrated.yaml
    python -m experiments.calibrate budget=8 seeds=[11] eval_seeds=[101,102] \
        calibrated_path=null                           # a quick run
    python -m experiments.calibrate method=none        # only evaluate the current defaults
    python -m experiments.calibrate experiment=quick   # a smoke run in about a minute

``experiment=NAME`` picks a preset of ``conf/calibration_experiment/`` (the group is not
``conf/experiment/``, whose presets are the main comparison's). A bad key or value stops the
command with one line before anything runs. The output folder (``output_dir=``, else
``hydra.run.dir``, by default ``outputs/calibration/<date>/<time>``) is printed last.

Method (config ``conf/calibration.yaml``):

1. **Targets** are the published figures of :mod:`analysis.calibration`, each with its interval
   as tolerance; the loss is the weighted sum of squared standardized deviations.
2. **Simulate** a candidate parameter set for every calibration seed (common random numbers: the
   same seeds for every candidate, so differences between candidates are not seed noise): the
   default hospital for a year after burn-in (prevalence, turnover, vacancies, days to fill,
   violence, well-being), one large organization (leadership regressions by role), hospitals of
   different staffing (workload regression, Aiken 2002), and one simulated trial of each
   individual- and organization-directed intervention (experiments/trial.py).
3. **Fit** by block-coordinate descent: each block of parameters is fitted by Nelder-Mead (in
   logit coordinates of its search range, so bounds hold) to the targets it drives, the other
   parameters held; only the simulations a block's targets need are run.
4. **Evaluate** the fitted set on other seeds (``eval_seeds``): the fit table (CSV, Markdown), a
   figure per target, the pandemic surge run forward (NSI 2020-2024 turnover, not fitted),
   ``calibrated.yaml`` and ``run_info.json`` with the config, seeds and provenance.

The fitter is :mod:`analysis.fitting`, the model's simulator
:mod:`experiments.calibration_model`; this module reads the config and writes the outputs.
"""

import dataclasses
import logging
import math
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

from analysis.calibration import (
    TARGETS,
    TARGETS_BY_NAME,
    fit_table,
    loss,
    plot_target,
    table_markdown,
)
from analysis.fitting import (
    Block,
    FitResult,
    Simulator,
    UncertainParameter,
    fit,
    mean_values,
    per_seed_values,
)
from experiments.calibration_model import (
    DOSE_PREFIX,
    Design,
    dosed_settings,
    later_years_markdown,
    later_years_table,
    model_simulator,
    pandemic_turnover,
    split_doses,
)
from experiments.hydra_app import check_command_line, compose_checked
from experiments.records import atomic_path, provenance, write_json_atomic, write_text_atomic
from sim.parameters import ModelParameters

CONFIG_NAME = "calibration"
COMMAND = "python -m experiments.calibrate"
PRESETS = "calibration_experiment"
"""The config group of ``experiment=NAME`` (``conf/calibration_experiment/``)."""


DesignSchema = dataclasses.make_dataclass(
    "DesignSchema",
    [(f.name, f.type, field(default=f.default)) for f in dataclasses.fields(Design)],
    namespace={"__doc__": "What is simulated for each seed (``design``; checked by Design)."},
)


@dataclass
class PandemicSchema:
    """Later years, not fitted: the pandemic surge run forward (``pandemic``)."""

    start_week: float = 2.0
    years: list[int] = field(default_factory=lambda: [2020, 2021, 2022, 2023, 2024])


@dataclass
class CalibrationSchema:
    """The command's structured config (``calibration_schema``; values in the YAML file).

    ``parameters``, ``doses`` and ``blocks`` are open and checked by :func:`parse_config`.
    """

    method: str = "nelder_mead"
    budget: int = 150
    seeds: list[int] = field(default_factory=list)
    n_jobs: int = 2
    eval_seeds: list[int] = field(default_factory=list)
    initial_step: float = 0.6
    screen: float = 0.3
    output_dir: str | None = None
    calibrated_path: str | None = None
    figures_dir: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    doses: dict[str, Any] = field(default_factory=dict)
    blocks: list[Any] = field(default_factory=list)
    design: Any = field(default_factory=DesignSchema)
    pandemic: PandemicSchema = field(default_factory=PandemicSchema)


ConfigStore.instance().store(name="calibration_schema", node=CalibrationSchema)
OmegaConf.register_new_resolver(  # hydra.run.dir: output_dir if given, else the dated default
    "calibration_output",
    lambda chosen, default: default if chosen is None else chosen,
    replace=True,
)


def command_overrides(overrides: Sequence[str]) -> list[str]:
    """``overrides`` with ``experiment=NAME`` spelled as the preset group's override."""
    return [
        f"{PRESETS}={o.partition('=')[2]}" if o.startswith("experiment=") else o for o in overrides
    ]


def load_config(overrides: Sequence[str] = ()) -> DictConfig:
    """Compose ``conf/calibration.yaml`` with ``overrides``; every key and type checked.

    Raises:
        ValueError: On an unknown key or a value of the wrong type (values in range are checked
            by :func:`parse_config`).
    """
    return compose_checked(CONFIG_NAME, command_overrides(overrides), lambda cfg: cfg)


def parse_config(
    cfg: DictConfig,
) -> tuple[
    list[UncertainParameter], list[Block], Design, dict[str, float], dict[str, dict[str, float]]
]:
    """Check the config before anything runs.

    Returns the parameter space (model parameters, then programme doses ``dose.<group>``), the
    blocks, the design, the start values (the current defaults, and the doses they correspond
    to) and each dose group's ``intervention.setting`` reference values.

    Raises:
        ValueError: unknown parameter, setting or target, bad range, start outside its range,
            bad seeds, budget or method.
    """
    from sim.interventions import INTERVENTIONS

    if cfg.method not in ("nelder_mead", "none"):
        raise ValueError(f"method = {cfg.method!r}; allowed: nelder_mead, none")
    if isinstance(cfg.budget, bool) or not isinstance(cfg.budget, int) or cfg.budget < 1:
        raise ValueError(f"budget = {cfg.budget!r}; allowed: a whole number >= 1")
    for key in ("seeds", "eval_seeds"):
        seeds = list(cfg[key])
        if not seeds or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in seeds):
            raise ValueError(f"{key} = {seeds!r}; allowed: a non-empty list of whole numbers >= 0")
    if isinstance(cfg.n_jobs, bool) or not isinstance(cfg.n_jobs, int) or cfg.n_jobs < 1:
        raise ValueError(f"n_jobs = {cfg.n_jobs!r}; allowed: a whole number >= 1")
    if not 0.0 <= float(cfg.screen) < 1.0:
        raise ValueError(f"screen = {cfg.screen}; allowed: [0, 1)")
    if not 0.0 < float(cfg.initial_step) <= 5.0:
        raise ValueError(f"initial_step = {cfg.initial_step}; allowed: (0, 5]")
    fields = {f.name: f for f in dataclasses.fields(ModelParameters)}
    defaults = ModelParameters()
    space = []
    start: dict[str, float] = {}
    for name, spec in cfg.parameters.items():
        if name not in fields:
            raise ValueError(f"parameter {name!r} is not a model parameter (sim.parameters)")
        p = UncertainParameter(name, float(spec.low), float(spec.high), str(spec.get("source", "")))
        meta = fields[name].metadata
        if p.low < meta["low"] or p.high > meta["high"]:
            raise ValueError(
                f"parameter {name!r}: range [{p.low}, {p.high}] leaves the model's allowed "
                f"[{meta['low']}, {meta['high']}]"
            )
        space.append(p)
        start[name] = float(getattr(defaults, name))
    dose_scales: dict[str, dict[str, float]] = {}
    for group, spec in (cfg.get("doses") or {}).items():
        p = UncertainParameter(
            DOSE_PREFIX + group, float(spec.low), float(spec.high), str(spec.get("source", ""))
        )
        references: dict[str, float] = {}
        for item, reference in spec.scales.items():
            name, dot, setting = str(item).partition(".")
            if not dot or name not in INTERVENTIONS:
                raise ValueError(f"dose {group!r}: {item!r} is not 'intervention.setting'")
            if setting not in INTERVENTIONS[name].settings_spec():
                raise ValueError(f"dose {group!r}: {name!r} has no setting {setting!r}")
            if not float(reference) > 0:
                raise ValueError(f"dose {group!r}: reference of {item!r} must be > 0")
            references[str(item)] = float(reference)
        if p.low <= 0:
            raise ValueError(f"dose {group!r}: range must be above 0, got [{p.low}, {p.high}]")
        dose_scales[group] = references
        space.append(p)
        # The dose the current defaults correspond to (the mean over the group's settings).
        start[p.name] = float(
            np.mean(
                [
                    INTERVENTIONS[i.partition(".")[0]].settings_spec()[i.partition(".")[2]].default
                    / ref
                    for i, ref in references.items()
                ]
            )
        )
    for p in space:
        if not p.low <= start[p.name] <= p.high:
            raise ValueError(
                f"parameter {p.name!r}: current default {start[p.name]} is outside its search "
                f"range [{p.low}, {p.high}]"
            )
    names = {p.name for p in space}
    blocks = []
    for spec in cfg.blocks:
        targets = list(TARGETS_BY_NAME) if spec.targets == "all" else list(spec.targets)
        block = Block(
            str(spec.name),
            tuple(spec.parameters),
            tuple(targets),
            float(spec.get("budget_share", 1.0)),
        )
        unknown = [n for n in block.parameters if n not in names]
        if unknown:
            raise ValueError(f"block {block.name!r}: parameter(s) {unknown} not in the space")
        bad = [t for t in block.targets if t not in TARGETS_BY_NAME]
        if bad:
            raise ValueError(
                f"block {block.name!r}: unknown target(s) {bad}; known: "
                f"{', '.join(TARGETS_BY_NAME)}"
            )
        if not 0.0 < block.budget_share <= 10.0:
            raise ValueError(f"block {block.name!r}: budget_share {block.budget_share}; (0, 10]")
        blocks.append(block)
    design = Design(**OmegaConf.to_container(cfg.design))  # type: ignore[arg-type]
    return space, blocks, design, start, dose_scales


def evaluate(
    simulate: Simulator, params: Mapping[str, float], seeds: Sequence[int], n_jobs: int = 1
) -> tuple[dict[str, list[float]], pd.DataFrame]:
    """Simulate every target for each seed; return per-seed values and the fit table."""
    rows = per_seed_values(simulate, params, seeds, frozenset(TARGETS_BY_NAME), n_jobs)
    keys = sorted(set().union(*rows))
    per_seed = {k: [row.get(k, math.nan) for row in rows] for k in keys}
    return per_seed, fit_table(per_seed)


def write_figures(per_seed: Mapping[str, Sequence[float]], folder: Path) -> list[Path]:
    """One PNG per target: published value and interval against the model's per-seed values."""
    paths = []
    for target in TARGETS:
        if target.name not in per_seed:
            continue
        fig = Figure(figsize=(5, 2.2))
        plot_target(target, per_seed[target.name], fig.add_subplot())
        fig.tight_layout()
        path = folder / f"{target.name}.png"
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=110, format="png")
        paths.append(path)
    return paths


def calibrated_yaml(
    params: Mapping[str, float],
    result: FitResult,
    seeds: Sequence[int],
    dose_scales: Mapping[str, Mapping[str, float]],
) -> str:
    """The calibrated set as YAML: model parameters, and the intervention settings doses set.

    A comment header, then the numbers (4 significant digits) dumped by OmegaConf.
    """
    model, doses = split_doses(params)
    header = [
        "Calibrated parameter set, written by `python -m experiments.calibrate`",
        "(see docs/calibration.md). `model`: keyword arguments of sim.WorkforceModel, the",
        "defaults of sim/parameters.py. `doses` and `interventions` are empty unless the config",
        "fits programme doses (the default config fits none: each programme's strength comes",
        "from its own evidence, sim/interventions/).",
        f"Loss {result.loss_start:.3f} at the start values -> {result.loss_end:.3f}; "
        f"calibration seeds {list(seeds)}.",
    ]
    body = {
        "model": _rounded(model),
        "doses": _rounded(doses),
        "interventions": {
            name: _rounded(settings)
            for name, settings in dosed_settings(doses, dose_scales).items()
        },
    }
    return "".join(f"# {line}\n" for line in header) + OmegaConf.to_yaml(body)


def _rounded(values: Mapping[str, float]) -> dict[str, float]:
    """Each value to 4 significant digits, as a plain float."""
    return {name: float(f"{value:.4g}") for name, value in values.items()}


def run(overrides: Sequence[str] = ()) -> Path:
    """Run the calibration (Python use, outside Hydra's app); return the output folder.

    The folder is ``output_dir``, else ``outputs/calibration/<date>/<time>``.
    """
    cfg = load_config(overrides)
    out_dir = (
        Path(cfg.output_dir)
        if cfg.output_dir
        else Path("outputs/calibration") / datetime.now().strftime("%Y-%m-%d/%H-%M-%S")
    )
    return calibrate(cfg, out_dir, " ".join([COMMAND, *overrides]))


def calibrate(cfg: DictConfig, out_dir: Path, command: str) -> Path:
    """Check ``cfg``, fit, evaluate and write every output into ``out_dir``; return it."""
    space, blocks, design, start, dose_scales = parse_config(cfg)
    t0 = time.time()
    out_dir.mkdir(parents=True, exist_ok=True)
    log_lines: list[str] = []

    def log(line: str) -> None:
        stamped = f"[{time.time() - t0:7.1f} s] {line}"
        log_lines.append(stamped)
        print(stamped, file=sys.stderr, flush=True)

    simulate = model_simulator(design, dose_scales)
    if cfg.method == "nelder_mead":
        result = fit(
            simulate,
            space,
            start,
            blocks,
            list(cfg.seeds),
            int(cfg.budget),
            initial_step=float(cfg.initial_step),
            log=log,
            n_jobs=int(cfg.n_jobs),
            screen=float(cfg.screen),
        )
    else:
        means, errors = mean_values(
            simulate, start, list(cfg.seeds), frozenset(TARGETS_BY_NAME), cfg.n_jobs
        )
        value = loss(means, TARGETS, errors)
        result = FitResult(dict(start), dict(start), value, value)
    params = result.parameters
    log("evaluating on the evaluation seeds")
    per_seed, table = evaluate(simulate, params, list(cfg.eval_seeds), int(cfg.n_jobs))
    model_params, _ = split_doses(params)
    later = later_years_table(
        [
            pandemic_turnover(
                model_params, s, float(cfg.pandemic.start_week), cfg.pandemic.years, design
            )
            for s in cfg.eval_seeds
        ]
    )
    figures_dir = Path(cfg.figures_dir) if cfg.figures_dir else out_dir / "figures"
    write_figures(per_seed, figures_dir)
    with atomic_path(out_dir / "fit_table.csv") as tmp:
        table.to_csv(tmp, index=False)
    write_text_atomic(out_dir / "fit_table.md", table_markdown(table))
    with atomic_path(out_dir / "later_years.csv") as tmp:
        later.to_csv(tmp, index=False)
    write_text_atomic(out_dir / "later_years.md", later_years_markdown(later))
    with atomic_path(out_dir / "per_seed.csv") as tmp:
        pd.DataFrame({"seed": list(cfg.eval_seeds), **per_seed}).to_csv(tmp, index=False)
    if result.evaluations:
        with atomic_path(out_dir / "evaluations.csv") as tmp:
            pd.DataFrame(result.evaluations).to_csv(tmp, index=False)
    yaml_text = calibrated_yaml(params, result, list(cfg.seeds), dose_scales)
    write_text_atomic(out_dir / "calibrated.yaml", yaml_text)
    if cfg.calibrated_path:
        write_text_atomic(cfg.calibrated_path, yaml_text)
    write_json_atomic(
        out_dir / "run_info.json",
        {
            "command": command,
            "config": OmegaConf.to_container(cfg, resolve=True),
            "seeds": list(cfg.seeds),
            "eval_seeds": list(cfg.eval_seeds),
            "start": result.start,
            "calibrated": params,
            "loss_start": result.loss_start,
            "loss_end": result.loss_end,
            "n_evaluations": len(result.evaluations),
            "targets_within": int(table["within"].sum()),
            "targets_within_mc": int(table["within_mc"].sum()),
            "targets": int(len(table)),
            "seconds": round(time.time() - t0, 1),
            "log": log_lines,
            "provenance": provenance(),
        },
    )
    log(
        f"done: {int(table['within'].sum())}/{len(table)} targets within their intervals, "
        f"{int(table['within_mc'].sum())} within 2 Monte Carlo s.e."
    )
    return out_dir


@hydra.main(version_base="1.3", config_path="pkg://conf", config_name=CONFIG_NAME)
def app(cfg: DictConfig) -> None:
    """Hydra app: calibrate into Hydra's output folder; print the tables, then the folder."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    hydra_cfg = HydraConfig.get()
    command = " ".join([COMMAND, *hydra_cfg.overrides.task]).replace(f"{PRESETS}=", "experiment=")
    try:
        out_dir = calibrate(cfg, Path(hydra_cfg.runtime.output_dir), command)
    except ValueError as error:
        sys.exit(f"{COMMAND}: {error}")
    print((out_dir / "fit_table.md").read_text())
    print((out_dir / "later_years.md").read_text())
    print(out_dir, flush=True)


def main() -> None:
    """Command-line entry (``burnout-calibrate``): check the command line, then run the app."""
    sys.argv[1:] = command_overrides(sys.argv[1:])
    try:
        check_command_line(COMMAND, CONFIG_NAME, parse_config)
    except SystemExit as error:
        if isinstance(error.code, str):  # the one-line message, in the user's spelling
            sys.exit(error.code.replace(f"{PRESETS}=", "experiment="))
        raise
    app()


if __name__ == "__main__":
    main()
