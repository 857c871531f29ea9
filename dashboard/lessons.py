"""Lessons on burnout as a systems problem: presets for the teaching dashboard and figures.

A lesson is a short systems story (a loop, a delay, a fix that fails) with one or more presets.
A preset is a complete set of the dashboard's controls (:data:`PAGE_DEFAULTS` with some
changed), so one click loads it on the page (dashboard/app.py) and the same settings run for
the static figures (dashboard/lesson_figures.py). :class:`ClassroomModel` turns those flat
settings into a :class:`sim.WorkforceModel` with its interventions.

Settings of the lessons are assumptions chosen so that each effect shows in one run of the
small classroom organization (checked over seeds 1-3 when the lessons were written); the
mechanisms and their sources are the model's own (sim/, /work/shared/evidence.md).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from mesa.experimental.scenarios import Scenario as MesaScenario

from sim import WorkforceModel
from sim.interventions import INTERVENTIONS, build
from sim.interventions.base import Intervention
from sim.model import BURN_IN_WEEKS
from sim.scenarios import SCENARIOS

# A small organization keeps each weekly step instant on a classroom laptop (assumption:
# 300 posts = 12 units of about 25, enough for a unit view a class can read).
CLASSROOM_WORKERS = 300
DEFAULT_SEED = 42

# Every control of the dashboard with its default: model parameters (sim.parameters), the
# scenario, the delivery mode, one switch per intervention, and settings only lessons change.
PAGE_DEFAULTS: dict[str, Any] = {
    "rng": DEFAULT_SEED,
    "surge": "baseline",
    "demand_level": 1.0,
    "agency_cover_share": 0.25,
    "violence_level": 1.0,
    "leadership_mean": 50.8,
    "supervisor_recognition_rate": 0.30,
    "crisis_mode": False,
    **{name: False for name in INTERVENTIONS},
    "n_workers": CLASSROOM_WORKERS,
    "burn_in_weeks": BURN_IN_WEEKS,
    "leadership_sd": 11.2,
    "job_market": 1.0,
    "intervention_settings": {},
}


def _check_settings(settings: Mapping[str, Any], where: str) -> None:
    """Reject settings the dashboard does not have, listing the valid ones."""
    unknown = sorted(set(settings) - set(PAGE_DEFAULTS))
    if unknown:
        raise ValueError(
            f"{where}: unknown setting(s) {unknown}; valid: {', '.join(PAGE_DEFAULTS)}"
        )


@dataclass(frozen=True)
class Preset:
    """One click on the page: a label and the controls it changes from :data:`PAGE_DEFAULTS`."""

    label: str
    changes: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_settings(self.changes, f"preset {self.label!r}")

    def settings(self) -> dict[str, Any]:
        """Every control's value for this preset."""
        return {**PAGE_DEFAULTS, **self.changes}


@dataclass(frozen=True)
class Lesson:
    """A systems lesson: what it shows, what the teacher points at, and its presets.

    Attributes:
        key: short name used in file names and page ids.
        title: the lesson's name for the class.
        look_for: the teacher's text: what to watch and why it happens.
        weeks: how long to run to see it.
        watch: DataCollector metrics (sim.week_close.METRIC_KEYS) the figure shows, or
            ``programme_spend`` (cumulative intervention cost) and ``focus_unit_burnout``.
        presets: the first loads with the lesson; the others are for comparison.
    """

    key: str
    title: str
    look_for: str
    weeks: int
    watch: tuple[str, ...]
    presets: tuple[Preset, ...]

    def __post_init__(self) -> None:
        if not self.presets:
            raise ValueError(f"lesson {self.key!r} needs at least one preset")
        if not 1 <= self.weeks <= 1040:
            raise ValueError(f"lesson {self.key!r}: weeks = {self.weeks}; allowed: [1, 1040]")


