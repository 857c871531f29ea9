"""Tipping point of the understaffing spiral, and whether it recovers when demand falls back.

Usage::

    python -m experiments.tipping_point                       # default size, well under a minute
    python -m experiments.tipping_point quick=true            # a tiny run (tests)
    python -m experiments.tipping_point hysteresis.high_demand=1.3 replicates=16
    python -m experiments.tipping_point --multirun model.job_market=1,1.5

Two parts, all in one job, every replicate ``r`` with the runner's seed ``r`` of ``seed``
(:func:`experiments.runner.replicate_seeds`; the same seeds at every demand level and in both
arms of the surge: common random numbers):

1. **Sweep**: organizations run at a fixed demand level (model parameter ``demand_level``:
   patient demand relative to what the budgeted posts can give) from ``sweep.demand_min`` to
   ``sweep.demand_max``; equilibrium turnover, vacancy rate and burnout are read at the end
   (``sweep.equilibrium_weeks``). The tipping point of each is the demand of its steepest rise
   (analysis.tipping_point); vacancies still rising at the end count as running away.
2. **Hysteresis**: demand runs up from ``baseline_demand`` to ``high_demand``, holds, and comes
   back down (a :class:`~experiments.tipping_settings.DemandPath` scenario); a control run with
   the same seed stays at baseline. The gap between them shows how long staffing, burnout and
   trust take to recover.

Writes to the Hydra output folder: ``sweep.csv`` (one row per demand level and replicate),
``hysteresis.csv`` (weekly outcomes of both arms, every replicate), ``tipping_point.png``,
``hysteresis.png``, ``hysteresis_loop.png``, ``summary.json``, ``summary.md`` and
``run_info.json`` (config, seeds, versions, git commit, timings). Prints the summary, then the
output folder as the last line.
"""

import dataclasses
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import hydra
import numpy as np
import pandas as pd
from omegaconf import DictConfig

from analysis.comparison import to_markdown
from analysis.tipping_point import (
    OUTCOME_LABELS,
    plot_hysteresis,
    plot_loop,
    plot_tipping,
    recovery,
    runaway,
    tipping_point,
)
from experiments.hydra_app import check_command_line
from experiments.hydra_job import run_job
from experiments.records import provenance, write_json_atomic, write_text_atomic
from experiments.tipping_settings import TippingSettings, settings_from
from sim.model import WorkforceModel
from sim.scenarios import make_scenario

SWEEP_OUTCOMES = ("annual_turnover_rate", "vacancy_rate", "burnout_prevalence")
"""Equilibrium outcomes whose tipping points are reported (turnover first: retention)."""

EQUILIBRIUM_MEANS = ("vacancy_rate", "burnout_prevalence", "intent_to_leave_share", "trust")
"""Outcomes averaged over each sweep run's final window (turnover is a 52-week rate already)."""

RECOVERY_OUTCOMES = ("turnover_rate", "vacancy_rate", "burnout_prevalence", "trust")
"""Outcomes followed through the surge; ``turnover_rate`` is weekly leavers x 52 / posts."""

WEEKLY_COLUMNS = (
    "burnout_prevalence",
    "vacancy_rate",
    "annual_turnover_rate",
    "intent_to_leave_share",
    "trust",
    "mean_intensity",
    "leavers",
)

COMMAND = "python -m experiments.tipping_point"

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Simulation


def weekly_outcomes(model: WorkforceModel) -> pd.DataFrame:
    """The model's weekly metrics that the experiment reads (weeks after the burn-in)."""
    frame = model.datacollector.get_model_vars_dataframe()
    frame = frame[frame["week"] > 0]
    out = frame[["week", *WEEKLY_COLUMNS]].reset_index(drop=True)
    # Metrics are recorded after each step: the row of week w describes the week numbered w - 1
    # when it was simulated (the week the scenario was asked about).
    out["week"] -= 1
    out["turnover_rate"] = out["leavers"] * 52.0 / model.params.n_workers
    return out


def simulate_level(settings: TippingSettings, demand: float, seed: int) -> dict[str, float]:
    """One organization at a fixed demand level: its equilibrium outcomes and vacancy trend."""
    model = WorkforceModel(
        rng=seed,
        pressure=settings.scenario,
        burn_in_weeks=settings.burn_in_weeks,
        demand_level=demand,
        **settings.model,
    )
    model.run_for(settings.sweep_weeks)
    weekly = weekly_outcomes(model)
    final = weekly.iloc[-settings.equilibrium_weeks :]
    trend = np.polyfit(final["week"].to_numpy(float) / 52.0, final["vacancy_rate"].to_numpy(), 1)[0]
    return {
        "annual_turnover_rate": float(final["annual_turnover_rate"].iloc[-1]),
        **{key: float(final[key].mean()) for key in EQUILIBRIUM_MEANS},
        "mean_intensity": float(final["mean_intensity"].mean()),
        "vacancy_trend_per_year": float(trend),
    }


