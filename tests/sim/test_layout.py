"""sim.layout: every row constant is its name's row, and the old import paths still work."""

import numpy as np
import pytest

from sim import layout
from sim.model import WorkforceModel

# Each layout and the prefix of its row constants.
LAYOUTS = {
    "R": layout.REAL_FIELDS,
    "F": layout.FLAG_FIELDS,
    "P": layout.POST_LEVERS,
    "U": layout.UNIT_LEVERS,
    "UI": layout.UNIT_INPUTS,
    "US": layout.UNIT_STATE,
    "UL": layout.UNIT_LOAD,
    "S": layout.UNIT_SUMS,
    "C": layout.COST_ITEMS,
    "E": layout.WEEKLY_EVENT_KEYS,
    "D": layout.DEPARTURE_COLUMNS,
}


@pytest.mark.parametrize("prefix", sorted(LAYOUTS))
def test_each_constant_is_its_names_row(prefix: str) -> None:
    """``<PREFIX>_<NAME>`` == the row of ``name``, for every name and no other constant."""
    names = LAYOUTS[prefix]
    assert len(set(names)) == len(names)
    for row, name in enumerate(names):
        assert getattr(layout, f"{prefix}_{name.upper()}") == row
    constants = {n for n in vars(layout) if n.startswith(f"{prefix}_") and n.isupper()}
    assert constants == {f"{prefix}_{name.upper()}" for name in names}
    index = getattr(layout, prefix, None)
    if index is not None:
        assert index == {name: row for row, name in enumerate(names)}


def test_tally_offsets_tile_the_tallies() -> None:
    """The tally blocks follow each other without gaps or overlaps."""
    blocks = sorted((value, name) for name, value in vars(layout).items() if name.startswith("T_"))
    sizes = {
        "T_HEADCOUNT": layout.N_ROLES,
        "T_BURNED": layout.N_ROLES,
        "T_OVERTIME": layout.N_ROLES,
        "T_CLASSES": 3,
        "T_INCIDENTS": layout.N_VIOLENCE_TYPES,
        "T_ABSENT_HOURS": layout.N_ROLES,
    }
    position = 0
    for value, name in blocks:
        assert value == position, name
        position += sizes.get(name, 1)
    assert position == layout.N_TALLIES


def test_old_import_paths() -> None:
    """Names other modules, tests and experiments import keep working."""
    from sim.accounting import COST_ITEMS
    from sim.modifiers import POST_LEVERS, UNIT_LEVERS, P, U
    from sim.state import FLAG_FIELDS, REAL_FIELDS, VIOLENCE_TYPES, F, R
    from sim.turnover import DEPARTURE_COLUMNS
    from sim.unit_pass import UL, UNIT_LOAD, UNIT_STATE, US
    from sim.week_close import WEEKLY_EVENT_KEYS
    from sim.weekly_pass import UI, UNIT_INPUTS

    assert (COST_ITEMS, DEPARTURE_COLUMNS, WEEKLY_EVENT_KEYS) == (
        layout.COST_ITEMS,
        layout.DEPARTURE_COLUMNS,
        layout.WEEKLY_EVENT_KEYS,
    )
    assert (POST_LEVERS, UNIT_LEVERS, P, U) == (
        layout.POST_LEVERS,
        layout.UNIT_LEVERS,
        layout.P,
        layout.U,
    )
    assert (FLAG_FIELDS, REAL_FIELDS, VIOLENCE_TYPES, F, R) == (
        layout.FLAG_FIELDS,
        layout.REAL_FIELDS,
        layout.VIOLENCE_TYPES,
        layout.F,
        layout.R,
    )
    assert (UL, UNIT_LOAD, UNIT_STATE, US, UI, UNIT_INPUTS) == (
        layout.UL,
        layout.UNIT_LOAD,
        layout.UNIT_STATE,
        layout.US,
        layout.UI,
        layout.UNIT_INPUTS,
    )


def test_unit_sums_rows_are_what_the_staffing_pass_writes() -> None:
    """The staffing pass's sums match the worker state at the start of the week."""
    model = WorkforceModel(rng=3, n_workers=120, burn_in_weeks=0)
    s, n = model.workers, model.n_units
    headcount = np.bincount(s.unit, s.filled, n)
    exhaustion = np.bincount(s.unit, s.exhaustion * s.filled, n)
    model.step()
    sums = model._unit_sums
    np.testing.assert_array_equal(sums[layout.S_HEADCOUNT], headcount)
    np.testing.assert_allclose(sums[layout.S_EXHAUSTION_SUM], exhaustion, rtol=1e-12)
    assert (sums[layout.S_PRESENT] <= headcount).all() and (sums[layout.S_PRESENT] > 0).all()
    assert (sums[layout.S_STAFF_HOURS] > 0).all()
