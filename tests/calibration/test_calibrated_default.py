"""The calibrated defaults: the shipped ABC-SMC posterior's representative point."""

import dataclasses
import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import sim.parameters
from analysis.calibration import TARGETS
from experiments.calibrate import load_config, parse_config
from sim.parameters import (
    CALIBRATED_FIELDS,
    DEFAULT_POSTERIOR_INFO,
    ModelParameters,
    _representative_point,
)
from sim.posterior import load_posterior

SHIPPED_FIELDS = set(CALIBRATED_FIELDS)
SHIPPED_TARGETS = {t.name for t in TARGETS}


@pytest.fixture(scope="module")
def shipped():
    return load_posterior("default")


def test_model_defaults_are_the_posteriors_representative_point(shipped):
    """Every calibrated field's default is the shipped posterior's representative point, to the
    last digit: the calibration command wrote them (no hand-copied numbers)."""
    assert sim.parameters.CALIBRATED_DEFAULTS == "default"
    assert DEFAULT_POSTERIOR_INFO.name == "default.json"
    defaults = {f.name: f.default for f in dataclasses.fields(ModelParameters)}
    stored = _representative_point()
    assert set(stored) == set(CALIBRATED_FIELDS) == set(shipped.representative)
    for name in CALIBRATED_FIELDS:
        assert defaults[name] == stored[name] == shipped.representative[name], name


def test_representative_point_is_the_best_evaluated_set(shipped):
    """The representative point is the evaluated set ranked first (targets inside, then loss)
    on the common seeds at the precise design, as documented, and lies in the posterior's box."""
    record = shipped.provenance["representative"]
    assert record["rank"] == "hits" and record["seeds"]
    evaluated = [e for e in record["evaluations"] if e["stage"] != "defaults"]
    best = min(evaluated, key=lambda e: (-e["hits"], e["loss"]))
    assert (best["stage"], best["label"]) == (record["chosen"]["stage"], record["chosen"]["label"])
    for name, (low, high) in record["box"].items():
        assert low - 1e-9 <= shipped.representative[name] <= high + 1e-9, name


def test_shipped_posterior_is_an_ensemble_with_provenance(shipped):
    """At least 200 weighted sets, within the priors, with targets, priors, seeds, settings and
    code version recorded."""
    assert len(shipped) >= 200 and np.isclose(shipped.weights.sum(), 1.0)
    info = shipped.provenance
    assert {t["name"] for t in info["targets"]} == SHIPPED_TARGETS
    priors = {p["name"]: p for p in info["priors"]}
    assert set(priors) == SHIPPED_FIELDS == set(shipped.parameters)
    for name, prior in priors.items():
        values = shipped.draws[name]
        assert prior["low"] <= values.min() and values.max() <= prior["high"], name
        assert prior["source"], name
    assert len(info["git_commit"]) == 40 and info["method"].startswith("ABC-SMC (pyabc")
    assert info["settings"]["population_size"] == len(shipped)
    assert info["seeds"]["pilot"] and info["seeds"]["eval"]


def test_shipped_priors_are_the_configs(shipped):
    """The posterior was calibrated under the priors the config now gives (else re-run)."""
    plan = parse_config(load_config())
    now = {p.name: (p.low, p.high) for p in plan.priors if p.name in SHIPPED_FIELDS}
    then = {p["name"]: (p["low"], p["high"]) for p in shipped.provenance["priors"]}
    assert now == then
    assert {p.name for p in plan.priors} == SHIPPED_FIELDS


def test_shipped_coverage_meets_the_issue(shipped):
    """At least 90 % of published intervals overlap the 90 % posterior predictive interval."""
    coverage = shipped.provenance["coverage"]
    assert coverage["targets"] == len(SHIPPED_TARGETS)
    assert coverage["hit"] >= 0.9 * coverage["targets"]


def test_missing_or_bad_posterior_file_fails_clearly(tmp_path):
    """Without the shipped posterior the defaults cannot be read: one clear error."""
    with pytest.raises(RuntimeError, match="missing or unreadable.*restore it"):
        _representative_point(tmp_path / "default.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"representative": {"job_market": "high"}}))
    with pytest.raises(RuntimeError, match="must map parameter names to numbers"):
        _representative_point(bad)


def test_defaults_switch_back_to_the_point_fit_by_one_name():
    """sim/parameters.py with CALIBRATED_DEFAULTS = "point_fit" takes every calibrated default
    from sim/posteriors/point_fit.json (the previous defaults, kept with their provenance)."""
    path = Path(sim.parameters.__file__)
    line = 'CALIBRATED_DEFAULTS = "default"'
    source = path.read_text(encoding="utf-8")
    assert source.count(line) == 1
    module = types.ModuleType("switched_parameters")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    switched = compile(source.replace(line, 'CALIBRATED_DEFAULTS = "point_fit"'), path, "exec")
    try:
        exec(switched, vars(module))
    finally:
        del sys.modules[module.__name__]
    point = json.loads(path.with_name("posteriors").joinpath("point_fit.json").read_text())
    defaults = {f.name: f.default for f in dataclasses.fields(module.ModelParameters)}
    assert module.DEFAULT_POSTERIOR_INFO.name == "point_fit.json"
    assert {name: defaults[name] for name in module.CALIBRATED_FIELDS} == point["representative"]
    calibrated = [
        f for f in dataclasses.fields(module.ModelParameters) if f.name in point["representative"]
    ]
    assert all("sim/posteriors/point_fit.json" in f.metadata["source"] for f in calibrated)