def simulate_sweep(settings: TippingSettings) -> pd.DataFrame:
    """Every demand level x replicate: one row each (tidy)."""
    rows = []
    for demand in settings.demand_levels:
        for replicate, seed in enumerate(settings.seeds):
            rows.append(
                {
                    "demand_level": demand,
                    "replicate": replicate,
                    "seed": seed,
                    **simulate_level(settings, demand, seed),
                }
            )
        log.info("sweep: demand %.3f done (%d replicates)", demand, settings.replicates)
    return pd.DataFrame(rows)


def simulate_surge(settings: TippingSettings) -> pd.DataFrame:
    """Weekly outcomes through the surge and in the control, every replicate (tidy)."""
    plan = settings.surge
    base = make_scenario(settings.scenario)
    path = plan.path(base)
    frames = []
    for replicate, seed in enumerate(settings.surge_seeds):
        for arm, scenario in (("surge", path), ("control", base)):
            model = WorkforceModel(
                rng=seed,
                pressure=scenario,
                burn_in_weeks=settings.burn_in_weeks,
                demand_level=plan.baseline_demand,
                **settings.model,
            )
            model.run_for(plan.total_weeks)
            weekly = weekly_outcomes(model)
            multiplier = (
                np.array([path.multiplier(w) for w in weekly["week"]]) if arm == "surge" else 1.0
            )
            weekly.insert(0, "demand", plan.baseline_demand * multiplier)
            frames.append(weekly.assign(arm=arm, replicate=replicate, seed=seed))
        log.info("hysteresis: pair %d of %d done", replicate + 1, settings.surge_replicates)
    out = pd.concat(frames, ignore_index=True)
    return out[["arm", "replicate", "seed", "week", *out.columns[:-3].drop("week")]]


# --------------------------------------------------------------------------------------------
# Analysis


def analyse(settings: TippingSettings, sweep: pd.DataFrame, weekly: pd.DataFrame) -> dict:
    """Tipping points, runaway check and recovery after the surge, as plain data."""
    tipping = {
        outcome: tipping_point(sweep, outcome, n_boot=settings.bootstrap, seed=settings.seed)
        for outcome in SWEEP_OUTCOMES
    }
    plan = settings.surge
    recoveries = {}
    for outcome in RECOVERY_OUTCOMES:
        arms = {
            arm: weekly[weekly["arm"] == arm].pivot(
                index="replicate", columns="week", values=outcome
            )
            for arm in ("surge", "control")
        }
        weeks = arms["surge"].columns.to_numpy()
        recoveries[outcome] = recovery(
            arms["surge"].to_numpy(float),
            arms["control"].to_numpy(float),
            weeks,
            surge_start=plan.surge_start,
            demand_back=plan.demand_back,
            tolerance=plan.recovery_tolerance,
            smoothing_weeks=plan.smoothing_weeks,
            settle_weeks=plan.settle_weeks,
            n_boot=settings.bootstrap,
            seed=settings.seed,
        )
    equilibrium = sweep.groupby("demand_level")[
        [*SWEEP_OUTCOMES, "intent_to_leave_share", "trust", "vacancy_trend_per_year"]
    ].mean()
    return {
        "tipping_points": tipping,
        "runaway": runaway(sweep, threshold=settings.runaway_trend),
        "equilibrium_by_demand": equilibrium.reset_index().to_dict(orient="records"),
        "surge": {
            **dataclasses.asdict(plan),
            "surge_start_week": plan.surge_start,
            "demand_back_week": plan.demand_back,
        },
        "recovery": recoveries,
    }


