"""Calibrate the model's uncertain parameters to published evidence.

Usage::

    python -m experiments.calibrate                    # fit, evaluate, write conf/calibrated.yaml
    python -m experiments.calibrate budget=8 seeds=[11] eval_seeds=[101,102] \
        calibrated_path=null                           # a quick run
    python -m experiments.calibrate method=none        # only evaluate the current defaults

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
"""

import dataclasses
import logging
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hydra import compose, initialize_config_module
from matplotlib.figure import Figure
from omegaconf import DictConfig, OmegaConf
from scipy.optimize import minimize
from scipy.stats.qmc import LatinHypercube

from analysis.calibration import (
    INDIVIDUAL_DIRECTED,
    NSI_TURNOVER_BY_YEAR,
    ORGANIZATION_DIRECTED,
    TARGETS,
    TARGETS_BY_NAME,
    Target,
    fit_table,
    leadership_odds_ratio,
    loss,
    plot_target,
    shift_odds_ratio,
    table_markdown,
    workload_odds_ratio,
)
from analysis.comparison import to_markdown
from experiments.records import atomic_path, provenance, write_json_atomic, write_text_atomic
from experiments.trial import TrialConfig, run_trial
from sim.layout import UL
from sim.metrics import weekly_metrics
from sim.model import WorkforceModel
from sim.organization import ROLE_NAMES
from sim.parameters import ModelParameters
from sim.scenarios import pandemic_surge
from sim.workload import own_hours

CONFIG_MODULE = "conf"
CONFIG_NAME = "calibration"
WARD_TYPES = ("medical", "surgical")  # Aiken 2002 surveyed nurses on adult general wards
_NURSE = ROLE_NAMES.index("nurse")

# Which simulation each target needs.
BASELINE_TARGETS = frozenset(
    {
        "burnout_prevalence_nurse",
        "burnout_prevalence_physician",
        "annual_turnover_rate_nurse",
        "vacancy_rate",
        "days_to_fill",
        "violence_exposure_12m",
        "violence_exposure_12m_physical",
        "violence_exposure_12m_verbal",
        "violence_exposure_12m_threat",
        "flourishing_share",
        "moderate_share",
        "languishing_share",
        "moral_distress_share",
    }
)
# Targets read in the large leadership organization (a survey of its workers).
SURVEY_TARGETS = frozenset(
    {"leadership_odds_ratio_physician", "leadership_odds_ratio_staff", "shift_odds_ratio"}
)
TRIAL_TARGETS = frozenset(
    {"programme_prevalence_difference", "organization_directed_smd", "individual_directed_smd"}
)


# ---------------------------------------------------------------------------------------------
# Parameter space and the optimizer (model-agnostic: a simulator maps parameters and a seed to
# target values).
@dataclass(frozen=True)
class UncertainParameter:
    """A parameter to fit: name, search range and why that range."""

    name: str
    low: float
    high: float
    source: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(
                f"parameter {self.name!r}: range [{self.low}, {self.high}] must have low < high"
            )

    def to_unbounded(self, value: float) -> float:
        """Logit of the value's position in the range (clipped just inside it)."""
        x = min(max((value - self.low) / (self.high - self.low), 1e-4), 1 - 1e-4)
        return math.log(x / (1 - x))

    def from_unbounded(self, u: float) -> float:
        """The value at logit position ``u`` of the range."""
        return self.low + (self.high - self.low) / (1.0 + math.exp(-u))


Simulator = Callable[[Mapping[str, float], int, frozenset[str]], dict[str, float]]
"""(parameters, seed, target names) -> measured target values for that seed."""


@dataclass
class Block:
    """Parameters fitted together against some targets, with a share of the budget."""

    name: str
    parameters: tuple[str, ...]
    targets: tuple[str, ...]
    budget_share: float = 1.0


@dataclass
class FitResult:
    """What a calibration found: the parameters, the loss path and every evaluation."""

    parameters: dict[str, float]
    start: dict[str, float]
    loss_start: float
    loss_end: float
    evaluations: list[dict[str, Any]] = field(default_factory=list)


def per_seed_values(
    simulate: Simulator,
    params: Mapping[str, float],
    seeds: Sequence[int],
    names: frozenset[str],
    n_jobs: int = 1,
) -> list[dict[str, float]]:
    """Target values for each seed, in ``n_jobs`` processes (joblib keeps them between calls)."""
    if n_jobs == 1 or len(seeds) == 1:
        return [simulate(params, s, names) for s in seeds]
    from joblib import Parallel, delayed

    return Parallel(n_jobs=n_jobs)(delayed(simulate)(dict(params), s, names) for s in seeds)


