"""Speed and memory of a national health system (issue 14), measured in a fresh process.

    python -m experiments.system_benchmark 3000000 26   # workers, weeks timed; prints JSON

The system is ``conf/system_app/system/national.yaml`` (3,000,000 posts in 5,000 organizations)
with every organization count scaled to the number of workers asked for, in its labour market,
without burn-in. Set-up (building every organization's posts, people and supervisors) and stepping
(weekly steps after two warm-up weeks, without data collection) are timed separately; the peak
resident memory of the process is reported too, with the number of threads the weekly passes
used (sim.jit.in_chunks; ``NUMBA_NUM_THREADS`` sets it). :mod:`experiments.benchmark` runs this
in a child process so that each size's memory is its own.
"""

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numba
import yaml

from sim.system import HealthSystem

NATIONAL = Path(__file__).resolve().parents[1] / "conf" / "system_app" / "system" / "national.yaml"
WARM_UP_WEEKS = 2


def national_groups(workers: int) -> list[dict[str, Any]]:
    """The national preset's organization groups, counts scaled to about ``workers`` posts."""
    groups = yaml.safe_load(NATIONAL.read_text(encoding="utf-8"))["organizations"]
    total = sum(g["size"] * g["count"] for g in groups)
    return [{**g, "count": max(1, round(g["count"] * workers / total))} for g in groups]


def measure(workers: int, weeks: int) -> dict[str, float]:
    """Set-up seconds, stepping worker-steps per second and peak GB of one national system."""
    start = time.perf_counter()
    model = HealthSystem(
        national_groups(workers), rng=1, burn_in_weeks=0, collect_data=False, market={}
    )
    setup = time.perf_counter() - start
    model.run_for(WARM_UP_WEEKS)
    start = time.perf_counter()
    model.run_for(weeks)
    stepping = time.perf_counter() - start
    posts = model.workers.size
    return {
        "workers": posts,
        "organizations": model.n_orgs,
        "threads": numba.get_num_threads(),
        "setup_s": round(setup, 2),
        "weeks_timed": weeks,
        "ws_per_s": round(posts * weeks / stepping),
        "ten_years_s": round(setup + posts * 520 / (posts * weeks / stepping), 1),
        "peak_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2),
    }


def measure_in_child(workers: int, weeks: int) -> dict[str, float]:
    """:func:`measure` in a fresh Python process (its own peak memory)."""
    out = subprocess.run(
        [sys.executable, "-m", "experiments.system_benchmark", str(workers), str(weeks)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]), int(sys.argv[2]))))
