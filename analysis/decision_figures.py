"""Figures of the decision analysis: cost-effectiveness acceptability curves.

Drawn from the ``ceac`` table of :func:`analysis.decision.decision_tables` as a
:class:`matplotlib.figure.Figure` without pyplot, saved atomically (:func:`analysis.figures.save`).
"""

import textwrap
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from analysis import labels
from analysis.decision import EFFECTS, REFERENCE
from analysis.figures import key_below, save

NEVER_BEST = 0.005
"""Arms whose probability of being the best buy stays below this everywhere share one grey line."""


def _dollars(value: float, _position: object = None) -> str:
    """An axis tick in US dollars: ``$50k``, ``$0``."""
    return f"${value / 1000:,.0f}k" if value else "$0"


def acceptability_curves(ceac: pd.DataFrame, path: str | Path, draws_note: str = "") -> Path:
    """Probability that each arm is the best buy against willingness to pay.

    One panel per effect measure (columns) and scenario (rows), a line per arm with its label
    (:func:`analysis.labels.arm`) in the key below; arms never the best buy are one grey line.

    Args:
        ceac: Columns ``scenario``, ``effect``, ``wtp``, ``arm``, ``probability_best``.
        path: The PNG to write.
        draws_note: What the probabilities are over, for the title (e.g. "over 100 draws").
    """
    scenarios = list(dict.fromkeys(ceac["scenario"].astype(str)))
    effects = [e for e in EFFECTS if e in set(ceac["effect"])]
    arms = list(dict.fromkeys(ceac["arm"].astype(str)))
    top = ceac.groupby("arm", sort=False)["probability_best"].max()
    shown = [a for a in arms if top[a] >= NEVER_BEST]
    never = [a for a in arms if top[a] < NEVER_BEST]
    palette = matplotlib.colormaps["tab10"]
    styles = ("-", "--", "-.")

    def style(arm: str) -> dict[str, object]:
        """Colour and dash of an arm's line: no intervention black dotted, others tab10."""
        if arm == REFERENCE:
            return {"color": "black", "ls": ":", "lw": 1.8}
        i = [a for a in arms if a != REFERENCE].index(arm)
        return {"color": palette(i % 10), "ls": styles[(i // 10) % len(styles)], "lw": 1.8}

    size = (5.5 * len(effects), 3.6 * len(scenarios))
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(len(scenarios), len(effects), squeeze=False, sharey=True)
    for row, scenario in enumerate(scenarios):
        for col, effect in enumerate(effects):
            ax = axes[row][col]
            block = ceac[(ceac["scenario"].astype(str) == scenario) & (ceac["effect"] == effect)]
            for arm in arms:
                line = block[block["arm"].astype(str) == arm].sort_values("wtp")
                if arm in never:
                    ax.plot(line["wtp"], line["probability_best"], color="#aaaaaa", lw=0.8)
                    continue
                ax.plot(line["wtp"], line["probability_best"], **style(arm))
            ax.set_ylim(-0.03, 1.03)
            ax.xaxis.set_major_formatter(FuncFormatter(_dollars))
            ax.set_xlabel(f"willingness to pay per {EFFECTS[effect][0]} (US dollars)")
            ax.set_title(f"{labels.scenario(scenario)}: per {EFFECTS[effect][0]}", fontsize=10)
            ax.grid(alpha=0.3)
        axes[row][0].set_ylabel("probability of the highest net benefit")
    handles = [Line2D([], [], label=labels.arm(a), **style(a)) for a in shown]
    if never:
        names = textwrap.fill("Never the best: " + "; ".join(labels.arm(a) for a in never), 80)
        handles.append(Line2D([], [], color="#aaaaaa", lw=0.8, label=names))
    key_below(fig, handles, 2 if len(effects) > 1 else 1)
    fig.suptitle(f"Cost-effectiveness acceptability curves{draws_note}")
    return save(fig, path)
