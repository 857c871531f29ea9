"""The leadership dose-response, measured the way the published studies measured it.

Shanafelt et al. 2015 (2,813 physicians) regressed burnout (yes/no) on the composite leadership
score (12-60) of each physician's immediate supervisor: each 1-point higher score, 3.3 % lower
likelihood of burnout; at the unit level, the chair's mean score correlated r = -0.33 with the
division's burnout prevalence. Dyrbye et al. 2020 found 7 % lower odds per point among
non-physician staff. This module fits the same logistic regression to simulated workers (from
one row per worker, or from counts of burned-out workers per group, which gives the same
estimate), computes the unit-level correlation, and draws the dose-response figure.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from matplotlib.figure import Figure
from scipy.special import expit

from analysis.figures import save
from analysis.intervals import Z95, mean_interval, wilson_interval

SCORE_RANGE = (12.0, 60.0)
"""The composite leadership score's range: 12 items on a 5-point scale (Shanafelt 2015)."""


@dataclass(frozen=True)
class PublishedFigure:
    """A published leadership gradient or correlation, with its source."""

    name: str
    value: float
    source: str


# Odds ratios per 1-point higher supervisor score; the papers report them as "% lower".
SHANAFELT_2015_ODDS_RATIO = PublishedFigure(
    "physicians: odds ratio of burnout per point", 0.967, "Shanafelt et al. 2015: 3.3 % lower"
)
DYRBYE_2020_ODDS_RATIO = PublishedFigure(
    "non-physician staff: odds ratio of burnout per point", 0.93, "Dyrbye et al. 2020: 7 % lower"
)
SHANAFELT_2015_UNIT_R = PublishedFigure(
    "leader score vs unit burnout prevalence (Pearson r)", -0.33, "Shanafelt et al. 2015"
)


@dataclass(frozen=True)
class Gradient:
    """A fitted logistic regression of burnout on the supervisor's leadership score.

    Attributes:
        intercept: Log-odds of burnout at score 0 (the curve is only meaningful on 12-60).
        log_odds_ratio: Change in log-odds of burnout per 1-point higher score.
        se: Standard error of ``log_odds_ratio`` (cluster-robust when clusters were given).
        n_workers: Workers in the regression.
        n_clusters: Clusters of the robust standard error (0: model-based standard error).
    """

    intercept: float
    log_odds_ratio: float
    se: float
    n_workers: int
    n_clusters: int

    @property
    def odds_ratio(self) -> float:
        """Odds ratio of burnout per 1-point higher score."""
        return float(np.exp(self.log_odds_ratio))

    @property
    def odds_ratio_ci(self) -> tuple[float, float]:
        """95 % interval of the odds ratio per point."""
        return (
            float(np.exp(self.log_odds_ratio - Z95 * self.se)),
            float(np.exp(self.log_odds_ratio + Z95 * self.se)),
        )

    @property
    def percent_lower(self) -> float:
        """Percent lower odds of burnout per 1-point higher score (the papers' "3.3 %")."""
        return 100.0 * (1.0 - self.odds_ratio)

    @property
    def percent_lower_ci(self) -> tuple[float, float]:
        """95 % interval of :attr:`percent_lower` (low, high)."""
        low_or, high_or = self.odds_ratio_ci
        return (100.0 * (1.0 - high_or), 100.0 * (1.0 - low_or))

    def prevalence(self, scores: np.ndarray) -> np.ndarray:
        """Burnout prevalence the fitted curve gives at each score."""
        return expit(self.intercept + self.log_odds_ratio * np.asarray(scores, dtype=float))

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers for JSON records."""
        return {
            "odds_ratio_per_point": self.odds_ratio,
            "odds_ratio_ci95": list(self.odds_ratio_ci),
            "percent_lower_per_point": self.percent_lower,
            "percent_lower_ci95": list(self.percent_lower_ci),
            "log_odds_ratio": self.log_odds_ratio,
            "se": self.se,
            "intercept": self.intercept,
            "n_workers": self.n_workers,
            "n_clusters": self.n_clusters,
        }


def leadership_gradient(
    table: pd.DataFrame,
    *,
    score: str = "leadership_score",
    burned_out: str = "burned_out",
    workers: str | None = None,
    cluster: str | Sequence[str] | None = None,
) -> Gradient:
    """Logistic regression of burnout (yes/no) on the supervisor's score, as Shanafelt 2015.

    Args:
        table: One row per worker (``burned_out`` true/false), or one row per group of workers
            with the same score (``burned_out`` a count of the ``workers`` column). Both give
            the same estimate: a binomial model of counts is the logistic model of its workers.
        score: Column with the rated leadership score of each worker's supervisor.
        burned_out: Column with burnout (a flag per worker, or a count per group).
        workers: Column with the number of workers per row, or None for one worker per row.
        cluster: Column(s) naming clusters (units, organizations) for cluster-robust standard
            errors: workers who share a supervisor and colleagues are not independent.

    Raises:
        ValueError: If the table has no workers or the scores do not vary.
    """
    x = table[score].to_numpy(float)
    events = table[burned_out].to_numpy(float)
    n = table[workers].to_numpy(float) if workers else np.ones_like(events)
    if n.sum() <= 0:
        raise ValueError("leadership_gradient: the table has no workers")
    if np.ptp(x) == 0:
        raise ValueError(
            f"leadership_gradient: every worker has the same {score} ({x[0]:g}); "
            "a gradient needs supervisors whose scores differ"
        )
    endog = np.column_stack([events, n - events])
    model = sm.GLM(endog, sm.add_constant(x), family=sm.families.Binomial())
    if cluster is None:
        fit = model.fit()
        n_clusters = 0
    else:
        columns = [cluster] if isinstance(cluster, str) else list(cluster)
        groups = table.groupby(columns, sort=False, observed=True).ngroup().to_numpy()
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups})
        n_clusters = int(groups.max()) + 1
    return Gradient(
        intercept=float(fit.params[0]),
        log_odds_ratio=float(fit.params[1]),
        se=float(fit.bse[1]),
        n_workers=int(n.sum()),
        n_clusters=n_clusters,
    )


@dataclass(frozen=True)
class Correlation:
    """Pearson r between units' leader scores and burnout prevalence, pooled over replicates.

    Attributes:
        r: Pooled correlation (mean of Fisher z over replicates, back-transformed).
        ci: 95 % interval (t over replicates' z; one replicate: Fisher's 1 / sqrt(n - 3)).
        per_replicate: Each replicate's r.
        n_units: Units per replicate (mean).
    """

    r: float
    ci: tuple[float, float]
    per_replicate: tuple[float, ...]
    n_units: float

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers for JSON records."""
        return {
            "r": self.r,
            "ci95": list(self.ci),
            "per_replicate": list(self.per_replicate),
            "units_per_replicate": self.n_units,
        }


