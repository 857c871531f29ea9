"""Likelihood-free Bayesian calibration by ABC-SMC (pyabc), model-agnostic.

A simulator maps a parameter set to target values (``dict -> dict``); the priors are uniform over
each parameter's range; the distance is the interval-scaled one of
:func:`analysis.calibration.loss`: the square root of the weighted sum of squared standardized
deviations, each target's deviation divided by its published interval's half-width on the side
of the deviation, widened by the simulator's own noise at that target (Vernon et al. 2010's
implausibility). pyabc (Klinger et al. 2018) runs sequential Monte Carlo over generations of
decreasing tolerance (its median-epsilon schedule, Del Moral et al. 2012), proposes by a
multivariate normal kernel, weights particles by prior over proposal density, and keeps every
generation in an SQLite history from which a run continues (:func:`run_abc` with ``resume``).
Every simulation goes through a mapper (:mod:`experiments.batch_map`): in this process, or as jobs
of the configured Hydra launcher (:class:`BatchSampler`), like every other experiment's runs.
Used by ``python -m experiments.calibrate`` and by the toy test of tests/calibration.
"""

import functools
import logging
import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cloudpickle
import numpy as np
import pandas as pd
import pyabc

from analysis.calibration import Target, loss
from experiments.batch_map import Mapper, in_process
from sim.inputs import require_counts

Simulator = Callable[..., dict[str, float]]
"""(parameters[, seed]) -> target values; picklable, for launched jobs."""


@dataclass(frozen=True)
class Prior:
    """A uniform prior over [low, high] and the evidence that bounds it."""

    name: str
    low: float
    high: float
    source: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(
                f"parameter {self.name!r}: range [{self.low}, {self.high}] must have low < high"
            )


@dataclass(frozen=True)
class AbcSettings:
    """ABC-SMC settings (``abc`` of conf/calibration/calibration.yaml); each stops the run."""

    population_size: int = 200
    max_generations: int = 8
    min_epsilon: float = 0.0
    min_acceptance_rate: float = 0.02
    max_simulations: int = 6000
    max_minutes: float = 24.0
    jobs: int = 2
    seed: int = 11

    def __post_init__(self) -> None:
        counts = ("population_size", "max_generations", "max_simulations", "jobs")
        require_counts("abc", self, counts)
        if self.population_size < 10:
            raise ValueError(f"abc.population_size = {self.population_size}; allowed: >= 10")
        if not 0.0 <= self.min_acceptance_rate < 1.0:
            raise ValueError(
                f"abc.min_acceptance_rate = {self.min_acceptance_rate}; allowed: [0, 1)"
            )
        if not (self.min_epsilon >= 0.0 and math.isfinite(self.min_epsilon)):
            raise ValueError(f"abc.min_epsilon = {self.min_epsilon}; allowed: >= 0")
        if not 0.0 < self.max_minutes <= 24 * 60:
            raise ValueError(f"abc.max_minutes = {self.max_minutes}; allowed: (0, 1440]")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"abc.seed = {self.seed!r}; allowed: a whole number >= 0")


class IntervalDistance:
    """The ABC distance: sqrt of :func:`analysis.calibration.loss` with the simulator noise."""

    def __init__(self, targets: Sequence[Target], noise: Mapping[str, float]) -> None:
        self.targets = tuple(targets)
        self.noise = {k: float(v) for k, v in noise.items()}

    def __call__(self, simulated: Mapping[str, float], observed: Mapping[str, float]) -> float:
        """Distance of simulated from published target values (``observed`` is unused).

        Each target carries its published value and interval.
        """
        return math.sqrt(loss(simulated, self.targets, self.noise))


def beaumont_bandwidth(effective_size: float, dim: int) -> float:
    """Proposal kernel: covariance twice the weighted population covariance (bandwidth sqrt 2).

    Beaumont et al. 2009 (Biometrika 96:983) show 2 x covariance is the kernel that minimizes the
    Kullback-Leibler distance to the next target in ABC population Monte Carlo. pyabc's default
    (Silverman's rule, about 0.5 x covariance with 14 parameters) collapsed the weights here
    (effective sample size 5-7 of 200 in generations 1-2 of a first run): particles proposed into
    the thin parts of the last population get huge prior / proposal weights.
    """
    return math.sqrt(2.0)


