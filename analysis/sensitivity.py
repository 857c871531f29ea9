"""Global sensitivity analysis of model outputs with SALib (Sobol' indices and Morris screening).

The pipeline is data in, tables out, and knows nothing about the model:

1. Declare each uncertain input as an :class:`UncertainParameter` (range, distribution and the
   source of both) and turn them into a SALib problem with :func:`build_problem`.
2. Draw the design with :func:`sample`, hand it to parallel jobs with :func:`split_batches` and
   put their outputs back in order with :func:`merge_batches`.
3. Compute the indices as one tidy table with :func:`analyze`, check that Sobol' estimates have
   settled with :func:`convergence`, and report them with :func:`plot_sobol`,
   :func:`plot_morris` and :func:`describe`.

The Ishigami function (:func:`ishigami`, :data:`ISHIGAMI_ANALYTIC`) has known indices and tests
the pipeline end to end.
"""

import difflib
import math
import warnings
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from SALib import ProblemSpec
from SALib.analyze import morris as morris_analyzer
from SALib.analyze import sobol as sobol_analyzer
from SALib.plotting import morris as morris_plot
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

# Outputs whose spread is below this fraction of their magnitude count as constant: their
# variance is rounding noise, and Sobol' indices of noise are meaningless.
_CONSTANT_RTOL = 1e-12

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
    _check_method(method)
    _check_seed(seed)
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


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown sensitivity method {method!r}; allowed: {', '.join(METHODS)}")


