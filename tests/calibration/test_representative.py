"""The representative point: common random numbers, ranking, refinement to a known optimum."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.calibration import Target
from experiments.calibrate_abc import AbcSettings, Prior, run_abc
from experiments.calibrate_representative import (
    CrnEvaluator,
    Evaluation,
    RepresentativeSettings,
    choose_representative,
)
from experiments.calibration_model import Design

NOISE_SD = 0.004
TARGETS = (
    Target("x", "x", 0.3, 0.29, 0.31, "toy", "+-0.01", percent=False),
    Target("y", "y", 0.7, 0.69, 0.71, "toy", "+-0.01", percent=False),
)
# Known optimum of the noise-free toy: x = a = 0.3 and y = b^2 + a / 2 = 0.7.
A_STAR, B_STAR = 0.3, math.sqrt(0.7 - 0.15)
PRIORS = (Prior("a", 0.0, 1.0, "toy"), Prior("b", 0.0, 1.0, "toy"))


class Toy:
    """Two outputs of two parameters with small noise; a seed gives the same noise for any
    parameters (common random numbers); no seed draws from numpy's global generator (ABC)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, params, seed=None):
        self.calls += 1
        rng = np.random if seed is None else np.random.default_rng(seed)
        z = rng.normal(0.0, NOISE_SD, 2)
        a, b = float(params["a"]), float(params["b"])
        return {"x": a + z[0], "y": b * b + a / 2 + z[1]}


def test_refinement_recovers_the_known_optimum_from_an_abc_posterior(tmp_path):
    """ABC-SMC (two generations, a wide posterior) then the choice: the refined point hits both
    narrow targets and lies at the toy's optimum, though no particle need be that close."""
    toy = Toy()
    abc = run_abc(
        toy,
        PRIORS,
        TARGETS,
        {},
        AbcSettings(population_size=40, max_generations=2, jobs=1, seed=3),
        tmp_path / "abc.db",
    )
    settings = RepresentativeSettings(candidates=3, seeds=(1, 2, 3), refine_evaluations=60)
    choice = choose_representative(
        toy, abc.draws, abc.weights, abc.distances, PRIORS, settings, Design(), TARGETS
    )
    assert choice.best.stage == "refine" and choice.best.hits == 2
    assert choice.params["a"] == pytest.approx(A_STAR, abs=0.01)
    assert choice.params["b"] == pytest.approx(B_STAR, abs=0.02)
    candidates = [e for e in choice.evaluations if e.stage == "candidate"]
    assert choice.best.loss <= min(e.loss for e in candidates)
    table = choice.table()
    assert table["chosen"].sum() == 1 and len(table) == len(choice.evaluations) <= 3 + 60
    refined = table[table["stage"] == "refine"]
    for p in PRIORS:  # inside the posterior's quantile box
        low, high = choice.box[p.name]
        assert refined[p.name].between(low - 1e-12, high + 1e-12).all()


def test_candidates_share_seeds_and_the_cache_resumes(tmp_path):
    """Every set is simulated on the same seeds; a second evaluator with the same cache file
    simulates nothing again and scores the same."""
    toy = Toy()
    cache = tmp_path / "evaluations.jsonl"
    sets = [{"a": 0.3, "b": B_STAR}, {"a": 0.5, "b": 0.5}]
    first = CrnEvaluator(toy, (1, 2), TARGETS, cache=cache).evaluate(sets, "candidate", ["0", "1"])
    assert toy.calls == 4
    # Common random numbers: the two sets' x differ by exactly their a, seed by seed.
    for r0, r1 in zip(first[0].rows, first[1].rows, strict=True):
        assert r1["x"] - r0["x"] == pytest.approx(0.2, abs=1e-12)
    again = CrnEvaluator(toy, (1, 2), TARGETS, cache=cache)
    second = again.evaluate(sets, "candidate", ["0", "1"])
    assert toy.calls == 4 and again.simulations == 0
    assert [e.loss for e in second] == [e.loss for e in first]


def test_ranking_puts_targets_hit_before_the_loss():
    """More targets inside their interval wins over a smaller loss."""
    more_hits = Evaluation("candidate", "a", {}, (), 2, 2, 5.0)
    smaller_loss = Evaluation("candidate", "b", {}, (), 1, 1, 1.0)
    assert min([smaller_loss, more_hits], key=lambda e: e.rank_key()) is more_hits
    assert min([more_hits, smaller_loss], key=lambda e: e.rank_key("loss")) is smaller_loss
    more_mc = Evaluation("candidate", "c", {}, (), 1, 3, 9.0)
    assert min([more_hits, more_mc], key=lambda e: e.rank_key("hits_mc")) is more_mc


