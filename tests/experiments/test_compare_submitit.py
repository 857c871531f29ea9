"""The small comparison through submitit_local: the cluster path, exercised on this machine."""

import pytest
from test_compare_launchers import run_through


@pytest.mark.slow
def test_submitit_local_gives_the_same_numbers_as_basic(tmp_path):
    """Jobs submitted through submitit (as on SLURM, but local) match the in-process launcher."""
    run_through(
        {
            "basic": ["hydra/launcher=basic"],
            "submitit_local": ["hydra/launcher=submitit_local", "hydra.launcher.timeout_min=5"],
        },
        tmp_path,
    )
    assert (tmp_path / "submitit_local" / "jobs" / ".submitit").is_dir()
