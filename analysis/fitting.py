"""Fit a simulator's uncertain parameters to targets: Nelder-Mead in blocks, common random numbers.

Model-agnostic: a simulator maps parameters, a seed and target names to measured target values;
the loss is :func:`analysis.calibration.loss`.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.stats.qmc import LatinHypercube

from analysis.calibration import TARGETS, Target, loss


@dataclass(frozen=True)
class UncertainParameter:
    """A parameter to fit: name, search range and why that range."""

    name: str
    low: float
    high: float
    source: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(
                f"parameter {self.name!r}: range [{self.low}, {self.high}] must have low < high"
            )

    def to_unbounded(self, value: float) -> float:
        """Logit of the value's position in the range (clipped just inside it)."""
        x = min(max((value - self.low) / (self.high - self.low), 1e-4), 1 - 1e-4)
        return math.log(x / (1 - x))

    def from_unbounded(self, u: float) -> float:
        """The value at logit position ``u`` of the range."""
        return self.low + (self.high - self.low) / (1.0 + math.exp(-u))


Simulator = Callable[[Mapping[str, float], int, frozenset[str]], dict[str, float]]
"""(parameters, seed, target names) -> measured target values for that seed."""


@dataclass
class Block:
    """Parameters fitted together against some targets, with a share of the budget."""

    name: str
    parameters: tuple[str, ...]
    targets: tuple[str, ...]
    budget_share: float = 1.0


@dataclass
class FitResult:
    """What a calibration found: the parameters, the loss path and every evaluation."""

    parameters: dict[str, float]
    start: dict[str, float]
    loss_start: float
    loss_end: float
    evaluations: list[dict[str, Any]] = field(default_factory=list)


def per_seed_values(
    simulate: Simulator,
    params: Mapping[str, float],
    seeds: Sequence[int],
    names: frozenset[str],
    n_jobs: int = 1,
) -> list[dict[str, float]]:
    """Target values for each seed, in ``n_jobs`` processes (joblib keeps them between calls)."""
    if n_jobs == 1 or len(seeds) == 1:
        return [simulate(params, s, names) for s in seeds]
    from joblib import Parallel, delayed

    return Parallel(n_jobs=n_jobs)(delayed(simulate)(dict(params), s, names) for s in seeds)


def mean_values(
    simulate: Simulator,
    params: Mapping[str, float],
    seeds: Sequence[int],
    names: frozenset[str],
    n_jobs: int = 1,
) -> tuple[dict[str, float], dict[str, float]]:
    """Target values averaged over ``seeds`` (NaN-safe), and their Monte Carlo standard errors."""
    per_seed = per_seed_values(simulate, params, seeds, names, n_jobs)
    keys = set().union(*per_seed)
    means, errors = {}, {}
    for k in keys:
        vals = np.array([v.get(k, np.nan) for v in per_seed], dtype=float)
        vals = vals[np.isfinite(vals)]
        means[k] = float(vals.mean()) if vals.size else math.nan
        errors[k] = float(vals.std(ddof=1) / math.sqrt(vals.size)) if vals.size > 1 else 0.0
    return means, errors


def _swap(
    means_errors: tuple[dict[str, float], dict[str, float]], targets: Sequence[Target]
) -> tuple[dict[str, float], Sequence[Target], dict[str, float]]:
    """Arguments of :func:`analysis.calibration.loss` from :func:`mean_values`' result."""
    means, errors = means_errors
    return means, targets, errors


