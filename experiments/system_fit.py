"""Fit the health system's uncertain labour-market settings to published system figures.

Usage (a Hydra app over ``conf/system_fit/system_fit.yaml``, a config module of its own;
``--help`` and ``--cfg job`` work)::

    python -m experiments.system_fit                    # the fit of record (~13 min on 2 cores)
    python -m experiments.system_fit experiment=quick   # the code path in seconds, no record
    python -m experiments.system_fit max_evals=20 out=/tmp/fit.json   # a shorter search
    python -m experiments.system_fit jobs=8 hydra/launcher=cluster    # simulations on SLURM

``experiment=NAME`` picks a preset of ``conf/system_fit/experiment/`` (the command's own search
path). A bad key or value stops the command with one line naming it before anything runs. The
output folder (``outputs/system_fit/<date>/<time>``) gets the record ``market_fit.json``,
``evidence.csv`` (every published figure beside the model's at the best point),
``history.csv`` (every candidate and its loss) and ``run_info.json`` (config, overrides,
versions); an ``INCOMPLETE`` marker stays there if the run fails. It is printed last.

Method (docs/calibration.md, "The health system against published system data"):

1. **Targets** are the figures of :data:`analysis.system_evidence.SYSTEM_FIGURES` marked
   ``fitted`` (hospital RN turnover and vacancy, nursing-home turnover and vacancy, contract
   labour before and during the pandemic, pandemic exits from nursing), measured as
   ``python -m experiments.system`` measures them; each figure's band sets its scale
   (:attr:`SystemFigure.scale`). Home-care RN turnover is reported but not fitted: no market
   setting is specific to home care, so it checks the fitted market out of sample.
2. **The region users run** (``region`` of the config names a system of
   ``conf/system_app/system/``, by default ``region``: 44 organizations, 14,200 posts, home care
   included; a list of organization groups also works) under ``scenarios`` (``baseline`` and
   ``pandemic_surge``) with no policy, on fixed ``seeds`` (common random numbers: every
   candidate sees the same seeds, so differences between candidates are not seed noise). An
   evaluation's simulations (scenarios x seeds) are independent: they go to ``jobs`` jobs of
   the configured Hydra launcher (:mod:`experiments.batch_map`, as the calibration's), or run
   here with ``jobs=1``; the values do not depend on ``jobs``.
3. **Loss**: the sum of squared misfits ((model - middle of the band) / scale) of the fitted
   figures.
4. **Search**: Nelder-Mead (scipy) over ``fitted`` from ``start`` (a point probed by hand,
   recorded with the result), each setting mapped to its bounds by a logistic transform (so no
   candidate leaves them), at most ``max_evals`` candidates.
5. **Uncertainty** (``uncertainty_step``; null skips it): a Laplace (Gauss-Newton)
   approximation at the best point, (J^T J)^-1 of the standardized misfits
   (:mod:`experiments.system_fit_uncertainty`), and each figure's spread over the seeds.
6. **Record**: the best point, its misfits, targets, seeds and settings as JSON, written
   (atomically, only when the search completes) into the output folder and to ``out``
   (``sim/system/market_fit.json`` by default; ``out=null``: the folder only). The defaults of
   the fitted settings of :class:`sim.system.market.MarketParameters` are read from that
   file's ``best`` at import, so writing the record changes them (no hand-copied number).
"""

import functools
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf
from scipy.optimize import minimize

from analysis.system_evidence import SYSTEM_FIGURES, evidence_table, sector_measures
from experiments.batch_map import Mapper, in_process, simulation_mapper
from experiments.hydra_app import ConfigModuleCommand, compose_checked
from experiments.hydra_job import number_setting, whole_setting
from experiments.job_folder import mark_complete, mark_incomplete
from experiments.records import provenance, write_json_atomic
from experiments.system_fit_uncertainty import jacobian, laplace, misfits, seed_spread
from sim.scenarios import make_scenario
from sim.system import HealthSystem, MarketParameters, parse_groups
from sim.system.outcomes import organization_table

