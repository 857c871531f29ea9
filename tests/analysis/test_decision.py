"""Net benefit, acceptability curves and (partial) EVPI on data with known answers."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import decision


def diff_table(effects: dict[str, np.ndarray], costs: dict[str, np.ndarray], seeds: int = 2):
    """Paired differences of arms with a given effect (departures) and cost per draw."""
    rows = []
    for arm, effect in effects.items():
        for draw, (e, c) in enumerate(zip(effect, costs[arm], strict=True)):
            for k in range(seeds):
                rows.append(
                    {
                        "scenario": "baseline",
                        "arm": arm,
                        "replicate": seeds * draw + k,
                        "draw": draw,
                        "departures_avoided": e,
                        "burnout_weeks_averted": 52.0 * e,
                        "total_cost": c,
                    }
                )
    return pd.DataFrame(rows)


def test_an_arm_always_best_has_acceptability_one_and_evpi_zero():
    rng = np.random.default_rng(0)
    effect = {"a": 10 + rng.random(50), "b": rng.random(50)}
    cost = {"a": np.zeros(50), "b": np.full(50, 5.0)}
    tables = decision.decision_tables(diff_table(effect, cost), {"departure": [1000.0]})
    ceac = tables["ceac"].set_index("arm")["probability_best"]
    assert ceac["a"] == 1.0 and ceac["b"] == 0.0 and ceac["none"] == 0.0
    assert tables["evpi"]["value"].iloc[0] == pytest.approx(0.0, abs=1e-9)
    inb = tables["net_benefit"].set_index("arm")
    assert inb.loc["a", "probability_cost_effective"] == 1.0


def test_evpi_of_two_normal_arms_matches_the_closed_form():
    # NB_A - NB_B ~ N(m, s^2): EVPI = E[max(D, 0)] - max(m, 0) = s * phi(m/s) + m * Phi(m/s) - m
    rng = np.random.default_rng(1)
    m, s, n = 1.0, 2.0, 200_000
    nb = np.column_stack([np.zeros(n), rng.normal(m, s, n)])
    expected = s * stats.norm.pdf(m / s) + m * stats.norm.cdf(m / s) - m
    assert decision.evpi(nb) == pytest.approx(expected, rel=0.02)
    assert decision.acceptability(nb)[1] == pytest.approx(stats.norm.cdf(m / s), abs=0.005)


def test_ties_split_the_probability():
    nb = np.zeros((4, 3))
    np.testing.assert_allclose(decision.acceptability(nb), [1 / 3] * 3)


def test_net_benefit_is_wtp_times_effect_minus_cost_and_ceac_moves_with_wtp():
    effect = {"cheap": np.array([1.0, 1.0]), "strong": np.array([5.0, 5.0])}
    cost = {"cheap": np.array([100.0, 100.0]), "strong": np.array([1000.0, 1000.0])}
    tables = decision.decision_tables(
        diff_table(effect, cost), {"departure": [0.0, 150.0, 1000.0], "burnout_year": [500.0]}
    )
    inb = tables["net_benefit"].set_index(["effect", "wtp", "arm"])["inb_mean"]
    assert inb["departure", 150.0, "cheap"] == pytest.approx(50.0)
    assert inb["departure", 1000.0, "strong"] == pytest.approx(4000.0)
    assert inb["burnout_year", 500.0, "strong"] == pytest.approx(1500.0)
    best = tables["ceac"].query("effect == 'departure' and probability_best == 1")
    assert list(best["arm"]) == ["none", "cheap", "strong"]


def test_partial_evpi_of_the_deciding_parameters_is_the_evpi_and_of_noise_near_zero():
    rng = np.random.default_rng(4)
    n = 400
    params = pd.DataFrame(
        {
            "job_market": rng.uniform(0.5, 2.0, n),  # decides which arm is best
            "violence_level": rng.uniform(0.5, 1.5, n),  # irrelevant
        }
    )
    effect = {"a": 2.0 * (params["job_market"].to_numpy() - 1.2), "b": np.zeros(n)}
    cost = {"a": np.zeros(n), "b": np.full(n, 0.2)}
    tables = decision.decision_tables(diff_table(effect, cost), {"departure": [1.0]}, params)
    value = tables["evpi"].set_index("group")["value"]
    assert value["all parameters"] > 0.1
    assert value["recruitment and labour market"] == pytest.approx(
        value["all parameters"], rel=0.05
    )
    assert value["violence"] < 0.1 * value["all parameters"]
    assert (value <= value["all parameters"] + 1e-12).all()


def test_seeds_of_a_draw_are_averaged_and_repeated_draws_count_twice():
    frame = diff_table({"a": np.array([1.0, -1.0])}, {"a": np.zeros(2)}, seeds=2)
    frame.loc[frame["replicate"] == 0, "departures_avoided"] = 3.0  # seeds 3 and 1: mean 2
    means = decision.draw_means(frame, "departure").set_index("draw")
    assert means.loc[0, "effect"] == 2.0 and means.loc[0, "runs"] == 2
    # three replicate pairs; the first two drew the same posterior row (effect +1), the third
    # another (effect -1): the arm is best in two of three pairs, not one of two rows
    frame = diff_table({"a": np.array([1.0, 1.0, -1.0])}, {"a": np.zeros(3)}, seeds=2)
    frame["draw"] = frame["draw"].replace({1: 0})
    tables = decision.decision_tables(frame, {"departure": [1.0]})
    ceac = tables["ceac"].set_index("arm")
    assert ceac.loc["a", "draws"] == 2
    assert ceac.loc["a", "probability_best"] == pytest.approx(2 / 3)
    assert tables["net_benefit"]["inb_mean"].iloc[0] == pytest.approx(1 / 3)


def test_partial_evpi_needs_three_draws_per_coefficient():
    rng = np.random.default_rng(2)
    nb = np.column_stack([np.zeros(8), rng.normal(size=8)])
    assert np.isnan(decision.partial_evpi(nb, rng.normal(size=(8, 2))))  # 8 < 3 * 3
    assert np.isfinite(decision.partial_evpi(nb, rng.normal(size=(8, 1))))  # linear only
    constant = decision.partial_evpi(nb, np.ones((8, 1)))  # nothing to learn: intercept only
    assert constant == pytest.approx(0.0, abs=1e-12)


def test_without_draws_replicates_stand_in_and_evpi_is_not_computed():
    frame = diff_table({"a": np.array([1.0, -1.0, 2.0])}, {"a": np.zeros(3)}).drop(columns="draw")
    tables = decision.decision_tables(frame, {"departure": [1.0]})
    assert tables["ceac"]["draws"].iloc[0] == 6  # each replicate a draw
    assert (tables["ceac"]["uncertainty"] == "noise only").all()
    assert tables["evpi"]["value"].isna().all()
    assert tables["ceac"].set_index("arm")["probability_best"]["a"] == pytest.approx(4 / 6)


def test_parameter_groups_put_unknown_columns_under_other():
    groups = decision.parameter_groups(["workload_effect", "leadership_effect", "cost_scale"])
    assert groups == {
        "workload and hours": ["workload_effect"],
        "leadership": ["leadership_effect"],
        "other": ["cost_scale"],
    }
    with pytest.raises(ValueError, match="effect"):
        decision.effect_values(pd.DataFrame(), "qaly")


def test_a_constant_draw_column_means_no_posterior():
    """compare writes draw = -1 without a posterior: replicates are then the units, not one draw."""
    rng = np.random.default_rng(4)
    rows = [
        {
            "scenario": "baseline",
            "arm": arm,
            "replicate": r,
            "draw": -1,
            "total_cost": rng.normal(0, 1000),
            "burnout_weeks_averted": rng.normal(10 if arm == "a" else 0, 5),
            "departures_avoided": rng.normal(0, 1),
        }
        for arm in ("a", "b")
        for r in range(6)
    ]
    means = decision.draw_means(pd.DataFrame(rows), "burnout_year")
    assert len(means) == 12  # six replicates per arm, not one pooled draw


def test_every_group_of_the_shipped_posterior_fits_the_main_jobs_draws():
    """Each group's calibrated parameters leave three draws per coefficient at 12 distinct
    draws (the main job draws 15 by weight, some repeat a set: 14 distinct in the default run),
    so no partial EVPI is 'not computed' there."""
    from sim.parameters import CALIBRATED_FIELDS

    groups = decision.parameter_groups(list(CALIBRATED_FIELDS))
    assert "other" not in groups  # every calibrated parameter is in a named group
    for name, members in groups.items():
        assert 12 >= 3 * (1 + len(members)), (name, members)
