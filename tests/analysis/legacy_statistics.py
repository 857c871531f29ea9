"""The hand-written statistics the analysis used before scipy/statsmodels, kept as references.

Copied from the modules as they were (commit 8f1f92b), so tests can show the library versions
give the same numbers on fixed data.
"""

import numpy as np
import pandas as pd
from scipy import stats

Z95 = 1.959963984540054


def mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    values = np.asarray(values, dtype=float)
    mean = float(values.mean()) if values.size else float("nan")
    if values.size < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size))
    return mean, mean - half, mean + half


def weekly_bands(weekly: pd.DataFrame, metric: str) -> pd.DataFrame:
    grouped = weekly.groupby(["scenario", "arm", "week"], observed=True)[metric]
    out = grouped.agg(["mean", "std", "count"]).reset_index()
    t = stats.t.ppf(0.975, np.maximum(out["count"] - 1, 1))
    half = t * out["std"].fillna(0.0) / np.sqrt(out["count"])
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out


def ratio_interval(
    numerator: np.ndarray, denominator: np.ndarray, resamples: int, seed: int
) -> tuple[float, float, float]:
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    if denominator.mean() <= 0:
        return float("nan"), float("nan"), float("nan")
    point = float(numerator.mean() / denominator.mean())
    if resamples < 1:
        return point, float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, numerator.size, size=(resamples, numerator.size))
    num, den = numerator[picks].mean(axis=1), denominator[picks].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(den > 0, num / den, np.inf)
    low, high = np.quantile(ratios, [0.025, 0.975], method="inverted_cdf")
    return point, float(low), float(high)


def wilson_interval(events: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = events / n
    denom = 1.0 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return centre - half, centre + half


def expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def hedges_g(t: np.ndarray, c: np.ndarray) -> tuple[float, float]:
    nt, nc = t.size, c.size
    pooled = np.sqrt(((nt - 1) * t.var(ddof=1) + (nc - 1) * c.var(ddof=1)) / (nt + nc - 2))
    g = (1.0 - 3.0 / (4.0 * (nt + nc) - 9.0)) * (t.mean() - c.mean()) / pooled
    se = np.sqrt((nt + nc) / (nt * nc) + g * g / (2.0 * (nt + nc)))
    return float(g), float(se)


def ancova_coefficient(t, c, xt, xc) -> float:
    y = np.concatenate((t, c))
    design = np.column_stack(
        (np.ones(y.size), np.r_[np.ones(t.size), np.zeros(c.size)], np.concatenate((xt, xc)))
    )
    return float(np.linalg.lstsq(design, y, rcond=None)[0][1])


def wald_difference(t: np.ndarray, c: np.ndarray) -> tuple[float, float]:
    pt, pc = t.mean(), c.mean()
    return float(pt - pc), float(np.sqrt(pt * (1 - pt) / t.size + pc * (1 - pc) / c.size))


def pool(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    w = np.array([1.0 / se**2 for _, se in pairs])
    v = np.array([value for value, _ in pairs])
    return float(w @ v / w.sum()), float(1.0 / np.sqrt(w.sum()))


def to_markdown(table: pd.DataFrame) -> str:
    header = "| " + " | ".join(str(c) for c in table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *body])
