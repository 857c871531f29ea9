"""Posterior ensembles of model parameters: stored, validated, loaded by name, drawn from.

A posterior ensemble is what the Bayesian calibration (``python -m experiments.calibrate``)
leaves behind: one row per parameter set, one column per calibrated field of
:class:`sim.parameters.ModelParameters`, and a weight per row if the method gives weights. It is
stored as two files side by side, ``<name>.parquet`` (the sets) and ``<name>.json`` (provenance:
targets, priors, seeds, method settings, code version, and the representative point that becomes
the model's defaults). Ensembles shipped with the project live in ``sim/posteriors/`` and load by
name; any other pair of files loads by path.
"""

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from artifacts.atomic import atomic_path, write_json_atomic
from sim.parameters import ModelParameters

POSTERIOR_DIR = Path(__file__).with_name("posteriors")
DEFAULT_POSTERIOR = "default"
WEIGHT = "weight"
_FIELDS = {f.name: f for f in dataclasses.fields(ModelParameters)}


@dataclass(frozen=True)
class Posterior:
    """A weighted ensemble of parameter sets with its provenance.

    ``draws`` holds one row per parameter set (columns: parameter names); ``weights`` sum to 1.
    ``representative`` is one parameter set that stands for the ensemble (the calibration says
    how it was chosen, in ``provenance``).
    """

    name: str
    draws: pd.DataFrame
    weights: np.ndarray
    representative: dict[str, float]
    provenance: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_draws(self.name, self.draws)
        weights = np.asarray(self.weights, dtype=float)
        if weights.shape != (len(self.draws),):
            raise ValueError(
                f"posterior {self.name!r}: {weights.size} weights for {len(self.draws)} "
                "parameter sets; allowed: one weight per set"
            )
        if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
            raise ValueError(f"posterior {self.name!r}: weights must be finite, >= 0 and not all 0")
        object.__setattr__(self, "weights", weights / weights.sum())
        unknown = sorted(set(self.representative) - set(_FIELDS))
        if unknown:
            raise ValueError(
                f"posterior {self.name!r}: representative point names unknown parameter(s) "
                f"{unknown}"
            )
        ModelParameters.from_kwargs(**self.representative)  # in range, or a clear error

    def __len__(self) -> int:
        return len(self.draws)

    @property
    def parameters(self) -> list[str]:
        """The calibrated parameters, in column order."""
        return list(self.draws.columns)

    @property
    def effective_size(self) -> float:
        """Kish's effective sample size of the weights, 1 / sum(w^2)."""
        return float(1.0 / np.sum(self.weights**2))

    def parameter_set(self, index: int) -> dict[str, float]:
        """Row ``index`` as keyword arguments of :class:`sim.WorkforceModel`."""
        if not 0 <= index < len(self):
            raise IndexError(f"posterior {self.name!r} has {len(self)} sets; got index {index}")
        row = self.draws.iloc[index]
        return {name: _as_value(name, row[name]) for name in self.draws.columns}

    def draw_indices(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` row indices drawn with probability equal to the weights.

        Deterministic for a given ``seed``: draw ``r`` of a longer sequence equals draw ``r`` of a
        shorter one (inverse-CDF sampling of one uniform per draw), so adding replicates never
        changes the parameter sets of the earlier ones.
        """
        if n < 0:
            raise ValueError(f"number of draws is {n}; allowed: a whole number >= 0")
        uniforms = np.random.default_rng(seed).random(n)
        cumulative = np.cumsum(self.weights)
        cumulative[-1] = 1.0
        return np.searchsorted(cumulative, uniforms, side="right").astype(int)

    def sample(self, n: int, seed: int = 0) -> pd.DataFrame:
        """``n`` parameter sets drawn by weight (index: the row of the ensemble)."""
        return self.draws.iloc[self.draw_indices(n, seed)]


def _as_value(name: str, value: Any) -> float | int:
    """A stored number as the Python type its parameter takes."""
    if _FIELDS[name].type is int:
        return int(round(float(value)))
    return float(value)


def _check_draws(name: str, draws: pd.DataFrame) -> None:
    """Reject empty ensembles, unknown columns, non-numbers and values outside the ranges."""
    if len(draws) == 0:
        raise ValueError(f"posterior {name!r} has no parameter sets")
    unknown = sorted(set(draws.columns) - set(_FIELDS))
    if unknown:
        raise ValueError(
            f"posterior {name!r} has column(s) {unknown} that are not model parameters; allowed: "
            f"fields of sim.parameters.ModelParameters (and {WEIGHT!r})"
        )
    for column in draws.columns:
        meta = _FIELDS[column].metadata
        low, high = meta.get("low"), meta.get("high")
        if low is None or high is None:
            raise ValueError(f"posterior {name!r}: parameter {column!r} is not a numeric setting")
        values = pd.to_numeric(draws[column], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values) | (values < low) | (values > high)
        if bad.any():
            raise ValueError(
                f"posterior {name!r}: parameter {column!r} has {int(bad.sum())} value(s) outside "
                f"its allowed range [{low}, {high}] or not a number"
            )


def posterior_files(name_or_path: str | Path) -> tuple[Path, Path]:
    """The (parquet, json) pair for a shipped name or a path with or without a suffix."""
    text = str(name_or_path)
    path = Path(text)
    if path.suffix in {".parquet", ".json"}:
        path = path.with_suffix("")
    elif path.parent == Path(".") and not path.exists() and "/" not in text:
        path = POSTERIOR_DIR / text
    return path.with_suffix(".parquet"), path.with_suffix(".json")


def available_posteriors() -> list[str]:
    """Names of the ensembles shipped in ``sim/posteriors/``."""
    return sorted(p.stem for p in POSTERIOR_DIR.glob("*.parquet"))


def load_posterior(name_or_path: str | Path = DEFAULT_POSTERIOR) -> Posterior:
    """Load a posterior ensemble by shipped name (see :func:`available_posteriors`) or path."""
    table_path, info_path = posterior_files(name_or_path)
    if not table_path.is_file() or not info_path.is_file():
        shipped = ", ".join(available_posteriors()) or "none"
        raise ValueError(
            f"posterior {str(name_or_path)!r} not found (looked for {table_path} and "
            f"{info_path.name}); shipped posteriors: {shipped}, or give a path"
        )
    info = json.loads(info_path.read_text(encoding="utf-8"))
    table = pd.read_parquet(table_path)
    weights = table.pop(WEIGHT).to_numpy() if WEIGHT in table else np.ones(len(table))
    return Posterior(
        name=str(info.get("name", table_path.stem)),
        draws=table.reset_index(drop=True),
        weights=weights,
        representative=dict(info.get("representative", {})),
        provenance=dict(info.get("provenance", {})),
    )


def save_posterior(posterior: Posterior, path: str | Path) -> tuple[Path, Path]:
    """Write ``<path>.parquet`` and ``<path>.json`` atomically; return both paths.

    The parquet file has one row per parameter set, one column per parameter and ``weight``.
    """
    table_path, info_path = posterior_files(Path(path))
    table = posterior.draws.copy()
    table[WEIGHT] = posterior.weights
    with atomic_path(table_path) as tmp:
        table.to_parquet(tmp, index=False)
    write_json_atomic(
        info_path,
        {
            "name": posterior.name,
            "n_sets": len(posterior),
            "effective_size": round(posterior.effective_size, 1),
            "representative": {k: _json_number(v) for k, v in posterior.representative.items()},
            "provenance": posterior.provenance,
        },
    )
    return table_path, info_path


def _json_number(value: Any) -> Any:
    """A float that JSON can hold (no NaN), else the value."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"representative value {value!r} is not finite")
    return value
