"""The posterior's representative point, chosen on a precise design with common random numbers.

ABC accepts particles on single noisy simulations, so the particle with the smallest ABC distance
is partly chosen by its seed's luck. Here every candidate is simulated on the same ``seeds``
(common random numbers) at a precise design (``representative.design`` of
conf/calibration/calibration.yaml), and candidates are ranked by the number of targets whose
mean lies inside the published interval, then by the calibration loss of those means
(:func:`analysis.calibration_diagnostics.evaluation_loss`). A refinement then minimizes that loss
from the best candidates by a bounded local search (scipy Nelder-Mead or Powell) inside the
posterior's support (the box of weighted ``box_low``-``box_high`` quantiles of the particles):
an estimate of the posterior mode given the targets, under the near-flat priors within that box
(docs/calibration.md). The best point of all evaluated, by the same ranking, is the
representative. Every evaluation is appended to a cache file, so a stopped run resumes without
repeating a simulation (the search is deterministic given its evaluations).
"""

import dataclasses
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from analysis.calibration import Target, fit_table
from analysis.calibration_diagnostics import closest_particles, evaluation_loss, weighted_quantile
from analysis.comparison import to_markdown
from experiments.batch_map import Mapper, in_process
from experiments.calibrate_abc import Prior, Simulator, simulate_sets
from experiments.calibration_model import Design
from sim.inputs import require_counts

METHODS = ("nelder-mead", "powell")
RANKS = ("hits", "hits_mc", "loss")
"""Ranking of evaluated sets: targets inside first (or inside within 2 MC s.e.), or loss only."""


