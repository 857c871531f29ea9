"""Where retention collapses as demand outgrows staffing, and how it recovers (hysteresis).

The understaffing spiral (seeds; the system-dynamics nurse models of Ergonomics 2019): turnover
opens vacancies, vacancies load the staff who stay, load burns them out, burnout drives more
turnover. Against a sweep of demand, equilibrium outcomes stay flat while the loop is weak and
rise steeply where it closes; the **tipping point** is read as the demand level of the steepest
rise: the midpoint of a four-parameter logistic curve fitted to the replicate means (with a
bootstrap interval over replicates), checked against the steepest step between grid points.
Vacancies "run away" if they are still rising at the end of the horizon.

After a surge of demand the organization may or may not return to where it was. The gap between
a run through the surge and a control run with the same seed shows the delays: the **recovery
time** is the number of weeks after demand is back until the smoothed gap falls below a share
of its peak and stays there; a gap that remains in the final year (its interval excluding zero)
is lasting hysteresis.
"""

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import optimize, stats

from analysis.figures import save
from analysis.intervals import grouped_mean_interval, mean_interval, t_interval

OUTCOME_LABELS = {
    "annual_turnover_rate": "annual turnover",
    "vacancy_rate": "vacancy rate",
    "burnout_prevalence": "burnout prevalence",
    "intent_to_leave_share": "intent to leave",
    "trust": "trust in the organization",
    "turnover_rate": "turnover (annualized, weekly leavers)",
}


# --------------------------------------------------------------------------------------------
# Tipping point

MIN_LEVELS = 5
"""Fewest distinct demand levels a four-parameter curve is fitted to."""


@dataclass(frozen=True)
class Sigmoid:
    """A rising logistic curve: ``low + (high - low) / (1 + exp(-(x - midpoint) / width))``."""

    low: float
    high: float
    midpoint: float
    width: float

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The curve's value at ``x``."""
        return _logistic(np.asarray(x, dtype=float), self.low, self.high, self.midpoint, self.width)

    @property
    def steepest_slope(self) -> float:
        """Slope at the midpoint: rise per unit of demand."""
        return (self.high - self.low) / (4.0 * self.width)


def _logistic(x: np.ndarray, low: float, high: float, midpoint: float, width: float) -> np.ndarray:
    return low + (high - low) / (1.0 + np.exp(-(x - midpoint) / width))


def fit_sigmoid(x: np.ndarray, y: np.ndarray) -> Sigmoid | None:
    """Least-squares logistic curve through ``(x, y)``, or None if it cannot be fitted.

    The midpoint is kept within the swept range and the width positive (a rise). Four
    parameters need at least :data:`MIN_LEVELS` distinct levels.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    span = float(np.ptp(x))
    if len(np.unique(x)) < MIN_LEVELS or np.ptp(y) == 0:
        return None
    start = (y.min(), y.max(), x[np.argmax(np.diff(y))] if len(x) > 1 else x.mean(), span / 8)
    bounds = (
        [y.min() - np.ptp(y), y.min(), x.min(), span / 200],
        [y.max(), y.max() + np.ptp(y), x.max(), 2 * span],
    )
    try:
        with warnings.catch_warnings():
            # A plateau the grid does not reach leaves a parameter's covariance undefined; only
            # the fitted values are used.
            warnings.simplefilter("ignore", optimize.OptimizeWarning)
            params, _ = optimize.curve_fit(_logistic, x, y, p0=start, bounds=bounds, maxfev=20_000)
    except (RuntimeError, ValueError):
        return None
    return Sigmoid(*map(float, params))


def steepest_step(x: np.ndarray, y: np.ndarray) -> float:
    """Midpoint of the grid interval with the largest rise per unit of ``x``."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    slopes = np.diff(y) / np.diff(x)
    i = int(np.argmax(slopes))
    return float(0.5 * (x[i] + x[i + 1]))


