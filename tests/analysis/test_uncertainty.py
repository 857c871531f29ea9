"""Variance decomposition of paired differences by posterior draw (analysis.uncertainty)."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.formula.api import ols
from statsmodels.stats.anova import anova_lm

from analysis import comparison, intervals, uncertainty


def nested(draws: int, seeds: int, sd_b: float, sd_w: float, seed: int = 0) -> tuple:
    """Values ``mu + b[i] + e[i, k]`` with known variance components, and their draw ids."""
    rng = np.random.default_rng(seed)
    b = rng.normal(0.0, sd_b, draws)
    values = 1.0 + np.repeat(b, seeds) + rng.normal(0.0, sd_w, draws * seeds)
    return values, np.repeat(np.arange(draws), seeds)


def test_components_recover_known_variances():
    values, draws = nested(4000, 2, sd_b=2.0, sd_w=1.0)
    parts = uncertainty.variance_components(values, draws)
    assert parts["sigma2_b"] == pytest.approx(4.0, rel=0.06)
    assert parts["sigma2_w"] == pytest.approx(1.0, rel=0.06)
    share = uncertainty.effect_interval(values, draws).run_parameter_share
    assert share == pytest.approx(0.8, abs=0.02)


def test_components_equal_the_anova_formulas_for_unbalanced_groups():
    values = np.array([1.0, 2.0, 4.0, 5.0, 6.0, 10.0])
    groups = np.array([0, 0, 1, 1, 1, 2])
    parts = uncertainty.variance_components(values, groups)
    # by hand: group means 1.5, 5, 10; grand mean 14/3
    msw = (0.25 + 0.25 + 1 + 0 + 1 + 0) / 3
    msb = (2 * (1.5 - 14 / 3) ** 2 + 3 * (5 - 14 / 3) ** 2 + (10 - 14 / 3) ** 2) / 2
    n0 = (6 - (4 + 9 + 1) / 6) / 2
    assert parts["msw"] == pytest.approx(msw)
    assert parts["msb"] == pytest.approx(msb)
    assert parts["sigma2_b"] == pytest.approx((msb - msw) / n0)


def test_mean_squares_equal_statsmodels_anova_and_share_is_one_minus_one_over_f():
    values, draws = nested(15, 3, sd_b=1.0, sd_w=1.0, seed=9)
    frame = pd.DataFrame({"y": values, "draw": draws})
    table = anova_lm(ols("y ~ C(draw)", data=frame).fit())
    parts = uncertainty.variance_components(values, draws)
    assert parts["msb"] == pytest.approx(table.loc["C(draw)", "mean_sq"])
    assert parts["msw"] == pytest.approx(table.loc["Residual", "mean_sq"])
    share = uncertainty.effect_interval(values, draws).parameter_share
    assert share == pytest.approx(max(0.0, 1 - 1 / table.loc["C(draw)", "F"]))


def test_negative_between_component_is_clipped_and_the_share_is_zero():
    values = np.array([0.0, 10.0, 0.1, 9.9, 0.2, 10.2])  # draws alike, seeds far apart
    part = uncertainty.effect_interval(values, np.array([0, 0, 1, 1, 2, 2]))
    assert part.parameter_variance == 0.0
    assert part.parameter_share == 0.0
    assert part.noise_variance > 0.0
    assert part.low < part.mean < part.high


def test_without_draws_the_interval_is_the_t_interval_and_the_share_not_estimated():
    values = np.random.default_rng(3).normal(size=12)
    for draws in (None, np.zeros(12, dtype=int)):
        part = uncertainty.effect_interval(values, draws)
        assert (part.mean, part.low, part.high) == pytest.approx(
            intervals.mean_interval(values), rel=1e-12
        )
        assert np.isnan(part.parameter_share)


def test_parameter_uncertainty_widens_the_interval_and_dominates_its_share():
    values, draws = nested(20, 2, sd_b=3.0, sd_w=0.5, seed=5)
    with_draws = uncertainty.effect_interval(values, draws)
    seeds_only = uncertainty.effect_interval(values)
    assert with_draws.high - with_draws.low > 3 * (seeds_only.high - seeds_only.low)
    assert with_draws.parameter_share > 0.9
    noisy = uncertainty.effect_interval(*nested(20, 2, sd_b=0.2, sd_w=3.0, seed=5))
    assert noisy.parameter_share < 0.5


def test_interval_covers_a_new_draws_mean_of_seeds_95_percent():
    rng = np.random.default_rng(11)
    hits = 0
    for trial in range(400):
        values, draws = nested(10, 2, sd_b=1.0, sd_w=1.0, seed=trial)
        part = uncertainty.effect_interval(values, draws)
        new = 1.0 + rng.normal(0.0, 1.0) + rng.normal(0.0, 1.0, 2).mean()
        hits += part.low <= new <= part.high
    assert 0.9 <= hits / 400 <= 0.99


def test_summary_gets_parameter_shares_and_wider_intervals_with_draws():
    rng = np.random.default_rng(2)
    rows = []
    for replicate in range(12):
        draw = replicate // 2
        shift = 0.05 * (draw - 2.5)  # the parameters move the effect
        for arm in ("none", "program"):
            effect = (-0.03 + shift + rng.normal(0, 0.002)) if arm == "program" else 0.0
            rows.append(
                {
                    "scenario": "baseline",
                    "arm": arm,
                    "replicate": replicate,
                    "seed": 100 + replicate,
                    "draw": draw,
                    **{name: 1.0 for name in comparison.OUTCOMES},
                    "burnout_prevalence": 0.3 + effect,
                    "departures": 10.0 - (arm == "program") * (2 + draw),
                }
            )
    outcomes = pd.DataFrame(rows)
    diff = comparison.paired_differences(outcomes)
    assert "draw" in diff
    drawn = comparison.summarize(diff, resamples=50).iloc[0]
    fixed = comparison.summarize(diff.drop(columns="draw"), resamples=50).iloc[0]
    assert drawn["draws"] == 6 and fixed["draws"] == 0
    assert drawn["burnout_prevalence_parameter_share"] > 0.95
    assert np.isnan(fixed["burnout_prevalence_parameter_share"])
    width = drawn["burnout_prevalence_high"] - drawn["burnout_prevalence_low"]
    assert width > 2 * (fixed["burnout_prevalence_high"] - fixed["burnout_prevalence_low"])
    assert drawn["burnout_prevalence_mean"] == pytest.approx(fixed["burnout_prevalence_mean"])
    long = uncertainty.decompose(diff, ["burnout_prevalence", "departures_avoided"])
    assert set(long["measure"]) == {"burnout_prevalence", "departures_avoided"}
    assert (long["draws"] == 6).all()