class EarlyRejectingModel(pyabc.IntegratedModel):
    """The simulator as a pyabc model that stops simulating once a particle must be rejected.

    A simulator with a ``stages(params)`` method yields its target values in parts; the
    distance over the targets seen so far can only grow as more are added (a sum of squares),
    so once it exceeds the tolerance the particle is rejected without the remaining parts:
    exact, and cheaper (the dearest part, the simulated trials, comes last).
    """

    def __init__(self, simulator: Simulator, distance: IntervalDistance) -> None:
        super().__init__(name="model")
        self.simulator = simulator
        self.distance = distance

    def sample(self, pars: Mapping[str, float]) -> dict[str, float]:
        """Every target (the prior sample that sets the first tolerance uses this)."""
        return self.simulator(dict(pars))

    def integrated_simulate(self, pars: Mapping[str, float], eps: float) -> Any:
        """Simulate part by part; reject as soon as the partial distance exceeds ``eps``."""
        stages = getattr(self.simulator, "stages", None)
        parts = stages(dict(pars)) if stages else iter([self.simulator(dict(pars))])
        values: dict[str, float] = {}
        distance = 0.0
        for part in parts:
            values.update(part)
            distance = self.distance(values, {})
            if distance > eps:
                return pyabc.ModelResult(accepted=False, distance=distance)
        return pyabc.ModelResult(sum_stat=values, distance=distance, accepted=True)


def evaluate_batch(payload: bytes, quota: int, stop_at: int, seed: int) -> list[Any]:
    """One job of a round: evaluate pyabc's ``simulate_one`` (pickled in ``payload``).

    Up to ``quota`` evaluations, stopping once ``stop_at`` are accepted; pyabc's proposals
    draw from numpy's and Python's global generators, seeded here with ``seed`` and restored
    afterwards (so the calling process draws the same wherever the batch ran).
    """
    simulate_one = cloudpickle.loads(payload)
    saved = np.random.get_state(), random.getstate()
    np.random.seed(seed)
    random.seed(seed)
    particles: list[Any] = []
    accepted = 0
    try:
        while len(particles) < quota and accepted < stop_at:
            particle = simulate_one()
            particles.append(particle)
            accepted += bool(particle.accepted)
    finally:
        np.random.set_state(saved[0])
        random.setstate(saved[1])
    return particles


class BatchSampler(pyabc.sampler.Sampler):
    """pyabc's sampling in rounds of ``jobs`` batches, each batch one call of a mapper.

    A generation needs ``n`` accepted particles. Each round gives each job a quota of
    evaluations (the accepted particles still missing over the acceptance rate seen so far, plus
    a tenth, shared out) and a job stops early once it has its share of the missing
    acceptances. The jobs' particles are taken in job order, each job's in its own order, up to
    the ``n``-th accepted: the same sample for the same seed wherever the jobs ran. Evaluations
    past it are dropped and not counted, as in pyabc's evaluation-parallel sampler. At
    ``max_eval`` evaluations the generation stops short (sample not ok: pyabc ends the run).

    Args:
        mapper: Runs a round's batches (:mod:`experiments.batch_map`).
        jobs: Batches per round.
        seed: Root of each batch's seed (with the generation, round and batch).
        log: Receives one progress line per round.
    """

    def __init__(
        self, mapper: Mapper, jobs: int, seed: int, log: Callable[[str], None] = lambda _: None
    ) -> None:
        super().__init__()
        self.mapper, self.jobs, self.seed, self.log = mapper, jobs, seed, log
        self.rate = 0.3  # assumption: first guess of a generation's acceptance rate

    def sample_until_n_accepted(
        self,
        n: int,
        simulate_one: Callable[[], Any],
        t: int,
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,
        ana_vars: Any = None,
    ) -> Any:
        """Rounds of batches until ``n`` particles are accepted or ``max_eval`` evaluated."""
        payload = cloudpickle.dumps(simulate_one)
        sample = self._create_empty_sample()
        accepted = evaluations = 0
        rate = 1.0 if all_accepted else self.rate
        round_ = 0
        while accepted < n and evaluations < max_eval:
            missing = n - accepted
            quota = math.ceil(1.1 * missing / max(rate, 0.01) / self.jobs)
            if math.isfinite(max_eval):
                quota = min(quota, math.ceil((max_eval - evaluations) / self.jobs))
            quota = max(quota, 1)
            stop_at = math.ceil(missing / self.jobs)
            seeds = [
                int(np.random.SeedSequence([self.seed, t + 1, round_, job]).generate_state(1)[0])
                for job in range(self.jobs)
            ]
            batches = self.mapper(functools.partial(evaluate_batch, payload, quota, stop_at), seeds)
            for particle in (p for batch in batches for p in batch):
                if accepted >= n or evaluations >= max_eval:
                    break
                sample.append(particle)
                evaluations += 1
                accepted += bool(particle.accepted)
            rate = (accepted + 1) / (evaluations + 2)
            self.log(
                f"generation {t} round {round_}: {accepted}/{n} accepted after {evaluations} "
                f"simulations ({self.jobs} jobs of up to {quota})"
            )
            round_ += 1
        self.nr_evaluations_ = evaluations
        if not all_accepted:
            self.rate = rate
        if accepted < n:
            sample.ok = False
        return sample


