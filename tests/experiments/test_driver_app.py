"""compare and sensitivity as Hydra apps: Hydra's own --cfg, --info and --help; checks first."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from experiments.compare_config import compose_config
from experiments.overrides import overrides_to_check

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--cfg", "job", "replicates=4"], ["replicates=4"]),
        (["-c", "hydra", "--resolve"], []),
        (["x=1", "--info"], ["x=1"]),
        (["--info", "defaults", "x=1"], ["x=1"]),
        (["-m", "x=1,2", "--help"], ["-m", "x=1,2"]),
        (["-sc", "install=bash"], None),
        (["--config-name", "other", "x=1"], None),
        (["--nosuch", "x=1"], None),
    ],
)
def test_the_overrides_checked_before_hydra_runs(argv, expected):
    assert overrides_to_check(argv) == expected


def run(module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_compare_cfg_job_is_hydras():
    """``--cfg job`` prints the composed config without its hydra node (and runs nothing)."""
    job = run("experiments.compare", "--cfg", "job", "replicates=7")
    assert job.returncode == 0, job.stderr
    assert yaml.safe_load(job.stdout)["replicates"] == 7 and "hydra:" not in job.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "key", "value"),
    [("experiments.compare", "replicates", "7"), ("experiments.sensitivity", "method", "morris")],
)
def test_cfg_info_and_help_are_hydras(module, key, value):
    """--cfg job|hydra, --info and --help print without running anything."""
    job = run(module, "--cfg", "job", f"{key}={value}")
    assert job.returncode == 0, job.stderr
    printed = yaml.safe_load(job.stdout)
    assert str(printed[key]) == value and "hydra" not in printed
    assert "launcher" in yaml.safe_load(run(module, "--cfg", "hydra").stdout)["hydra"]
    info = run(module, "--info")
    assert "DriverSweeper" in info.stdout and "Defaults List" in info.stdout
    usage = run(module, "--help")
    assert usage.stdout.startswith(f"python -m {module}") and "== Config" in usage.stdout


@pytest.mark.slow
def test_a_bad_override_with_cfg_is_one_line():
    """Inspection options check the overrides as a run does: one line, exit status 1."""
    done = run("experiments.compare", "--cfg", "job", "replicate=3")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == done.stderr.strip().splitlines()[0]
    assert "did you mean 'replicates'" in done.stderr


def test_compare_typos_get_a_suggestion():
    with pytest.raises(
        ValueError, match=r"unknown argument 'replicate' \(did you mean 'replicates'"
    ):
        compose_config(["replicate=3"])


@pytest.mark.slow
def test_multirun_goes_to_the_driver(tmp_path):
    """``-m`` of compare: one folder per point and the sweep summary, through the sweeper."""
    tiny = ["experiment=quick", "model.n_workers=60", "burn_in_weeks=10", "horizon_weeks=20"]
    done = run(
        "experiments.compare",
        "-m",
        *tiny,
        "replicates=2",
        "jobs=2",
        "posterior=null",
        "intervention=[organizational_bundle]",
        "scenario=[baseline]",
        "model.demand_level=1.0,1.3",
        "hydra/launcher=basic",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        f"runs_dir={tmp_path / 'runs'}",
    )
    assert done.returncode == 0, done.stderr
    out = tmp_path / "sweep"
    assert done.stdout.strip().splitlines()[-1] == str(out.resolve())
    assert (out / "sweep_summary.csv").stat().st_size > 0
    assert (out / "001_model.demand_level=1.3" / "report.html").exists()
    spread = run(
        "experiments.sensitivity",
        "-m",
        "sensitivity=ishigami",
        "n=8,16",
        "batches=2",
        "hydra/launcher=basic",
        f"output_dir={tmp_path / 'gsa'}",
    )
    assert spread.returncode == 0, spread.stderr
    assert (tmp_path / "gsa" / "001_n=16" / "indices.csv").exists()