def _check_seed(seed: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


def _is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def _check_sobol_n(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise ValueError(f"Sobol' n must be an integer power of two, got {n!r}")
    if n < MIN_SOBOL_N or not _is_power_of_two(n):
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


def analyze(
    problem: Mapping[str, Any],
    X: np.ndarray,
    Y: np.ndarray,
    method: str,
    seed: int,
    second_order: bool = False,
    num_resamples: int = 100,
    morris_levels: int = 4,
) -> pd.DataFrame:
    """Compute sensitivity indices of every output as one tidy table.

    Args:
        problem: From :func:`build_problem`; its ``outputs`` name the columns of ``Y``.
        X: The samples from :func:`sample`, in their original order.
        Y: Model outputs, one row per sample and one column per output (1-D for one output).
        method: "sobol" or "morris", as sampled.
        seed: Seed of the bootstrap confidence intervals.
        second_order: Sobol' only: as sampled; adds "S2" rows.
        num_resamples: Bootstrap resamples for the confidence intervals.
        morris_levels: Morris only: as sampled.

    Returns:
        One row per output, parameter and index, with columns ``output``, ``parameter`` ("a:b"
        for S2), ``index`` ("S1", "ST", "S2"; or "mu", "mu_star", "sigma"), ``value``,
        ``conf`` (half-width of the 95 % interval; NaN where none is computed) and ``note``
        (empty, or why values are missing). Sobol' indices of a constant output are NaN;
        Morris effects of a constant output are exactly zero.

    Raises:
        ValueError: If shapes disagree with the problem, the rows are not in the method's
            layout, or an output has non-finite values.
    """
    _check_method(method)
    _check_seed(seed)
    X, Y = _check_inputs(problem, X, Y)
    if method == "sobol":
        _check_saltelli_layout(X, problem["num_vars"], second_order)
    else:
        _check_morris_layout(X, problem["num_vars"])
    frames = []
    for column, output in enumerate(problem["outputs"]):
        y = Y[:, column]
        constant = _is_constant(y)
        if method == "sobol":
            frames.append(
                _sobol_rows(problem, output, y, seed, second_order, num_resamples, constant)
            )
        else:
            frames.append(
                _morris_rows(problem, output, X, y, seed, num_resamples, morris_levels, constant)
            )
    table = pd.concat(frames, ignore_index=True)
    return table.astype({"value": float, "conf": float})


def _check_inputs(
    problem: Mapping[str, Any], X: np.ndarray, Y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if Y.ndim == 1:
        Y = Y[:, np.newaxis]
    outputs = list(problem["outputs"])
    if X.ndim != 2 or X.shape[1] != problem["num_vars"]:
        raise ValueError(
            f"X has shape {X.shape}; expected one column per parameter ({problem['num_vars']})"
        )
    if Y.ndim != 2 or Y.shape[0] != X.shape[0]:
        raise ValueError(f"Y has shape {Y.shape}; expected one row per sample ({X.shape[0]})")
    if Y.shape[1] != len(outputs):
        raise ValueError(
            f"Y has {Y.shape[1]} columns; expected one per output: {', '.join(outputs)}"
        )
    for column, output in enumerate(outputs):
        bad = np.flatnonzero(~np.isfinite(Y[:, column]))
        if bad.size:
            raise ValueError(
                f"output {output!r} has {bad.size} non-finite values (first at sample row "
                f"{bad[0]}); sensitivity indices need every run to succeed"
            )
    return X, Y


def _check_saltelli_layout(X: np.ndarray, num_vars: int, second_order: bool) -> None:
    # Saltelli blocks: A, AB_1..AB_D, [BA_1..BA_D], B; AB_j equals A except in column j.
    # A shuffled or mis-merged design breaks this, and would give wrong indices silently.
    step = 2 * num_vars + 2 if second_order else num_vars + 2
    if len(X) == 0 or len(X) % step:
        raise ValueError(
            f"{len(X)} Sobol' samples do not form blocks of {step} rows for {num_vars} "
            f"parameters; check that second_order ({second_order}) matches the sampling"
        )
    blocks = X.reshape(-1, step, num_vars)
    a_rows = blocks[:, 0, :]
    for j in range(num_vars):
        others = np.arange(num_vars) != j
        if not np.array_equal(blocks[:, 1 + j, others], a_rows[:, others]):
            raise ValueError(
                "samples are not in Saltelli order (A, AB_1..AB_D, B per base sample); "
                "pass them as sample() returned them, or reorder with merge_batches()"
            )


def _check_morris_layout(X: np.ndarray, num_vars: int) -> None:
    step = num_vars + 1
    if len(X) == 0 or len(X) % step:
        raise ValueError(
            f"{len(X)} Morris samples do not form trajectories of {step} rows for "
            f"{num_vars} parameters"
        )
    moves = np.diff(X.reshape(-1, step, num_vars), axis=1) != 0
    if not np.all(moves.sum(axis=2) == 1):
        raise ValueError(
            "samples are not Morris trajectories (one input changes per step); pass them as "
            "sample() returned them, or reorder with merge_batches()"
        )


def _is_constant(y: np.ndarray) -> bool:
    return bool(np.ptp(y) <= _CONSTANT_RTOL * max(np.abs(y).max(), np.finfo(float).tiny))


def _analysis_seed(seed: int) -> int:
    # SALib's sobol.analyze tests `if seed:`, so seed 0 would silently fall back to numpy's
    # global generator; derive a non-zero seed instead.
    return int(np.random.SeedSequence(seed).generate_state(1)[0]) or 1


def _tidy(output: str, rows: list[tuple[str, str, float, float]], note: str) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["parameter", "index", "value", "conf"])
    table.insert(0, "output", output)
    table["note"] = note
    return table.loc[:, list(TIDY_COLUMNS)]


def _sobol_rows(
    problem: Mapping[str, Any],
    output: str,
    y: np.ndarray,
    seed: int,
    second_order: bool,
    num_resamples: int,
    constant: bool,
) -> pd.DataFrame:
    names = list(problem["names"])
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]] if second_order else []
    if constant:
        nan = math.nan
        rows = [(name, index, nan, nan) for index in ("S1", "ST") for name in names]
        rows += [(f"{a}:{b}", "S2", nan, nan) for a, b in pairs]
        note = f"{CONSTANT_OUTPUT_NOTE}: variance-based indices are undefined"
        return _tidy(output, rows, note)
    result = sobol_analyzer.analyze(
        dict(problem),
        y,
        calc_second_order=second_order,
        num_resamples=num_resamples,
        conf_level=CONF_LEVEL,
        print_to_console=False,
        seed=_analysis_seed(seed),
    )
    rows = [
        (name, index, result[index][j], result[f"{index}_conf"][j])
        for index in ("S1", "ST")
        for j, name in enumerate(names)
    ]
    position = {name: j for j, name in enumerate(names)}
    for a, b in pairs:
        j, k = position[a], position[b]
        rows.append((f"{a}:{b}", "S2", result["S2"][j, k], result["S2_conf"][j, k]))
    return _tidy(output, rows, "")


