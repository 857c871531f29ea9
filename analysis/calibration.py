"""Calibration targets, how each is measured on simulated data, the loss, and the fit table.

Every target is a published figure from the project's evidence file with the interval that
serves as its tolerance (a 95 % confidence interval where the source gives one, otherwise the
range the source's years or populations span; each target says which). Measures here are pure
functions of simulated data, computed the way the source computed its figure:

- the leadership gradients as logistic regressions of each worker's burnout on their
  supervisor's rated score, physicians (Shanafelt 2015) and nurses and allied staff (Dyrbye
  2020) apart;
- the workload gradient as a logistic regression of each ward nurse's burnout on the staffing of
  their hospital, across hospitals that differ in staffing (Aiken 2002);
- intervention effects as the simulated trial's 12-month SMD and prevalence difference (West
  2016, Panagioti 2017; experiments/trial.py).

The loss is the weighted sum of squared standardized deviations: (model - published) divided by
the half-width of the tolerance on the side of the deviation.
"""

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from analysis.comparison import to_markdown
from sim.interventions import BUNDLES


@dataclass(frozen=True)
class Target:
    """A published figure the model should reproduce, with its tolerance interval."""

    name: str
    label: str
    value: float
    low: float
    high: float
    source: str
    interval: str  # what the interval is: "95 % CI", "range of years", ...
    weight: float = 1.0
    percent: bool = True  # shown as a percentage

    def __post_init__(self) -> None:
        if not self.low <= self.value <= self.high:
            raise ValueError(
                f"target {self.name!r}: value {self.value} outside its interval "
                f"[{self.low}, {self.high}]"
            )
        if self.weight < 0:
            raise ValueError(f"target {self.name!r}: weight {self.weight} must be >= 0")

    def z(self, model_value: float, model_se: float = 0.0) -> float:
        """Standardized deviation: (model - published) / half-width on the deviation's side.

        With ``model_se`` (the Monte Carlo standard error of the model value) the half-width h
        becomes sqrt(h^2 + se^2), as in history matching's implausibility (Vernon et al. 2010),
        so that a fit does not chase seed noise on targets with narrow intervals.
        """
        if not math.isfinite(model_value):
            return math.inf
        half = (self.high - self.value) if model_value >= self.value else (self.value - self.low)
        se = model_se if math.isfinite(model_se) else 0.0
        return (model_value - self.value) / max(math.sqrt(half * half + se * se), 1e-12)

    def within(self, model_value: float) -> bool:
        """Whether the model value lies inside the published interval."""
        return self.low <= model_value <= self.high


# Individual- and organization-directed interventions whose trials the meta-analyses pool: the
# single programmes aimed at burnout, i.e. the members of the individual and organizational
# bundles (retention pay and faster recruitment aim at turnover, and co-design is a process that
# aims the others; none of them is a burnout programme).
INDIVIDUAL_DIRECTED: tuple[str, ...] = BUNDLES["individual_bundle"]
# The kinds Panagioti 2017 pooled as organization-directed: workload, staffing and schedule
# changes, teamwork and leadership. Recognition and violence prevention answer to their own
# evidence only (sim/interventions/organizational.py).
ORGANIZATION_DIRECTED: tuple[str, ...] = (
    "safe_staffing",
    "workload_redesign",
    "scheduling_limits",
    "leadership_development",
    "codesign",
)