_SPIRAL = {  # demand 15 % above the budget, a tight market and no agency cover (assumptions)
    "demand_level": 1.15,
    "surge": "tight_labour_market",
    "agency_cover_share": 0.0,
    "burn_in_weeks": 0,
}
_HIGH_DEMAND = {"demand_level": 1.25}
_RIPPLE = {  # weak leaders everywhere; one of them (unit 0) trained to a strong one
    "leadership_mean": 30.0,
    "leadership_sd": 4.0,
    "leadership_development": True,
    "intervention_settings": {
        "leadership_development": {
            "eligibility": [0],
            "points": 25.0,
            "uptake": 1.0,
            "workload_sensitivity": 0.0,
        }
    },
}
_SUSTAINED = ("workload_redesign", "leadership_development", "recognition", "violence_prevention")

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        key="understaffing_spiral",
        title="The understaffing spiral",
        look_for=(
            "A fully staffed hospital whose budget is 15 % short of demand, in a tight job "
            "market, with no agency cover. Watch vacancies open, then burnout rise (the unit "
            "view turns red), then turnover climb, which opens more vacancies: turnover -> "
            "workload -> burnout -> turnover. Compare with the budget that meets demand."
        ),
        weeks=260,
        watch=("vacancies", "burnout_prevalence", "annual_turnover_rate"),
        presets=(
            Preset("Spiral: demand above budget", _SPIRAL),
            Preset("Comparison: budget meets demand", {"burn_in_weeks": 0}),
        ),
    ),
    Lesson(
        key="fixes_that_fail",
        title="Fixes that fail: resilience training while workload stays high",
        look_for=(
            "Demand runs 25 % above budget. Resilience training is switched on: people are "
            "taught to cope, but the workload that burns them out is untouched, so burnout "
            "and turnover barely move while the programme is paid for. Then load the safe "
            "staffing preset: changing the work itself brings burnout down (and costs far "
            "more: compare the spend, and ask what turnover and burnout cost)."
        ),
        weeks=156,
        watch=("burnout_prevalence", "annual_turnover_rate", "programme_spend"),
        presets=(
            Preset("Resilience training", {**_HIGH_DEMAND, "resilience_training": True}),
            Preset("No programme", _HIGH_DEMAND),
            Preset("Safe staffing instead", {**_HIGH_DEMAND, "safe_staffing": True}),
        ),
    ),
    Lesson(
        key="delays_and_hysteresis",
        title="Delays and hysteresis after a surge",
        look_for=(
            "A pandemic brings three waves of demand and absences over the first two years "
            "(they are over by about week 100). Burnout peaks with the waves, but turnover "
            "and vacancies peak after them and take years to come back: people who left do "
            "not return when demand falls, and each vacancy takes months to fill. (In this "
            "model they do come back in the end: a long delay, not a permanent scar.)"
        ),
        weeks=312,
        watch=("burnout_prevalence", "vacancies", "annual_turnover_rate"),
        presets=(
            Preset("Pandemic surge", {"surge": "pandemic_surge"}),
            Preset("No surge", {}),
        ),
    ),
    Lesson(
        key="leadership_ripple",
        title="One supervisor's leadership ripples through a unit",
        look_for=(
            "Every unit has a weak leader; only unit 0's supervisor is coached (+25 points "
            "of leadership). Watch unit 0 in the unit view (top left): over a year its staff "
            "feel recognized and trusted, burn out less and stay, while the other units stay "
            "red. Same workload, same hospital: one person changed."
        ),
        weeks=104,
        watch=("focus_unit_burnout", "burnout_prevalence"),
        presets=(
            Preset("One strong leader in unit 0", _RIPPLE),
            Preset(
                "No coaching",
                {**{k: v for k, v in _RIPPLE.items() if k != "leadership_development"}},
            ),
        ),
    ),
    Lesson(
        key="crisis_vs_sustained",
        title="Crisis by crisis against sustained action",
        look_for=(
            "The same four organizational programmes (workload redesign, leadership, "
            "recognition, violence prevention) in both presets. Crisis by crisis: a unit gets "
            "them only while its burnout is above 50 %, and loses them below 40 %. Sustained: "
            "always on. Compare the programme spend (crisis mode spends far less) with "
            "burnout, a few points lower under sustained action (each programme changes "
            "exhaustion by a few per cent), and with turnover, which in 300 posts moves about "
            "as much by chance as by the programmes (try other seeds). At one fixed budget the "
            "comparison is "
            "closer: `python -m experiments.crisis_vs_sustained` gives the crisis budget to "
            "sustained action in the neediest units only, and there targeting crises does as "
            "well, so ask the class what a fair comparison is."
        ),
        weeks=260,
        watch=("burnout_prevalence", "annual_turnover_rate", "programme_spend"),
        presets=(
            Preset(
                "Crisis by crisis",
                {"crisis_mode": True, **{name: True for name in _SUSTAINED}},
            ),
            Preset("Sustained", {name: True for name in _SUSTAINED}),
        ),
    ),
)
LESSONS_BY_KEY: dict[str, Lesson] = {lesson.key: lesson for lesson in LESSONS}
FOCUS_UNIT = 0  # the unit the leadership lesson trains


