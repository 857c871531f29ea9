"""One place for how the per-worker loops are compiled (numba, cached on disk), serial or parallel.

Loops over posts run over chunks of whole units (:func:`post_chunks`) with ``prange``: each
chunk belongs to one thread, so per-unit sums stay in the serial order and every draw is
counter-based (sim.random_streams); results do not depend on the number of threads. Small
models run the same source compiled without threads (:class:`Twins`): starting a parallel
region costs tens of microseconds, hundreds on a loaded 2-core machine (measured), more than a
1,000-worker week's whole pass.
"""

import types
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numba import njit, set_parallel_chunksize

# error_model="numpy": division by zero gives inf/nan instead of raising, so loops stay branch
# free; fastmath lets the compiler reorder arithmetic (results stay fixed for a given build);
# nogil lets Python threads run compiled passes at once (sim.worker_chunks).
compiled = njit(cache=True, error_model="numpy", fastmath=True, nogil=True)
compiled_parallel = njit(cache=True, error_model="numpy", fastmath=True, parallel=True)
# Sums that must come out as one serial loop's, in post order: every fast-math flag but
# reassociation, so the compiler neither reorders nor vectorizes them (it still fuses a
# multiply and add as the serial loops do).
compiled_in_order = njit(
    cache=True,
    error_model="numpy",
    fastmath={"nnan", "ninf", "nsz", "arcp", "contract", "afn"},
    nogil=True,
)

# Assumption (measured on the project's 2-core machine): below this many posts a week's passes
# take well under a millisecond and threads cost more than they save.
PARALLEL_MIN_POSTS = 50_000
# Chunks per parallel loop: several per thread, so a thread slowed by other work on the machine
# leaves its remaining chunks to the others (dynamic scheduling, one chunk at a time).
N_CHUNKS = 64


class Twins(NamedTuple):
    """A chunked loop compiled twice: without threads and with ``prange`` on threads.

    Calling it with the chunk bounds first picks the parallel version when there is more than one
    chunk (:func:`post_chunks` gives one chunk to small models).
    """

    serial: Callable[..., Any]
    parallel: Callable[..., Any]

    def __call__(self, chunks: np.ndarray, *args: Any) -> Any:
        """Run the loop over ``chunks``: on threads, one chunk at a time, when there are several."""
        if chunks.size <= 2:
            return self.serial(chunks, *args)
        old = set_parallel_chunksize(1)
        try:
            return self.parallel(chunks, *args)
        finally:
            set_parallel_chunksize(old)


def twins(fn: Callable[..., Any]) -> Twins:
    """Compile ``fn`` serial and parallel; the parallel copy is renamed so disk caches differ."""
    name = fn.__name__ + "_parallel"
    copy = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    copy.__qualname__ = fn.__qualname__ + "_parallel"
    copy.__doc__ = fn.__doc__
    return Twins(compiled(fn), compiled_parallel(copy))


def post_chunks(unit: np.ndarray, n_chunks: int = N_CHUNKS) -> np.ndarray:
    """Bounds of about ``n_chunks`` runs of posts of nearly equal size, cut between units.

    ``unit`` must be sorted (posts are laid out unit by unit, sim.organization.build_layout), so
    each unit's posts fall in one chunk. Models under :data:`PARALLEL_MIN_POSTS` get one chunk.
    """
    n = unit.size
    if n < PARALLEL_MIN_POSTS or n_chunks < 2:
        return np.array([0, n], dtype=np.int64)
    if np.any(np.diff(unit) < 0):
        raise ValueError("posts must be laid out unit by unit for parallel loops")
    targets = np.arange(1, n_chunks) * n // n_chunks
    # Move each cut forward to the first post of a unit.
    cuts = np.searchsorted(unit, unit[targets], side="left")
    cuts = np.where(cuts < targets, np.searchsorted(unit, unit[targets], side="right"), cuts)
    return np.unique(np.concatenate(([0], cuts, [n]))).astype(np.int64)