def unit_correlation(
    units: pd.DataFrame,
    *,
    score: str = "leadership_score",
    prevalence: str = "burnout_prevalence",
    replicate: str = "replicate",
) -> Correlation:
    """Correlation of each unit's leader score with its burnout prevalence (Shanafelt 2015).

    Computed within each replicate organization (the study had one), then pooled.

    Raises:
        ValueError: If a replicate has fewer than 4 units or constant scores.
    """
    zs, rs, sizes = [], [], []
    for name, group in units.groupby(replicate, sort=True):
        if len(group) < 4 or np.ptp(group[score].to_numpy(float)) == 0:
            raise ValueError(
                f"unit_correlation: replicate {name} needs at least 4 units with differing "
                f"scores, has {len(group)}"
            )
        r = float(np.corrcoef(group[score], group[prevalence])[0, 1])
        rs.append(r)
        zs.append(np.arctanh(np.clip(r, -0.999999, 0.999999)))
        sizes.append(len(group))
    z = float(np.mean(zs))
    if len(zs) > 1:
        _, z_low, z_high = mean_interval(np.asarray(zs))
    else:
        half = Z95 / np.sqrt(max(sizes[0] - 3, 1))
        z_low, z_high = z - half, z + half
    return Correlation(
        r=float(np.tanh(z)),
        ci=(float(np.tanh(z_low)), float(np.tanh(z_high))),
        per_replicate=tuple(rs),
        n_units=float(np.mean(sizes)),
    )


def binned_prevalence(
    table: pd.DataFrame,
    *,
    width: float = 4.0,
    score: str = "leadership_score",
    burned_out: str = "burned_out",
    workers: str = "workers",
) -> pd.DataFrame:
    """Burnout prevalence of workers grouped by their supervisor's score, with Wilson 95 % CIs.

    Returns:
        One row per non-empty bin: ``score`` (the mean score of its workers), ``workers``,
        ``burned_out``, ``prevalence``, ``ci_low``, ``ci_high``.
    """
    edges = np.arange(SCORE_RANGE[0], SCORE_RANGE[1] + width, width)
    bins = np.clip(np.digitize(table[score], edges) - 1, 0, len(edges) - 2)
    n = table[workers].to_numpy(float)
    frame = pd.DataFrame(
        {
            "bin": bins,
            "weighted_score": table[score] * n,
            "workers": n,
            "burned_out": table[burned_out],
        }
    )
    out = frame.groupby("bin").sum()
    out = out[out["workers"] > 0]
    k, m = out["burned_out"].to_numpy(float), out["workers"].to_numpy(float)
    low, high = wilson_interval(k, m)
    return pd.DataFrame(
        {
            "score": out["weighted_score"].to_numpy() / m,
            "workers": m.astype(int),
            "burned_out": k.astype(int),
            "prevalence": k / m,
            "ci_low": low,
            "ci_high": high,
        }
    )


