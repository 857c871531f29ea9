"""Confidence intervals used across the analyses, each from scipy or statsmodels.

One definition each: the t-interval of a mean (:func:`mean_interval`, also per group with
:func:`grouped_mean_interval`), the Wilson interval of a proportion, and the percentile bootstrap
of a ratio of means (:func:`ratio_interval`).
"""

import warnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

Z95 = float(stats.norm.ppf(0.975))
"""Two-sided 95 % quantile of the standard normal."""


def mean_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-interval of independent values (NaN interval for fewer than two)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean()) if values.size else float("nan")
    if values.size < 2:
        return mean, float("nan"), float("nan")
    low, high = t_interval(values, confidence)
    return mean, float(low), float(high)


def grouped_mean_interval(
    frame: pd.DataFrame, by: str | list[str], column: str, confidence: float = 0.95
) -> pd.DataFrame:
    """:func:`mean_interval` of ``column`` per group: ``by`` columns, mean, low, high, count.

    Vectorized over the groups of each size; groups of one value get a NaN interval.
    """
    grouped = frame.groupby(by, observed=True, sort=True)[column]
    out = grouped.agg(["mean", "count"]).reset_index()
    low, high = np.full(len(out), np.nan), np.full(len(out), np.nan)
    ids = grouped.ngroup().to_numpy()
    values = frame[column].to_numpy(float)
    counts = out["count"].to_numpy()
    order = np.argsort(ids, kind="stable")
    for size in np.unique(counts[counts > 1]):
        groups = np.flatnonzero(counts == size)
        rows = order[np.isin(ids[order], groups)]
        low[groups], high[groups] = t_interval(values[rows].reshape(-1, size), confidence)
    out["low"], out["high"] = low, high
    return out


def t_interval(
    values: np.ndarray, confidence: float = 0.95, axis: int = -1
) -> tuple[np.ndarray, np.ndarray]:
    """Low and high ends of the t-interval of the mean along ``axis``.

    ``scipy.stats.ttest_1samp(...).confidence_interval``; constant values give the value itself.
    """
    with warnings.catch_warnings():
        # Constant values: scipy warns of precision loss; the interval is still right.
        warnings.simplefilter("ignore", RuntimeWarning)
        return stats.ttest_1samp(values, 0.0, axis=axis).confidence_interval(confidence)


def wilson_interval(events: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score 95 % interval of a proportion (events out of n)."""
    low, high = proportion_confint(events, n, alpha=0.05, method="wilson")
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def ratio_interval(
    numerator: np.ndarray, denominator: np.ndarray, resamples: int, seed: int
) -> tuple[float, float, float]:
    """Ratio of means with a 95 % paired percentile-bootstrap interval.

    The resamples are drawn by ``scipy.stats.bootstrap`` (paired). A resample whose denominator
    is not positive counts as an infinite ratio (no departures avoided at that cost), so the
    upper bound is infinite when more than 2.5 % of resamples avoid none; the percentiles are
    taken without interpolation for that reason. NaN throughout when the mean denominator is not
    positive.
    """
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    if denominator.mean() <= 0:
        return float("nan"), float("nan"), float("nan")
    point = float(numerator.mean() / denominator.mean())
    if resamples < 1:
        return point, float("nan"), float("nan")

    def ratio(num: np.ndarray, den: np.ndarray, axis: int = -1) -> np.ndarray:
        num, den = num.mean(axis=axis), den.mean(axis=axis)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, num / den, np.inf)

    with warnings.catch_warnings():
        # scipy's own interval may be NaN with infinite ratios; only the resamples are used.
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        draws = stats.bootstrap(
            (numerator, denominator),
            ratio,
            paired=True,
            vectorized=True,
            n_resamples=resamples,
            method="percentile",
            rng=np.random.default_rng(seed),
        ).bootstrap_distribution
    low, high = np.quantile(draws, [0.025, 0.975], method="inverted_cdf")
    return point, float(low), float(high)
