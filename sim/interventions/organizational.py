"""Organizational interventions: they change the demands and resources of the job.

None of them touches a person's coping, appraisal or recovery levers; their effect on burnout
runs through the model's mechanisms (workload gradient calibrated to Aiken 2002, shift fatigue
to Dall'Ora 2015, leadership through the simulated survey of Shanafelt 2015 and Dyrbye 2020,
recognition to Hasselhorn 2004, violence to Liu 2019), so the size of the gap to individual
programmes is an outcome. Each programme's strength comes from its own evidence, cited below; no
multiplier is fitted to the pooled trials. Each acts per unit (the unit is where demands and
resources live), so a trial randomizes units.
"""

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from sim.accounting import ROLE_WAGE
from sim.interventions.base import Intervention
from sim.interventions.settings import Setting
from sim.layout import UL
from sim.organization import ROLE_NAMES
from sim.workload import own_hours, present_by_unit

if TYPE_CHECKING:
    from sim.model import WorkforceModel

NURSE_WAGE = float(ROLE_WAGE[ROLE_NAMES.index("nurse")])


class SafeStaffing(Intervention):
    """Safe staffing: a float pool brings each unit's staffing up to a target load.

    Each week the pool adds clinical hours (lever ``extra_clinical_hours``) to cover the gap
    between last week's demand / target load and the hours staff and agency gave without it
    (vacancies, absences, surges): the hours that otherwise become overtime or intensity. The
    target load is ``target_load`` x the unit's budgeted patients per nurse, or set directly by
    ``patients_per_nurse``. Its effect on burnout comes from the model's workload gradient
    (Aiken 2002: OR 1.23 per extra patient per nurse), not from this class. Defaults
    (assumptions): target load 0.85, about one patient fewer per nurse at the 1:6-1:7 ratios of
    general wards (a mandated-ratio policy; Aiken 2002's hospitals ranged from about 1:4 to
    1:8): the pool covers vacancies, absences and surges, and improves on the budget; it is
    recruited over 12 weeks and fills 80 % of requested hours (fidelity 0.8); float staff cost
    the nurse wage plus 25 %.
    """

    name = "safe_staffing"
    level = "organizational"
    acts_on = "units"
    stressor = "workload"
    changes = "extra_clinical_hours: float-pool hours up to a target patient-to-nurse ratio"
    source = "Aiken 2002 (OR 1.23 per patient per nurse); Aiken 2023 (staffing ranked first)"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "target_load": Setting(0.85, "target demand per clinical hour (1 = budgeted)", 0.5, 1.5),
        "patients_per_nurse": Setting(
            None, "target ratio; overrides target_load per unit type", 0.5, 20.0, optional=True
        ),
        "float_premium": Setting(0.25, "float-pool cost over the nurse wage", 0.0, 3.0),
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "fidelity": 0.8,
        "onset_weeks": 12,
        "half_life_weeks": 4.0,
        "fixed_cost": 25_000.0,
    }

    def setup_mechanism(self, model: "WorkforceModel") -> None:
        """Per-unit target load and last week's pool hours."""
        if self.patients_per_nurse is None:
            self.target = np.full(model.n_units, self.target_load)
        else:
            self.target = self.patients_per_nurse / model.unit_patients_per_nurse
        self.hours = np.zeros(model.n_units)

    def write_levers(self, model: "WorkforceModel") -> None:
        """Add float-pool hours where the unit was short last week."""
        need = model.unit_load[UL["demand_hours"]] / self.target - (own_hours(model) - self.hours)
        share = np.minimum(self.unit_effect(model), 1.0)
        self.hours = share * np.maximum(need, 0.0)
        model.modifiers.extra_clinical_hours += self.hours

    def mechanism_cost(self, model: "WorkforceModel") -> float:
        """Float-pool hours at the nurse wage plus the premium."""
        return float(self.hours.sum()) * NURSE_WAGE * (1.0 + self.float_premium)


