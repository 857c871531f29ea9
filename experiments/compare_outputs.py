"""The output folder of one comparison: tables, figures, the HTML report and the run record.

Called by the driver (:mod:`experiments.compare`) once every run of a sweep point is stored.
Every file is written atomically (:mod:`experiments.records`).
"""

import dataclasses
import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from analysis import comparison, figures, report
from experiments import schema
from experiments.overrides import override_key
from experiments.records import atomic_path, provenance, write_json_atomic, write_text_atomic

LIMITATIONS = (
    "Effects come out of the model's mechanisms with the intervention settings listed below; "
    "they are as good as those settings and the model's calibration (shared/evidence.md), not "
    "measurements. Costs are the excess costs that retention can save (replacement, overtime and "
    "agency premiums) plus the interventions' own; base pay of budgeted posts is not counted. "
    "Intervals describe the model's run-to-run variation over the replicates, not uncertainty "
    "in its parameters (see experiments.sensitivity for that)."
)


def gather_tables(cfg: DictConfig) -> dict[str, pd.DataFrame]:
    """Weekly rows, outcomes per run, paired differences, the summary and reference levels."""
    from experiments.compare import gather

    weekly, run_costs = gather(cfg)
    outcomes = comparison.run_outcomes(weekly, run_costs)
    diff = comparison.paired_differences(outcomes, schema.REFERENCE_ARM)
    summary = comparison.summarize(diff, resamples=int(cfg.bootstrap), seed=int(cfg.seed))
    levels = comparison.reference_levels(outcomes, schema.REFERENCE_ARM)
    return {
        "weekly": weekly,
        "outcomes": outcomes,
        "differences": diff,
        "summary": summary,
        "levels": levels,
    }


def describe_run(cfg: DictConfig) -> str:
    """One sentence: what was compared, where, how long and how often."""
    arms = list(cfg.intervention)
    return (
        f"{len(arms)} arms ({', '.join(arms)}) against no intervention in a "
        f"{cfg.model.organization.replace('_', ' ')} of {cfg.model.n_workers} posts, under "
        f"{' and '.join(str(s) for s in cfg.scenario)}, over {cfg.horizon_weeks} weeks after a "
        f"{cfg.burn_in_weeks}-week burn-in; {cfg.replicates} replicates per scenario, every arm "
        "with the same seeds from the same burned-in organization (common random numbers)."
    )


def levels_table(levels: pd.DataFrame) -> pd.DataFrame:
    """The reference arm's outcomes as text cells (shares in %, costs in $k)."""
    shown = {
        "burnout_prevalence": ("burnout (%)", 100.0, 1),
        "flourishing_share": ("flourishing (%)", 100.0, 1),
        "annual_turnover_rate": ("turnover (%/yr)", 100.0, 1),
        "vacancies": ("vacancies (posts)", 1.0, 1),
        "total_cost": ("total cost ($k)", 1e-3, 0),
        "departures": ("departures", 1.0, 1),
        "burnout_weeks": ("burnout-weeks", 1.0, 0),
    }
    table = pd.DataFrame({"scenario": levels["scenario"].astype(str)})
    for name, (title, scale, decimals) in shown.items():
        table[title] = [
            comparison.format_estimate(
                r[f"{name}_mean"], r[f"{name}_low"], r[f"{name}_high"], scale, decimals
            )
            for _, r in levels.iterrows()
        ]
    return table


def summary_markdown(
    cfg: DictConfig, tables: Mapping[str, pd.DataFrame], levels: Mapping[str, str]
) -> str:
    """``summary.md``: what ran, the reference levels, the differences and their meanings."""
    meanings = "\n".join(f"- **{k}**: {v}" for k, v in comparison.DIFFERENCES.items())
    return (
        "\n\n".join(
            [
                "# Interventions against no intervention",
                describe_run(cfg),
                "## No intervention (mean and 95 % interval over replicates)",
                comparison.to_markdown(levels_table(tables["levels"])),
                "## Differences from no intervention (mean and 95 % interval, paired by seed)",
                comparison.to_markdown(
                    comparison.display_table(comparison.ranked(tables["summary"]), levels)
                ),
                "\n".join(f"- {line}" for line in comparison.findings(tables["summary"])),
                "## Measures\n\n" + meanings,
            ]
        )
        + "\n"
    )


