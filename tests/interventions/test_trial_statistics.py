import numpy as np
import pytest

from analysis.trial import Estimate, ancova_g, hedges_g, icc_oneway, pool, prevalence_difference


def test_hedges_g_matches_the_formula():
    """g = J x d and SE = sqrt((nt + nc) / (nt nc) + g^2 / (2 (nt + nc - 3.94)))."""
    t, c = np.array([1.0, 2, 3, 4]), np.array([2.0, 3, 4, 5])
    est = hedges_g(t, c)
    d = -1.0 / np.std(t, ddof=1)
    g = (1 - 3 / (4 * 8 - 9)) * d
    assert est.value == pytest.approx(g)
    assert est.se == pytest.approx(np.sqrt(8 / 16 + g * g / (2 * (8 - 3.94))))
    lo, hi = est.ci
    assert lo < est.value < hi and hi - lo == pytest.approx(2 * 1.959964 * est.se, rel=1e-6)


def test_prevalence_difference_wald():
    """Difference of shares with the Wald standard error."""
    est = prevalence_difference(np.array([1, 0, 0, 0]), np.array([1, 1, 0, 0]))
    assert est.value == pytest.approx(-0.25)
    assert est.se == pytest.approx(np.sqrt(0.25 * 0.75 / 4 + 0.25 / 4))


def test_cluster_design_effect_widens_intervals():
    """Outcomes shared within clusters inflate the standard error."""
    rng = np.random.default_rng(0)
    clusters = np.repeat(np.arange(10), 20)
    values = rng.normal(size=10)[clusters] + 0.3 * rng.normal(size=200)
    assert icc_oneway(values, clusters) > 0.7
    assert icc_oneway(rng.normal(size=200), clusters) < 0.1
    plain = hedges_g(values[:100], values[100:])
    clustered = hedges_g(values[:100], values[100:], clusters[:100], clusters[100:])
    assert clustered.se > 2 * plain.se


def test_pool_inverse_variance():
    """Equal estimates pool to the same value with a smaller SE; NaNs are skipped."""
    pooled = pool([Estimate(-0.2, 0.1), Estimate(-0.4, 0.1), Estimate(float("nan"), 0.1)])
    assert pooled.value == pytest.approx(-0.3)
    assert pooled.se == pytest.approx(0.1 / np.sqrt(2))


def test_ancova_g_removes_baseline_imbalance():
    """Adjusting for baseline recovers the effect despite a chance imbalance, more precisely."""
    rng = np.random.default_rng(1)
    xt, xc = rng.normal(0.3, 1, 400), rng.normal(0.0, 1, 400)  # treated start worse
    yt = 0.8 * xt - 0.25 + 0.6 * rng.normal(size=400)
    yc = 0.8 * xc + 0.6 * rng.normal(size=400)
    plain, adjusted = hedges_g(yt, yc), ancova_g(yt, yc, xt, xc)
    assert plain.value > -0.1  # imbalance hides the effect
    sd = np.sqrt((yt.var(ddof=1) + yc.var(ddof=1)) / 2)
    assert adjusted.value == pytest.approx(-0.25 / sd, abs=0.08)
    assert adjusted.se < plain.se