def published_curve(
    scores: np.ndarray, odds_ratio: float, anchor_score: float, anchor_prevalence: float
) -> np.ndarray:
    """Prevalence along a logistic curve with the published slope, through an anchor point.

    A published odds ratio fixes the slope of the curve, not its level; anchoring it at the
    simulated prevalence at a typical score lets the two slopes be compared by eye.
    """
    logit = np.log(anchor_prevalence / (1.0 - anchor_prevalence))
    return expit(logit + np.log(odds_ratio) * (np.asarray(scores, dtype=float) - anchor_score))


def plot_dose_response(
    population: pd.DataFrame,
    population_fit: Gradient,
    sweep: pd.DataFrame | None,
    sweep_fit: Gradient | None,
    anchor_score: float,
    path: str | Path,
) -> Path:
    """Draw burnout prevalence against the supervisor's score, fitted and published curves.

    Args:
        population: Unit-by-role counts of the study design (supervisors drawn from a
            population): columns ``leadership_score``, ``workers``, ``burned_out``, ``unit``,
            ``replicate``.
        population_fit: The gradient fitted to ``population``.
        sweep: Counts of the organization-wide sweep (every supervisor at ``score_level``), or
            None to draw only the first panel.
        sweep_fit: The gradient fitted to ``sweep``.
        anchor_score: Score at which the published curves meet the fitted one.
        path: Where to write the PNG (atomically).
    """
    panels = 2 if sweep is not None and sweep_fit is not None else 1
    fig = Figure(figsize=(6.2 * panels, 4.6))
    axes = fig.subplots(1, panels, squeeze=False)
    grid = np.linspace(*SCORE_RANGE, 97)
    ax = axes[0, 0]
    units = population.groupby(["replicate", "unit"], observed=True).agg(
        leadership_score=("leadership_score", "first"),
        workers=("workers", "sum"),
        burned_out=("burned_out", "sum"),
    )
    ax.scatter(
        units["leadership_score"],
        units["burned_out"] / units["workers"],
        s=8,
        alpha=0.25,
        color="tab:gray",
        label="units",
    )
    bins = binned_prevalence(population)
    ax.errorbar(
        bins["score"],
        bins["prevalence"],
        yerr=[bins["prevalence"] - bins["ci_low"], bins["ci_high"] - bins["prevalence"]],
        fmt="o",
        color="tab:blue",
        label="workers by supervisor score (95 % CI)",
    )
    _curves(ax, grid, population_fit, anchor_score)
    ax.set_title("Supervisors drawn from a population (study design)")
    if panels == 2:
        ax = axes[0, 1]
        orgs = sweep.groupby(["score_level", "replicate"], observed=True)[
            ["workers", "burned_out"]
        ].sum()
        levels = orgs.index.get_level_values("score_level").to_numpy(float)
        ax.scatter(
            levels,
            orgs["burned_out"] / orgs["workers"],
            s=14,
            alpha=0.5,
            color="tab:blue",
            label="organizations (replicates)",
        )
        _curves(ax, grid, sweep_fit, anchor_score)
        ax.set_title("Every supervisor at the same score (organization-wide)")
    for ax in axes[0]:
        ax.set_xlabel("supervisor's leadership score (12-60)")
        ax.set_ylabel("burnout prevalence")
        ax.set_xlim(*SCORE_RANGE)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    return save(fig, path)


def _curves(ax: Any, grid: np.ndarray, fit: Gradient, anchor_score: float) -> None:
    ax.plot(
        grid,
        fit.prevalence(grid),
        color="tab:red",
        label=f"fitted: {fit.percent_lower:.1f} % lower odds per point",
    )
    anchor = float(fit.prevalence([anchor_score])[0])
    for figure, style in ((SHANAFELT_2015_ODDS_RATIO, "--"), (DYRBYE_2020_ODDS_RATIO, ":")):
        ax.plot(
            grid,
            published_curve(grid, figure.value, anchor_score, anchor),
            style,
            color="black",
            label=f"published slope, {figure.source}",
        )
