"""Individual-level interventions: they change how a person appraises strain, copes and recovers.

They never touch the job's demands or resources (workload, administration, leadership,
violence): whatever they achieve comes through the person. Seed 000 (first recommendation)
argues these have shown limited effect; Panagioti 2017 finds individual-directed programmes
smaller (SMD -0.18, -0.32 to -0.03) than organization-directed ones; among residents the order
reverses (2024 meta-analysis, d -0.25 individual, organizational n.s.). So strengths below are
mechanism settings, not outcomes: the gap to organizational action comes out of the model.

Strengths are set per participant from each programme's own evidence, not fitted to the pooled
trials: a change of 0.2 in the log of recovery (or of perceived strain) moves the exhaustion
stock's equilibrium (sim.wellbeing, Homer 1985 form) by about E (1 - E) x 0.2 = 0.05 at
E = 0.45, i.e. 2.7 MBI points for someone who takes part fully, close to West 2016's -2.65
points. The simulated trial randomizes volunteers, as the pooled trials did, so uptake does not
dilute it a second time; fidelity, competition with other programmes and decay still do. The
trial SMD is an outcome (experiments/trial.py), checked against Panagioti 2017's
individual-directed -0.18 (-0.32 to -0.03). Across a whole workforce (the main job) uptake and
work pressure dilute it as well.
"""

from typing import TYPE_CHECKING, Any, ClassVar

from sim.interventions.base import Intervention
from sim.interventions.settings import Setting

if TYPE_CHECKING:
    from sim.model import WorkforceModel

# Shared defaults of the group programmes below (all assumptions, typical of the trials pooled by
# West 2016 and Panagioti 2017): an 8-week course (effect builds over it), then monthly booster
# sessions; skills fade with a half-life of about three months without practice; seven in ten of
# those offered enrol, but at full work pressure half of them cannot attend; 80 % fidelity.
_GROUP_PROGRAMME: dict[str, Any] = {
    "uptake": 0.7,
    "workload_sensitivity": 0.5,
    "fidelity": 0.8,
    "onset_weeks": 8,
    "reinforce_every_weeks": 4,
    "half_life_weeks": 13.0,
    # Costs (assumptions): set-up and licence; 8 sessions of paid staff time (~12 h at the
    # nurse wage of sim.organization, $48/h) plus facilitation; boosters for the organization.
    "fixed_cost": 10_000.0,
    "cost_per_participant": 900.0,
    "cost_per_week": 500.0,
}


class ResilienceTraining(Intervention):
    """Resilience / stress-management training: participants recover faster from strain.

    Lever: ``coping`` (x recovery capacity) x (1 + strength x effect). Strength 0.2 (a fifth
    more recovery at full effect; assumption sized to West 2016's -2.65 MBI points for a full
    participant, see the module docstring); its own evidence is the individual-directed trials
    pooled by Panagioti 2017 (SMD -0.18, -0.32 to -0.03). Group sessions take staff time
    (attention 1).
    """

    name = "resilience_training"
    level = "individual"
    acts_on = "posts"
    changes = "coping: participants' recovery capacity"
    source = "Panagioti 2017 (individual-directed SMD -0.18); West 2016; seed 000"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "strength": Setting(0.2, "relative gain in recovery capacity at full effect", 0.0, 3.0)
    }
    DEFAULTS = dict(_GROUP_PROGRAMME)
    attention = 1.0

    def write_levers(self, model: "WorkforceModel") -> None:
        """Raise participants' recovery capacity."""
        model.modifiers.coping *= 1.0 + self.strength * self.level


class Mindfulness(Intervention):
    """Group mindfulness programme: participants appraise the same demands as less straining.

    Lever: ``strain_appraisal`` x (1 - strength x effect). Strength 0.2 (a fifth less strain
    felt at full effect): controlled studies of mindfulness for nurses lower perceived stress by
    SMD -0.21 (-0.37 to -0.05; Ram 2024, preprint meta-analysis of intervention-control
    designs); pooled burnout effects range from Panagioti 2017's individual-directed -0.18
    (-0.32 to -0.03) to Lee & Cha 2023's -0.75 (nurses, very heterogeneous, mostly small
    uncontrolled samples), so the trial SMD answers to Panagioti's interval. Group sessions
    take staff time (attention 1).
    """

    name = "mindfulness"
    level = "individual"
    acts_on = "posts"
    changes = "strain_appraisal: strain as participants perceive it"
    source = "Lee & Cha 2023 (SMD -0.75, nurses); Panagioti 2017 (SMD -0.18)"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "strength": Setting(0.2, "relative fall in perceived strain at full effect", 0.0, 0.9)
    }
    DEFAULTS = dict(_GROUP_PROGRAMME)
    attention = 1.0

    def write_levers(self, model: "WorkforceModel") -> None:
        """Lower the strain participants perceive."""
        model.modifiers.strain_appraisal *= 1.0 - self.strength * self.level


class Counselling(Intervention):
    """Counselling / employee assistance: burned-out users recover faster.

    Lever: ``burnout_recovery`` (x recovery while burned out) x (1 + strength x effect).
    Defaults (assumptions): offered to high-risk workers (exhaustion >= 0.45 or burned out);
    four in ten would use it but stigma holds back 40 % of them (seed 000: a dual-continuum
    view destigmatizes help-seeking); help builds over 4 weeks and fades with a half-life of
    8 weeks after it stops; strength 0.5 (half as fast again; assumption: employee-assistance
    evaluations report modest gains, and counselling reaches only those already struggling;
    its trial effect answers to Panagioti 2017's individual-directed interval). One-to-one
    sessions outside the unit take no unit attention. Costs: about 8 sessions
    at $150 per user; an assistance contract of about $40 per employee a year for 600 posts
    ($460 a week).
    """

    name = "counselling"
    level = "individual"
    acts_on = "posts"
    changes = "burnout_recovery: recovery of burned-out users"
    source = "assumption; seed 000 (stigma, dual continuum); West 2016"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "strength": Setting(0.5, "relative gain in recovery while burned out", 0.0, 5.0)
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "eligibility": "high_risk",
        "uptake": 0.4,
        "stigma": 0.4,
        "workload_sensitivity": 0.2,
        "fidelity": 0.9,
        "onset_weeks": 4,
        "half_life_weeks": 8.0,
        "cost_per_participant": 1_200.0,
        "cost_per_week": 460.0,
    }

    def write_levers(self, model: "WorkforceModel") -> None:
        """Speed users' recovery while they are burned out."""
        model.modifiers.burnout_recovery *= 1.0 + self.strength * self.level
