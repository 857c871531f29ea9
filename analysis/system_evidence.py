"""Published system figures beside a health-system experiment's results: pure functions on data.

These are the targets the labour market's uncertain settings are fitted to
(:mod:`experiments.system_fit`) and the checks every ``python -m experiments.system`` run
reports. Each figure says how its source measured it and the model measure set against it (the
same profession where the source counts one); a figure published as one number gets a stated
tolerance (``low``, ``high``), which is also its scale in the fit.
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
        low, high: The published range, or a single figure's stated tolerance band.
        source: Author, year, what was measured.
        note: How the model's measure differs, if it does.
        published: The figure as its source states it.
        fitted: Whether :mod:`experiments.system_fit` fits to it; a figure it does not fit is
            an out-of-sample check of the market (no setting is specific to its sector).
    """

    name: str
    scenario: str
    sector: str
    label: str
    low: float
    high: float
    source: str
    note: str = ""
    published: str = ""
    fitted: bool = True

    @property
    def scale(self) -> float:
        """One unit of misfit: half the band, at least a tenth of its middle.

        Assumption: seed noise and differences of definition are about that large.
        """
        return max((self.high - self.low) / 2.0, 0.1 * (self.low + self.high) / 2.0)


SYSTEM_FIGURES: tuple[SystemFigure, ...] = (
    SystemFigure(
        "rn_turnover",
        "baseline",
        "hospital",
        "Annual RN turnover, hospitals",
        0.164,
        0.184,
        "NSI 2023-2024: hospital RN turnover (evidence.md)",
        "model: nurse leavers a year per filled nurse post, hospital sector",
        "16.4 % (2024) to 18.4 % (2023)",
    ),
    SystemFigure(
        "rn_vacancy",
        "baseline",
        "hospital",
        "RN vacancy rate, hospitals",
        0.096,
        0.099,
        "NSI 2023-2024: hospital RN vacancy rate (evidence.md)",
        "model: vacant nurse posts at the end, hospital sector",
        "9.6 % (2024) to 9.9 % (2023)",
    ),
    SystemFigure(
        "nursing_turnover",
        "baseline",
        "long_term_care",
        "Annual nursing staff turnover, nursing homes",
        0.94,
        1.28,
        "Gandhi, Yu & Grabowski 2021: US nursing homes 2017-18, median to mean, hours-weighted "
        "(payroll data, part-time and temporary staff included)",
        "model: nurse and allied (aide) leavers a year per filled post, long-term care",
        "94 % (median) to 128 % (mean)",
    ),
    SystemFigure(
        "rn_vacancy",
        "baseline",
        "long_term_care",
        "Staff RN and LPN vacancy rate, nursing facilities",
        0.11,
        0.16,
        "AHCA 2008, survey of nursing staff vacancy and turnover in nursing facilities, 2007: "
        "LPN 11 %, staff RN 16 % (read in the report's summary; unverified)",
        "model: vacant nurse posts at the end, long-term care",
        "11 % (LPN) to 16 % (staff RN)",
    ),
    SystemFigure(
        "rn_turnover",
        "baseline",
        "home_care",
        "Annual RN turnover, home health agencies",
        0.20,
        0.25,
        "Hospital & Healthcare Compensation Service with NAHC, Home Care Salary & Benefits "
        "Reports (about 1,000 US home health agencies a year): RN turnover 20.55 % in 2019; "
        "'the typical pre-pandemic rate of 20 % to 25 %' (2024-2025 report; read in trade-press "
        "summaries, Home Health Care News and BLR; unverified)",
        "model: nurse leavers a year per filled nurse post, home care sector (the survey's RNs; "
        "the model's nurses include LPNs, whose turnover was 22.5 % in 2019). Not fitted: no "
        "market setting is specific to home care, so it checks the market out of sample",
        "20.55 % (2019); 20-25 % typical before the pandemic",
        fitted=False,
    ),
    SystemFigure(
        "agency_cost_share",
        "baseline",
        "hospital",
        "Contract labour share of hospital labour expense (median, Feb 2020)",
        0.015,
        0.025,
        "Kaufman Hall hospital survey (900 hospitals), as reported by Modern Healthcare 2022",
        "model: agency pay (wage x (1 + premium)) over base pay of budgeted posts plus agency "
        "pay; band: the median 2 % +- 0.5 points (assumption: a survey median, one month)",
        "2 %",
    ),
    SystemFigure(
        "agency_cost_share_second_year",
        "pandemic_surge",
        "hospital",
        "Contract labour share of hospital labour expense (median, Feb 2021 to Feb 2022)",
        0.05,
        0.12,
        "Kaufman Hall hospital survey, as reported by Modern Healthcare 2022",
        "model: the second year after the pandemic's onset (weeks 78-129: months 12-24), as "
        "the survey's Feb 2021 to Feb 2022",
        "5 % (Feb 2021) to 12 % (Feb 2022)",
    ),
    SystemFigure(
        "pandemic_exits",
        "pandemic_surge",
        "all",
        "RNs who left the workforce because of the pandemic, share of the workforce",
        0.0144,
        0.024,
        "NCSBN 2023 (2022 National Nursing Workforce Study): about 100,000 RNs left the "
        "workforce over 2020-2022 specifically due to the pandemic, of about 5.2 million",
        "model: nurses leaving the profession under the pandemic minus without it (same seeds), "
        "per nurse post, over the five years; band: 1.9 % +- 25 % (assumption: 'about' on both "
        "counts)",
        "about 1.9 % (100,000 of 5.2 million) over two years",
    ),
)


