"""Leadership dose-response: how much burnout each point of a supervisor's score is worth.

Usage::

    python -m experiments.dose_response                      # default size, ~10 s
    python -m experiments.dose_response quick=true           # a tiny run (tests)
    python -m experiments.dose_response replicates=8 population.n_workers=12000
    python -m experiments.dose_response --multirun model.job_market=1,1.5

Two designs, each simulated ``replicates`` times (the runner's replicate seeds of ``seed``,
:func:`experiments.runner.replicate_seeds`; the same seeds in every design and sweep point:
common random numbers), all inside one job:

1. **Study design** (``population``): one organization whose supervisors' scores are drawn from
   a population (by default the published distribution, Dyrbye 2021 rescaled to 12-60). After
   the burn-in and ``weeks`` more weeks, burnout (yes/no) of every worker is regressed on the
   score of their supervisor (logistic regression, cluster-robust by unit), as Shanafelt 2015
   did; the odds ratio per point gives the "% lower likelihood per point" to set beside the
   published 3.3 % (physicians) and 7 % (non-physician staff, Dyrbye 2020). The unit-level
   correlation of leader score with unit burnout prevalence is set beside the published -0.33.
2. **Organization-wide sweep** (``sweep``): every supervisor of an organization at one score
   (model parameter ``leadership_score``), for each score in ``sweep.scores``. This includes
   the system's feedback (less burnout, fewer quits, fewer vacancies, lighter load) that a
   cross-section inside one organization cannot see.

Writes to the Hydra output folder: ``units.csv`` (burned-out and total workers per unit and
role, every design, replicate and sweep point), ``organizations.csv`` (one row per simulated
organization with its headline outcomes), ``dose_response.png``, ``summary.json``,
``summary.md`` and ``run_info.json`` (config, seeds, versions, git commit, timings). Prints the
summary, then the output folder as the last line.
"""

import dataclasses
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hydra
import numpy as np
import pandas as pd
from omegaconf import DictConfig

from analysis.comparison import to_markdown
from analysis.dose_response import (
    DYRBYE_2020_ODDS_RATIO,
    SCORE_RANGE,
    SHANAFELT_2015_ODDS_RATIO,
    SHANAFELT_2015_UNIT_R,
    Gradient,
    leadership_gradient,
    plot_dose_response,
    unit_correlation,
)
from experiments.hydra_app import check_command_line, model_values
from experiments.hydra_job import number_setting, run_job, scenario_name, whole_setting
from experiments.records import provenance, write_json_atomic, write_text_atomic
from experiments.runner import replicate_seeds
from sim.model import WorkforceModel
from sim.parameters import ModelParameters

DESIGN_KEYS = ("n_workers", "leadership_score", "leadership_mean", "leadership_sd")
"""Model parameters the designs set themselves; ``model.<key>`` may not name them."""

HEADLINES = ("burnout_prevalence", "annual_turnover_rate", "vacancy_rate", "intent_to_leave_share")
"""Organization-level outcomes recorded for every simulated organization."""

QUICK = {
    "replicates": 2,
    "burn_in_weeks": 26,
    "weeks": 26,
    "population_n_workers": 1200,
    "sweep_n_workers": 200,
    "sweep_scores": (12.0, 36.0, 60.0),
}
"""What ``quick=true`` changes: a run of a few seconds that still exercises every output."""

