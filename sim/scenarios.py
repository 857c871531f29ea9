"""External scenarios: time-varying pressures from outside the organization.

A scenario multiplies patient demand, sickness absence, violence from the public, the outside
job market and time to fill by ``1 + sum of waves``, each wave a Gaussian bump in time. Shapes
are assumptions: the COVID-19 waves of 2020-2022 came as a few surges of a few months each, with
absences and public hostility ("heroes to zeros", seed 003, takeaway 2) rising alongside.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sim.inputs import is_number, show

# Allowed values of each wave field (finite): a centre within a century of week 0, a width from
# a sharp spike to "flat over any horizon", a height from a 95 % cut to an eleven-fold multiplier.
WAVE_RANGES = (
    ("center_week", -5200.0, 5200.0),
    ("width_weeks", 1e-6, 1e9),
    ("height", -0.95, 10.0),
)


@dataclass(frozen=True)
class Wave:
    """A Gaussian bump: ``height`` at ``center_week``, standard deviation ``width_weeks``.

    Every field is a finite number in its range (``WAVE_RANGES``); ValueError names the field.
    """

    center_week: float
    width_weeks: float
    height: float

    def __post_init__(self) -> None:
        for name, low, high in WAVE_RANGES:
            value = getattr(self, name)
            if not is_number(value) or not low <= value <= high:  # NaN fails the comparison
                raise ValueError(
                    f"wave {name} = {show(value)}; allowed: a number in [{low}, {high}]"
                )
            object.__setattr__(self, name, float(value))  # numpy scalars become Python floats

    def at(self, week: float) -> float:
        """The bump's value at ``week``."""
        z = (week - self.center_week) / self.width_weeks
        return self.height * math.exp(-0.5 * z * z)


@dataclass(frozen=True)
class ScenarioState:
    """Multipliers in force in one week (1 = baseline)."""

    demand: float = 1.0
    absence: float = 1.0
    violence: float = 1.0
    job_market: float = 1.0
    time_to_fill: float = 1.0


CHANNELS = ("demand", "absence", "violence", "job_market", "time_to_fill")
_BASELINE_STATE = ScenarioState()


@dataclass(frozen=True)
class Scenario:
    """A named set of waves on each channel of :class:`ScenarioState`."""

    name: str = "baseline"
    waves: dict[str, tuple[Wave, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise ValueError(f"scenario name = {show(self.name)}; allowed: a string")
        if not isinstance(self.waves, Mapping):
            raise ValueError(
                f"scenario {show(self.name)}: waves = {show(self.waves)}; allowed: a dict from "
                f"channel ({', '.join(CHANNELS)}) to a tuple of Wave"
            )
        unknown = sorted(map(str, set(self.waves) - set(CHANNELS)))
        if unknown:
            raise ValueError(
                f"scenario {show(self.name)}: unknown channel(s) {unknown}; allowed: {CHANNELS}"
            )
        waves = {}
        for channel, given in self.waves.items():
            if (
                isinstance(given, str)
                or not isinstance(given, Sequence)
                or not all(isinstance(w, Wave) for w in given)
            ):
                raise ValueError(
                    f"scenario {show(self.name)}: waves[{channel!r}] = {show(given)}; allowed: a "
                    "tuple of Wave objects"
                )
            waves[channel] = tuple(given)
        object.__setattr__(self, "waves", waves)  # a private copy: later edits cannot leak in

    def state(self, week: float) -> ScenarioState:
        """The multipliers in force in ``week``."""
        if not self.waves:
            return _BASELINE_STATE
        values = {
            ch: max(0.05, 1.0 + sum(w.at(week) for w in self.waves.get(ch, ()))) for ch in CHANNELS
        }
        return ScenarioState(**values)


def pandemic_surge(start_week: float = 26.0) -> Scenario:
    """Three demand waves over two years, with absences, hostility and a tight job market.

    Assumption, shaped on 2020-2022: waves of +25 %, +35 % and +20 % demand about 10, 35 and 60
    weeks after onset; absences up to +100 % at the peaks; public hostility building over the
    first year and fading slowly; outside job offers (travel agencies) and slower hiring in the
    second year, when RN turnover peaked (NSI 2021: 27.1 %).
    """
    s = start_week
    return Scenario(
        name="pandemic_surge",
        waves={
            "demand": (Wave(s + 10, 5, 0.25), Wave(s + 35, 6, 0.35), Wave(s + 60, 5, 0.20)),
            "absence": (Wave(s + 10, 4, 1.0), Wave(s + 35, 5, 1.0), Wave(s + 60, 4, 0.6)),
            "violence": (Wave(s + 40, 30, 0.6),),
            "job_market": (Wave(s + 60, 26, 0.8),),
            "time_to_fill": (Wave(s + 65, 30, 0.15),),
        },
    )


def violence_surge(start_week: float = 26.0) -> Scenario:
    """A year of doubled violence from the public (assumption; seed 003, takeaway 2)."""
    return Scenario(name="violence_surge", waves={"violence": (Wave(start_week + 26, 16, 1.0),)})


def tight_labour_market(start_week: float = 0.0) -> Scenario:
    """A sustained tight market: more outside offers, slower hiring (assumption)."""
    long = 1e6  # a wave so wide it is flat over any horizon
    return Scenario(
        name="tight_labour_market",
        waves={
            "job_market": (Wave(start_week, long, 0.5),),
            "time_to_fill": (Wave(start_week, long, 0.3),),
        },
    )


SCENARIOS = {
    "baseline": Scenario,
    "pandemic_surge": pandemic_surge,
    "violence_surge": violence_surge,
    "tight_labour_market": tight_labour_market,
}


def make_scenario(scenario: str | Scenario, key: str = "scenario") -> Scenario:
    """Return a scenario from its name (or pass one through); ValueError names ``key``."""
    if isinstance(scenario, Scenario):
        return scenario
    if not isinstance(scenario, str) or scenario not in SCENARIOS:
        raise ValueError(f"{key} {show(scenario)} is unknown; allowed: {', '.join(SCENARIOS)}")
    return SCENARIOS[scenario]()


def make_pressure(pressure: str | Scenario) -> Scenario:
    """The outside pressure of :class:`sim.WorkforceModel`: a scenario by name, or as given."""
    return make_scenario(pressure, "pressure")