COMMAND = "python -m experiments.system_fit"
CONFIG_NAME = "system_fit"
CONFIG_MODULE = "conf.system_fit"
"""The command's config module: its config, its ``experiment`` presets and its jobs' config."""
FIT_FILE = Path(__file__).resolve().parents[1] / "sim" / "system" / "market_fit.json"
"""The record of the fit the market's defaults cite (the config's default ``out``)."""
SYSTEMS = Path(__file__).resolve().parents[1] / "conf" / "system_app" / "system"
"""The systems of ``python -m experiments.system`` (``region`` of the config names one)."""
RECORD_NAME = "market_fit.json"
"""The record's name in the output folder."""


@dataclass(frozen=True)
class Fitted:
    """A fitted market setting, its search bounds and the figure it is chiefly identified by."""

    name: str
    low: float
    high: float
    target: str


UNFITTED: dict[str, float] = {
    "early_quit_hazard_ltc": 1.0,
    "time_to_fill_ltc": 1.0,
    "to_agency_share": 0.15,
    "agency_offer_elasticity": 0.0,
    "agency_max_cover": 0.5,
    "seeker_exit_rate": 0.5,
}
"""The settings before the fit (no sector differences; the market's first assumptions)."""


@dataclass(frozen=True)
class FitPlan:
    """Where and how long the candidates are simulated, and how long the search runs."""

    organizations: tuple[dict[str, Any], ...]
    seeds: tuple[int, ...]
    burn_in_weeks: int
    horizon_weeks: int
    scenarios: tuple[str, ...]
    max_evals: int


@dataclass(frozen=True)
class FitSettings:
    """The checked settings of one fit (``conf/system_fit/system_fit.yaml``)."""

    plan: FitPlan
    fitted: tuple[Fitted, ...]
    start: dict[str, float]
    jobs: int
    out: Path | None
    uncertainty_step: float | None = None


def _list(cfg: DictConfig, key: str) -> list[Any]:
    value = OmegaConf.to_container(cfg[key], resolve=True) if OmegaConf.is_list(cfg[key]) else None
    if not value:
        raise ValueError(f"setting {key!r} = {cfg[key]!r}; allowed: a non-empty list")
    if len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
        raise ValueError(f"setting {key!r} = {value}; allowed: each entry once")
    return value


def _region(cfg: DictConfig) -> list[Any]:
    """The organizations of ``region``: a system of ``conf/system_app/system/`` by name.

    That is the file ``python -m experiments.system`` reads, so the fit sees the region users
    run; a list of organization groups also works (the quick preset, tests).
    """
    name = cfg.region
    if not isinstance(name, str):
        return _list(cfg, "region")
    path = SYSTEMS / f"{name}.yaml"
    if not name.isidentifier() or not path.is_file():
        known = sorted(p.stem for p in SYSTEMS.glob("*.yaml"))
        raise ValueError(f"setting 'region' = {name!r}; allowed: one of {known} or a list")
    return OmegaConf.to_container(OmegaConf.load(path).organizations, resolve=True)


def _fitted(cfg: DictConfig) -> tuple[Fitted, ...]:
    if not OmegaConf.is_dict(cfg.fitted) or not cfg.fitted:
        raise ValueError(f"setting 'fitted' = {cfg.fitted!r}; allowed: a mapping of settings")
    fields = MarketParameters.__dataclass_fields__
    fitted = []
    for name, spec in cfg.fitted.items():
        key = f"fitted.{name}"
        if name not in fields or "low" not in fields[name].metadata:
            raise ValueError(f"setting {key!r}: allowed: a numeric field of MarketParameters")
        if not OmegaConf.is_dict(spec) or set(spec) != {"low", "high", "target"}:
            raise ValueError(f"setting {key!r} = {spec!r}; allowed: {{low, high, target}}")
        meta = fields[name].metadata
        low = number_setting(f"{key}.low", spec.low, meta["low"], meta["high"])
        high = number_setting(f"{key}.high", spec.high, low, meta["high"], open_low=True)
        if not isinstance(spec.target, str) or not spec.target.strip():
            raise ValueError(f"setting '{key}.target' = {spec.target!r}; allowed: a figure's name")
        fitted.append(Fitted(str(name), low, high, spec.target))
    return tuple(fitted)


