import json
import subprocess
import sys

import pandas as pd
import pytest

from sim import WorkforceModel

SCRIPT = (
    "import json; from sim import WorkforceModel; m = WorkforceModel(rng=11, n_workers=200);"
    " m.run_for(40); print(json.dumps(m.summary()))"
)


def run(seed: int) -> WorkforceModel:
    m = WorkforceModel(rng=seed, n_workers=200, pressure="pandemic_surge")
    m.run_for(60)
    return m


def test_same_seed_same_results():
    """The same rng gives identical weekly data, tables and departures."""
    a, b = run(5), run(5)
    pd.testing.assert_frame_equal(
        a.datacollector.get_model_vars_dataframe(), b.datacollector.get_model_vars_dataframe()
    )
    pd.testing.assert_frame_equal(a.worker_table(), b.worker_table())
    pd.testing.assert_frame_equal(a.departures(), b.departures())


def test_different_seeds_differ():
    """Different seeds give different runs."""
    a, b = run(5), run(6)
    assert a.summary() != b.summary()


@pytest.mark.slow
def test_same_seed_same_results_in_another_process():
    """A fresh interpreter reproduces the run exactly."""
    outputs = [
        subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    here = WorkforceModel(rng=11, n_workers=200)
    here.run_for(40)
    expected = pd.Series(json.loads(json.dumps(here.summary())))
    for out in outputs:
        assert pd.Series(json.loads(out.stdout)).equals(expected)