def mean_values(
    simulate: Simulator,
    params: Mapping[str, float],
    seeds: Sequence[int],
    names: frozenset[str],
    n_jobs: int = 1,
) -> tuple[dict[str, float], dict[str, float]]:
    """Target values averaged over ``seeds`` (NaN-safe), and their Monte Carlo standard errors."""
    per_seed = per_seed_values(simulate, params, seeds, names, n_jobs)
    keys = set().union(*per_seed)
    means, errors = {}, {}
    for k in keys:
        vals = np.array([v.get(k, np.nan) for v in per_seed], dtype=float)
        vals = vals[np.isfinite(vals)]
        means[k] = float(vals.mean()) if vals.size else math.nan
        errors[k] = float(vals.std(ddof=1) / math.sqrt(vals.size)) if vals.size > 1 else 0.0
    return means, errors


def _swap(
    means_errors: tuple[dict[str, float], dict[str, float]], targets: Sequence[Target]
) -> tuple[dict[str, float], Sequence[Target], dict[str, float]]:
    """Arguments of :func:`analysis.calibration.loss` from :func:`mean_values`' result."""
    means, errors = means_errors
    return means, targets, errors


def fit(
    simulate: Simulator,
    space: Sequence[UncertainParameter],
    start: Mapping[str, float],
    blocks: Sequence[Block],
    seeds: Sequence[int],
    budget: int,
    targets: Sequence[Target] = TARGETS,
    initial_step: float = 0.6,
    log: Callable[[str], None] = lambda _: None,
    n_jobs: int = 1,
    screen: float = 0.3,
    screen_seed: int = 0,
) -> FitResult:
    """Block-coordinate descent with Nelder-Mead under common random numbers.

    Each block minimizes :func:`analysis.calibration.loss` over its targets by moving its
    parameters, with at most ``budget x budget_share`` loss evaluations: a Latin-hypercube
    screen of the parameters' ranges (a ``screen`` share of the evaluations, seeded by
    ``screen_seed``), then Nelder-Mead from the best point found (in logit coordinates of the
    ranges, so bounds hold), restarted with a halved simplex while the budget lasts. Every
    evaluation simulates all ``seeds`` (in ``n_jobs`` processes). The Monte Carlo standard
    errors that widen the tolerances are measured once, at the block's start, and held fixed
    within the block: were they re-measured per candidate, a candidate would be
    rewarded for making outcomes noisier.

    Raises:
        ValueError: a block names a parameter not in ``space`` or an unknown target, or the
            budget is below 1.
    """
    if budget < 1:
        raise ValueError(f"budget = {budget}; allowed: a whole number >= 1")
    by_name = {p.name: p for p in space}
    known_targets = {t.name: t for t in targets}
    for b in blocks:
        unknown = [n for n in b.parameters if n not in by_name]
        if unknown:
            raise ValueError(f"block {b.name!r}: unknown parameter(s) {unknown}")
        bad = [t for t in b.targets if t not in known_targets]
        if bad:
            raise ValueError(f"block {b.name!r}: unknown target(s) {bad}")
    current = {p.name: float(start[p.name]) for p in space}
    all_targets = frozenset(known_targets)
    loss_start = loss(*_swap(mean_values(simulate, current, seeds, all_targets, n_jobs), targets))
    log(f"start loss {loss_start:.3f}: {current}")
    evaluations: list[dict[str, Any]] = []
    for b in blocks:
        block_targets = [known_targets[t] for t in b.targets]
        names = frozenset(b.targets)
        params = [by_name[n] for n in b.parameters]
        u0 = np.array([p.to_unbounded(current[p.name]) for p in params])
        _, errors = mean_values(simulate, current, seeds, names, n_jobs)

        def objective(
            u: np.ndarray, params=params, names=names, block=b, tg=block_targets, errors=errors
        ) -> float:
            trial = dict(current)
            trial.update(
                {p.name: p.from_unbounded(float(x)) for p, x in zip(params, u, strict=True)}
            )
            means, _ = mean_values(simulate, trial, seeds, names, n_jobs)
            value = loss(means, tg, errors)
            evaluations.append({"block": block.name, "loss": value, **trial})
            return value

        max_evals = max(int(round(budget * b.budget_share)), u0.size + 2)
        best_u, best = u0, objective(u0)
        # A space-filling screen (Latin hypercube) finds the basin; Nelder-Mead then descends in
        # it and restarts once from its best point with a smaller simplex (narrow valleys, such
        # as a vacancy rate with a 0.3-point tolerance, stall a single simplex).
        n_screen = int(screen * max_evals) if u0.size > 0 else 0
        if n_screen >= 2:
            unit = LatinHypercube(d=u0.size, seed=screen_seed).random(n_screen)
            for x in unit:
                u = np.array(
                    [
                        p.to_unbounded(p.low + xi * (p.high - p.low))
                        for p, xi in zip(params, x, strict=True)
                    ]
                )
                value = objective(u)
                if value < best:
                    best_u, best = u, value
        used = 1 + n_screen
        step = initial_step
        while used + u0.size + 2 <= max_evals:
            simplex = np.vstack([best_u, best_u + step * np.eye(u0.size)])
            result = minimize(
                objective,
                best_u,
                method="Nelder-Mead",
                options={
                    "maxfev": max_evals - used,
                    "initial_simplex": simplex,
                    "xatol": 0.02,
                    "fatol": 1e-3,
                },
            )
            used += result.nfev
            if result.fun < best:
                best_u, best = result.x, float(result.fun)
            step /= 2
        current.update(
            {p.name: p.from_unbounded(float(x)) for p, x in zip(params, best_u, strict=True)}
        )
        log(f"block {b.name}: loss {best:.3f} after {used} evaluations: {current}")
    loss_end = loss(*_swap(mean_values(simulate, current, seeds, all_targets, n_jobs), targets))
    log(f"end loss {loss_end:.3f}")
    return FitResult(current, dict(start), loss_start, loss_end, evaluations)


