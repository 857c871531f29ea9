"""Sensitivity indices as bar charts (Sobol'), Morris plots and plain-language summaries."""

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from SALib.plotting import morris as morris_plot

from analysis.sensitivity.design import CONF_LEVEL


def _indices_of(df: pd.DataFrame, output: str, indices: Sequence[str]) -> pd.DataFrame:
    rows = df[(df["output"] == output) & df["index"].isin(indices)]
    if rows.empty:
        available = sorted(df.loc[df["index"].isin(indices), "output"].unique())
        raise ValueError(
            f"no {'/'.join(indices)} indices for output {output!r}; outputs with them: "
            f"{', '.join(available) or 'none'}"
        )
    return rows


def _wide(rows: pd.DataFrame) -> pd.DataFrame:
    values = rows.pivot(index="parameter", columns="index", values="value")
    confs = rows.pivot(index="parameter", columns="index", values="conf").add_suffix("_conf")
    return values.join(confs)


def _save(fig: Figure, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    return path


def plot_sobol(
    df: pd.DataFrame, output: str, path: str | Path, noise_share: float | None = None
) -> Path:
    """Draw S1 and ST of one output as horizontal bars with 95 % intervals, sorted by ST.

    Args:
        df: A table from :func:`analyze` with method "sobol".
        output: The output to draw.
        path: Where to write the PNG.
        noise_share: Share of the output's variance that is seed-to-seed noise of a stochastic
            model, drawn as a dashed line: total indices near it may be noise alone.

    Returns:
        The path written.
    """
    wide = _wide(_indices_of(df, output, ("S1", "ST"))).sort_values("ST", na_position="first")
    height = 0.38
    positions = np.arange(len(wide))
    # Figure without pyplot: no global backend state, works headless (Agg renders PNG).
    fig = Figure(figsize=(6.4, 1.6 + 0.45 * len(wide)), layout="constrained")
    ax = fig.add_subplot()
    for offset, index, label in (
        (height / 2, "ST", "ST (total)"),
        (-height / 2, "S1", "S1 (first order)"),
    ):
        ax.barh(
            positions + offset,
            wide[index].fillna(0.0),
            height,
            xerr=wide[f"{index}_conf"].fillna(0.0),
            capsize=3,
            label=label,
        )
    ax.set_yticks(positions, wide.index)
    ax.axvline(0.0, color="black", linewidth=0.8)
    if noise_share is not None and math.isfinite(noise_share):
        ax.axvline(noise_share, color="grey", linestyle="--", linewidth=1, label="seed noise share")
    ax.set_xlabel("Sobol' index (share of output variance)")
    ax.set_title(f"{output}: Sobol' indices, {CONF_LEVEL:.0%} intervals")
    ax.legend(loc="lower right")
    if wide["ST"].isna().all():
        ax.text(
            0.5, 0.5, "indices undefined: output is constant", transform=ax.transAxes, ha="center"
        )
    return _save(fig, path)


def plot_morris(
    df: pd.DataFrame, output: str, path: str | Path, noise_mu_star: float | None = None
) -> Path:
    """Draw Morris mu* against sigma for one output, with the sigma/mu* guide lines.

    The lines sigma/mu* = 0.1, 0.5 and 1 separate near-linear, monotonic, almost monotonic and
    non-linear or interacting inputs (:data:`MORRIS_GUIDE_RATIOS`).

    Args:
        df: A table from :func:`analyze` with method "morris".
        output: The output to draw.
        path: Where to write the PNG.
        noise_mu_star: The mu* that seed noise alone gives a stochastic model, drawn as a
            dashed line: inputs left of it cannot be told from noise.

    Returns:
        The path written.
    """
    wide = _wide(_indices_of(df, output, ("mu", "mu_star", "sigma")))
    fig = Figure(figsize=(6.4, 4.8), layout="constrained")
    ax = fig.add_subplot()
    reach = max(np.nanmax(wide["mu_star"] + wide["mu_star_conf"].fillna(0.0)), 0.0) * 1.15
    reach = reach if reach > 0 else 1.0
    top = max(np.nanmax(wide["sigma"]), 0.0) * 1.15 or 1.0
    ax.set_xlim(0.0, reach)  # SALib draws its guide lines across the x limits it finds
    # The points and the sigma/mu* = 1, 0.5, 0.1 guide lines (MORRIS_GUIDE_RATIOS) by SALib.
    morris_plot.covariance_plot(
        ax, {"mu_star": wide["mu_star"].to_numpy(), "sigma": wide["sigma"].to_numpy()}
    )
    ax.errorbar(
        wide["mu_star"], wide["sigma"], xerr=wide["mu_star_conf"], fmt="none", ecolor="k", capsize=3
    )
    for name, row in wide.iterrows():
        ax.annotate(
            str(name),
            (row["mu_star"], row["sigma"]),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
        )
    if noise_mu_star is not None and math.isfinite(noise_mu_star):
        legend = ax.get_legend()
        noise = ax.axvline(noise_mu_star, color="grey", linestyle="-.", linewidth=1)
        ax.legend(
            [*legend.legend_handles, noise],
            [*(text.get_text() for text in legend.get_texts()), "seed noise"],
            loc="upper left",
        )
    ax.set_xlim(0.0, reach)
    ax.set_ylim(0.0, top)
    ax.set_xlabel("μ* (mean absolute elementary effect)")
    ax.set_ylabel("σ (standard deviation of elementary effects)")
    ax.set_title(f"{output}: Morris screening")
    return _save(fig, path)


def describe(df: pd.DataFrame, output: str, threshold: float = 0.05) -> str:
    """Say in plain English which parameters matter for one output, with their numbers.

    For Sobol' results a parameter matters if its total index ST exceeds ``threshold``; for
    Morris results, if its mu* exceeds ``threshold`` times the largest mu*.

    Args:
        df: A table from :func:`analyze`.
        output: The output to describe.
        threshold: The cut-off described above.

    Returns:
        A few sentences, parameters that matter in decreasing order of importance.
    """
    rows = df[df["output"] == output]
    if rows.empty:
        raise ValueError(
            f"no indices for output {output!r}; outputs: {', '.join(df['output'].unique())}"
        )
    notes = [note for note in rows["note"].unique() if note] if "note" in rows else []
    if "ST" in set(rows["index"]):
        return _describe_sobol(
            _wide(_indices_of(rows, output, ("S1", "ST"))), output, threshold, notes
        )
    return _describe_morris(
        _wide(_indices_of(rows, output, ("mu", "mu_star", "sigma"))), output, threshold, notes
    )


def _describe_sobol(wide: pd.DataFrame, output: str, threshold: float, notes: list[str]) -> str:
    if wide["ST"].isna().all():
        return f"Output {output!r}: {'; '.join(notes) or 'indices are undefined'}."
    wide = wide.sort_values("ST", ascending=False)
    matter = wide[wide["ST"] > threshold]
    rest = wide[~(wide["ST"] > threshold)]
    parts = []
    for name, row in matter.iterrows():
        text = f"{name} (ST {row['ST']:.2f} ± {row['ST_conf']:.2f}, S1 {row['S1']:.2f}"
        if row["ST"] - row["S1"] > threshold:
            share = "mostly" if row["S1"] < row["ST"] / 2 else "partly"
            text += f", {share} through interactions"
        parts.append(text + ")")
    lines = [
        f"Output {output!r} (Sobol'; a parameter matters if its total index ST > {threshold:g}):"
    ]
    if parts:
        lines.append(f"Matter, most first: {', '.join(parts)}.")
    else:
        lines.append(f"No parameter has ST above {threshold:g}.")
    if not rest.empty:
        listed = ", ".join(f"{name} (ST {row['ST']:.2f})" for name, row in rest.iterrows())
        lines.append(f"Do not matter: {listed}.")
    s1_sum = wide["S1"].sum()
    lines.append(
        f"First-order indices sum to {s1_sum:.2f}: about {max(0.0, 1.0 - s1_sum):.0%} of the "
        "variance comes from interactions."
    )
    return "\n".join(lines)


def _describe_morris(wide: pd.DataFrame, output: str, threshold: float, notes: list[str]) -> str:
    wide = wide.sort_values("mu_star", ascending=False)
    largest = wide["mu_star"].max()
    if notes or not largest > 0:
        return f"Output {output!r}: {'; '.join(notes) or 'no parameter changes it'}."
    cutoff = threshold * largest
    matter = wide[wide["mu_star"] > cutoff]
    rest = wide[~(wide["mu_star"] > cutoff)]
    parts = []
    for name, row in matter.iterrows():
        ratio = row["sigma"] / row["mu_star"]
        shape = (
            "non-linear or interacting"
            if ratio > 1
            else "monotonic"
            if ratio <= 0.5
            else "almost monotonic"
        )
        parts.append(f"{name} (mu* {row['mu_star']:.3g}, sigma/mu* {ratio:.2f}: {shape})")
    lines = [
        f"Output {output!r} (Morris; a parameter matters if its mu* > {threshold:g} x the "
        f"largest, {largest:.3g}):",
        f"Matter, most first: {', '.join(parts)}.",
    ]
    if not rest.empty:
        listed = ", ".join(f"{name} (mu* {row['mu_star']:.3g})" for name, row in rest.iterrows())
        lines.append(f"Do not matter: {listed}.")
    return "\n".join(lines)