@dataclass(frozen=True)
class RepresentativeSettings:
    """How the representative point is chosen (``representative`` of the calibration config)."""

    candidates: int = 10
    seeds: tuple[int, ...] = (101, 102, 103, 104)
    design: dict[str, Any] = field(default_factory=dict)
    refine_evaluations: int = 40
    refine_minutes: float = 5.0
    refine_starts: int = 1
    method: str = "nelder-mead"
    step: float = 0.2
    box_low: float = 0.05
    box_high: float = 0.95
    compare_defaults: bool = True
    refine_from_defaults: bool = False
    rank: str = "hits"

    def __post_init__(self) -> None:
        require_counts("representative", self, ("candidates", "refine_starts"))
        seeds = list(self.seeds)
        if not seeds or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in seeds):
            raise ValueError(
                f"representative.seeds = {seeds!r}; allowed: a non-empty list of whole numbers >= 0"
            )
        object.__setattr__(self, "seeds", tuple(seeds))
        budget = self.refine_evaluations
        if isinstance(budget, bool) or not isinstance(budget, int) or budget < 0:
            raise ValueError(
                f"representative.refine_evaluations = {budget!r}; allowed: a whole number >= 0 "
                "(0: no refinement)"
            )
        if not 0.0 < self.refine_minutes <= 24 * 60:
            raise ValueError(
                f"representative.refine_minutes = {self.refine_minutes}; allowed: (0, 1440]"
            )
        if self.rank not in RANKS:
            raise ValueError(f"representative.rank = {self.rank!r}; allowed: {list(RANKS)}")
        if self.method not in METHODS:
            raise ValueError(f"representative.method = {self.method!r}; allowed: {list(METHODS)}")
        if not 0.0 < self.step <= 1.0:
            raise ValueError(f"representative.step = {self.step}; allowed: (0, 1]")
        if not 0.0 <= self.box_low < self.box_high <= 1.0:
            raise ValueError(
                f"representative.box_low, box_high = {self.box_low}, {self.box_high}; allowed: "
                "0 <= box_low < box_high <= 1"
            )
        for name in ("compare_defaults", "refine_from_defaults"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(
                    f"representative.{name} = {getattr(self, name)!r}; allowed: true or false"
                )

    def evaluation_design(self, design: Design) -> Design:
        """``design`` with this block's overrides (its fields checked by :class:`Design`)."""
        known = {f.name for f in dataclasses.fields(Design)}
        unknown = sorted(set(self.design) - known)
        if unknown:
            raise ValueError(
                f"representative.design.{unknown[0]} is not a design setting; allowed: "
                f"{sorted(known)}"
            )
        try:
            return dataclasses.replace(design, **self.design)
        except ValueError as error:
            raise ValueError(f"representative.{error}") from None


@dataclass(frozen=True)
class Evaluation:
    """One parameter set simulated on every seed of the design, and its score."""

    stage: str  # "candidate" (a particle), "refine" (the local search), "defaults" (reference)
    label: str
    params: dict[str, float]
    rows: tuple[dict[str, float], ...]
    hits: int  # targets whose mean over the seeds lies inside the published interval
    hits_mc: int  # ... or within twice the mean's Monte Carlo standard error of it
    loss: float

    def rank_key(self, rank: str = "hits") -> tuple[int, float]:
        """Sort key: most targets hit by ``rank`` (a field) first, then the smallest loss.

        ``rank="loss"`` ranks by the loss only.
        """
        return (0 if rank == "loss" else -getattr(self, rank), self.loss)


def score(rows: Sequence[Mapping[str, float]], targets: Sequence[Target]) -> tuple[int, int, float]:
    """Targets hit (mean inside; inside within 2 MC s.e.) and the loss of the seeds' means."""
    table = fit_table({t.name: [r.get(t.name, math.nan) for r in rows] for t in targets}, targets)
    loss = evaluation_loss(rows, targets)
    return int(table["within"].sum()), int(table["within_mc"].sum()), float(loss)


class CrnEvaluator:
    """Simulates parameter sets on the same seeds (common random numbers), with a cache file.

    Each evaluated set's per-seed target values are appended to ``cache`` (JSON lines); a set
    already in it (same values, seeds and ``context``, e.g. the design) is not simulated again,
    so a stopped choice resumes where it was.
    """

    def __init__(
        self,
        simulator: Simulator,
        seeds: Sequence[int],
        targets: Sequence[Target],
        mapper: Mapper = in_process,
        cache: Path | None = None,
        context: str = "",
    ) -> None:
        self.simulator, self.seeds, self.targets = simulator, tuple(seeds), tuple(targets)
        self.mapper, self.cache, self.context = mapper, cache, context
        self.simulations = 0
        self._stored: dict[str, list[dict[str, float]]] = {}
        if cache is not None and cache.exists():
            for line in cache.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                self._stored[record["key"]] = record["rows"]

    def _key(self, params: Mapping[str, float]) -> str:
        values = sorted((k, float(f"{float(v):.12g}")) for k, v in params.items())
        return json.dumps([values, list(self.seeds), self.context])

    def evaluate(
        self, sets: Sequence[Mapping[str, float]], stage: str, labels: Sequence[str]
    ) -> list[Evaluation]:
        """Score each set over the seeds; the sets not in the cache are simulated in one batch."""
        sets = [{k: float(v) for k, v in p.items()} for p in sets]
        todo = [p for p in sets if self._key(p) not in self._stored]
        rows = simulate_sets(
            self.simulator,
            [p for p in todo for _ in self.seeds],
            [s for _ in todo for s in self.seeds],
            self.mapper,
        )
        self.simulations += len(rows)
        n = len(self.seeds)
        for j, p in enumerate(todo):
            key, per_seed = self._key(p), rows[j * n : (j + 1) * n]
            self._stored[key] = per_seed
            if self.cache is not None:
                self.cache.parent.mkdir(parents=True, exist_ok=True)
                with self.cache.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"key": key, "rows": per_seed}) + "\n")
        out = []
        for p, label in zip(sets, labels, strict=True):
            per_seed = self._stored[self._key(p)]
            hits, hits_mc, loss = score(per_seed, self.targets)
            out.append(Evaluation(stage, label, p, tuple(per_seed), hits, hits_mc, loss))
        return out


def support_box(
    draws: pd.DataFrame, weights: Sequence[float], low: float, high: float
) -> dict[str, tuple[float, float]]:
    """Per parameter, the weighted ``low`` and ``high`` quantiles of the particles."""
    return {
        name: (
            weighted_quantile(draws[name], weights, low),
            weighted_quantile(draws[name], weights, high),
        )
        for name in draws.columns
    }


class _BudgetSpent(Exception):
    """The refinement's evaluations or minutes are used up."""


