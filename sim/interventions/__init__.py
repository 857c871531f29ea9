"""Interventions against burnout: individual, organizational and system level, and bundles.

Every intervention shares one interface (:class:`sim.interventions.base.Intervention`):
``setup(model)``, then ``apply(model) -> this week's cost`` at stage 0 of each week. Build them
by name with :func:`build`, list them with :func:`describe`, and pass any number to
``WorkforceModel(interventions=[...])``::

    from sim import WorkforceModel
    from sim.interventions import build

    model = WorkforceModel(rng=1, interventions=build("integrated_bundle"))
"""

from typing import Any

from sim.inputs import show
from sim.interventions.base import ACTORS, COMMON_SETTINGS, Intervention
from sim.interventions.codesign import Codesign
from sim.interventions.individual import Counselling, Mindfulness, ResilienceTraining
from sim.interventions.organizational import (
    LeadershipDevelopment,
    Recognition,
    RetentionPay,
    SafeStaffing,
    SchedulingLimits,
    ViolencePrevention,
    WorkloadRedesign,
)
from sim.interventions.system import FasterRecruitment

INTERVENTIONS: dict[str, type[Intervention]] = {
    cls.name: cls
    for cls in (
        ResilienceTraining,
        Mindfulness,
        Counselling,
        SafeStaffing,
        WorkloadRedesign,
        LeadershipDevelopment,
        Recognition,
        ViolencePrevention,
        SchedulingLimits,
        Codesign,
        RetentionPay,
        FasterRecruitment,
    )
}

_INDIVIDUAL = ("resilience_training", "mindfulness", "counselling")
_ORGANIZATIONAL = (
    "safe_staffing",
    "workload_redesign",
    "leadership_development",
    "recognition",
    "violence_prevention",
    "scheduling_limits",
)
BUNDLES: dict[str, tuple[str, ...]] = {
    "individual_bundle": _INDIVIDUAL,
    "organizational_bundle": _ORGANIZATIONAL,
    "integrated_bundle": _INDIVIDUAL + _ORGANIZATIONAL + ("codesign",),
}


def valid_names() -> list[str]:
    """Every name :func:`build` accepts: interventions, then bundles."""
    return [*INTERVENTIONS, *BUNDLES]


def build(name: str, **settings: Any) -> list[Intervention]:
    """Build one intervention, or every member of a bundle, by name.

    For a single intervention ``settings`` are its settings. For a bundle, a common setting
    (``start_week``, ``mode``, ``uptake`` ...) applies to every member, and ``member.setting``
    (for example ``"leadership_development.points"``) to one member.

    Raises:
        ValueError: unknown name (listing the valid ones) or any bad setting, before anything
            runs.
    """
    if isinstance(name, str) and name in INTERVENTIONS:
        return [INTERVENTIONS[name](**settings)]
    if not isinstance(name, str) or name not in BUNDLES:
        raise ValueError(
            f"unknown intervention or bundle {show(name)}; valid names are: "
            f"{', '.join(valid_names())}"
        )
    members = BUNDLES[name]
    per_member: dict[str, dict[str, Any]] = {m: {} for m in members}
    for key, value in settings.items():
        member, dot, setting = key.partition(".")
        if dot:
            if member not in per_member:
                raise ValueError(
                    f"setting {key!r}: {member!r} is not in bundle {name!r} ({', '.join(members)})"
                )
            per_member[member][setting] = value
        elif key in COMMON_SETTINGS:
            for m in members:
                per_member[m].setdefault(key, value)
        else:
            raise ValueError(
                f"setting {key!r} is not common to bundle {name!r}; use 'member.{key}' or one of: "
                f"{', '.join(sorted(COMMON_SETTINGS))}"
            )
    return [INTERVENTIONS[m](**per_member[m]) for m in members]


def actors_of(name: str) -> tuple[str, ...]:
    """Who must act to deliver ``name``: keys of ``ACTORS``, in that order.

    A bundle needs all of its members' actors. Raises ValueError for an unknown name.
    """
    if name in BUNDLES:
        needed = {INTERVENTIONS[m].actor for m in BUNDLES[name]}
    elif name in INTERVENTIONS:
        needed = {INTERVENTIONS[name].actor}
    else:
        raise ValueError(f"unknown intervention {name!r}; valid names: {', '.join(valid_names())}")
    return tuple(a for a in ACTORS if a in needed)


def describe() -> list[dict[str, Any]]:
    """One row per intervention: name, level, who can act, what it changes, costs and source."""
    rows = []
    for name, cls in INTERVENTIONS.items():
        spec = cls.settings_spec()
        rows.append(
            {
                "name": name,
                "level": cls.level,
                "actor": cls.actor,
                "acts_on": cls.acts_on,
                "changes": cls.changes,
                "fixed_cost": spec["fixed_cost"].default,
                "cost_per_participant": spec["cost_per_participant"].default,
                "cost_per_week": spec["cost_per_week"].default,
                "source": cls.source,
                "summary": (cls.__doc__ or "").strip().splitlines()[0],
            }
        )
    return rows


__all__ = [
    "ACTORS",
    "BUNDLES",
    "INTERVENTIONS",
    "Intervention",
    "actors_of",
    "build",
    "describe",
    "valid_names",
]
