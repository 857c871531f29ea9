"""Outputs that can be trusted: atomic writes and the provenance every output records.

Every experiment writes through these helpers, so that a crash or Ctrl-C never leaves a
half-written file (a temporary file in the same folder, then ``os.replace``), and every output
folder can say which code, versions, config and seeds made it.
"""

import hashlib
import json
import os
import platform
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

_UMASK = os.umask(0)
os.umask(_UMASK)
PACKAGES = ("burnout-sim", "mesa", "numpy", "numba", "scipy", "SALib", "hydra-core", "pandas")


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
    return write_text_atomic(path, json.dumps(data, indent=2, default=_plain) + "\n")


def save_npz_atomic(path: str | Path, **arrays: Any) -> Path:
    """Write arrays to an ``.npz`` file atomically."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.savez(handle, **arrays)
    return Path(path)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def git(*args: str) -> str | None:
    """Output of a git command run in this package's checkout, or None outside one."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def package_version(package: str) -> str | None:
    """Installed version of ``package``, or None."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def provenance() -> dict[str, Any]:
    """Git commit (and whether the tree had uncommitted changes), versions, host and time."""
    status = git("status", "--porcelain")
    return {
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "versions": {
            "python": platform.python_version(),
            **{name: package_version(name) for name in PACKAGES},
        },
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "written": datetime.now().isoformat(timespec="seconds"),
    }


def config_hash(config: Mapping[str, Any], seed: int | None = None) -> str:
    """A stable 16-hex-digit key of a config (as plain data) and a seed, for resuming runs."""
    text = json.dumps({"config": config, "seed": seed}, sort_keys=True, default=_plain)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
