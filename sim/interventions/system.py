"""System-level interventions: workforce planning beyond the organization's walls."""

from typing import TYPE_CHECKING, Any, ClassVar

from sim.interventions.base import Intervention
from sim.interventions.settings import Setting

if TYPE_CHECKING:
    from sim.model import WorkforceModel


class FasterRecruitment(Intervention):
    """Faster recruitment from workforce planning: vacancies are filled sooner.

    Lever: ``time_to_fill`` x (1 - strength x effect), organization-wide. NSI 2021-2024: 83-95
    days to fill an RN post; seed 003 takeaway 4 (better data and needs-based workforce
    planning, longer term). Defaults (assumptions): a third shorter searches at full effect,
    reached over 26 weeks (pipelines take time), sustained, fading with a half-life of a year if
    dropped. Costs: $50,000 to set up, $5,000 a week for recruiters and planning. It acts on the
    whole organization, so a trial compares paired organizations rather than arms inside one.
    """

    name = "faster_recruitment"
    level = "system"
    acts_on = "organization"
    changes = "time_to_fill: weeks to fill a vacancy"
    source = "NSI 2021-2024 (days to fill); seed 003 takeaway 4"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "strength": Setting(0.33, "relative cut in time to fill at full effect", 0.0, 0.95)
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "crisis_scope": "organization",
        "onset_weeks": 26,
        "half_life_weeks": 52.0,
        "fixed_cost": 50_000.0,
        "cost_per_week": 5_000.0,
    }

    def write_levers(self, model: "WorkforceModel") -> None:
        """Shorten searches for every vacancy."""
        model.modifiers.time_to_fill *= 1.0 - self.strength * float(self.level[0])
