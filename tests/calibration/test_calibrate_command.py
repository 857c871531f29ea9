"""The calibration command: config checks, and a tiny end-to-end run writing every output."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.calibration import TARGETS
from experiments.calibrate import load_config, parse_config, run
from experiments.calibration_model import dosed_settings

ROOT = Path(__file__).resolve().parents[2]
TINY = [
    "budget=2",
    "seeds=[3]",
    "eval_seeds=[5,6]",
    "design.n_workers=100",
    "design.baseline_hospitals=1",
    "design.observe_weeks=26",
    "design.leadership_workers=400",
    "design.hospitals=3",
    "design.hospital_workers=100",
    "design.trial_workers=100",
    "pandemic.years=[2020,2021]",
]


def test_default_config_is_valid():
    """The shipped config parses: every parameter, dose, block and target is known."""
    space, blocks, design, start, doses = parse_config(load_config())
    names = {p.name for p in space}
    assert {"workload_effect", "leadership_effect", "physician_leadership_proximity"} <= names
    assert {"nonwork_strain", "moral_distress_trait_mean", "fatigue_weight"} <= names
    assert all(p.low <= start[p.name] <= p.high for p in space)
    assert {b.name for b in blocks} >= {"recruitment", "burnout", "wellbeing"}
    # No programme dose is fitted: strengths come from each programme's own evidence.
    assert "programmes" not in {b.name for b in blocks}
    assert design.hospitals >= 3 and not doses and not any(n.startswith("dose.") for n in names)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("method=annealing", "method"),
        ("budgte=3", "did you mean 'budget'"),
        ("budget=abc", "budget"),
        ("budget=0", "budget"),
        ("seeds=[]", "seeds"),
        ("+parameters.speed={low:0,high:1}", "not a model parameter"),
        ("parameters.workload_effect.high=99", "leaves the model's allowed"),
        ("parameters.workload_effect.low=4.5", "outside its search range"),
        ("design.hospitals=2", "design.hospitals"),
        ("+doses.individual_directed={low:0.5,high:2,scales:{mindfulness.speed:1}}", "no setting"),
    ],
)
def test_bad_config_is_refused_before_running(override, message):
    """Each bad setting raises ValueError naming it."""
    with pytest.raises(ValueError, match=message):
        parse_config(load_config([override]))


def test_doses_multiply_reference_settings_within_their_range():
    """A dose multiplies each setting's reference value and never passes its upper bound."""
    settings = dosed_settings(
        {"org": 3.0},
        {"org": {"leadership_development.points": 5.0, "workload_redesign.strength": 0.4}},
    )
    assert settings["leadership_development"]["points"] == pytest.approx(15.0)
    assert settings["workload_redesign"]["strength"] == pytest.approx(1.0)  # 0.4 x 3, capped


def test_dose_starts_where_the_current_defaults_are():
    """The start dose is the current default over the reference (2 after calibration)."""
    space, _, _, start, doses = parse_config(load_config())
    from sim.interventions import INTERVENTIONS

    for group, refs in doses.items():
        item, ref = next(iter(refs.items()))
        name, _, setting = item.partition(".")
        default = INTERVENTIONS[name].settings_spec()[setting].default
        assert start[f"dose.{group}"] == pytest.approx(default / ref, rel=0.01)


@pytest.mark.slow
def test_tiny_run_writes_every_output(tmp_path):
    """A tiny calibration writes the fit table, figures, calibrated set and run record."""
    calibrated = tmp_path / "calibrated.yaml"
    out = run([*TINY, f"output_dir={tmp_path / 'out'}", f"calibrated_path={calibrated}"])
    table = pd.read_csv(out / "fit_table.csv")
    assert set(table["target"]) == {t.name for t in TARGETS}
    assert table["model"].notna().all()
    assert (out / "fit_table.md").read_text().count("\n") == len(TARGETS) + 2
    assert len(list((out / "figures").glob("*.png"))) == len(TARGETS)
    later = pd.read_csv(out / "later_years.csv")
    assert list(later["year"]) == [2020, 2021]
    info = json.loads((out / "run_info.json").read_text())
    assert info["seeds"] == [3] and info["eval_seeds"] == [5, 6]
    assert info["provenance"]["versions"]["numpy"]
    written = yaml.safe_load(calibrated.read_text())
    assert set(written["model"]) == set(load_config().parameters)
    assert written["model"] == yaml.safe_load((out / "calibrated.yaml").read_text())["model"]


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
        ("budgte=3", "unknown argument 'budgte' (did you mean 'budget'?)"),
        pytest.param(
            "design.hospitls=4", "did you mean 'design.hospitals'", marks=pytest.mark.slow
        ),
        pytest.param(
            "experiment=quik",
            "experiment=quik is not one of the valid names (did you mean 'quick'",
            marks=pytest.mark.slow,
        ),
        pytest.param(
            "budget=0", "budget = 0; allowed: a whole number >= 1", marks=pytest.mark.slow
        ),
        pytest.param("screen=1.5", "screen = 1.5; allowed: [0, 1)", marks=pytest.mark.slow),
        pytest.param("design.hospitals=2", "design.hospitals = 2", marks=pytest.mark.slow),
        pytest.param("budget=abc", "full_key: budget", marks=pytest.mark.slow),
        pytest.param("seeds=[a]", "full_key: seeds[0]", marks=pytest.mark.slow),
        pytest.param("n_jobs=[2]", "n_jobs", marks=pytest.mark.slow),
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
    out = command("experiment=quick", "budget=3", "--cfg", "job")
    assert out.returncode == 0, out.stderr
    cfg = yaml.safe_load(out.stdout)
    assert cfg["budget"] == 3 and cfg["seeds"] == [11] and cfg["calibrated_path"] is None
    assert cfg["design"]["n_workers"] == 100 and "_recruitment_targets" not in cfg
    out = command("--help")
    assert out.returncode == 0, out.stderr
    assert "experiment=quick" in out.stdout and "initial_step: 0.6" in out.stdout


def test_documented_overrides_compose():
    """The README's and docs/calibration.md's command lines still compose and check."""
    for overrides in (
        ["budget=8", "seeds=[11]", "eval_seeds=[101,102]", "calibrated_path=null"],
        ["method=none", "calibrated_path=null"],
        ["budget=100", "seeds=[11,12,13]", "output_dir=outputs/x", "figures_dir=figs"],
        ["experiment=quick", "+parameters.intent_effect={low:0.5,high:2}"],
    ):
        cfg = load_config(overrides)
        space, *_ = parse_config(cfg)
        assert space
    assert load_config(["experiment=quick"]).budget == 4


@pytest.mark.slow
def test_quick_preset_runs_under_hydra(tmp_path):
    """``experiment=quick`` runs as a Hydra app into ``hydra.run.dir``, printed last."""
    out = command("experiment=quick", f"hydra.run.dir={tmp_path / 'run'}", timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == str(tmp_path / "run")
    info = json.loads((tmp_path / "run" / "run_info.json").read_text())
    assert info["command"] == "python -m experiments.calibrate experiment=quick"
    assert info["config"]["seeds"] == [11] and (tmp_path / "run" / "fit_table.csv").exists()
