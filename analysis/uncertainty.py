"""How much of an interval is parameter uncertainty and how much is stochastic noise.

When ``compare`` draws model parameters from a posterior ensemble, replicates come in a nested
design: each posterior draw runs with two (or more) seeds, every arm with the same draw and seed.
The paired difference of an arm from the reference, ``y[i, k]`` for draw ``i`` and seed ``k``,
then splits as ``y = mu + b[i] + e[i, k]``: ``b`` the effect of the parameters (variance
``sigma2_b`` over the posterior) and ``e`` stochastic noise (variance ``sigma2_w``). The two
variance components come from a one-way random-effects ANOVA by draw, method of moments
(Searle, Casella & McCulloch 1992, ch. 3; unbalanced groups use ``n0``), ``sigma2_b`` clipped at 0.
This is the design of O'Hagan, Stevenson & Madan (2007, Health Economics 16:1009) for
probabilistic sensitivity analysis of patient-level simulations.

**The interval** (:func:`effect_interval`) answers "how large is the intervention's effect,
on average over chance, given what the evidence says about the parameters". Each draw's expected
effect is estimated by the mean of its seeds; the interval is the 95 % prediction interval of
that estimate for a new draw from the posterior:

    mean +- t(a - 1) * sqrt(MSB / n0 * (1 + 1 / a))

with ``mean`` the mean over all runs, ``a`` draws, ``MSB / n0`` the variance of a draw's mean
(``sigma2_b + sigma2_w / n0``; exactly the sample variance of the draw means when every draw has
``n0`` seeds) and ``1 / a`` the Monte Carlo error of ``mean``. It tends to the posterior 95 %
interval of the expected effect as draws and seeds per draw grow. Its variance splits into
parameter uncertainty, ``sigma2_b`` (only better evidence shrinks it), and stochastic noise left
after averaging a draw's seeds, ``sigma2_w / n0`` (more seeds per draw shrink it); the
**parameter share** is the first's share, ``max(0, 1 - MSW / MSB) = max(0, 1 - 1 / F)``. The
share of a single run's spread from parameters, ``sigma2_b / (sigma2_b + sigma2_w)``, is given
as ``run_parameter_share``.

Without draws (fixed parameters: no ``draw`` column, or one value), the interval is the usual
t-interval of the mean over replicates (:func:`analysis.intervals.mean_interval`: all noise) and
the share is NaN, meaning *not estimated: parameter uncertainty is not part of this run*, which
is different from an estimated share of 0 (the parameters moved the effect by less than noise).
"""

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.intervals import mean_interval

DRAW = "draw"
"""Column of the outcomes and differences naming the posterior draw a run used."""


@dataclass(frozen=True)
class Decomposition:
    """One measure of one arm: the mean, its 95 % interval and the variance components.

    Attributes:
        mean: Mean over every run.
        low: Lower end of the 95 % interval (see the module docstring).
        high: Upper end.
        parameter_variance: ``sigma2_b``, the parameter term of the variance of a draw's mean
            (0 without draws).
        noise_variance: ``sigma2_w / n0``, its stochastic-noise term (``MSB / n0`` when
            ``sigma2_b`` is clipped at 0; without draws: the variance of the mean).
        parameter_share: ``parameter_variance`` over their sum; NaN without draws, or when the
            interval has no variance at all.
        run_parameter_share: ``sigma2_b / (sigma2_b + sigma2_w)``: of the spread of effects
            between single runs, the share from parameters (independent of the number of runs).
        df: Degrees of freedom of the t quantile.
        draws: Number of distinct draws.
        runs: Number of runs.
    """

    mean: float
    low: float
    high: float
    parameter_variance: float
    noise_variance: float
    parameter_share: float
    run_parameter_share: float
    df: float
    draws: int
    runs: int


