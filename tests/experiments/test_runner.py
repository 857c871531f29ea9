"""The runner's launching through Hydra's plugin API, and its seeds."""

import os

import numpy as np
import pytest

import experiments.schema  # noqa: F401 (registers compare_schema, which conf/config.yaml uses)
from experiments import runner

STARTED: list[int] = []


class NoteJobs:
    """A Hydra callback that notes each job's batch (configured through ``hydra.callbacks``)."""

    def __init__(self):
        self.running = None

    def on_job_start(self, config, **kwargs):
        self.running = int(config.batch)
        STARTED.append(self.running)

    def on_job_end(self, config, job_return, **kwargs):
        assert self.running == int(config.batch)  # the same callback object sees both
        STARTED.append(-1 - self.running)


def batch_and_process(cfg) -> tuple[int, int]:
    """A job: its batch number and the process it ran in."""
    if cfg.batch == 3:
        raise RuntimeError("job 3 failed")
    return int(cfg.batch), os.getpid()


def test_jobs_run_through_the_configured_launcher_with_its_callbacks(tmp_path):
    """The basic launcher runs every job in order, here, and calls the configured callbacks."""
    STARTED.clear()
    done = runner.launch(
        "config",
        ["hydra/launcher=basic", f"+hydra.callbacks.note._target_={__name__}.NoteJobs"],
        [["batch=0"], ["batch=1"], ["batch=2"]],
        tmp_path / "jobs",
        batch_and_process,
        "runner_test",
    )
    assert done == [(0, os.getpid()), (1, os.getpid()), (2, os.getpid())]
    assert STARTED == [0, -1, 1, -2, 2, -3]
    assert sorted(p.name for p in (tmp_path / "jobs").iterdir()) == ["0", "1", "2"]
    assert (tmp_path / "jobs" / "1" / "runner_test.log").exists()


@pytest.mark.slow  # starts loky worker processes
def test_joblib_jobs_run_in_other_processes_and_a_failure_is_raised(tmp_path):
    """joblib runs the jobs in worker processes; a failed job's own error reaches the caller."""
    args = ("config", ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"])
    done = runner.launch(*args, [["batch=0"], ["batch=1"]], tmp_path / "a", batch_and_process, "t")
    assert [batch for batch, _ in done] == [0, 1]
    assert all(pid != os.getpid() for _, pid in done)
    with pytest.raises(RuntimeError, match="job 3 failed"):
        runner.launch(*args, [["batch=2"], ["batch=3"]], tmp_path / "b", batch_and_process, "t")


def test_seeds_are_spawned_children_of_the_root_seed():
    """Replicate r's seed comes from child r of SeedSequence(seed).spawn(n), whatever n."""
    children = np.random.SeedSequence(11).spawn(4)
    assert runner.replicate_seeds(11, 4) == [int(c.generate_state(1)[0]) for c in children]
    assert runner.replicate_seeds(11, 2) == runner.replicate_seeds(11, 4)[:2]
    assert len(set(runner.replicate_seeds(11, 50))) == 50


def test_items_are_dealt_round_robin():
    """Every item goes to exactly one job."""
    items = list(range(10))
    shares = [runner.deal(items, job, 3) for job in range(3)]
    assert shares == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]
    assert runner.deal(items, 5, 3) == []


def test_hydra_overrides_are_split_from_the_jobs():
    """``hydra/...`` and ``hydra.*`` choose the launcher; the rest go to every job."""
    own, job = runner.split_hydra(["hydra/launcher=basic", "hydra.launcher.n_jobs=2", "seed=3"])
    assert own == ["hydra/launcher=basic", "hydra.launcher.n_jobs=2"] and job == ["seed=3"]