def sector_measures(organizations: pd.DataFrame, weeks: float) -> pd.DataFrame:
    """Per scenario, policy and sector (and ``all``): the measures of :data:`SYSTEM_FIGURES`.

    Args:
        organizations: ``organizations.csv`` of ``python -m experiments.system`` (one row per
            organization, scenario, policy and seed; ``wage_budget`` is a year's base pay of
            the budgeted posts, ``agency_pay`` what its agency hours cost in all,
            ``agency_pay_second_year`` the same in weeks 78-129; per-role
            ``leavers_<role>``, ``left_profession_<role>``, ``filled_<role>``, ``posts_<role>``).
        weeks: Weeks the outcomes cover (the experiment's ``horizon_weeks``).

    Returns:
        ``annual_turnover`` (leavers a year per filled post), ``rn_turnover`` (nurses),
        ``nursing_turnover`` (nurses and allied staff), ``rn_vacancy``,
        ``exits_from_workforce`` (left the profession a year per post), ``agency_cost_share``
        (over the horizon; ``_second_year``: weeks 78-129, a year's base pay) and
        ``pandemic_exits`` (nurses who left the profession over the horizon per nurse post,
        minus the same without pandemic, in rows of other scenarios than ``baseline``), all
        pooled over the seeds.
    """
    years = weeks / YEAR_WEEKS
    frame = organizations
    both = pd.concat([frame, frame.assign(sector="all")], ignore_index=True)
    columns = ["posts", "filled", "leavers", "left_profession", "wage_budget", "agency_pay"]
    columns += ["agency_pay_second_year"]
    for kind in ("leavers", "left_profession", "filled", "posts"):
        columns += [f"{kind}_{role}" for role in ("nurse", "allied")]
    sums = both.groupby(["scenario", "policy", "sector"], sort=False)[columns].sum()
    out = pd.DataFrame(index=sums.index)
    out["annual_turnover"] = sums["leavers"] / sums["filled"] / years
    out["rn_turnover"] = sums["leavers_nurse"] / sums["filled_nurse"] / years
    out["nursing_turnover"] = (
        (sums["leavers_nurse"] + sums["leavers_allied"])
        / (sums["filled_nurse"] + sums["filled_allied"])
        / years
    )
    out["rn_vacancy"] = 1.0 - sums["filled_nurse"] / sums["posts_nurse"]
    out["exits_from_workforce"] = sums["left_profession"] / sums["posts"] / years
    out["agency_cost_share"] = sums["agency_pay"] / (
        sums["wage_budget"] * years + sums["agency_pay"]
    )
    second = sums["agency_pay_second_year"]
    out["agency_cost_share_second_year"] = second / (sums["wage_budget"] + second)
    nurse_exits = sums["left_profession_nurse"] / sums["posts_nurse"]
    scenario = out.index.get_level_values("scenario")
    out["pandemic_exits"] = float("nan")
    if "baseline" in set(scenario):
        without = nurse_exits.xs("baseline", level="scenario")
        paired = without.reindex(out.index.droplevel("scenario")).to_numpy()
        out["pandemic_exits"] = (nurse_exits - paired).where(scenario != "baseline")
    return out.reset_index()


def evidence_table(measures: pd.DataFrame, policy: str = "no_policy") -> pd.DataFrame:
    """Each published figure beside the model's value under ``policy``.

    ``inside`` is whether the model's value lies in the published range; ``ratio`` is the
    model's value over the middle of that range; ``misfit`` its distance from the middle in
    units of the figure's scale (what :mod:`experiments.system_fit` minimizes over the figures
    whose ``fitted`` is true).
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
                "published": figure.published,
                "model": value,
                "inside": figure.low <= value <= figure.high,
                "ratio": value / middle if middle else float("nan"),
                "misfit": (value - middle) / figure.scale,
                "fitted": figure.fitted,
                "source": figure.source,
                "note": figure.note,
            }
        )
    return pd.DataFrame(rows)
