"""The worker pass in chunks of whole units, on threads for large models (sim.jit.in_chunks).

Each chunk runs :func:`sim.weekly_pass.worker_pass` itself, the same compiled function the
serial step runs, on views of its posts, with the week's key shifted so that every post gets its
own draws (sim.random_streams.offset_key): every worker's state comes out as in one serial pass.
Each chunk's counts go to their own row (whole numbers add up exactly in any order); the sums of
real values (whose rounding depends on their order) are kept per unit by the pass and added in
unit order by :func:`sim.tallies.add_unit_sums`, the same however the posts were cut.
"""

from typing import Any

import numpy as np

from sim.jit import in_chunks
from sim.layout import N_TALLIES
from sim.random_streams import offset_key
from sim.tallies import COUNTED, add_unit_sums
from sim.weekly_pass import worker_pass


def worker_pass_in_chunks(chunks: np.ndarray, *args: Any) -> None:
    """:func:`sim.weekly_pass.worker_pass` (``args``) over ``chunks``; one chunk runs it whole.

    Then the units' sums of real values (``args[-1]``) are added to the tallies in unit order.
    """
    tallies, unit_real_sums = args[-2:]
    if chunks.size <= 2:
        worker_pass(*args)
        add_unit_sums(unit_real_sums, tallies)
        return
    real, flags, unit, role, classes, ring, inputs, post_levers, unit_levers = args[:9]
    c, log_job_market, key, leaving, reasons = args[9:14]
    rows = np.zeros((chunks.size - 1, N_TALLIES))

    def chunk(ch: int) -> None:
        a, b = int(chunks[ch]), int(chunks[ch + 1])
        per_post = (real[:, a:b], flags[:, a:b], unit[a:b], role[a:b], classes[a:b], ring[:, a:b])
        shifted = np.uint64(offset_key(key, a))
        week = (c, log_job_market, shifted, leaving[a:b], reasons[a:b], rows[ch])
        # Units lie whole in one chunk: each chunk writes its own units' columns.
        worker_pass(*per_post, inputs, post_levers[:, a:b], unit_levers, *week, unit_real_sums)

    for _ in in_chunks(chunk, chunks.size - 1):
        pass
    tallies[COUNTED] += rows[:, COUNTED].sum(axis=0)
    add_unit_sums(unit_real_sums, tallies)