def tipping_point(
    sweep: pd.DataFrame,
    outcome: str,
    *,
    level: str = "demand_level",
    replicate: str = "replicate",
    n_boot: int = 500,
    seed: int = 0,
) -> dict[str, Any]:
    """The demand level where ``outcome`` rises most steeply, with a bootstrap 95 % interval.

    Args:
        sweep: One row per demand level and replicate with the equilibrium ``outcome``.
        outcome: Column to read.
        level: Column of the swept demand level.
        replicate: Column naming the replicate.
        n_boot: Bootstrap resamples (replicates drawn with replacement within each level).
        seed: Seed of the bootstrap.

    Returns:
        ``tipping_point`` (sigmoid midpoint, NaN if no rise fits), ``ci95``, ``width``,
        ``low``/``high`` plateaus, ``steepest_slope``, ``steepest_step`` (grid check), and
        ``share_of_fits`` (bootstrap resamples whose fit converged).
    """
    table = sweep.pivot_table(index=level, columns=replicate, values=outcome)
    x = table.index.to_numpy(float)
    values = table.to_numpy(float)
    curve = fit_sigmoid(x, np.nanmean(values, axis=1))

    def midpoint(*levels: np.ndarray) -> float:
        fit = fit_sigmoid(x, np.array([np.nanmean(level) for level in levels]))
        return fit.midpoint if fit is not None else float("nan")

    draws = _bootstrap(tuple(values), midpoint, n_boot, seed)
    midpoints = draws[np.isfinite(draws)]
    ci = (
        [float(np.percentile(midpoints, 2.5)), float(np.percentile(midpoints, 97.5))]
        if midpoints.size
        else [float("nan"), float("nan")]
    )
    return {
        "outcome": outcome,
        "tipping_point": curve.midpoint if curve else float("nan"),
        "ci95": ci,
        "width": curve.width if curve else float("nan"),
        "low": curve.low if curve else float("nan"),
        "high": curve.high if curve else float("nan"),
        "steepest_slope": curve.steepest_slope if curve else float("nan"),
        "steepest_step": steepest_step(x, np.nanmean(values, axis=1)),
        "share_of_fits": len(midpoints) / n_boot if n_boot else float("nan"),
    }


def runaway(
    sweep: pd.DataFrame, *, trend: str = "vacancy_trend_per_year", threshold: float
) -> dict[str, Any]:
    """The lowest demand level whose vacancies are still rising at the end, if any.

    Args:
        sweep: One row per demand level and replicate with the end-of-horizon ``trend``.
        trend: Column with the trend per year over the final window.
        threshold: Running away: the lower end of the 95 % interval of the mean trend (t over
            replicates) is above this (per year), so noise alone does not count.
    """
    levels = grouped_mean_interval(sweep, "demand_level", trend).set_index("demand_level")
    means = levels["mean"]
    rising = means[levels["low"] > threshold]
    return {
        "threshold_per_year": threshold,
        "first_runaway_demand": float(rising.index.min()) if len(rising) else None,
        "largest_mean_trend_per_year": float(means.max()),
        "at_demand": float(means.idxmax()),
    }


def plot_tipping(
    sweep: pd.DataFrame, outcomes: Sequence[str], tipping: Mapping[str, Mapping], path: Path
) -> Path:
    """Equilibrium outcomes against demand: replicates, means, fitted curves, tipping points."""
    fig = Figure(figsize=(4.6 * len(outcomes), 4.0))
    axes = fig.subplots(1, len(outcomes), squeeze=False)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        ax.scatter(sweep["demand_level"], sweep[outcome], s=8, alpha=0.3, color="tab:gray")
        means = sweep.groupby("demand_level")[outcome].mean()
        ax.plot(means.index, means.to_numpy(), "o", color="tab:blue", ms=4, label="mean")
        t = tipping[outcome]
        if np.isfinite(t["tipping_point"]):
            grid = np.linspace(means.index.min(), means.index.max(), 200)
            curve = Sigmoid(t["low"], t["high"], t["tipping_point"], t["width"])
            ax.plot(grid, curve(grid), color="tab:red", label="logistic fit")
            ax.axvspan(*t["ci95"], color="tab:red", alpha=0.12)
            ax.axvline(
                t["tipping_point"],
                color="tab:red",
                ls="--",
                label=f"tipping point {t['tipping_point']:.2f}",
            )
        ax.set_xlabel("demand relative to budgeted staffing")
        ax.set_ylabel(f"equilibrium {OUTCOME_LABELS.get(outcome, outcome)}")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return save(fig, path)


# --------------------------------------------------------------------------------------------
# Recovery after a surge


def smooth(series: np.ndarray, weeks: int) -> np.ndarray:
    """Trailing moving average over ``weeks`` (along the last axis; shorter at the start)."""
    series = np.asarray(series, dtype=float)
    if weeks <= 1:
        return series
    cumulative = np.cumsum(series, axis=-1)
    out = cumulative.copy()
    out[..., weeks:] = cumulative[..., weeks:] - cumulative[..., :-weeks]
    counts = np.minimum(np.arange(1, series.shape[-1] + 1), weeks)
    return out / counts


