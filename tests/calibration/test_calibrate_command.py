"""The calibration command: config checks, and the quick run end to end writing every output."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.calibration import TARGETS
from experiments.calibrate import load_config, parse_config
from sim.parameters import CALIBRATED_FIELDS, _representative_point
from sim.posterior import load_posterior

ROOT = Path(__file__).resolve().parents[2]


def test_default_config_is_valid():
    """The shipped config parses: every prior is a model parameter with a source and a range."""
    plan = parse_config(load_config())
    names = {p.name for p in plan.priors}
    assert names == set(CALIBRATED_FIELDS)
    assert all(p.source for p in plan.priors)
    assert plan.abc.population_size >= 200 and plan.abc.jobs >= 1
    assert len(plan.pilot_seeds) >= 2 and plan.design.hospitals >= 3


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("abc.population_size=5", "abc.population_size"),
        ("abc.min_acceptance_rate=1.5", "abc.min_acceptance_rate"),
        ("abc.max_minutes=0", "abc.max_minutes"),
        ("abc.jobs=0", "abc.jobs"),
        ("pilot_seeds=[1]", "pilot_seeds"),
        ("representative.seeds=[]", "representative.seeds"),
        ("representative.method=bfgs", "representative.method"),
        ("representative.design.hospitals=2", "representative.design.hospitals"),
        ("+representative.design.speed=2", "representative.design.speed is not a design"),
        ("predictive_draws=1", "predictive_draws"),
        ("+parameters.speed={low:0,high:1,source:x}", "not a numeric model parameter"),
        ("parameters.workload_effect.high=99", "leaves the model's allowed"),
        ("parameters.workload_effect.low=6", "must have low < high"),
        ("parameters.workload_effect.source=''", "evidence that bounds it"),
        ("+parameters.intent_effect={low:0.5,high:2,source:x}", "the shipped default"),
        ("design.hospitals=2", "design.hospitals"),
    ],
)
def test_bad_config_is_refused_before_running(override, message):
    """Each bad setting raises ValueError naming it."""
    with pytest.raises(ValueError, match=message):
        parse_config(load_config([override]))


def test_extra_parameter_is_fine_when_not_writing_the_shipped_default():
    """Calibrating another parameter set is allowed into any posterior_path but the default."""
    plan = parse_config(
        load_config(["+parameters.intent_effect={low:0.5,high:2,source:x}", "posterior_path=null"])
    )
    assert "intent_effect" in {p.name for p in plan.priors}


def command(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m experiments.calibrate ARGS`` from the project root."""
    return subprocess.run(
        [sys.executable, "-m", "experiments.calibrate", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


# Each case starts a fresh Python (about 4-5 s): one stays in `make test-fast`, the rest are slow.
@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ("abc.populaton_size=3", "did you mean 'abc.population_size'"),
        pytest.param(
            "design.hospitls=4", "did you mean 'design.hospitals'", marks=pytest.mark.slow
        ),
        pytest.param(
            "experiment=quik",
            "experiment=quik is not one of the valid names (did you mean 'quick'",
            marks=pytest.mark.slow,
        ),
        pytest.param(
            "abc.population_size=0",
            "abc.population_size = 0; allowed: a whole number >= 1",
            marks=pytest.mark.slow,
        ),
        pytest.param("design.hospitals=2", "design.hospitals = 2", marks=pytest.mark.slow),
        pytest.param("abc.seed=abc", "full_key: abc.seed", marks=pytest.mark.slow),
        pytest.param("pilot_seeds=[a]", "full_key: pilot_seeds[0]", marks=pytest.mark.slow),
        pytest.param("calibrated_path=null", "calibrated_path", marks=pytest.mark.slow),
    ],
)
def test_bad_override_is_one_line_before_any_simulation(bad, fragment, tmp_path):
    """A typo'd key, an out-of-range or mistyped value: exit 1, one line, no job started."""
    out = command(bad, f"hydra.run.dir={tmp_path / 'run'}")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("python -m experiments.calibrate: ") and fragment in lines[0]
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_cfg_job_and_help_work():
    """``--cfg job`` prints the composed config (presets applied); ``--help`` the usage."""
    out = command("experiment=quick", "abc.population_size=30", "--cfg", "job")
    assert out.returncode == 0, out.stderr
    cfg = yaml.safe_load(out.stdout)
    assert cfg["abc"]["population_size"] == 30 and cfg["posterior_path"] is None
    assert cfg["design"]["n_workers"] == 100
    out = command("--help")
    assert out.returncode == 0, out.stderr
    assert "experiment=quick" in out.stdout and "population_size: 200" in out.stdout


def test_documented_overrides_compose():
    """The README's and docs/calibration.md's command lines still compose and check."""
    for overrides in (
        ["experiment=quick"],
        ["abc.population_size=100", "posterior_path=null"],
        ["output_dir=outputs/cal", "resume=true"],
        ["experiment=quick", "+parameters.intent_effect={low:0.5,high:2,source:x}"],
    ):
        assert parse_config(load_config(overrides)).priors
    assert load_config(["experiment=quick"]).abc.population_size == 40


@pytest.mark.slow
def test_quick_preset_runs_under_hydra(tmp_path):
    """``experiment=quick`` runs as a Hydra app into ``hydra.run.dir``, printed last, and leaves
    the posterior ensemble, its diagnostics and the run record there."""
    run = tmp_path / "run"
    out = command("experiment=quick", f"hydra.run.dir={run}", timeout=400)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == str(run)
    info = json.loads((run / "run_info.json").read_text())
    assert info["command"] == "python -m experiments.calibrate experiment=quick"
    table = pd.read_parquet(run / "posterior.parquet")
    assert len(table) == 40 and set(table.columns) == {*CALIBRATED_FIELDS, "weight"}
    post = load_posterior(run / "posterior")
    assert post.provenance["git_commit"] and post.provenance["seeds"]["pilot"] == [1, 2]
    assert {t["name"] for t in post.provenance["targets"]} == {t.name for t in TARGETS}
    predictive = pd.read_csv(run / "predictive.csv")
    assert list(predictive["target"]) == [t.name for t in TARGETS]
    assert predictive["hit"].sum() == info["targets_hit"]
    for name in ("prior_posterior", "correlations", "predictive", "convergence"):
        assert (run / "figures" / f"{name}.png").stat().st_size > 0
    assert len(pd.read_csv(run / "generations.csv")) >= 1
    assert "Coverage:" in (run / "diagnostics.md").read_text()
    chosen = pd.read_csv(run / "representative.csv")
    assert chosen["chosen"].sum() == 1 and set(chosen["stage"]) >= {"candidate", "defaults"}
    best = chosen[chosen["chosen"]].iloc[0]
    assert post.representative == pytest.approx({k: best[k] for k in CALIBRATED_FIELDS})
    assert post.provenance["representative"]["seeds"] == [101, 102]
    # sim/parameters.py can take its defaults from this file (CALIBRATED_DEFAULTS).
    assert _representative_point(run / "posterior.json") == pytest.approx(post.representative)
