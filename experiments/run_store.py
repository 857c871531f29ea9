"""Stored runs of the main comparison: validated on read, claimed while they are computed.

A run is stored under ``<root>/<key>.npz`` (its weekly metrics, cost totals and seed), the key a
hash of everything that determines it. After the data, a completion record ``<key>.json`` is
written, atomically like the data: the SHA-256 of the data file and the shapes it must have. A
run counts as stored only if both files are there and agree: the record's checksum matches the
file, the arrays have the expected shapes (``horizon_weeks`` rows) and the seed is the run's.
Anything else (a file cut short, emptied, a week short, written by other code, or data without
its record) is *invalid*: :meth:`RunStore.problem` says why, and the caller recomputes the run.

Jobs that share the store (two commands, or the jobs of one command) claim a (scenario, seed)
pair with a lock file (``<root>/claims/<pair key>.lock``, :mod:`filelock`) while they compute its
arms: a second job waits for the first, then finds the arms stored, so no run is computed twice
and no file is written by two jobs at once. The operating system releases the lock of a job that
dies, so a killed job leaves no stale claim.
"""

import hashlib
import io
import json
import logging
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from experiments.records import save_npz_atomic, write_json_atomic

log = logging.getLogger(__name__)

MISSING = "missing"
"""The problem of a run never stored (or whose data file was removed)."""


@dataclass(frozen=True)
class RunShape:
    """The shape every stored run of one comparison has.

    Attributes:
        weeks: Rows of ``weekly`` (the horizon).
        metrics: Columns of ``weekly`` (the model's weekly metrics).
        costs: Entries of ``costs`` (the ledger's cost items).
    """

    weeks: int
    metrics: int
    costs: int


@dataclass(frozen=True)
class StoredRun:
    """One run read back from the store."""

    weekly: np.ndarray
    costs: np.ndarray


class InvalidRun(RuntimeError):
    """A stored run that is missing or fails its checks; the message names it and says why."""


class RunStore:
    """The runs of one comparison under ``root``, all of shape ``shape``."""

    def __init__(self, root: str | Path, shape: RunShape) -> None:
        self.root = Path(root)
        self.shape = shape

    def data_path(self, key: str) -> Path:
        """The run's data file."""
        return self.root / f"{key}.npz"

    def record_path(self, key: str) -> Path:
        """The run's completion record, written after its data."""
        return self.root / f"{key}.json"

    def save(self, key: str, seed: int, weekly: np.ndarray, costs: np.ndarray) -> Path:
        """Store a run: its data, then its completion record (each atomically)."""
        expected = (self.shape.weeks, self.shape.metrics)
        if weekly.shape != expected or costs.shape != (self.shape.costs,):
            raise ValueError(
                f"run {key}: shapes {weekly.shape}, {costs.shape}; expected {expected}, "
                f"({self.shape.costs},)"
            )
        path = save_npz_atomic(self.data_path(key), weekly=weekly, costs=costs, seed=seed)
        record = {
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "weekly_shape": list(weekly.shape),
            "costs_shape": list(costs.shape),
            "seed": int(seed),
        }
        write_json_atomic(self.record_path(key), record)
        return path

    def load(self, key: str, seed: int) -> StoredRun:
        """Read a run back, checked.

        Raises:
            InvalidRun: If it is missing or invalid, naming the file and the reason.
        """
        run, problem = self._read(key, seed)
        if run is None:
            raise InvalidRun(f"stored run {self.data_path(key)} is {problem}")
        return run

    def problem(self, key: str, seed: int) -> str | None:
        """None if the run is stored and valid; else :data:`MISSING` or what is wrong with it."""
        return self._read(key, seed)[1]

    def _read(self, key: str, seed: int) -> tuple[StoredRun | None, str | None]:
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
                run = StoredRun(stored["weekly"], stored["costs"])
                stored_seed = int(stored["seed"])
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
            return None, f"invalid (unreadable data: {type(error).__name__}: {error})"
        expected = (self.shape.weeks, self.shape.metrics)
        if run.weekly.shape != expected:
            return None, f"invalid (weekly shape {run.weekly.shape}, expected {expected})"
        if run.costs.shape != (self.shape.costs,):
            return None, f"invalid (costs shape {run.costs.shape}, expected ({self.shape.costs},))"
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
        """Hold the claim on a (scenario, seed) pair, waiting while another job holds it."""
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