def _morris_rows(
    problem: Mapping[str, Any],
    output: str,
    X: np.ndarray,
    y: np.ndarray,
    seed: int,
    num_resamples: int,
    morris_levels: int,
    constant: bool,
) -> pd.DataFrame:
    with warnings.catch_warnings():
        # A constant output gives zero effects, whose bootstrap spread numpy warns about.
        if constant:
            warnings.simplefilter("ignore", RuntimeWarning)
        result = morris_analyzer.analyze(
            dict(problem),
            X,
            y,
            num_resamples=num_resamples,
            conf_level=CONF_LEVEL,
            print_to_console=False,
            num_levels=morris_levels,
            seed=seed,
        )
    rows = []
    for j, name in enumerate(problem["names"]):
        rows.append((name, "mu", result["mu"][j], math.nan))
        rows.append((name, "mu_star", result["mu_star"][j], result["mu_star_conf"][j]))
        rows.append((name, "sigma", result["sigma"][j], math.nan))
    note = f"{CONSTANT_OUTPUT_NOTE}: no parameter changes it" if constant else ""
    return _tidy(output, rows, note)


def convergence(
    problem: Mapping[str, Any],
    X: np.ndarray,
    Y: np.ndarray,
    method: str = "sobol",
    seed: int = 0,
    second_order: bool = False,
    num_resamples: int = 100,
    tolerance: float = 0.05,
) -> pd.DataFrame:
    """Compare Sobol' S1 and ST from the first half of a sample with those from all of it.

    Pass the samples and outputs of a Sobol' design of base size 2N. SALib writes the Saltelli
    rows base point by base point, and the scrambled Sobol' sequence of a seed starts with the
    same points whatever its length, so the first ``N * (D + 2)`` rows (``N * (2D + 2)`` with
    second order) are exactly the design :func:`sample` draws for N with that seed.

    Args:
        problem: From :func:`build_problem`.
        X: Samples of a Sobol' design of base size 2N (2N a power of two, N >= 2).
        Y: Its outputs, as for :func:`analyze`.
        method: Only "sobol".
        seed: Seed of the bootstrap confidence intervals.
        second_order: As sampled.
        num_resamples: Bootstrap resamples.
        tolerance: Largest absolute change of any S1 or ST of an output that counts as settled.

    Returns:
        One row per output, parameter and index (S1, ST) with columns ``output``,
        ``parameter``, ``index``, ``n`` (N), ``value_n``, ``value_2n``, ``abs_change`` and
        ``converged`` (for the whole output: its largest change is below ``tolerance``; False
        when its indices are undefined).
    """
    if method != "sobol":
        raise ValueError(f"convergence is implemented for method 'sobol' only, not {method!r}")
    if not tolerance > 0:
        raise ValueError(f"tolerance must be > 0, got {tolerance!r}")
    step = 2 * problem["num_vars"] + 2 if second_order else problem["num_vars"] + 2
    n_double, remainder = divmod(len(X), step)
    if remainder or not _is_power_of_two(n_double) or n_double < 2 * MIN_SOBOL_N:
        raise ValueError(
            f"convergence needs a Sobol' design of base size 2N, a power of two >= "
            f"{2 * MIN_SOBOL_N}; {len(X)} rows in blocks of {step} give {len(X) / step:g}"
        )
    n = n_double // 2
    half = n * step
    options = {"method": "sobol", "seed": seed, "second_order": second_order}
    at_n = analyze(problem, X[:half], np.asarray(Y)[:half], num_resamples=num_resamples, **options)
    at_2n = analyze(problem, X, Y, num_resamples=num_resamples, **options)
    keys = ["output", "parameter", "index"]
    first_total = at_n["index"].isin(["S1", "ST"])
    table = at_n.loc[first_total, [*keys, "value"]].merge(
        at_2n.loc[:, [*keys, "value"]], on=keys, suffixes=("_n", "_2n")
    )
    table.insert(3, "n", n)
    table["abs_change"] = (table["value_2n"] - table["value_n"]).abs()
    largest = table.groupby("output", sort=False)["abs_change"].transform("max")
    table["converged"] = (largest < tolerance).astype(bool)
    return table