def refine(
    evaluator: CrnEvaluator,
    start: Mapping[str, float],
    box: Mapping[str, tuple[float, float]],
    settings: RepresentativeSettings,
    budget: int,
    deadline: float,
    log: Callable[[str], None] = lambda line: None,
    tag: str = "",
) -> list[Evaluation]:
    """Bounded local minimization of the loss from ``start`` within ``box``; every evaluation.

    The search runs in the unit cube scaled to the box, from ``start`` projected into it (every
    evaluated set lies inside the box); the initial simplex (Nelder-Mead) or directions
    (Powell) step ``settings.step`` of the box's width along each parameter. It stops after
    ``budget`` evaluations, at ``deadline`` (a ``time.time()``), or when scipy converges.
    """
    names = list(box)
    lo = np.array([box[n][0] for n in names], dtype=float)
    hi = np.array([box[n][1] for n in names], dtype=float)
    width = np.where(hi > lo, hi - lo, 1.0)
    x0 = np.clip((np.array([start[n] for n in names], dtype=float) - lo) / width, 0.0, 1.0)
    evaluated: list[Evaluation] = []

    def objective(u: np.ndarray) -> float:
        if len(evaluated) >= budget or time.time() > deadline:
            raise _BudgetSpent
        params = dict(zip(names, (lo + np.clip(u, 0.0, 1.0) * width).tolist(), strict=True))
        (e,) = evaluator.evaluate([params], "refine", [f"{tag}{len(evaluated) + 1}"])
        evaluated.append(e)
        best = min(evaluated, key=lambda x: x.rank_key(settings.rank))
        log(
            f"refinement {tag}{len(evaluated)}/{budget}: loss {e.loss:.2f}, {e.hits} hits "
            f"(best so far {best.loss:.2f}, {best.hits} hits)"
        )
        return e.loss

    step = settings.step * np.where(x0 + settings.step <= 1.0, 1.0, -1.0)
    bounds = [(0.0, 1.0)] * len(names)
    if settings.method == "nelder-mead":
        simplex = np.clip(np.vstack([x0, x0 + np.diag(step)]), 0.0, 1.0)
        options = {"maxfev": budget, "initial_simplex": simplex, "xatol": 1e-3, "fatol": 1e-3}
        vertices = [dict(zip(names, (lo + u * width).tolist(), strict=True)) for u in simplex]
        if time.time() < deadline:  # the first simplex in one batch: fewer, fuller rounds
            evaluator.evaluate(vertices[:budget], "refine", ["simplex"] * min(budget, len(simplex)))
    else:
        options = {"maxfev": budget, "direc": np.diag(step), "xtol": 1e-3, "ftol": 1e-4}
    try:
        minimize(objective, x0, method=settings.method, bounds=bounds, options=options)
    except _BudgetSpent:
        pass
    return evaluated


@dataclass
class Choice:
    """The representative point, how it was chosen, and every evaluation behind it."""

    params: dict[str, float]
    best: Evaluation
    evaluations: list[Evaluation]
    box: dict[str, tuple[float, float]]
    design: Design
    seeds: tuple[int, ...]
    simulations: int
    seconds: float
    rank: str = "hits"

    def table(self) -> pd.DataFrame:
        """One row per evaluated set: stage, label, hits, loss, chosen, parameter values."""
        return pd.DataFrame(
            [
                {
                    "stage": e.stage,
                    "label": e.label,
                    "hits": e.hits,
                    "hits_mc": e.hits_mc,
                    "loss": e.loss,
                    "chosen": e is self.best,
                    **e.params,
                }
                for e in self.evaluations
            ]
        )

    def markdown(self, targets: int) -> str:
        """How the point was chosen, and each candidate's hits and loss, as Markdown."""
        table = self.table()
        shown = table[table["stage"] != "refine"][["stage", "label", "hits", "hits_mc", "loss"]]
        refined = table[table["stage"] == "refine"]
        by = {"candidate": "particle", "refine": "refinement step", "defaults": "the defaults"}
        lines = [
            f"Chosen: {by[self.best.stage]} {self.best.label}, {self.best.hits} of {targets} "
            f"targets inside their interval ({self.best.hits_mc} within 2 MC s.e.), loss "
            f"{self.best.loss:.2f}, on seeds {list(self.seeds)} (common random numbers) at "
            f"the design {dataclasses.asdict(self.design)}; {self.simulations} simulations, "
            f"{self.seconds:.0f} s.\n",
            to_markdown(shown.round(2)) + "\n",
        ]
        if len(refined):
            best = refined.sort_values(["hits", "loss"], ascending=[False, True]).iloc[0]
            lines.append(
                f"Refinement ({len(refined)} evaluations inside the posterior's quantile box): "
                f"best {int(best['hits'])} hits, loss {best['loss']:.2f}.\n"
            )
        return "\n".join(lines)

    def provenance(self) -> dict[str, Any]:
        """What the posterior's provenance records about the choice."""
        return {
            "rule": "every candidate on the same seeds (common random numbers) at a precise "
            "design, ranked by `rank` (hits: most targets inside their interval first, then the "
            "smallest loss; hits_mc: the same within 2 MC s.e.; loss: the loss only); then a "
            "bounded local search of the loss inside the posterior's quantile box from the best "
            "candidates; the best evaluated set by the same rule",
            "rank": self.rank,
            "design": dataclasses.asdict(self.design),
            "seeds": list(self.seeds),
            "box": {k: list(v) for k, v in self.box.items()},
            "chosen": {"stage": self.best.stage, "label": self.best.label},
            "evaluations": [
                {
                    "stage": e.stage,
                    "label": e.label,
                    "hits": e.hits,
                    "hits_mc": e.hits_mc,
                    "loss": round(e.loss, 4),
                }
                for e in self.evaluations
            ],
            "simulations": self.simulations,
            "seconds": round(self.seconds, 1),
        }