COMMAND = "python -m experiments.dose_response"
MAX_REPLICATES = 1000
MAX_WEEKS = 1040

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DoseResponseSettings:
    """The validated settings of one dose-response job (``quick`` already applied).

    Attributes:
        seed: Root seed; replicate ``r`` uses the runner's seed ``r``
            (:func:`experiments.runner.replicate_seeds`) in every design and sweep point.
        replicates: Organizations simulated per design and sweep point.
        burn_in_weeks: Weeks simulated before week 0 (the model's burn-in).
        weeks: Weeks simulated after the burn-in before the cross-section is taken.
        scenario: Name of the external scenario (sim.scenarios).
        model: Other model parameters (sim.parameters), shared by both designs.
        population_n_workers: Posts of the study-design organization.
        leadership_mean: Mean of the supervisors' score population (12-60).
        leadership_sd: Standard deviation of that population.
        sweep_n_workers: Posts of each organization of the sweep.
        sweep_scores: Scores of the sweep (every supervisor at one score), empty for none.
    """

    seed: int
    replicates: int
    burn_in_weeks: int
    weeks: int
    scenario: str
    model: Mapping[str, Any]
    population_n_workers: int
    leadership_mean: float
    leadership_sd: float
    sweep_n_workers: int
    sweep_scores: tuple[float, ...]

    @property
    def seeds(self) -> list[int]:
        """The seed of each replicate: children of ``SeedSequence(seed)`` (the runner's)."""
        return replicate_seeds(self.seed, self.replicates)

    def population_params(self) -> dict[str, Any]:
        """Model keywords of the study design."""
        return {
            **self.model,
            "n_workers": self.population_n_workers,
            "leadership_mean": self.leadership_mean,
            "leadership_sd": self.leadership_sd,
        }

    def sweep_params(self, score: float) -> dict[str, Any]:
        """Model keywords of the sweep organization whose supervisors all score ``score``."""
        return {**self.model, "n_workers": self.sweep_n_workers, "leadership_score": score}


def settings_from(cfg: DictConfig) -> DoseResponseSettings:
    """Check every setting of ``cfg`` before any simulation and apply ``quick``.

    Raises:
        ValueError: Naming the setting, its value and the allowed range.
    """
    if not isinstance(cfg.quick, bool):
        raise ValueError(f"setting 'quick' = {cfg.quick!r}; allowed: true or false")
    model = model_values(cfg.model)
    taken = sorted(set(model) & set(DESIGN_KEYS))
    if taken:
        raise ValueError(
            f"setting(s) {['model.' + k for k in taken]} are set by the designs; use "
            "population.n_workers, population.leadership_mean, population.leadership_sd, "
            "sweep.n_workers and sweep.scores instead"
        )
    scores = cfg.sweep.scores
    if scores is None or isinstance(scores, str | int | float) or not hasattr(scores, "__len__"):
        raise ValueError(
            f"setting 'sweep.scores' = {scores!r}; allowed: a list of numbers in [12, 60]"
        )
    low, high = SCORE_RANGE
    sweep_scores = tuple(number_setting("sweep.scores", s, low, high) for s in scores)
    if len(set(sweep_scores)) == 1:
        raise ValueError(
            f"setting 'sweep.scores' = {list(scores)}; allowed: an empty list or at least two "
            "different scores in [12, 60]"
        )
    values = {
        "seed": whole_setting("seed", cfg.seed, 0, 2**32 - 1 - MAX_REPLICATES),
        "replicates": whole_setting("replicates", cfg.replicates, 1, MAX_REPLICATES),
        "burn_in_weeks": whole_setting("burn_in_weeks", cfg.burn_in_weeks, 0, MAX_WEEKS),
        "weeks": whole_setting("weeks", cfg.weeks, 1, MAX_WEEKS),
        "scenario": scenario_name(cfg.scenario),
        "model": model,
        "population_n_workers": whole_setting(
            "population.n_workers", cfg.population.n_workers, 100, 10**6
        ),
        "leadership_mean": number_setting(
            "population.leadership_mean", cfg.population.leadership_mean, 13.0, 59.0
        ),
        "leadership_sd": number_setting(
            "population.leadership_sd", cfg.population.leadership_sd, 1.0, 24.0
        ),
        "sweep_n_workers": whole_setting("sweep.n_workers", cfg.sweep.n_workers, 10, 10**6),
        "sweep_scores": tuple(sorted(set(sweep_scores))),
    }
    if cfg.quick:
        values.update(
            {
                "replicates": min(values["replicates"], QUICK["replicates"]),
                "burn_in_weeks": min(values["burn_in_weeks"], QUICK["burn_in_weeks"]),
                "weeks": min(values["weeks"], QUICK["weeks"]),
                "population_n_workers": QUICK["population_n_workers"],
                "sweep_n_workers": QUICK["sweep_n_workers"],
                "sweep_scores": QUICK["sweep_scores"] if values["sweep_scores"] else (),
            }
        )
    settings = DoseResponseSettings(**values)
    _check_model(settings)
    return settings