class WorkloadRedesign(Intervention):
    """Workload and administrative redesign: scribes and fewer forms give time back.

    Levers: ``admin_share`` x (1 - strength x effect): hours return to care (lower intensity)
    and paperwork strain falls; ``supervisor_admin_share`` x (1 - supervisor_strength x effect):
    supervisors' hours go back to people leadership (seed 003, takeaway 7). Linzer 2015 (Healthy
    Work Place): workflow redesign OR 5.9 of clinicians improving. Strengths 0.4 (assumption:
    scribes, team documentation and fewer forms give back about two fifths of documentation
    time, which takes about a fifth of staff time in sim.parameters); the redesign takes 12
    weeks, is sustained, and creeps back with a half-life of 26 weeks if dropped; the team's
    redesign work takes staff time and managers' attention (attention 1). Costs: $50,000 to
    redesign, a quarter of recovered hours bought as scribe time at $20 an hour (assumptions).
    """

    name = "workload_redesign"
    level = "organizational"
    acts_on = "units"
    stressor = "administration"
    changes = "admin_share, supervisor_admin_share: time back to care and to people leadership"
    source = "Linzer 2015 (OR 5.9); seed 003 takeaway 7"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "strength": Setting(0.4, "share of staff administration removed at full effect", 0.0, 1.0),
        "supervisor_strength": Setting(
            0.4, "share of supervisors' administration removed at full effect", 0.0, 1.0
        ),
        "scribe_share": Setting(0.25, "share of recovered hours bought as scribe time", 0.0, 1.0),
        "scribe_wage": Setting(20.0, "USD per scribe hour", 0.0, 500.0),
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {"onset_weeks": 12, "fixed_cost": 50_000.0}
    attention = 1.0

    def write_levers(self, model: "WorkforceModel") -> None:
        """Cut staff and supervisor administration in participating units."""
        e = self.unit_effect(model)
        mods = model.modifiers
        self.cut = np.clip(self.strength * e, 0.0, 0.95)
        mods.admin_share *= 1.0 - self.cut
        mods.supervisor_admin_share *= 1.0 - np.clip(self.supervisor_strength * e, 0.0, 0.95)

    def mechanism_cost(self, model: "WorkforceModel") -> float:
        """Scribe hours: a share of the administrative hours given back."""
        s = model.workers
        admin_hours = np.bincount(s.unit, s.contracted_hours * s.filled, model.n_units)
        saved = float(admin_hours @ self.cut) * model.params.admin_share
        return saved * self.scribe_share * self.scribe_wage


class LeadershipDevelopment(Intervention):
    """Leadership development for supervisors: points on the 12-60 leadership scale.

    Lever: ``leadership_points`` + points x effect. Each point delivered acts through the causal
    mechanisms of leadership (support of recovery, recognition, trust, engagement; calibrated so
    that the simulated survey reproduces Shanafelt 2015 and Dyrbye 2020), not through the
    survey association itself. Defaults (assumptions; no pooled trial of leadership training on
    staff burnout gives a size): +5 points at full effect (about half an SD of rated scores,
    Dyrbye 2021) after a 12-week course, quarterly coaching (reinforcement every 13 weeks),
    fading with a half-life of 26 weeks without it; nine in ten supervisors enrol, fewer when
    their unit is under pressure. The gain belongs to the trained supervisor: when they leave,
    it leaves with them, and their successor is offered the course. It takes managers'
    attention (attention 1). Costs: $5,000 per supervisor and $20,000 to set up.
    """

    name = "leadership_development"
    level = "organizational"
    acts_on = "units"
    stressor = "leadership"
    changes = "leadership_points: supervisors' leadership score (12-60 scale)"
    source = "Shanafelt 2015; Dyrbye 2020; seed 003 takeaway 8"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "points": Setting(5.0, "points gained on the 12-60 scale at full effect", 0.0, 48.0)
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "uptake": 0.9,
        "workload_sensitivity": 0.3,
        "onset_weeks": 12,
        "reinforce_every_weeks": 13,
        "half_life_weeks": 26.0,
        "fixed_cost": 20_000.0,
        "cost_per_participant": 5_000.0,
    }

    attention = 1.0

    def setup_mechanism(self, model: "WorkforceModel") -> None:
        """Remember who leads each unit, so that a trained leader's gain leaves with them."""
        self.trained = model.supervisors.person_id.copy()

    def write_levers(self, model: "WorkforceModel") -> None:
        """Add leadership points to participating units' supervisors (their own gain)."""
        current = model.supervisors.person_id
        changed = current != self.trained
        if changed.any():  # a new supervisor: none of the predecessor's gain; offer the course
            self.effect[changed] = 0.0
            self.level[changed] = 0.0
            self.weeks_in[changed] = 0
            self.offered[changed] = False
            self.enrolled[changed] = False
            self.trained[changed] = current[changed]
        model.modifiers.leadership_points += self.points * self.unit_effect(model)


