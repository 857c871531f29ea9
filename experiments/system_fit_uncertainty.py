"""How well the system fit pins down its settings: a Laplace (Gauss-Newton) approximation.

Used by :mod:`experiments.system_fit` at the best point of its search (docs/calibration.md, "The
health system against published system data"). The loss is a sum of squared standardized
misfits r (each figure's distance from the middle of its band in units of the band's half-width,
:attr:`analysis.system_evidence.SystemFigure.scale`), so read as a Gaussian log-likelihood
(-loss / 2) with the half-width as each figure's standard error, the settings' covariance near
the best point is about (J^T J)^-1, J the Jacobian of r with respect to the settings. J is taken
by central differences in the search's logistic coordinates (on the fit's common seeds, so seed
noise does not enter the differences between candidates), the covariance mapped to the settings
by the delta method, and an approximate 95 % interval is the coordinate interval +- 1.96 SD
mapped back (so it stays inside the search bounds). Assumptions: the misfits are about linear in
the settings over a step, and the band's half-width is the figure's error; both are rough, the
result is an order of magnitude for how well each setting is identified, not a posterior.

The seed-to-seed spread of each figure at the best point (the fit's own simulations, split by
seed) is reported beside it: a figure whose seeds spread as wide as its band is weak evidence.
"""

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from analysis.intervals import Z95
from analysis.system_evidence import evidence_table, sector_measures


class Setting(Protocol):
    """A fitted setting's name and search bounds (:class:`experiments.system_fit.Fitted`)."""

    name: str
    low: float
    high: float


def misfits(evidence: pd.DataFrame) -> np.ndarray:
    """The fitted figures' standardized misfits (one the run cannot measure counts 10)."""
    fitted = evidence["fitted"].astype(bool) if "fitted" in evidence else slice(None)
    return evidence.loc[fitted, "misfit"].fillna(10.0).to_numpy(dtype=float)


def jacobian(
    residuals: Callable[[np.ndarray], np.ndarray], x: np.ndarray, step: float
) -> np.ndarray:
    """Central differences of ``residuals`` at ``x`` (2 x len(x) calls): rows are residuals."""
    x = np.asarray(x, dtype=float)
    columns = []
    for k in range(x.size):
        shift = np.zeros_like(x)
        shift[k] = step
        columns.append((residuals(x + shift) - residuals(x - shift)) / (2.0 * step))
    return np.column_stack(columns)


def laplace(
    fitted: Sequence[Setting], x: np.ndarray, jac: np.ndarray, step: float
) -> dict[str, Any]:
    """Approximate SDs, 95 % intervals and correlations of the settings from the Jacobian.

    Args:
        fitted: The settings in the order of the coordinates.
        x: The best point in the search's logistic coordinates.
        jac: :func:`jacobian` of the standardized misfits at ``x``.
        step: The difference step (recorded).

    Returns:
        A JSON-ready record: per setting its value, SD (delta method), 95 % interval, and
        ``identified`` (false where J^T J is singular in that setting's direction: the figures
        do not pin it down); the correlation matrix; the eigenvalues of J^T J and the least
        determined combination of the coordinates (the eigenvector of the smallest eigenvalue).
    """
    x = np.asarray(x, dtype=float)
    information = jac.T @ jac
    eigenvalues, vectors = np.linalg.eigh(information)
    null = vectors[:, eigenvalues <= 1e-10 * max(float(eigenvalues.max()), 1e-300)]
    covariance = np.linalg.pinv(information)
    sd_x = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    weakest = vectors[:, 0]
    unit = 1.0 / (1.0 + np.exp(-x))
    settings = {}
    for k, f in enumerate(fitted):
        span = f.high - f.low
        # A setting with a share of a direction the figures do not move is not identified
        # (its variance is infinite; the pseudo-inverse would report 0 there).
        identified = bool(np.sqrt(np.sum(null[k] ** 2)) < 1e-3)

        def value(z: float, f: Setting = f, span: float = span) -> float:
            return float(f.low + span / (1.0 + np.exp(-z)))

        settings[f.name] = {
            "value": round(value(x[k]), 4),
            "sd": round(float(span * unit[k] * (1.0 - unit[k]) * sd_x[k]), 4)
            if identified
            else None,
            "interval_95": [
                round(value(x[k] - Z95 * sd_x[k]), 4),
                round(value(x[k] + Z95 * sd_x[k]), 4),
            ]
            if identified
            else [f.low, f.high],
            "identified": bool(identified),
        }
    scale = np.where(sd_x > 0, sd_x, 1.0)
    correlation = covariance / np.outer(scale, scale)
    return {
        "method": "Laplace (Gauss-Newton) approximation: covariance (J^T J)^-1 of the "
        "standardized misfits, central differences in the logistic coordinates, delta method",
        "step": step,
        "settings": settings,
        "correlation": np.round(correlation, 3).tolist(),
        "eigenvalues": [round(float(v), 4) for v in eigenvalues],
        "least_determined": {
            f.name: round(float(w), 3) for f, w in zip(fitted, weakest, strict=True)
        },
        "jacobian": np.round(jac, 4).tolist(),
    }


def seed_spread(organizations: pd.DataFrame, weeks: float) -> list[dict[str, Any]]:
    """Each figure on each seed separately (the fit's simulations at one point, split by seed).

    Args:
        organizations: The fit's simulated organizations (``seed`` column) at one point.
        weeks: Weeks the outcomes cover.

    Returns:
        Per figure: its label and the model's value on each seed, lowest and highest.
    """
    by_seed = {
        int(seed): evidence_table(sector_measures(table, weeks))
        for seed, table in organizations.groupby("seed", sort=True)
    }
    rows = []
    for k, label in enumerate(next(iter(by_seed.values()))["figure"]):
        values = {seed: float(evidence["model"].iloc[k]) for seed, evidence in by_seed.items()}
        rows.append(
            {
                "figure": label,
                "seeds": {str(seed): round(v, 4) for seed, v in values.items()},
                "low": round(min(values.values()), 4),
                "high": round(max(values.values()), 4),
            }
        )
    return rows