def _start(cfg: DictConfig, fitted: Sequence[Fitted]) -> dict[str, float]:
    names = [f.name for f in fitted]
    given = list(cfg.start) if OmegaConf.is_dict(cfg.start) else None
    if given is None or sorted(given) != sorted(names):
        raise ValueError(f"setting 'start' = {given!r}; allowed: a value for each of {names}")
    return {
        f.name: number_setting(f"start.{f.name}", cfg.start[f.name], f.low, f.high) for f in fitted
    }


def settings_from(cfg: DictConfig) -> FitSettings:
    """Check every setting of a composed ``conf/system_fit/system_fit.yaml`` before any work.

    Raises:
        ValueError: One line naming the setting, its value and what is allowed.
    """
    organizations = _region(cfg)
    try:
        parse_groups(organizations)
    except (ValueError, TypeError) as error:
        raise ValueError(f"setting 'region': {error}") from None
    seeds = _list(cfg, "seeds")
    for k, seed in enumerate(seeds):
        whole_setting(f"seeds[{k}]", seed, 0, 2**32 - 1)
    scenarios = _list(cfg, "scenarios")
    for name in scenarios:
        try:
            make_scenario(str(name))
        except ValueError as error:
            raise ValueError(f"setting 'scenarios': {error}") from None
    plan = FitPlan(
        organizations=tuple(organizations),
        seeds=tuple(seeds),
        burn_in_weeks=whole_setting("burn_in_weeks", cfg.burn_in_weeks, 0, 1040),
        horizon_weeks=whole_setting("horizon_weeks", cfg.horizon_weeks, 1, 1040),
        scenarios=tuple(str(s) for s in scenarios),
        max_evals=whole_setting("max_evals", cfg.max_evals, 1, 100_000),
    )
    fitted = _fitted(cfg)
    start = _start(cfg, fitted)
    MarketParameters.from_kwargs(**start)
    out = cfg.out
    if out is not None and (not isinstance(out, str) or not out.endswith(".json")):
        raise ValueError(f"setting 'out' = {out!r}; allowed: null or a path ending in .json")
    step = cfg.uncertainty_step
    return FitSettings(
        plan=plan,
        fitted=fitted,
        start=start,
        jobs=whole_setting("jobs", cfg.jobs, 1, 1000),
        out=None if out is None else Path(out),
        uncertainty_step=None
        if step is None
        else number_setting("uncertainty_step", step, 0.0, 5.0, open_low=True),
    )


def load_settings(overrides: Sequence[str] = ()) -> FitSettings:
    """The checked settings of the config composed with ``overrides`` (Python use, tests).

    Raises:
        ValueError: On an unknown key or a bad value (one line).
    """
    return compose_checked(CONFIG_NAME, overrides, settings_from, CONFIG_MODULE)


def to_values(fitted: Sequence[Fitted], x: np.ndarray) -> dict[str, float]:
    """Market settings from the search's unbounded coordinates (logistic map onto bounds)."""
    unit = 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))
    return {f.name: float(f.low + (f.high - f.low) * u) for f, u in zip(fitted, unit, strict=True)}


def to_coordinates(fitted: Sequence[Fitted], values: Mapping[str, float]) -> np.ndarray:
    """The search's coordinates of ``values`` (inverse of :func:`to_values`, kept off bounds)."""
    unit = [(values[f.name] - f.low) / (f.high - f.low) for f in fitted]
    unit = np.clip(np.array(unit), 1e-3, 1.0 - 1e-3)
    return np.log(unit / (1.0 - unit))