TARGETS: tuple[Target, ...] = (
    Target(
        "benign_burnout_prevalence",
        "Burnout prevalence without health care's own stressors",
        0.278,
        0.25,
        0.31,
        "Shanafelt 2012: general US working population, same MBI definition; physicians' OR "
        "1.97 (1.80-2.16) against other workers (Shanafelt 2015)",
        "value 27.8 %; interval from the OR's CI applied to physicians' baseline odds",
    ),
    Target(
        "moral_distress_share",
        "High moral distress ('distressing to worst possible')",
        0.268,
        0.15,
        0.40,
        "US safety-net clinicians 2020: 26.8 %",
        "no CI published; the project's tolerance 15-40 %",
    ),
    Target(
        "shift_odds_ratio",
        "Nurse high exhaustion OR, shifts >= 12 h vs <= 8 h",
        1.26,
        1.09,
        1.46,
        "Dall'Ora 2015 (31,627 RNs, 12 European countries), adjusted",
        "95 % CI",
        percent=False,
    ),
    Target(
        "burnout_prevalence_nurse",
        "Burnout prevalence, nurses",
        0.365,
        0.26,
        0.47,
        "Aiken 2024 (Europe 26 %), Aiken 2023 (US 2021, 47 %)",
        "range of published populations",
    ),
    Target(
        "burnout_prevalence_physician",
        "Burnout prevalence, physicians (>= 1 symptom)",
        0.455,
        0.382,
        0.544,
        "Shanafelt 2022: 45.5 %, 54.4 %, 43.9 %, 38.2 % (2011-2020)",
        "range of survey years 2011-2020; value 2011",
    ),
    Target(
        "annual_turnover_rate_nurse",
        "Annual RN turnover",
        0.174,
        0.164,
        0.184,
        "NSI 2023 (18.4 %) and 2024 (16.4 %)",
        "range of years 2023-2024; value their mean",
    ),
    Target(
        "vacancy_rate",
        "RN vacancy rate",
        0.0975,
        0.096,
        0.099,
        "NSI 2023 (9.9 %) and 2024 (9.6 %)",
        "range of years 2023-2024; value their mean",
    ),
    Target(
        "days_to_fill",
        "Days to fill an RN post",
        84.5,
        83.0,
        86.0,
        "NSI 2023 (86) and 2024 (83)",
        "range of years 2023-2024; value their mean",
        percent=False,
    ),
    Target(
        "violence_exposure_12m",
        "12-month violence exposure, any",
        0.619,
        0.561,
        0.676,
        "Liu 2019",
        "95 % CI",
    ),
    Target(
        "violence_exposure_12m_physical",
        "12-month violence exposure, physical",
        0.244,
        0.224,
        0.264,
        "Liu 2019",
        "95 % CI",
    ),
    Target(
        "violence_exposure_12m_verbal",
        "12-month violence exposure, verbal abuse",
        0.576,
        0.518,
        0.634,
        "Liu 2019",
        "95 % CI",
    ),
    Target(
        "violence_exposure_12m_threat",
        "12-month violence exposure, threats",
        0.332,
        0.275,
        0.389,
        "Liu 2019",
        "95 % CI",
    ),
    Target(
        "burnout_persistence_12m",
        "Burned out a year later, of burned-out workers still in post",
        0.607,
        0.368,
        0.717,
        "evidence.md 'Time scales': recovery in 1-3 years (Bernier 1998; Almen 2021; unverified)",
        "exp(-1 / D), episodes of D = 1-3 years, exponential remaining time; value D = 2",
        weight=0.5,
    ),
    Target(
        "leadership_odds_ratio_physician",
        "Physician burnout odds ratio per leadership point (12-60)",
        0.967,
        0.957,
        0.977,
        "Shanafelt 2015: physicians, 3.3 % lower likelihood per point",
        "project tolerance, 3.3 +- 1 % per point (no CI published; tests/experiments)",
        percent=False,
    ),
    Target(
        "leadership_odds_ratio_staff",
        "Nurse and allied staff burnout odds ratio per leadership point (12-60)",
        0.93,
        0.92,
        0.94,
        "Dyrbye 2020: non-physician staff, 7 % lower odds per point",
        "project tolerance, 7 +- 1 % per point as for physicians (no CI used; tests/experiments)",
        percent=False,
    ),
    Target(
        "workload_odds_ratio",
        "Nurse burnout odds ratio per extra patient per nurse",
        1.23,
        1.13,
        1.34,
        "Aiken 2002",
        "95 % CI",
        percent=False,
    ),
    Target(
        "flourishing_share",
        "Flourishing (MHC-SF)",
        0.326,
        0.172,
        0.48,
        "Keyes 2002 (US adults 17.2 %); Italian health workers 2020 (48 %)",
        "range of published populations; value midpoint",
        weight=0.5,
    ),
    Target(
        "moderate_share",
        "Moderately mentally healthy (MHC-SF)",
        0.493,
        0.42,
        0.566,
        "Keyes 2002 (56.6 %); Italian health workers 2020 (42 %)",
        "range of published populations; value midpoint",
        weight=0.5,
    ),
    Target(
        "languishing_share",
        "Languishing (MHC-SF)",
        0.11,
        0.10,
        0.121,
        "Keyes 2002 (12.1 %); Italian health workers 2020 (10 %)",
        "range of published populations; value midpoint",
        weight=0.5,
    ),
    Target(
        "programme_prevalence_difference",
        "Burnout prevalence difference, typical programme (12 months)",
        -0.10,
        -0.14,
        -0.05,
        "West 2016: 54 % to 44 %",
        "95 % CI",
    ),
    Target(
        "organization_directed_smd",
        "Exhaustion SMD, organization-directed (12 months)",
        -0.45,
        -0.62,
        -0.28,
        "Panagioti 2017",
        "95 % CI",
        percent=False,
    ),
    Target(
        "individual_directed_smd",
        "Exhaustion SMD, individual-directed (12 months)",
        -0.18,
        -0.32,
        -0.03,
        "Panagioti 2017 (physician-directed; softer)",
        "95 % CI",
        percent=False,
    ),
)
TARGETS_BY_NAME: dict[str, Target] = {t.name: t for t in TARGETS}

