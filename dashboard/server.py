"""Serve the teaching dashboard on this machine until stopped (Ctrl-C).

Usage::

    python -m dashboard --port 8765 [--host 127.0.0.1]
    make dashboard ARGS="--port 8765"

(``python -m experiments.dashboard`` still works: an alias of this command.) The page
(dashboard/app.py) is served by Solara in production mode. It needs no internet:
Solara's browser assets come from the ``solara-assets`` package, Mesa's plot grid from the
Vue 2 widgets pinned in pyproject.toml, and the version check and usage telemetry are off.
"""

import argparse
import logging
import os
from collections.abc import Sequence

import matplotlib

APP_MODULE = "dashboard.app"
DEFAULT_PORT = 8765
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
INSTALL_EXTRA = 'pip install -c constraints.txt -e ".[dashboard]"'


def check_port(port: int) -> int:
    """A TCP port to listen on: a whole number in [1, 65535]."""
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValueError(f"setting 'port' = {port!r}; allowed: a whole number in [1, 65535]")
    return port


def check_host(host: str) -> str:
    """The address to listen on; only this machine (the dashboard is for a local classroom)."""
    if host not in LOCAL_HOSTS:
        raise ValueError(f"setting 'host' = {host!r}; allowed: {', '.join(LOCAL_HOSTS)}")
    return host


def solara_arguments(port: int, host: str) -> list[str]:
    """Arguments for ``solara run`` that serve the page offline in production mode."""
    return [
        "run",
        APP_MODULE,
        "--host",
        check_host(host),
        "--port",
        str(check_port(port)),
        "--production",
        "--no-open",
        "--no-check-version",
        "--log-level",
        "warning",
    ]


def missing_extra() -> str | None:
    """Why the page cannot be served (the ``[dashboard]`` extra is not installed), or None."""
    try:
        import mesa.visualization  # noqa: F401
        import solara  # noqa: F401
    except ImportError as error:
        return f"the dashboard needs the [dashboard] extra ({error}); install it: {INSTALL_EXTRA}"
    return None


def serve(port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> None:
    """Serve the dashboard at ``http://host:port`` until the process is stopped."""
    args = solara_arguments(port, host)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # no calls out
    matplotlib.use("Agg")  # a server draws off screen; set here, never when importing the page
    logging.getLogger("MESA").setLevel(logging.WARNING)
    from solara.__main__ import cli

    print(f"Teaching dashboard at http://{host}:{port} (Ctrl-C stops it)", flush=True)
    cli(args)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``--port`` and ``--host``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (1-65535)")
    parser.add_argument("--host", default="127.0.0.1", help="127.0.0.1, localhost or ::1")
    options = parser.parse_args(argv)
    try:
        solara_arguments(options.port, options.host)
    except ValueError as error:
        parser.error(str(error))
    problem = missing_extra()
    if problem:
        parser.error(problem)
    serve(options.port, options.host)


if __name__ == "__main__":
    main()
