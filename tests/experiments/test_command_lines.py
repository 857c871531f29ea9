"""Bad command lines of the Hydra apps with structured configs: one line, the key named."""

import subprocess
import sys
import tomllib
from importlib import import_module
from pathlib import Path

import pytest

from experiments.hydra_app import did_you_mean

ROOT = Path(__file__).resolve().parents[2]

# (module, extra arguments so only the bad one is wrong, bad override, key named, fragment).
# Each case is a fresh interpreter (about 3 s): one case of each command stays in the fast
# set (-m "not slow"), the others are marked slow; `make test` and CI run them all.
FAST_BAD = {"model.job_markt=1", "seeds=4,1"}
BAD = [
    ("experiments.trial", ["intervention=mindfulness"], "n_worker=50", "n_worker", "did you mean"),
    (
        "experiments.trial",
        ["intervention=mindfulness"],
        "model.job_markt=1",
        "model.job_markt",
        "did you mean 'model.job_market'",
    ),
    ("experiments.trial", [], "intervention=mindfullness", "intervention", "did you mean"),
    ("experiments.trial", ["intervention=mindfulness"], "replicates=0", "replicates", ">= 1"),
    (
        "experiments.trial",
        ["intervention=mindfulness"],
        "model.demand_level=9",
        "demand_level",
        "allowed",
    ),
    ("experiments.trial", ["intervention=mindfulness"], "seed=abc", "seed", "Integer"),
    ("experiments.trial", ["intervention=mindfulness"], "randomize=7", "randomize", "allowed"),
    (
        "experiments.trial",
        ["intervention=mindfulness"],
        "params.job_market=1",
        "params.job_market",
        "did you mean 'model.job_market'",
    ),
    (
        "experiments.trial",
        ["intervention=mindfulness"],
        "settings.uptake=0.5",
        "settings.uptake",
        "+settings.uptake",
    ),
    ("experiments.crisis_vs_sustained", [], "crisis_of=0.3", "crisis_of", "did you mean"),
    ("experiments.crisis_vs_sustained", [], "crisis_on=1.5", "crisis_on", "[0, 1]"),
    ("experiments.crisis_vs_sustained", [], "seeds=two", "seeds", "Integer"),
    ("experiments.crisis_vs_sustained", [], "scenario=pandemic", "scenario", "did you mean"),
    ("experiments.crisis_vs_sustained", ["-m"], "seeds=4,1", "seeds", ">= 2"),
    ("experiments.dose_response", [], "model.job_markt=1", "model.job_markt", "did you mean"),
    ("experiments.dose_response", [], "replicates=0", "replicates", "[1, 1000]"),
    ("experiments.tipping_point", [], "sweep.weekz=5", "sweep.weekz", "did you mean"),
    ("experiments.tipping_point", ["--cfg", "job"], "scenario=pandemc", "scenario", "did you mean"),
    ("experiments.calibrate", [], "experiment=quik", "experiment", "did you mean 'quick'"),
]


@pytest.mark.parametrize(
    ("module", "extra", "bad", "key", "fragment"),
    [pytest.param(*case, marks=() if case[2] in FAST_BAD else pytest.mark.slow) for case in BAD],
)
def test_bad_override_is_one_line_naming_the_key(module, extra, bad, key, fragment, tmp_path):
    """Rejected before any simulation: exit 1, no traceback, one line naming the key."""
    out = subprocess.run(
        [sys.executable, "-m", module, *extra, bad, f"hydra.run.dir={tmp_path / 'run'}"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert key in lines[0] and fragment in lines[0]
    assert not (tmp_path / "run").exists()  # no job started


@pytest.mark.parametrize(
    ("module", "line"),
    [
        # fresh interpreters: Hydra's own flags stay fast through ``--cfg job`` (test_trial_cli)
        pytest.param("experiments.trial", "randomize: auto", marks=pytest.mark.slow),
        pytest.param("experiments.crisis_vs_sustained", "crisis_on: 0.5", marks=pytest.mark.slow),
    ],
)
def test_help_is_hydras(module, line):
    """``--help`` is Hydra's app help: the config groups and the composed config."""
    out = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "== Configuration groups ==" in out.stdout and line in out.stdout


def test_did_you_mean_only_for_close_words():
    assert did_you_mean("n_worker", ["model.n_workers", "seed"]) == (
        " (did you mean 'model.n_workers'?)"
    )
    assert did_you_mean("zzz", ["model.n_workers", "seed"]) == ""


def test_every_console_script_points_at_a_main():
    """Each command of pyproject's [project.scripts] resolves to a callable ``main``."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert len(scripts) == 8
    for name, target in scripts.items():
        module, _, attr = target.partition(":")
        assert name.startswith("burnout-") and attr == "main"
        assert callable(getattr(import_module(module), attr))
