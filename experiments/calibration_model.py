"""The workforce model as the calibration's simulator (what each target runs); later years."""

import hashlib
import json
import math
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.calibration import (
    INDIVIDUAL_DIRECTED,
    NSI_TURNOVER_BY_YEAR,
    ORGANIZATION_DIRECTED,
    TARGETS_BY_NAME,
    leadership_odds_ratio,
    shift_odds_ratio,
    workload_odds_ratio,
)
from analysis.comparison import to_markdown
from experiments.trial import TrialConfig, run_trial
from sim.conditions import BENIGN_WORK
from sim.inputs import require_counts
from sim.layout import UL
from sim.metrics import (
    burnout_persistence,
    burnout_snapshot,
    persistence_per_year,
    weekly_metrics,
)
from sim.model import WorkforceModel
from sim.organization import ROLE_NAMES
from sim.scenarios import pandemic_surge
from sim.workload import own_hours

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
        "burnout_persistence_12m",
    }
)
# Targets read in the large leadership organization (a survey of its workers).
SURVEY_TARGETS = frozenset(
    {"leadership_odds_ratio_physician", "leadership_odds_ratio_staff", "shift_odds_ratio"}
)
TRIAL_TARGETS = frozenset(
    {"programme_prevalence_difference", "organization_directed_smd", "individual_directed_smd"}
)
ALL_TARGETS = frozenset(TARGETS_BY_NAME)


@dataclass(frozen=True)
class Design:
    """What is simulated for each seed (see ``design`` in conf/calibration/calibration.yaml)."""

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
        counts = (
            "n_workers",
            "baseline_hospitals",
            "observe_weeks",
            "leadership_workers",
            "hospitals",
            "hospital_workers",
            "staffing_weeks",
            "trial_workers",
        )
        require_counts("design", self, counts)
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
    the end of the year. Persistence (``burnout_persistence_12m``) follows the workers burned
    out at the end of the burn-in to the end of the observed weeks (sim.metrics.
    burnout_persistence), read as a year's share by sim.metrics.persistence_per_year.
    Hospital ``j`` of seed ``s`` is simulated with ``rng = s + 10000 j``.
    """
    rows = []
    for j in range(design.baseline_hospitals):
        m = WorkforceModel(
            rng=seed + 10_000 * j, n_workers=design.n_workers, collect_data=False, **params
        )
        start = burnout_snapshot(m)
        weekly = []
        for _ in range(design.observe_weeks):
            m.step()
            weekly.append(weekly_metrics(m))
        frame = pd.DataFrame(weekly)
        summary = m.summary()
        out = {k: float(frame[k].mean()) for k in _WEEKLY_MEANS}
        out.update({k: float(summary[k]) for k in _END_OF_YEAR})
        persistence = burnout_persistence(start, burnout_snapshot(m))["persistence"]
        out["burnout_persistence_12m"] = persistence_per_year(persistence, design.observe_weeks)
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


def trial_effects(params: Mapping[str, float], seed: int, design: Design) -> dict[str, float]:
    """12-month trial effects of each single intervention at its default settings.

    One replicate per intervention with this seed; programme strengths are each programme's own
    evidence (sim/interventions/), never fitted here.
    """
    out: dict[str, float] = {}
    for name in INDIVIDUAL_DIRECTED + ORGANIZATION_DIRECTED:
        report = run_trial(
            TrialConfig(
                intervention=name,
                n_workers=design.trial_workers,
                seed=seed,
                replicates=1,
                params=dict(params),
            )
        )
        out[f"smd_{name}"] = _nan(report["smd_exhaustion"])
        out[f"pd_{name}"] = _nan(report["prevalence_difference"])
    with warnings.catch_warnings():  # a candidate that leaves no trial estimable gives NaN
        warnings.simplefilter("ignore", RuntimeWarning)
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


def target_stages(
    params: Mapping[str, float], seed: int, design: Design, names: frozenset[str]
) -> Iterator[dict[str, float]]:
    """The targets in ``names`` one simulation at a time, cheapest and most telling first.

    The default hospital (14 targets), benign work, the leadership survey, the staffing study,
    then the simulated trials (the dearest): a caller that only needs to know whether the
    distance exceeds a tolerance can stop early (ABC's early rejection).
    """
    if names & BASELINE_TARGETS:
        yield _only(observe_baseline(params, seed, design), names)
    if "benign_burnout_prevalence" in names:
        yield observe_benign(params, seed, design)
    if names & SURVEY_TARGETS:
        yield _only(observe_leadership(params, seed, design), names)
    if "workload_odds_ratio" in names:
        yield {
            "workload_odds_ratio": _or_nan(
                lambda *a: workload_odds_ratio(staffing_study(*a)), params, seed, design
            )
        }
    if names & TRIAL_TARGETS:
        yield _only(trial_effects(params, seed, design), names)


def _only(values: Mapping[str, float], names: frozenset[str]) -> dict[str, float]:
    return {k: v for k, v in values.items() if k in names}


def simulate_targets(
    params: Mapping[str, float], seed: int, design: Design, names: frozenset[str]
) -> dict[str, float]:
    """The model's value of each target in ``names`` for one seed: runs only what they need."""
    out: dict[str, float] = {}
    for part in target_stages(params, seed, design, names):
        out.update(part)
    return out


def evaluation_seed(base_seed: int, params: Mapping[str, float]) -> int:
    """A seed of its own for each parameter set: a hash of the base seed and the values.

    The same parameter set always gets the same seed (a run can be repeated and resumed), and
    different sets get independent simulator noise, which ABC's posterior must include.
    """
    text = json.dumps([base_seed, sorted((k, float(v)) for k, v in params.items())])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=4).digest(), "little")


@dataclass(frozen=True)
class TargetSimulator:
    """The calibration's simulator: a parameter set -> the value of every target.

    A plain picklable callable, so that any sampler or runner can map it over parameter sets:
    the launched batches of experiments/batch_map.py here. Each set is simulated once,
    with :func:`evaluation_seed` (or with ``seed`` when given).
    """

    design: Design
    base_seed: int = 0
    names: frozenset[str] = field(default_factory=lambda: frozenset(ALL_TARGETS))

    def __call__(self, params: Mapping[str, float], seed: int | None = None) -> dict[str, float]:
        """Simulate ``params`` (model keyword arguments) and measure the targets."""
        return simulate_targets(*self._seeded(params, seed), self.design, self.names)

    def stages(
        self, params: Mapping[str, float], seed: int | None = None
    ) -> Iterator[dict[str, float]]:
        """The same values one simulation at a time (:func:`target_stages`)."""
        return target_stages(*self._seeded(params, seed), self.design, self.names)

    def _seeded(self, params: Mapping[str, float], seed: int | None) -> tuple[dict, int]:
        values = {k: float(v) for k, v in params.items()}
        return values, evaluation_seed(self.base_seed, values) if seed is None else seed


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
        pressure=pandemic_surge(start_week),
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
