"""Static lesson figures for classrooms without a server: one PNG per lesson and a handout.

Usage::

    python -m dashboard.lesson_figures [--out outputs/lessons] [--seeds 1 2 3]
    make lesson-figures ARGS="--seeds 1 2"

Each lesson of dashboard/lessons.py runs every preset for its weeks with each seed (the same
small organization and settings as the dashboard); the figure shows the watched series, one
colour per preset, thin lines per seed and a thick line for their mean. ``lessons.md`` holds the
teacher's text beside each figure; ``provenance.json`` the code, versions, settings and seeds.
Every file is written atomically; the folder is printed last. Figures are drawn on
:class:`matplotlib.figure.Figure` objects, so neither importing this module nor running it
changes matplotlib's backend; it needs no solara either.
"""

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from artifacts.atomic import atomic_path, write_json_atomic, write_text_atomic
from dashboard.lessons import LESSONS, Lesson, lesson, run_lesson
from experiments.records import provenance

DEFAULT_OUT = Path("outputs") / "lessons"
DEFAULT_SEEDS = (1, 2, 3)
SERIES_LABELS = {
    "burnout_prevalence": ("Burnout prevalence", True),
    "vacancies": ("Vacant posts", False),
    "annual_turnover_rate": ("Turnover, last 52 weeks", True),
    "programme_spend": ("Programme spend since week 0, $ million", False),
    "focus_unit_burnout": ("Burnout in unit 0 (the coached leader's)", True),
}
COLOURS = ("tab:red", "tab:blue", "tab:green")


def lesson_runs(item: Lesson, seeds: Sequence[int]) -> dict[str, list[pd.DataFrame]]:
    """Preset label -> one weekly frame per seed."""
    runs: dict[str, list[pd.DataFrame]] = {preset.label: [] for preset in item.presets}
    for seed in seeds:
        for label, frame in run_lesson(item, seed).items():
            runs[label].append(frame)
    return runs


def lesson_figure(item: Lesson, runs: dict[str, list[pd.DataFrame]]) -> Figure:
    """One panel per watched series; presets in colour, seeds thin, their mean thick."""
    fig = Figure(figsize=(4.2 * len(item.watch), 3.6), layout="constrained")
    axes = fig.subplots(1, len(item.watch), squeeze=False)[0]
    for ax, series in zip(axes, item.watch, strict=True):
        title, percent = SERIES_LABELS[series]
        scale = 1e-6 if series == "programme_spend" else 1.0
        for colour, (label, frames) in zip(COLOURS, runs.items(), strict=False):
            values = pd.concat([f[series] * scale for f in frames], axis=1)
            for column in values:
                ax.plot(values.index, values[column], color=colour, alpha=0.25, linewidth=0.7)
            ax.plot(values.index, values.mean(axis=1), color=colour, linewidth=2, label=label)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("Week")
        if percent:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes[0].legend(fontsize=8, loc="best")
    fig.suptitle(item.title, fontsize=12)
    return fig


def handout(written: dict[str, Path], seeds: Sequence[int]) -> str:
    """Markdown with each lesson's figure and the teacher's text."""
    parts = [
        "# Lessons: burnout as a systems problem\n",
        f"Classroom organization of {LESSONS[0].presets[0].settings()['n_workers']} posts; "
        f"seeds {', '.join(map(str, seeds))} (thin lines), their mean thick. Made by "
        "`python -m dashboard.lesson_figures`; the dashboard loads the same presets.\n",
    ]
    for item in LESSONS:
        if item.key not in written:
            continue
        presets = "; ".join(p.label for p in item.presets)
        parts.append(
            f"## {item.title}\n\n![{item.title}]({written[item.key].name})\n\n"
            f"Presets: {presets}. Run {item.weeks} weeks.\n\n"
            f"**What to look for.** {item.look_for}\n"
        )
    return "\n".join(parts)


def write_lesson_figures(
    out: Path, seeds: Sequence[int], keys: Sequence[str] | None = None
) -> dict[str, Path]:
    """Write the figures, the handout and provenance into ``out``; return lesson -> PNG path."""
    if not seeds or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in seeds):
        raise ValueError(f"setting 'seeds' = {list(seeds)!r}; allowed: whole numbers >= 0")
    chosen = [lesson(k) for k in keys] if keys else list(LESSONS)
    written: dict[str, Path] = {}
    for item in chosen:
        fig = lesson_figure(item, lesson_runs(item, seeds))
        path = out / f"{item.key}.png"
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=120, format="png")
        written[item.key] = path
    write_text_atomic(out / "lessons.md", handout(written, seeds))
    write_json_atomic(
        out / "provenance.json",
        {
            **provenance(),
            "seeds": list(seeds),
            "lessons": {
                item.key: {
                    "weeks": item.weeks,
                    "presets": {p.label: p.settings() for p in item.presets},
                }
                for item in chosen
            },
        },
    )
    return written


def main(argv: Sequence[str] | None = None) -> Path:
    """Command line: ``--out``, ``--seeds`` and ``--lessons``; prints the folder last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument(
        "--lessons",
        nargs="+",
        default=None,
        help=f"lesson keys (default all): {[x.key for x in LESSONS]}",
    )
    options = parser.parse_args(argv)
    logging.getLogger("MESA").setLevel(logging.WARNING)
    try:
        written = write_lesson_figures(options.out, options.seeds, options.lessons)
    except ValueError as error:
        parser.error(str(error))
    for path in written.values():
        print(path)
    print(options.out.resolve())
    return options.out


if __name__ == "__main__":
    main()
