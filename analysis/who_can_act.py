"""Results grouped by who can act: unit leaders, executives, or both together.

A unit leader acts within the mandate and budget the executive gives them (scheduling,
recognition, team practices); the executive holds the staffing budget and buys programmes;
government levers (staffing mandates, agency caps, training places) act on a whole health
system, which the one-organization model does not represent. Each arm's actors come from its
interventions' ``actor`` (``sim.interventions.actors_of``), passed in as data.
"""

from collections.abc import Mapping, Sequence

import pandas as pd

from analysis import comparison, labels, report
from sim.interventions import ACTORS

COLUMN = "who_can_act"
"""The summary column that names an arm's actors ("unit leader", "unit leader + executive")."""

GOVERNMENT_NOTE = (
    "Government levers (minimum staffing ratios, workplace-violence law, training places, agency "
    "caps, international recruitment) act on a whole health system: many organizations sharing "
    "one labour market. This comparison is of one organization in a fixed outside market, so "
    "none of its arms is a government lever."
)


def actor_text(actors: Sequence[str]) -> str:
    """Actors as words joined by " + " (empty for the reference arm)."""
    return " + ".join(ACTORS.get(a, str(a)) for a in actors)


def with_actors(summary: pd.DataFrame, actors: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """The summary with a ``who_can_act`` column (arms missing from ``actors`` get "")."""
    return summary.assign(**{COLUMN: [actor_text(actors.get(str(a), ())) for a in summary["arm"]]})


def group_lines(summary: pd.DataFrame) -> list[str]:
    """One sentence per scenario and group of actors: what that group can do, best first.

    ``summary`` needs ``scenario``, ``arm``, ``who_can_act`` and the burnout prevalence mean and
    interval columns. An arm is listed under the exact set of actors it needs.
    """
    lines = []
    ordered = summary.sort_values(["scenario", "burnout_prevalence_mean"], kind="stable")
    for scenario, rows in ordered.groupby("scenario", sort=False, observed=True):
        for group, members in rows.groupby(COLUMN, sort=False, observed=True):
            if not group:
                continue
            best = members.iloc[0]
            others = ", ".join(labels.arm(a) for a in members["arm"].iloc[1:])
            who = f"{group} together" if "+" in group else f"the {group} alone"
            if best["burnout_prevalence_mean"] < 0:
                head = f"{labels.arm(best['arm'])} lowers burnout prevalence most"
            else:
                head = f"nothing lowers burnout prevalence; closest is {labels.arm(best['arm'])}"
            lines.append(
                f"{labels.scenario_phrase(scenario)}, of what {who} can do, {head}: "
                f"{comparison.points_text(best)}" + (f"; also: {others}." if others else ".")
            )
    return lines


def section(summary: pd.DataFrame) -> report.Section:
    """The report's "Who can act" section."""
    body = report.paragraph(
        "Each intervention is listed under who can enact it: the unit leader within the mandate "
        "and budget the executive gives them, the executive, or both together (a bundle needs "
        "every member's actor). Changes in burnout prevalence are against no intervention, "
        "mean and 95 % interval."
    )
    body += report.bullets(group_lines(summary)) + report.paragraph(GOVERNMENT_NOTE)
    return report.Section("Who can act", body)
