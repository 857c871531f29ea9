"""Posterior ensembles: round trip, validation, deterministic weighted draws."""

import numpy as np
import pandas as pd
import pytest

from sim.posterior import Posterior, load_posterior, save_posterior


def _posterior(n: int = 5) -> Posterior:
    draws = pd.DataFrame(
        {"exhaustion_rate": np.linspace(0.01, 0.02, n), "job_market": np.linspace(0.5, 1.5, n)}
    )
    return Posterior(
        name="toy",
        draws=draws,
        weights=np.arange(1, n + 1, dtype=float),
        representative={"exhaustion_rate": 0.015, "job_market": 1.0},
        provenance={"method": "test"},
    )


def test_round_trip(tmp_path):
    post = _posterior()
    table, info = save_posterior(post, tmp_path / "toy")
    assert table.name == "toy.parquet" and info.name == "toy.json"
    back = load_posterior(tmp_path / "toy.parquet")
    pd.testing.assert_frame_equal(back.draws, post.draws)
    np.testing.assert_allclose(back.weights, post.weights)
    assert back.representative == post.representative
    assert back.provenance == {"method": "test"}
    stored = pd.read_parquet(table)
    assert list(stored.columns) == ["exhaustion_rate", "job_market", "weight"]


def test_draws_follow_weights_and_are_prefix_stable():
    post = _posterior()
    long = post.draw_indices(20000, seed=3)
    assert np.array_equal(post.draw_indices(50, seed=3), long[:50])
    shares = np.bincount(long, minlength=5) / long.size
    np.testing.assert_allclose(shares, post.weights, atol=0.015)
    assert post.parameter_set(0) == {"exhaustion_rate": 0.01, "job_market": 0.5}


@pytest.mark.parametrize(
    ("draws", "message"),
    [
        (pd.DataFrame({"nosuch": [1.0]}), "not model parameters"),
        (pd.DataFrame({"exhaustion_rate": [np.nan]}), "exhaustion_rate"),
        (pd.DataFrame({"job_market": [-1.0]}), "allowed range"),
        (pd.DataFrame({"job_market": []}), "no parameter sets"),
    ],
)
def test_bad_ensembles_are_rejected(draws, message):
    with pytest.raises(ValueError, match=message):
        Posterior("bad", draws, np.ones(len(draws)), {})


def test_unknown_name_lists_shipped(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        load_posterior("no_such_posterior")
