"""Outputs that can be trusted: atomic writes and the provenance every output records.

Every experiment writes through the atomic helpers (defined in :mod:`artifacts.atomic`,
re-exported here), so that a crash or Ctrl-C never leaves a half-written file, and every output
folder can say which code, versions, config and seeds made it.
"""

import hashlib
import json
import os
import platform
import subprocess
from collections.abc import Mapping
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from artifacts.atomic import (
    atomic_path,
    json_default,
    save_npz_atomic,
    write_json_atomic,
    write_text_atomic,
)

__all__ = [
    "atomic_path",
    "config_hash",
    "provenance",
    "save_npz_atomic",
    "write_json_atomic",
    "write_text_atomic",
]

PACKAGES = ("burnout-sim", "mesa", "numpy", "numba", "scipy", "SALib", "hydra-core", "pandas")


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
    text = json.dumps({"config": config, "seed": seed}, sort_keys=True, default=json_default)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
