"""The same small comparison through the basic and joblib launchers (submitit: next file)."""

import pandas as pd
import pytest
from test_compare_job import TINY

from experiments import compare

# The job tests' tiny comparison (2 arms x 2 seeds), one scenario, launcher chosen below.
SMALL = [
    *(o for o in TINY if not o.startswith(("hydra/launcher=", "scenario="))),
    "scenario=[baseline]",
]
LAUNCHERS = {
    "basic": ["hydra/launcher=basic"],
    "joblib": ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
}


def run_through(launchers: dict[str, list[str]], tmp_path) -> None:
    """Run SMALL through each launcher; assert every output equals the first launcher's."""
    outputs = {}
    for name, launcher in launchers.items():
        out = compare.run(
            [
                *SMALL,
                *launcher,
                f"output_dir={tmp_path / name}",
                f"runs_dir={tmp_path / name / 'runs'}",
            ]
        )
        outputs[name] = out
        assert len(list((out / "runs").glob("*.npz"))) == 4
    frames = {
        name: [pd.read_csv(out / "summary.csv"), pd.read_parquet(out / "weekly.parquet")]
        for name, out in outputs.items()
    }
    first, *others = launchers
    for name in others:
        for left, right in zip(frames[first], frames[name], strict=True):
            pd.testing.assert_frame_equal(left, right)


@pytest.mark.slow
def test_basic_and_joblib_launchers_give_identical_numbers(tmp_path):
    """In-process jobs and jobs in loky worker processes give the same numbers."""
    run_through(LAUNCHERS, tmp_path)
