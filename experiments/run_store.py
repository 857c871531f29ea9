"""Stored runs of the experiments: validated on read, claimed while they are computed.

A run is stored under ``<root>/<key>.npz`` (its named arrays and seed), the key a
hash of everything that determines it. After the data, a completion record ``<key>.json`` is
written, atomically like the data: the SHA-256 of the data file and the shapes it must have. A
run counts as stored only if both files are there and agree: the record's checksum matches the
file, the arrays have the expected shapes (``horizon_weeks`` rows) and the seed is the run's.
Anything else (a file cut short, emptied, a week short, written by other code, or data without
its record) is *invalid*: :meth:`RunStore.problem` says why, and the caller recomputes the run.

Jobs that share the store (two commands, or the jobs of one command) claim a group of runs (a
(scenario, replicate) pair of the comparison, a piece of the sensitivity design) with a lock file
(``<root>/claims/<key>.lock``, :mod:`filelock`) while they compute it: a second job waits for the
first, then finds the runs stored, so no run is computed twice and no file is written by two jobs
at once. The operating system releases the lock of a job that dies, so a killed job leaves no
stale claim.
"""

import hashlib
import io
import json
import logging
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from experiments.records import save_npz_atomic, write_json_atomic

log = logging.getLogger(__name__)

MISSING = "missing"
"""The problem of a run never stored (or whose data file was removed)."""


class InvalidRun(RuntimeError):
    """A stored run that is missing or fails its checks; the message names it and says why."""


class RunStore:
    """Stored runs under ``root``, each a set of named arrays of the shapes ``shapes`` gives.

    The main comparison stores ``weekly`` (weeks x metrics) and ``costs`` per run; the
    sensitivity analysis ``Y`` (rows x outputs) per batch of its design.
    """

    def __init__(self, root: str | Path, shapes: Mapping[str, tuple[int, ...]]) -> None:
        self.root = Path(root)
        self.shapes = {name: tuple(shape) for name, shape in shapes.items()}

    def data_path(self, key: str) -> Path:
        """The run's data file."""
        return self.root / f"{key}.npz"

    def record_path(self, key: str) -> Path:
        """The run's completion record, written after its data."""
        return self.root / f"{key}.json"

    def save(self, key: str, seed: int, **arrays: np.ndarray) -> Path:
        """Store a run: its data, then its completion record (each atomically).

        ``seed`` is the run's seed (or another number that identifies it), checked when read.
        """
        shapes = {name: tuple(np.shape(value)) for name, value in arrays.items()}
        if shapes != self.shapes:
            raise ValueError(f"run {key}: shapes {shapes}; expected {self.shapes}")
        path = save_npz_atomic(self.data_path(key), **arrays, seed=seed)
        record = {
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            **{f"{name}_shape": list(shape) for name, shape in shapes.items()},
            "seed": int(seed),
        }
        write_json_atomic(self.record_path(key), record)
        return path

    def load(self, key: str, seed: int) -> dict[str, np.ndarray]:
        """Read a run back, checked.

        Raises:
            InvalidRun: If it is missing or invalid, naming the file and the reason.
        """
        run, problem = self._read(key, seed)
        if run is None:
            raise InvalidRun(f"stored run {self.data_path(key)} is {problem}")
        return run

    def load_or_recompute(
        self, key: str, seed: int, recompute: Callable[[], object], name: str
    ) -> dict[str, np.ndarray]:
        """Read a run back; one found invalid (not missing) is recomputed by ``recompute`` first.

        Raises:
            RuntimeError: If the run is missing (``name`` says which run it is).
        """
        try:
            return self.load(key, seed)
        except InvalidRun:
            if self.problem(key, seed) == MISSING:
                raise RuntimeError(f"{name} is missing ({self.data_path(key)})") from None
        recompute()
        return self.load(key, seed)

    def problem(self, key: str, seed: int) -> str | None:
        """None if the run is stored and valid; else :data:`MISSING` or what is wrong with it."""
        return self._read(key, seed)[1]

    def _read(self, key: str, seed: int) -> tuple[dict[str, np.ndarray] | None, str | None]:
        data, record_path = self.data_path(key), self.record_path(key)
        try:
            raw = data.read_bytes()
        except FileNotFoundError:
            return None, MISSING
        except OSError as error:
            return None, f"invalid (unreadable: {error})"
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, "invalid (no completion record: unfinished, or older code)"
        except (OSError, ValueError) as error:
            return None, f"invalid (unreadable completion record: {error})"
        if not isinstance(record, dict) or hashlib.sha256(raw).hexdigest() != record.get("sha256"):
            return None, f"invalid (checksum differs from {record_path.name}: changed or cut short)"
        try:
            with np.load(io.BytesIO(raw)) as stored:
                run = {name: stored[name] for name in self.shapes}
                stored_seed = int(stored["seed"])
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
            return None, f"invalid (unreadable data: {type(error).__name__}: {error})"
        for name, expected in self.shapes.items():
            if run[name].shape != expected:
                return None, f"invalid ({name} shape {run[name].shape}, expected {expected})"
        if stored_seed != int(seed):
            return None, f"invalid (seed {stored_seed}, expected {seed})"
        return run, None

    def invalid(self, key: str, seed: int) -> bool:
        """Whether the run must be computed; an invalid (not just missing) one is logged."""
        problem = self.problem(key, seed)
        if problem is not None and problem != MISSING:
            log.warning("stored run %s is %s: recomputing it", self.data_path(key), problem)
        return problem is not None

    def _lock(self, pair_key: str) -> FileLock:
        folder = self.root / "claims"
        folder.mkdir(parents=True, exist_ok=True)
        return FileLock(folder / f"{pair_key}.lock")

    @contextmanager
    def claim(self, pair_key: str) -> Iterator[None]:
        """Hold the claim on a group of runs, waiting while another job holds it."""
        with self._lock(pair_key):
            yield

    def claimed_elsewhere(self, pair_key: str) -> bool:
        """Whether another job holds the pair's claim right now (a hint: it may change)."""
        lock = self._lock(pair_key)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return True
        lock.release()
        return False
