"""Every assumption of the model is in a sensitivity space (issue: credible effect sizes).

A parameter whose default no listed source pins down ("assumption" in its source) must be
screened: it is in conf/sensitivity/assumptions.yaml (which extends workforce.yaml), or it is
fitted by the calibration (its uncertainty is the posterior's), or it is listed below with the
reason it cannot change the model's outcomes.
"""

import dataclasses
from pathlib import Path

import yaml

from sim.parameters import ModelParameters

CONF = Path(__file__).resolve().parents[1] / "conf"
NOT_SCREENED = {
    "n_workers": "the organization's size is the user's design choice, not an uncertain input",
    "rating_bias": "measurement only: shapes the simulated survey, not any outcome",
    "rating_noise_sd": "measurement only: shapes the simulated survey, not any outcome",
}


def _space(name: str) -> dict:
    spec = yaml.safe_load((CONF / "sensitivity" / f"{name}.yaml").read_text(encoding="utf-8"))
    merged: dict = {}
    for parent in spec.get("defaults", []):
        if isinstance(parent, str) and parent != "_self_":
            merged.update(_space(parent))
    merged.update(spec.get("parameters") or {})
    return merged


def _calibrated() -> set[str]:
    spec = yaml.safe_load((CONF / "calibration" / "calibration.yaml").read_text(encoding="utf-8"))
    return set(spec["parameters"])


def test_every_assumption_is_screened():
    screened = set(_space("assumptions")) | _calibrated() | set(NOT_SCREENED)
    missing = [
        f.name
        for f in dataclasses.fields(ModelParameters)
        if "assumption" in f.metadata.get("source", "")
        and f.metadata.get("low") is not None
        and f.name not in screened
    ]
    assert missing == [], f"assumptions outside every sensitivity space: {missing}"


def test_assumption_ranges_lie_inside_the_allowed_ranges():
    fields = {f.name: f.metadata for f in dataclasses.fields(ModelParameters)}
    space = _space("assumptions")
    assert len(space) >= 40
    for name, entry in space.items():
        meta = fields[name]
        assert meta["low"] <= entry["low"] < entry["high"] <= meta["high"], name
        assert len(entry["source"]) > 10, name