# ---------------------------------------------------------------------------------------------
# The model's simulator.
@dataclass(frozen=True)
class Design:
    """What is simulated for each seed (see ``design`` in conf/calibration.yaml)."""

    n_workers: int = 600
    baseline_hospitals: int = 16
    observe_weeks: int = 52
    leadership_workers: int = 20000
    hospitals: int = 8
    hospital_workers: int = 600
    demand_low: float = 0.75
    demand_high: float = 1.25
    staffing_weeks: int = 13
    trial_workers: int = 600

    def __post_init__(self) -> None:
        for name in (
            "n_workers",
            "baseline_hospitals",
            "observe_weeks",
            "leadership_workers",
            "hospitals",
            "hospital_workers",
            "staffing_weeks",
            "trial_workers",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"design.{name} = {value!r}; allowed: a whole number >= 1")
        if self.hospitals < 3:
            raise ValueError(f"design.hospitals = {self.hospitals}; allowed: >= 3")
        if self.staffing_weeks > self.observe_weeks:
            raise ValueError(
                f"design.staffing_weeks = {self.staffing_weeks}; allowed: <= observe_weeks "
                f"({self.observe_weeks})"
            )
        if not 0.2 <= self.demand_low < self.demand_high <= 3.0:
            raise ValueError(
                f"design.demand_low, demand_high = {self.demand_low}, {self.demand_high}; "
                "allowed: 0.2 <= low < high <= 3"
            )


def observe_baseline(params: Mapping[str, float], seed: int, design: Design) -> dict[str, float]:
    """The default hospital's year after burn-in, averaged over ``design.baseline_hospitals``.

    Prevalence, well-being shares and the vacancy rate are means over the year's weekly values
    (a survey on a random day); turnover, days to fill and violence exposure are 52-week rates at
    the end of the year. Hospital ``j`` of seed ``s`` is simulated with ``rng = s + 10000 j``.
    """
    rows = []
    for j in range(design.baseline_hospitals):
        m = WorkforceModel(
            rng=seed + 10_000 * j, n_workers=design.n_workers, collect_data=False, **params
        )
        weekly = []
        for _ in range(design.observe_weeks):
            m.step()
            weekly.append(weekly_metrics(m))
        frame = pd.DataFrame(weekly)
        summary = m.summary()
        out = {k: float(frame[k].mean()) for k in _WEEKLY_MEANS}
        out.update({k: float(summary[k]) for k in _END_OF_YEAR})
        rows.append(out)
    return {k: float(np.nanmean([r[k] for r in rows])) for k in rows[0]}