def recovery_week(
    gap: np.ndarray,
    weeks: np.ndarray,
    surge_start: int,
    demand_back: int,
    tolerance: float,
    settle_weeks: int,
) -> tuple[float, float]:
    """Weeks after ``demand_back`` until ``|gap|`` falls below ``tolerance x peak`` and stays.

    Args:
        gap: Smoothed gap (surge run minus control) per week.
        weeks: Week of each entry.
        surge_start: First week of the surge (the peak is sought from here on).
        demand_back: Week demand is back at baseline.
        tolerance: Share of the peak gap counted as recovered.
        settle_weeks: The gap must stay within the band this many weeks in a row (or to the
            end of the run) to count as recovered, so that noise dipping into the band does not.

    Returns:
        (weeks to recover, or inf if the gap never settles within the horizon; signed peak gap).
    """
    during = weeks >= surge_start
    peak_index = int(np.argmax(np.abs(gap[during])))
    peak = float(gap[during][peak_index])
    if peak == 0:
        return 0.0, 0.0
    after = weeks >= demand_back
    inside = np.abs(gap[after]) <= tolerance * abs(peak)
    run = 0
    for i in range(inside.size - 1, -1, -1):  # length of the run of weeks inside, from i on
        run = run + 1 if inside[i] else 0
        inside[i] = run >= settle_weeks or (run > 0 and i + run == inside.size)
    settled = np.flatnonzero(inside)
    if settled.size == 0:
        return float("inf"), peak
    return float(weeks[after][settled[0]] - demand_back), peak


def recovery(
    surge: np.ndarray,
    control: np.ndarray,
    weeks: np.ndarray,
    *,
    surge_start: int,
    demand_back: int,
    tolerance: float,
    smoothing_weeks: int,
    settle_weeks: int = 26,
    final_weeks: int = 52,
    n_boot: int = 500,
    seed: int = 0,
) -> dict[str, Any]:
    """Recovery time and lasting gap of one outcome after a surge, paired by seed.

    Args:
        surge: Outcome per replicate (rows) and week (columns) in the runs through the surge.
        control: The same with demand held at baseline, same seeds.
        weeks: Week of each column.
        surge_start: First week of the surge.
        demand_back: Week demand is back at baseline.
        tolerance: Share of the peak gap counted as recovered.
        smoothing_weeks: Trailing moving average applied to the mean gap.
        settle_weeks: Weeks the gap must stay within the band (see :func:`recovery_week`).
        final_weeks: Length of the final window in which a lasting gap is measured.
        n_boot: Bootstrap resamples of the replicate pairs for the interval of recovery time.
        seed: Seed of the bootstrap.
    """
    gap = np.asarray(surge, dtype=float) - np.asarray(control, dtype=float)
    weeks = np.asarray(weeks)
    mean_gap = smooth(gap.mean(axis=0), smoothing_weeks)
    weeks_to_recover, peak = recovery_week(
        mean_gap, weeks, surge_start, demand_back, tolerance, settle_weeks
    )

    def weeks_to_recover_of(rows: np.ndarray) -> float:
        mean = smooth(gap[rows.astype(int)].mean(axis=0), smoothing_weeks)
        return recovery_week(mean, weeks, surge_start, demand_back, tolerance, settle_weeks)[0]

    boot = _bootstrap((np.arange(gap.shape[0]),), weeks_to_recover_of, n_boot, seed)
    final = gap[:, -final_weeks:].mean(axis=1)
    mean, low, high = mean_interval(final)
    lasting = bool(final.size > 1 and (low > 0 or high < 0))
    return {
        "peak_gap": peak,
        "weeks_to_recover": weeks_to_recover,
        "weeks_to_recover_ci95": _percentiles_with_inf(boot, (2.5, 97.5)),
        "share_of_resamples_recovered": float(np.mean(np.isfinite(boot))),
        "final_gap": mean,
        "final_gap_ci95": [low, high],
        "lasting_gap": lasting,
    }


