"""The teaching dashboard: a Mesa SolaraViz page of the workforce model, with lesson presets.

Serve it with ``python -m dashboard --port PORT`` (or ``solara run dashboard.app``). The
sidebar holds Mesa's controls (Reset, Play, Step) and the classroom's sliders and switches; the
main area shows the lesson picker with the teacher's text, this week's numbers, the organization
(units as blocks of posts coloured by state) and live plots from the model's DataCollector. A
lesson preset re-creates the page with its settings.

Every figure is a :class:`matplotlib.figure.Figure` object, so importing this module leaves
matplotlib's backend alone; the server command (dashboard.server) chooses it.
"""

import html
from collections.abc import Callable
from typing import Any

import numpy as np
import solara
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter
from mesa.visualization import SolaraViz, make_plot_component

from dashboard.lessons import (
    LESSONS,
    ClassroomModel,
    Lesson,
    Preset,
    programme_spend,
)
from sim.interventions import INTERVENTIONS
from sim.scenarios import SCENARIOS
from sim.state import R

PAGE_NAME = "Burnout is a systems problem"
# Post states in the organization view, in colour order (vacant, burned out, well).
POST_STATES = ("vacant post", "burned out", "not burned out")
POST_COLOURS = ("#d9d9d9", "#d7301f", "#41ab5d")
UNIT_COLUMNS = 6  # unit blocks per row in the organization view


def _slider(label: str, value: float, low: float, high: float, step: float) -> dict[str, Any]:
    return {"type": "SliderFloat", "value": value, "label": label, "min": low, "max": high,
            "step": step}  # fmt: skip


def model_params(settings: dict[str, Any]) -> dict[str, Any]:
    """Mesa SolaraViz ``model_params``: the classroom's controls, starting at ``settings``.

    Slider ranges are the teaching range inside each parameter's allowed range
    (sim.parameters); every preset's value lies on a slider's steps (the browser snaps a value
    between steps to the nearest step, which would silently change the model on Reset).
    Controls a class does not move are passed as fixed values.
    """
    params: dict[str, Any] = {
        "rng": {"type": "InputText", "value": str(settings["rng"]), "label": "Random seed"},
        "surge": {
            "type": "Select",
            "value": settings["surge"],
            "values": list(SCENARIOS),
            "label": "Outside pressure (surge scenario)",
        },
        "demand_level": _slider(
            "Patient demand (1 = budget)", settings["demand_level"], 0.8, 1.5, 0.05
        ),
        "agency_cover_share": _slider(
            "Agency cover of vacancies", settings["agency_cover_share"], 0.0, 1.0, 0.05
        ),
        "violence_level": _slider(
            "Violence from the public", settings["violence_level"], 0.0, 3.0, 0.1
        ),
        "leadership_mean": _slider(
            "Leadership (12-60)", settings["leadership_mean"], 12.0, 60.0, 0.4
        ),
        "supervisor_recognition_rate": _slider(
            "Recognition by leaders",
            settings["supervisor_recognition_rate"],
            0.0,
            1.0,
            0.05,
        ),
        "crisis_mode": {
            "type": "Checkbox",
            "value": settings["crisis_mode"],
            "label": "Programmes only in a crisis (on at 50 % burnout, off below 40 %)",
        },
    }
    for name in INTERVENTIONS:
        params[name] = {
            "type": "Checkbox",
            "value": settings[name],
            "label": name.replace("_", " ").capitalize(),
        }
    for name in ("n_workers", "burn_in_weeks", "leadership_sd", "job_market"):
        params[name] = settings[name]
    params["intervention_settings"] = settings["intervention_settings"]
    return params


# ------------------------------------------------------------------------------------------
# Plots from the DataCollector


def _styled(title: str, labels: dict[str, str], percent: bool) -> Callable:
    """A post_process for Mesa's plot component: title, week axis, readable legend."""

    def post_process(ax: Any) -> None:
        ax.set_title(title)
        ax.set_xlabel("Week")
        if percent:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        handles, keys = ax.get_legend_handles_labels()
        if handles:
            ax.legend(handles, [labels.get(k, k) for k in keys], loc="best")

    return post_process


