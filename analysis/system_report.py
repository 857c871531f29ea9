"""The health-system experiment's report for analysts: pure functions on its tables.

Builds the parts of :func:`analysis.report.render` from ``system.csv`` (one row per scenario and
policy, with each outcome's mean paired difference from no policy and its interval over seeds)
and ``evidence.csv``: a top line per scenario, the results table in readable units, the flows
figure, the published system figures beside the model's, and where the numbers come from.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.labels import scenario as scenario_label
from analysis.labels import words
from analysis.report import Figure, Section, definitions, paragraph, table

REFERENCE = "no_policy"

COLUMNS: dict[str, tuple[str, str]] = {
    "vacancy_rate_hospital": ("Vacancies, hospitals", "pct"),
    "vacancy_rate_long_term_care": ("Vacancies, long-term care", "pct"),
    "vacancy_rate_primary_care": ("Vacancies, primary care", "pct"),
    "vacancy_rate_home_care": ("Vacancies, home care", "pct"),
    "nurses_left_profession": ("Nurses leaving the profession", "count"),
    "burnout_prevalence": ("Burnout", "pct"),
    "sickness_absence_rate": ("Sickness absence", "pct"),
    "cost_agency_premium": ("Agency premium, $ million", "musd"),
    "total_cost": ("Total cost, $ million", "musd"),
}
"""Outcome columns of ``system.csv`` shown, with their heading and unit."""


def _value(value: float, unit: str, change: bool = False) -> str:
    """A mean in its unit, or (``change``) a difference in brackets: points, $ million, count."""
    if pd.isna(value):
        return "" if change else "not defined"
    sign = "+" if change else ""
    scaled = 100 * value if unit == "pct" else value / 1e6 if unit == "musd" else value
    text = f"{scaled:{sign},.1f}" if unit == "pct" else f"{scaled:{sign},.0f}"
    if unit == "pct":
        text += " points" if change else " %"
    return f" ({text})" if change else text


def _change(record: Mapping[str, Any], column: str, unit: str) -> str:
    """The paired change from no policy with its 95 % interval over seeds, in brackets."""
    name = f"{column}_vs_{REFERENCE}"
    mean, low, high = record.get(name), record.get(f"{name}_low"), record.get(f"{name}_high")
    text = _value(mean, unit, True)
    if not text or pd.isna(low) or pd.isna(high):
        return text
    bounds = f"{_value(low, unit, True)[2:-1]} to {_value(high, unit, True)[2:-1]}"
    return f"{text[:-1]}; {bounds.replace(' points', '')})"


def _money(value: float) -> str:
    """A signed amount in millions of dollars: ``-$1.2 million``."""
    return f"{'-' if value < 0 else '+'}${abs(value) / 1e6:,.1f} million"


def results_table(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario and policy, each outcome's mean with its change from no policy.

    The change is the mean of paired differences (same seeds), in points or dollars, with its
    95 % t-interval over the seeds where there are several.
    """
    rows = []
    for row in summary.itertuples(index=False):
        record = row._asdict()
        out = {
            "Scenario": scenario_label(record["scenario"]),
            "Policy": words(record["policy"]),
            "Who can act": words(record["actor"]) if record["actor"] != "none" else "–",
        }
        reference = record["policy"] == REFERENCE
        for column, (heading, unit) in COLUMNS.items():
            change = "" if reference else _change(record, column, unit)
            out[heading] = _value(record[column], unit) + change
        rows.append(out)
    return pd.DataFrame(rows)


def top_lines(summary: pd.DataFrame) -> list[str]:
    """A plain-language line per scenario: the policy that changes burnout and cost most.

    Also the one that moves the shortage into long-term care most, where one does (each
    against no policy, same seeds).
    """
    lines = []
    for scenario, part in summary.groupby("scenario", sort=False):
        others = part[part["policy"] != REFERENCE]
        if others.empty:
            continue
        burnout = others.loc[others[f"burnout_prevalence_vs_{REFERENCE}"].idxmin()]
        cost = others.loc[others[f"total_cost_vs_{REFERENCE}"].idxmin()]
        spill = others.loc[others[f"vacancy_rate_long_term_care_vs_{REFERENCE}"].idxmax()]
        text = (
            f"{scenario_label(scenario)}: {words(burnout['policy'])} changes burnout most"
            f"{_change(burnout, 'burnout_prevalence', 'pct')}; "
            f"{words(cost['policy'])} changes total cost most "
            f"({_money(cost[f'total_cost_vs_{REFERENCE}'])})"
        )
        rise = spill[f"vacancy_rate_long_term_care_vs_{REFERENCE}"]
        if rise > 0:
            text += (
                f"; {words(spill['policy'])} moves the shortage into long-term care most "
                f"(vacancies {100 * rise:+.1f} points)"
            )
        lines.append(text + ".")
    return lines


def evidence_html(evidence: pd.DataFrame) -> str:
    """The published system figures beside the model's, as a table."""
    shown = pd.DataFrame(
        {
            "Published figure": evidence["figure"],
            "Scenario": [scenario_label(s) for s in evidence["scenario"]],
            "Published": evidence["published"].astype(str),
            "Model": [f"{v:.3g}" for v in evidence["model"]],
            "Inside": ["yes" if v else "no" for v in evidence["inside"]],
            "Fitted": [
                "yes" if v else "no (out-of-sample check)"
                for v in evidence.get("fitted", pd.Series(True, index=evidence.index))
            ],
            "Source": evidence["source"],
            "How the model measures it": evidence["note"],
        }
    )
    return table(shown)


def report_parts(
    summary: pd.DataFrame,
    evidence: pd.DataFrame,
    flows_png: Path,
    facts: Mapping[str, Any],
) -> dict[str, Any]:
    """The keyword arguments of :func:`analysis.report.render` for a system experiment.

    Args:
        summary: ``system.csv``.
        evidence: ``evidence.csv``.
        flows_png: The flows figure.
        facts: Plain facts shown under "Where the numbers come from" (command, seeds, ...).
    """
    policies = [words(p) for p in dict.fromkeys(summary["policy"])]
    scenarios = [scenario_label(s) for s in dict.fromkeys(summary["scenario"])]
    return {
        "title": "Health-system policies: vacancies, burnout and cost across organizations",
        "intro": (
            f"{', '.join(policies)} compared in one simulated health system under "
            f"{', '.join(scenarios)}. Every policy runs on the same burned-in system with the "
            "same seeds; changes are against no policy, with their 95 % interval over the "
            "seeds' paired differences (wide with few seeds: a change whose interval spans zero "
            "is within run-to-run noise). Six of the labour market's settings "
            "are fitted to published system data, the rest are assumptions (last section)."
        ),
        "top": top_lines(summary),
        "headline": _headline(summary),
        "results": table(results_table(summary)),
        "figures": [Figure(flows_png, "Where each sector's leavers went, by policy")],
        "sections": [
            Section("Against published system data", evidence_html(evidence)),
            Section(
                "Where the numbers come from",
                definitions({k: str(v) for k, v in facts.items()})
                + paragraph("Model and market: docs/ODD.md section 8; data: docs/calibration.md."),
            ),
        ],
    }


def _headline(summary: pd.DataFrame) -> Sequence[str]:
    """Who can act on each policy, in one line per actor."""
    actors = summary[summary["policy"] != REFERENCE].groupby("actor", sort=False)["policy"]
    return [
        f"{words(actor)}: {', '.join(words(p) for p in dict.fromkeys(policies))}"
        for actor, policies in actors
    ]
