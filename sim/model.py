"""The Mesa model of a health organization's workforce: burnout, well-being and retention."""

import dataclasses
import warnings
from collections.abc import Sequence
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.experimental.scenarios import Scenario as MesaScenario

from sim import accounting, conditions, inputs, turnover, workload
from sim.agents import Supervisor, Worker
from sim.layout import UI, UNIT_INPUTS, UNIT_LOAD, UNIT_STATE, UNIT_SUMS, US
from sim.metrics import model_reporters, summarize, weekly_metrics, worker_records
from sim.modifiers import Modifiers
from sim.organization import ROLES, UNIT_TYPES, Layout, build_layout, replacement_costs
from sim.parameters import ModelParameters
from sim.random_streams import WeekKeys
from sim.recruitment import vacancy_pass
from sim.scenarios import Scenario, ScenarioState, make_pressure
from sim.staffing_pass import staffing_pass
from sim.state import RING_WEEKS, WorkerState, hire
from sim.supervisors import new_supervisors, replace_supervisors, supervisor_pass
from sim.tallies import REAL_SUMS, WeeklyTallies, coefficients_for
from sim.unit_pass import SupervisorArrays, UnitArrays, UnitWeek, unit_pass
from sim.week_close import METRIC_KEYS, WEEKLY_EVENT_KEYS, RollingWindow, close_week, week_events
from sim.wellbeing import classify_wellbeing
from sim.worker_chunks import worker_pass_in_chunks

BURN_IN_WEEKS = 104  # assumption: two simulated years settle the workforce before week 0