_WEEKLY_MEANS = (
    "burnout_prevalence_nurse",
    "burnout_prevalence_physician",
    "vacancy_rate",
    "flourishing_share",
    "moderate_share",
    "languishing_share",
    "moral_distress_share",
)
_END_OF_YEAR = (
    "annual_turnover_rate_nurse",
    "days_to_fill",
    "violence_exposure_12m",
    "violence_exposure_12m_physical",
    "violence_exposure_12m_verbal",
    "violence_exposure_12m_threat",
)


# The populations of the two leadership studies: Shanafelt 2015 surveyed physicians, Dyrbye 2020
# non-physician staff (here nurses and allied staff).
LEADERSHIP_POPULATIONS: dict[str, tuple[str, ...]] = {
    "leadership_odds_ratio_physician": ("physician",),
    "leadership_odds_ratio_staff": tuple(r for r in ROLE_NAMES if r != "physician"),
}


def observe_leadership(params: Mapping[str, float], seed: int, design: Design) -> dict[str, float]:
    """Burnout OR per leadership point by population, in one large organization.

    The same logistic regression (Shanafelt 2015's design) within each study's population
    (:data:`LEADERSHIP_POPULATIONS`); NaN where a population leaves nothing to regress.
    """
    m = WorkforceModel(
        rng=seed + 500_000, n_workers=design.leadership_workers, collect_data=False, **params
    )
    m.run_for(design.observe_weeks)
    workers = m.worker_table()
    out = {
        name: _or_nan(leadership_odds_ratio, workers, roles)
        for name, roles in LEADERSHIP_POPULATIONS.items()
    }
    out["shift_odds_ratio"] = _or_nan(shift_odds_ratio, workers[workers["role"] == "nurse"])
    return out


# Work without health care's own stressors, for the general working population's burnout
# (Shanafelt 2012): no violence from the public, no moral distress from patient care, day shifts
# of 8 h, and demand at 90 % of budgeted posts (no overtime). Administration, leadership,
# recognition, colleagues and life outside work stay as they are.
BENIGN_WORK: dict[str, float] = {
    "violence_level": 0.0,
    "moral_distress_effect": 0.0,
    "long_shift_fatigue": 0.0,
    "demand_level": 0.9,
}


