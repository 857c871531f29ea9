"""The model's defaults are the calibrated set, and they land within each target's tolerance."""

import dataclasses
from pathlib import Path

import pytest
import yaml

from analysis.calibration import TARGETS, fit_table
from experiments.calibrate import evaluate
from experiments.calibration_model import Design, model_simulator
from sim.interventions import INTERVENTIONS
from sim.parameters import ModelParameters

ROOT = Path(__file__).resolve().parents[2]
CALIBRATED = yaml.safe_load((ROOT / "conf" / "calibrated.yaml").read_text(encoding="utf-8"))

# Targets the calibrated model does not reach, with the reason given in docs/calibration.md.
# Checked as misses (the 4-seed mean outside the published interval): if one starts landing
# inside, the documentation is out of date and the test says so. Not by the widened interval:
# 4 trial replicates have an s.e. near 0.06, so 2 s.e. can reach -0.28 by seed noise alone.
NOT_REACHED = {
    "organization_directed_smd": "single organizational changes sized from their own evidence "
    "give SMD of about -0.05 under the Aiken 2002 gradient and the survey-based leadership "
    "effects (docs/calibration.md)",
    "programme_prevalence_difference": "a typical programme lowers burnout by about 1 point at "
    "12 months against West 2016's 5-14 (docs/calibration.md)",
}


def test_model_defaults_are_the_calibrated_parameters():
    """Every calibrated model parameter is the default of sim/parameters.py (4 digits)."""
    defaults = {f.name: f.default for f in dataclasses.fields(ModelParameters)}
    for name, value in CALIBRATED["model"].items():
        assert defaults[name] == pytest.approx(value, rel=5e-4), name


def test_intervention_defaults_are_the_calibrated_doses():
    """Every dosed intervention setting is the default of its intervention class."""
    for name, settings in CALIBRATED["interventions"].items():
        spec = INTERVENTIONS[name].settings_spec()
        for setting, value in settings.items():
            assert spec[setting].default == pytest.approx(value, rel=5e-4), f"{name}.{setting}"


@pytest.fixture(scope="module")
def fit():
    """The fit table of the default model over 4 seeds (smaller design than the calibration)."""
    design = Design(baseline_hospitals=4, hospitals=8)
    _, table = evaluate(model_simulator(design), {}, [201, 202, 203, 204])
    return table.set_index("target")


@pytest.mark.slow
@pytest.mark.parametrize("target", [t.name for t in TARGETS if t.name not in NOT_REACHED])
def test_calibrated_default_lands_within_tolerance(fit, target):
    """The default model's mean over seeds lies inside the target's published interval.

    The interval is widened by twice the Monte Carlo standard error of the 4-seed mean, so that
    a target with a narrow interval (NSI's vacancy rate: 9.6-9.9 %) is not failed by seed noise.
    """
    row = fit.loc[target]
    assert row["within_mc"], (
        f"{target}: model {row['model']:.4g} (s.e. {row['se']:.2g}) outside "
        f"[{row['published_low']}, {row['published_high']}]"
    )


@pytest.mark.slow
@pytest.mark.parametrize("target", sorted(NOT_REACHED))
def test_known_misses_are_still_missed(fit, target):
    """Each documented miss still lies outside its interval (else docs/calibration.md is stale)."""
    row = fit.loc[target]
    assert not row["within"], f"{target} now reached ({row['model']:.4g}): {NOT_REACHED[target]}"


def test_fit_table_covers_every_target():
    """fit_table returns one row per target in TARGETS order when every value is present."""
    table = fit_table({t.name: [t.value] for t in TARGETS})
    assert list(table["target"]) == [t.name for t in TARGETS] and table["within"].all()
