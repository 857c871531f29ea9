"""One place for how the per-worker loops are compiled (numba, cached on disk) and run on threads.

Large models cut their posts into chunks of whole units (:func:`post_chunks`) and run a compiled
loop per chunk on a pool of Python threads (:func:`in_chunks`; the compiled loops release the
GIL). Each unit's posts fall in one chunk, so per-unit sums keep the serial order, and every draw
is counter-based (sim.random_streams): results do not depend on the number of threads. Python
threads rather than numba's ``prange``: compiled inside a parallel loop, a pass is optimized anew
in its caller, and with fast-math that moved some values by a bit (measured); called from Python,
each chunk runs the very function the serial step runs.

Besides the staffing and worker passes, a system's count of burned-out workers per unit
(sim.system.model.flag_counts) runs in these chunks. (The vacancy pass stays serial: run in
chunks, it needed a counting pass first to list leavers densely and cost more CPU than it saved
on 2 cores, measured at 3 million posts.) Costly probabilities are computed only where they
can change an outcome: a draw is first compared with a cheap upper bound of its probability
(sim.turnover.weekly_quit_bound, sim.workload.absence_bound, sim.violence.incident_kind,
sim.supervisors.supervisor_pass), so the passes skip most logarithms and exponentials with the
very same outcomes.
"""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from numba import njit

# error_model="numpy": division by zero gives inf/nan instead of raising, so loops stay branch
# free; fastmath lets the compiler reorder arithmetic (results stay fixed for a given build);
# nogil lets threads run compiled loops at once.
compiled = njit(cache=True, error_model="numpy", fastmath=True, nogil=True)
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
# take a few milliseconds and handing chunks to threads costs more than it saves.
PARALLEL_MIN_POSTS = 50_000
# Chunks per model: several per thread, so a thread slowed by other work on the machine leaves
# its remaining chunks to the others (each thread takes the next chunk when it is done). Measured
# at 3 million posts on the loaded 2-core machine: 16 chunks took 0.49-0.51 CPU-s a week, 64
# took 0.545 (more hand-overs), 4 balanced worse.
N_CHUNKS = 16

_pools: dict[int, ThreadPoolExecutor] = {}


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


def in_chunks(step: Callable[[int], None], n_chunks: int) -> Iterator[int]:
    """Run ``step(chunk)`` for every chunk; yield each chunk, in order, once it has run.

    One chunk runs here; several run on a pool of as many threads as numba may use
    (``numba.set_num_threads``), while the caller can use each finished chunk.
    """
    if n_chunks == 1:
        step(0)
        yield 0
        return
    threads = numba.get_num_threads()
    if threads not in _pools:
        _pools[threads] = ThreadPoolExecutor(threads, thread_name_prefix="sim-chunks")
    for chunk, done in enumerate(_pools[threads].map(step, range(n_chunks))):
        del done  # map re-raises a chunk's error here
        yield chunk
