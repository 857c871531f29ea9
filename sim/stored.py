"""Defaults read from the record of the command that estimated them (no hand-copied numbers).

The calibrated defaults (sim.parameters, from ``python -m experiments.calibrate``) and the
labour market's fitted defaults (sim.system.market, from ``python -m experiments.system_fit``)
are read at import from the JSON records those commands write.
"""

import json
from dataclasses import field
from pathlib import Path
from typing import Any

from sim.inputs import is_number


def stored_point(path: Path, key: str, command: str) -> dict[str, float]:
    """The mapping ``key`` of the JSON record at ``path``: parameter names to numbers.

    Calibrated and fitted defaults are read this way from the record the command that
    estimates them writes (``command``), so no estimated number is copied by hand.

    Raises:
        RuntimeError: the file is missing or unreadable, or ``key`` is not a mapping of numbers.
    """
    try:
        point = json.loads(path.read_text(encoding="utf-8")).get(key)
    except (OSError, ValueError) as error:
        raise RuntimeError(
            f"{path} is missing or unreadable ({error}); defaults come from it: restore it "
            f"(git checkout) or run `{command}`"
        ) from error
    if not isinstance(point, dict) or not all(is_number(v) for v in point.values()):
        raise RuntimeError(f"{path}: '{key}' must map parameter names to numbers")
    return {str(k): float(v) for k, v in point.items()}


def stored_param(
    point: dict[str, float], path: Path, command: str, name: str, bounds: tuple, source: str
) -> Any:
    """Declare a parameter whose default is ``point[name]`` (from :func:`stored_point`)."""
    if name not in point:
        raise RuntimeError(
            f"{path} has no value for {name!r}; re-run `{command}` with it among the estimated "
            "parameters"
        )
    return field(
        default=point[name], metadata={"low": bounds[0], "high": bounds[1], "source": source}
    )