def simulate_one(plan: FitPlan, market: Mapping[str, float], run: tuple[str, int]) -> pd.DataFrame:
    """One scenario and seed under no policy: its ``organizations.csv`` rows."""
    scenario, seed = run
    model = HealthSystem(
        list(plan.organizations),
        rng=seed,
        pressure=scenario,
        burn_in_weeks=plan.burn_in_weeks,
        collect_data=False,
        market=dict(market),
    )
    model.run_for(plan.horizon_weeks)
    return organization_table(model).assign(scenario=scenario, policy="no_policy", seed=seed)


def simulate(
    plan: FitPlan, market: Mapping[str, float], mapper: Mapper = in_process
) -> pd.DataFrame:
    """Organizations of every scenario and seed under no policy, each run through ``mapper``."""
    runs = [(scenario, seed) for scenario in plan.scenarios for seed in plan.seeds]
    tables = mapper(functools.partial(simulate_one, plan, dict(market)), runs)
    return pd.concat(tables, ignore_index=True)


def evaluate(
    plan: FitPlan, market: Mapping[str, float], mapper: Mapper = in_process
) -> pd.DataFrame:
    """Every published system figure beside the model's at ``market`` (with its misfit)."""
    measures = sector_measures(simulate(plan, market, mapper), plan.horizon_weeks)
    return evidence_table(measures)


def uncertainty(
    settings: FitSettings, x: np.ndarray, mapper: Mapper = in_process
) -> dict[str, Any] | None:
    """Laplace approximation of the settings' uncertainty at ``x`` (the search's coordinates).

    :mod:`experiments.system_fit_uncertainty`: 2 evaluations a setting; None if switched off.
    """
    step = settings.uncertainty_step
    if step is None:
        return None
    fitted, plan = settings.fitted, settings.plan

    def residuals(z: np.ndarray) -> np.ndarray:
        return misfits(evaluate(plan, to_values(fitted, z), mapper))

    return laplace(fitted, x, jacobian(residuals, x, step), step)


def loss(evidence: pd.DataFrame) -> float:
    """Sum of squared misfits of the fitted figures; one the run cannot measure counts 100.

    Figures with ``fitted`` false (out-of-sample checks) are left out.
    """
    fitted = evidence["fitted"].astype(bool) if "fitted" in evidence else True
    return float(evidence.loc[fitted, "misfit"].fillna(10.0).pow(2).sum())


