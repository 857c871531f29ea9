"""The library statistics give the numbers of the hand-written helpers they replaced.

References: ``legacy_statistics`` (the old code, verbatim). Where a library defines a quantity
slightly differently (the variance of Hedges' g), the test bounds the difference.
"""

import legacy_statistics as legacy
import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from analysis import comparison, figures, intervals, tipping_point, trial
from analysis.dose_response import Gradient

RNG = np.random.default_rng(20261201)


@pytest.mark.parametrize("n", [2, 3, 7, 40])
def test_mean_interval_equals_the_hand_written_t_interval(n):
    values = RNG.normal(3.0, 2.0, n)
    assert intervals.mean_interval(values) == pytest.approx(legacy.mean_interval(values), 1e-12)
    assert comparison.mean_interval is intervals.mean_interval
    constant = np.full(n, 0.25)
    assert intervals.mean_interval(constant) == pytest.approx((0.25, 0.25, 0.25))
    assert np.isnan(intervals.mean_interval(values[:1])[1])


def test_weekly_bands_equal_the_hand_written_bands():
    rows = [
        {"scenario": s, "arm": a, "week": w, "replicate": r, "x": RNG.normal()}
        for s in ("baseline", "surge")
        for a in ("none", "program")
        for w in range(6)
        for r in range(4 if a == "none" else 3)
    ]
    weekly = pd.DataFrame(rows)
    weekly = weekly[~((weekly["week"] == 5) & (weekly["replicate"] > 0))]  # one replicate
    new, old = figures.weekly_bands(weekly, "x"), legacy.weekly_bands(weekly, "x")
    for column in ("mean", "count", "low", "high"):
        np.testing.assert_allclose(new[column], old[column], rtol=1e-12)


def test_grouped_interval_matches_one_group_at_a_time():
    frame = pd.DataFrame({"g": RNG.integers(0, 6, 60), "x": RNG.normal(size=60)})
    table = intervals.grouped_mean_interval(frame, "g", "x").set_index("g")
    for name, group in frame.groupby("g"):
        assert tuple(table.loc[name, ["mean", "low", "high"]]) == pytest.approx(
            legacy.mean_interval(group["x"].to_numpy()), 1e-12
        )


@pytest.mark.parametrize("mean_denominator", [0.3, 2.0])
def test_ratio_interval_draws_the_same_resamples(mean_denominator):
    numerator = RNG.normal(5.0, 2.0, 30)
    denominator = RNG.normal(mean_denominator, 1.0, 30)
    for resamples, seed in ((0, 1), (200, 1), (2000, 7)):
        new = intervals.ratio_interval(numerator, denominator, resamples, seed)
        old = legacy.ratio_interval(numerator, denominator, resamples, seed)
        np.testing.assert_array_equal(new, old)


def test_wilson_and_expit_and_z95_equal_the_hand_written_ones():
    events, n = np.array([0.0, 3, 10, 7, 20]), np.array([10.0, 10, 10, 20, 400])
    np.testing.assert_allclose(
        intervals.wilson_interval(events, n), legacy.wilson_interval(events, n), atol=1e-15
    )
    x = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(expit(x), legacy.expit(x), rtol=1e-14)
    assert intervals.Z95 == pytest.approx(legacy.Z95, abs=1e-15)
    fit = Gradient(intercept=1.0, log_odds_ratio=-0.03, se=0.01, n_workers=1, n_clusters=0)
    np.testing.assert_allclose(fit.prevalence(x + 36), legacy.expit(1.0 - 0.03 * (x + 36)))


def test_hedges_g_equals_and_its_se_is_within_a_tenth_of_a_percent_for_trial_sizes():
    """g is the same; the SE's second term divides by N - 3.94 (statsmodels) instead of N."""
    for nt, nc in ((200, 180), (600, 640)):
        t, c = RNG.normal(-0.3, 1.0, nt), RNG.normal(0.0, 1.1, nc)
        g_old, se_old = legacy.hedges_g(t, c)
        new = trial.hedges_g(t, c)
        assert new.value == pytest.approx(g_old, rel=1e-12)
        assert new.se == pytest.approx(se_old, rel=1e-3)


def test_ancova_wald_and_pooling_equal_the_hand_written_ones():
    xt, xc = RNG.normal(size=120), RNG.normal(0.2, 1.0, 110)
    t, c = 0.6 * xt - 0.3 + RNG.normal(size=120), 0.6 * xc + RNG.normal(size=110)
    coef = legacy.ancova_coefficient(t, c, xt, xc)
    j = 1.0 - 3.0 / (4.0 * 230 - 9.0)
    pooled = np.sqrt((119 * t.var(ddof=1) + 109 * c.var(ddof=1)) / 228)
    assert trial.ancova_g(t, c, xt, xc).value == pytest.approx(j * coef / pooled, rel=1e-12)

    bt, bc = RNG.random(300) < 0.35, RNG.random(280) < 0.5
    new = trial.prevalence_difference(bt, bc)
    assert (new.value, new.se) == pytest.approx(legacy.wald_difference(bt, bc), rel=1e-12)

    pairs = [(-0.2, 0.1), (-0.35, 0.05), (-0.1, 0.2)]
    pooled_new = trial.pool([trial.Estimate(v, s) for v, s in pairs])
    assert (pooled_new.value, pooled_new.se) == pytest.approx(legacy.pool(pairs), rel=1e-12)


def test_markdown_table_has_the_same_cells():
    table = pd.DataFrame(
        {"arm": ["none", "program"], "burnout (pp)": ["1.0 (0 to 2)", "52.0"], "n": ["007", "1e3"]}
    )
    new, old = comparison.to_markdown(table), legacy.to_markdown(table)

    def cells(text: str) -> list[list[str]]:
        lines = text.splitlines()
        return [[c.strip() for c in line.strip("|").split("|")] for line in [lines[0], *lines[2:]]]

    assert cells(new) == cells(old)


def test_tipping_point_bootstrap_agrees_with_the_hand_written_loop():
    """Same resampling scheme (replicates within each level), other draws: close intervals."""
    levels = np.linspace(0.8, 1.6, 9)
    rows = [
        {"demand_level": x, "replicate": r, "y": 0.1 + 0.5 * expit((x - 1.2) / 0.08) + e}
        for x in levels
        for r, e in enumerate(RNG.normal(0.0, 0.03, 8))
    ]
    sweep = pd.DataFrame(rows)
    result = tipping_point.tipping_point(sweep, "y", n_boot=250, seed=3)
    table = sweep.pivot_table(index="demand_level", columns="replicate", values="y")
    values, rng, midpoints = table.to_numpy(), np.random.default_rng(3), []
    for _ in range(250):  # the loop the module had, verbatim
        picks = rng.integers(0, values.shape[1], size=values.shape)
        fit = tipping_point.fit_sigmoid(
            levels, np.nanmean(np.take_along_axis(values, picks, axis=1), axis=1)
        )
        if fit is not None:
            midpoints.append(fit.midpoint)
    old = np.percentile(midpoints, [2.5, 97.5])
    width = old[1] - old[0]
    assert result["ci95"] == pytest.approx(old, abs=0.15 * width)
    assert result["share_of_fits"] == pytest.approx(len(midpoints) / 250, abs=0.02)