BurnoutPlot = make_plot_component(
    {"burnout_prevalence": "tab:red"},
    backend="matplotlib",
    post_process=_styled(
        "Burnout prevalence (one step = one week)", {"burnout_prevalence": "burned out"}, True
    ),
)
WellbeingPlot = make_plot_component(
    {"flourishing_share": "tab:green", "languishing_share": "tab:orange"},
    backend="matplotlib",
    post_process=_styled(
        "Well-being (dual continuum)",
        {"flourishing_share": "flourishing", "languishing_share": "languishing"},
        True,
    ),
)
StaffingPlot = make_plot_component(
    {"headcount": "tab:blue", "vacancies": "tab:gray"},
    backend="matplotlib",
    post_process=_styled("Headcount and vacancies", {}, False),
)
TurnoverPlot = make_plot_component(
    {"annual_turnover_rate": "tab:purple"},
    backend="matplotlib",
    post_process=_styled("Turnover, last 52 weeks", {"annual_turnover_rate": "turnover"}, True),
)


def CostPlot(model: ClassroomModel) -> Any:
    """Cumulative cost since week 0 (replacement, overtime, agency, programmes) in $ million."""
    frame = model.datacollector.get_model_vars_dataframe()
    fig = Figure()
    ax = fig.subplots()
    ax.plot(frame["week"], frame["total_cost"] / 1e6, color="tab:brown", label="all costs")
    ax.plot(frame["week"], programme_spend(model) / 1e6, color="tab:cyan", label="programmes")
    ax.set_title("Cumulative cost, $ million")
    ax.set_xlabel("Week")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left")
    return solara.FigureMatplotlib(fig, format="png", bbox_inches="tight")


# ------------------------------------------------------------------------------------------
# The organization: units as blocks of posts


def post_state_codes(model: ClassroomModel) -> np.ndarray:
    """Each post's state as an index into :data:`POST_STATES`."""
    s = model.workers
    return np.where(~s.filled, 0, np.where(s.burned_out, 1, 2))