def fit(
    simulate: Simulator,
    space: Sequence[UncertainParameter],
    start: Mapping[str, float],
    blocks: Sequence[Block],
    seeds: Sequence[int],
    budget: int,
    targets: Sequence[Target] = TARGETS,
    initial_step: float = 0.6,
    log: Callable[[str], None] = lambda _: None,
    n_jobs: int = 1,
    screen: float = 0.3,
    screen_seed: int = 0,
) -> FitResult:
    """Block-coordinate descent with Nelder-Mead under common random numbers.

    Each block minimizes :func:`analysis.calibration.loss` over its targets by moving its
    parameters, with at most ``budget x budget_share`` loss evaluations: a Latin-hypercube
    screen of the parameters' ranges (a ``screen`` share of the evaluations, seeded by
    ``screen_seed``), then Nelder-Mead from the best point found (in logit coordinates of the
    ranges, so bounds hold), restarted with a halved simplex while the budget lasts. Every
    evaluation simulates all ``seeds`` (in ``n_jobs`` processes). The Monte Carlo standard
    errors that widen the tolerances are measured once, at the block's start, and held fixed
    within the block: were they re-measured per candidate, a candidate would be
    rewarded for making outcomes noisier.

    Raises:
        ValueError: a block names a parameter not in ``space`` or an unknown target, or the
            budget is below 1.
    """
    if budget < 1:
        raise ValueError(f"budget = {budget}; allowed: a whole number >= 1")
    by_name = {p.name: p for p in space}
    known_targets = {t.name: t for t in targets}
    for b in blocks:
        unknown = [n for n in b.parameters if n not in by_name]
        if unknown:
            raise ValueError(f"block {b.name!r}: unknown parameter(s) {unknown}")
        bad = [t for t in b.targets if t not in known_targets]
        if bad:
            raise ValueError(f"block {b.name!r}: unknown target(s) {bad}")
    current = {p.name: float(start[p.name]) for p in space}
    all_targets = frozenset(known_targets)
    loss_start = loss(*_swap(mean_values(simulate, current, seeds, all_targets, n_jobs), targets))
    log(f"start loss {loss_start:.3f}: {current}")
    evaluations: list[dict[str, Any]] = []
    for b in blocks:
        block_targets = [known_targets[t] for t in b.targets]
        names = frozenset(b.targets)
        params = [by_name[n] for n in b.parameters]
        u0 = np.array([p.to_unbounded(current[p.name]) for p in params])
        _, errors = mean_values(simulate, current, seeds, names, n_jobs)

        def objective(
            u: np.ndarray, params=params, names=names, block=b, tg=block_targets, errors=errors
        ) -> float:
            trial = dict(current)
            trial.update(
                {p.name: p.from_unbounded(float(x)) for p, x in zip(params, u, strict=True)}
            )
            means, _ = mean_values(simulate, trial, seeds, names, n_jobs)
            value = loss(means, tg, errors)
            evaluations.append({"block": block.name, "loss": value, **trial})
            return value

        max_evals = max(int(round(budget * b.budget_share)), u0.size + 2)
        best_u, best = u0, objective(u0)
        # A space-filling screen (Latin hypercube) finds the basin; Nelder-Mead then descends in
        # it and restarts once from its best point with a smaller simplex (narrow valleys, such
        # as a vacancy rate with a 0.3-point tolerance, stall a single simplex).
        n_screen = int(screen * max_evals) if u0.size > 0 else 0
        if n_screen >= 2:
            unit = LatinHypercube(d=u0.size, seed=screen_seed).random(n_screen)
            for x in unit:
                u = np.array(
                    [
                        p.to_unbounded(p.low + xi * (p.high - p.low))
                        for p, xi in zip(params, x, strict=True)
                    ]
                )
                value = objective(u)
                if value < best:
                    best_u, best = u, value
        used = 1 + n_screen
        step = initial_step
        while used + u0.size + 2 <= max_evals:
            simplex = np.vstack([best_u, best_u + step * np.eye(u0.size)])
            result = minimize(
                objective,
                best_u,
                method="Nelder-Mead",
                options={
                    "maxfev": max_evals - used,
                    "initial_simplex": simplex,
                    "xatol": 0.02,
                    "fatol": 1e-3,
                },
            )
            used += result.nfev
            if result.fun < best:
                best_u, best = result.x, float(result.fun)
            step /= 2
        current.update(
            {p.name: p.from_unbounded(float(x)) for p, x in zip(params, best_u, strict=True)}
        )
        log(f"block {b.name}: loss {best:.3f} after {used} evaluations: {current}")
    loss_end = loss(*_swap(mean_values(simulate, current, seeds, all_targets, n_jobs), targets))
    log(f"end loss {loss_end:.3f}")
    return FitResult(current, dict(start), loss_start, loss_end, evaluations)