def has_draws(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` has a :data:`DRAW` column with more than one value."""
    return DRAW in frame and frame[DRAW].nunique(dropna=True) > 1


def variance_components(values: np.ndarray, groups: np.ndarray) -> dict[str, float]:
    """One-way random-effects ANOVA by group, method of moments (unbalanced groups allowed).

    Returns:
        ``msb``, ``msw`` (mean squares between and within groups), ``df_b``, ``df_w``, ``n0``
        (the effective group size), ``sigma2_b`` (clipped at 0) and ``sigma2_w``; NaN where a
        mean square has no degrees of freedom.
    """
    values = np.asarray(values, dtype=float)
    codes, sizes = np.unique(np.asarray(groups), return_inverse=True, return_counts=True)[1:]
    n, a = values.size, sizes.size
    means = np.bincount(codes, weights=values, minlength=a) / sizes
    grand = values.mean()
    df_b, df_w = a - 1, n - a
    msb = float(np.sum(sizes * (means - grand) ** 2) / df_b) if df_b > 0 else np.nan
    msw = float(np.sum((values - means[codes]) ** 2) / df_w) if df_w > 0 else np.nan
    n0 = float((n - np.sum(sizes**2) / n) / df_b) if df_b > 0 else np.nan
    sigma2_b = max((msb - msw) / n0, 0.0) if df_b > 0 and df_w > 0 else np.nan
    return {
        "msb": msb,
        "msw": msw,
        "df_b": float(df_b),
        "df_w": float(df_w),
        "n0": n0,
        "sigma2_b": sigma2_b,
        "sigma2_w": msw,
    }


def effect_interval(
    values: np.ndarray, draws: np.ndarray | None = None, confidence: float = 0.95
) -> Decomposition:
    """Mean, interval and parameter share of one measure's paired differences.

    Args:
        values: One paired difference per run.
        draws: The posterior draw of each run; ``None`` or a single value: fixed parameters.
        confidence: Coverage of the interval.
    """
    values = np.asarray(values, dtype=float)
    n = values.size
    groups = np.zeros(n, dtype=int) if draws is None else np.asarray(draws)
    a = int(np.unique(groups).size) if n else 0
    if a < 2:
        mean, low, high = mean_interval(values, confidence)
        noise = float(values.var(ddof=1) / n) if n > 1 else np.nan
        return Decomposition(mean, low, high, 0.0, noise, np.nan, np.nan, n - 1.0, a, n)
    parts = variance_components(values, groups)
    mean = float(values.mean())
    spread = parts["msb"] / parts["n0"]  # variance of one draw's mean of seeds
    half = float(stats.t.ppf(0.5 + confidence / 2, a - 1) * np.sqrt(spread * (1 + 1 / a)))
    if not np.isfinite(parts["sigma2_b"]):  # one seed per draw: noise and parameters confounded
        return Decomposition(mean, mean - half, mean + half, *[np.nan] * 4, a - 1.0, a, n)
    parameter = parts["sigma2_b"]
    noise = spread - parameter  # sigma2_w / n0, or all of the spread when sigma2_b is clipped
    total = parameter + noise
    single = parts["sigma2_b"] + parts["sigma2_w"]
    return Decomposition(
        mean,
        mean - half,
        mean + half,
        parameter,
        noise,
        parameter / total if total > 0 else np.nan,
        parts["sigma2_b"] / single if single > 0 else np.nan,
        a - 1.0,
        a,
        n,
    )


def decompose(
    diff: pd.DataFrame, measures: list[str], by: tuple[str, ...] = ("scenario", "arm")
) -> pd.DataFrame:
    """:func:`effect_interval` of each measure per group of ``by``, as a long table.

    Args:
        diff: Paired differences (:func:`analysis.comparison.paired_differences`), with a
            :data:`DRAW` column when the runs drew parameters from a posterior.
        measures: Columns of ``diff`` to decompose.
        by: Grouping columns.

    Returns:
        One row per group and measure: ``by`` columns, ``measure`` and the fields of
        :class:`Decomposition`.
    """
    rows = []
    for key, group in diff.groupby(list(by), observed=True, sort=True):
        draws = group[DRAW].to_numpy() if has_draws(group) else None
        for name in measures:
            part = effect_interval(group[name].to_numpy(), draws)
            rows.append({**dict(zip(by, key, strict=True)), "measure": name, **asdict(part)})
    return pd.DataFrame(rows)