class Recognition(Intervention):
    """Structured recognition: regular, specific recognition of every worker in the unit.

    Lever: ``recognition_extra`` + strength x effect (weekly recognition probability), which
    offsets effort with reward (Hasselhorn 2004: high effort-reward imbalance, burnout OR
    2.6-13.2). Defaults (assumptions; no trial gives a size): 0.1 extra events a week (about
    one every ten weeks per worker), built over 4 weeks, fading with a half-life of 8 weeks if
    the practice lapses; it takes some of managers' attention (attention 0.5).
    Costs: $1,000 per unit to train supervisors and $1,000 a week for the organization.
    """

    name = "recognition"
    level = "organizational"
    actor = "unit_leader"
    acts_on = "units"
    stressor = "recognition"
    changes = "recognition_extra: weekly chance of being recognized"
    source = "Hasselhorn 2004; Zhang 2024; seed 003 takeaways 7-8"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "strength": Setting(0.1, "extra recognition events per worker-week", 0.0, 1.0)
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "onset_weeks": 4,
        "half_life_weeks": 8.0,
        "cost_per_participant": 1_000.0,
        "cost_per_week": 1_000.0,
    }

    attention = 0.5

    def write_levers(self, model: "WorkforceModel") -> None:
        """Raise the weekly chance of recognition for posts in participating units."""
        extra = self.strength * self.unit_effect(model)
        model.modifiers.recognition_extra += extra[model.workers.unit]


class ViolencePrevention(Intervention):
    """Violence prevention: fewer incidents from the public, and support after one.

    Levers: ``violence_rate`` x (1 - strength x effect) and ``incident_support`` + support x
    effect (share of an incident's strain taken off). Exposure follows Liu 2019 (61.9 % a
    year); seed 003 takeaway 2 ("heroes to zeros"). Defaults: 52 % fewer incidents at full
    effect (Arnetz 2017, a randomized trial in 41 hospital units: violent events IRR 0.48,
    0.29-0.80, six months after a unit-level data-driven action plan); a third of an incident's
    strain relieved by post-incident support (assumption); built over 12 weeks (security,
    de-escalation training, reporting); it takes some of managers' attention (attention 0.5).
    Costs: $30,000 to set up, $2,000 per unit for training, $3,000 a week for security.
    """

    name = "violence_prevention"
    level = "organizational"
    acts_on = "units"
    stressor = "violence"
    changes = "violence_rate, incident_support"
    source = "Liu 2019; seed 003 takeaway 2"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "strength": Setting(0.52, "share of incidents prevented at full effect", 0.0, 1.0),
        "support": Setting(0.33, "share of an incident's strain relieved by support", 0.0, 1.0),
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "onset_weeks": 12,
        "fixed_cost": 30_000.0,
        "cost_per_participant": 2_000.0,
        "cost_per_week": 3_000.0,
    }

    attention = 0.5

    def write_levers(self, model: "WorkforceModel") -> None:
        """Cut incident rates and relieve incident strain in participating units."""
        e = self.unit_effect(model)
        mods = model.modifiers
        mods.violence_rate *= 1.0 - np.clip(self.strength * e, 0.0, 1.0)
        mods.incident_support += np.clip(self.support * e, 0.0, 1.0)


