"""Mesa agents: identity, life cycle, selection and a view of the state arrays.

One ``Worker`` agent stands for each budgeted post for the whole run; the person holding the
post changes when someone leaves and a new hire starts (``person_id`` is never reused). Keeping
agents per post, rather than creating and removing an agent per hire and quit, was chosen by
measurement (see README, "Speed"): agents then cost nothing in the weekly step.
"""

from typing import TYPE_CHECKING

import mesa

from sim.organization import ROLE_NAMES
from sim.wellbeing import WELLBEING_CLASSES

if TYPE_CHECKING:
    from sim.model import WorkforceModel


class Worker(mesa.Agent):
    """The holder of one budgeted post (nurse, physician or allied staff)."""

    def __init__(self, model: "WorkforceModel", post: int) -> None:
        super().__init__(model)
        self.post = post

    @property
    def is_vacant(self) -> bool:
        """Whether nobody holds the post this week."""
        return not self.model.workers.filled[self.post]

    @property
    def person_id(self) -> int:
        """The current holder's person id (-1 if vacant); never reused."""
        return int(self.model.workers.person_id[self.post])

    @property
    def role(self) -> str:
        """Nurse, physician or allied."""
        return ROLE_NAMES[self.model.workers.role[self.post]]

    @property
    def unit(self) -> int:
        """Index of the unit the post belongs to."""
        return int(self.model.workers.unit[self.post])

    @property
    def exhaustion(self) -> float:
        """Emotional exhaustion, 0-1 (MBI EE / 54)."""
        return float(self.model.workers.exhaustion[self.post])

    @property
    def burned_out(self) -> bool:
        """At least one burnout symptom (Shanafelt's definition)."""
        return bool(self.model.workers.burned_out[self.post])

    @property
    def wellbeing_class(self) -> str:
        """Flourishing, moderate or languishing (MHC-SF)."""
        return WELLBEING_CLASSES[self.model.wellbeing_classes[self.post]]

    @property
    def intent_to_leave(self) -> float:
        """Intent to leave, 0-1."""
        return float(self.model.workers.intent[self.post])

    @property
    def engagement(self) -> float:
        """Work engagement, 0-1."""
        return float(self.model.workers.engagement[self.post])


class Supervisor(mesa.Agent):
    """The supervisor (nurse manager or clinical lead) of one unit."""

    def __init__(self, model: "WorkforceModel", unit: int) -> None:
        super().__init__(model)
        self.unit = unit

    @property
    def leadership_score(self) -> float:
        """Rated leadership score, 12-60."""
        return float(self.model.supervisors.score[self.unit])

    @property
    def leadership_delivered(self) -> float:
        """Leadership actually delivered last week, 12-60."""
        return float(self.model.supervisors.delivered[self.unit])

    @property
    def exhaustion(self) -> float:
        """The supervisor's own exhaustion, 0-1."""
        return float(self.model.supervisors.exhaustion[self.unit])
