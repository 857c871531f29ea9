"""Speed and memory benchmark of the weekly step, against Mesa's own Boltzmann wealth model.

    python -m experiments.benchmark            # full benchmark, prints JSON
    python -m experiments.benchmark --quick    # shorter runs (a smoke check, same JSON keys)

Measures, in one process: agent-steps per second of Mesa's Boltzmann wealth example at 1,000
agents (the reference); worker-steps per second of this model at 1,000 and 100,000 workers over
a simulated year or more; the peak memory of a 1,000,000-worker model (in a child process); and
the cost of creating and removing Mesa agents, against marking a post vacant in the state arrays
(the design choice of sim.agents). Each rate is the median of repeated timings; the ratio at 1,000
workers is the median ratio of alternating pairs (reference, then this model). A national
health system (sim.system, issue 14) of 1,000,000 and 3,000,000 workers is measured in child
processes (:mod:`experiments.system_benchmark`): set-up and stepping separately, and peak memory
(``--skip-system`` leaves it out); the 3,000,000-worker figures are those of the run with the
median rate of three (``system_ws_per_s_3m_runs`` lists all three).
"""

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import mesa
import numpy as np

from experiments.system_benchmark import measure_in_child
from sim import WorkforceModel, __version__

REQUIRED_RATIO_AT_1000 = 20.0  # issue 2: at least 20x the Mesa reference at 1,000 workers
REQUIRED_RATE_AT_100K = 5e6  # issue 2: at least 5 million worker-steps/s at 100,000 workers
REQUIRED_MB_AT_1M = 2048.0  # issue 2: 1,000,000 workers fit in 2 GB
REQUIRED_SYSTEM_RATE_3M = 13e6  # issue 14: 3 M workers, 10 years in under 2 minutes on 2 cores
REQUIRED_SYSTEM_GB_3M = 8.0  # issue 14: within 8 GB


def _median_rate(run: Callable[[], float], repeats: int) -> float:
    """Median of ``repeats`` calls of ``run`` (each returns a rate)."""
    return statistics.median(run() for _ in range(repeats))


def boltzmann_rate(n_agents: int, steps: int, repeats: int) -> float:
    """Agent-steps per second of Mesa's Boltzmann wealth example model."""
    from mesa.examples.basic.boltzmann_wealth_model.model import (
        BoltzmannScenario,
        BoltzmannWealth,
    )

    def once() -> float:
        model = BoltzmannWealth(BoltzmannScenario(n=n_agents, width=10, height=10, rng=1))
        for _ in range(5):
            model.step()
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        return n_agents * steps / (time.perf_counter() - start)

    return _median_rate(once, repeats)


def workforce_rate(n_workers: int, weeks: int, repeats: int) -> float:
    """Worker-steps per second of this model (weekly steps with data collection, after set-up)."""

    def once() -> float:
        model = WorkforceModel(rng=1, n_workers=n_workers, burn_in_weeks=0)
        model.run_for(4)  # warm caches
        start = time.perf_counter()
        model.run_for(weeks)
        return n_workers * weeks / (time.perf_counter() - start)

    return _median_rate(once, repeats)


def agent_churn_cost(n: int) -> dict[str, float]:
    """Microseconds to create and to remove one Mesa agent, and to mark one post vacant."""
    model = mesa.Model(rng=1)
    start = time.perf_counter()
    agents = mesa.Agent.create_agents(model, n)
    create = (time.perf_counter() - start) / n
    start = time.perf_counter()
    for agent in list(agents):
        agent.remove()
    remove = (time.perf_counter() - start) / n
    filled = np.ones(n, dtype=bool)
    posts = np.random.default_rng(1).permutation(n)
    start = time.perf_counter()
    filled[posts] = False
    mark = (time.perf_counter() - start) / n
    return {
        "create_agent_us": create * 1e6,
        "remove_agent_us": remove * 1e6,
        "mark_post_vacant_us": mark * 1e6,
    }


