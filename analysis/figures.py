"""Figures of the main comparison: trajectories, ranked effects, the cost-effectiveness plane.

Each function draws one figure from the tables of :mod:`analysis.comparison` (or the tidy weekly
rows) and saves it atomically as PNG; none of them reads model objects. Figures are built as
:class:`matplotlib.figure.Figure` objects, without pyplot, so importing this module leaves the
caller's backend alone.
"""

from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis import labels, placement
from analysis.intervals import grouped_mean_interval
from artifacts.atomic import atomic_path

LEVEL_COLOURS = {
    "none": "#444444",
    "individual": "#1b9e77",
    "organizational": "#d95f02",
    "system": "#7570b3",
    "bundle": "#e7298a",
}


def save(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` to ``path`` as PNG atomically."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")
    return Path(path)


def weekly_bands(weekly: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Mean of ``metric`` over replicates per scenario, arm and week, with its 95 % t-band.

    Returns:
        One row per scenario, arm and week: ``mean``, ``count``, ``low``, ``high``.
    """
    out = grouped_mean_interval(weekly, ["scenario", "arm", "week"], metric)
    single = out["count"] < 2  # one replicate: a band of no width
    out.loc[single, "low"] = out.loc[single, "high"] = out.loc[single, "mean"]
    return out


def trajectories(
    weekly: pd.DataFrame,
    arms: Sequence[str],
    path: str | Path,
    metric: str = "burnout_prevalence",
    label: str = "burnout prevalence (%)",
    scale: float = 100.0,
) -> Path:
    """Weekly ``metric`` of each arm: the mean over replicates and its 95 % band, per scenario."""
    bands = weekly_bands(weekly[weekly["arm"].isin(list(arms))], metric)
    scenarios = list(dict.fromkeys(bands["scenario"].astype(str)))
    fig = Figure(figsize=(5.5 * len(scenarios), 4), layout="constrained")
    axes = fig.subplots(1, len(scenarios), sharey=True, squeeze=False)
    colours = matplotlib.colormaps["tab10"]
    for ax, scenario in zip(axes[0], scenarios, strict=True):
        for i, arm in enumerate(arms):
            rows = bands[(bands["scenario"].astype(str) == scenario) & (bands["arm"] == arm)]
            if rows.empty:
                continue
            years = rows["week"] / 52.0
            colour = colours(i % 10)
            ax.plot(years, rows["mean"] * scale, color=colour, lw=1.6, label=labels.arm(arm))
            ax.fill_between(
                years, rows["low"] * scale, rows["high"] * scale, color=colour, alpha=0.2, lw=0
            )
        ax.set_title(labels.scenario(scenario))
        ax.set_xlabel("years after burn-in (interventions start at 0)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(label)
    axes[0][-1].legend(fontsize=8, loc="best")
    fig.suptitle("Trajectories: mean over replicates with 95 % interval bands")
    return save(fig, path)


def ranked_effects(
    summary: pd.DataFrame,
    levels: dict[str, str],
    path: str | Path,
    measure: str = "burnout_prevalence",
    label: str = "difference in burnout prevalence from no intervention (percentage points)",
    scale: float = 100.0,
) -> Path:
    """Each arm's mean difference with its 95 % interval, arms ranked, one panel per scenario."""
    scenarios = list(dict.fromkeys(summary["scenario"].astype(str)))
    n_arms = summary["arm"].nunique()
    fig = Figure(figsize=(8, (1.2 + 0.3 * n_arms) * len(scenarios)), layout="constrained")
    axes = fig.subplots(len(scenarios), 1, squeeze=False)
    for ax, scenario in zip(axes[:, 0], scenarios, strict=True):
        rows = summary[summary["scenario"].astype(str) == scenario]
        rows = rows.sort_values(f"{measure}_mean", ascending=False, kind="stable")
        y = np.arange(len(rows))
        mean = rows[f"{measure}_mean"].to_numpy() * scale
        err = np.vstack(
            [
                mean - rows[f"{measure}_low"].to_numpy() * scale,
                rows[f"{measure}_high"].to_numpy() * scale - mean,
            ]
        )
        colours = [LEVEL_COLOURS.get(levels.get(str(a), ""), "#888888") for a in rows["arm"]]
        for i, colour in enumerate(colours):
            ax.errorbar(
                mean[i],
                y[i],
                xerr=err[:, i : i + 1],
                fmt="o",
                color=colour,
                elinewidth=2,
                capsize=3,
            )
        ax.set_yticks(y, [labels.arm(a) for a in rows["arm"]])
        ax.axvline(0.0, color="black", lw=0.8)
        ax.set_title(labels.scenario(scenario))
        ax.set_xlabel(label, fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    handles = [
        Line2D([], [], marker="o", ls="", color=c, label=labels.level(name))
        for name, c in LEVEL_COLOURS.items()
        if name != "none" and name in set(levels.values())
    ]
    fig.legend(handles=handles, fontsize=8, loc="outside lower center", ncols=max(len(handles), 1))
    fig.suptitle("Ranked effects: mean difference from no intervention, 95 % intervals")
    return save(fig, path)


def _limits(low: np.ndarray, high: np.ndarray) -> tuple[float, float]:
    """Axis limits holding 0 and every interval, with room for labels."""
    finite = np.concatenate([low[np.isfinite(low)], high[np.isfinite(high)], [0.0]])
    lo, hi = float(finite.min()), float(finite.max())
    span = (hi - lo) or 1.0
    return lo - 0.12 * span, hi + 0.12 * span


def cost_effectiveness_plane(
    summary: pd.DataFrame, levels: dict[str, str], path: str | Path
) -> Path:
    """Burnout-weeks averted against the difference in total cost, with 95 % intervals.

    Points carry numbers, placed clear of each other and of the points
    (:func:`analysis.placement.place_labels`); the key below names the arm of each number.
    """
    scenarios = list(dict.fromkeys(summary["scenario"].astype(str)))
    arms = list(dict.fromkeys(str(a) for a in summary["arm"]))
    fig = Figure(figsize=(6 * len(scenarios), 4.8))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.14, top=0.86, wspace=0.28)
    axes = fig.subplots(1, len(scenarios), squeeze=False)
    for ax, scenario in zip(axes[0], scenarios, strict=True):
        rows = summary[summary["scenario"].astype(str) == scenario]
        x = rows["burnout_weeks_averted_mean"].to_numpy(dtype=float)
        y = rows["total_cost_mean"].to_numpy(dtype=float) / 1e6
        x_low = rows["burnout_weeks_averted_low"].to_numpy(dtype=float)
        x_high = rows["burnout_weeks_averted_high"].to_numpy(dtype=float)
        y_low = rows["total_cost_low"].to_numpy(dtype=float) / 1e6
        y_high = rows["total_cost_high"].to_numpy(dtype=float) / 1e6
        colours = [LEVEL_COLOURS.get(levels.get(str(a), ""), "#888888") for a in rows["arm"]]
        for i, colour in enumerate(colours):
            ax.errorbar(
                x[i],
                y[i],
                xerr=np.nan_to_num([[x[i] - x_low[i]], [x_high[i] - x[i]]]),
                yerr=np.nan_to_num([[y[i] - y_low[i]], [y_high[i] - y[i]]]),
                fmt="o",
                color=colour,
                ecolor=colour,
                alpha=0.8,
                capsize=2,
            )
        ax.set_xlim(*_limits(x_low, x_high))
        ax.set_ylim(*_limits(y_low, y_high))
        numbers = [str(arms.index(str(a)) + 1) for a in rows["arm"]]
        _number_points(ax, x, y, numbers)
        ax.axhline(0.0, color="black", lw=0.8)
        ax.axvline(0.0, color="black", lw=0.8)
        ax.set_title(labels.scenario(scenario))
        ax.set_xlabel("burnout-weeks averted over the horizon")
        ax.set_ylabel("difference in total cost (million US dollars; below 0 saves)")
        ax.grid(alpha=0.3)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            color=LEVEL_COLOURS.get(levels.get(arm, ""), "#888888"),
            label=f"{n}. {labels.arm(arm)} ({labels.level(levels.get(arm, '')).lower()})",
        )
        for n, arm in enumerate(arms, start=1)
    ]
    key_below(fig, handles, 2 if len(scenarios) > 1 else 1)
    fig.suptitle("Cost-effectiveness plane: each arm against no intervention (95 % intervals)")
    return save(fig, path)


def key_below(fig: Figure, handles: Sequence[Line2D], columns: int) -> None:
    """A frameless key of ``handles`` under the figure, in ``columns`` columns."""
    fig.legend(
        handles=handles,
        fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=columns,
        frameon=False,
    )


def _number_points(ax: Axes, x: np.ndarray, y: np.ndarray, numbers: Sequence[str]) -> None:
    """Write each point's number beside it, clear of the other points and numbers."""
    scale = 72.0 / ax.figure.dpi  # display pixels to points
    anchors = ax.transData.transform(np.column_stack([x, y])) * scale
    frame = ax.get_window_extent()
    bounds = (frame.x0 * scale, frame.y0 * scale, frame.x1 * scale, frame.y1 * scale)
    fontsize = 7.5
    sizes = [(0.62 * fontsize * len(n) + 2, 1.25 * fontsize) for n in numbers]
    boxes = placement.place_labels(anchors, sizes, bounds)
    for xi, yi, (px, py), box, number in zip(x, y, anchors, boxes, numbers, strict=True):
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        far = np.hypot(cx - px, cy - py) > 14
        ax.annotate(
            number,
            (xi, yi),
            xytext=(cx - px, cy - py),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight="bold",
            arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "#666666"} if far else None,
        )
