"""Arms against no intervention: outcomes per run, paired differences and their intervals.

Every arm of a replicate runs with the same seed from the same burned-in organization (common
random numbers), so an arm is compared with the reference *within* each replicate and the
differences are averaged over replicates: the 95 % interval is a t-interval of the paired
differences (their spread is the spread of the effect, not of the organizations). Cost per
avoided departure is a ratio of means; its interval is a paired bootstrap over replicates.
"""

import numpy as np
import pandas as pd

from analysis import labels, wording
from analysis.intervals import mean_interval, ratio_interval
from analysis.uncertainty import DRAW, effect_interval, has_draws

__all__ = [
    "mean_interval",
    "ratio_interval",
]

RUN_KEYS = ("scenario", "arm", "replicate", "seed")

OUTCOMES: dict[str, str] = {
    "burnout_prevalence": "mean weekly share of the workforce burned out over the horizon",
    "flourishing_share": "mean weekly share of the workforce flourishing (MHC-SF classes)",
    "annual_turnover_rate": "departures per year over the mean headcount (NSI's definition)",
    "vacancies": "mean number of vacant posts in a week",
    "total_cost": (
        "excess cost over the horizon, USD: replacement of leavers, overtime and agency premiums "
        "and the interventions' own cost (base pay of budgeted posts is not counted)"
    ),
    "intervention_cost": "what the interventions cost over the horizon, USD",
    "departures": "workers who left over the horizon (quits and retirements)",
    "burnout_weeks": "sum over weeks of the number of workers burned out",
    "moral_distress_share": "mean weekly share of the workforce with high moral distress",
    "sickness_absence_days": (
        "working days (7.5 h) lost to sickness absence, short and long term, over the horizon"
    ),
    "sick_pay": "wages paid for hours lost to sickness absence over the horizon, USD",
    "safety_incidents": (
        "expected patient-safety incidents in staff's care over the horizon (sim.safety: "
        "burnout, overtime and 12-h shifts raise the risk)"
    ),
}
"""Outcomes of one run over the horizon, and what each means."""

DIFFERENCES: dict[str, str] = {
    "burnout_prevalence": "arm minus no intervention, share (x100 = percentage points)",
    "flourishing_share": "arm minus no intervention, share (x100 = percentage points)",
    "annual_turnover_rate": "arm minus no intervention, per year (x100 = percentage points)",
    "vacancies": "arm minus no intervention, posts",
    "total_cost": "arm minus no intervention, USD over the horizon (negative: saves money)",
    "intervention_cost": "the arm's intervention spend, USD over the horizon",
    "departures_avoided": "no intervention minus arm, departures over the horizon",
    "burnout_weeks_averted": "no intervention minus arm, burnout-weeks over the horizon",
    "moral_distress_share": "arm minus no intervention, share (x100 = percentage points)",
    "absence_days_averted": "no intervention minus arm, sickness-absence days over the horizon",
    "sick_pay": "arm minus no intervention, USD over the horizon",
    "safety_incidents_averted": (
        "no intervention minus arm, expected patient-safety incidents over the horizon"
    ),
    "cost_per_avoided_departure": (
        "difference in total cost / departures avoided, USD (ratio of means; negative: saves "
        "money while avoiding departures; empty when no departures are avoided on average)"
    ),
}
"""Measures of the summary table, and what each means."""

AVERTED = {
    "departures_avoided": "departures",
    "burnout_weeks_averted": "burnout_weeks",
    "absence_days_averted": "sickness_absence_days",
    "safety_incidents_averted": "safety_incidents",
}
WORKING_DAY_HOURS = 7.5  # assumption: one working day of a 37.5-h week

# The mechanisms through which an arm can raise burnout: weekly metrics averaged over the
# horizon, with the direction that harms (+1: more is worse). Used to say which mechanism does
# it when an arm raises burnout (see :func:`mechanism_notes`).
CHANNELS: dict[str, tuple[str, int]] = {
    "leavers": ("departures (fewer leavers keep burned-out staff in post)", -1),
    "mean_intensity": ("work intensity", 1),
    "overtime_hours": ("overtime hours", 1),
    "vacancies": ("vacant posts", 1),
    "moral_distress_share": ("moral distress", 1),
    "violence_incidents": ("violence incidents", 1),
    "leadership_delivered": ("leadership delivered", -1),
    "engagement": ("engagement", -1),
    "trust": ("trust", -1),
}
# Cost items of a run (sim.accounting.COST_ITEMS), to say what raises an arm's total cost.
COST_LABELS: dict[str, str] = {
    "cost_replacement": "replacing leavers",
    "cost_overtime_premium": "overtime premiums",
    "cost_agency_premium": "agency premiums",
    "cost_sick_pay": "sick pay",
    "cost_interventions": "the programme's own spend",
}
EXPLANATORY = tuple(f"channel_{c}" for c in CHANNELS) + tuple(COST_LABELS)


