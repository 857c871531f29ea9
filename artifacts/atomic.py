"""Atomic writes: a reader sees the whole file or none of it.

A temporary file in the same folder, then ``os.replace``, so that a crash or Ctrl-C never
leaves a half-written file. Neutral ground: :mod:`analysis`, :mod:`experiments` and the
dashboard all write through these helpers.
"""

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds.

    For writers that want a file name (``DataFrame.to_parquet``, ``Figure.savefig``)::

        with atomic_path(out / "weekly.parquet") as tmp:
            frame.to_parquet(tmp)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; give the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` so that readers see the whole file or none of it."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json_atomic(path: str | Path, data: Any) -> Path:
    """Write ``data`` as indented JSON, atomically (numpy scalars and paths become plain)."""
    return write_text_atomic(path, json.dumps(data, indent=2, default=json_default) + "\n")


def save_npz_atomic(path: str | Path, **arrays: Any) -> Path:
    """Write arrays to an ``.npz`` file atomically."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
    return Path(path)


def json_default(value: Any) -> Any:
    """``json.dumps`` fallback: numpy scalars and arrays as plain Python, anything else as text."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
