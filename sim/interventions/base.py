"""The common interface of every intervention, with the attributes implementation science asks for.

An intervention is plugged into :class:`sim.model.WorkforceModel` as one of a list; the model
calls :meth:`Intervention.setup` once (after burn-in) and :meth:`Intervention.apply` at stage 0
of every week, after the levers (:mod:`sim.modifiers`) are reset to neutral. ``apply`` writes
this week's levers and returns this week's cost in US dollars (the currency of
:mod:`sim.accounting`). Adding an intervention never touches the step loop.

Implementation attributes (seed 000, fourth recommendation: uptake, effectiveness, barriers and
maintenance should be part of any programme):

- **schedule**: ``start_week`` and ``duration_weeks`` (None = sustained);
- **reach and uptake**: ``eligibility`` (all, a list of units, or high-risk workers) and
  ``uptake``; uptake of anything that costs staff time falls with work pressure
  (``workload_sensitivity``: the busiest cannot attend), and ``stigma`` holds some back;
- **fidelity** (how fully it is delivered) and ``onset_weeks`` (the effect builds linearly to
  full over this many weeks of delivery);
- **maintenance**: the effect decays with ``half_life_weeks`` after delivery ends, and between
  reinforcement sessions when ``reinforce_every_weeks`` is set;
- **drift**: even when delivery is sustained, uptake and fidelity drift down over years
  ("voltage drop", Chambers 2013; assumption on the size): the attainable effect falls from
  full toward ``drift_floor`` with a half-life of ``drift_half_life_weeks`` of delivery;
- **competition**: programmes that take staff time or managers' attention (``attention`` > 0)
  compete for it in a unit: each delivers a share 1 / (1 + ``COMPETITION`` x the attention the
  unit's other programmes take) of its effect, so bundles are sub-additive; co-design
  (sim.interventions.codesign) lets a unit put its attention first on the programmes that
  answer its main stressor;
- **cost**: ``fixed_cost`` (once, at first delivery), ``cost_per_participant`` (once per person or
  unit enrolled) and ``cost_per_week`` (while delivered, pro rata to the share of posts reached),
  plus what the mechanism buys (hours, bonuses), all in US dollars;
- **mode**: ``sustained``, or ``crisis``: delivery starts when burnout prevalence of a unit (or of
  the organization) reaches ``crisis_on`` and stops when it falls below ``crisis_off`` (the
  "crisis by crisis" pattern of seed 003, takeaway 5).

A trial restricts an intervention to its arm with :meth:`Intervention.restrict`.
"""

import zlib
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from sim.interventions.settings import CRISIS_SCOPES, MODES, Setting, validate
from sim.layout import UI
from sim.resources import work_pressures

if TYPE_CHECKING:
    from sim.model import WorkforceModel

# Cost bound for validation: no single cost item above a billion dollars.
_MAX_COST = 1e9

COMMON_SETTINGS: dict[str, Setting] = {
    "start_week": Setting(0, "week delivery starts (week 0 = end of burn-in)", 0, 1040, True),
    "duration_weeks": Setting(
        None, "weeks of delivery; None = sustained", 1, 1040, True, optional=True
    ),
    "eligibility": Setting("all", "'all', 'high_risk' or a list of unit indices"),
    "high_risk_exhaustion": Setting(
        0.45,
        "exhaustion (0-1) from which a worker counts as high risk (burned-out workers always do)",
        0.0,
        1.0,
    ),
    "uptake": Setting(1.0, "share of those offered who take part", 0.0, 1.0),
    "workload_sensitivity": Setting(
        0.0, "share of uptake lost at full work pressure (the busiest cannot attend)", 0.0, 1.0
    ),
    "stigma": Setting(0.0, "share of would-be participants held back by stigma", 0.0, 1.0),
    "fidelity": Setting(1.0, "how fully the programme is delivered (0-1)", 0.0, 1.0),
    "drift_floor": Setting(
        0.6,
        "share of the first year's fidelity that sustained delivery keeps after years",
        0.0,
        1.0,
    ),
    "drift_half_life_weeks": Setting(
        104.0, "weeks of delivery over which half the drift toward the floor happens", 1.0, 5200.0
    ),
    "onset_weeks": Setting(0, "weeks of delivery until the full effect", 0, 260, True),
    "half_life_weeks": Setting(
        26.0, "half-life of the effect after delivery ends or between reinforcements", 0.1, 1040.0
    ),
    "reinforce_every_weeks": Setting(
        None,
        "weeks between reinforcement sessions after onset; None = continuous",
        1,
        520,
        True,
        optional=True,
    ),
    "fixed_cost": Setting(0.0, "one-off cost at first delivery, USD", 0.0, _MAX_COST),
    "cost_per_participant": Setting(0.0, "cost per person (or unit) enrolled, USD", 0.0, _MAX_COST),
    "cost_per_week": Setting(
        0.0, "running cost per week for the whole organization, USD", 0.0, _MAX_COST
    ),
    "mode": Setting("sustained", "'sustained' or 'crisis'", choices=MODES),
    "crisis_scope": Setting(
        "unit", "crisis trigger per 'unit' or 'organization'", choices=CRISIS_SCOPES
    ),
    "crisis_on": Setting(0.50, "burnout prevalence that starts crisis delivery", 0.0, 1.0),
    "crisis_off": Setting(0.40, "burnout prevalence below which crisis delivery stops", 0.0, 1.0),
    # Mandate and budget from the level above (seed 000: leaders have limited mandates; issue
    # "who can act"): the executive lets unit leaders run a unit-level programme in some units
    # and gives it a yearly budget. Defaults: every unit, no budget limit.
    "mandate_share": Setting(
        1.0,
        "share of units whose leaders have the mandate to run it (drawn once per run)",
        0.0,
        1.0,
    ),
    "yearly_budget": Setting(
        None,
        "USD a year it may spend; once spent, delivery pauses until the next year; None = no limit",
        0.0,
        _MAX_COST,
        optional=True,
    ),
}