def run_outcomes(weekly: pd.DataFrame, run_costs: pd.DataFrame) -> pd.DataFrame:
    """One row per run with the :data:`OUTCOMES` over the horizon.

    Args:
        weekly: Tidy weekly rows (``RUN_KEYS``, then ``week`` and the model's weekly metrics:
            ``burnout_prevalence``, ``flourishing_share``, ``headcount``, ``vacancies``,
            ``leavers``, ``total_cost`` cumulative since week 0).
        run_costs: One row per run (``RUN_KEYS``) with ``cost_interventions``.

    A ``draw`` column of ``weekly`` (the posterior draw of the run) is kept as a key.
    """
    keys = [*RUN_KEYS, *([DRAW] if DRAW in weekly else [])]
    frame = weekly.assign(burned_out=weekly["burnout_prevalence"] * weekly["headcount"])
    grouped = frame.groupby(keys, observed=True, sort=False)
    weeks = grouped["week"].count()
    out = pd.DataFrame(
        {
            "burnout_prevalence": grouped["burnout_prevalence"].mean(),
            "flourishing_share": grouped["flourishing_share"].mean(),
            "annual_turnover_rate": grouped["leavers"].sum()
            / grouped["headcount"].mean()
            * (52.0 / weeks),
            "vacancies": grouped["vacancies"].mean(),
            "total_cost": grouped["total_cost"].last(),
            "departures": grouped["leavers"].sum(),
            "burnout_weeks": grouped["burned_out"].sum(),
            "moral_distress_share": grouped["moral_distress_share"].mean(),
            "sickness_absence_days": grouped["absence_hours"].sum() / WORKING_DAY_HOURS,
            "safety_incidents": grouped["safety_incidents"].sum(),
        }
    )
    for channel in CHANNELS:
        out[f"channel_{channel}"] = grouped[channel].mean()
    cost_keys = [k for k in keys if k in run_costs]
    costs = run_costs.set_index(cost_keys)
    index = out.index.droplevel([k for k in keys if k not in cost_keys])
    out["intervention_cost"] = costs["cost_interventions"].reindex(index).to_numpy()
    out["sick_pay"] = costs["cost_sick_pay"].reindex(index).to_numpy()
    for item in COST_LABELS:
        out[item] = costs[item].reindex(index).to_numpy()
    return out[[*OUTCOMES, *EXPLANATORY]].reset_index()


def paired_differences(outcomes: pd.DataFrame, reference: str = "none") -> pd.DataFrame:
    """Each arm minus the reference arm of the same scenario and replicate (same seed).

    ``departures_avoided`` and ``burnout_weeks_averted`` are the reference minus the arm, so
    that more is better; ``intervention_cost`` is the arm's own spend. A ``draw`` column (the
    posterior draw of the run) is kept as a key.

    Raises:
        ValueError: If a run of an arm has no reference run with the same seed.
    """
    keys = ["scenario", "replicate", "seed", *([DRAW] if DRAW in outcomes else [])]
    ref = outcomes[outcomes["arm"] == reference].set_index(keys)
    arms = outcomes[outcomes["arm"] != reference].set_index(keys)
    missing = arms.index.difference(ref.index)
    if len(missing):
        raise ValueError(f"no {reference!r} run to pair with {list(missing)[:3]}")
    matched = ref.loc[arms.index]
    diff = pd.DataFrame(index=arms.index)
    diff["arm"] = arms["arm"]
    for name in (
        "burnout_prevalence",
        "flourishing_share",
        "annual_turnover_rate",
        "vacancies",
        "moral_distress_share",
        "sick_pay",
        *COST_LABELS,
    ):
        if name in arms:
            diff[name] = arms[name] - matched[name]
    for channel in CHANNELS:  # relative change, so that channels of different units compare
        name = f"channel_{channel}"
        if name in arms:
            diff[name] = (arms[name] - matched[name]) / matched[name].abs().where(
                matched[name] != 0
            )
    diff["total_cost"] = arms["total_cost"] - matched["total_cost"]
    diff["intervention_cost"] = arms["intervention_cost"]
    for name, outcome in AVERTED.items():
        diff[name] = matched[outcome] - arms[outcome]
    diff = diff.reset_index()
    if isinstance(outcomes["arm"].dtype, pd.CategoricalDtype):
        kept = [a for a in outcomes["arm"].cat.categories if a != reference]
        diff["arm"] = pd.Categorical(diff["arm"].astype(str), categories=kept)
    return diff