class WorkforceModel(mesa.Model):
    """A health organization of units, supervisors and workers, stepped one week at a time.

    Order of one weekly step (kept true to the code in :meth:`step`):

    0. **Interventions** write this week's levers (sim.modifiers) and report their cost.
    1. **Demand**: each unit's care hours = base census x seasonality x pressure x noise.
    2. **Staffing and workload**: absences (rising with exhaustion) are drawn; staff present give
       contracted hours less administration (new hires less while ramping up); agency staff
       cover part of vacant posts; the rest of the gap is overtime, then extra intensity.
    3. **Exposures**: violence from patients and the public (four types); unit moral distress
       when load passes what allows safe care.
    4. **Resources**: leadership each supervisor delivers (time left after administration and
       span of control, own exhaustion); recognition from supervisor and peers; trust, eroded by
       unanswered strain.
    5. **Dual continuum**: exhaustion and cynicism (burnout) from strain against recovery, with
       partial contagion from colleagues; engagement; positive well-being (MHC-SF classes).
    6. **Intent and turnover**: intent to leave; quits and retirements; colleagues' departures
       feed turnover contagion; leavers open vacancies.
    7. **Recruitment**: searches end in a hire or a repost; accepted hires start after onboarding.
    8. **Supervisors**: their exhaustion moves with their unit's strain; some leave and are
       replaced (score drawn from the population) after an interim.
    9. **Accounting**: replacement costs per leaver, overtime and agency premiums, interventions.
    10. **Data**: weekly metrics to the DataCollector.

    Args:
        rng: seed (or numpy Generator) for every random draw, as Mesa 3 expects.
        pressure: the outside pressure on the organization over time: a name of
            :data:`sim.scenarios.SCENARIOS` (``baseline``, ``pandemic_surge``, ...) or a
            :class:`sim.scenarios.Scenario` (default: ``baseline``, no outside shock).
        interventions: objects with ``setup(model)`` and ``apply(model) -> weekly cost``.
        burn_in_weeks: weeks simulated before week 0 so the workforce starts settled.
        collect_data: record the weekly metrics in ``datacollector`` (on by default). Batch runs
            that need only ``summary()`` at the end can switch it off to save a fifth of the time.
        scenario: Mesa's own :class:`mesa.experimental.scenarios.Scenario` (passed to Mesa). A
            name or :class:`sim.scenarios.Scenario` here is the old spelling of ``pressure``:
            still accepted with a DeprecationWarning, to be removed in the next release.
        **params: any field of :class:`sim.parameters.ModelParameters`.
    """

    def __init__(
        self,
        rng: int | np.random.Generator | None = None,
        pressure: str | Scenario | None = None,
        interventions: Sequence[Any] = (),
        burn_in_weeks: int = BURN_IN_WEEKS,
        collect_data: bool = True,
        *,
        scenario: Any = None,
        **params: Any,
    ) -> None:
        mesa_scenario = None
        if isinstance(scenario, MesaScenario):
            mesa_scenario = scenario
        elif scenario is not None:
            warnings.warn(
                "WorkforceModel(scenario=...) is deprecated: the outside pressure is now "
                "pressure=... (scenario= is Mesa's own Scenario); the old name goes in the next "
                "release",
                DeprecationWarning,
                stacklevel=2,
            )
            if pressure is not None:
                raise ValueError(
                    "give the outside pressure once, as pressure=...; scenario= is its old name"
                )
            pressure = scenario
        self.params = ModelParameters.from_kwargs(**params)
        self.collect_data = inputs.boolean("collect_data", collect_data)
        self.external = make_pressure("baseline" if pressure is None else pressure)
        burn_in_weeks = inputs.whole_number("burn_in_weeks", burn_in_weeks, 0, 1040)
        interventions = inputs.intervention_list(interventions)
        super().__init__(rng=inputs.seed(rng), scenario=mesa_scenario)
        # Seed of the interventions' own draws (enrolment), fixed by the model's seed.
        self.intervention_seed = int(self.rng.integers(0, 2**62))
        p = self.params
        self.layout = self._build_layout()
        n_units = self.layout.n_units
        self.n_units = n_units
        self.workers = WorkerState.for_layout(self.layout)
        self.unit_posts = np.bincount(self.workers.unit, minlength=n_units).astype(float)
        self.unit_patients_per_nurse = np.array(
            [UNIT_TYPES[t].patients_per_nurse for t in self.layout.unit_type_names]
        )
        self.unit_replacement_cost = replacement_costs(self.layout.unit_type_names)
        self._next_person_id = 0
        hire(
            self.workers,
            np.arange(p.n_workers),
            self._take_ids(p.n_workers),
            self.rng,
            p,
            initial=True,
        )
        self.supervisors = new_supervisors(n_units, p, self.rng, self._take_ids(n_units))
        self.modifiers = Modifiers(p.n_workers, n_units)
        self.unit_state = np.zeros((len(UNIT_STATE), n_units))
        self.unit_load = np.zeros((len(UNIT_LOAD), n_units))
        self.unit_inputs = np.zeros((len(UNIT_INPUTS), n_units))
        self._unit_sums = np.zeros((len(UNIT_SUMS), n_units))
        self._unit_real_sums = np.zeros((REAL_SUMS.size, n_units))  # the worker pass's, per unit
        self._derive_from_parameters()
        self._leaving = np.zeros(p.n_workers, dtype=np.bool_)
        self._reasons = np.zeros(p.n_workers, dtype=np.int8)
        self._starting = np.zeros(p.n_workers, dtype=np.intp)
        self._fill_days = np.zeros(p.n_workers)
        self._accepted = np.zeros(p.n_workers, dtype=np.intp)  # posts with an offer accepted
        self._supervisor_leaving = np.zeros(n_units, dtype=np.bool_)
        self._leavers_by_role = np.zeros(len(ROLES), dtype=np.int64)
        self._week_keys = WeekKeys()
        self.wellbeing_classes = np.full(p.n_workers, 1, dtype=np.int8)
        classify_wellbeing(
            self.workers.filled,
            self.workers.wellbeing,
            self.workers.emotional_offset,
            self.wellbeing_classes,
        )
        self.tallies = WeeklyTallies.from_state(self.workers, self.wellbeing_classes)
        self.departure_log = turnover.DepartureLog()
        self.ledger = accounting.Ledger()
        self.window = RollingWindow(len(ROLES))
        self.interventions = list(interventions)
        self.week = -burn_in_weeks
        self.events = np.full(len(WEEKLY_EVENT_KEYS), np.nan)  # this week's counts and flows
        self.metric_values = np.zeros(len(METRIC_KEYS))
        self._costs = np.zeros(len(accounting.COST_ITEMS))
        self.supervisor_departures = 0
        for _ in range(burn_in_weeks):
            self._advance_week(apply_interventions=False)
        self._reset_records()
        self.start_interventions(self.interventions)
        self._create_agents()
        reporters = model_reporters()
        agenttype_reporters = (
            {
                Worker: {
                    "exhaustion": "exhaustion",
                    "burned_out": "burned_out",
                    "vacant": "is_vacant",
                },
                Supervisor: {
                    "exhaustion": "exhaustion",
                    "leadership_delivered": "leadership_delivered",
                },
            }
            if p.record_agents
            else None
        )
        self.datacollector = mesa.DataCollector(
            model_reporters=reporters, agenttype_reporters=agenttype_reporters
        )
        self._collect()

    # ---------------------------------------------------------------------------------------
    def step(self) -> None:
        """Advance the organization by one week (see the class docstring for the order)."""
        self._advance_week(apply_interventions=True)
        if self.collect_data:
            self._collect()

    def set_parameters(self, **changes: Any) -> None:
        """Run on under ``changes`` from the next week (validated; sim.conditions explains)."""
        self.params = conditions.changed_parameters(self.params, changes)
        self._derive_from_parameters()

    def _derive_from_parameters(self) -> None:
        """Arrays the weekly step reads from the parameters (built again when they change)."""
        p, s, n_units = self.params, self.workers, self.n_units
        self.base_clinical_hours = np.bincount(
            s.unit, s.contracted_hours * (1.0 - p.admin_share), n_units
        )
        self._admin_share = np.full(n_units, min(p.admin_share, 0.95))
        self._supervisor_admin_share = np.full(n_units, min(p.supervisor_admin_share, 0.95))
        self.coefficients = coefficients_for(p)

    def start_interventions(self, interventions: Sequence[Any]) -> None:
        """Start ``interventions`` now, as the constructor does at week 0 (after burn-in).

        Experiments that share one burned-in organization between arms build the model once,
        copy it per arm and start each arm's interventions on its copy.
        """
        self.interventions = inputs.intervention_list(interventions)
        for intervention in self.interventions:
            intervention.setup(self)

    def apply_interventions(self) -> float:
        """Stage 0: reset the levers and let every intervention write them; return the cost.

        Programmes that take staff time or managers' attention first add up, per unit, the
        attention all of them took last week, which they then compete for
        (sim.interventions.base).
        """
        mods = self.modifiers
        mods.reset()
        mods.active = True
        mods.attention_load = np.zeros(self.n_units)
        for intervention in self.interventions:
            if intervention.attention > 0.0:
                mods.attention_load += intervention.attention * intervention.active_units(self)
        return float(sum(float(i.apply(self)) for i in self.interventions))

    def run_for(self, duration: int) -> None:
        """Run ``duration`` weeks through Mesa's ``run_for`` (one ``step`` a week).

        Only a whole number of weeks >= 0 is accepted: Mesa's clock would stop part-way through a
        week otherwise; zero weeks does nothing (Mesa would warn).
        """
        weeks = inputs.whole_number("weeks", duration, 0)
        if weeks:
            super().run_for(weeks)

    # ---------------------------------------------------------------------------------------
    def _build_layout(self) -> Layout:
        """Where the posts sit: one organization of ``params.organization`` (systems override)."""
        p = self.params
        return build_layout(p.n_workers, p.organization, p.posts_per_unit)

    def _create_agents(self) -> None:
        """Mesa agents as views on the arrays: one per post and one per supervisor."""
        n_posts, n_units = self.params.n_workers, self.n_units
        Worker.create_agents(self, n_posts, list(range(n_posts)))
        Supervisor.create_agents(self, n_units, list(range(n_units)))

    def agency_cover_share(self) -> float:
        """Share of vacant posts' hours agency staff cover this week (a fixed outside market).

        Called after the interventions wrote this week's levers (systems draw cover from their
        labour market here).
        """
        return float(self.params.agency_cover_share)

    def _take_ids(self, k: int) -> int:
        """Reserve ``k`` person ids; return the first (ids are never reused)."""
        first = self._next_person_id
        self._next_person_id += k
        return first

    def _advance_week(self, apply_interventions: bool) -> None:
        """Run stages 0-9 for the current week, then move the clock on."""
        p, s, sup, mods, rng = self.params, self.workers, self.supervisors, self.modifiers, self.rng
        week, n_units = self.week, self.n_units
        scen: ScenarioState = self.external.state(week)
        # 0. Interventions
        intervention_cost = 0.0
        if apply_interventions and self.interventions:
            intervention_cost = self.apply_interventions()
        agency_share = self.agency_cover_share()
        key = self._week_keys.next(rng)
        unit_normal = rng.standard_normal((2, n_units))
        # 1-2. Demand, staffing and workload
        if mods.active:
            admin_share = np.minimum(p.admin_share * mods.admin_share, 0.95)
            sup_admin = np.minimum(p.supervisor_admin_share * mods.supervisor_admin_share, 0.95)
        else:
            admin_share, sup_admin = self._admin_share, self._supervisor_admin_share
        unit_sums = self._unit_sums
        unit_sums[:] = 0.0
        vacant_wage_hours = staffing_pass(
            s.chunks,
            s.real,
            s.flags,
            s.unit,
            s.role,
            1.0 - admin_share,
            accounting.ROLE_WAGE,
            p.sick_leave_rate * scen.absence,
            p.ramp_up_weeks,
            key,
            float(week),
            unit_sums,
        )
        # 1-4 for every unit in one pass (demand, cover, moral distress, leadership)
        unit_inputs = self.unit_inputs
        unit_pass(
            UnitArrays(
                self.base_clinical_hours,
                self.unit_posts,
                admin_share,
                unit_normal[0],
                unit_sums,
                mods.unit,
                self.unit_state,
                unit_inputs,
                self.unit_load,
            ),
            SupervisorArrays(
                sup.score,
                sup.exhaustion,
                sup_admin,
                sup.interim_until,
                sup.delivered,
                sup.time_factor,
            ),
            UnitWeek(
                week,
                float(workload.demand_multiplier(week, p, scen)),
                float(p.demand_noise_sd),
                agency_share,
                float(min(p.overtime_cap_hours, mods.overtime_cap_hours)),
                float(p.safe_load),
                turnover.CONTAGION_DECAY,
                float(p.turnover_contagion),
                float(p.violence_level * scen.violence),
                float(p.supervisor_hours_per_report),
            ),
        )
        # 3-6 for every worker in one pass
        self.tallies = tallies = WeeklyTallies()
        leaving = self._leaving
        reasons = self._reasons
        worker_pass_in_chunks(
            s.chunks,
            s.real,
            s.flags,
            s.unit,
            s.role,
            self.wellbeing_classes,
            s.violence_ring[week % RING_WEEKS],
            unit_inputs,
            mods.post,
            mods.unit,
            self.coefficients,
            float(np.log(p.job_market * scen.job_market)),
            key,
            leaving,
            reasons,
            tallies.values,
            self._unit_real_sums,
        )
        # 6-7. Leavers are logged and open vacancies; searches end in offers or reposts
        search_weeks = p.time_to_fill_days / 7.0 * scen.time_to_fill * mods.time_to_fill
        logged = int(self.departure_log.size[0])
        n_starting, n_filled, n_leavers = self._recruit(leaving, reasons, key, search_weeks)
        leavers_by_role = self._leavers_by_role
        replacement = accounting.logged_replacement(
            self.departure_log.rows[:, logged : logged + n_leavers], self.unit_replacement_cost
        )
        if n_starting:
            starting = self._starting[:n_starting].copy()
            hire(s, starting, self._take_ids(n_starting), rng, p, initial=False)
        # 8. Supervisors
        n_sup_leaving = supervisor_pass(
            sup.exhaustion,
            sup.coping,
            sup.tenure_weeks,
            unit_sums,
            self.unit_posts,
            unit_inputs[UI["intensity"]],
            sup_admin,
            p.exhaustion_rate,
            p.recovery_rate,
            unit_normal[1],
            rng.random(n_units),
            self._supervisor_leaving,
        )
        if n_sup_leaving:
            units = np.flatnonzero(self._supervisor_leaving)
            replace_supervisors(sup, units, week, p, rng, self._take_ids(units.size))
        # 9. Accounting, and the 52-week window of rates
        costs = self._costs
        accounting.weekly_costs(
            replacement,
            tallies.values,
            agency_share * vacant_wage_hours,
            p.overtime_premium,
            p.agency_premium,
            p.cost_scale,
            intervention_cost,
            costs,
        )
        w = self.window
        close_week(
            tallies.values,
            leavers_by_role,
            self._fill_days[:n_filled],
            costs,
            w.ring,
            w.totals,
            w.position,
            self.ledger.totals,
        )
        week_events(tallies.values, self.unit_load, n_leavers, n_starting, costs, self.events)
        self.supervisor_departures = n_sup_leaving
        self.week += 1

    def _recruit(
        self, leaving: np.ndarray, reasons: np.ndarray, key: np.uint64, search_weeks: float
    ) -> tuple[int, int, int]:
        """Stages 6-7: log leavers, open their posts, end searches (sim.recruitment).

        Returns (new hires starting, searches ending in an accepted offer, leavers); the posts
        starting are the first entries of ``_starting``, the posts with an accepted offer of
        ``_accepted`` and their days to fill of ``_fill_days``.
        """
        p, s = self.params, self.workers
        self.departure_log.reserve(s.size)
        leavers_by_role = self._leavers_by_role
        leavers_by_role[:] = 0
        return vacancy_pass(
            s.real,
            s.flags,
            s.vacancy_phase,
            s.person_id,
            s.role,
            s.unit,
            leaving,
            reasons,
            key,
            self.week,
            search_weeks,
            p.search_success_prob,
            p.onboarding_weeks,
            self._starting,
            self._fill_days,
            leavers_by_role,
            self.unit_state[US["recent_leavers"]],
            self.departure_log.rows,
            self.departure_log.size,
            self._accepted,
        )

    def _reset_records(self) -> None:
        """Start the records at week 0 (after burn-in)."""
        self.departure_log.clear()
        self.ledger = accounting.Ledger()

    def _collect(self) -> None:
        self.metrics = weekly_metrics(self)
        self.datacollector.collect(self)

    # ---------------------------------------------------------------------------------------
    def summary(self) -> dict[str, float]:
        """Headline outcomes now (see sim.metrics.summarize)."""
        return summarize(self)

    def worker_table(self) -> pd.DataFrame:
        """One row per current worker (see sim.metrics.worker_records)."""
        return worker_records(self)

    def supervisor_table(self) -> pd.DataFrame:
        """One row per supervisor: unit, rated and delivered leadership, exhaustion, span."""
        sup = self.supervisors
        return pd.DataFrame(
            {
                "unit": np.arange(self.n_units),
                "unit_type": list(self.layout.unit_type_names),
                "person_id": sup.person_id,
                "leadership_score": sup.score,
                "leadership_delivered": sup.delivered,
                "exhaustion": sup.exhaustion,
                "span_of_control": np.bincount(
                    self.workers.unit, self.workers.filled, self.n_units
                ),
                "time_factor": sup.time_factor,
            }
        )

    def departures(self) -> pd.DataFrame:
        """Every departure since week 0: week, person, role, unit, reason, burned out, left job."""
        return self.departure_log.frame()

    def parameters(self) -> dict[str, Any]:
        """The full parameter set of this run (for records)."""
        return dataclasses.asdict(self.params)
