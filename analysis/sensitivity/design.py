"""The design of a sensitivity analysis: uncertain inputs, the SALib problem, samples, batches."""

import difflib
import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
from SALib import ProblemSpec
from SALib.sample import morris as morris_sampler
from SALib.sample import sobol as sobol_sampler

METHODS = ("sobol", "morris")
"""Sensitivity methods this module samples and analyses."""

ALLOWED_DISTS: Mapping[str, str] = {
    "unif": "uniform on [low, high]",
    "logunif": "log-uniform on [low, high], with 0 < low",
    "triang": "triangular on [low, high] with its peak at `mode`",
    "norm": "normal with mean `low` and standard deviation `high`",
    "truncnorm": "normal with mean `mean` and standard deviation `sd`, truncated to [low, high]",
    "lognorm": "lognormal: the log of the value is normal with mean `low` and sd `high`",
    "weibull": "Weibull with shape `low` and scale `high`",
}
"""SALib's distribution names and what `low` and `high` mean for each."""

UNBOUNDED_DISTS = ("norm", "lognorm", "weibull")
"""Distributions with an infinite 0 or 1 quantile, which Morris grids cannot use."""

CONF_LEVEL = 0.95
"""Confidence level of the bootstrap intervals; `conf` columns hold their half-widths."""

MIN_SOBOL_N = 2
"""Smallest Sobol' base sample: the estimators need a variance over at least two points."""

MIN_MORRIS_TRAJECTORIES = 2
"""Smallest Morris design: sigma is a standard deviation over trajectories."""

MORRIS_GUIDE_RATIOS = (0.1, 0.5, 1.0)
"""sigma/mu* lines of Garcia Sanchez et al. (2014), Energy and Buildings 68: 741-750.

Below 0.1 an input acts almost linearly, up to 0.5 monotonically, up to 1 almost monotonically,
and above 1 non-linearly, non-monotonically or through interactions.
"""

TIDY_COLUMNS = ("output", "parameter", "index", "value", "conf", "note")
"""Columns of the table :func:`analyze` returns."""

CONSTANT_OUTPUT_NOTE = "output is constant across the sample"
"""Start of the `note` of every row of an output that did not vary."""