def lesson(key: str) -> Lesson:
    """The lesson called ``key``; ValueError listing the valid keys otherwise."""
    if key not in LESSONS_BY_KEY:
        raise ValueError(f"unknown lesson {key!r}; valid: {', '.join(LESSONS_BY_KEY)}")
    return LESSONS_BY_KEY[key]


def parse_seed(rng: Any) -> int:
    """A seed from the page's text box (or a number): a whole number >= 0."""
    text = str(rng).strip()
    if isinstance(rng, bool) or not text.isdigit():
        raise ValueError(f"setting 'rng' (random seed) = {rng!r}; allowed: a whole number >= 0")
    return int(text)


def build_interventions(
    switches: Mapping[str, bool],
    crisis_mode: bool = False,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Intervention]:
    """The interventions switched on, in :data:`sim.interventions.INTERVENTIONS` order.

    Args:
        switches: intervention name -> on/off.
        crisis_mode: deliver each one crisis by crisis (``mode='crisis'``) instead of sustained.
        settings: extra settings per intervention name (lessons use them).
    """
    settings = dict(settings or {})
    unknown = sorted((set(switches) | set(settings)) - set(INTERVENTIONS))
    if unknown:
        raise ValueError(f"unknown intervention(s) {unknown}; valid: {', '.join(INTERVENTIONS)}")
    for name, on in switches.items():
        if not isinstance(on, bool | np.bool_):
            raise ValueError(f"switch {name!r} = {on!r}; allowed: true or false")
    if not isinstance(crisis_mode, bool | np.bool_):
        raise ValueError(f"setting 'crisis_mode' = {crisis_mode!r}; allowed: true or false")
    mode = {"mode": "crisis"} if crisis_mode else {}
    built: list[Intervention] = []
    for name in INTERVENTIONS:
        if switches.get(name, False):
            built += build(name, **{**mode, **settings.get(name, {})})
    return built


