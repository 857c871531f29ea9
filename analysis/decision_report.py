"""The decision analysis and the parameter uncertainty of intervals, in words and tables.

Builds the report's "Decision analysis" section (acceptability curves, best buys in sentences,
the table headed "Expected value of perfect information") and the text that says what the
intervals include, from the tables of :mod:`analysis.decision` and
:func:`analysis.comparison.summarize`. Amounts are US dollars (:mod:`analysis.wording`).
"""

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis import labels, report, wording
from analysis.decision import EFFECTS, PARAMETER_GROUPS

EVPI_TITLE = "Expected value of perfect information"
SHARE_MEASURES = ("burnout_prevalence", "departures_avoided", "burnout_weeks_averted", "total_cost")
"""Measures whose parameter share the report shows."""


def report_points(grid: Sequence[float], count: int = 5) -> list[float]:
    """Up to ``count`` evenly spaced values of a willingness-to-pay grid, ends included."""
    values = sorted({float(v) for v in grid})
    picks = np.unique(np.linspace(0, len(values) - 1, min(count, len(values))).round())
    return [values[int(i)] for i in picks]


def interval_text(drawn: bool, posterior: str | None = None) -> str:
    """What the 95 % intervals of the results table include, for the statistics paragraph."""
    if not drawn:
        return (
            "Intervals are 95 % t-intervals of these paired differences over replicates. The "
            "run used fixed parameters: its intervals reflect stochastic noise only (the "
            "spread between replicates), not what we do not know about the parameters, and the "
            "parameter share is not estimated (NaN in summary.csv)."
        )
    name = f" {posterior!r}" if posterior else ""
    return (
        f"Replicates drew model parameters from the posterior ensemble{name}, each draw run "
        "with two or more seeds, every arm with the same draw and seed. Each interval is the "
        "95 % prediction interval of an arm's expected effect for a new draw (the mean of a "
        "draw's seeds, t-quantile over draws, Monte Carlo error of the mean included): it "
        "includes parameter uncertainty. A one-way random-effects ANOVA by draw splits its "
        "variance into parameter uncertainty and the stochastic noise left after averaging a "
        "draw's seeds; the parameter share (summary.csv, columns ending in _parameter_share) is "
        "the first part's share. More seeds per draw shrink the noise part; only better "
        "evidence shrinks the parameter part."
    )


