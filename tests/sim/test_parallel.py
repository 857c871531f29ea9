"""The weekly passes on threads give the same numbers as one serial pass (sim.jit, issue 14)."""

import numba
import numpy as np
import pytest

from experiments.system_benchmark import national_groups
from sim.interventions import build
from sim.jit import PARALLEL_MIN_POSTS, post_chunks
from sim.random_streams import offset_key, uniform
from sim.system import HealthSystem


def test_chunks_hold_whole_units() -> None:
    """Chunk bounds cut only between units; small models get one chunk."""
    unit = np.repeat(np.arange(4000), 25)
    chunks = post_chunks(unit, 16)
    assert chunks[0] == 0 and chunks[-1] == unit.size and np.all(np.diff(chunks) > 0)
    assert np.all(unit[chunks[1:-1]] != unit[chunks[1:-1] - 1])
    assert post_chunks(np.zeros(PARALLEL_MIN_POSTS - 1, dtype=np.intp)).tolist() == [0, 49_999]


def test_an_offset_key_shifts_the_posts() -> None:
    """A pass over a slice starting at post a draws what the whole pass draws for post a + i."""
    key = np.uint64(0xFEEDFACECAFEBEEF)
    for first in (0, 1, 12_345, 2_999_999):
        for i, slot in ((0, 0), (7, 5), (100, 15)):
            shifted = np.uint64(offset_key(key, first))  # numba returns a Python int
            assert uniform(shifted, i, slot) == uniform(key, first + i, slot)


def _state(m: HealthSystem) -> list[np.ndarray]:
    s = m.workers
    return [
        s.real,
        s.flags,
        s.violence_ring,
        s.vacancy_phase,
        m.wellbeing_classes,
        m.tallies.values,
        m.unit_state,
        m.unit_load,
        m.ledger.totals,
        m.org_sums,
        m.market.stocks,
    ]


def _run(serial: bool, threads: int) -> list[np.ndarray]:
    m = HealthSystem(
        national_groups(60_000),
        rng=12,
        pressure="pandemic_surge",
        interventions=[*build("mindfulness"), *build("safe_staffing")],
        burn_in_weeks=0,
        collect_data=False,
        market={},
    )
    if serial:
        m.workers.chunks = np.array([0, m.workers.size])
    assert (m.workers.chunks.size > 2) != serial
    before = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        m.run_for(12)
    finally:
        numba.set_num_threads(before)
    return [a.copy() for a in _state(m)]


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_threads_give_the_serial_pass_bit_for_bit() -> None:
    """Every state array and sum is the same serial, on one thread and on two."""
    serial = _run(serial=True, threads=1)
    for threads in (1, 2):
        for a, b in zip(serial, _run(serial=False, threads=threads), strict=True):
            np.testing.assert_array_equal(a, b)
