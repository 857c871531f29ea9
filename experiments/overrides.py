"""Command-line overrides of a driver: Hydra's flags and ``--multirun`` split off, sweeps expanded.

Sweeps (``a,b``, ``range(...)``, ``choice(...)``) are parsed by Hydra's public override parser
and expanded as Hydra's basic sweeper does (the cartesian product, in the order given), so a
driver knows every point before it launches anything.
"""

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException


def parse_args(argv: Sequence[str]) -> tuple[list[str], bool]:
    """Split ``--multirun``/``-m`` from the overrides.

    Raises:
        ValueError: On any other ``-`` option.
    """
    multirun = False
    overrides = []
    for arg in argv:
        if arg in ("--multirun", "-m"):
            multirun = True
        elif arg.startswith("-"):
            raise ValueError(f"unknown option {arg!r}; allowed: --multirun (-m) and key=value")
        else:
            overrides.append(arg)
    return overrides, multirun


SKIP_CHECK = frozenset(
    {"-sc", "--shell-completion", "--hydra-help", "--version", "--experimental-rerun"}
    | {"-cn", "--config-name", "-cp", "--config-path", "-cd", "--config-dir"}
)
"""Flags after which Hydra alone reads the command line (completion, other configs)."""

WITH_VALUE = frozenset({"-c", "--cfg", "-p", "--package"})
"""Hydra's flags that take the next argument as their value."""

FLAGS = frozenset({"-h", "--help", "-i", "--info", "--resolve"})
"""Hydra's flags without a value (``--info`` takes one optionally)."""

INSPECTION = frozenset({"-h", "--help", "-i", "--info", "-c", "--cfg"})
"""Hydra's flags that show the config or the usage and run nothing."""


def overrides_to_check(argv: Sequence[str]) -> list[str] | None:
    """The overrides of ``argv`` (``-m`` kept, Hydra's flags and their values dropped).

    None when Hydra alone reads the command line (tab completion, another config, a flag that
    is not one of Hydra's).
    """
    args, kept = list(argv), []
    while args:
        arg = args.pop(0)
        if arg in SKIP_CHECK or arg.split("=", 1)[0] in SKIP_CHECK:
            return None
        if arg in WITH_VALUE:
            if args:
                args.pop(0)
        elif arg in ("-i", "--info"):
            if args and not args[0].startswith("-") and "=" not in args[0]:
                args.pop(0)
        elif arg.startswith("-") and arg not in ("-m", "--multirun"):
            if arg not in FLAGS:
                return None  # not Hydra's: its own error message
        else:
            kept.append(arg)
    return kept


def override_key(override: str) -> str:
    """The key of ``key=value`` without its ``+``, ``++`` or ``~`` prefix."""
    return override.split("=", 1)[0].lstrip("+~")


def sweep_points(overrides: Sequence[str], multirun: bool) -> tuple[list[list[str]], set[str]]:
    """The override lists of each point of the sweep (one list without ``--multirun``).

    Returns:
        The points, and the keys swept.

    Raises:
        ValueError: On malformed overrides, or a sweep given without ``--multirun``.
    """
    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
        sweeps = [o for o in parsed if o.is_sweep_override()]
        if not multirun:
            if sweeps:
                listed = ", ".join(o.input_line for o in sweeps)
                raise ValueError(f"{listed}: a sweep needs --multirun")
            return [list(overrides)], set()
        values = [
            [f"{o.get_key_element()}={v}" for v in o.sweep_string_iterator()]
            if o.is_sweep_override()
            else [str(o.input_line)]
            for o in parsed
        ]
    except HydraException as error:
        raise ValueError(str(error).replace("\n", " ")) from error
    points = [list(point) for point in itertools.product(*values)]
    return points, {o.key_or_group for o in sweeps}


def is_given(overrides: Sequence[str], key: str) -> bool:
    """Whether the command line sets ``key``."""
    return any("=" in o and override_key(o) == key for o in overrides)


def point_folder(out_dir: Path, number: int, point: Sequence[str], swept: set[str]) -> Path:
    """Folder of one sweep point: ``<number>_<swept key=value,...>`` (out_dir if no sweep)."""
    if not swept:
        return out_dir
    parts = [o for o in point if override_key(o) in swept]
    slug = re.sub(r"[^A-Za-z0-9_.=,+-]+", "_", ",".join(parts))[:120]
    return out_dir / f"{number:03d}_{slug}"
