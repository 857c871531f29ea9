"""Tables and figures of a health-system experiment (experiments.system): pure functions on data.

Inputs are tidy tables of runs: ``outcomes`` (one row per scenario, policy and seed, a column
per system outcome) and ``flows`` (leavers by scenario, policy, seed, sector and destination).
"""

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.figures import save
from analysis.intervals import grouped_mean_interval
from analysis.labels import scenario as scenario_label
from analysis.labels import words

KEYS = ["scenario", "policy", "actor"]
REFERENCE = "no_policy"


def system_table(outcomes: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Mean of each outcome over seeds per scenario and policy, and its difference from no policy.

    Returns:
        One row per scenario and policy: ``actor``, ``seeds``, each outcome's mean,
        ``<outcome>_vs_no_policy`` (mean of the paired differences; same seeds in every arm) and
        its 95 % t-interval over the seeds' paired differences, ``<outcome>_vs_no_policy_low``
        and ``_high`` (NaN with one seed; few seeds give wide intervals, as they should).
    """
    means = outcomes.groupby(KEYS, sort=False)[columns].mean()
    means.insert(0, "seeds", outcomes.groupby(KEYS, sort=False).size())
    pair = ["scenario", "seed"]
    reference = outcomes.loc[outcomes["policy"] == REFERENCE, pair + columns]
    merged = outcomes[KEYS + ["seed"] + columns].merge(reference, on=pair, suffixes=("", "_ref"))
    for column in columns:
        merged[f"{column}_vs_{REFERENCE}"] = merged[column] - merged[f"{column}_ref"]
    differences = merged.groupby(KEYS, sort=False)[[f"{c}_vs_{REFERENCE}" for c in columns]]
    means = means.join(differences.mean())
    for column in columns:
        name = f"{column}_vs_{REFERENCE}"
        bounds = grouped_mean_interval(merged, KEYS, name).set_index(KEYS)[["low", "high"]]
        means = means.join(bounds.rename(columns={"low": f"{name}_low", "high": f"{name}_high"}))
    return means.reset_index()


def flows_table(flows: pd.DataFrame) -> pd.DataFrame:
    """Mean leavers over seeds by scenario, policy, sector of origin and destination."""
    keys = ["scenario", "policy", "sector", "destination"]
    return flows.groupby(keys, sort=False)["leavers"].mean().reset_index()


def plot_flows(flows: pd.DataFrame, path: str | Path) -> Path:
    """Stacked bars of where each sector's leavers went, per policy (mean over seeds).

    One panel per scenario (rows) and sector of origin (columns).
    """
    table = flows_table(flows)
    scenarios = list(dict.fromkeys(table["scenario"]))
    sectors = list(dict.fromkeys(table["sector"]))
    destinations = list(dict.fromkeys(table["destination"]))
    fig = Figure(figsize=(4.2 * len(sectors), 0.6 + 2.8 * len(scenarios)))
    axes = np.atleast_2d(fig.subplots(len(scenarios), len(sectors), squeeze=False))
    colours = matplotlib.colormaps["tab10"].colors
    for i, scenario in enumerate(scenarios):
        for j, sector in enumerate(sectors):
            ax = axes[i, j]
            part = table[(table["scenario"] == scenario) & (table["sector"] == sector)]
            wide = part.pivot_table(
                index="policy", columns="destination", values="leavers", sort=False
            ).reindex(columns=destinations, fill_value=0.0)
            left = np.zeros(len(wide))
            for k, destination in enumerate(destinations):
                values = wide[destination].to_numpy()
                ax.barh(
                    [words(p) for p in wide.index],
                    values,
                    left=left,
                    color=colours[k],
                    label=destination,
                )
                left += values
            ax.set_title(f"{scenario_label(scenario)}: from {words(sector)}", fontsize=9)
            ax.invert_yaxis()
            ax.tick_params(labelsize=8)
            if i == len(scenarios) - 1:
                ax.set_xlabel("leavers over the horizon (mean of seeds)", fontsize=8)
            if j:
                ax.set_yticklabels([])
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(destinations), fontsize=8,
               title="went to", title_fontsize=8, bbox_to_anchor=(0.5, -0.06))  # fmt: skip
    fig.suptitle("Flows out of each sector's organizations, by policy", fontsize=10)
    return save(fig, path)