# Later years: NSI annual RN turnover, reproduced by the pandemic-surge scenario run forward from
# the calibrated baseline (not fitted).
NSI_TURNOVER_BY_YEAR: dict[int, float] = {
    2020: 0.187,
    2021: 0.271,
    2022: 0.225,
    2023: 0.184,
    2024: 0.164,
}


def logistic_slope(outcome: np.ndarray, exposure: np.ndarray) -> float:
    """Slope (log odds per unit of exposure) of a logistic regression of a 0/1 outcome.

    Raises:
        ValueError: fewer than 10 observations, an outcome or exposure without variation, or a
            fit that does not converge (separation).
    """
    y = np.asarray(outcome, dtype=float)
    x = np.asarray(exposure, dtype=float)
    if y.size < 10 or y.size != x.size:
        raise ValueError(f"logistic_slope needs >= 10 paired observations, got {y.size}")
    if y.min() == y.max() or np.ptp(x) == 0:
        raise ValueError("logistic_slope: outcome or exposure has no variation")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    if not fit.mle_retvals.get("converged", True):
        raise ValueError("logistic_slope: the maximum-likelihood fit did not converge")
    return float(fit.params[1])


def leadership_odds_ratio(workers: pd.DataFrame, roles: Sequence[str] | None = None) -> float:
    """Burnout odds ratio per point of the supervisor's score as rated (Shanafelt 2015's design).

    ``workers`` is a worker table (sim WorkforceModel.worker_table) with ``burned_out`` and
    ``leadership_rating``, each worker's own rating of their supervisor from the simulated survey
    (sim.survey; and ``role`` when ``roles`` is given). ``roles`` restricts the
    regression to workers of those roles, as each study surveyed one population (Shanafelt
    2015 physicians, Dyrbye 2020 non-physician staff); None regresses every worker.
    """
    if roles is not None:
        workers = workers[workers["role"].isin(list(roles))]
    return math.exp(logistic_slope(workers["burned_out"], workers["leadership_rating"]))


def shift_odds_ratio(nurses: pd.DataFrame) -> float:
    """High emotional exhaustion odds ratio, shifts of 12 h or more against 8 h or less.

    Dall'Ora 2015's contrast: ``nurses`` has ``exhaustion`` (0-1, MBI / 54) and
    ``shift_hours`` ("8", "9-11", "12+"); high exhaustion is MBI >= 27 (0.5); nurses on
    9-11-h shifts are left out of this contrast.
    """
    two = nurses[nurses["shift_hours"].isin(["8", "12+"])]
    high = two["exhaustion"] >= 0.5
    return math.exp(logistic_slope(high, (two["shift_hours"] == "12+").astype(float)))


def workload_odds_ratio(nurses: pd.DataFrame) -> float:
    """Burnout odds ratio per extra patient per nurse across hospitals (Aiken 2002's design).

    ``nurses`` has one row per ward nurse: ``burned_out`` and ``patients_per_nurse`` (their
    hospital's staffing, the same value for every nurse of a hospital).
    """
    return math.exp(logistic_slope(nurses["burned_out"], nurses["patients_per_nurse"]))


