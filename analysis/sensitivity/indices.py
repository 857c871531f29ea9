"""Sensitivity indices of a design's outputs (SALib) as one tidy table, and their convergence."""

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyzer
from SALib.analyze import sobol as sobol_analyzer

from analysis.sensitivity.design import (
    CONF_LEVEL,
    CONSTANT_OUTPUT_NOTE,
    MIN_SOBOL_N,
    TIDY_COLUMNS,
    check_method,
    check_seed,
    is_power_of_two,
)

# Outputs whose spread is below this fraction of their magnitude count as constant: their
# variance is rounding noise, and Sobol' indices of noise are meaningless.
_CONSTANT_RTOL = 1e-12


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
    check_method(method)
    check_seed(seed)
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
    if remainder or not is_power_of_two(n_double) or n_double < 2 * MIN_SOBOL_N:
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
