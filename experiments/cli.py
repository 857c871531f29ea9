"""``key=value`` command lines for the experiments that are not Hydra apps (trial, crisis).

Values are read as Python literals where they parse (numbers, lists, true/false, null), else
kept as text. ``settings.KEY`` goes to an intervention's settings, ``params.KEY`` to the model's
parameters, and any other key must be a field of the experiment's config dataclass.
"""

import ast
import dataclasses
import json
import logging
import sys
from collections.abc import Callable
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


def run_json_command[Config, Report](
    argv: list[str] | None,
    parse: Callable[[list[str]], Config],
    run: Callable[[Config], Report],
) -> Report:
    """Parse ``argv`` (default ``sys.argv[1:]``), validate, run, print the report as JSON.

    A bad argument or setting prints ``error: ...`` to stderr and exits with status 2 before
    anything runs.
    """
    logging.getLogger("MESA").setLevel(logging.WARNING)
    try:
        config = parse(sys.argv[1:] if argv is None else argv)
        config.validate()  # type: ignore[attr-defined]
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from err
    report = run(config)
    print(json.dumps(report, indent=2, allow_nan=False))
    return report