def loss(
    values: Mapping[str, float],
    targets: Sequence[Target] = TARGETS,
    errors: Mapping[str, float] | None = None,
) -> float:
    """Weighted sum of squared standardized deviations over ``targets`` found in ``values``.

    ``errors`` holds Monte Carlo standard errors of the values (see :meth:`Target.z`).
    """
    errors = errors or {}
    total = 0.0
    for t in targets:
        if t.name in values:
            z = t.z(float(values[t.name]), float(errors.get(t.name, 0.0)))
            total += t.weight * (z * z if math.isfinite(z) else 1e6)
    return total


def fit_table(
    per_seed: Mapping[str, Sequence[float]], targets: Sequence[Target] = TARGETS
) -> pd.DataFrame:
    """One row per target: published value and interval, model mean and 95 % range across seeds.

    The model interval is the 2.5-97.5 percentile range of the per-seed values; ``se`` is the
    Monte Carlo standard error of the mean (SD / sqrt(seeds)). ``within`` says whether the model
    mean lies inside the published interval; ``within_mc`` whether it does once the interval is
    widened by 2 x se (the mean's own seed noise); ``overlaps`` whether the model interval and the
    published one overlap.
    """
    rows = []
    for t in targets:
        if t.name not in per_seed:
            continue
        vals = np.asarray(per_seed[t.name], dtype=float)
        vals = vals[np.isfinite(vals)]
        mean = float(vals.mean()) if vals.size else math.nan
        se = float(vals.std(ddof=1) / math.sqrt(vals.size)) if vals.size > 1 else 0.0
        lo, hi = (
            (float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5)))
            if vals.size
            else (math.nan, math.nan)
        )
        rows.append(
            {
                "target": t.name,
                "label": t.label,
                "published": t.value,
                "published_low": t.low,
                "published_high": t.high,
                "interval": t.interval,
                "source": t.source,
                "model": mean,
                "model_low": lo,
                "model_high": hi,
                "n_seeds": int(vals.size),
                "se": se,
                "z": t.z(mean, se),
                "within": t.within(mean),
                "within_mc": bool(t.low - 2 * se <= mean <= t.high + 2 * se),
                "overlaps": bool(lo <= t.high and hi >= t.low),
            }
        )
    return pd.DataFrame(rows)


def _fmt(value: float, percent: bool) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{100 * value:.1f} %" if percent else f"{value:.3g}"


def table_markdown(table: pd.DataFrame, targets: Sequence[Target] = TARGETS) -> str:
    """The fit table as Markdown (percent targets shown as percentages)."""
    by_name = {t.name: t for t in targets}
    rows = []
    for row in table.itertuples():
        pct = by_name[row.target].percent
        published = (
            f"{_fmt(row.published, pct)} ({_fmt(row.published_low, pct)} to "
            f"{_fmt(row.published_high, pct)}; {row.interval}) — {row.source}"
        )
        model = (
            f"{_fmt(row.model, pct)} ± {_fmt(row.se, pct)} ({_fmt(row.model_low, pct)} to "
            f"{_fmt(row.model_high, pct)})"
        )
        verdict = (
            "yes"
            if row.within
            else (
                "yes, within 2 s.e."
                if row.within_mc
                else ("**no**, overlaps" if row.overlaps else "**no**")
            )
        )
        rows.append((row.label, published, model, verdict))
    columns = (
        "target",
        "published (interval)",
        "model mean ± MC s.e. (95 % range over seeds)",
        "within",
    )
    return to_markdown(pd.DataFrame(rows, columns=columns)) + "\n"


def plot_target(target: Target, values: Sequence[float], ax: "object") -> None:
    """Draw one target on ``ax``: the published value and interval, and the per-seed values."""
    vals = np.asarray(values, dtype=float)
    ax.errorbar(
        [target.value],
        [1],
        xerr=[[target.value - target.low], [target.high - target.value]],
        fmt="s",
        color="black",
        capsize=4,
        label="published (interval)",
    )
    jitter = np.linspace(-0.15, 0.15, vals.size) if vals.size > 1 else np.zeros(vals.size)
    ax.plot(vals, 0 + jitter, "o", alpha=0.6, color="tab:blue", label="model, per seed")
    if vals.size:
        ax.plot([vals.mean()], [0], "D", color="tab:red", label="model mean")
    ax.set_yticks([0, 1], ["model", "published"])
    ax.set_ylim(-0.6, 1.6)
    ax.set_title(target.label, fontsize=9)
    ax.legend(fontsize=7, loc="best")