class SchedulingLimits(Intervention):
    """Scheduling limits: no 24-hour shifts, overtime capped, the capped hours covered.

    It acts on fatigue, the mechanism the evidence names: shifts of 12 h or more become shifts of
    at most 10 h (lever ``long_shift_scale``: half the extra fatigue of a 12-h pattern is left,
    as a 9-11-h pattern carries in sim.state; Dall'Ora 2015: exhaustion aOR 1.26 for >= 12 h;
    Ergonomics 2019: long shifts roughly double fatigue), and overtime is capped (Shah 2021:
    > 40 h a week, OR 3.28 for leaving because of burnout). Capping overtime alone would turn
    it into intensity, so the hours above the cap are covered by float or agency staff (lever
    ``extra_clinical_hours``, from last week's gap between demand and the staff's own hours),
    and where every unit takes part the organization-wide cap (``overtime_cap_hours``) is set.
    Defaults (assumptions): at most 4 overtime hours a week, 90 % of the capped hours covered,
    cover at the agency rate; rostering takes some of managers' attention (attention 0.5).
    """

    name = "scheduling_limits"
    level = "organizational"
    actor = "unit_leader"
    acts_on = "units"
    stressor = "workload"
    changes = "overtime_cap_hours; extra_clinical_hours covering hours above the cap"
    source = "Ergonomics 2019; Shah 2021; seed 003 takeaway 1 (24-hour shifts)"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "max_overtime_hours": Setting(4.0, "overtime cap per worker-week", 0.0, 40.0),
        "long_shift_relief": Setting(
            0.5, "share of the extra fatigue of 12-h patterns removed at full effect", 0.0, 1.0
        ),
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "fidelity": 0.9,
        "onset_weeks": 4,
        "half_life_weeks": 2.0,
        "fixed_cost": 10_000.0,
    }

    attention = 0.5

    def setup_mechanism(self, model: "WorkforceModel") -> None:
        """No cover hours yet."""
        self.hours = np.zeros(model.n_units)

    def write_levers(self, model: "WorkforceModel") -> None:
        """Cover hours above the cap; cap overtime when the whole organization takes part."""
        present = present_by_unit(model)
        own = own_hours(model) - self.hours
        gap = np.maximum(model.unit_load[UL["demand_hours"]] - own, 0.0)  # overtime covered this
        excess = np.maximum(gap - self.max_overtime_hours * present, 0.0)
        share = np.minimum(self.unit_effect(model), 1.0)
        self.hours = share * excess
        mods = model.modifiers
        mods.extra_clinical_hours += self.hours
        mods.long_shift_scale *= 1.0 - self.long_shift_relief * share
        if self.delivering.all() and self.effect.min() >= 0.5 * self.fidelity:
            mods.overtime_cap_hours = min(mods.overtime_cap_hours, self.max_overtime_hours)

    def mechanism_cost(self, model: "WorkforceModel") -> float:
        """Cover hours at the nurse wage plus the agency premium."""
        return float(self.hours.sum()) * NURSE_WAGE * (1.0 + model.params.agency_premium)


class RetentionPay(Intervention):
    """Retention pay: a bonus that lowers the quit hazard for a while.

    Lever: ``quit_hazard`` x (1 - strength x effect). Changes nothing about burnout itself.
    Defaults (assumptions): paid once (one week of delivery) to every post holder, quits 30 %
    lower at first, the effect fading with a half-life of 13 weeks (short-lived: pay does not
    fix the work); $5,000 per worker.
    """

    name = "retention_pay"
    level = "organizational"
    acts_on = "posts"
    changes = "quit_hazard: resignation probability"
    source = "assumption; NSI 2024 replacement cost $61,110 per RN for the comparison"
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {
        "strength": Setting(0.3, "relative fall in the quit hazard at full effect", 0.0, 1.0)
    }
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "duration_weeks": 1,
        "half_life_weeks": 13.0,
        "cost_per_participant": 5_000.0,
    }

    def write_levers(self, model: "WorkforceModel") -> None:
        """Lower recipients' quit hazard."""
        model.modifiers.quit_hazard *= 1.0 - self.strength * self.level