def organization_figure(model: ClassroomModel) -> Figure:
    """Units as blocks of posts coloured by state, with each unit's burnout and leadership."""
    s = model.workers
    codes = post_state_codes(model)
    posts_per_unit = np.bincount(s.unit, minlength=model.n_units)
    width = int(np.ceil(np.sqrt(posts_per_unit.max())))
    height = int(np.ceil(posts_per_unit.max() / width))
    n_rows = int(np.ceil(model.n_units / UNIT_COLUMNS))
    canvas = np.full((n_rows * (height + 4), UNIT_COLUMNS * (width + 1)), np.nan)
    fig = Figure(figsize=(8, 2.0 * n_rows + 0.5))
    ax = fig.subplots()
    for unit in range(model.n_units):
        unit_codes = codes[s.unit == unit]
        row0 = (unit // UNIT_COLUMNS) * (height + 4) + 3
        col0 = (unit % UNIT_COLUMNS) * (width + 1)
        for k, code in enumerate(unit_codes):
            canvas[row0 + k // width, col0 + k % width] = code
        staff = np.count_nonzero(unit_codes != 0)
        burned = np.count_nonzero(unit_codes == 1)
        ax.text(
            col0 - 0.5,
            row0 - 0.7,
            f"{unit} {model.layout.unit_type_names[unit].replace('_', ' ')}\n"
            f"{burned}/{staff} burned out\nleadership {model.supervisors.delivered[unit]:.0f}",
            fontsize=6,
            va="bottom",
        )
    ax.imshow(canvas, cmap=ListedColormap(POST_COLOURS), vmin=0, vmax=2, interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(f"The organization in week {model.week}: one square per post", fontsize=9)
    ax.legend(
        handles=[Patch(color=c, label=n) for c, n in zip(POST_COLOURS, POST_STATES, strict=True)],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        fontsize=7,
        frameon=False,
    )
    return fig


def OrganizationView(model: ClassroomModel) -> Any:
    """The organization figure as a page component."""
    return solara.FigureMatplotlib(
        organization_figure(model), format="png", bbox_inches="tight", dpi=110
    )


# ------------------------------------------------------------------------------------------
# This week's numbers and the lessons


def headline(model: ClassroomModel) -> dict[str, str]:
    """This week's numbers as the page prints them (the browser tests read these)."""
    m = model.metrics
    mean_hours = model.workers.real[R["hours"]][model.workers.filled].mean()
    return {
        "Week": f"{m['week']}",
        "Burnout prevalence": f"{100 * m['burnout_prevalence']:.1f} %",
        "Flourishing": f"{100 * m['flourishing_share']:.1f} %",
        "Languishing": f"{100 * m['languishing_share']:.1f} %",
        "Headcount": f"{m['headcount']}",
        "Vacancies": f"{m['vacancies']}",
        "Annual turnover": f"{100 * m['annual_turnover_rate']:.1f} %",
        "Hours worked per person last week": f"{mean_hours:.1f}",
        "Cost since week 0": f"$ {m['total_cost'] / 1e6:.2f} million",
        "Programmes (part of cost)": f"$ {programme_spend(model)[-1] / 1e6:.2f} million",
    }


def Headline(model: ClassroomModel) -> Any:
    """This week's numbers as a small table (plain HTML: Markdown would fetch KaTeX online)."""
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td style='text-align:right'>{html.escape(v)}</td></tr>"
        for k, v in headline(model).items()
    )
    return solara.HTML(
        tag="table", unsafe_innerHTML=rows, style={"font-size": "15px", "margin": "12px"}
    )


current_preset: solara.Reactive[tuple[int, int] | None] = solara.reactive(None)


def selected(choice: tuple[int, int] | None) -> tuple[Lesson | None, Preset]:
    """The lesson and preset chosen, or no lesson and the defaults."""
    if choice is None:
        return None, Preset("Free play")
    lesson = LESSONS[choice[0]]
    return lesson, lesson.presets[choice[1]]


@solara.component
def LessonPicker() -> None:
    """One button per lesson preset, and the chosen lesson's text for the teacher."""
    lesson, preset = selected(current_preset.value)
    with solara.Card("Lessons: one click loads the settings, then press Step or Play"):
        for i, each in enumerate(LESSONS):
            with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
                solara.Text(f"{i + 1}. {each.title}:", style={"font-weight": "bold"})
                for j, option in enumerate(each.presets):
                    solara.Button(
                        option.label,
                        small=True,
                        outlined=(i, j) != current_preset.value,
                        color="primary",
                        on_click=lambda i=i, j=j: current_preset.set((i, j)),
                    )
        with solara.Row():
            solara.Button(
                "Free play (defaults)",
                small=True,
                text=True,
                on_click=lambda: current_preset.set(None),
            )
        if lesson is None:
            text = "<b>Free play.</b> Move the sliders and switches, press Reset, then Step."
        else:
            text = (
                f"<b>{html.escape(lesson.title)}: {html.escape(preset.label)}.</b> "
                f"Run about {lesson.weeks} weeks.<br><i>For the teacher:</i> "
                f"{html.escape(lesson.look_for)}"
            )
        solara.HTML(tag="p", unsafe_innerHTML=text, style={"margin-top": "8px"})


@solara.component
def Page() -> None:
    """The dashboard: lesson picker above Mesa's SolaraViz of the chosen preset."""
    choice = current_preset.value
    _, preset = selected(choice)
    settings = preset.settings()
    model = solara.use_memo(lambda: ClassroomModel(**settings), [choice])
    LessonPicker()
    SolaraViz(
        model,
        components=[
            Headline,
            OrganizationView,
            BurnoutPlot,
            WellbeingPlot,
            StaffingPlot,
            TurnoverPlot,
            CostPlot,
        ],
        model_params=model_params(settings),
        name=PAGE_NAME,
    ).key(f"preset-{choice}")