def intervention_rows(cfg: DictConfig) -> pd.DataFrame:
    """One row per intervention used by an arm: level, what it changes, costs and source."""
    from sim.interventions import BUNDLES, describe

    used = set()
    for node in cfg.intervention.values():
        used.update(BUNDLES.get(str(node.build), (str(node.build),)))
    rows = [row for row in describe() if row["name"] in used]
    return pd.DataFrame(rows)[
        [
            "name",
            "level",
            "summary",
            "changes",
            "fixed_cost",
            "cost_per_participant",
            "cost_per_week",
            "source",
        ]
    ]


def parameter_rows(cfg: DictConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Model parameters as run, with range and source: those changed from default, and all."""
    from sim.parameters import ModelParameters

    values = dataclasses.asdict(schema.model_parameters(cfg))
    rows = []
    for row in ModelParameters.describe():
        value, default = values[row["name"]], row["default"]
        same = value == default or (
            isinstance(value, float) and math.isnan(value) and math.isnan(default)
        )
        allowed = ", ".join(row["choices"]) if row["choices"] else f"[{row['low']}, {row['high']}]"
        rows.append(
            {
                "parameter": row["name"],
                "value": value,
                "default": default,
                "allowed": allowed,
                "source": row["source"],
                "changed": not same,
            }
        )
    frame = pd.DataFrame(rows)
    return frame[frame["changed"]].drop(columns="changed"), frame.drop(columns="changed")


def report_sections(
    cfg: DictConfig, record: Mapping[str, Any], settings: Mapping[str, Any]
) -> list[report.Section]:
    """The report's assumptions and provenance."""
    changed, every = parameter_rows(cfg)
    arms = {
        arm: f"{spec['build']} with "
        + (", ".join(f"{k}={v}" for k, v in spec["settings"].items()) or "its default settings")
        for arm, spec in settings.items()
    }
    scenarios = {str(k): str(v.description or v.name) for k, v in cfg.scenario.items()}
    statistics = (
        "Each arm is compared with no intervention within each replicate: both start from the "
        "same burned-in organization with the same seed, so their difference is the "
        "intervention's effect in that replicate. Intervals are 95 % t-intervals of these "
        "paired differences over replicates. Cost per avoided departure is the mean difference "
        "in total cost over the mean departures avoided, with a 95 % paired percentile bootstrap "
        f"interval ({cfg.bootstrap} resamples; resamples that avoid no departure count as an "
        "infinite ratio). Interventions start at week 0, right after the burn-in."
    )
    provenance_text = (
        f"git commit {record.get('git_commit')} (uncommitted changes: {record.get('git_dirty')}); "
        f"model code fingerprint {record.get('code_fingerprint')}; root seed {cfg.seed}, "
        f"replicate seeds {record['seeds']['replicates'][:5]}... (run_info.json lists them all)."
    )
    return [
        report.Section(
            "Outcomes and statistics",
            report.paragraph("Outcomes of each run, over the horizon:")
            + report.definitions(comparison.OUTCOMES)
            + report.paragraph("Measures of the results table, per scenario and arm:")
            + report.definitions(comparison.DIFFERENCES)
            + report.paragraph(statistics),
        ),
        report.Section("Scenarios", report.definitions(scenarios)),
        report.Section(
            "Interventions",
            report.definitions(arms) + report.table(intervention_rows(cfg)),
        ),
        report.Section(
            "Model",
            report.paragraph(
                "Parameters changed from the model's defaults (all others as in the table below):"
                if len(changed)
                else "Every model parameter at its default (table below)."
            )
            + (report.table(changed) if len(changed) else "")
            + report.details(
                "Every model parameter, its allowed range and source", report.table(every)
            ),
        ),
        report.Section("Limitations", report.paragraph(LIMITATIONS)),
        report.Section(
            "Provenance",
            report.paragraph(provenance_text)
            + f"<pre>{html.escape(record['command'])}</pre>"
            + report.details(
                "Versions", f"<pre>{html.escape(OmegaConf.to_yaml(record['versions']))}</pre>"
            ),
        ),
    ]


def write_outputs(
    cfg: DictConfig,
    overrides: Sequence[str],
    facts: Mapping[str, Any],
    out_dir: Path,
    timings: Mapping[str, Any],
) -> str:
    """Write every output of one comparison to ``out_dir``; return the printed summary."""
    from experiments.compare import arm_levels, arm_spec, code_fingerprint, replicate_seeds

    out_dir.mkdir(parents=True, exist_ok=True)
    tables = gather_tables(cfg)
    levels = arm_levels(cfg)
    with atomic_path(out_dir / "weekly.parquet") as tmp:
        tables["weekly"].to_parquet(tmp, engine="pyarrow", index=False)
    write_text_atomic(out_dir / "outcomes.csv", tables["outcomes"].to_csv(index=False))
    summary = tables["summary"].assign(level=[levels[str(a)] for a in tables["summary"]["arm"]])
    write_text_atomic(out_dir / "summary.csv", summary.to_csv(index=False))
    markdown = summary_markdown(cfg, tables, levels)
    write_text_atomic(out_dir / "summary.md", markdown)

    shown = [a for a in cfg.trajectory_arms if a in schema.arm_names(cfg)]
    shown = shown if len(shown) > 1 else schema.arm_names(cfg)[:5]
    figure_dir = out_dir / "figures"
    figs = [
        report.Figure(
            figures.trajectories(tables["weekly"], shown, figure_dir / "trajectories.png"),
            "Burnout prevalence week by week: mean over replicates with 95 % bands.",
        ),
        report.Figure(
            figures.trajectories(
                tables["weekly"],
                shown,
                figure_dir / "sickness_absence.png",
                metric="sickness_absence_rate",
                label="contracted hours lost to sickness absence (%)",
            ),
            "Sickness absence (short and long term) week by week: mean with 95 % bands.",
        ),
        report.Figure(
            figures.trajectories(
                tables["weekly"],
                shown,
                figure_dir / "safety_incidents.png",
                metric="safety_incident_rate",
                label="expected safety incidents per 1,000 FTE-weeks",
                scale=1.0,
            ),
            "Patient-safety incidents (burnout, overtime and 12-h shifts raise the risk).",
        ),
        report.Figure(
            figures.ranked_effects(summary, levels, figure_dir / "ranked_effects.png"),
            "Difference in mean burnout prevalence from no intervention, arms ranked.",
        ),
        report.Figure(
            figures.cost_effectiveness_plane(
                summary, levels, figure_dir / "cost_effectiveness.png"
            ),
            "Burnout-weeks averted against the difference in total cost (below 0: saves money).",
        ),
    ]
    settings = {arm: arm_spec(cfg, arm) for arm in cfg.intervention}
    record = {
        "command": "python -m experiments.compare " + " ".join(overrides),
        "overrides": list(overrides),
        "config": OmegaConf.to_container(cfg, resolve=True),
        "choices": facts.get("choices"),
        "launcher": facts.get("launcher"),
        "arms": {arm: {"level": levels[arm], **arm_spec(cfg, arm)} for arm in levels},
        "seeds": {"root": int(cfg.seed), "replicates": replicate_seeds(cfg.seed, cfg.replicates)},
        "runs": len(tables["outcomes"]),
        "runs_dir": str(cfg.runs_dir),
        "code_fingerprint": code_fingerprint(),
        "timings": dict(timings),
        **provenance(),
    }
    report.write_report(
        out_dir / "report.html",
        title="Burnout interventions against no intervention",
        intro=describe_run(cfg),
        headline=comparison.findings(summary),
        results=report.paragraph("No intervention: mean and 95 % interval over replicates.")
        + report.table(levels_table(tables["levels"]))
        + report.paragraph(
            "Each arm minus no intervention (mean and 95 % interval, paired by seed), ranked by "
            "the fall in burnout prevalence; measures are defined under Outcomes and statistics."
        )
        + report.table(comparison.display_table(comparison.ranked(summary), levels)),
        figures=figs,
        sections=report_sections(cfg, record, settings),
    )
    write_json_atomic(out_dir / "run_info.json", record)
    return markdown


def write_sweep_summary(
    out_dir: Path, folders: Sequence[Path], points: Sequence[Sequence[str]], swept: set[str]
) -> Path:
    """``sweep_summary.csv``: every point's summary rows, with the swept values as columns."""
    frames = []
    for folder, point in zip(folders, points, strict=True):
        frame = pd.read_csv(folder / "summary.csv")
        values = {override_key(o): o.split("=", 1)[1] for o in point if "=" in o}
        for position, key in enumerate(sorted(swept)):
            frame.insert(position, key, values.get(key))
        frame.insert(0, "folder", folder.name)
        frames.append(frame)
    path = out_dir / "sweep_summary.csv"
    write_text_atomic(path, pd.concat(frames, ignore_index=True).to_csv(index=False))
    return path
