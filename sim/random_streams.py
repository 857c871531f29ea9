"""Counter-based random numbers for the compiled passes.

Each week the model draws one 64-bit key from its numpy Generator; the compiled passes then
derive every worker's draws as a hash of (key, post, slot) with SplitMix64 (Steele, Lea & Flood
2014, the seeding generator of Java's SplittableRandom and of xoshiro). A draw depends only on the
seed, the week, the post and the slot, so results are fixed by the seed and do not depend on the
order of the loop; no array of random numbers has to be drawn and stored per worker each week.
"""

import numpy as np

from sim.jit import compiled

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_SLOTS = np.uint64(16)  # draws available per post and week
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_IRWIN_HALL_SCALE = np.sqrt(3.0)  # sum of 4 uniforms has variance 1/3


class WeekKeys:
    """Keys for each week's counter-based draws, drawn from the model's Generator in blocks."""

    BLOCK = 64

    def __init__(self) -> None:
        self._keys = np.zeros(0, dtype=np.uint64)
        self._next = 0

    def next(self, rng: np.random.Generator) -> np.uint64:
        """The next week's key (a new block of keys is drawn every ``BLOCK`` weeks)."""
        if self._next == self._keys.size:
            self._keys = rng.integers(0, 2**63, size=self.BLOCK, dtype=np.int64).view(np.uint64)
            self._next = 0
        self._next += 1
        return self._keys[self._next - 1]


@compiled
def uniform(key: np.uint64, post: int, slot: int) -> float:
    """Uniform draw in [0, 1) for (key, post, slot): SplitMix64 of the counter."""
    z = key + (np.uint64(post) * _SLOTS + np.uint64(slot) + np.uint64(1)) * _GOLDEN
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    return float(z >> _S11) * _TO_UNIT


@compiled
def offset_key(key: np.uint64, first_post: int) -> np.uint64:
    """Key whose draws for post ``i`` are ``key``'s for post ``first_post + i``.

    The counter is ``key + (post x 16 + slot + 1) x golden``, modulo 2**64, so shifting the key
    by ``first_post x 16 x golden`` shifts the posts: a pass over a slice of the posts (a chunk on
    one thread, sim.worker_chunks) draws the same numbers as the pass over all of them.
    """
    return key + np.uint64(first_post) * _SLOTS * _GOLDEN


@compiled
def standard_normal(key: np.uint64, post: int, slot: int) -> float:
    """Approximately standard-normal draw: Irwin-Hall sum of four uniforms, centred and scaled.

    Assumption: weekly noise needs the right mean and variance, not normal tails; this form is
    bounded at +-3.46 and costs four hashes instead of a logarithm and a cosine. Uses slots
    ``slot`` to ``slot + 3``.
    """
    total = (
        uniform(key, post, slot)
        + uniform(key, post, slot + 1)
        + uniform(key, post, slot + 2)
        + uniform(key, post, slot + 3)
    )
    return (total - 2.0) * _IRWIN_HALL_SCALE
