"""The Ishigami function and its analytic Sobol' indices, a known case for the pipeline."""

import math
from collections.abc import Mapping

import numpy as np

ISHIGAMI_ANALYTIC: Mapping[str, tuple[float, float, float]] = {
    "S1": (0.3139, 0.4424, 0.0),
    "ST": (0.5576, 0.4424, 0.2437),
}
"""Indices of :func:`ishigami` with a=7, b=0.1 for x1, x2, x3, to 4 decimals, as listed by
Saltelli et al. (2008), Global Sensitivity Analysis: The Primer; :func:`ishigami_analytic`
derives them exactly."""


def ishigami(X: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Evaluate the Ishigami function, ``sin x1 + a sin^2 x2 + b x3^4 sin x1``, row by row.

    Ishigami and Homma (1990); inputs are uniform on [-pi, pi].

    Args:
        X: Samples with three columns.
        a: Weight of the x2 term.
        b: Weight of the x3-x1 interaction.

    Returns:
        One value per row.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 3:
        raise ValueError(f"ishigami needs samples with three columns, got shape {X.shape}")
    x1, x2, x3 = X.T
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def ishigami_analytic(a: float = 7.0, b: float = 0.1) -> dict[str, tuple[float, float, float]]:
    """Return the exact S1 and ST of :func:`ishigami` for x1, x2, x3.

    Args:
        a: Weight of the x2 term.
        b: Weight of the x3-x1 interaction.

    Returns:
        ``{"S1": (..), "ST": (..)}`` from the function's variance decomposition:
        V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V13 = 8 b^2 pi^8 / 225, and no other terms.
    """
    v1 = 0.5 * (1.0 + b * math.pi**4 / 5.0) ** 2
    v2 = a**2 / 8.0
    v13 = 8.0 * b**2 * math.pi**8 / 225.0
    total = v1 + v2 + v13
    return {
        "S1": (v1 / total, v2 / total, 0.0),
        "ST": ((v1 + v13) / total, v2 / total, v13 / total),
    }