def summarize(diff: pd.DataFrame, resamples: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Per scenario and arm: mean, 95 % low and high of every measure of :data:`DIFFERENCES`.

    With a ``draw`` column of several values (parameters drawn from a posterior), ``_low`` and
    ``_high`` are the interval with parameter uncertainty and ``_parameter_share`` the share of
    its variance from parameters (:func:`analysis.uncertainty.effect_interval`); without, the
    t-interval over replicates and a NaN share (not estimated). Cost per avoided departure is a
    ratio of means with a paired bootstrap, over draws (the seeds of a draw averaged) when
    there are draws; its share is always NaN.

    Returns:
        One row per (scenario, arm) with ``replicates``, ``draws`` and ``<measure>_mean``,
        ``_low``, ``_high``, ``_parameter_share`` columns, in the arms' order.
    """
    rows = []
    drawn = has_draws(diff)
    for (scenario, arm), group in diff.groupby(["scenario", "arm"], observed=True, sort=True):
        draws = group[DRAW].to_numpy() if drawn else None
        row: dict[str, object] = {
            "scenario": scenario,
            "arm": arm,
            "replicates": len(group),
            "draws": int(np.unique(draws).size) if drawn else 0,
        }
        for name in [*DIFFERENCES, *(e for e in EXPLANATORY if e in group)]:
            if name == "cost_per_avoided_departure":
                pairs = (
                    group.groupby(DRAW)[["total_cost", "departures_avoided"]].mean()
                    if drawn
                    else group
                )
                values = ratio_interval(
                    pairs["total_cost"].to_numpy(),
                    pairs["departures_avoided"].to_numpy(),
                    resamples,
                    seed,
                )
                share = float("nan")
            else:
                part = effect_interval(group[name].to_numpy(), draws)
                values, share = (part.mean, part.low, part.high), part.parameter_share
            for suffix, value in zip(("mean", "low", "high"), values, strict=True):
                row[f"{name}_{suffix}"] = value
            row[f"{name}_parameter_share"] = share
        rows.append(row)
    return pd.DataFrame(rows)


def reference_levels(outcomes: pd.DataFrame, reference: str = "none") -> pd.DataFrame:
    """Mean and 95 % interval of each outcome of the reference arm, per scenario."""
    rows = []
    ref = outcomes[outcomes["arm"] == reference]
    for scenario, group in ref.groupby("scenario", observed=True, sort=True):
        row: dict[str, object] = {"scenario": scenario}
        for name in OUTCOMES:
            for suffix, value in zip(
                ("mean", "low", "high"), mean_interval(group[name]), strict=True
            ):
                row[f"{name}_{suffix}"] = value
        rows.append(row)
    return pd.DataFrame(rows)


# Display: (measure, scale, decimals, kind). Shares are shown in percentage points; kind "money"
# is US dollars in words, "per_departure" the cost per departure avoided (analysis.wording).
DISPLAY: tuple[tuple[str, float, int, str], ...] = (
    ("burnout_prevalence", 100.0, 1, "number"),
    ("flourishing_share", 100.0, 1, "number"),
    ("annual_turnover_rate", 100.0, 1, "number"),
    ("vacancies", 1.0, 1, "number"),
    ("total_cost", 1.0, 0, "money"),
    ("departures_avoided", 1.0, 1, "number"),
    ("cost_per_avoided_departure", 1.0, 0, "per_departure"),
    ("burnout_weeks_averted", 1.0, 0, "number"),
    ("moral_distress_share", 100.0, 1, "number"),
    ("absence_days_averted", 1.0, 0, "number"),
    ("safety_incidents_averted", 1.0, 1, "number"),
)


def format_estimate(mean: float, low: float, high: float, scale: float, decimals: int) -> str:
    """A table cell ``"-5.2 (-6.0 to -4.4)"``; ``"not available"`` for NaN; never ``inf``.

    An infinite end of the interval is named as not defined (``"2 (1 or more, upper end not
    defined)"``).
    """
    return wording.estimate(mean * scale, low * scale, high * scale, "number", decimals, False)


def format_cell(row: pd.Series, name: str, scale: float, decimals: int, kind: str) -> str:
    """One measure of a summary row as a table cell (see :data:`DISPLAY`)."""
    mean, low, high = (row[f"{name}_{s}"] for s in ("mean", "low", "high"))
    if kind == "money":
        return wording.estimate(mean, low, high, "money", prose=False)
    if kind == "per_departure":
        return wording.per_departure(mean, low, high, prose=False)
    return format_estimate(mean, low, high, scale, decimals)


def display_table(summary: pd.DataFrame, levels: dict[str, str] | None = None) -> pd.DataFrame:
    """The summary as text cells for people: labels for ids, estimates with 95 % intervals."""
    table = pd.DataFrame(
        {
            "Scenario": [labels.scenario(s) for s in summary["scenario"]],
            "Intervention": [labels.arm(a) for a in summary["arm"]],
        }
    )
    if levels is not None:
        table["Level"] = [labels.level(levels.get(str(arm), "")) for arm in summary["arm"]]
    for name, scale, decimals, kind in DISPLAY:
        table[labels.measure(name)] = [
            format_cell(r, name, scale, decimals, kind) for _, r in summary.iterrows()
        ]
    return table


def to_markdown(table: pd.DataFrame) -> str:
    """A text table as GitHub Markdown (``DataFrame.to_markdown``, without the index).

    Cells are printed as they are: numeric-looking text such as ``"52.0"`` is not reformatted.
    """
    return table.to_markdown(index=False, disable_numparse=True)


def ranked(summary: pd.DataFrame, measure: str = "burnout_prevalence") -> pd.DataFrame:
    """Rows sorted within each scenario by the mean difference of ``measure``, lowest first."""
    return summary.sort_values(["scenario", f"{measure}_mean"], kind="stable").reset_index(
        drop=True
    )


def points_text(row: pd.Series) -> str:
    """A row's change in burnout prevalence in points with its 95 % interval."""
    return wording.estimate(
        100 * row["burnout_prevalence_mean"],
        100 * row["burnout_prevalence_low"],
        100 * row["burnout_prevalence_high"],
    ).replace(" (", " points (", 1)


def findings(summary: pd.DataFrame, top: int = 3) -> list[str]:
    """Plain sentences per scenario: largest falls in burnout, most departures avoided, savers.

    An arm "saves money" when the whole 95 % interval of its difference in total cost (the
    intervention's own cost included) lies below zero.
    """
    lines = []
    order = ranked(summary)
    for scenario in dict.fromkeys(order["scenario"].astype(str)):
        rows = order[order["scenario"].astype(str) == scenario]
        title = labels.scenario(scenario)
        falls = "; ".join(
            f"{labels.arm(r['arm'])}, {points_text(r)}" for _, r in rows.head(top).iterrows()
        )
        lines.append(f"{title}: largest falls in burnout prevalence: {falls}.")
        best = rows.loc[rows["departures_avoided_mean"].idxmax()]
        lines.append(
            f"{title}: most departures avoided over the horizon: {labels.arm(best['arm'])}, "
            + wording.estimate(
                best["departures_avoided_mean"],
                best["departures_avoided_low"],
                best["departures_avoided_high"],
                decimals=0,
            )
            + "."
        )
        savers = rows[(rows["total_cost_high"] < 0) & (rows["burnout_prevalence_high"] < 0)]
        if len(savers):
            listed = "; ".join(
                f"{labels.arm(r['arm'])} saves "
                + wording.estimate(
                    -r["total_cost_mean"], -r["total_cost_high"], -r["total_cost_low"], "money"
                )
                for _, r in savers.sort_values("total_cost_mean").iterrows()
            )
            lines.append(f"{title}: lower burnout and save money, own costs included: {listed}.")
        else:
            lines.append(
                f"{title}: none of the interventions both lowers burnout and clearly saves money."
            )
        lines += mechanism_notes(rows)
    return lines


def mechanism_notes(rows: pd.DataFrame) -> list[str]:
    """For each arm that raises burnout or total cost on average, the mechanism that does it.

    Burnout: the :data:`CHANNELS` that moved the harmful way, by relative size (the mean over
    replicates of the paired difference over the reference run's level). Cost: the cost items
    that rose, against the programme's own spend.
    """
    lines = []
    for _, r in rows.iterrows():
        scenario, arm = labels.scenario(r["scenario"]), labels.arm(r["arm"])
        if r["burnout_prevalence_mean"] > 0 and "channel_mean_intensity_mean" in r:
            moved = []
            for channel, (label, harm) in CHANNELS.items():
                change = r.get(f"channel_{channel}_mean", np.nan)
                if np.isfinite(change) and harm * change > 0.001:
                    moved.append((abs(change), f"{label} {100 * change:+.1f} %"))
            why = ", ".join(text for _, text in sorted(moved, reverse=True)[:3]) or (
                "no mechanism moved the harmful way on average: within run-to-run noise"
            )
            lines.append(
                f"{scenario}: {arm} raises burnout prevalence "
                f"({100 * r['burnout_prevalence_mean']:+.1f} points) through: {why}."
            )
        if r["total_cost_mean"] > 0 and "cost_interventions_mean" in r:
            items = [
                (r[f"{item}_mean"], f"{label} +{wording.money(r[f'{item}_mean'])}")
                for item, label in COST_LABELS.items()
                if f"{item}_mean" in r and r[f"{item}_mean"] > 0
            ]
            why = ", ".join(text for _, text in sorted(items, reverse=True))
            lines.append(
                f"{scenario}: {arm} raises total cost by {wording.money(r['total_cost_mean'])} "
                f"through: {why}."
            )
    return lines
