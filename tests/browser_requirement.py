"""Whether the browser tests can run: Debian's Chromium, required under CI, optional elsewhere."""

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


def chromium_executable(
    default: Path = DEBIAN_CHROMIUM, search_path: str | None = None
) -> Path | None:
    """``/usr/bin/chromium`` if it exists, else ``chromium`` on PATH (or ``search_path``)."""
    if default.exists():
        return default
    found = shutil.which("chromium", path=search_path)
    return Path(found) if found else None


def skip_reason(executable: Path | None, env: Mapping[str, str] = os.environ) -> str | None:
    """Why browser tests are skipped, or None when they must run (Chromium found, or CI=true)."""
    if executable is not None or env.get("CI", "").lower() == "true":
        return None
    return (
        "Chromium not found (/usr/bin/chromium or chromium on PATH): "
        "apt-get install -y chromium to run the browser tests (required when CI=true)"
    )
