"""experiments.system sweeps on a real single-node SLURM cluster (scripts/slurm_single_node.sh).

The cluster is started as root (installing Debian's slurm-wlm and munge when missing) and
stopped after the test; without root or apt-get the test is skipped with the reason, except
under CI (``CI=true``), where SLURM is required. Run it alone with
``.venv/bin/python -m pytest -m slurm``.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "slurm_single_node.sh"
SWEEP = ["experiment=quick", "scenarios=[baseline]", "policies=[no_policy,agency_pay_cap]"]
SWEEP += ["seed=1,2"]
TABLES = ("system.csv", "runs.csv", "organizations.csv", "flows.csv", "sectors.csv")
START_S = 420  # installing the packages (about 15 s) and starting; the script's own waits are 30 s
SWEEP_S = 300  # wall-clock limit of each sweep (submitit's own job limit: timeout_min=3)


def cannot_start(env: Mapping[str, str] = os.environ) -> str | None:
    """Why a SLURM cluster cannot be started here, or None (required when CI=true)."""
    if env.get("CI", "").lower() == "true":
        return None
    if os.geteuid() != 0:
        return "SLURM test needs root to start slurmctld, slurmd and munged"
    if not shutil.which("slurmctld") and not shutil.which("apt-get"):
        return "SLURM test: slurm-wlm is not installed and there is no apt-get to install it"
    return None


@pytest.fixture(scope="module")
def slurm_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A running single-node cluster: the environment that points SLURM's commands at it."""
    reason = cannot_start()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("slurm") / "cluster"
    try:
        started = subprocess.run(
            ["bash", str(SCRIPT), "start", str(folder)],
            capture_output=True,
            text=True,
            timeout=START_S,
            stdin=subprocess.DEVNULL,
        )
        if started.returncode != 0:
            why = f"SLURM did not start: {started.stderr.strip()[-2000:]}"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(why)
            pytest.skip(why)
        yield {
            **os.environ,
            "SLURM_CONF": str(folder / "slurm.conf"),
            "PATH": f"{folder / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", str(folder)], timeout=120, check=False)


def sweep(folder: Path, launcher: list[str], env: Mapping[str, str]) -> Path:
    """Run the small sweep into ``folder`` through ``launcher``; return the folder it printed."""
    args = [sys.executable, "-m", "experiments.system", "--multirun", *SWEEP, *launcher]
    done = subprocess.run(
        [*args, f"hydra.sweep.dir={folder}"],
        capture_output=True,
        text=True,
        timeout=SWEEP_S,
        cwd=ROOT,
        env=dict(env),
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return Path(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.slurm
def test_system_sweep_on_slurm_equals_the_same_sweep_with_joblib(slurm_env, tmp_path):
    """Both points run as SLURM jobs, complete, and give the joblib sweep's tables exactly."""
    cluster = sweep(
        tmp_path / "cluster", ["hydra/launcher=cluster", "hydra.launcher.timeout_min=3"], slurm_env
    )
    local = sweep(
        tmp_path / "joblib", ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"], slurm_env
    )
    assert cluster == (tmp_path / "cluster").resolve()
    listed = subprocess.run(
        ["squeue", "-h", "-r", "--states=all", "-o", "%i %T"],
        capture_output=True,
        text=True,
        timeout=30,
        env=dict(slurm_env),
        check=True,
    ).stdout.split()
    jobs = dict(zip(listed[::2], listed[1::2], strict=True))
    assert sorted(jobs.values()) == ["COMPLETED", "COMPLETED"], jobs  # one array task per point
    assert all((cluster / ".submitit" / job).is_dir() for job in jobs)  # submitit's job logs
    for point in ("0", "1"):
        assert (cluster / point / "run_info.json").is_file()
        assert not (cluster / point / "INCOMPLETE").exists()
        for name in TABLES:
            pd.testing.assert_frame_equal(
                pd.read_csv(cluster / point / name), pd.read_csv(local / point / name)
            )
    seeds = [pd.read_csv(cluster / p / "runs.csv")["seed"].iloc[0] for p in ("0", "1")]
    assert seeds[0] != seeds[1]  # the two points are different runs


def test_without_root_the_slurm_test_says_why_it_is_skipped(monkeypatch):
    """Not root: a reason naming root; under CI no reason (SLURM is required there)."""
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "root" in cannot_start({"PATH": "/usr/bin"})
    assert cannot_start({"CI": "true"}) is None


def test_the_script_refuses_a_used_folder_before_starting_anything(tmp_path):
    """A folder that is not empty could hold an old cluster's jobs: start stops at once."""
    (tmp_path / "slurm.conf").write_text("old")
    done = subprocess.run(
        ["bash", str(SCRIPT), "start", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1 and "not empty" in done.stderr
    assert (tmp_path / "slurm.conf").read_text() == "old"
