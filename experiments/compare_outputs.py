"""The output folder of one comparison: tables, figures, the HTML report and the run record.

Called by the driver (:mod:`experiments.compare`) once every run of a sweep point is stored.
Every file is written atomically (:mod:`experiments.records`).
"""

import dataclasses
import html
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from omegaconf import DictConfig, OmegaConf

from analysis import (
    comparison,
    decision,
    decision_figures,
    decision_report,
    figures,
    labels,
    references,
    report,
    uncertainty,
    who_can_act,
    wording,
)
from experiments import schema
from experiments.overrides import override_key
from experiments.records import atomic_path, provenance, write_json_atomic, write_text_atomic

LIMITATIONS = (
    "Effects come out of the model's mechanisms with the intervention settings listed below; "
    "they are as good as those settings and the model's calibration (docs/calibration.md; "
    "sources in docs/references.md), not measurements. Costs are the excess costs that "
    "retention can save (replacement, overtime and agency premiums) plus the interventions' "
    "own; base pay of budgeted posts is not counted. Amounts are US dollars."
)
NOISE_ONLY = (
    "Intervals describe the model's run-to-run variation over the replicates, not uncertainty "
    "in its parameters (see experiments.sensitivity for that)."
)
WITH_POSTERIOR = (
    "Intervals include parameter uncertainty as far as the posterior ensemble captures it "
    "(the calibrated parameters; the others keep their defaults, docs/calibration.md)."
)


def limitations(drawn: bool) -> str:
    """The report's limitations; what the intervals include depends on posterior draws."""
    return f"{LIMITATIONS} {WITH_POSTERIOR if drawn else NOISE_ONLY}"


def posterior_name(cfg: DictConfig) -> str | None:
    """The posterior ensemble the runs drew from (config key ``posterior``), if any."""
    value = OmegaConf.select(cfg, "posterior", default=None)
    if isinstance(value, DictConfig):
        value = value.get("name")
    return str(value) if value else None


def posterior_parameters(cfg: DictConfig, outcomes: pd.DataFrame) -> pd.DataFrame | None:
    """The posterior's parameter sets (index: draw) for partial EVPI; None without draws."""
    name = posterior_name(cfg)
    if name is None or not uncertainty.has_draws(outcomes):
        return None
    from sim.posterior import load_posterior

    return load_posterior(name).draws