def _bootstrap(
    samples: tuple[np.ndarray, ...], statistic: Callable[..., float], n_boot: int, seed: int
) -> np.ndarray:
    """``n_boot`` values of ``statistic`` on resamples (``scipy.stats.bootstrap``) of each sample.

    Each sample is resampled on its own; the distribution is returned, not scipy's interval,
    because failed fits (NaN) and never-recovered resamples (inf) are counted by the callers.
    Samples of one value cannot vary: the statistic of the data, ``n_boot`` times.
    """
    if n_boot < 1:
        return np.empty(0)
    if min(len(s) for s in samples) < 2:
        return np.full(n_boot, statistic(*samples), dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return stats.bootstrap(
            samples,
            statistic,
            vectorized=False,
            n_resamples=n_boot,
            method="percentile",
            rng=np.random.default_rng(seed),
        ).bootstrap_distribution


def _percentiles_with_inf(values: Sequence[float], q: tuple[float, ...]) -> list[float]:
    """Percentiles of values that may be infinite (never recovered), without interpolating."""
    return [float(v) for v in np.percentile(np.asarray(values, float), q, method="inverted_cdf")]


def plot_hysteresis(
    weekly: pd.DataFrame,
    outcomes: Sequence[str],
    demand_back: int,
    recoveries: Mapping[str, Mapping],
    smoothing_weeks: int,
    path: Path,
) -> Path:
    """Outcomes over time through the surge and in the control, with 95 % bands and demand."""
    fig = Figure(figsize=(9, 2.4 * len(outcomes)))
    axes = fig.subplots(len(outcomes), 1, sharex=True)
    axes = np.atleast_1d(axes)
    for ax, outcome in zip(axes, outcomes, strict=True):
        for arm, color in (("surge", "tab:red"), ("control", "tab:blue")):
            table = weekly[weekly["arm"] == arm].pivot(
                index="replicate", columns="week", values=outcome
            )
            values = smooth(table.to_numpy(float), smoothing_weeks)
            mean = values.mean(axis=0)
            low, high = t_interval(values, axis=0) if len(values) > 1 else (mean, mean)
            weeks = table.columns.to_numpy()
            ax.plot(weeks, mean, color=color, label=arm)
            ax.fill_between(weeks, low, high, color=color, alpha=0.2, lw=0)
        rec = recoveries[outcome]
        if np.isfinite(rec["weeks_to_recover"]):
            ax.axvline(demand_back + rec["weeks_to_recover"], color="black", ls=":", lw=1)
        ax.axvline(demand_back, color="gray", ls="--", lw=1)
        ax.set_ylabel(OUTCOME_LABELS.get(outcome, outcome), fontsize=8)
        ax.grid(alpha=0.3)
    demand_ax = axes[0].twinx()
    demand = weekly[(weekly["arm"] == "surge") & (weekly["replicate"] == 0)]
    demand_ax.plot(demand["week"], demand["demand"], color="gray", lw=1, alpha=0.7)
    demand_ax.set_ylabel("demand", color="gray", fontsize=8)
    axes[0].legend(fontsize=7, loc="upper right")
    axes[0].set_title(
        f"Through a surge and back ({smoothing_weeks}-week moving averages; dashed: demand back "
        "at baseline; dotted: recovered)",
        fontsize=9,
    )
    axes[-1].set_xlabel("week")
    fig.tight_layout()
    return save(fig, path)


LOOP_PHASES = (
    ("before", "tab:gray"),
    ("demand rising", "tab:red"),
    ("held high", "tab:orange"),
    ("demand falling", "tab:blue"),
    ("after", "tab:green"),
)
"""Phases of the surge path, in order, with their colours in the loop plot."""


def plot_loop(
    weekly: pd.DataFrame,
    sweep: pd.DataFrame,
    outcomes: Sequence[str],
    phase_starts: Sequence[int],
    smoothing_weeks: int,
    path: Path,
) -> Path:
    """Outcomes against demand along the surge path, phase by phase, beside the equilibria.

    Args:
        weekly: Weekly outcomes with ``arm``, ``week`` and ``demand`` columns.
        sweep: Equilibria of the sweep (``demand_level`` and the outcomes).
        outcomes: Outcomes to draw, one panel each.
        phase_starts: First week of each phase after "before" (ramp up, hold, ramp down, after).
        smoothing_weeks: Trailing moving average of the outcomes.
        path: Where to write the PNG (atomically).
    """
    surge = weekly[weekly["arm"] == "surge"]
    mean = surge.groupby("week")[[*outcomes, "demand"]].mean()
    phase = np.searchsorted(np.asarray(phase_starts), mean.index.to_numpy(), side="right")
    fig = Figure(figsize=(4.6 * len(outcomes), 4.0))
    axes = fig.subplots(1, len(outcomes), squeeze=False)
    for ax, outcome in zip(axes[0], outcomes, strict=True):
        values = smooth(mean[outcome].to_numpy(), smoothing_weeks)
        path_demand = mean["demand"].to_numpy()
        for k, (label, color) in enumerate(LOOP_PHASES):
            rows = np.flatnonzero(phase == k)
            if rows.size:
                rows = np.r_[rows, rows[-1] + 1] if rows[-1] + 1 < len(values) else rows
                ax.plot(path_demand[rows], values[rows], color=color, label=label)
        ax.plot(path_demand[:1], values[:1], "ko", ms=4, label="start")
        ax.plot(path_demand[-1:], values[-1:], "ks", ms=4, label="end")
        if outcome in sweep:
            eq = sweep.groupby("demand_level")[outcome].mean()
            ax.plot(eq.index, eq.to_numpy(), "--", color="gray", label="equilibrium (sweep)")
        ax.set_xlabel("demand relative to budgeted staffing")
        ax.set_ylabel(OUTCOME_LABELS.get(outcome, outcome))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return save(fig, path)
