"""The main comparison drawing parameter sets from a posterior ensemble (issue 13, item 4)."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from test_compare_job import TINY

from experiments import compare, runner
from experiments.compare_replicates import replicate_parameters
from sim.posterior import Posterior, save_posterior

# One scenario, four replicates: two parameter sets of two seeds each.
POSTERIOR_RUN = [
    *(o for o in TINY if not o.startswith(("scenario=", "replicates="))),
    "scenario=[pandemic_surge]",
    "replicates=4",
]


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory):
    """A small ensemble of six sets, far apart in demand and job market, unequally weighted."""
    draws = pd.DataFrame(
        {"demand_level": np.linspace(0.8, 1.3, 6), "job_market": np.linspace(0.6, 1.4, 6)}
    )
    posterior = Posterior(
        name="toy",
        draws=draws,
        weights=np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0]),
        representative={"demand_level": 1.0, "job_market": 1.0},
        provenance={"method": "test", "targets": ["a", "b"]},
    )
    table, _ = save_posterior(posterior, tmp_path_factory.mktemp("posterior") / "toy")
    return posterior, table


def test_replicates_share_draws_by_seeds_per_draw_and_keep_their_own_seeds(ensemble):
    """Replicate r runs draw r // k of draw_indices(ceil(n / k), seed); seeds as without."""
    posterior, _ = ensemble
    reps = runner.replicates(7, 5, posterior, seeds_per_draw=2)
    expected = posterior.draw_indices(math.ceil(5 / 2), 7)
    assert [r.draw for r in reps] == [int(expected[r // 2]) for r in range(5)]
    assert [r.seed for r in reps] == runner.replicate_seeds(7, 5)
    assert reps[3].parameters == posterior.parameter_set(reps[3].draw)
    longer = runner.replicates(7, 9, posterior, seeds_per_draw=2)
    assert longer[:5] == reps  # more replicates never change the earlier ones
    pinned = runner.replicates(7, 5, posterior, seeds_per_draw=2, pinned=["job_market"])
    assert all(set(r.parameters) == {"demand_level"} for r in pinned)
    assert [r.draw for r in runner.replicates(7, 3)] == [runner.NO_DRAW] * 3


@pytest.mark.slow  # two whole comparisons; the draws and keys are checked fast below
def test_compare_with_a_posterior_is_deterministic_and_runs_the_draws(ensemble, tmp_path):
    """Two runs with the same seed give identical tables; replicates run their draws."""
    posterior, table = ensemble
    args = [*POSTERIOR_RUN, f"posterior={table}", "seeds_per_draw=2"]
    first = compare.run([*args, f"output_dir={tmp_path / 'a'}", f"runs_dir={tmp_path / 'ra'}"])
    second = compare.run([*args, f"output_dir={tmp_path / 'b'}", f"runs_dir={tmp_path / 'rb'}"])
    for name in ("summary.csv", "outcomes.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(first / name), pd.read_csv(second / name))
    outcomes = pd.read_csv(first / "outcomes.csv")
    assert outcomes["replicate"].dtype == np.int64 and outcomes["draw"].dtype == np.int64
    draws = posterior.draw_indices(2, 20261124)
    for replicate, rows in outcomes.groupby("replicate"):
        assert set(rows["draw"]) == {int(draws[replicate // 2])}  # every arm: the same draw
        assert rows["seed"].nunique() == 1  # and the same seed
    assert outcomes.groupby("replicate")["seed"].first().nunique() == 4
    info = json.loads((first / "run_info.json").read_text())["posterior"]
    assert info["name"] == "toy" and info["n_sets"] == 6 and info["seeds_per_draw"] == 2
    assert info["path"] == str(table.resolve())
    assert info["effective_size"] == round(posterior.effective_size, 1)
    assert info["replicate_draws"] == [int(draws[r // 2]) for r in range(4)]
    assert info["provenance"] == {"method": "test", "targets": 2}
    assert info["pinned"] == ["n_workers"]  # TINY sets model.n_workers on the command line
    # The draw changes the runs: the two draws' reference arms differ.
    if draws[0] != draws[1]:
        none = outcomes[outcomes["arm"] == "none"].set_index("replicate")["burnout_prevalence"]
        assert none[0] != none[2]


def test_parameters_set_on_the_command_line_win_over_the_draw(ensemble):
    """``model.<param>=`` keeps its value whatever the draw; the rest comes from the draw."""
    _, table = ensemble
    cfg, _ = compare.compose_config(
        [*POSTERIOR_RUN, f"posterior={table}", "model.demand_level=1.05"]
    )
    assert list(cfg.pinned) == ["demand_level", "n_workers"]
    for replicate in compare.replicates_of(cfg):
        params = replicate_parameters(cfg, replicate)
        assert params["demand_level"] == 1.05 and params["n_workers"] == 60
        assert params["job_market"] == replicate.parameters["job_market"]


def test_the_run_key_includes_the_parameter_set(ensemble):
    """Runs of two draws with the same seed never share a stored run."""
    posterior, table = ensemble
    cfg, _ = compare.compose_config([*POSTERIOR_RUN, f"posterior={table}"])
    plain, _ = compare.compose_config(POSTERIOR_RUN)
    seed = runner.replicate_seeds(cfg.seed, 1)[0]
    keys = {
        compare.run_key(cfg, "pandemic_surge", "none", runner.Replicate(0, seed, draw, params))
        for draw, params in ((0, posterior.parameter_set(0)), (5, posterior.parameter_set(5)))
    }
    keys.add(compare.run_key(plain, "pandemic_surge", "none", runner.Replicate(0, seed)))
    assert len(keys) == 3


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("posterior=nosuch", "posterior: posterior 'nosuch' not found"),
        ("seeds_per_draw=0", "seeds_per_draw = 0 is out of range; allowed: a whole number in"),
        ("pinned=[demand_levl]", "pinned: 'demand_levl' is not a model parameter (did you mean"),
        ("hydra.launcher.n_jobs=1,2", "hydra.launcher.n_jobs: Hydra's own settings (the"),
    ],
)
def test_bad_posterior_or_launcher_sweep_is_one_line_before_running(tmp_path, override, message):
    """An unknown posterior lists the shipped ones; nothing is created or simulated (with -m)."""
    with pytest.raises(compare.ConfigurationError) as error:
        compare.run(["-m", *POSTERIOR_RUN, override, f"output_dir={tmp_path / 'out'}"])
    text = str(error.value)
    assert message in text and "\n" not in text
    if override.startswith("posterior="):
        assert "shipped posteriors:" in text
    assert not (tmp_path / "out").exists()
