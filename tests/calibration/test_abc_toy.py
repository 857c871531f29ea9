"""The ABC-SMC code path recovers a known posterior (a normal mean under a flat prior)."""

import numpy as np
import pytest

from analysis.calibration import Target
from experiments.batch_map import LaunchedMap
from experiments.calibrate_abc import AbcSettings, Prior, run_abc, simulate_sets

OBSERVED = 1.3
NOISE_SD = 0.5


class NormalMean:
    """y ~ N(mu, 0.5^2): with a flat prior on mu the posterior is N(y_obs, 0.5^2) (truncated
    to the prior's range, far from it here)."""

    def __call__(self, params, seed=None):
        """With no seed, numpy's global generator (which the ABC sampler seeds per batch)."""
        rng = np.random if seed is None else np.random.default_rng(seed)
        return {"y": float(params["mu"]) + rng.normal(0.0, NOISE_SD)}


@pytest.mark.slow  # ABC-SMC over a few generations: about 7 s
def test_abc_recovers_the_conjugate_posterior(tmp_path):
    """Weighted mean and SD of the ABC posterior match the analytic N(1.3, 0.5^2)."""
    target = Target("y", "y", OBSERVED, OBSERVED - 0.1, OBSERVED + 0.1, "toy", "+-0.1")
    result = run_abc(
        NormalMean(),
        [Prior("mu", -4.0, 6.0, "flat")],
        [target],
        {},
        AbcSettings(population_size=200, max_generations=6, max_simulations=20_000, jobs=1),
        tmp_path / "abc.db",
    )
    mu = result.draws["mu"].to_numpy()
    w = result.weights / result.weights.sum()
    mean = float(np.sum(w * mu))
    sd = float(np.sqrt(np.sum(w * (mu - mean) ** 2)))
    assert len(result.draws) == 200 and (result.generations["epsilon"].diff().dropna() < 0).all()
    assert mean == pytest.approx(OBSERVED, abs=0.12)
    # The ABC posterior is the exact one convolved with the last tolerance (eps x 0.1 wide).
    eps = float(result.generations["epsilon"].iloc[-1]) * 0.1
    assert sd == pytest.approx(np.sqrt(NOISE_SD**2 + eps**2 / 3), rel=0.2)


def test_resume_continues_the_stored_history(tmp_path):
    """A second call with resume=True continues the same run: more generations, one history."""
    target = Target("y", "y", OBSERVED, OBSERVED - 0.1, OBSERVED + 0.1, "toy", "+-0.1")
    args = (NormalMean(), [Prior("mu", -4.0, 6.0)], [target], {})
    first = run_abc(
        *args, AbcSettings(population_size=50, max_generations=2, jobs=1), tmp_path / "abc.db"
    )
    again = run_abc(
        *args,
        AbcSettings(population_size=50, max_generations=4, jobs=1),
        tmp_path / "abc.db",
        resume=True,
    )
    assert again.resumed and not first.resumed
    assert len(first.generations) == 2 and len(again.generations) == 4
    assert again.generations["epsilon"].iloc[1] == first.generations["epsilon"].iloc[1]
    assert (again.generations["epsilon"].diff().dropna() < 0).all()


@pytest.mark.slow  # starts the joblib launcher's worker processes: about 10 s
def test_simulate_sets_through_the_launcher_equals_in_process(tmp_path):
    """Jobs of the joblib launcher return the same values, in the same order, as one process."""
    sets = [{"mu": m} for m in (0.0, 1.0, 2.0, 3.0, 4.0)]
    launched = LaunchedMap(2, tmp_path / "jobs")
    assert simulate_sets(NormalMean(), sets, [1, 2, 3, 4, 5], launched) == simulate_sets(
        NormalMean(), sets, [1, 2, 3, 4, 5]
    )
    assert not list((tmp_path / "jobs").rglob("share_*.pkl"))  # shares removed once read
    assert list((tmp_path / "jobs" / "round_0").glob("*/calibration_batch.log"))


@pytest.mark.slow  # two small ABC-SMC runs: about 5 s
def test_abc_through_launched_jobs_equals_abc_in_process(tmp_path):
    """The same seed gives the same posterior whether the batches run here or as launched jobs
    (the basic launcher: in order, in this process), and every batch went through it."""
    target = Target("y", "y", OBSERVED, OBSERVED - 0.1, OBSERVED + 0.1, "toy", "+-0.1")
    args = (NormalMean(), [Prior("mu", -4.0, 6.0)], [target], {})
    settings = AbcSettings(population_size=30, max_generations=2, jobs=2)
    here = run_abc(*args, settings, tmp_path / "here.db")
    mapper = LaunchedMap(2, tmp_path / "jobs", ["hydra/launcher=basic"])
    launched = run_abc(*args, settings, tmp_path / "launched.db", mapper=mapper)
    assert here.draws.equals(launched.draws) and np.array_equal(here.weights, launched.weights)
    assert here.simulations == launched.simulations
    assert len(list((tmp_path / "jobs").glob("round_*"))) >= 3  # prior sample + 2 generations