def _indices_of(df: pd.DataFrame, output: str, indices: Sequence[str]) -> pd.DataFrame:
    rows = df[(df["output"] == output) & df["index"].isin(indices)]
    if rows.empty:
        available = sorted(df.loc[df["index"].isin(indices), "output"].unique())
        raise ValueError(
            f"no {'/'.join(indices)} indices for output {output!r}; outputs with them: "
            f"{', '.join(available) or 'none'}"
        )
    return rows


def _wide(rows: pd.DataFrame) -> pd.DataFrame:
    values = rows.pivot(index="parameter", columns="index", values="value")
    confs = rows.pivot(index="parameter", columns="index", values="conf").add_suffix("_conf")
    return values.join(confs)


def _save(fig: Figure, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    return path


def plot_sobol(
    df: pd.DataFrame, output: str, path: str | Path, noise_share: float | None = None
) -> Path:
    """Draw S1 and ST of one output as horizontal bars with 95 % intervals, sorted by ST.

    Args:
        df: A table from :func:`analyze` with method "sobol".
        output: The output to draw.
        path: Where to write the PNG.
        noise_share: Share of the output's variance that is seed-to-seed noise of a stochastic
            model, drawn as a dashed line: total indices near it may be noise alone.

    Returns:
        The path written.
    """
    wide = _wide(_indices_of(df, output, ("S1", "ST"))).sort_values("ST", na_position="first")
    height = 0.38
    positions = np.arange(len(wide))
    # Figure without pyplot: no global backend state, works headless (Agg renders PNG).
    fig = Figure(figsize=(6.4, 1.6 + 0.45 * len(wide)), layout="constrained")
    ax = fig.add_subplot()
    for offset, index, label in (
        (height / 2, "ST", "ST (total)"),
        (-height / 2, "S1", "S1 (first order)"),
    ):
        ax.barh(
            positions + offset,
            wide[index].fillna(0.0),
            height,
            xerr=wide[f"{index}_conf"].fillna(0.0),
            capsize=3,
            label=label,
        )
    ax.set_yticks(positions, wide.index)
    ax.axvline(0.0, color="black", linewidth=0.8)
    if noise_share is not None and math.isfinite(noise_share):
        ax.axvline(noise_share, color="grey", linestyle="--", linewidth=1, label="seed noise share")
    ax.set_xlabel("Sobol' index (share of output variance)")
    ax.set_title(f"{output}: Sobol' indices, {CONF_LEVEL:.0%} intervals")
    ax.legend(loc="lower right")
    if wide["ST"].isna().all():
        ax.text(
            0.5, 0.5, "indices undefined: output is constant", transform=ax.transAxes, ha="center"
        )
    return _save(fig, path)


def plot_morris(
    df: pd.DataFrame, output: str, path: str | Path, noise_mu_star: float | None = None
) -> Path:
    """Draw Morris mu* against sigma for one output, with the sigma/mu* guide lines.

    The lines sigma/mu* = 0.1, 0.5 and 1 separate near-linear, monotonic, almost monotonic and
    non-linear or interacting inputs (:data:`MORRIS_GUIDE_RATIOS`).

    Args:
        df: A table from :func:`analyze` with method "morris".
        output: The output to draw.
        path: Where to write the PNG.
        noise_mu_star: The mu* that seed noise alone gives a stochastic model, drawn as a
            dashed line: inputs left of it cannot be told from noise.

    Returns:
        The path written.
    """
    wide = _wide(_indices_of(df, output, ("mu", "mu_star", "sigma")))
    fig = Figure(figsize=(6.4, 4.8), layout="constrained")
    ax = fig.add_subplot()
    reach = max(np.nanmax(wide["mu_star"] + wide["mu_star_conf"].fillna(0.0)), 0.0) * 1.15
    reach = reach if reach > 0 else 1.0
    top = max(np.nanmax(wide["sigma"]), 0.0) * 1.15 or 1.0
    ax.set_xlim(0.0, reach)  # SALib draws its guide lines across the x limits it finds
    # The points and the sigma/mu* = 1, 0.5, 0.1 guide lines (MORRIS_GUIDE_RATIOS) by SALib.
    morris_plot.covariance_plot(
        ax, {"mu_star": wide["mu_star"].to_numpy(), "sigma": wide["sigma"].to_numpy()}
    )
    ax.errorbar(
        wide["mu_star"], wide["sigma"], xerr=wide["mu_star_conf"], fmt="none", ecolor="k", capsize=3
    )
    for name, row in wide.iterrows():
        ax.annotate(
            str(name),
            (row["mu_star"], row["sigma"]),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
        )
    if noise_mu_star is not None and math.isfinite(noise_mu_star):
        legend = ax.get_legend()
        noise = ax.axvline(noise_mu_star, color="grey", linestyle="-.", linewidth=1)
        ax.legend(
            [*legend.legend_handles, noise],
            [*(text.get_text() for text in legend.get_texts()), "seed noise"],
            loc="upper left",
        )
    ax.set_xlim(0.0, reach)
    ax.set_ylim(0.0, top)
    ax.set_xlabel("μ* (mean absolute elementary effect)")
    ax.set_ylabel("σ (standard deviation of elementary effects)")
    ax.set_title(f"{output}: Morris screening")
    return _save(fig, path)


def describe(df: pd.DataFrame, output: str, threshold: float = 0.05) -> str:
    """Say in plain English which parameters matter for one output, with their numbers.

    For Sobol' results a parameter matters if its total index ST exceeds ``threshold``; for
    Morris results, if its mu* exceeds ``threshold`` times the largest mu*.

    Args:
        df: A table from :func:`analyze`.
        output: The output to describe.
        threshold: The cut-off described above.

    Returns:
        A few sentences, parameters that matter in decreasing order of importance.
    """
    rows = df[df["output"] == output]
    if rows.empty:
        raise ValueError(
            f"no indices for output {output!r}; outputs: {', '.join(df['output'].unique())}"
        )
    notes = [note for note in rows["note"].unique() if note] if "note" in rows else []
    if "ST" in set(rows["index"]):
        return _describe_sobol(
            _wide(_indices_of(rows, output, ("S1", "ST"))), output, threshold, notes
        )
    return _describe_morris(
        _wide(_indices_of(rows, output, ("mu", "mu_star", "sigma"))), output, threshold, notes
    )


def _describe_sobol(wide: pd.DataFrame, output: str, threshold: float, notes: list[str]) -> str:
    if wide["ST"].isna().all():
        return f"Output {output!r}: {'; '.join(notes) or 'indices are undefined'}."
    wide = wide.sort_values("ST", ascending=False)
    matter = wide[wide["ST"] > threshold]
    rest = wide[~(wide["ST"] > threshold)]
    parts = []
    for name, row in matter.iterrows():
        text = f"{name} (ST {row['ST']:.2f} ± {row['ST_conf']:.2f}, S1 {row['S1']:.2f}"
        if row["ST"] - row["S1"] > threshold:
            share = "mostly" if row["S1"] < row["ST"] / 2 else "partly"
            text += f", {share} through interactions"
        parts.append(text + ")")
    lines = [
        f"Output {output!r} (Sobol'; a parameter matters if its total index ST > {threshold:g}):"
    ]
    if parts:
        lines.append(f"Matter, most first: {', '.join(parts)}.")
    else:
        lines.append(f"No parameter has ST above {threshold:g}.")
    if not rest.empty:
        listed = ", ".join(f"{name} (ST {row['ST']:.2f})" for name, row in rest.iterrows())
        lines.append(f"Do not matter: {listed}.")
    s1_sum = wide["S1"].sum()
    lines.append(
        f"First-order indices sum to {s1_sum:.2f}: about {max(0.0, 1.0 - s1_sum):.0%} of the "
        "variance comes from interactions."
    )
    return "\n".join(lines)


def _describe_morris(wide: pd.DataFrame, output: str, threshold: float, notes: list[str]) -> str:
    wide = wide.sort_values("mu_star", ascending=False)
    largest = wide["mu_star"].max()
    if notes or not largest > 0:
        return f"Output {output!r}: {'; '.join(notes) or 'no parameter changes it'}."
    cutoff = threshold * largest
    matter = wide[wide["mu_star"] > cutoff]
    rest = wide[~(wide["mu_star"] > cutoff)]
    parts = []
    for name, row in matter.iterrows():
        ratio = row["sigma"] / row["mu_star"]
        shape = (
            "non-linear or interacting"
            if ratio > 1
            else "monotonic"
            if ratio <= 0.5
            else "almost monotonic"
        )
        parts.append(f"{name} (mu* {row['mu_star']:.3g}, sigma/mu* {ratio:.2f}: {shape})")
    lines = [
        f"Output {output!r} (Morris; a parameter matters if its mu* > {threshold:g} x the "
        f"largest, {largest:.3g}):",
        f"Matter, most first: {', '.join(parts)}.",
    ]
    if not rest.empty:
        listed = ", ".join(f"{name} (mu* {row['mu_star']:.3g})" for name, row in rest.iterrows())
        lines.append(f"Do not matter: {listed}.")
    return "\n".join(lines)


ISHIGAMI_ANALYTIC: Mapping[str, tuple[float, float, float]] = {
    "S1": (0.3139, 0.4424, 0.0),
    "ST": (0.5576, 0.4424, 0.2437),
}
"""Indices of :func:`ishigami` with a=7, b=0.1 for x1, x2, x3, to 4 decimals, as listed by
Saltelli et al. (2008), Global Sensitivity Analysis: The Primer; :func:`ishigami_analytic`
derives them exactly."""


def ishigami(X: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Evaluate the Ishigami function, ``sin x1 + a sin^2 x2 + b x3^4 sin x1``, row by row.

    Ishigami and Homma (1990); inputs are uniform on [-pi, pi].

    Args:
        X: Samples with three columns.
        a: Weight of the x2 term.
        b: Weight of the x3-x1 interaction.

    Returns:
        One value per row.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 3:
        raise ValueError(f"ishigami needs samples with three columns, got shape {X.shape}")
    x1, x2, x3 = X.T
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def ishigami_analytic(a: float = 7.0, b: float = 0.1) -> dict[str, tuple[float, float, float]]:
    """Return the exact S1 and ST of :func:`ishigami` for x1, x2, x3.

    Args:
        a: Weight of the x2 term.
        b: Weight of the x3-x1 interaction.

    Returns:
        ``{"S1": (..), "ST": (..)}`` from the function's variance decomposition:
        V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V13 = 8 b^2 pi^8 / 225, and no other terms.
    """
    v1 = 0.5 * (1.0 + b * math.pi**4 / 5.0) ** 2
    v2 = a**2 / 8.0
    v13 = 8.0 * b**2 * math.pi**8 / 225.0
    total = v1 + v2 + v13
    return {
        "S1": (v1 / total, v2 / total, 0.0),
        "ST": ((v1 + v13) / total, v2 / total, v13 / total),
    }
