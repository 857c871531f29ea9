"""``key=value`` command lines for the experiments that are not Hydra apps (trial, crisis).

Values are read as Python literals where they parse (numbers, lists, true/false, null), else
kept as text. ``settings.KEY`` goes to an intervention's settings, ``params.KEY`` to the model's
parameters, and any other key must be a field of the experiment's config dataclass.
"""

import ast
import dataclasses
from typing import Any


def parse_value(text: str) -> Any:
    """Read a command-line value: number, true/false, null/None, list, or a plain string."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "none", "~"):
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_key_values[Config](argv: list[str], config: Config) -> Config:
    """Set ``config``'s fields from ``key=value`` arguments; return it.

    ``config`` is a dataclass with dict fields ``settings`` and ``params``; fields typed ``str``
    keep their value as text (``intervention=123`` stays ``"123"``).

    Raises:
        ValueError: an argument without ``=``, or an unknown key (the valid ones are listed).
    """
    fields = {f.name: f for f in dataclasses.fields(config) if f.name not in ("settings", "params")}
    for arg in argv:
        key, eq, raw = arg.lstrip("+").partition("=")
        if not eq:
            raise ValueError(f"argument {arg!r} is not key=value")
        value = parse_value(raw)
        if key in fields:
            text = fields[key].type in (str, "str")
            setattr(config, key, str(value) if text else value)
        elif key.startswith("settings."):
            config.settings[key.removeprefix("settings.")] = value
        elif key.startswith("params."):
            config.params[key.removeprefix("params.")] = value
        else:
            raise ValueError(
                f"unknown argument {key!r}; valid: {', '.join(sorted(fields))}, settings.KEY, "
                "params.KEY"
            )
    return config