class ClassroomModel(WorkforceModel):
    """:class:`sim.WorkforceModel` built from the dashboard's flat controls.

    The page's switches (one per intervention) and ``crisis_mode`` become the model's
    interventions; everything else is passed through as model parameters. Mesa's SolaraViz
    re-creates the model from these keywords on Reset, so the class takes exactly the controls of
    :data:`PAGE_DEFAULTS`.

    The page calls the model's outside scenario ``surge``: Mesa 3.5 models have a ``scenario`` of
    their own (mesa.experimental.scenarios), which SolaraViz's Reset passes in; it is accepted
    and left unused here, as :class:`sim.WorkforceModel` does not use it either.

    Args:
        rng: the random seed (a whole number, or its text from the page's seed box).
        surge: the outside scenario's name (sim.scenarios.SCENARIOS).
        scenario: Mesa's own scenario object (from SolaraViz's Reset), unused.
        crisis_mode: deliver the switched-on interventions crisis by crisis.
        intervention_settings: extra settings per intervention name.
        burn_in_weeks: weeks simulated before week 0.
        n_workers: budgeted posts.
        **controls: model parameters and intervention switches (name -> bool).
    """

    def __init__(
        self,
        rng: Any = DEFAULT_SEED,
        surge: str = "baseline",
        scenario: MesaScenario | None = None,
        crisis_mode: bool = False,
        intervention_settings: Mapping[str, Mapping[str, Any]] | None = None,
        burn_in_weeks: int = BURN_IN_WEEKS,
        n_workers: int = CLASSROOM_WORKERS,
        **controls: Any,
    ) -> None:
        if surge not in SCENARIOS:
            raise ValueError(f"setting 'surge' = {surge!r}; allowed: {', '.join(SCENARIOS)}")
        if scenario is not None and not isinstance(scenario, MesaScenario):
            raise ValueError(f"setting 'scenario' = {scenario!r}: the page's scenario is 'surge'")
        switches = {name: controls.pop(name) for name in INTERVENTIONS if name in controls}
        seed = parse_seed(rng)
        interventions = build_interventions(switches, crisis_mode, intervention_settings)
        super().__init__(
            rng=seed,
            pressure=surge,
            interventions=interventions,
            burn_in_weeks=int(burn_in_weeks),
            n_workers=int(n_workers),
            collect_data=True,
            **controls,
        )
        self.seed = seed
        self.switches = {name: bool(on) for name, on in switches.items()}
        self.crisis_mode = bool(crisis_mode)


def model_for(preset: Preset, seed: int | None = None) -> ClassroomModel:
    """The model a preset loads (with its own seed unless ``seed`` is given)."""
    settings = preset.settings()
    if seed is not None:
        settings["rng"] = seed
    return ClassroomModel(**settings)


def programme_spend(model: WorkforceModel) -> np.ndarray:
    """Cumulative intervention spend at each recorded week (week 0 = 0), USD."""
    weeks = model.week
    spend = np.zeros(weeks + 1)
    for intervention in model.interventions:
        log = np.asarray(intervention.cost_log, dtype=float)[:weeks]
        spend[1 : log.size + 1] += log
    return np.cumsum(spend)


def unit_states(model: WorkforceModel) -> pd.DataFrame:
    """One row per unit now: type, posts, staff, burned out, vacancies, leadership delivered."""
    s = model.workers
    n = model.n_units
    posts = np.bincount(s.unit, minlength=n)
    staff = np.bincount(s.unit, s.filled, n).astype(int)
    burned = np.bincount(s.unit, s.filled & s.burned_out, n).astype(int)
    return pd.DataFrame(
        {
            "unit": np.arange(n),
            "unit_type": list(model.layout.unit_type_names),
            "posts": posts,
            "staff": staff,
            "burned_out": burned,
            "vacancies": posts - staff,
            "burnout_prevalence": burned / np.maximum(staff, 1),
            "leadership_delivered": model.supervisors.delivered,
        }
    )


def run_lesson(lesson: Lesson, seed: int) -> dict[str, pd.DataFrame]:
    """Run every preset of ``lesson`` for its weeks; weekly series of its watched metrics.

    Returns:
        preset label -> DataFrame indexed by week with one column per watched series.
    """
    out = {}
    for preset in lesson.presets:
        model = model_for(preset, seed)
        focus = [unit_states(model).burnout_prevalence[FOCUS_UNIT]]
        for _ in range(lesson.weeks):
            model.step()
            if "focus_unit_burnout" in lesson.watch:
                focus.append(unit_states(model).burnout_prevalence[FOCUS_UNIT])
        frame = model.datacollector.get_model_vars_dataframe().set_index("week")
        frame["programme_spend"] = programme_spend(model)
        if "focus_unit_burnout" in lesson.watch:
            frame["focus_unit_burnout"] = focus
        out[preset.label] = frame[list(lesson.watch)]
    return out
