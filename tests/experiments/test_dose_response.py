"""Tests of the leadership dose-response job (experiments.dose_response)."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hydra import compose, initialize_config_module

from analysis.dose_response import leadership_gradient
from experiments import dose_response as dr
from experiments.runner import replicate_seeds

OUTPUTS = (
    "units.csv",
    "organizations.csv",
    "dose_response.png",
    "summary.json",
    "summary.md",
    "run_info.json",
)


def settings(*overrides: str) -> dr.DoseResponseSettings:
    with initialize_config_module(config_module="conf", version_base="1.3"):
        return dr.settings_from(compose("dose_response", overrides=list(overrides)))


def command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "experiments.dose_response", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_quick_run_writes_every_output_and_prints_the_folder_last(tmp_path):
    """``quick=true`` writes every output with provenance and prints its folder as the last line."""
    out = tmp_path / "run"
    done = command("quick=true", f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(out.resolve())
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    assert (out / "dose_response.png").read_bytes()[:4] == b"\x89PNG"
    assert [p.name for p in out.glob(".*")] == [".hydra"]  # no temporary files left
    info = json.loads((out / "run_info.json").read_text())
    assert info["seeds"] == replicate_seeds(20261124, 2)  # the runner's (SeedSequence children)
    assert info["config"]["quick"] is True and "git_commit" in info
    assert info["versions"]["mesa"]
    units = pd.read_csv(out / "units.csv")
    assert set(units["design"]) == {"population", "sweep"}
    assert set(units["seed"]) == set(info["seeds"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["published"]["physicians_odds_ratio_per_point"]["value"] == 0.967
    assert "Shanafelt 2015" in (out / "summary.md").read_text()


@pytest.mark.slow
def test_gradient_on_a_moderate_model_is_near_the_published_one():
    """Burnout odds fall ~3.3 % per point for physicians, ~7 % for other staff (published).

    Shanafelt 2015 (physicians) and Dyrbye 2020 (non-physician staff), each within the project's
    +-1 point tolerance. Measured noise at this size (4,000 posts, 2 replicates, 104 + 52
    weeks), over 10 seeds: physicians 3.55 % on average (SD 0.51 points; about 550 of them per
    organization), non-physician staff 6.82 % (SD 0.22), so +-1 point is about 2 SD and 4.5 SD.
    """
    s = settings(
        "population.n_workers=4000",
        "replicates=2",
        "weeks=52",
        "sweep.n_workers=300",
        "sweep.scores=[12,36,60]",
    )
    units, organizations = dr.simulate(s)
    summary = dr.analyse(units, organizations)
    physicians = summary["population"]["by_role"]["physician"]
    staff = summary["population"]["by_role"]["non_physician"]
    assert summary["population"]["all_workers"]["odds_ratio_per_point"] < 1.0
    assert 2.3 <= physicians["percent_lower_per_point"] <= 4.3, physicians
    assert 6.0 <= staff["percent_lower_per_point"] <= 8.0, staff
    assert summary["population"]["unit_correlation"]["r"] < 0
    by_score = pd.DataFrame(summary["sweep"]["by_score"]).set_index("score_level")
    assert by_score["burnout_prevalence_mean"].is_monotonic_decreasing


def test_counts_give_the_same_gradient_as_one_row_per_worker():
    """A binomial fit to counts per group equals the logistic fit to the workers themselves."""
    rng = np.random.default_rng(3)
    score = rng.uniform(12, 60, 4000).round()
    burned = rng.random(4000) < 1 / (1 + np.exp(-(1.5 - 0.04 * score)))
    workers = pd.DataFrame({"leadership_score": score, "burned_out": burned})
    counts = workers.groupby("leadership_score", as_index=False).agg(
        workers=("burned_out", "size"), burned_out=("burned_out", "sum")
    )
    one = leadership_gradient(workers)
    grouped = leadership_gradient(counts, workers="workers")
    assert one.log_odds_ratio == pytest.approx(grouped.log_odds_ratio, rel=1e-8)
    assert one.se == pytest.approx(grouped.se, rel=1e-6)
    assert one.percent_lower == pytest.approx(100 * (1 - np.exp(one.log_odds_ratio)))
    assert -0.06 < one.log_odds_ratio < -0.02


def test_same_config_and_seed_give_the_same_tables():
    """Results are fully determined by the config and the seed."""
    s = settings("quick=true")
    first, second = dr.simulate(s), dr.simulate(s)
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("replicates=0", "'replicates'"),
        ("weeks=0", "'weeks'"),
        ("sweep.scores=[5,60]", "'sweep.scores'"),
        ("sweep.scores=[40,40]", "'sweep.scores'"),
        ("population.leadership_sd=0", "'population.leadership_sd'"),
        ("population.n_workers=10", "'population.n_workers'"),
        ("+model.leadership_score=30", "model.leadership_score"),
        ("+model.job_market=99", "'job_market'"),
        ("scenario=[baseline,pandemic_surge]", "'scenario'"),
    ],
)
def test_bad_settings_fail_before_any_simulation(override, named):
    """Each bad setting raises a ValueError naming it (and the allowed range) before any run."""
    with pytest.raises(ValueError, match="allowed|set by the designs") as error:
        settings(override)
    assert named in str(error.value)


def test_scenario_is_chosen_from_the_shared_config_group():
    """``scenario=NAME`` picks a file of conf/scenario/, as in the main job."""
    assert settings().scenario == "baseline"
    assert settings("scenario=pandemic_surge").scenario == "pandemic_surge"


@pytest.mark.slow
def test_bad_setting_on_the_command_line_exits_with_the_message(tmp_path):
    """The command exits non-zero, names the setting and its range, and writes no results."""
    out = tmp_path / "run"
    done = command("replicates=-1", f"hydra.run.dir={out}")
    assert done.returncode != 0
    assert "'replicates' = -1; allowed: a whole number in [1, 1000]" in done.stderr
    assert not (out / "summary.json").exists()


@pytest.mark.slow
def test_multirun_runs_one_job_per_setting_and_prints_the_sweep_folder(tmp_path):
    """``--multirun`` gives one complete output folder per value and prints the sweep folder."""
    sweep = tmp_path / "sweep"
    done = command(
        "--multirun", "quick=true", "seed=1,2", "hydra/launcher=basic", f"hydra.sweep.dir={sweep}"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(sweep.resolve())
    seeds = [json.loads((sweep / job / "run_info.json").read_text())["seeds"] for job in "01"]
    assert seeds == [replicate_seeds(1, 2), replicate_seeds(2, 2)]
    assert all((sweep / job / "summary.json").exists() for job in "01")
