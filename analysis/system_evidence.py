"""Published system figures beside a health-system experiment's results: pure functions on data.

The labour market of :mod:`sim.system` is not fitted yet: every market setting is an assumption.
This module puts what a run produced next to what was observed, so that a reader sees how far
the mechanisms land from the system data, and a later calibration has its targets in one place.
Each figure says how its source measured it; where the model measures something different (all
roles instead of nurses, posts instead of hours), the note says so.
"""

from dataclasses import dataclass

import pandas as pd

YEAR_WEEKS = 52.0


@dataclass(frozen=True)
class SystemFigure:
    """A published system-level figure and the model measure it is set against.

    Attributes:
        name: Column of :func:`sector_measures` it is compared with.
        scenario: The run's scenario it is compared in (``baseline``: before the pandemic).
        sector: The sector it is compared in.
        label: What it is, in words.
        low, high: The published range (equal for a single figure).
        source: Author, year, what was measured.
        note: How the model's measure differs, if it does.
    """

    name: str
    scenario: str
    sector: str
    label: str
    low: float
    high: float
    source: str
    note: str = ""


SYSTEM_FIGURES: tuple[SystemFigure, ...] = (
    SystemFigure(
        "annual_turnover",
        "baseline",
        "hospital",
        "Annual turnover, hospitals",
        0.164,
        0.184,
        "NSI 2023-2024: hospital RN turnover (evidence.md)",
        "model: every clinical role of the hospital sector",
    ),
    SystemFigure(
        "annual_turnover",
        "baseline",
        "long_term_care",
        "Annual nursing staff turnover, nursing homes",
        0.94,
        1.28,
        "Gandhi, Yu & Grabowski 2021: US nursing homes 2017-18, median to mean, hours-weighted "
        "(payroll data, part-time and temporary staff included)",
        "model: leavers per filled post a year, every role of long-term care",
    ),
    SystemFigure(
        "agency_cost_share",
        "baseline",
        "hospital",
        "Contract labour share of hospital labour expense (median, Feb 2020)",
        0.02,
        0.02,
        "Kaufman Hall hospital survey (900 hospitals), as reported by Modern Healthcare 2022",
        "model: agency pay (wage x (1 + premium)) over base pay of budgeted posts plus agency pay",
    ),
    SystemFigure(
        "agency_cost_share",
        "pandemic_surge",
        "hospital",
        "Contract labour share of hospital labour expense (median, Feb 2021 to Feb 2022)",
        0.05,
        0.12,
        "Kaufman Hall hospital survey, as reported by Modern Healthcare 2022",
        "model: mean over the five pandemic years, not the peak months",
    ),
    SystemFigure(
        "exits_from_workforce",
        "pandemic_surge",
        "all",
        "Nurses leaving the workforce (stress, burnout, retirement) a year, share of the workforce",
        0.0096,
        0.0096,
        "NCSBN 2023 (2022 National Nursing Workforce Study): about 100,000 of about 5.2 million "
        "RNs over 2020-2022",
        "model: out of the profession or retired, every role, per post a year; the survey counts "
        "RNs who left during the pandemic's two years, the model the five simulated years",
    ),
)


def sector_measures(organizations: pd.DataFrame, weeks: float) -> pd.DataFrame:
    """Per scenario, policy and sector (and ``all``): the measures of :data:`SYSTEM_FIGURES`.

    Args:
        organizations: ``organizations.csv`` of ``python -m experiments.system`` (one row per
            organization, scenario, policy and seed; ``wage_budget`` is a year's base pay of
            the budgeted posts, ``agency_pay`` what its agency hours cost in all).
        weeks: Weeks the outcomes cover (the experiment's ``horizon_weeks``).

    Returns:
        ``annual_turnover`` (leavers a year per filled post), ``exits_from_workforce`` (left the
        profession a year per post: retirements included, as the survey counted them) and
        ``agency_cost_share``, all pooled over the seeds.
    """
    years = weeks / YEAR_WEEKS
    frame = organizations
    both = pd.concat([frame, frame.assign(sector="all")], ignore_index=True)
    sums = both.groupby(["scenario", "policy", "sector"], sort=False)[
        ["posts", "filled", "leavers", "left_profession", "wage_budget", "agency_pay"]
    ].sum()
    out = pd.DataFrame(index=sums.index)
    out["annual_turnover"] = sums["leavers"] / sums["filled"] / years
    out["exits_from_workforce"] = sums["left_profession"] / sums["posts"] / years
    out["agency_cost_share"] = sums["agency_pay"] / (
        sums["wage_budget"] * years + sums["agency_pay"]
    )
    return out.reset_index()


def evidence_table(measures: pd.DataFrame, policy: str = "no_policy") -> pd.DataFrame:
    """Each published figure beside the model's value under ``policy``.

    ``inside`` is whether the model's value lies in the published range; ``ratio`` is the
    model's value over the middle of that range.
    """
    rows = []
    indexed = measures.set_index(["scenario", "policy", "sector"])
    for figure in SYSTEM_FIGURES:
        key = (figure.scenario, policy, figure.sector)
        value = float(indexed.loc[key, figure.name]) if key in indexed.index else float("nan")
        middle = (figure.low + figure.high) / 2.0
        rows.append(
            {
                "figure": figure.label,
                "scenario": figure.scenario,
                "published": figure.low if figure.low == figure.high else (figure.low, figure.high),
                "model": value,
                "inside": figure.low <= value <= figure.high,
                "ratio": value / middle if middle else float("nan"),
                "source": figure.source,
                "note": figure.note,
            }
        )
    return pd.DataFrame(rows)