def choose_representative(
    simulator: Simulator,
    draws: pd.DataFrame,
    weights: Sequence[float],
    distances: Sequence[float],
    priors: Sequence[Prior],
    settings: RepresentativeSettings,
    design: Design,
    targets: Sequence[Target],
    *,
    mapper: Mapper = in_process,
    cache: Path | None = None,
    resume: bool = False,
    defaults: Mapping[str, float] | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> Choice:
    """Rank the closest particles on common random numbers, refine the best, return the choice.

    ``simulator(params, seed)`` is simulated at ``design`` (already the evaluation design);
    ``defaults``, when given and ``settings.compare_defaults`` or ``refine_from_defaults``, is
    evaluated alongside as a reference (reported, never chosen itself); with
    ``refine_from_defaults`` the search also starts from it, projected into the box. The
    ``cache`` file is reused with ``resume``, else started anew.
    """
    t0 = time.time()
    if cache is not None and not resume:
        cache.unlink(missing_ok=True)
    context = json.dumps(dataclasses.asdict(design))
    evaluator = CrnEvaluator(simulator, settings.seeds, targets, mapper, cache, context)
    picked = closest_particles(distances, settings.candidates)
    log(
        f"representative point: the {len(picked)} closest particles on seeds "
        f"{list(settings.seeds)} (common random numbers)"
    )
    sets = [{k: float(v) for k, v in draws.iloc[i].items()} for i in picked]
    labels = [str(i) for i in picked]
    evaluations = evaluator.evaluate(sets, "candidate", labels)
    if defaults is not None and (settings.compare_defaults or settings.refine_from_defaults):
        evaluations += evaluator.evaluate([dict(defaults)], "defaults", ["sim/parameters.py"])
    for e in evaluations:
        log(f"  {e.stage} {e.label}: {e.hits} hits ({e.hits_mc} within 2 s.e.), loss {e.loss:.2f}")
    ranked = sorted(
        (e for e in evaluations if e.stage == "candidate"), key=lambda e: e.rank_key(settings.rank)
    )
    bounds = {p.name: (p.low, p.high) for p in priors}
    box = {
        name: (max(lo, bounds[name][0]), min(hi, bounds[name][1]))
        for name, (lo, hi) in support_box(
            draws, weights, settings.box_low, settings.box_high
        ).items()
    }
    if settings.refine_evaluations:
        deadline = time.time() + 60.0 * settings.refine_minutes
        starts = ranked[: settings.refine_starts]
        if settings.refine_from_defaults:
            starts += [e for e in evaluations if e.stage == "defaults"]
        share = max(settings.refine_evaluations // len(starts), 1)
        for k, start in enumerate(starts):
            log(
                f"refinement from {start.stage} {start.label} ({settings.method}, up to {share} "
                f"evaluations, until {settings.refine_minutes} min)"
            )
            evaluations += refine(
                evaluator, start.params, box, settings, share, deadline, log, f"{k + 1}."
            )
    best = min(
        (e for e in evaluations if e.stage != "defaults"), key=lambda e: e.rank_key(settings.rank)
    )
    log(
        f"representative point: {best.stage} {best.label}, {best.hits}/{len(targets)} targets "
        f"inside, loss {best.loss:.2f}"
    )
    return Choice(
        dict(best.params),
        best,
        evaluations,
        box,
        design,
        settings.seeds,
        evaluator.simulations,
        time.time() - t0,
        settings.rank,
    )
