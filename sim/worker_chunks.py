"""The worker pass on threads: each thread steps chunks of whole units (sim.jit.post_chunks).

Each chunk runs :func:`sim.weekly_pass.worker_pass` itself, the same compiled function the
serial step calls, on views of its posts, with the week's key shifted so that every post gets
its own draws (sim.random_streams.offset_key): every worker's state comes out as in one serial
pass. The chunks run on a pool of Python threads (the compiled pass releases the GIL) rather
than in a numba ``prange`` loop: compiled inside a parallel loop, the pass is optimized anew in
its caller, and with fast-math that moved some values by a bit (measured). Each chunk's tallies
go to their own row; counts add up exactly in any order, and the sums of real values (whose
rounding depends on their order) are added in post order by :func:`sim.tallies.add_worker_sums`,
chunk by chunk as the chunks finish. Small models run the serial pass directly (sim.jit.Twins).
"""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numba
import numpy as np

from sim.jit import Twins
from sim.layout import N_TALLIES, UI_OVERTIME
from sim.random_streams import offset_key
from sim.tallies import COUNTED, add_worker_sums
from sim.weekly_pass import worker_pass

_pools: dict[int, ThreadPoolExecutor] = {}


def _pool() -> ThreadPoolExecutor:
    """A pool of as many threads as numba may use (numba.set_num_threads), kept for reuse."""
    n = numba.get_num_threads()
    if n not in _pools:
        _pools[n] = ThreadPoolExecutor(max_workers=n, thread_name_prefix="worker-pass")
    return _pools[n]


def _serial(chunks: np.ndarray, *args: Any) -> None:
    """The serial pass (one chunk: the chunk bounds are not needed)."""
    worker_pass(*args)


def _parallel(chunks: np.ndarray, *args: Any) -> None:
    """The pass over ``chunks`` on threads; ``args`` as :func:`sim.weekly_pass.worker_pass`."""
    real, flags, unit, role, classes, ring, inputs, post_levers, unit_levers = args[:9]
    c, log_job_market, key, leaving, reasons, tallies = args[9:]
    rows = np.zeros((chunks.size - 1, N_TALLIES))

    def chunk(ch: int) -> None:
        a, b = int(chunks[ch]), int(chunks[ch + 1])
        per_post = (real[:, a:b], flags[:, a:b], unit[a:b], role[a:b], classes[a:b], ring[:, a:b])
        shifted = np.uint64(offset_key(key, a))
        week = (c, log_job_market, shifted, leaving[a:b], reasons[a:b], rows[ch])
        worker_pass(*per_post, inputs, post_levers[:, a:b], unit_levers, *week)

    # While the threads step later chunks, this thread adds up each finished chunk in order.
    rates = (inputs[UI_OVERTIME], c.safety_incident_rate)
    for ch, done in enumerate(_pool().map(chunk, range(chunks.size - 1))):
        del done  # re-raises a chunk's error here
        add_worker_sums(chunks[ch], chunks[ch + 1], real, flags, unit, role, *rates, tallies)
    tallies[COUNTED] += rows[:, COUNTED].sum(axis=0)


WORKER_PASS = Twins(_serial, _parallel)
"""The worker pass: on threads for models cut into several chunks, else serial."""