@dataclass(frozen=True)
class UncertainParameter:
    """One uncertain model input: its range or distribution and where that comes from.

    Attributes:
        name: The model parameter's name.
        low: Lower bound; the mean for "norm", the log-mean for "lognorm", the shape for
            "weibull" (see :data:`ALLOWED_DISTS`).
        high: Upper bound; the standard deviation for "norm" and "lognorm", the scale for
            "weibull".
        dist: One of :data:`ALLOWED_DISTS`; uniform by default.
        source: A citation, or "assumption: <why>" when no source pins the range down.
        mode: Peak of a "triang" distribution, in the parameter's own units.
        mean: Mean of the untruncated normal of a "truncnorm" distribution.
        sd: Standard deviation of the untruncated normal of a "truncnorm" distribution.
    """

    name: str
    low: float
    high: float
    dist: str = "unif"
    source: str = ""
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check every rule, raising ``ValueError`` that names the parameter and the values."""
        self._check_name()
        self._check_source()
        self._check_dist()
        self._check_finite()
        self._check_extra_fields()
        self._check_range()

    def _fail(self, problem: str) -> NoReturn:
        raise ValueError(f"sensitivity parameter {self.name!r}: {problem}")

    def _check_name(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(
                f"sensitivity parameter name must be a non-empty string, not {self.name!r}"
            )
        if ":" in self.name or any(c.isspace() for c in self.name):
            self._fail(
                "names may not contain ':' or spaces (':' joins pairs of second-order indices)"
            )

    def _check_source(self) -> None:
        if not isinstance(self.source, str) or not self.source.strip():
            self._fail("source is empty; give a citation for the range, or 'assumption: <why>'")

    def _check_dist(self) -> None:
        if self.dist not in ALLOWED_DISTS:
            allowed = "; ".join(f"{k!r} ({v})" for k, v in ALLOWED_DISTS.items())
            self._fail(f"unknown dist {self.dist!r}; allowed: {allowed}")

    def _check_finite(self) -> None:
        for field_name in ("low", "high", "mode", "mean", "sd"):
            value = getattr(self, field_name)
            if value is None and field_name not in ("low", "high"):
                continue
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                self._fail(f"{field_name} must be a number, not {value!r}")
            if not math.isfinite(value):
                self._fail(f"{field_name} must be finite, not {value!r}")

    def _check_extra_fields(self) -> None:
        needed = {"triang": ("mode",), "truncnorm": ("mean", "sd")}.get(self.dist, ())
        for field_name in ("mode", "mean", "sd"):
            given = getattr(self, field_name) is not None
            if field_name in needed and not given:
                self._fail(f"dist {self.dist!r} needs {field_name!r} ({ALLOWED_DISTS[self.dist]})")
            if field_name not in needed and given:
                self._fail(
                    f"{field_name!r} is only used by dist 'triang' or 'truncnorm', "
                    f"not {self.dist!r}"
                )

    def _check_range(self) -> None:
        low, high = self.low, self.high
        if self.dist == "norm" or self.dist == "lognorm":
            if high <= 0:
                self._fail(
                    f"for dist {self.dist!r} high is the standard deviation ({high}); "
                    "it must be > 0"
                )
            return
        if self.dist == "weibull":
            if low <= 0 or high <= 0:
                self._fail(
                    f"for dist 'weibull' shape (low={low}) and scale (high={high}) must be > 0"
                )
            return
        if low >= high:
            self._fail(f"low ({low}) must be below high ({high})")
        if self.dist == "logunif" and low <= 0:
            self._fail(f"for dist 'logunif' low ({low}) must be > 0")
        if self.dist == "triang" and not low <= self.mode < high:
            self._fail(f"mode ({self.mode}) must lie in [low, high) = [{low}, {high})")
        if self.dist == "truncnorm" and self.sd <= 0:
            self._fail(f"sd ({self.sd}) must be > 0")

    def salib_bounds(self) -> list[float]:
        """Return the bounds in SALib's layout for this parameter's distribution."""
        bounds = [self.low, self.high]
        if self.dist == "triang":
            bounds.append((self.mode - self.low) / (self.high - self.low))
        elif self.dist == "truncnorm":
            bounds += [self.mean, self.sd]
        return [float(value) for value in bounds]


def build_problem(
    params: Sequence[UncertainParameter],
    outputs: Sequence[str],
    known_names: Collection[str] | None = None,
) -> ProblemSpec:
    """Validate the parameters and outputs and return them as a SALib problem.

    Args:
        params: The uncertain inputs, in the column order of the samples.
        outputs: Names of the model outputs, in the column order of the results.
        known_names: The model's parameter names; when given, every parameter must be one.

    Returns:
        A ``ProblemSpec`` with ``names``, ``bounds``, ``dists``, ``outputs`` and ``sources``.

    Raises:
        ValueError: If a parameter is invalid, duplicated or unknown to the model, or the
            outputs are empty or duplicated.
    """
    if not params:
        raise ValueError("sensitivity analysis needs at least one uncertain parameter")
    for param in params:
        if not isinstance(param, UncertainParameter):
            raise ValueError(f"expected UncertainParameter, got {param!r}")
        param.validate()
    names = [p.name for p in params]
    _check_unique(names, "sensitivity parameter")
    if known_names is not None:
        _check_known(names, known_names)
    outputs = list(outputs)
    if not outputs or not all(isinstance(o, str) and o for o in outputs):
        raise ValueError(f"outputs must be a non-empty list of names, got {outputs!r}")
    _check_unique(outputs, "output")
    return ProblemSpec(
        {
            "names": names,
            "bounds": [p.salib_bounds() for p in params],
            "dists": [p.dist for p in params],
            "outputs": outputs,
            "sources": [p.source for p in params],
        }
    )


def _check_unique(names: Sequence[str], what: str) -> None:
    repeated = {name: count for name, count in Counter(names).items() if count > 1}
    if repeated:
        listed = ", ".join(f"{name!r} ({count} times)" for name, count in repeated.items())
        raise ValueError(f"each {what} may appear once; repeated: {listed}")


def _check_known(names: Sequence[str], known_names: Collection[str]) -> None:
    unknown = [name for name in names if name not in known_names]
    if not unknown:
        return
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, list(known_names), n=1)
        hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    raise ValueError(
        f"sensitivity parameter {', '.join(hints)} is not a model parameter; "
        f"valid names: {', '.join(sorted(known_names))}"
    )


def sample(
    problem: Mapping[str, Any],
    method: str,
    n: int,
    seed: int,
    second_order: bool = False,
    morris_levels: int = 4,
) -> np.ndarray:
    """Draw the input design for a method.

    Args:
        problem: From :func:`build_problem`.
        method: "sobol" (Saltelli's scheme on a scrambled Sobol' sequence) or "morris".
        n: Sobol' base sample size (a power of two), or the number of Morris trajectories.
        seed: Seed of the sequence's scrambling or of the trajectories.
        second_order: Sobol' only: add the rows second-order indices need.
        morris_levels: Morris only: grid levels per input (even).

    Returns:
        The samples, one row per model run: ``n * (D + 2)`` rows for Sobol' (``n * (2D + 2)``
        with second order) and ``n * (D + 1)`` for Morris, for D parameters.

    Raises:
        ValueError: On an unknown method or an invalid n, seed or level count.
    """
    check_method(method)
    check_seed(seed)
    if method == "sobol":
        _check_sobol_n(n)
        if second_order and problem["num_vars"] < 2:
            raise ValueError("second-order Sobol' indices need at least two parameters")
        return sobol_sampler.sample(problem, n, calc_second_order=second_order, seed=seed)
    if isinstance(n, bool) or not isinstance(n, int) or n < MIN_MORRIS_TRAJECTORIES:
        raise ValueError(
            f"Morris n (trajectories) must be an integer >= {MIN_MORRIS_TRAJECTORIES}, got {n!r}"
        )
    if isinstance(morris_levels, bool) or not isinstance(morris_levels, int):
        raise ValueError(f"morris_levels must be an even integer >= 2, got {morris_levels!r}")
    if morris_levels < 2 or morris_levels % 2:
        raise ValueError(f"morris_levels must be an even integer >= 2, got {morris_levels}")
    _check_bounded_for_morris(problem)
    return morris_sampler.sample(problem, n, num_levels=morris_levels, seed=seed)


def _check_bounded_for_morris(problem: Mapping[str, Any]) -> None:
    # Morris grids include the 0 and 1 quantiles, which SALib maps to +-inf for these.
    dists = problem.get("dists") or ["unif"] * problem["num_vars"]
    unbounded = [
        f"{name!r} ({dist})"
        for name, dist in zip(problem["names"], dists, strict=True)
        if dist in UNBOUNDED_DISTS
    ]
    if unbounded:
        raise ValueError(
            f"sensitivity parameter {', '.join(unbounded)}: Morris grids reach the 0 and 1 "
            f"quantiles, which are infinite for dists {', '.join(UNBOUNDED_DISTS)}; use "
            "'truncnorm' or method 'sobol'"
        )


def check_method(method: str) -> None:
    """Raise ValueError unless ``method`` is one of :data:`METHODS`."""
    if method not in METHODS:
        raise ValueError(f"unknown sensitivity method {method!r}; allowed: {', '.join(METHODS)}")


def check_seed(seed: int) -> None:
    """Raise ValueError unless ``seed`` is a whole number >= 0."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


