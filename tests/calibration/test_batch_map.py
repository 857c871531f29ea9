"""Batches of calls through the configured Hydra launcher (experiments/batch_map.py)."""

import pytest

from experiments.batch_map import LaunchedMap, in_process, launcher_overrides
from experiments.calibrate import simulation_mapper


def square(x: int) -> int:
    return x * x


def test_launched_jobs_return_every_result_in_order(tmp_path):
    mapper = LaunchedMap(3, tmp_path, ["hydra/launcher=basic"])
    assert mapper(square, range(7)) == [x * x for x in range(7)]
    assert mapper(square, [5]) == [25]  # fewer items than jobs: one job
    assert mapper(square, []) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["round_0", "round_1"]


def test_a_failed_job_raises_its_own_error_and_leaves_no_share_behind(tmp_path):
    def broken(x: int) -> int:
        raise ArithmeticError(f"item {x}")

    with pytest.raises(ArithmeticError, match="item"):
        LaunchedMap(2, tmp_path, ["hydra/launcher=basic"])(broken, [1, 2])
    assert not list(tmp_path.rglob("share_*.pkl"))


def test_only_the_launcher_overrides_are_passed_on():
    given = [
        "hydra/launcher=cluster",
        "hydra.launcher.partition=short",
        "hydra.run.dir=out",
        "hydra.verbose=true",
    ]
    assert launcher_overrides(given) == given[:2]


def test_one_job_simulates_in_this_process(tmp_path):
    assert simulation_mapper(1, tmp_path, []) is in_process
    mapper = simulation_mapper(4, tmp_path, ["hydra/launcher=basic", "hydra.run.dir=x"])
    assert isinstance(mapper, LaunchedMap) and mapper.jobs == 4
    assert mapper.hydra_overrides == ("hydra/launcher=basic",)
    with pytest.raises(ValueError, match="jobs = 0; allowed"):
        LaunchedMap(0, tmp_path)