# Assumption: each unit of attention other programmes take from a unit cuts a programme's
# delivered effect by a fifth of what is left (1 / (1 + 0.25 x others' attention)).
COMPETITION = 0.25


def work_pressure(model: "WorkforceModel") -> np.ndarray:
    """Last week's work pressure of each unit, 0-1 (sim.resources.work_pressure).

    The pressure that feeds the unit's unanswered strain: 0.3 over budgeted load or 24 overtime
    hours a week count as full pressure (assumption).
    """
    inputs = model.unit_inputs
    return work_pressures(inputs[UI["intensity"]], inputs[UI["overtime"]])


ACTORS: dict[str, str] = {
    "unit_leader": "unit leader",
    "executive": "executive",
    "government": "government",
}
"""Who can enact an intervention (key) and how reports name them (value)."""


class Intervention:
    """Base class: schedule, reach, uptake, fidelity, onset, maintenance, cost and mode.

    Subclasses set the class attributes below, their own default settings (``DEFAULTS``, which
    may add mechanism settings such as ``strength``) and write levers in :meth:`write_levers`.

    Attributes:
        participants: bool per post, True where the current holder takes part this week.
        effect: current effect level (0-1) per recipient (post, unit, or one organization).
        cost_log: the cost of every week applied so far, USD.
    """

    name: ClassVar[str] = "intervention"
    level: ClassVar[str] = "individual"  # individual / organizational / system
    acts_on: ClassVar[str] = "posts"  # posts / units / organization
    # Who can enact it within its own mandate and budget (one of ACTORS): the unit leader, the
    # organization's executive, or government (seed 003 takeaway 4; seed 000: leaders have
    # limited mandates, system change needs every level).
    actor: ClassVar[str] = "executive"
    changes: ClassVar[str] = ""
    source: ClassVar[str] = ""
    stressor: ClassVar[str | None] = None  # the unit stressor it addresses (co-design targeting)
    attention: ClassVar[float] = 0.0  # staff time and managers' attention it takes in a unit
    DEFAULTS: ClassVar[dict[str, Any]] = {}
    EXTRA_SETTINGS: ClassVar[dict[str, Setting]] = {}

    def __init__(self, **settings: Any) -> None:
        specs = self.settings_spec()
        self.settings = validate(specs, settings, f"intervention {self.name!r}")
        for key, value in self.settings.items():
            setattr(self, key, value)
        if self.acts_on != "posts" and self.eligibility == "high_risk":
            raise ValueError(
                f"setting 'eligibility' = 'high_risk' is for individual interventions; "
                f"{self.name!r} acts on {self.acts_on}: use 'all' or a list of units"
            )
        self.arm_posts: np.ndarray | None = None
        self.arm_units: np.ndarray | None = None
        self.participants = np.zeros(0, dtype=bool)
        self.cost_log: list[float] = []
        self._ready = False

    # -------------------------------------------------------------------------------------
    @classmethod
    def settings_spec(cls) -> dict[str, Setting]:
        """Every setting of this intervention with its default (class defaults applied)."""
        specs = {**COMMON_SETTINGS, **cls.EXTRA_SETTINGS}
        for key, value in cls.DEFAULTS.items():
            spec = specs[key]
            specs[key] = Setting(
                value, spec.meaning, spec.low, spec.high, spec.integer, spec.optional, spec.choices
            )
        return specs

    @property
    def sustained(self) -> bool:
        """True when delivery has no planned end."""
        return self.duration_weeks is None

    @property
    def total_cost(self) -> float:
        """Cost so far, USD."""
        return float(sum(self.cost_log))

    def restrict(
        self, posts: np.ndarray | None = None, units: np.ndarray | None = None
    ) -> "Intervention":
        """Deliver only to these posts (bool mask or indices) or units (a trial arm).

        Unit-level interventions restricted to posts reach every unit holding one of them (in a
        worker-randomized trial the control arm then shares the unit's changes: contamination).
        """
        self.arm_posts = None if posts is None else np.asarray(posts)
        self.arm_units = None if units is None else np.asarray(units)
        return self

    # -------------------------------------------------------------------------------------
    def setup(self, model: "WorkforceModel") -> None:
        """Size the state for ``model``; check unit targets against its units.

        An intervention holds one model's enrolment, effects and costs, so it serves one model
        only: setting it up again on the same model restarts it (a trial restricting it to its
        arm does this), on another model raises ValueError. A deep copy of a model copies its
        interventions with it.
        """
        owner = getattr(self, "_model", None)
        if owner is not None and owner is not model:
            raise ValueError(
                f"intervention {self.name!r} is already set up on another model; build a new one "
                "for each model (sim.interventions.build)"
            )
        self._model = model
        n_posts, n_units = model.workers.size, model.n_units
        self.n_posts, self.n_units = n_posts, n_units
        self.unit_of_post = model.workers.unit
        self.eligible_units = self._target_units(n_units, n_posts)
        self.post_in_arm = self._mask(self.arm_posts, n_posts, "posts")
        n_recipients = {"posts": n_posts, "units": n_units, "organization": 1}[self.acts_on]
        self.effect = np.zeros(n_recipients)
        self.level = np.zeros(n_recipients)
        self.weeks_in = np.zeros(n_recipients, dtype=np.int64)
        self.offered = np.zeros(n_recipients, dtype=bool)
        self.enrolled = np.zeros(n_recipients, dtype=bool)
        self.enrolled_id = np.full(n_posts, -1, dtype=np.int64)
        self.crisis_active = np.zeros(n_units if self.crisis_scope == "unit" else 1, dtype=bool)
        self.participants = np.zeros(n_posts, dtype=bool)
        self.delivering = np.zeros(n_recipients, dtype=bool)
        self._decay = 0.5 ** (1.0 / self.half_life_weeks)
        self._fixed_paid = False
        seed = int(model.intervention_seed) % (2**63)
        self.rng = np.random.default_rng([seed, zlib.crc32(self.name.encode()), 7919])
        self.eligible_units &= self._mandate(n_units, seed)
        self._budget_year, self._spent_this_year = 0, 0.0
        self.cost_log = []
        self.setup_mechanism(model)
        self._ready = True

    def _mandate(self, n_units: int, seed: int) -> np.ndarray:
        """Units whose leaders hold the mandate: ``round(mandate_share x units)`` of them.

        Which units is drawn once from a stream of its own (assumption: the executive's choice
        is unrelated to the units' state), so other draws do not change with the share.
        """
        mask = np.ones(n_units, dtype=bool)
        if self.mandate_share < 1.0:
            order = np.random.default_rng([seed, zlib.crc32(self.name.encode()), 104729])
            mask[order.permutation(n_units)[round(self.mandate_share * n_units) :]] = False
        return mask

    def _within_budget(self, week: int) -> bool:
        """Whether this budget year's money is not yet spent (a year = 52 weeks from week 0)."""
        year = max(week, 0) // 52
        if year != self._budget_year:
            self._budget_year, self._spent_this_year = year, 0.0
        return self.yearly_budget is None or self._spent_this_year < self.yearly_budget

    def _mask(self, selection: np.ndarray | None, n: int, what: str) -> np.ndarray:
        """A bool mask of length ``n`` from a mask or an index list (all True if None)."""
        if selection is None:
            return np.ones(n, dtype=bool)
        sel = np.asarray(selection)
        if sel.dtype == bool:
            if sel.size != n:
                raise ValueError(f"{self.name}: {what} mask has {sel.size} entries, model has {n}")
            return sel.copy()
        if sel.size and (sel.min() < 0 or sel.max() >= n):
            raise ValueError(
                f"{self.name}: {what} index {int(sel.max())} is out of range; allowed: 0..{n - 1}"
            )
        mask = np.zeros(n, dtype=bool)
        mask[sel.astype(np.intp)] = True
        return mask

    def _target_units(self, n_units: int, n_posts: int) -> np.ndarray:
        """Units the programme may run in: its eligibility list and the trial arm."""
        if isinstance(self.eligibility, tuple):
            bad = [u for u in self.eligibility if u >= n_units]
            if bad:
                raise ValueError(
                    f"setting 'eligibility' names unknown unit(s) {bad}; this organization has "
                    f"units 0..{n_units - 1}"
                )
            units = self._mask(np.array(self.eligibility), n_units, "units")
        else:
            units = np.ones(n_units, dtype=bool)
        units &= self._mask(self.arm_units, n_units, "units")
        if self.arm_posts is not None and self.acts_on != "posts":
            posts = self._mask(self.arm_posts, n_posts, "posts")
            units &= np.bincount(self.unit_of_post, posts, n_units) > 0
        return units

    # -------------------------------------------------------------------------------------
    def in_window(self, week: int) -> bool:
        """Whether ``week`` falls in the delivery window."""
        if week < self.start_week:
            return False
        return self.sustained or week < self.start_week + self.duration_weeks

    def update_crisis(self, model: "WorkforceModel", in_window: bool) -> np.ndarray:
        """Update the crisis switch from last week's burnout; return active units (bool)."""
        if self.mode == "sustained":
            return np.full(self.n_units, in_window)
        s = model.workers
        if self.crisis_scope == "unit":
            headcount = np.bincount(s.unit, s.filled, self.n_units)
            burned = np.bincount(s.unit, s.filled & s.burned_out, self.n_units)
            prevalence = burned / np.maximum(headcount, 1.0)
        else:
            scope = self.post_in_arm & self.eligible_units[s.unit] & s.filled
            prevalence = np.array([np.count_nonzero(scope & s.burned_out) / max(scope.sum(), 1)])
        on = self.crisis_active
        on[:] = np.where(on, prevalence >= self.crisis_off, prevalence >= self.crisis_on)
        if not in_window:
            on[:] = False
        return np.broadcast_to(on, (self.n_units,)).copy()

    def active_units(self, model: "WorkforceModel") -> np.ndarray:
        """Units where the programme reached anyone last week (bool per unit)."""
        s = model.workers
        return np.bincount(s.unit, self.participants, model.n_units) > 0

    def _attention_share(self, model: "WorkforceModel") -> np.ndarray:
        """Share of its effect the programme delivers, per recipient, under competition.

        1 / (1 + COMPETITION x the attention other programmes take in the unit); programmes
        a co-design process put first in a unit (its main stressor) are exempt in proportion
        to that process's effect.
        """
        if self.attention <= 0.0:
            return np.ones_like(self.effect)
        load = getattr(model.modifiers, "attention_load", None)
        if load is None or load.size != model.n_units:
            return np.ones_like(self.effect)
        others = np.maximum(load - self.attention * self.active_units(model), 0.0)
        share = 1.0 / (1.0 + COMPETITION * others)
        share = share + (1.0 - share) * self.priority(model)
        if self.acts_on == "posts":
            return share[model.workers.unit]
        if self.acts_on == "organization":
            return np.array([float(share.mean())])
        return share

    def meets_eligibility(self, model: "WorkforceModel") -> np.ndarray:
        """Posts whose holder meets the programme's criterion (high risk, or everyone)."""
        s = model.workers
        if self.eligibility == "high_risk":
            return s.burned_out | (s.exhaustion >= self.high_risk_exhaustion)
        return np.ones(s.size, dtype=bool)

    def enrolment_probability(self, model: "WorkforceModel") -> np.ndarray:
        """Per-unit probability that someone offered takes part this week."""
        pressure = work_pressure(model)
        return self.uptake * (1.0 - self.workload_sensitivity * pressure) * (1.0 - self.stigma)

    def _enrol(self, model: "WorkforceModel", units_on: np.ndarray) -> int:
        """Offer the programme to new eligible recipients; return how many enrolled."""
        if self.acts_on == "organization":
            if units_on.any() and not self.offered[0]:
                self.offered[0] = True
                self.enrolled[0] = self.rng.random() < self.uptake
                return int(self.enrolled[0])
            return 0
        p_unit = self.enrolment_probability(model)
        if self.acts_on == "units":
            new = units_on & ~self.offered
            draws = self.rng.random(self.n_units) < p_unit
            self.offered |= new
            self.enrolled |= new & draws
            return int(np.count_nonzero(new & draws))
        s = model.workers
        changed = s.person_id != self.enrolled_id
        if changed.any():  # a new person in the post: not (yet) offered, no effect carried
            self.offered[changed] = False
            self.enrolled[changed] = False
            self.effect[changed] = 0.0
            self.weeks_in[changed] = 0
            self.enrolled_id[changed] = s.person_id[changed]
        new = s.filled & units_on[s.unit] & self.post_in_arm & ~self.offered
        if self.eligibility == "high_risk":
            new &= self.meets_eligibility(model)
        idx = np.flatnonzero(new)
        if idx.size == 0:
            return 0
        takes_part = self.rng.random(idx.size) < p_unit[s.unit[idx]]
        self.offered[idx] = True
        self.enrolled[idx[takes_part]] = True
        return int(np.count_nonzero(takes_part))

    def _advance_effect(self, delivering: np.ndarray) -> None:
        """Build the effect where delivered; let it decay with its half-life elsewhere."""
        eff = self.effect * self._decay
        self.weeks_in[delivering] += 1
        w = self.weeks_in
        onset = max(self.onset_weeks, 1)
        drift = self.drift_floor + (1.0 - self.drift_floor) * 0.5 ** (
            np.maximum(w - onset, 0) / self.drift_half_life_weeks
        )
        target = self.fidelity * np.minimum(w / onset, 1.0) * drift
        if self.reinforce_every_weeks is None:
            session = delivering
        else:
            after = w - onset
            session = delivering & ((after <= 0) | (after % self.reinforce_every_weeks == 0))
        self.effect = np.where(session, np.maximum(eff, target), eff)

    # -------------------------------------------------------------------------------------
    def apply(self, model: "WorkforceModel") -> float:
        """Write this week's levers into ``model.modifiers``; return this week's cost (USD)."""
        if not self._ready:
            raise RuntimeError(f"{self.name}: setup(model) must run before apply(model)")
        in_window = self.in_window(model.week) and self._within_budget(model.week)
        units_on = self.update_crisis(model, in_window) & self.eligible_units
        n_new = self._enrol(model, units_on)
        s = model.workers
        if self.acts_on == "posts":
            delivering = self.enrolled & s.filled & units_on[s.unit]
            self.participants = delivering
        elif self.acts_on == "units":
            delivering = self.enrolled & units_on
            self.participants = s.filled & delivering[s.unit]
        else:
            delivering = self.enrolled & units_on.any()
            self.participants = s.filled & units_on[s.unit] & bool(delivering[0])
        self.delivering = delivering
        self._advance_effect(delivering)
        self.level = self.effect * self._attention_share(model)
        self.write_levers(model)
        cost = n_new * self.cost_per_participant + self.mechanism_cost(model)
        if delivering.any():
            if not self._fixed_paid:
                cost += self.fixed_cost
                self._fixed_paid = True
            reached = np.count_nonzero(units_on[s.unit] & self.post_in_arm)
            cost += self.cost_per_week * reached / self.n_posts
        self._spent_this_year += float(cost)
        self.cost_log.append(float(cost))
        return float(cost)

    # Hooks for subclasses ------------------------------------------------------------------
    def setup_mechanism(self, model: "WorkforceModel") -> None:
        """Prepare mechanism state (default: nothing)."""

    def write_levers(self, model: "WorkforceModel") -> None:
        """Write this week's lever values from ``self.effect`` (subclasses must implement)."""
        raise NotImplementedError

    def mechanism_cost(self, model: "WorkforceModel") -> float:
        """What the mechanism buys this week, USD (default: nothing)."""
        return 0.0

    def priority(self, model: "WorkforceModel") -> np.ndarray:
        """Per-unit priority (0-1) a co-design process gives this programme (its main stressor)."""
        from sim.interventions.codesign import priority_weights

        return priority_weights(model, self.stressor)

    def unit_effect(self, model: "WorkforceModel") -> np.ndarray:
        """Delivered effect level per unit (unit-acting interventions), after competition."""
        return self.level

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.settings.items() if v != self.settings_spec()[k].default}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in changed.items())})"
