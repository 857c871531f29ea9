"""The worker pass in chunks of whole units, on threads for large models (sim.jit.in_chunks).

Each chunk runs :func:`sim.weekly_pass.worker_pass` itself, the same compiled function the
serial step runs, on views of its posts, with the week's key shifted so that every post gets its
own draws (sim.random_streams.offset_key): every worker's state comes out as in one serial pass.
Each chunk's tallies go to their own row; counts add up exactly in any order, and the sums of
real values (whose rounding depends on their order) are added in post order by
:func:`sim.tallies.add_worker_sums`, chunk by chunk as the chunks finish.
"""

from typing import Any

import numpy as np

from sim.jit import in_chunks
from sim.layout import N_TALLIES, UI_OVERTIME
from sim.random_streams import offset_key
from sim.tallies import COUNTED, add_worker_sums
from sim.weekly_pass import worker_pass


def worker_pass_in_chunks(chunks: np.ndarray, *args: Any) -> None:
    """:func:`sim.weekly_pass.worker_pass` (``args``) over ``chunks``; one chunk runs it whole."""
    if chunks.size <= 2:
        worker_pass(*args)
        return
    real, flags, unit, role, classes, ring, inputs, post_levers, unit_levers = args[:9]
    c, log_job_market, key, leaving, reasons, tallies = args[9:]
    rows = np.zeros((chunks.size - 1, N_TALLIES))

    def chunk(ch: int) -> None:
        a, b = int(chunks[ch]), int(chunks[ch + 1])
        per_post = (real[:, a:b], flags[:, a:b], unit[a:b], role[a:b], classes[a:b], ring[:, a:b])
        shifted = np.uint64(offset_key(key, a))
        week = (c, log_job_market, shifted, leaving[a:b], reasons[a:b], rows[ch])
        worker_pass(*per_post, inputs, post_levers[:, a:b], unit_levers, *week)

    rates = (inputs[UI_OVERTIME], c.safety_incident_rate)
    for ch in in_chunks(chunk, chunks.size - 1):
        # While the threads step later chunks, this thread adds up the finished one.
        add_worker_sums(chunks[ch], chunks[ch + 1], real, flags, unit, role, *rates, tallies)
    tallies[COUNTED] += rows[:, COUNTED].sum(axis=0)
