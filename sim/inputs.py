"""Checks shared by the model's public entry points: numbers, seeds and intervention lists.

Every check raises a one-line ValueError that names the setting and says what is allowed.
numpy scalars (``np.int64``, ``np.float32``, ``np.bool_``) count as the Python values they hold
and come back as Python values, so compiled code sees the same types whatever the caller used.
"""

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


def is_number(value: Any) -> bool:
    """True for a real number (Python or numpy), false for bools, strings and everything else."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def show(value: Any, width: int = 80) -> str:
    """``repr(value)`` on one line, cut to ``width`` characters (arrays print on many)."""
    text = " ".join(repr(value).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def as_python(value: Any) -> Any:
    """The Python value a numpy scalar holds (other values unchanged)."""
    return value.item() if isinstance(value, np.generic) else value


def require_counts(section: str, settings: Any, names: Sequence[str]) -> None:
    """Check that each attribute in ``names`` of ``settings`` is an int >= 1 (not a bool).

    Raises:
        ValueError: naming the first that is not, as ``section.name``.
    """
    for name in names:
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{section}.{name} = {value!r}; allowed: a whole number >= 1")


def whole_number(name: str, value: Any, low: int, high: float = math.inf) -> int:
    """``value`` as an int if it is a whole number in [low, high]; else ValueError naming it."""
    allowed = f"whole number in [{low}, {high}]" if high < math.inf else f"whole number >= {low}"
    if not is_number(value) or not math.isfinite(value) or not float(value).is_integer():
        raise ValueError(f"{name} = {show(value)}; allowed: {allowed}")
    if not low <= value <= high:
        raise ValueError(f"{name} = {show(value)} is out of range; allowed: {allowed}")
    return int(value)


def boolean(name: str, value: Any) -> bool:
    """``value`` as a bool if it is True or False (Python or numpy); else ValueError naming it."""
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} = {show(value)}; allowed: true or false")
    return bool(value)


_SEEDS = "None, a whole number >= 0, a list of them, or a numpy Generator or SeedSequence"


def seed(value: Any) -> Any:
    """A seed Mesa and numpy accept (numpy ints as Python ints); else ValueError naming ``rng``."""
    if value is None or isinstance(
        value, np.random.Generator | np.random.BitGenerator | np.random.SeedSequence
    ):
        return value
    if is_number(value):
        return whole_number("rng", value, 0)
    if isinstance(value, Sequence) and not isinstance(value, str) and value:
        return [whole_number("rng", v, 0) for v in value]
    raise ValueError(f"rng = {show(value)}; allowed: {_SEEDS}")


def intervention_list(value: Any) -> list[Any]:
    """A list of distinct intervention objects; else ValueError naming ``interventions``.

    ``sim.interventions.build`` returns a list: pass it, or several joined with ``+``.
    """
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(
            f"interventions = {show(value)}; allowed: a list of interventions, e.g. "
            "sim.interventions.build('mindfulness')"
        )
    items = list(value)
    for i, item in enumerate(items):
        if not (callable(getattr(item, "setup", None)) and callable(getattr(item, "apply", None))):
            raise ValueError(
                f"interventions[{i}] = {show(item)}; allowed: intervention objects (with setup "
                "and apply): pass build(...) itself or several joined with +, not a list of lists"
            )
        if any(item is other for other in items[:i]):
            raise ValueError(
                f"interventions[{i}] is the same object as an earlier entry; allowed: each "
                "intervention object once"
            )
    return items