@dataclass
class AbcResult:
    """The last generation (the posterior sample) and the run's record."""

    draws: pd.DataFrame
    weights: np.ndarray
    distances: np.ndarray
    generations: pd.DataFrame
    simulations: int
    seconds: float
    resumed: bool


class _LogHandler(logging.Handler):
    """Pass pyabc's log records (generation, epsilon, acceptance) to the command's log."""

    def __init__(self, log: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self._log = log

    def emit(self, record: logging.LogRecord) -> None:
        self._log(f"pyabc {record.name}: {record.getMessage()}")


def run_abc(
    simulator: Simulator,
    priors: Sequence[Prior],
    targets: Sequence[Target],
    noise: Mapping[str, float],
    settings: AbcSettings,
    db_path: Path,
    log: Callable[[str], None] = lambda line: None,
    resume: bool = False,
    mapper: Mapper = in_process,
) -> AbcResult:
    """Run ABC-SMC; its history (every generation) is kept in the SQLite file ``db_path``.

    With ``resume`` and an existing history the last run in it continues (pyabc ``ABCSMC.load``)
    up to the same stopping rules; otherwise the file is started anew. The simulations run in
    ``settings.jobs`` batches per round through ``mapper`` (:class:`BatchSampler`).
    """
    t0 = time.time()
    np.random.seed(settings.seed)  # pyabc draws from numpy's global generator
    prior = pyabc.Distribution(
        **{p.name: pyabc.RV("uniform", p.low, p.high - p.low) for p in priors}
    )
    sampler = BatchSampler(mapper, settings.jobs, settings.seed, log)
    distance = IntervalDistance(targets, noise)
    abc = pyabc.ABCSMC(
        EarlyRejectingModel(simulator, distance),
        prior,
        distance,
        population_size=settings.population_size,
        transitions=pyabc.MultivariateNormalTransition(bandwidth_selector=beaumont_bandwidth),
        sampler=sampler,
    )
    handler = _LogHandler(log)
    abc_logger = logging.getLogger("ABC")
    own_handlers = list(abc_logger.handlers)  # pyabc prints to stderr itself: ours instead
    for h in own_handlers:
        abc_logger.removeHandler(h)
    abc_logger.addHandler(handler)
    abc_logger.setLevel(logging.INFO)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{db_path.resolve()}"
    resumed = False
    try:
        run_id = _last_run(url) if resume and db_path.exists() else None
        if run_id is not None:
            abc.load(url, abc_id=run_id)
            resumed = True
            log(f"resuming ABC run {run_id} of {db_path} after {abc.history.max_t + 1} generations")
        else:
            db_path.unlink(missing_ok=True)
            abc.new(url, {t.name: t.value for t in targets})
        history = _generations(abc, settings, t0, log)
    finally:
        abc_logger.removeHandler(handler)
        for h in own_handlers:
            abc_logger.addHandler(h)
    particles = history.get_population(t=history.max_t).particles
    names = [p.name for p in priors]
    return AbcResult(
        draws=pd.DataFrame([{n: float(q.parameter[n]) for n in names} for q in particles]),
        weights=np.array([q.weight for q in particles], dtype=float),
        distances=np.array([q.distance for q in particles], dtype=float),
        generations=generation_table(history),
        simulations=int(history.total_nr_simulations),
        seconds=time.time() - t0,
        resumed=resumed,
    )


def _generations(abc: Any, settings: AbcSettings, t0: float, log: Callable[[str], None]) -> Any:
    """Run one generation at a time until a stopping rule holds; return the history.

    Before each generation the simulations it may use are capped by the time and simulations
    left (at the seconds per simulation measured so far): pyabc stops a generation whose
    acceptance rate falls below population / cap, so the run ends within ``max_minutes`` plus
    at most the first generation.
    """
    history = abc.history
    deadline = t0 + 60.0 * settings.max_minutes
    seconds_per_sim = math.nan
    while True:
        done, sims = history.max_t + 1, int(history.total_nr_simulations)
        left_time, left_sims = deadline - time.time(), settings.max_simulations - sims
        reason = (
            "max_generations"
            if done >= settings.max_generations
            else "max_simulations"
            if left_sims <= 0
            else "max_minutes"
            if left_time <= 0
            else ""
        )
        if reason:
            break
        cap = (
            left_sims
            if math.isnan(seconds_per_sim)
            else min(left_sims, left_time / seconds_per_sim)
        )
        min_rate = max(settings.min_acceptance_rate, settings.population_size / max(cap, 1.0))
        if min_rate >= 1.0:
            reason = "time or simulations left too few for another generation"
            break
        start = time.time()
        # pyabc caches the population it sets the next tolerance from (the prior sample on the
        # first call): clear it so that each call continues from the last generation.
        abc._initial_population = None
        history = abc.run(
            minimum_epsilon=settings.min_epsilon,
            max_nr_populations=1,
            min_acceptance_rate=min_rate,
        )
        new_sims = int(history.total_nr_simulations) - sims
        if history.max_t + 1 == done:
            reason = f"a generation's acceptance rate fell below {min_rate:.3g}"
            break
        seconds_per_sim = (time.time() - start) / max(new_sims, 1)
        eps = float(history.get_all_populations()["epsilon"].iloc[-1])
        log(f"generation {history.max_t}: {new_sims} simulations, {seconds_per_sim:.3f} s each")
        if eps <= settings.min_epsilon:
            reason = "min_epsilon"
            break
    log(f"ABC-SMC stopped: {reason}")
    return history


def _last_run(url: str) -> int | None:
    """The id of the last ABC run stored at ``url``, or None."""
    runs = pyabc.History(url).all_runs()
    return int(runs[-1].id) if runs else None


def generation_table(history: Any) -> pd.DataFrame:
    """Per generation: tolerance, simulations, acceptance rate, effective sample size, time."""
    populations = history.get_all_populations()
    rows = []
    for row in populations.itertuples():
        if row.t < 0:  # pyabc's calibration sample from the prior
            continue
        _, w = history.get_distribution(m=0, t=int(row.t))
        w = np.asarray(w, dtype=float) / np.sum(w)
        rows.append(
            {
                "generation": int(row.t),
                "epsilon": float(row.epsilon),
                "simulations": int(row.samples),
                "accepted": int(row.particles),
                "acceptance_rate": float(row.particles / max(row.samples, 1)),
                "ess": float(1.0 / np.sum(w**2)),
                "end_time": str(row.population_end_time),
            }
        )
    return pd.DataFrame(rows)


def _simulate_one(job: tuple[Simulator, dict[str, float], int]) -> dict[str, float]:
    simulator, params, seed = job
    return simulator(params, seed)


def simulate_sets(
    simulator: Simulator,
    parameter_sets: Sequence[Mapping[str, float]],
    seeds: Sequence[int],
    mapper: Mapper = in_process,
) -> list[dict[str, float]]:
    """Simulate each parameter set with its seed, through ``mapper``; results in order."""
    jobs = [(simulator, dict(p), int(s)) for p, s in zip(parameter_sets, seeds, strict=True)]
    return mapper(_simulate_one, jobs)
