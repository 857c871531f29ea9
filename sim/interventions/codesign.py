"""Co-design and staff engagement: staff name their unit's main stressor and help build the answer.

Seed 000, third recommendation: "the opposite of burnout is not resilience; it is authentic
engagement"; generic solutions are insufficient, staff need to identify and prioritize issues and
co-develop solutions, and to feel their leaders back them. Two mechanisms follow:

1. Voice: trust and engagement targets rise (levers ``trust_target`` and ``engagement_target``),
   and being heard eases moral distress; trust and engagement reach burnout through the
   model's mechanisms (engagement buffers strain, trust lowers depersonalization).
2. Choice: where several programmes compete for a unit's staff time and managers' attention
   (sim.interventions.base), the unit puts first the programme that answers the stressor its
   staff name as their main one (see :func:`priority_weights`); co-design makes no programme
   stronger than it is, it spares the chosen one the competition.

Which stressor weighs most in a unit is read from the terms of the model's own strain and
recovery equations (sim.wellbeing.strain, sim.wellbeing.recovery) using last week's state.
"""

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from sim.interventions.base import Intervention
from sim.interventions.settings import Setting
from sim.layout import UI
from sim.resources import RECOGNITION_FULL
from sim.weekly_pass import FTE_HOURS
from sim.wellbeing import (
    ADMIN_WEIGHT,
    LEADERSHIP_REFERENCE,
    LOAD_WEIGHT,
    RECOGNITION_REFERENCE,
    VIOLENCE_WEIGHT,
)

if TYPE_CHECKING:
    from sim.model import WorkforceModel

STRESSORS = ("workload", "administration", "violence", "leadership", "recognition")
# Assumption: a lost unit of recovery weighs about half a unit of strain at baseline exhaustion.
RECOVERY_SHORTFALL_WEIGHT = 0.5


def stressor_scores(model: "WorkforceModel") -> np.ndarray:
    """Each unit's stressors (rows in ``STRESSORS`` order), as strain-equation terms.

    Workload: the load term above budget and overtime fatigue (0.5 x workload_effect x excess
    intensity + fatigue_weight x overtime_effect x overtime / 37.5 h, as in
    sim.wellbeing.work_strain); administration: 0.6 x admin share; violence:
    0.25 x violence_effect x mean incident load; leadership and recognition: the shortfall below
    the reference levels of sim.wellbeing.recovery (0.6 and 0.5), weighted 0.5 (assumption: a
    lost unit of recovery weighs about half a unit of strain at baseline exhaustion). The weights
    and reference levels are the constants of sim.wellbeing; recognition is normalised as in
    the worker pass (sim.resources.RECOGNITION_FULL).
    """
    p, s, inputs = model.params, model.workers, model.unit_inputs
    n = model.n_units
    filled = s.filled
    headcount = np.maximum(np.bincount(s.unit, filled, n), 1.0)
    violence = np.bincount(s.unit, s.violence_load * filled, n) / headcount
    recognition = np.bincount(s.unit, s.recognition * filled, n) / headcount
    recognized = np.minimum(recognition / RECOGNITION_FULL, 1.0)
    shortfall = RECOVERY_SHORTFALL_WEIGHT
    return np.vstack(
        (
            LOAD_WEIGHT * p.workload_effect * np.maximum(inputs[UI["intensity"]] - 1.0, 0.0)
            + p.fatigue_weight * p.overtime_effect * inputs[UI["overtime"]] / FTE_HOURS,
            ADMIN_WEIGHT * inputs[UI["admin_share"]],
            VIOLENCE_WEIGHT * p.violence_effect * violence,
            shortfall * np.maximum(LEADERSHIP_REFERENCE - inputs[UI["leadership_norm"]], 0.0),
            shortfall * np.maximum(RECOGNITION_REFERENCE - recognized, 0.0),
        )
    )


def priority_weights(model: "WorkforceModel", stressor: str | None) -> np.ndarray:
    """Per-unit priority (0-1) that co-design gives a programme addressing ``stressor``.

    0 everywhere without co-design; where an active co-design process has named ``stressor`` the
    unit's main one, the process's delivered effect level.
    """
    weights = np.zeros(model.n_units)
    if stressor is None:
        return weights
    for other in getattr(model, "interventions", ()):
        if isinstance(other, Codesign) and other._ready:
            top = other.main_stressor(model)
            weights = np.maximum(weights, other.effect * (top == stressor))
    return weights


class Codesign(Intervention):
    """Co-design and staff engagement in each unit (voice, and aim for what it accompanies).

    Defaults (assumptions; participatory organizational interventions have no pooled effect
    size of their own): every unit takes part, but staff time is short where pressure is high
    (workload_sensitivity 0.3); the process builds over 12 weeks of workshops and is
    sustained; trust target +0.10 and engagement target +0.05 at full effect (on 0-1 scales,
    about a third of the trust gap between a poorly and a well led unit in sim.resources). It
    takes staff time and managers' attention itself (attention 1). Costs: facilitation and staff
    time of about $8,000 per unit, an engagement lead at $1,500 a week for the organization.
    """

    name = "codesign"
    level = "organizational"
    actor = "unit_leader"
    acts_on = "units"
    changes = (
        "trust_target, engagement_target; puts the programme answering the main stressor first"
    )
    attention = 1.0
    source = "seed 000 (third recommendation); seed 003 (takeaway 3, next steps: codesign)"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "trust_gain": Setting(0.10, "added to the trust target at full effect", 0.0, 1.0),
        "engagement_gain": Setting(0.05, "added to the engagement target at full effect", 0.0, 1.0),
    }
    DEFAULTS: ClassVar[dict] = {
        "workload_sensitivity": 0.3,
        "onset_weeks": 12,
        "half_life_weeks": 26.0,
        "cost_per_participant": 8_000.0,
        "cost_per_week": 1_500.0,
    }

    def setup_mechanism(self, model: "WorkforceModel") -> None:
        """Start with no stressor named."""
        self._named_week = None
        self._named = np.array([""] * model.n_units, dtype=object)

    def main_stressor(self, model: "WorkforceModel") -> np.ndarray:
        """The stressor each unit's staff name as their main one this week (cached per week)."""
        if self._named_week != model.week:
            self._named = np.array(STRESSORS, dtype=object)[
                np.argmax(stressor_scores(model), axis=0)
            ]
            self._named_week = model.week
        return self._named

    def write_levers(self, model: "WorkforceModel") -> None:
        """Raise trust and engagement targets in participating units."""
        mods = model.modifiers
        mods.trust_target += self.trust_gain * self.level
        mods.engagement_target += self.engagement_gain * self.level
