"""Statistics of a simulated trial, reported the way the meta-analyses report them.

- Standardized mean difference as Hedges' g (bias-corrected Cohen's d) with its standard error
  (Hedges & Olkin 1985; statsmodels' ``effectsize_smd``), the effect measure pooled by
  Panagioti 2017;
- difference in prevalence (treated - control) with a Wald interval, as in West 2016
  (statsmodels' ``confint_proportions_2indep``);
- a baseline-adjusted SMD (ANCOVA on week-0 values, divided by the follow-up pooled SD; its
  standard error shrinks by sqrt(1 - r^2), r the baseline-follow-up correlation), which removes
  chance imbalance at randomization;
- for cluster-randomized trials both standard errors are inflated by the design effect
  1 + (m - 1) x ICC, with the intraclass correlation estimated by one-way ANOVA;
- replicate trials are pooled by inverse-variance weighting (fixed effect: every replicate
  estimates the same simulated effect; statsmodels' ``combine_effects``).
"""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from statsmodels.stats.meta_analysis import combine_effects, effectsize_smd
from statsmodels.stats.proportion import confint_proportions_2indep

from analysis.intervals import Z95


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error and 95 % interval."""

    value: float
    se: float

    @property
    def ci(self) -> tuple[float, float]:
        """The 95 % confidence interval."""
        return (self.value - Z95 * self.se, self.value + Z95 * self.se)


def icc_oneway(values: np.ndarray, clusters: np.ndarray) -> float:
    """Intraclass correlation by one-way ANOVA (clipped at 0), for unequal cluster sizes."""
    values = np.asarray(values, dtype=float)
    _, idx, sizes = np.unique(clusters, return_inverse=True, return_counts=True)
    k, n = sizes.size, values.size
    if k < 2 or n <= k:
        return 0.0
    means = np.bincount(idx, values) / sizes
    grand = values.mean()
    msb = float(sizes @ (means - grand) ** 2) / (k - 1)
    msw = float(((values - means[idx]) ** 2).sum()) / (n - k)
    n0 = (n - float((sizes**2).sum()) / n) / (k - 1)
    denom = msb + (n0 - 1.0) * msw
    return float(max((msb - msw) / denom, 0.0)) if denom > 0 else 0.0


def design_effect(clusters: np.ndarray | None, icc: float) -> float:
    """1 + (mean cluster size - 1) x ICC; 1 for individually randomized trials."""
    if clusters is None:
        return 1.0
    _, sizes = np.unique(clusters, return_counts=True)
    return 1.0 + (float(sizes.mean()) - 1.0) * icc


def hedges_g(
    treated: np.ndarray,
    control: np.ndarray,
    clusters_treated: np.ndarray | None = None,
    clusters_control: np.ndarray | None = None,
) -> Estimate:
    """Hedges' g of treated minus control, with its (cluster-adjusted) standard error.

    d = (mean_t - mean_c) / pooled SD; g = J x d with J = 1 - 3 / (4 N - 9), N = n_t + n_c;
    SE = sqrt(N / (n_t n_c) + g^2 / (2 (N - 3.94))) x sqrt(design effect), the large-sample
    variance of statsmodels' ``effectsize_smd``.
    """
    t, c = np.asarray(treated, float), np.asarray(control, float)
    nt, nc = t.size, c.size
    if nt < 2 or nc < 2:
        return Estimate(float("nan"), float("nan"))
    if _pooled_sd(t, c) == 0:
        return Estimate(0.0, float("nan"))
    g, var = effectsize_smd(t.mean(), t.std(ddof=1), nt, c.mean(), c.std(ddof=1), nc)
    deff = _pooled_design_effect(t, c, clusters_treated, clusters_control)
    return Estimate(float(g), float(np.sqrt(var * deff)))


def _pooled_sd(t: np.ndarray, c: np.ndarray) -> float:
    """The pooled within-arm standard deviation."""
    nt, nc = t.size, c.size
    return float(np.sqrt(((nt - 1) * t.var(ddof=1) + (nc - 1) * c.var(ddof=1)) / (nt + nc - 2)))


def ancova_g(
    treated: np.ndarray,
    control: np.ndarray,
    baseline_treated: np.ndarray,
    baseline_control: np.ndarray,
    clusters_treated: np.ndarray | None = None,
    clusters_control: np.ndarray | None = None,
) -> Estimate:
    """Baseline-adjusted Hedges' g: the ANCOVA arm coefficient / pooled follow-up SD, x J.

    The arm coefficient comes from a statsmodels OLS of follow-up on arm and baseline.

    SE = SE of the unadjusted g x sqrt(1 - r^2), r the pooled within-arm correlation of baseline
    and follow-up (the usual ANCOVA variance reduction).
    """
    t, c = np.asarray(treated, float), np.asarray(control, float)
    xt, xc = np.asarray(baseline_treated, float), np.asarray(baseline_control, float)
    plain = hedges_g(t, c, clusters_treated, clusters_control)
    if not (np.isfinite(plain.value) and np.isfinite(plain.se)):
        return plain
    y = np.concatenate((t, c))
    design = np.column_stack(
        (np.ones(y.size), np.r_[np.ones(t.size), np.zeros(c.size)], np.concatenate((xt, xc)))
    )
    coef = sm.OLS(y, design).fit().params
    nt, nc = t.size, c.size
    g = (1.0 - 3.0 / (4.0 * (nt + nc) - 9.0)) * coef[1] / _pooled_sd(t, c)
    resid_y = np.concatenate((t - t.mean(), c - c.mean()))
    resid_x = np.concatenate((xt - xt.mean(), xc - xc.mean()))
    denom = np.sqrt((resid_x @ resid_x) * (resid_y @ resid_y))
    r = float(resid_x @ resid_y / denom) if denom > 0 else 0.0
    return Estimate(float(g), float(plain.se * np.sqrt(max(1.0 - r * r, 0.0))))


def prevalence_difference(
    treated: np.ndarray,
    control: np.ndarray,
    clusters_treated: np.ndarray | None = None,
    clusters_control: np.ndarray | None = None,
) -> Estimate:
    """Difference in the share of True (treated - control), Wald SE x sqrt(design effect)."""
    t, c = np.asarray(treated, float), np.asarray(control, float)
    if t.size == 0 or c.size == 0:
        return Estimate(float("nan"), float("nan"))
    low, high = confint_proportions_2indep(
        t.sum(), t.size, c.sum(), c.size, method="wald", compare="diff", alpha=0.05
    )
    se = (high - low) / (2.0 * Z95)
    deff = _pooled_design_effect(t, c, clusters_treated, clusters_control)
    return Estimate(float(t.mean() - c.mean()), float(se * np.sqrt(deff)))


def _pooled_design_effect(
    t: np.ndarray, c: np.ndarray, clusters_t: np.ndarray | None, clusters_c: np.ndarray | None
) -> float:
    """Design effect from the ICC of both arms together (clusters numbered apart per arm)."""
    if clusters_t is None or clusters_c is None:
        return 1.0
    values = np.concatenate((t - t.mean(), c - c.mean()))
    labels = np.concatenate((np.asarray(clusters_t) * 2, np.asarray(clusters_c) * 2 + 1))
    return design_effect(labels, icc_oneway(values, labels))


def pool(estimates: Sequence[Estimate]) -> Estimate:
    """Inverse-variance (fixed-effect) pooling of replicate estimates; NaNs are skipped."""
    ok = [e for e in estimates if np.isfinite(e.value) and np.isfinite(e.se) and e.se > 0]
    if not ok:
        return Estimate(float("nan"), float("nan"))
    with warnings.catch_warnings():
        # The random-effects part is undefined for one replicate; only the fixed effect is used.
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = combine_effects(
            np.array([e.value for e in ok]), np.array([e.se**2 for e in ok]), method_re="chi2"
        )
    return Estimate(float(fit.mean_effect_fe), float(fit.sd_eff_w_fe))