def summary_markdown(summary: Mapping[str, Any], settings: TippingSettings) -> str:
    """The summary as a short Markdown report."""
    levels = settings.demand_levels
    plan = settings.surge
    lines = [
        "# Tipping point of the understaffing spiral",
        "",
        f"Sweep: demand {levels[0]:g} to {levels[-1]:g} ({len(levels)} levels) x "
        f"{settings.replicates} replicates of {settings.n_workers} posts; equilibrium = last "
        f"{settings.equilibrium_weeks} of {settings.burn_in_weeks} + {settings.sweep_weeks} weeks.",
        "",
        to_markdown(
            pd.DataFrame(
                [
                    (
                        OUTCOME_LABELS[outcome],
                        f"{t['tipping_point']:.3f} ({t['ci95'][0]:.3f} to {t['ci95'][1]:.3f})",
                        f"{0.1 * t['steepest_slope']:+.1%}",
                        f"{t['low']:.1%} -> {t['high']:.1%}",
                    )
                    for outcome, t in summary["tipping_points"].items()
                ],
                columns=(
                    "outcome",
                    "tipping point: demand of steepest rise (95 % CI)",
                    "rise per 0.1 of demand there",
                    "fitted plateaus",
                ),
            )
        ),
    ]
    run = summary["runaway"]
    lines += [
        "",
        (
            f"Vacancies run away (still rising by more than {run['threshold_per_year']:.1%} a "
            f"year at the end, 95 % interval) from demand {run['first_runaway_demand']:g}."
            if run["first_runaway_demand"] is not None
            else f"Vacancies settle at every demand level (largest end trend "
            f"{run['largest_mean_trend_per_year']:+.2%} a year, at demand {run['at_demand']:g}): "
            "the spiral saturates instead of running away."
        ),
        "",
        f"Surge ({settings.surge_replicates} pairs of runs with and without it, same seeds): "
        f"demand {plan.baseline_demand:g} -> {plan.high_demand:g} (ramps of "
        f"{plan.ramp_weeks} weeks, {plan.hold_weeks} weeks held), back at baseline in week "
        f"{plan.demand_back}, followed {plan.follow_weeks} weeks; recovered = the "
        f"{plan.smoothing_weeks}-week average gap from the control stays within "
        f"{plan.recovery_tolerance:.0%} of its peak for {plan.settle_weeks} weeks.",
        "",
    ]
    rows = []
    for outcome, r in summary["recovery"].items():
        low, high = r["final_gap_ci95"]
        rows.append(
            (
                OUTCOME_LABELS[outcome],
                f"{r['peak_gap']:+.3f}",
                f"{_weeks(r['weeks_to_recover'])} ({_weeks(r['weeks_to_recover_ci95'][0])} to "
                f"{_weeks(r['weeks_to_recover_ci95'][1])})",
                f"{r['final_gap']:+.4f} ({low:+.4f} to {high:+.4f})"
                + (" lasting" if r["lasting_gap"] else ""),
            )
        )
    columns = (
        "outcome",
        "peak gap",
        "weeks to recover (95 % CI)",
        "gap in the final year (95 % CI)",
    )
    lines.append(to_markdown(pd.DataFrame(rows, columns=columns)))
    return "\n".join(lines) + "\n"


def _weeks(value: float) -> str:
    return f"{value:.0f}" if np.isfinite(value) else "not within the horizon"


# --------------------------------------------------------------------------------------------
# The job


def run(settings: TippingSettings, out_dir: Path, record: Mapping[str, Any]) -> dict:
    """Simulate, analyse and write every output into ``out_dir``; return the summary."""
    began = time.perf_counter()
    sweep = simulate_sweep(settings)
    swept = time.perf_counter()
    weekly = simulate_surge(settings)
    surged = time.perf_counter()
    summary = analyse(settings, sweep, weekly)
    write_text_atomic(out_dir / "sweep.csv", sweep.to_csv(index=False))
    write_text_atomic(out_dir / "hysteresis.csv", weekly.to_csv(index=False))
    plot_tipping(sweep, SWEEP_OUTCOMES, summary["tipping_points"], out_dir / "tipping_point.png")
    plan = settings.surge
    plot_hysteresis(
        weekly,
        RECOVERY_OUTCOMES,
        plan.demand_back,
        summary["recovery"],
        plan.smoothing_weeks,
        out_dir / "hysteresis.png",
    )
    plot_loop(
        weekly,
        sweep,
        ("annual_turnover_rate", "vacancy_rate", "burnout_prevalence"),
        plan.phase_starts,
        plan.smoothing_weeks,
        out_dir / "hysteresis_loop.png",
    )
    write_json_atomic(out_dir / "summary.json", summary)
    write_text_atomic(out_dir / "summary.md", summary_markdown(summary, settings))
    finished = time.perf_counter()
    write_json_atomic(
        out_dir / "run_info.json",
        {
            **record,
            "settings": dataclasses.asdict(settings),
            "seeds": {"sweep": settings.seeds, "surge": settings.surge_seeds},
            "simulations": len(sweep) + 2 * settings.surge_replicates,
            "timings": {
                "sweep_s": swept - began,
                "hysteresis_s": surged - swept,
                "analysis_and_writing_s": finished - surged,
            },
            **provenance(),
        },
    )
    return summary


@hydra.main(version_base="1.3", config_path="pkg://conf", config_name="tipping_point")
def app(cfg: DictConfig) -> float:
    """Hydra entry: run the tipping-point job; print the summary, then the output folder.

    Returns:
        The tipping point of equilibrium turnover (demand level), for sweepers.
    """
    summary = run_job(cfg, COMMAND, settings_from, run, summary_markdown)
    return float(summary["tipping_points"]["annual_turnover_rate"]["tipping_point"])


def main() -> None:
    """Command-line entry: check the command line (one line naming a bad key), then run the app."""
    check_command_line(COMMAND, "tipping_point", settings_from)
    app()


if __name__ == "__main__":
    main()
