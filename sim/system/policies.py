"""Policies of a health system: who enacts them and what they change.

A policy is a set of labour-market settings (sim.system.market.MarketParameters) and/or
interventions run in the units of some sectors, with the actor who can enact it
(sim.interventions.ACTORS). :meth:`HealthSystem.apply_policy` starts one on a burned-in system.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.interventions import build
from sim.interventions.base import Intervention
from sim.system.config import SECTORS

if TYPE_CHECKING:
    from sim.system.model import HealthSystem


@dataclass(frozen=True)
class Policy:
    """A system policy: its actor, market changes and interventions per sector."""

    name: str
    actor: str  # a key of sim.interventions.ACTORS, or "none"
    description: str
    market: dict[str, float] = field(default_factory=dict)  # market settings set to values
    market_factors: dict[str, float] = field(default_factory=dict)  # settings multiplied
    intervention: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    sectors: tuple[str, ...] = ()

    def interventions(self, system: "HealthSystem") -> list[Intervention]:
        """The policy's interventions, eligible in the units of its sectors."""
        if self.intervention is None:
            return []
        wanted = [SECTORS.index(s) for s in self.sectors]
        units = np.flatnonzero(np.isin(system.unit_sector, wanted))
        return build(self.intervention, eligibility=units.tolist(), **self.settings)


POLICIES: dict[str, Policy] = {
    p.name: p
    for p in (
        Policy("no_policy", "none", "no new policy"),
        Policy(
            "ratio_mandate",
            "government",
            "minimum nurse staffing of 1 nurse to 4 patients on every hospital unit, enforced "
            "(assumption: California-style mandate; float-pool hours staffed from the labour "
            "market)",
            intervention="safe_staffing",
            settings={"patients_per_nurse": 4.0, "fidelity": 1.0},
            sectors=("hospital",),
        ),
        Policy(
            "agency_pay_cap",
            "government",
            "agency premium capped at half the uncapped premium (assumption: a cap at 50 % over "
            "staff wages against 100 %)",
            market={"agency_pay_cap": 0.5},
        ),
        Policy(
            "more_training_places",
            "government",
            "half as many training places again (assumption: +50 %, graduating after training)",
            market_factors={"training_places": 1.5},
        ),
        Policy(
            "safe_staffing_hospitals",
            "executive",
            "each hospital's own safe staffing (sim.interventions: target load 0.85)",
            intervention="safe_staffing",
            sectors=("hospital",),
        ),
    )
}


def policy(name: str) -> Policy:
    """The policy called ``name``; a ValueError lists the valid names."""
    if name not in POLICIES:
        raise ValueError(f"unknown policy {name!r}; valid policies are: {', '.join(POLICIES)}")
    return POLICIES[name]