def test_no_refinement_and_defaults_as_a_reference():
    """refine_evaluations=0 keeps the best candidate; the defaults are reported, not chosen."""
    toy = Toy()
    draws = pd.DataFrame({"a": [0.2, 0.3, 0.6], "b": [0.7, B_STAR, 0.2]})
    settings = RepresentativeSettings(candidates=3, seeds=(1, 2), refine_evaluations=0)
    choice = choose_representative(
        toy,
        draws,
        [1.0, 1.0, 1.0],
        [0.3, 0.2, 0.1],
        PRIORS,
        settings,
        Design(),
        TARGETS,
        defaults={"a": A_STAR, "b": B_STAR},
    )
    assert [e.stage for e in choice.evaluations] == ["candidate"] * 3 + ["defaults"]
    assert choice.best.stage == "candidate" and choice.best.label == "1"
    assert choice.provenance()["chosen"] == {"stage": "candidate", "label": "1"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"seeds": ()}, "representative.seeds"),
        ({"candidates": 0}, "representative.candidates"),
        ({"refine_evaluations": -1}, "representative.refine_evaluations"),
        ({"method": "bfgs"}, "representative.method"),
        ({"box_low": 0.9, "box_high": 0.5}, "representative.box_low"),
        ({"step": 0.0}, "representative.step"),
        ({"refine_minutes": 0}, "representative.refine_minutes"),
        ({"refine_from_defaults": "yes"}, "representative.refine_from_defaults"),
        ({"rank": "best"}, "representative.rank"),
    ],
)
def test_bad_settings_name_the_setting(changes, message):
    with pytest.raises(ValueError, match=message):
        RepresentativeSettings(**changes)


def test_evaluation_design_overrides_are_checked():
    """Unknown design keys and out-of-range values name ``representative.design``."""
    with pytest.raises(ValueError, match="representative.design.hospitls"):
        RepresentativeSettings(design={"hospitls": 3}).evaluation_design(Design())
    with pytest.raises(ValueError, match="representative.design.hospitals"):
        RepresentativeSettings(design={"hospitals": 2}).evaluation_design(Design())
    precise = RepresentativeSettings(design={"hospitals": 16}).evaluation_design(
        Design(hospitals=4)
    )
    assert precise.hospitals == 16


def test_a_resumed_choice_simulates_nothing_again(tmp_path):
    """With ``resume`` the cache replays the whole choice, refinement included; without it the
    cache is started anew."""
    toy = Toy()
    draws = pd.DataFrame({"a": [0.2, 0.3, 0.6, 0.4], "b": [0.7, 0.5, 0.2, 0.9]})
    settings = RepresentativeSettings(candidates=2, seeds=(1, 2), refine_evaluations=12)
    args = (toy, draws, [1.0] * 4, [0.3, 0.2, 0.1, 0.4], PRIORS, settings, Design(), TARGETS)
    cache = tmp_path / "evaluations.jsonl"
    first = choose_representative(*args, cache=cache)
    calls = toy.calls
    again = choose_representative(*args, cache=cache, resume=True)
    assert toy.calls == calls and again.simulations == 0 and again.params == first.params
    choose_representative(*args, cache=cache)
    assert toy.calls == 2 * calls


def test_refinement_can_start_from_the_defaults_inside_the_box():
    """refine_from_defaults adds a start at the defaults projected into the box; the defaults'
    own evaluation is never the choice."""
    toy = Toy()
    draws = pd.DataFrame({"a": [0.2, 0.25, 0.6, 0.4], "b": [0.5, 0.45, 0.6, 0.55]})
    settings = RepresentativeSettings(
        candidates=2, seeds=(1, 2), refine_evaluations=20, refine_from_defaults=True
    )
    choice = choose_representative(
        toy,
        draws,
        [1.0] * 4,
        [0.3, 0.2, 0.1, 0.4],
        PRIORS,
        settings,
        Design(),
        TARGETS,
        defaults={"a": A_STAR, "b": 0.95},
    )
    table = choice.table()
    from_defaults = table[table["label"].str.startswith("2.")]
    assert len(from_defaults) and choice.best.stage == "refine"
    assert from_defaults["b"].max() <= choice.box["b"][1] + 1e-12  # projected into the box