def _check_model(settings: DoseResponseSettings) -> None:
    """Let the model's own validation check every parameter of both designs (no simulation)."""
    try:
        ModelParameters.from_kwargs(**settings.population_params())
        for score in settings.sweep_scores[:1]:
            ModelParameters.from_kwargs(**settings.sweep_params(score))
    except ValueError as error:
        raise ValueError(f"model: {error}") from None


# --------------------------------------------------------------------------------------------
# Simulation


def simulate_organization(
    settings: DoseResponseSettings, params: Mapping[str, Any], seed: int
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Simulate one organization to the cross-section; count burned-out workers per unit and role.

    ``leadership_score`` is the score each worker gives their supervisor in the simulated survey
    (sim.survey: what the studies regressed on), rounded to a whole point as the 12-item total
    of 5-point items is.

    Returns:
        The counts (columns ``unit``, ``unit_type``, ``role``, ``leadership_score``,
        ``workers``, ``burned_out``) and the organization's headline outcomes.
    """
    model = WorkforceModel(
        rng=seed,
        pressure=settings.scenario,
        burn_in_weeks=settings.burn_in_weeks,
        collect_data=False,
        **params,
    )
    model.run_for(settings.weeks)
    workers = model.worker_table()
    workers["leadership_score"] = workers["leadership_rating"].round()
    counts = (
        workers.groupby(["unit", "unit_type", "role", "leadership_score"], observed=True)
        .agg(workers=("burned_out", "size"), burned_out=("burned_out", "sum"))
        .reset_index()
    )
    counts["role"] = counts["role"].astype(str)
    summary = model.summary()
    return counts, {key: float(summary[key]) for key in HEADLINES}


def simulate(settings: DoseResponseSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate every organization of both designs.

    Returns:
        ``units``: counts per design, sweep point, replicate, unit and role;
        ``organizations``: one row per simulated organization with its headline outcomes.
    """
    runs: list[tuple[str, float, dict[str, Any]]] = [
        ("population", math.nan, settings.population_params())
    ]
    runs += [("sweep", score, settings.sweep_params(score)) for score in settings.sweep_scores]
    unit_frames, org_rows = [], []
    total = len(runs) * settings.replicates
    done = 0
    for design, score_level, params in runs:
        for replicate, seed in enumerate(settings.seeds):
            counts, headline = simulate_organization(settings, params, seed)
            keys = {
                "design": design,
                "score_level": score_level,
                "replicate": replicate,
                "seed": seed,
            }
            unit_frames.append(counts.assign(**keys))
            org_rows.append({**keys, "workers": int(counts["workers"].sum()), **headline})
            done += 1
        log.info("simulated %d of %d organizations", done, total)
    units = pd.concat(unit_frames, ignore_index=True)
    units = units[["design", "score_level", "replicate", "seed", *units.columns[:-4]]]
    units["burnout_prevalence"] = units["burned_out"] / units["workers"]
    return units, pd.DataFrame(org_rows)


# --------------------------------------------------------------------------------------------
# Analysis


def analyse(units: pd.DataFrame, organizations: pd.DataFrame) -> dict[str, Any]:
    """Gradients, unit-level correlation and the sweep's prevalence by score, as plain data."""
    population = units[units["design"] == "population"]
    fit = leadership_gradient(population, workers="workers", cluster=["replicate", "unit"])
    per_replicate = [
        leadership_gradient(group, workers="workers").percent_lower
        for _, group in population.groupby("replicate")
    ]
    physicians = population["role"] == "physician"
    by_role = {
        "physician": _gradient_or_none(population[physicians]),
        "non_physician": _gradient_or_none(population[~physicians]),
    }
    rated = population.assign(score_sum=population["leadership_score"] * population["workers"])
    unit_prevalence = rated.groupby(["replicate", "unit"], as_index=False).agg(
        score_sum=("score_sum", "sum"),
        workers=("workers", "sum"),
        burned_out=("burned_out", "sum"),
    )
    # The unit leader's mean score as rated by the unit's workers (Shanafelt 2015's chairs).
    unit_prevalence["leadership_score"] = unit_prevalence["score_sum"] / unit_prevalence["workers"]
    unit_prevalence["burnout_prevalence"] = (
        unit_prevalence["burned_out"] / unit_prevalence["workers"]
    )
    correlation = unit_correlation(unit_prevalence)
    summary: dict[str, Any] = {
        "published": {
            "physicians_odds_ratio_per_point": dataclasses.asdict(SHANAFELT_2015_ODDS_RATIO),
            "non_physicians_odds_ratio_per_point": dataclasses.asdict(DYRBYE_2020_ODDS_RATIO),
            "unit_correlation": dataclasses.asdict(SHANAFELT_2015_UNIT_R),
        },
        "population": {
            "all_workers": fit.as_dict(),
            "percent_lower_per_replicate": per_replicate,
            "by_role": {k: (g.as_dict() if g else None) for k, g in by_role.items()},
            "unit_correlation": correlation.as_dict(),
            "burnout_prevalence": float(
                population["burned_out"].sum() / population["workers"].sum()
            ),
            "mean_leadership_score": float(
                np.average(population["leadership_score"], weights=population["workers"])
            ),
        },
    }
    sweep = units[units["design"] == "sweep"]
    if not sweep.empty:
        sweep_fit = leadership_gradient(
            sweep, workers="workers", cluster=["score_level", "replicate"]
        )
        orgs = organizations[organizations["design"] == "sweep"]
        by_level = orgs.groupby("score_level")[list(HEADLINES)].agg(["mean", "min", "max"])
        by_level.columns = [f"{a}_{b}" for a, b in by_level.columns]
        summary["sweep"] = {
            "all_workers": sweep_fit.as_dict(),
            "by_score": by_level.reset_index().to_dict(orient="records"),
        }
    return summary


def _gradient_or_none(table: pd.DataFrame) -> Gradient | None:
    """The gradient of a subgroup, or None when it is too small or its scores do not vary."""
    if table["workers"].sum() < 30 or table["leadership_score"].nunique() < 2:
        return None
    return leadership_gradient(table, workers="workers", cluster=["replicate", "unit"])


def summary_markdown(summary: Mapping[str, Any], settings: DoseResponseSettings) -> str:
    """The summary as a short Markdown report: simulated beside published figures."""
    pop = summary["population"]
    fit = pop["all_workers"]
    lines = [
        "# Leadership dose-response",
        "",
        f"Study design: {settings.replicates} organization(s) of {settings.population_n_workers} "
        f"posts, supervisors' scores drawn with mean {settings.leadership_mean:g} and SD "
        f"{settings.leadership_sd:g} (12-60 scale); cross-section after "
        f"{settings.burn_in_weeks} + {settings.weeks} weeks; {fit['n_workers']} workers, "
        f"{fit['n_clusters']} units; burnout prevalence {pop['burnout_prevalence']:.1%}.",
        "",
    ]
    rows = [
        (
            "% lower odds of burnout per point, all workers",
            _pct(fit),
            "3.3 % (physicians, Shanafelt 2015)",
        )
    ]
    for role, label, published in (
        ("physician", "physicians", "3.3 % (Shanafelt 2015)"),
        ("non_physician", "non-physician staff", "7 % (Dyrbye 2020)"),
    ):
        g = pop["by_role"][role]
        rows.append(
            (f"% lower odds per point, {label}", _pct(g) if g else "too few workers", published)
        )
    r = pop["unit_correlation"]
    rows.append(
        (
            "unit leader score vs unit burnout prevalence, r",
            f"{r['r']:.2f} ({r['ci95'][0]:.2f} to {r['ci95'][1]:.2f})",
            "-0.33 (Shanafelt 2015)",
        )
    )
    columns = ("measure", "simulated (95 % CI)", "published")
    lines.append(to_markdown(pd.DataFrame(rows, columns=columns)))
    spread = pop["percent_lower_per_replicate"]
    lines += [
        "",
        f"Per replicate: {', '.join(f'{v:.2f} %' for v in spread)} lower odds per point.",
    ]
    if "sweep" in summary:
        s = summary["sweep"]
        lines += [
            "",
            f"Organization-wide sweep ({settings.sweep_n_workers} posts, every supervisor at one "
            f"score): {_pct(s['all_workers'])} lower odds per point, system feedback included.",
            "",
        ]
        rows = [
            (
                f"{row['score_level']:g}",
                f"{row['burnout_prevalence_mean']:.1%}",
                f"{row['annual_turnover_rate_mean']:.1%}",
                f"{row['vacancy_rate_mean']:.1%}",
            )
            for row in s["by_score"]
        ]
        columns = ("score", "burnout prevalence", "annual turnover", "vacancy rate")
        lines.append(to_markdown(pd.DataFrame(rows, columns=columns)))
    return "\n".join(lines) + "\n"


def _pct(g: Mapping[str, Any]) -> str:
    low, high = g["percent_lower_ci95"]
    return f"{g['percent_lower_per_point']:.2f} % ({low:.2f} to {high:.2f})"


# --------------------------------------------------------------------------------------------
# The job


def run(settings: DoseResponseSettings, out_dir: Path, record: Mapping[str, Any]) -> dict:
    """Simulate, analyse and write every output into ``out_dir``; return the summary."""
    began = time.perf_counter()
    units, organizations = simulate(settings)
    simulated = time.perf_counter()
    summary = analyse(units, organizations)
    write_text_atomic(out_dir / "units.csv", units.to_csv(index=False))
    write_text_atomic(out_dir / "organizations.csv", organizations.to_csv(index=False))
    population = units[units["design"] == "population"]
    sweep = units[units["design"] == "sweep"]
    plot_dose_response(
        population,
        leadership_gradient(population, workers="workers"),
        sweep if not sweep.empty else None,
        leadership_gradient(sweep, workers="workers") if not sweep.empty else None,
        anchor_score=settings.leadership_mean,
        path=out_dir / "dose_response.png",
    )
    write_json_atomic(out_dir / "summary.json", summary)
    write_text_atomic(out_dir / "summary.md", summary_markdown(summary, settings))
    finished = time.perf_counter()
    write_json_atomic(
        out_dir / "run_info.json",
        {
            **record,
            "settings": dataclasses.asdict(settings),
            "seeds": settings.seeds,
            "simulations": len(organizations),
            "timings": {
                "simulation_s": simulated - began,
                "analysis_and_writing_s": finished - simulated,
            },
            **provenance(),
        },
    )
    return summary


@hydra.main(version_base="1.3", config_path="pkg://conf", config_name="dose_response")
def app(cfg: DictConfig) -> float:
    """Hydra entry: run the dose-response job; print the summary, then the output folder.

    Returns:
        The simulated % lower odds of burnout per point (for sweepers).
    """
    summary = run_job(cfg, COMMAND, settings_from, run, summary_markdown)
    return float(summary["population"]["all_workers"]["percent_lower_per_point"])


def main() -> None:
    """Command-line entry: check the command line (one line naming a bad key), then run the app."""
    check_command_line(COMMAND, "dose_response", settings_from)
    app()


if __name__ == "__main__":
    main()