def fit(
    settings: FitSettings,
    mapper: Mapper = in_process,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Nelder-Mead over ``settings.fitted`` from ``settings.start``: the record and evidence.

    Every evaluation's simulations go through ``mapper``. The record also holds the figures
    at the unfitted defaults of the settings (``before``); the evidence is at the best point.
    """
    plan, fitted = settings.plan, settings.fitted
    history: list[dict[str, Any]] = []

    def objective(x: np.ndarray) -> float:
        values = to_values(fitted, x)
        value = loss(evaluate(plan, values, mapper))
        history.append({**values, "loss": value})
        log(f"{len(history):4d} loss {value:8.3f}")
        return value

    began = time.perf_counter()
    x0 = to_coordinates(fitted, settings.start)
    # Assumption: a first simplex one logit unit wide along each setting (a broad first look).
    simplex = np.vstack([x0, x0 + np.eye(x0.size)])
    options = {"maxfev": plan.max_evals, "xatol": 0.02, "fatol": 0.01, "initial_simplex": simplex}
    result = minimize(objective, x0, method="Nelder-Mead", options=options)
    best = to_values(fitted, result.x)
    searched = round(time.perf_counter() - began, 1)
    table = simulate(plan, best, mapper)
    evidence = evidence_table(sector_measures(table, plan.horizon_weeks))
    before = evaluate(plan, UNFITTED, mapper)
    spread = uncertainty(settings, result.x, mapper)
    near = {f.name: min(best[f.name] - f.low, f.high - best[f.name]) for f in fitted}
    at_bound = [f.name for f in fitted if near[f.name] < 0.01 * (f.high - f.low)]
    record = {
        "method": "Nelder-Mead (scipy) on logistic-mapped bounds, common random numbers",
        "plan": {**plan.__dict__, "organizations": list(plan.organizations)},
        "fitted": {f.name: {"low": f.low, "high": f.high, "target": f.target} for f in fitted},
        "start": dict(settings.start),
        "unfitted": UNFITTED,
        "best": {k: round(v, 4) for k, v in best.items()},
        "at_bound": at_bound,
        "loss_unfitted": loss(before),
        "loss_start": history[0]["loss"],
        "loss_best": loss(evidence),
        "evaluations": int(result.nfev),
        "converged": bool(result.success),
        "seconds_search": searched,
        "seconds": round(time.perf_counter() - began, 1),
        "targets": _records(evidence, before),
        "seed_spread": seed_spread(table, plan.horizon_weeks),
        "uncertainty": spread,
        "history": history,
        **{k: v for k, v in provenance().items() if k in ("git_commit", "python", "numpy")},
    }
    return record, evidence


def _records(evidence: pd.DataFrame, before: pd.DataFrame) -> list[dict[str, Any]]:
    """Each figure: published band, the model before and after, misfit and whether inside."""
    rows = []
    for figure, after, start in zip(
        SYSTEM_FIGURES, evidence.itertuples(), before.itertuples(), strict=True
    ):
        rows.append(
            {
                "figure": figure.label,
                "scenario": figure.scenario,
                "band": [figure.low, figure.high],
                "before": round(float(start.model), 4),
                "after": round(float(after.model), 4),
                "misfit": round(float(after.misfit), 2),
                "inside": bool(after.inside),
            }
        )
    return rows


def run(settings: FitSettings, out_dir: Path, job: Mapping[str, Any]) -> dict[str, Any]:
    """Fit, then write the record (folder and ``out``), evidence, history and run_info.json."""
    command = str(job.get("command", COMMAND))
    mark_incomplete(out_dir, command)
    hydra_overrides = list(HydraConfig.get().overrides.hydra) if HydraConfig.initialized() else []
    mapper = simulation_mapper(settings.jobs, out_dir, hydra_overrides)
    record, evidence = fit(settings, mapper)
    evidence.to_csv(out_dir / "evidence.csv", index=False)
    pd.DataFrame(record["history"]).to_csv(out_dir / "history.csv", index=False)
    write_json_atomic(out_dir / RECORD_NAME, record)
    if settings.out is not None:
        write_json_atomic(settings.out, record)
    info = {
        **job,
        "jobs": settings.jobs,
        "record": [str(out_dir / RECORD_NAME), *([str(settings.out)] if settings.out else [])],
        "seconds": record["seconds"],
        **provenance(),
    }
    write_json_atomic(out_dir / "run_info.json", info)
    mark_complete(out_dir)
    return record


def summary_text(record: dict[str, Any], settings: FitSettings) -> str:
    """Each figure before and after the fit, the best point, the losses and the record's path."""
    lines = [
        f"{row['figure'][:60]:60s} {row['before']:.3f} -> {row['after']:.3f} {row['band']}"
        for row in record["targets"]
    ]
    lines.append(
        f"{json.dumps(record['best'])} loss {record['loss_unfitted']:.1f} -> "
        f"{record['loss_best']:.1f} ({record['evaluations']} evaluations, "
        f"{record['seconds']:.0f} s)"
    )
    if record.get("uncertainty"):
        for name, row in record["uncertainty"]["settings"].items():
            lines.append(f"{name:24s} {row['value']:g} sd {row['sd']} 95 % {row['interval_95']}")
    lines.append(f"record: {settings.out}" if settings.out else "record: the output folder only")
    return "\n".join(lines)


COMMAND_LINE = ConfigModuleCommand(
    "experiments.system_fit", CONFIG_MODULE, CONFIG_NAME, settings_from, run, summary_text
)
"""The command: ``python -m experiments.system_fit [key=value ...]``."""


def main() -> None:
    """Command-line entry: check the command line (one line if bad), then fit."""
    COMMAND_LINE.main()


if __name__ == "__main__":
    main()