def analyse(cfg: DictConfig, outcomes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Paired differences, the summary, reference levels, variance components, decision tables.

    ``outcomes`` is one row per run (:func:`analysis.comparison.run_outcomes`), with a ``draw``
    column when the runs drew parameters from a posterior.
    """
    diff = comparison.paired_differences(outcomes, schema.REFERENCE_ARM)
    summary = comparison.summarize(diff, resamples=int(cfg.bootstrap), seed=int(cfg.seed))
    measures = [m for m in comparison.DIFFERENCES if m in diff]
    wtp = {key: list(grid) for key, grid in cfg.willingness_to_pay.items()}
    return {
        "outcomes": outcomes,
        "differences": diff,
        "summary": summary,
        "levels": comparison.reference_levels(outcomes, schema.REFERENCE_ARM),
        "uncertainty": uncertainty.decompose(diff, measures),
        **decision.decision_tables(diff, wtp, posterior_parameters(cfg, outcomes)),
    }


def gather_tables(cfg: DictConfig) -> dict[str, pd.DataFrame]:
    """Weekly rows and the tables of :func:`analyse`."""
    from experiments.compare import gather

    weekly, run_costs = gather(cfg)
    return {"weekly": weekly, **analyse(cfg, comparison.run_outcomes(weekly, run_costs))}


def describe_run(cfg: DictConfig) -> str:
    """One sentence: what was compared, where, how long and how often."""
    arms = [labels.arm(a) for a in cfg.intervention]
    scenarios = " and ".join(labels.scenario(s).lower() for s in cfg.scenario)
    return (
        f"{len(arms)} interventions ({'; '.join(arms)}) against no intervention in a "
        f"{cfg.model.organization.replace('_', ' ')} of {cfg.model.n_workers} posts, under "
        f"{scenarios}, over {cfg.horizon_weeks} weeks after a "
        f"{cfg.burn_in_weeks}-week burn-in; {cfg.replicates} replicates per scenario, every arm "
        "with the same seeds from the same burned-in organization (common random numbers). "
        "Amounts are US dollars."
    )


def levels_table(levels: pd.DataFrame) -> pd.DataFrame:
    """The reference arm's outcomes as text cells (shares in %, amounts in US dollars)."""
    shown = {
        "burnout_prevalence": (100.0, 1, "number"),
        "flourishing_share": (100.0, 1, "number"),
        "annual_turnover_rate": (100.0, 1, "number"),
        "vacancies": (1.0, 1, "number"),
        "total_cost": (1.0, 0, "money"),
        "departures": (1.0, 1, "number"),
        "burnout_weeks": (1.0, 0, "number"),
    }
    table = pd.DataFrame({"Scenario": [labels.scenario(s) for s in levels["scenario"]]})
    for name, (scale, decimals, kind) in shown.items():
        table[labels.outcome(name)] = [
            comparison.format_cell(r, name, scale, decimals, kind) for _, r in levels.iterrows()
        ]
    return table


def summary_markdown(
    cfg: DictConfig, tables: Mapping[str, pd.DataFrame], levels: Mapping[str, str]
) -> str:
    """``summary.md``: what ran, the reference levels, the differences and their meanings."""
    meanings = "\n".join(
        f"- **{labels.measure(k)}**: {v}" for k, v in comparison.DIFFERENCES.items()
    )
    top = wording.top_lines(tables["summary"], int(cfg.horizon_weeks))
    return (
        "\n\n".join(
            [
                "# Interventions against no intervention",
                "\n".join(f"**{line}**" for line in top),
                describe_run(cfg),
                "## No intervention (mean and 95 % interval over replicates)",
                comparison.to_markdown(levels_table(tables["levels"])),
                "## Differences from no intervention (mean and 95 % interval, paired by seed)",
                comparison.to_markdown(
                    comparison.display_table(comparison.ranked(tables["summary"]), levels)
                ),
                "\n".join(f"- {line}" for line in comparison.findings(tables["summary"])),
                decision_report.decision_markdown(
                    tables, cfg.willingness_to_pay, wording.duration(int(cfg.horizon_weeks))
                ),
                "## Measures\n\n" + meanings,
                "Sources: docs/references.md in the repository.",
            ]
        )
        + "\n"
    )


def intervention_rows(cfg: DictConfig) -> pd.DataFrame:
    """One row per intervention used by an arm: level, what it changes, costs and source."""
    return pd.DataFrame(
        {
            "Intervention": labels.arm(row["name"]),
            "Level": labels.level(row["level"]),
            "What it does": row["summary"],
            "What it changes": row["changes"],
            "Fixed cost": wording.money(row["fixed_cost"]),
            "Cost per participant": wording.money(row["cost_per_participant"]),
            "Cost per week": wording.money(row["cost_per_week"]),
            "Source": references.linked(row["source"]),
        }
        for row in _described(cfg)
    )


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


def _settings_text(spec: Mapping[str, Any]) -> str:
    """An arm's settings in words: ``uptake=0.5, Co-design and staff engagement: uptake=0.3``."""
    parts = []
    for k, v in spec["settings"].items():
        if isinstance(v, Mapping):  # a bundle member's own settings
            inner = ", ".join(f"{kk}={vv}" for kk, vv in v.items())
            parts.append(f"{labels.arm(k)}: {inner}")
        else:
            parts.append(f"{k}={v}")
    return ", ".join(parts) or "its default settings"


def report_sections(
    cfg: DictConfig,
    record: Mapping[str, Any],
    settings: Mapping[str, Any],
    document: str = "docs/references.md",
    drawn: bool = False,
) -> list[report.Section]:
    """The report's assumptions, sources and provenance.

    Args:
        cfg: The job's configuration.
        record: The run record (``run_info.json``).
        settings: Each arm's build and settings (:func:`experiments.compare.arm_spec`).
        document: Relative path from the report to the repository's ``docs/references.md``.
        drawn: Whether the runs drew parameters from a posterior (what intervals include).
    """
    changed, every = parameter_rows(cfg)
    arms = {labels.arm(arm): _settings_text(spec) for arm, spec in settings.items()}
    scenarios = {
        labels.scenario(k): references.linked(str(v.description or v.name))
        for k, v in cfg.scenario.items()
    }
    statistics = (
        "Each arm is compared with no intervention within each replicate: both start from the "
        "same burned-in organization with the same seed, so their difference is the "
        "intervention's effect in that replicate. "
        + decision_report.interval_text(drawn, posterior_name(cfg))
        + " Cost per departure avoided is the mean difference in total cost over the mean "
        "departures avoided, with a 95 % paired percentile bootstrap interval "
        f"({cfg.bootstrap} resamples{', over draws' if drawn else ''}). It is not defined "
        "when an arm avoids no departures on average, and the upper end of its interval is "
        "not defined when more than 2.5 % of resamples avoid none; a negative ratio means the "
        "arm saves money while avoiding departures. Interventions start at week 0, right "
        "after the burn-in."
    )
    provenance_text = (
        f"git commit {record.get('git_commit')} (uncommitted changes: {record.get('git_dirty')}); "
        f"model code fingerprint {record.get('code_fingerprint')}; root seed {cfg.seed}, "
        f"replicate seeds {record['seeds']['replicates'][:5]}... (run_info.json lists them all)."
    )
    interventions = intervention_rows(cfg)
    shown = [
        frame.assign(source=[references.linked(str(t)) for t in frame["source"]])
        for frame in (changed, every)
    ]
    cited = references.cited(
        [*(str(v.description) for v in cfg.scenario.values()), limitations(drawn)]
        + [str(t) for t in every["source"]]
        + [row["source"] for row in _described(cfg)]
    )
    return [
        report.Section(
            "Outcomes and statistics",
            report.paragraph("Outcomes of each run, over the horizon:")
            + report.definitions({labels.outcome(k): v for k, v in comparison.OUTCOMES.items()})
            + report.paragraph("Measures of the results table, per scenario and intervention:")
            + report.definitions({labels.measure(k): v for k, v in comparison.DIFFERENCES.items()})
            + report.paragraph(statistics),
        ),
        report.Section("Scenarios", report.definitions(scenarios, raw=True)),
        report.Section(
            "Interventions",
            report.definitions(arms) + report.table(interventions, raw=["Source"]),
        ),
        report.Section(
            "Model",
            report.paragraph(
                "Parameters changed from the model's defaults (all others as in the table below):"
                if len(changed)
                else "Every model parameter at its default (table below)."
            )
            + (report.table(shown[0], raw=["source"]) if len(changed) else "")
            + report.details(
                "Every model parameter, its allowed range and source",
                report.table(shown[1], raw=["source"]),
            ),
        ),
        report.Section("Limitations", report.paragraph(limitations(drawn))),
        report.Section(
            "References",
            report.paragraph(
                "Sources cited in this report, in full; every source of the model is listed in "
                "docs/references.md in the repository, and the project's source documents "
                "(roundtable summary and commentary) are described there."
            )
            + references.reference_list(cited, document),
        ),
        report.Section(
            "Provenance",
            report.paragraph(provenance_text)
            + f"<pre>{html.escape(record['command'])}</pre>"
            + report.details(
                "Versions", f"<pre>{html.escape(OmegaConf.to_yaml(record['versions']))}</pre>"
            ),
        ),
    ]


def _described(cfg: DictConfig) -> list[dict[str, Any]]:
    """The interventions' own descriptions (:func:`sim.interventions.describe`) used by arms."""
    from sim.interventions import BUNDLES, describe

    used = set()
    for node in cfg.intervention.values():
        used.update(BUNDLES.get(str(node.build), (str(node.build),)))
    return [row for row in describe() if row["name"] in used]


def write_outputs(
    cfg: DictConfig,
    overrides: Sequence[str],
    facts: Mapping[str, Any],
    out_dir: Path,
    timings: Mapping[str, Any],
) -> str:
    """Write every output of one comparison to ``out_dir``; return the printed summary."""
    from experiments.compare import arm_actors, arm_levels, arm_spec, code_fingerprint
    from experiments.compare_replicates import posterior_record
    from experiments.runner import replicate_seeds

    out_dir.mkdir(parents=True, exist_ok=True)
    tables = gather_tables(cfg)
    levels = arm_levels(cfg)
    with atomic_path(out_dir / "weekly.parquet") as tmp:
        tables["weekly"].to_parquet(tmp, engine="pyarrow", index=False)
    write_text_atomic(out_dir / "outcomes.csv", tables["outcomes"].to_csv(index=False))
    summary = tables["summary"].assign(level=[levels[str(a)] for a in tables["summary"]["arm"]])
    summary = who_can_act.with_actors(summary, arm_actors(cfg))
    write_text_atomic(out_dir / "summary.csv", summary.to_csv(index=False))
    for name in ("uncertainty", "net_benefit", "ceac", "evpi"):
        write_text_atomic(out_dir / f"{name}.csv", tables[name].to_csv(index=False))
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
    drawn = uncertainty.has_draws(tables["outcomes"])
    span = wording.duration(int(cfg.horizon_weeks))
    ceac = report.Figure(
        decision_figures.acceptability_curves(
            tables["ceac"],
            figure_dir / "ceac.png",
            "" if drawn else " (over replicates: stochastic noise only)",
        ),
        "Cost-effectiveness acceptability curves: the probability that each arm has the highest "
        "net benefit, "
        + ("over posterior draws." if drawn else "over replicates (stochastic noise only)."),
    )
    settings = {arm: arm_spec(cfg, arm) for arm in cfg.intervention}
    record = {
        "command": "python -m experiments.compare " + " ".join(overrides),
        "overrides": list(overrides),
        "config": OmegaConf.to_container(cfg, resolve=True),
        "choices": facts.get("choices"),
        "launcher": facts.get("launcher"),
        "arms": {arm: {"level": levels[arm], **arm_spec(cfg, arm)} for arm in levels},
        "seeds": {"root": int(cfg.seed), "replicates": replicate_seeds(cfg.seed, cfg.replicates)},
        "posterior": posterior_record(cfg),
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
        top=wording.top_lines(summary, int(cfg.horizon_weeks)),
        headline=comparison.findings(summary),
        results=report.paragraph("No intervention: mean and 95 % interval over replicates.")
        + report.table(levels_table(tables["levels"]))
        + report.paragraph(
            "Each intervention minus no intervention (mean and 95 % interval, paired by seed), "
            "ranked by the fall in burnout prevalence; amounts in US dollars; measures are "
            "defined under Outcomes and statistics."
        )
        + report.table(comparison.display_table(comparison.ranked(summary), levels)),
        figures=figs,
        sections=[
            who_can_act.section(summary),
            decision_report.decision_section(
                tables, cfg.willingness_to_pay, ceac, summary, span, posterior_name(cfg)
            ),
            *report_sections(
                cfg, record, settings, os.path.relpath(references.PATH, out_dir.resolve()), drawn
            ),
        ],
    )
    write_json_atomic(out_dir / "run_info.json", record)
    return markdown


def write_sweep_summary(
    out_dir: Path, folders: Sequence[Path], points: Sequence[Sequence[str]], swept: set[str]
) -> Path:
    """``sweep_summary.csv``: every point's summary rows, with the swept values as columns."""
    frames = []
    for folder, point in zip(folders, points, strict=True):
        frame = pd.read_csv(folder / "summary.csv").copy()  # one block: inserts stay cheap
        values = {override_key(o): o.split("=", 1)[1] for o in point if "=" in o}
        for position, key in enumerate(sorted(swept)):
            frame.insert(position, key, values.get(key))
        frame.insert(0, "folder", folder.name)
        frames.append(frame)
    path = out_dir / "sweep_summary.csv"
    write_text_atomic(path, pd.concat(frames, ignore_index=True).to_csv(index=False))
    return path