def observe_benign(params: Mapping[str, float], seed: int, design: Design) -> dict[str, float]:
    """Mean burnout prevalence over a year in the default hospital under :data:`BENIGN_WORK`."""
    values = []
    for j in range(max(design.baseline_hospitals // 4, 1)):
        m = WorkforceModel(
            rng=seed + 20_000 + 10_000 * j,
            n_workers=design.n_workers,
            collect_data=False,
            **{**params, **BENIGN_WORK},
        )
        for _ in range(design.observe_weeks):
            m.step()
            values.append(weekly_metrics(m)["burnout_prevalence"])
    return {"benign_burnout_prevalence": float(np.mean(values))}


def rostered_patients_per_nurse(model: WorkforceModel) -> np.ndarray:
    """Each unit's patients per nurse on the roster this week.

    Budgeted patients per nurse x demand / the clinical hours of staff present and agency,
    overtime not counted: the staffing the hospital provides (what a ratio policy sets), with
    overtime part of how staff absorb a shortfall, as in Aiken 2002's unadjusted gradient.
    """
    rostered = own_hours(model)
    demand = model.unit_load[UL["demand_hours"]]
    return model.unit_patients_per_nurse * demand / np.maximum(rostered, 1.0)


def staffing_study(params: Mapping[str, float], seed: int, design: Design) -> pd.DataFrame:
    """Aiken 2002's design: ward nurses of hospitals that differ in staffing, one row each.

    ``design.hospitals`` hospitals with demand evenly spread from ``demand_low`` to
    ``demand_high`` of their budgeted posts; each hospital's staffing is the mean rostered
    patients per nurse of its medical and surgical wards over the last ``staffing_weeks``.
    """
    rows = []
    for k, demand in enumerate(
        np.linspace(design.demand_low, design.demand_high, design.hospitals)
    ):
        m = WorkforceModel(
            rng=seed * 1000 + k + 1,
            n_workers=design.hospital_workers,
            collect_data=False,
            **{**params, "demand_level": float(demand)},
        )
        wards = np.isin(np.array(m.layout.unit_type_names), WARD_TYPES)
        ratios = []
        for week in range(design.observe_weeks):
            m.step()
            if week >= design.observe_weeks - design.staffing_weeks:
                ratios.append(rostered_patients_per_nurse(m)[wards])
        w = m.worker_table()
        nurses = w[(w["role"] == "nurse") & w["unit_type"].isin(WARD_TYPES)]
        rows.append(
            pd.DataFrame(
                {
                    "hospital": k,
                    "demand_level": float(demand),
                    "patients_per_nurse": float(np.mean(ratios)),
                    "burned_out": nurses["burned_out"].to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


DOSE_PREFIX = "dose."


def split_doses(params: Mapping[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """Split a candidate into model parameters and programme doses (names ``dose.<group>``)."""
    model = {k: float(v) for k, v in params.items() if not k.startswith(DOSE_PREFIX)}
    doses = {
        k[len(DOSE_PREFIX) :]: float(v) for k, v in params.items() if k.startswith(DOSE_PREFIX)
    }
    return model, doses


def dosed_settings(
    doses: Mapping[str, float], scales: Mapping[str, Mapping[str, float]]
) -> dict[str, dict[str, float]]:
    """Per intervention, the settings a dose sets: reference x dose, clipped to the range.

    ``scales`` maps a dose group to ``{"intervention.setting": reference value}``; the reference
    is the setting's value at dose 1 (the assumption the dose multiplies), fixed in the config so
    that re-running a calibration does not compound doses.
    """
    from sim.interventions import INTERVENTIONS

    out: dict[str, dict[str, float]] = {}
    for group, dose in doses.items():
        for item, reference in scales[group].items():
            name, _, setting = item.partition(".")
            spec = INTERVENTIONS[name].settings_spec()[setting]
            value = float(reference) * dose
            out.setdefault(name, {})[setting] = min(value, spec.high) if spec.high else value
    return out


def trial_effects(
    params: Mapping[str, float],
    seed: int,
    design: Design,
    settings: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[str, float]:
    """12-month trial effects of each single intervention (one replicate, this seed).

    ``settings`` gives intervention settings that differ from the defaults (programme doses).
    """
    settings = settings or {}
    out: dict[str, float] = {}
    for name in INDIVIDUAL_DIRECTED + ORGANIZATION_DIRECTED:
        report = run_trial(
            TrialConfig(
                intervention=name,
                n_workers=design.trial_workers,
                seed=seed,
                replicates=1,
                settings=dict(settings.get(name, {})),
                params=dict(params),
            )
        )
        out[f"smd_{name}"] = _nan(report["smd_exhaustion"])
        out[f"pd_{name}"] = _nan(report["prevalence_difference"])
    out["individual_directed_smd"] = float(
        np.nanmean([out[f"smd_{n}"] for n in INDIVIDUAL_DIRECTED])
    )
    out["organization_directed_smd"] = float(
        np.nanmean([out[f"smd_{n}"] for n in ORGANIZATION_DIRECTED])
    )
    out["programme_prevalence_difference"] = float(
        np.nanmean([out[f"pd_{n}"] for n in INDIVIDUAL_DIRECTED + ORGANIZATION_DIRECTED])
    )
    return out


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _or_nan(measure: Callable[..., float], *args: Any) -> float:
    """A regression's odds ratio, or NaN where a candidate leaves nothing to regress.

    An extreme candidate (nobody or everybody burned out) makes the regression undefined; the
    loss then treats the target as missed by far (analysis.calibration.loss).
    """
    try:
        return measure(*args)
    except ValueError:
        return math.nan


def model_simulator(
    design: Design, dose_scales: Mapping[str, Sequence[str]] | None = None
) -> Simulator:
    """A simulator of the workforce model: runs only what the requested targets need.

    Candidates may hold programme doses (``dose.<group>``, see :func:`dosed_settings`), which
    change only the interventions' settings in the simulated trials.
    """
    scales = dose_scales or {}

    def simulate(params: Mapping[str, float], seed: int, names: frozenset[str]) -> dict[str, float]:
        model_params, doses = split_doses(params)
        out: dict[str, float] = {}
        if names & BASELINE_TARGETS:
            out.update(observe_baseline(model_params, seed, design))
        if names & SURVEY_TARGETS:
            out.update(observe_leadership(model_params, seed, design))
        if "benign_burnout_prevalence" in names:
            out.update(observe_benign(model_params, seed, design))
        if "workload_odds_ratio" in names:
            out["workload_odds_ratio"] = _or_nan(
                lambda *a: workload_odds_ratio(staffing_study(*a)), model_params, seed, design
            )
        if names & TRIAL_TARGETS:
            settings = dosed_settings(doses, scales)
            out.update(trial_effects(model_params, seed, design, settings))
        return out

    return simulate


# ---------------------------------------------------------------------------------------------
# Later years: the pandemic surge from the calibrated baseline.
def pandemic_turnover(
    params: Mapping[str, float], seed: int, start_week: float, years: Sequence[int], design: Design
) -> dict[int, float]:
    """Annual RN turnover by calendar year under the pandemic surge.

    Week 0 is 1 January of the first year; a year's turnover is its nurse leavers over the mean
    nurse headcount of its weeks (NSI's definition).
    """
    m = WorkforceModel(
        rng=seed,
        n_workers=design.n_workers,
        scenario=pandemic_surge(start_week),
        collect_data=False,
        **params,
    )
    headcount = []
    for _ in range(52 * len(years)):
        m.step()
        headcount.append(m.tallies.role_headcount[_NURSE])
    deps = m.departures()
    nurse_weeks = deps.loc[deps["role"] == "nurse", "week"].to_numpy()
    out = {}
    for i, year in enumerate(years):
        leavers = np.count_nonzero((nurse_weeks >= 52 * i) & (nurse_weeks < 52 * (i + 1)))
        out[year] = float(leavers / np.mean(headcount[52 * i : 52 * (i + 1)]))
    return out


def later_years_table(per_seed: Sequence[Mapping[int, float]]) -> pd.DataFrame:
    """Published NSI turnover by year against the model's mean and range over seeds."""
    rows = []
    for year in per_seed[0]:
        vals = np.array([d[year] for d in per_seed])
        rows.append(
            {
                "year": year,
                "published": NSI_TURNOVER_BY_YEAR.get(year, math.nan),
                "model": float(vals.mean()),
                "model_low": float(np.percentile(vals, 2.5)),
                "model_high": float(np.percentile(vals, 97.5)),
            }
        )
    table = pd.DataFrame(rows)
    table["difference"] = table["model"] - table["published"]
    return table


def later_years_markdown(table: pd.DataFrame) -> str:
    """The later-years table as Markdown."""
    rows = [
        (
            str(r.year),
            f"{100 * r.published:.1f} %",
            f"{100 * r.model:.1f} % ({100 * r.model_low:.1f} to {100 * r.model_high:.1f} %)",
            f"{100 * r.difference:+.1f} points",
        )
        for r in table.itertuples()
    ]
    columns = ("year", "NSI RN turnover", "model mean (95 % range over seeds)", "model - NSI")
    return to_markdown(pd.DataFrame(rows, columns=columns)) + "\n"


# ---------------------------------------------------------------------------------------------
# The command.
def load_config(overrides: Sequence[str] = ()) -> DictConfig:
    """Compose ``conf/calibration.yaml`` with ``overrides``."""
    with initialize_config_module(config_module=CONFIG_MODULE, version_base=None):
        return compose(config_name=CONFIG_NAME, overrides=list(overrides))


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
        "defaults of sim/parameters.py; `interventions`: settings of sim.interventions.build,",
        "the defaults of sim/interventions/*.py (doses: multiples of the reference settings",
        "in conf/calibration.yaml, the assumptions made before calibration).",
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
    """Run the calibration; return the output folder."""
    cfg = load_config(overrides)
    space, blocks, design, start, dose_scales = parse_config(cfg)
    t0 = time.time()
    out_dir = (
        Path(cfg.output_dir)
        if cfg.output_dir
        else Path("outputs/calibration") / datetime.now().strftime("%Y-%m-%d/%H-%M-%S")
    )
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
        value = loss(
            *_swap(
                mean_values(
                    simulate, start, list(cfg.seeds), frozenset(TARGETS_BY_NAME), cfg.n_jobs
                ),
                TARGETS,
            )
        )
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
            "command": "python -m experiments.calibrate " + " ".join(overrides),
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


def main() -> None:
    """Command-line entry: ``key=value`` overrides; prints the fit table and the output folder."""
    logging.getLogger("MESA").setLevel(logging.WARNING)
    try:
        out_dir = run(sys.argv[1:])
    except ValueError as error:
        sys.exit(f"experiments.calibrate: {error}")
    print((out_dir / "fit_table.md").read_text())
    print((out_dir / "later_years.md").read_text())
    print(out_dir, flush=True)


if __name__ == "__main__":
    main()