_MEMORY_CHILD = """
import resource, sys
from sim import WorkforceModel
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
model = WorkforceModel(rng=1, n_workers={n}, burn_in_weeks=0)
model.run_for(2)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(base / 1024, peak / 1024, len(model.agents))
"""


def peak_memory_mb(n_workers: int) -> dict[str, float]:
    """Peak resident memory (MB) of a child process that builds and steps an n-worker model."""
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_CHILD.format(n=n_workers)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    base, peak, agents = float(out[0]), float(out[1]), int(out[2])
    return {"peak_rss_mb": peak, "interpreter_and_imports_mb": base, "mesa_agents": agents}


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark and print the results as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs: a smoke check")
    parser.add_argument("--skip-memory", action="store_true", help="skip the 1M-worker child")
    parser.add_argument("--skip-system", action="store_true", help="skip the national systems")
    args = parser.parse_args(argv)
    quick = args.quick
    repeats = 1 if quick else 5
    started = time.perf_counter()
    # The 1,000-worker ratio from alternating pairs (the reference, then this model), so that both
    # rates of a pair meet the same load on the machine: the median of the pairs' ratios.
    pairs = [
        (
            boltzmann_rate(1000, 20 if quick else 200, 1),
            workforce_rate(1000, 52 if quick else 520, 1),
        )
        for _ in range(repeats)
    ]
    reference = statistics.median(ref for ref, _ in pairs)
    rate_1k = statistics.median(rate for _, rate in pairs)
    rate_100k = workforce_rate(100_000, 4 if quick else 52, 1 if quick else 3)
    result: dict = {
        "mesa_boltzmann_agent_steps_per_s_1000": round(reference),
        "worker_steps_per_s_1000": round(rate_1k),
        "ratio_vs_mesa_reference_1000": round(statistics.median(r / ref for ref, r in pairs), 2),
        "worker_steps_per_s_100000": round(rate_100k),
        "weeks_timed": {"1000": 52 if quick else 520, "100000": 4 if quick else 52},
        "agent_churn": agent_churn_cost(2_000 if quick else 20_000),
    }
    if not args.skip_memory:
        result["memory_1000000_workers"] = peak_memory_mb(1_000_000)
    if not args.skip_system:
        weeks = 4 if quick else 26
        for label, workers in (("1m", 1_000_000), ("3m", 3_000_000)):
            # The 3 M figure is the target's: the run with the median rate of three (single runs
            # on this 2-core machine differ by up to 15 %); every run's rate is kept.
            runs = [
                measure_in_child(workers, weeks)
                for _ in range(3 if label == "3m" and not quick else 1)
            ]
            system = sorted(runs, key=lambda run: run["ws_per_s"])[len(runs) // 2]
            result[f"system_{label}"] = system
            result[f"system_ws_per_s_{label}_runs"] = [run["ws_per_s"] for run in runs]
            result[f"system_ws_per_s_{label}"] = system["ws_per_s"]
            result[f"system_setup_s_{label}"] = system["setup_s"]
            result[f"system_peak_gb_{label}"] = system["peak_gb"]
    result["meets"] = {
        "ratio_1000_at_least_20x": result["ratio_vs_mesa_reference_1000"] >= REQUIRED_RATIO_AT_1000,
        "rate_100000_at_least_5M": rate_100k >= REQUIRED_RATE_AT_100K,
    }
    if "memory_1000000_workers" in result:
        result["meets"]["memory_1M_under_2GB"] = (
            result["memory_1000000_workers"]["peak_rss_mb"] < REQUIRED_MB_AT_1M
        )
    if "system_3m" in result:
        result["meets"]["system_3m_at_least_13M_per_s"] = (
            result["system_ws_per_s_3m"] >= REQUIRED_SYSTEM_RATE_3M
        )
        result["meets"]["system_3m_under_8GB"] = result["system_peak_gb_3m"] < REQUIRED_SYSTEM_GB_3M
    result["environment"] = {
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": np.__version__,
        "burnout_sim": __version__,
        "machine": platform.machine(),
        "quick": quick,
        "seconds": round(time.perf_counter() - started, 1),
        "own_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