def share_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and arm, the share of each interval's variance from parameters (text).

    A NaN share reads "not estimated" without draws and "no spread" when the measure did not
    vary at all.
    """
    table = pd.DataFrame(
        {
            "Scenario": [labels.scenario(s) for s in summary["scenario"]],
            "Intervention": [labels.arm(a) for a in summary["arm"]],
        }
    )
    missing = np.where(summary["draws"] > 0, "no spread", "not estimated")
    for name in SHARE_MEASURES:
        values = summary[f"{name}_parameter_share"].to_numpy(dtype=float)
        table[labels.measure(name)] = [
            why if np.isnan(v) else f"{100 * v:.0f} %"
            for v, why in zip(values, missing, strict=True)
        ]
    return table


def share_lines(summary: pd.DataFrame) -> list[str]:
    """One sentence per scenario: how much of the burnout intervals is parameter uncertainty."""
    lines = []
    for scenario, rows in summary.groupby("scenario", sort=False, observed=True):
        shares = rows["burnout_prevalence_parameter_share"].to_numpy(dtype=float)
        if np.isnan(shares).all():
            continue
        low, high = f"{100 * np.nanmin(shares):.0f}", f"{100 * np.nanmax(shares):.0f}"
        lines.append(
            f"{labels.scenario(scenario)}: of the 95 % intervals of the difference in burnout "
            f"prevalence, {low if low == high else f'{low} to {high}'} % of the variance is "
            "parameter uncertainty (by intervention), the rest stochastic noise."
        )
    return lines


def best_buy_lines(ceac: pd.DataFrame, points: Mapping[str, Sequence[float]]) -> list[str]:
    """Per scenario and effect: which arm is most likely the best buy at a few prices."""
    lines = []
    for scenario in dict.fromkeys(ceac["scenario"].astype(str)):
        for effect, grid in points.items():
            block = ceac[(ceac["scenario"].astype(str) == scenario) & (ceac["effect"] == effect)]
            parts = []
            for w in grid:
                at = block[np.isclose(block["wtp"], w)]
                if at.empty:
                    continue
                best = at.loc[at["probability_best"].idxmax()]
                name, p = labels.arm_in_sentence(best["arm"]), 100 * best["probability_best"]
                parts.append(
                    f"at {wording.money(w)} per {EFFECTS[effect][0]}, {name} is the best buy "
                    f"with probability {p:.0f} %"
                    if not parts
                    else f"at {wording.money(w)}, {name}, {p:.0f} %"
                )
            if parts:
                lines.append(f"{labels.scenario_phrase(scenario)}, " + "; ".join(parts) + ".")
    return lines


def evpi_table(evpi: pd.DataFrame, points: Mapping[str, Sequence[float]]) -> pd.DataFrame:
    """EVPI and partial EVPI by parameter group at a few prices, in US dollars (text cells)."""
    groups = [g for g in ["all parameters", *PARAMETER_GROUPS, "other"] if g in set(evpi["group"])]
    rows = []
    for (scenario, effect), block in evpi.groupby(["scenario", "effect"], sort=False):
        for w in points.get(str(effect), []):
            at = block[np.isclose(block["wtp"], w)].set_index("group")["value"]
            if at.empty:
                continue
            row = {
                "Scenario": labels.scenario(scenario),
                "Willingness to pay": f"{wording.money(w)} per {EFFECTS[str(effect)][0]}",
            }
            for group in groups:
                title = "EVPI" if group == "all parameters" else f"Partial EVPI: {group}"
                value = at.get(group, np.nan)
                row[title] = "not computed" if np.isnan(value) else wording.money(value)
            rows.append(row)
    return pd.DataFrame(rows)


def inb_table(net_benefit: pd.DataFrame, points: Mapping[str, Sequence[float]]) -> pd.DataFrame:
    """Incremental net benefit with its 95 % interval over draws at a few prices (text cells)."""
    keep = np.zeros(len(net_benefit), dtype=bool)
    for effect, grid in points.items():
        at_grid = np.isclose(net_benefit["wtp"].to_numpy()[:, None], np.asarray(grid)[None, :])
        keep |= (net_benefit["effect"] == effect).to_numpy() & at_grid.any(axis=1)
    rows = net_benefit[keep]
    return pd.DataFrame(
        {
            "Scenario": [labels.scenario(s) for s in rows["scenario"]],
            "Willingness to pay": [
                f"{wording.money(w)} per {EFFECTS[e][0]}"
                for w, e in zip(rows["wtp"], rows["effect"], strict=True)
            ],
            "Intervention": [labels.arm(a) for a in rows["arm"]],
            "Incremental net benefit": [
                wording.estimate(m, lo, hi, "money", prose=False)
                for m, lo, hi in zip(
                    rows["inb_mean"], rows["inb_low"], rows["inb_high"], strict=True
                )
            ],
            "Probability cost-effective": [
                f"{100 * p:.0f} %" for p in rows["probability_cost_effective"]
            ],
        }
    )


def method_text(drawn: bool, draws: int, horizon: str) -> str:
    """How the net benefit, the curves and the EVPI were computed, and in what unit."""
    over = (
        f"over {draws} posterior draws, the two seeds of each draw averaged first to remove as "
        "much stochastic noise as the design allows"
        if drawn
        else f"over {draws} replicates with fixed parameters: stochastic noise only, not what we "
        "do not know about the parameters"
    )
    effects = "; ".join(f"a {unit}: {meaning}" for unit, meaning in EFFECTS.values())
    return (
        "Incremental net benefit (INB) of an arm at a willingness to pay W per unit of effect is "
        "W x effect - incremental cost, against no intervention, with the incremental cost the "
        "difference in total excess cost, the intervention's own cost included (US dollars, "
        f"{horizon}, undiscounted). Effects: {effects}. The acceptability curves give, at each "
        f"W, the share of draws in which each arm has the highest net benefit, {over}. The "
        "expected value of perfect information (EVPI) is E[max NB] - max E[NB] over the draws: "
        "what removing all parameter uncertainty would be worth to one organization's decision, "
        f"in US dollars per organization {horizon}. Partial EVPI of a group of parameters is "
        "the same with each arm's net benefit replaced by its regression on the group's "
        "parameters (Strong, Oakley & Brennan 2014; least squares on linear and, with enough "
        "draws, squared terms), capped at the EVPI; it says which uncertainty is worth "
        "researching before deciding. The noise left in a draw's mean of seeds counts as "
        "uncertainty in these numbers, so the EVPI is somewhat overstated, more so with fewer "
        "seeds per draw; the partial EVPIs, being regressions, carry less of it."
    )


def decision_section(
    tables: Mapping[str, pd.DataFrame],
    wtp: Mapping[str, Sequence[float]],
    figure: report.Figure | None,
    summary: pd.DataFrame,
    horizon: str,
    posterior: str | None = None,
) -> report.Section:
    """The report's "Decision analysis" section.

    Args:
        tables: ``net_benefit``, ``ceac`` and ``evpi`` of :func:`analysis.decision.decision_tables`.
        wtp: The willingness-to-pay grid per effect.
        figure: The acceptability curves, if drawn.
        summary: The summary table (for the parameter shares).
        horizon: The horizon in words (``over five years``).
        posterior: The posterior ensemble's name, if any.
    """
    ceac = tables["ceac"]
    drawn = bool((ceac["uncertainty"] == "parameters and noise").any())
    draws = int(ceac["draws"].max()) if len(ceac) else 0
    points = {effect: report_points(grid) for effect, grid in wtp.items()}
    body = report.paragraph(method_text(drawn, draws, horizon))
    if not drawn:
        body += report.paragraph(
            "This run has no posterior draws: intervals and acceptability reflect stochastic "
            "noise only, and the EVPI is not computed (the value of knowing one organization's "
            "chance events is not something research can buy)."
        )
    if figure is not None:
        body += report.figure(figure)
    body += report.bullets(best_buy_lines(ceac, points)) + report.details(
        "Incremental net benefit at these prices (mean and 95 % interval over draws)",
        report.table(inb_table(tables["net_benefit"], points)),
    )
    body += report.heading(EVPI_TITLE)
    if drawn:
        partial = set(tables["evpi"]["group"]) != {"all parameters"}
        body += report.paragraph(
            f"US dollars per organization {horizon}, at {draws} draws; 'not computed' where a "
            "group has too few draws for its regression."
            + (
                ""
                if partial
                else " Partial EVPI is not computed: the posterior's parameter sets were not "
                "available (config key posterior)."
            )
        ) + report.table(evpi_table(tables["evpi"], points))
    else:
        body += report.paragraph("Not computed: the run has no posterior draws.")
    body += report.heading("Parameter uncertainty in the intervals")
    body += report.paragraph(" ".join(share_lines(summary)) or interval_text(False))
    if drawn:
        body += report.table(share_table(summary))
    return report.Section("Decision analysis", body)


def decision_markdown(
    tables: Mapping[str, pd.DataFrame], wtp: Mapping[str, Sequence[float]], horizon: str
) -> str:
    """``summary.md``'s decision analysis: best buys and the EVPI table (Markdown)."""
    ceac = tables["ceac"]
    drawn = bool((ceac["uncertainty"] == "parameters and noise").any())
    points = {effect: report_points(grid) for effect, grid in wtp.items()}
    lines = "\n".join(f"- {line}" for line in best_buy_lines(ceac, points))
    caveat = (
        "" if drawn else "No posterior draws: acceptability reflects stochastic noise only.\n\n"
    )
    evpi = (
        evpi_table(tables["evpi"], points).to_markdown(index=False, disable_numparse=True)
        if drawn
        else "Not computed: the run has no posterior draws."
    )
    return (
        "## Decision analysis (net benefit against no intervention)\n\n"
        f"{caveat}{lines}\n\n### {EVPI_TITLE} (US dollars per organization {horizon})\n\n{evpi}"
    )
