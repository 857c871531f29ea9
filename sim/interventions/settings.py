"""Settings of an intervention: declared with defaults and allowed ranges, validated up front.

Every setting is declared once as a :class:`Setting` (default, range or choices, meaning). An
intervention class lists its own defaults; :func:`validate` rejects unknown names with the list
of valid ones and each bad value with the setting's name, the value and what is allowed, before
anything runs. Each rule is its own small function with its own message.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.inputs import is_number, show

ELIGIBILITY_NAMES = ("all", "high_risk")
MODES = ("sustained", "crisis")
CRISIS_SCOPES = ("unit", "organization")


@dataclass(frozen=True)
class Setting:
    """One setting: its default, inclusive bounds (numbers) or choices (names), and meaning."""

    default: Any
    meaning: str
    low: float | None = None
    high: float | None = None
    integer: bool = False
    optional: bool = False  # None allowed (e.g. a duration of None = sustained)
    choices: tuple[str, ...] | None = None


def _number(name: str, value: Any, spec: Setting) -> float:
    """A real number (Python or numpy), finite even where a bound is open."""
    if not is_number(value):
        raise ValueError(
            f"setting {name!r} = {show(value)} must be a number in [{spec.low}, {spec.high}]"
        )
    if not math.isfinite(value):
        raise ValueError(f"setting {name!r} = {show(value)}; allowed: [{spec.low}, {spec.high}]")
    return float(value)


def _check_range(name: str, value: float, spec: Setting) -> None:
    low = -math.inf if spec.low is None else spec.low
    high = math.inf if spec.high is None else spec.high
    if not low <= value <= high:
        raise ValueError(
            f"setting {name!r} = {show(value)} is out of range; allowed: [{spec.low}, {spec.high}]"
        )


def _check_integer(name: str, value: float, spec: Setting) -> None:
    if spec.integer and not float(value).is_integer():
        raise ValueError(
            f"setting {name!r} = {show(value)} must be a whole number; allowed: whole number in "
            f"[{spec.low}, {spec.high}]"
        )


def _check_choice(name: str, value: Any, spec: Setting) -> None:
    if not isinstance(value, str) or value not in (spec.choices or ()):
        raise ValueError(
            f"setting {name!r} = {show(value)}; allowed values: {', '.join(spec.choices or ())}"
        )


def _check_eligibility(value: Any) -> Any:
    """'all', 'high_risk', or a list of unit indices (checked against the model in setup)."""
    if isinstance(value, str):
        if value not in ELIGIBILITY_NAMES:
            raise ValueError(
                f"setting 'eligibility' = {show(value)}; allowed: 'all', 'high_risk' or a list of "
                "unit indices"
            )
        return value
    if isinstance(value, Sequence) or (isinstance(value, np.ndarray) and value.ndim == 1):
        units = list(value)
        if not units or any(
            not isinstance(u, int | np.integer) or isinstance(u, bool) or u < 0 for u in units
        ):
            raise ValueError(
                f"setting 'eligibility' = {show(value)}; a unit list must hold whole numbers >= 0"
            )
        return tuple(sorted({int(u) for u in units}))
    raise ValueError(
        f"setting 'eligibility' = {show(value)}; allowed: 'all', 'high_risk' or a list of unit "
        "indices"
    )


def validate(specs: dict[str, Setting], given: dict[str, Any], owner: str) -> dict[str, Any]:
    """Merge ``given`` over the defaults of ``specs`` and validate every value.

    Raises:
        ValueError: an unknown setting (listing the valid ones) or a value out of range.
    """
    unknown = sorted(set(given) - set(specs))
    if unknown:
        raise ValueError(
            f"{owner}: unknown setting(s) {unknown}; valid settings are: {', '.join(sorted(specs))}"
        )
    values: dict[str, Any] = {}
    for name, spec in specs.items():
        value = given.get(name, spec.default)
        if name == "eligibility":
            values[name] = _check_eligibility(value)
            continue
        if value is None:
            if not spec.optional:
                raise ValueError(
                    f"setting {name!r} may not be None; allowed: [{spec.low}, {spec.high}]"
                )
            values[name] = None
            continue
        if spec.choices is not None:
            _check_choice(name, value, spec)
            values[name] = value
            continue
        number = _number(name, value, spec)
        _check_range(name, number, spec)
        _check_integer(name, number, spec)
        values[name] = int(number) if spec.integer else number
    _check_crisis_thresholds(values)
    return values


def _check_crisis_thresholds(values: dict[str, Any]) -> None:
    """The crisis mode stops at a lower burnout level than it starts (hysteresis)."""
    on, off = values.get("crisis_on"), values.get("crisis_off")
    if on is not None and off is not None and not off < on:
        raise ValueError(
            f"setting 'crisis_off' = {off!r} must be below 'crisis_on' = {on!r} (the programme "
            "stops when burnout falls back below a lower level than the one that started it)"
        )
