"""Tests of the tipping-point and hysteresis job (experiments.tipping_point)."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hydra import compose, initialize_config_module

from analysis.tipping_point import recovery, recovery_week, runaway, smooth, tipping_point
from experiments import tipping_point as tp
from experiments.runner import replicate_seeds
from sim.scenarios import pandemic_surge

OUTPUTS = (
    "sweep.csv",
    "hysteresis.csv",
    "tipping_point.png",
    "hysteresis.png",
    "hysteresis_loop.png",
    "summary.json",
    "summary.md",
    "run_info.json",
)


def settings(*overrides: str) -> tp.TippingSettings:
    with initialize_config_module(config_module="conf", version_base="1.3"):
        return tp.settings_from(compose("tipping_point", overrides=list(overrides)))


@pytest.mark.slow
def test_quick_run_writes_every_output_and_prints_the_folder_last(tmp_path):
    """``quick=true`` writes every output with provenance and prints its folder as the last line."""
    out = tmp_path / "run"
    done = subprocess.run(
        [sys.executable, "-m", "experiments.tipping_point", "quick=true", f"hydra.run.dir={out}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(out.resolve())
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    assert [p.name for p in out.glob(".*")] == [".hydra"]  # no temporary files left
    info = json.loads((out / "run_info.json").read_text())
    seeds = replicate_seeds(20261124, 2)  # the runner's (SeedSequence children)
    assert info["seeds"] == {"sweep": seeds, "surge": seeds}
    assert "git_commit" in info and info["config"]["quick"] is True
    weekly = pd.read_csv(out / "hysteresis.csv")
    assert set(weekly["arm"]) == {"surge", "control"}
    assert weekly.loc[weekly["arm"] == "surge", "demand"].max() == pytest.approx(1.5)
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["tipping_points"]) == set(tp.SWEEP_OUTCOMES)


def test_turnover_rises_with_demand_and_tips_inside_the_sweep():
    """Equilibrium turnover, vacancies and burnout rise with demand; turnover tips in range."""
    s = settings(
        "model.n_workers=300",
        "replicates=2",
        "burn_in_weeks=52",
        "sweep.weeks=156",
        "sweep.demand_step=0.2",
        "bootstrap=20",
    )
    sweep = tp.simulate_sweep(s)
    means = sweep.groupby("demand_level")[list(tp.SWEEP_OUTCOMES)].mean()
    for outcome in tp.SWEEP_OUTCOMES:
        rho = means[outcome].corr(pd.Series(means.index, index=means.index), method="spearman")
        # 0.9 with 5 levels allows one swap of neighbours (vacancies plateau at high demand);
        # Spearman's rho then computes to 0.8999999999999998, hence the 1e-9.
        assert rho >= 0.9 - 1e-9, (outcome, means[outcome].round(3).tolist())
    assert means["annual_turnover_rate"].iloc[-1] > 1.5 * means["annual_turnover_rate"].iloc[0]
    tipping = tipping_point(sweep, "annual_turnover_rate", n_boot=20)
    assert 0.8 < tipping["tipping_point"] < 1.6


def test_tipping_point_finds_the_midpoint_of_a_known_rise():
    """On a logistic rise centred at 1.2, the tipping point is 1.2 within its interval."""
    rng = np.random.default_rng(0)
    levels = np.round(np.arange(0.8, 1.61, 0.05), 2)
    rows = [
        {"demand_level": d, "replicate": r, "y": 0.1 + 0.2 / (1 + np.exp(-(d - 1.2) / 0.05))}
        for d in levels
        for r in range(4)
    ]
    sweep = pd.DataFrame(rows)
    sweep["y"] += rng.normal(0, 0.005, len(sweep))
    found = tipping_point(sweep, "y", n_boot=50)
    assert found["tipping_point"] == pytest.approx(1.2, abs=0.02)
    assert found["ci95"][0] <= 1.2 <= found["ci95"][1]


def test_recovery_reads_weeks_until_the_gap_settles():
    """A gap that decays after demand returns recovers when it stays within 10 % of its peak."""
    weeks = np.arange(300)
    gap = np.where(weeks < 100, 0.0, np.where(weeks < 150, 0.5, 0.5 * np.exp(-(weeks - 150) / 20)))
    # exp(-t / 20) < 0.1 from t = 20 ln 10 = 46.05, so week 197 is the first within the band
    assert recovery_week(gap, weeks, 100, 150, 0.1, 26) == (47.0, 0.5)
    noisy = gap.copy()
    noisy[210] = 0.2  # a blip 13 weeks into the band: the count starts again after it
    assert recovery_week(noisy, weeks, 100, 150, 0.1, 26)[0] == 61.0
    noisy[260] = 0.2  # a blip after 26 settled weeks does not undo the recovery
    assert recovery_week(noisy, weeks, 100, 150, 0.1, 26)[0] == 61.0
    assert recovery_week(np.full(300, 0.5), weeks, 100, 150, 0.1, 26)[0] == float("inf")
    control = np.random.default_rng(2).normal(0.3, 0.01, (4, 300))
    settled = np.where(weeks < 240, gap, 0.0)
    options = {"surge_start": 100, "demand_back": 150, "tolerance": 0.1, "smoothing_weeks": 4}
    result = recovery(control + settled, control, weeks, n_boot=20, **options)
    assert 47 <= result["weeks_to_recover"] <= 50 and not result["lasting_gap"]
    lasting = recovery(control + np.maximum(settled, 0.1), control, weeks, n_boot=20, **options)
    assert lasting["lasting_gap"] and lasting["weeks_to_recover"] == float("inf")
    assert np.allclose(smooth(np.arange(5.0), 2), [0.0, 0.5, 1.5, 2.5, 3.5])


def test_runaway_needs_a_trend_clearly_above_the_threshold():
    """Noise around zero is not a runaway; a steady rise is."""
    rng = np.random.default_rng(1)
    rows = [
        {"demand_level": d, "vacancy_trend_per_year": rng.normal(0.05 if d > 1.3 else 0, 0.01)}
        for d in (1.0, 1.2, 1.4, 1.6)
        for _ in range(8)
    ]
    found = runaway(pd.DataFrame(rows), threshold=0.01)
    assert found["first_runaway_demand"] == 1.4


def test_demand_path_scales_demand_and_keeps_the_other_channels():
    """The surge path multiplies the base scenario's demand and leaves its other channels."""
    plan = settings().surge
    path = plan.path(pandemic_surge())
    base = pandemic_surge()
    assert path.multiplier(-50) == 1.0 and path.multiplier(plan.lead_weeks) == 1.0
    assert path.multiplier(plan.lead_weeks + plan.ramp_weeks) == pytest.approx(1.5)
    assert path.multiplier(plan.demand_back) == 1.0
    week = plan.lead_weeks + plan.ramp_weeks + 10
    assert path.state(week).demand == pytest.approx(1.5 * base.state(week).demand)
    assert path.state(week).violence == base.state(week).violence


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("sweep.demand_min=0.1", "'sweep.demand_min'"),
        ("sweep.demand_max=0.7", "'sweep.demand_max'"),
        ("sweep.demand_step=0.4", "'sweep.demand_step'"),
        ("sweep.equilibrium_weeks=999", "'sweep.equilibrium_weeks'"),
        ("hysteresis.high_demand=0.9", "'hysteresis.high_demand'"),
        ("hysteresis.follow_weeks=10", "'hysteresis.follow_weeks'"),
        ("hysteresis.recovery_tolerance=0", "'hysteresis.recovery_tolerance'"),
        ("replicates=1", "'replicates'"),
        ("+model.demand_level=1.2", "'model.demand_level'"),
        ("model.n_workers=5", "'n_workers'"),
    ],
)
def test_bad_settings_fail_before_any_simulation(override, named):
    """Each bad setting raises a ValueError naming it (and the allowed range) before any run."""
    with pytest.raises(ValueError, match="allowed|set by the experiment") as error:
        settings(override)
    assert named in str(error.value)
