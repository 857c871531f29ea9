"""Alias kept for old command lines: ``python -m experiments.dashboard`` is ``python -m dashboard``.

The teaching dashboard lives in its own package (dashboard/); this module only forwards to its
server command and imports no solara.
"""

from dashboard.server import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
