"""The system fit's code path on a tiny system, and its record against the market's defaults."""

import json

import numpy as np
import pytest

from experiments.system_fit import (
    FIT_FILE,
    FITTED,
    FitPlan,
    fit,
    main,
    to_coordinates,
    to_values,
)
from sim.system import MarketParameters

TINY = (
    {"type": "community_hospital", "size": 150, "count": 2},
    {"type": "long_term_care", "size": 100, "pay": 0.9},
)


def test_coordinates_map_onto_the_bounds_and_back():
    values = to_values(np.array([-50.0, 50.0, 0.0, 0.0, 0.0, 0.0]))
    first, second = FITTED[0], FITTED[1]
    assert values[first.name] == pytest.approx(first.low)
    assert values[second.name] == pytest.approx(second.high)
    middle = {f.name: (f.low + f.high) / 2 for f in FITTED}
    assert to_values(to_coordinates(middle)) == pytest.approx(middle)


def test_the_fit_runs_on_a_tiny_system_and_records_every_target():
    plan = FitPlan(organizations=TINY, seeds=(1,), burn_in_weeks=8, horizon_weeks=20, max_evals=3)
    record = fit(plan)
    assert set(record["best"]) == {f.name for f in FITTED}
    assert record["evaluations"] >= 3 and len(record["history"]) >= 3
    assert record["loss_best"] <= record["loss_start"] + 1e-9
    assert all({"band", "before", "after", "inside"} <= set(row) for row in record["targets"])
    json.dumps(record)  # the record is plain JSON


def test_the_market_defaults_are_the_recorded_fit():
    record = json.loads(FIT_FILE.read_text(encoding="utf-8"))
    defaults = MarketParameters()
    for name, value in record["best"].items():
        assert getattr(defaults, name) == pytest.approx(value, abs=1e-3), name
        assert MarketParameters.__dataclass_fields__[name].metadata["source"].startswith("fitted")


def test_the_command_documents_itself(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    assert "Nelder-Mead" in capsys.readouterr().out