def is_power_of_two(n: int) -> bool:
    """Whether ``n`` is a positive power of two (Sobol' sequences balance at those sizes)."""
    return n > 0 and n & (n - 1) == 0


def _check_sobol_n(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise ValueError(f"Sobol' n must be an integer power of two, got {n!r}")
    if n < MIN_SOBOL_N or not is_power_of_two(n):
        lower = 2 ** max(math.floor(math.log2(max(n, 1))), 1)
        raise ValueError(
            f"Sobol' n (base sample size) must be a power of two >= {MIN_SOBOL_N}, so the "
            f"Sobol' sequence keeps its balance; got {n}, try {lower} or {2 * lower}"
        )


def split_batches(X: np.ndarray, batch_size: int) -> list[tuple[int, np.ndarray]]:
    """Cut samples into consecutive blocks for parallel jobs.

    Args:
        X: Samples, one row per run.
        batch_size: Rows per block; the last block may be shorter.

    Returns:
        ``(start, block)`` pairs, where ``block`` is the view ``X[start:start + batch_size]``.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    return [(start, X[start : start + batch_size]) for start in range(0, len(X), batch_size)]


def merge_batches(
    batches: Iterable[tuple[int, np.ndarray]], n_rows: int | None = None
) -> np.ndarray:
    """Reassemble per-batch results in sample order, whatever order they arrived in.

    Args:
        batches: ``(start, rows)`` pairs, with ``start`` as given by :func:`split_batches`.
        n_rows: Expected total rows (the sample count); checked when given.

    Returns:
        The rows of all batches stacked in order of ``start``.

    Raises:
        ValueError: If batches overlap, leave a gap, have mismatched shapes or fall short of
            ``n_rows``.
    """
    ordered = sorted(((int(start), np.asarray(rows)) for start, rows in batches), key=_first)
    if not ordered:
        raise ValueError("no batches to merge")
    expected_start = 0
    for start, rows in ordered:
        if start != expected_start:
            kind = "overlaps the previous batch" if start < expected_start else "leaves a gap"
            raise ValueError(f"batch starting at row {start} {kind}: expected row {expected_start}")
        if rows.shape[1:] != ordered[0][1].shape[1:]:
            raise ValueError(
                f"batch starting at row {start} has rows of shape {rows.shape[1:]}, "
                f"the first batch {ordered[0][1].shape[1:]}"
            )
        expected_start += len(rows)
    if n_rows is not None and expected_start != n_rows:
        raise ValueError(f"batches hold {expected_start} rows, expected {n_rows}")
    return np.concatenate([rows for _, rows in ordered], axis=0)


def _first(pair: tuple[int, np.ndarray]) -> int:
    return pair[0]
