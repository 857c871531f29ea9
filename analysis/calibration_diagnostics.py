"""Diagnostics of a posterior ensemble: pure functions of draws, weights and simulated targets.

Prior against posterior per parameter (and what the data do not pin down), weighted pairwise
correlations (which parameters trade off), the posterior predictive interval of every target
against its published interval (coverage), convergence across ABC-SMC generations, and the
choice of the representative point. No simulation here: the calibration command simulates and
passes the values in.
"""

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.calibration import Target, fit_table, loss
from analysis.comparison import to_markdown

PREDICTIVE_LEVEL = 0.90
"""The posterior predictive interval's level (the issue's coverage check)."""


def _normalized(weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or w.size == 0 or not np.all(np.isfinite(w)) or w.sum() <= 0:
        raise ValueError("weights must be a non-empty 1-D array of finite numbers, sum > 0")
    return w / w.sum()


def weighted_quantile(values: Sequence[float], weights: Sequence[float], q: float) -> float:
    """The ``q`` quantile of weighted values (midpoint interpolation of the weighted CDF)."""
    v = np.asarray(values, dtype=float)
    w = _normalized(weights)
    order = np.argsort(v)
    v, w = v[order], w[order]
    cdf = np.cumsum(w) - 0.5 * w
    return float(np.interp(q, cdf, v))


def parameter_table(
    draws: pd.DataFrame, weights: Sequence[float], priors: Mapping[str, tuple[float, float, str]]
) -> pd.DataFrame:
    """Per parameter: uniform prior range and source, posterior median and 90 % interval.

    ``sd_ratio`` is the posterior SD over the uniform prior's SD, (high - low) / sqrt(12): near
    1 the targets leave the parameter where the prior had it (``not pinned``), below 0.5 they
    pin it down; between, ``partly``.
    """
    w = _normalized(weights)
    rows = []
    for name, (low, high, source) in priors.items():
        x = draws[name].to_numpy(dtype=float)
        mean = float(np.sum(w * x))
        sd = float(np.sqrt(np.sum(w * (x - mean) ** 2)))
        ratio = sd / ((high - low) / math.sqrt(12.0))
        rows.append(
            {
                "parameter": name,
                "prior_low": low,
                "prior_high": high,
                "posterior_median": weighted_quantile(x, w, 0.5),
                "posterior_q05": weighted_quantile(x, w, 0.05),
                "posterior_q95": weighted_quantile(x, w, 0.95),
                "posterior_mean": mean,
                "posterior_sd": sd,
                "sd_ratio": ratio,
                "pinned": "yes" if ratio < 0.5 else ("partly" if ratio < 0.8 else "not pinned"),
                "prior_source": source,
            }
        )
    return pd.DataFrame(rows)


def weighted_correlations(draws: pd.DataFrame, weights: Sequence[float]) -> pd.DataFrame:
    """The weighted Pearson correlation matrix of the parameters."""
    cov = np.cov(draws.to_numpy(dtype=float), rowvar=False, aweights=_normalized(weights))
    cov = np.atleast_2d(cov)
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    return pd.DataFrame(corr, index=draws.columns, columns=draws.columns)


def strong_pairs(corr: pd.DataFrame, threshold: float = 0.4) -> pd.DataFrame:
    """Parameter pairs with |correlation| >= ``threshold``, strongest first (trade-offs)."""
    names = list(corr.columns)
    rows = [
        {"parameter_a": a, "parameter_b": b, "correlation": float(corr.loc[a, b])}
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        if abs(corr.loc[a, b]) >= threshold
    ]
    table = pd.DataFrame(rows, columns=["parameter_a", "parameter_b", "correlation"])
    return table.reindex(table["correlation"].abs().sort_values(ascending=False).index)


def closest_particles(distances: Sequence[float], k: int) -> list[int]:
    """Indices of the ``k`` particles with the smallest ABC distance, smallest first."""
    d = np.asarray(distances, dtype=float)
    return [int(i) for i in np.argsort(d, kind="stable")[: max(min(k, d.size), 1)]]


def evaluation_loss(rows: Sequence[Mapping[str, float]], targets: Sequence[Target]) -> float:
    """The loss of the mean over repeated simulations of one parameter set.

    Each target's mean over ``rows`` against its published interval, the half-width widened by
    the mean's Monte Carlo standard error (:func:`analysis.calibration.loss`).
    """
    table = fit_table({t.name: [r.get(t.name, math.nan) for r in rows] for t in targets}, targets)
    return loss(
        dict(zip(table["target"], table["model"], strict=True)),
        targets,
        dict(zip(table["target"], table["se"], strict=True)),
    )


def target_noise(rows: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Each target's SD across repeated simulations of one parameter set (simulator noise)."""
    names = sorted(set().union(*rows))
    out = {}
    for name in names:
        v = np.array([r.get(name, math.nan) for r in rows], dtype=float)
        v = v[np.isfinite(v)]
        out[name] = float(v.std(ddof=1)) if v.size > 1 else 0.0
    return out


def predictive_table(
    rows: Sequence[Mapping[str, float]], targets: Sequence[Target], level: float = PREDICTIVE_LEVEL
) -> pd.DataFrame:
    """Posterior predictive interval of every target against its published interval.

    ``rows`` are simulations of posterior draws (one row each). ``hit`` says whether the
    predictive interval overlaps the published one (the issue's coverage check); ``contains``
    whether the published value lies inside the predictive interval.
    """
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    out = []
    for t in targets:
        v = np.array([r.get(t.name, math.nan) for r in rows], dtype=float)
        ok = v[np.isfinite(v)]
        lo, mid, hi = (
            (float(np.quantile(ok, lo_q)), float(np.median(ok)), float(np.quantile(ok, hi_q)))
            if ok.size
            else (math.nan, math.nan, math.nan)
        )
        out.append(
            {
                "target": t.name,
                "label": t.label,
                "source": t.source,
                "published": t.value,
                "published_low": t.low,
                "published_high": t.high,
                "predictive_low": lo,
                "predictive_median": mid,
                "predictive_high": hi,
                "n": int(ok.size),
                "failed": int(v.size - ok.size),
                "hit": bool(ok.size and lo <= t.high and hi >= t.low),
                "contains": bool(ok.size and lo <= t.value <= hi),
            }
        )
    return pd.DataFrame(out)


def _fmt(value: float, percent: bool) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{100 * value:.1f} %" if percent else f"{value:.3g}"


def predictive_markdown(table: pd.DataFrame, targets: Sequence[Target]) -> str:
    """The predictive table as Markdown, with the coverage line under it."""
    by_name = {t.name: t for t in targets}
    rows = []
    for r in table.itertuples():
        pct = by_name[r.target].percent
        rows.append(
            (
                r.label,
                f"{_fmt(r.published, pct)} ({_fmt(r.published_low, pct)} to "
                f"{_fmt(r.published_high, pct)})",
                f"{_fmt(r.predictive_median, pct)} ({_fmt(r.predictive_low, pct)} to "
                f"{_fmt(r.predictive_high, pct)})",
                "hit" if r.hit else "**missed**",
            )
        )
    columns = ("target", "published (interval)", "posterior predictive median (90 %)", "overlap")
    hits = int(table["hit"].sum())
    return (
        to_markdown(pd.DataFrame(rows, columns=columns))
        + f"\n\nCoverage: {hits} of {len(table)} targets ({100 * hits / len(table):.0f} %) have "
        "their published interval overlapping the 90 % posterior predictive interval.\n"
    )


def parameter_markdown(table: pd.DataFrame) -> str:
    """The parameter table as Markdown (prior, posterior, how far the data pin it down)."""
    rows = [
        (
            r.parameter,
            f"U({r.prior_low:.4g}, {r.prior_high:.4g})",
            f"{r.posterior_median:.4g} ({r.posterior_q05:.4g} to {r.posterior_q95:.4g})",
            f"{r.sd_ratio:.2f}",
            r.pinned,
        )
        for r in table.itertuples()
    ]
    columns = ("parameter", "prior", "posterior median (90 %)", "SD post/prior", "pinned")
    return to_markdown(pd.DataFrame(rows, columns=columns)) + "\n"


def plot_prior_posterior(
    fig: Figure,
    draws: pd.DataFrame,
    weights: Sequence[float],
    priors: Mapping[str, tuple[float, float, str]],
    representative: Mapping[str, float],
) -> None:
    """One panel per parameter: the weighted posterior histogram over the flat prior."""
    w = _normalized(weights)
    n = len(priors)
    cols = 4
    for i, (name, (low, high, _)) in enumerate(priors.items()):
        ax = fig.add_subplot(math.ceil(n / cols), cols, i + 1)
        ax.hist(draws[name], bins=20, range=(low, high), weights=w, density=True, alpha=0.7)
        ax.axhline(1.0 / (high - low), color="black", ls="--", lw=1, label="prior")
        ax.axvline(representative[name], color="tab:red", lw=1, label="representative")
        ax.set_title(name, fontsize=8)
        ax.tick_params(labelsize=6)
        if i == 0:
            ax.legend(fontsize=6)


def plot_correlations(fig: Figure, corr: pd.DataFrame) -> None:
    """The weighted posterior correlation matrix as a heat map."""
    ax = fig.add_subplot()
    image = ax.imshow(corr.to_numpy(), vmin=-1, vmax=1, cmap="RdBu_r")
    ax.set_xticks(range(len(corr)), corr.columns, rotation=90, fontsize=7)
    ax.set_yticks(range(len(corr)), corr.index, fontsize=7)
    for i in range(len(corr)):
        for j in range(len(corr)):
            ax.text(j, i, f"{corr.iat[i, j]:.1f}", ha="center", va="center", fontsize=5)
    fig.colorbar(image, ax=ax, shrink=0.8)


def plot_predictive(fig: Figure, table: pd.DataFrame) -> None:
    """Every target: published interval against the 90 % posterior predictive interval.

    Both in units of the published interval (0 = published value, +-1 = its ends).
    """
    ax = fig.add_subplot()
    for i, r in enumerate(table.itertuples()):
        half_low, half_high = r.published - r.published_low, r.published_high - r.published

        def scaled(v: float, hl: float = half_low, hh: float = half_high, p: float = r.published):
            return (v - p) / max(hh if v >= p else hl, 1e-12)

        ax.plot([-1, 1], [i + 0.15] * 2, color="black", lw=3)
        lo, hi = scaled(r.predictive_low), scaled(r.predictive_high)
        ax.plot([lo, hi], [i - 0.15] * 2, color="tab:blue" if r.hit else "tab:red", lw=3)
        ax.plot([scaled(r.predictive_median)], [i - 0.15], "o", color="tab:blue", ms=3)
    ax.set_yticks(range(len(table)), table["label"], fontsize=6)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlim(-8, 8)
    ax.set_xlabel("deviation from the published value, in published half-widths (clipped at 8)")
    ax.set_title("published interval (black) vs 90 % posterior predictive (blue hit, red miss)")


def plot_convergence(fig: Figure, generations: pd.DataFrame) -> None:
    """Tolerance, acceptance rate and effective sample size by generation."""
    for i, (column, label) in enumerate(
        [("epsilon", "tolerance (epsilon)"), ("acceptance_rate", "acceptance rate"), ("ess", "ESS")]
    ):
        ax = fig.add_subplot(1, 3, i + 1)
        ax.plot(generations["generation"], generations[column], "o-")
        ax.set_xlabel("generation")
        ax.set_title(label, fontsize=9)
        if column != "ess":
            ax.set_yscale("log")
