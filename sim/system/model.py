"""A health system: many organizations in one vectorized state, with one labour market.

:class:`HealthSystem` is a :class:`sim.model.WorkforceModel` whose posts belong to many
organizations (units numbered across them, ``unit_org`` giving each unit's organization); the
same compiled kernels step every worker of every organization each week. With ``market=None``
the outside world is the single-organization model's fixed market; otherwise leavers, agency
cover and new hires go through :class:`sim.system.market.LabourMarket`.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numba import njit

from sim.interventions import SafeStaffing
from sim.jit import compiled, in_chunks
from sim.layout import (
    D_LEFT_PROFESSION,
    D_REASON,
    D_ROLE,
    D_UNIT,
    P_QUIT_HAZARD,
    R_TENURE_WEEKS,
    R_VACANCY_EVENT_WEEK,
    S_EXHAUSTION_SUM,
    S_HEADCOUNT,
    S_OPEN_HOURS,
    S_PRESENT,
    T_HEADCOUNT,
    UL,
)
from sim.model import BURN_IN_WEEKS, WorkforceModel
from sim.organization import ROLE_NAMES, ROLES, Layout
from sim.recruitment import SEARCH_DURATION_SHAPE
from sim.state import OFFER_ACCEPTED, SEARCHING
from sim.system.config import SECTORS, build_system_layout, parse_groups
from sim.system.market import AGENCY, LabourMarket, MarketParameters
from sim.system.policies import Policy
from sim.turnover import RESIGNATION

AGENT_LIMIT = 50_000  # assumption: above this many posts Mesa agent views cost more than they help
ROLE_HOURS = np.array([r.contracted_hours for r in ROLES])
NURSE = ROLE_NAMES.index("nurse")
PHYSICIAN = ROLE_NAMES.index("physician")
LONG_TERM_CARE = SECTORS.index("long_term_care")
# Per-organization sums kept each week from week 0 (rows of HealthSystem.org_sums).
ORG_SUMS = (
    "leavers",
    "hires",
    "agency_hours",
    "absent_weeks",
    "headcount_weeks",
    "agency_hours_second_year",
)
SECOND_YEAR = (78, 130)
"""Weeks of the second year after the default pandemic's onset (week 26: sim.scenarios), when
Kaufman Hall measured hospitals' contract labour at 5-12 % (Feb 2021 to Feb 2022)."""


def flag_counts(chunks: np.ndarray, unit: np.ndarray, flag: np.ndarray, n_units: int) -> np.ndarray:
    """Posts of each unit whose ``flag`` is set, as ``np.bincount(unit, flag)``.

    Without bincount's float copy of the flags (24 MB a week at 3 million posts), counted over
    ``chunks`` of whole units on threads (sim.jit.in_chunks; whole numbers, exact in any order).
    """
    out = np.zeros(n_units)

    def chunk(ch: int) -> None:
        _count_flags(chunks[ch], chunks[ch + 1], unit, flag, out)

    for _ in in_chunks(chunk, chunks.size - 1):
        pass
    return out


@compiled
def _count_flags(first: int, end: int, unit: np.ndarray, flag: np.ndarray, out: np.ndarray) -> None:
    """:func:`flag_counts` of posts ``first`` to ``end`` (laid out unit by unit)."""
    if first >= end:
        return
    current = unit[first]
    count = 0
    for i in range(first, end):
        if unit[i] != current:
            out[current] += count
            current = unit[i]
            count = 0
        count += flag[i]
    out[current] += count


@compiled
def write_quit_levers(
    posts: np.ndarray,
    tenure_weeks: np.ndarray,
    early_weeks: float,
    early_hazard: float,
    sector_hazard: np.ndarray,
    levers: np.ndarray,
    multiply: bool,
) -> None:
    """Sector quit hazard of ``posts`` into ``sector_hazard`` and onto ``levers``.

    ``early_hazard`` before ``early_weeks`` of tenure, else 1; ``multiply`` keeps the levers'
    values (interventions), otherwise they are set.
    """
    for p in posts:
        hazard = early_hazard if tenure_weeks[p] < early_weeks else 1.0
        sector_hazard[p] = hazard
        if multiply:
            levers[p] *= hazard
        else:
            levers[p] = hazard


# Without fast-math: numpy's rounding, step by step (no fused multiply-add).
@njit(cache=True, nogil=True)
def stretch_changed(
    posts: np.ndarray, before: np.ndarray, events: np.ndarray, week: float, scale: float
) -> None:
    """Event weeks of ``posts`` set this week (changed from ``before``), stretched by ``scale``.

    Each lies ``scale`` times as far from ``week`` as it was set.
    """
    for k in range(posts.size):
        p = posts[k]
        if events[p] != before[k]:
            events[p] = week + (events[p] - week) * scale


@njit(cache=True, nogil=True)
def org_sums_of_week(
    unit_org: np.ndarray,
    unit_agency: np.ndarray,
    unit_sums: np.ndarray,
    unit_burned: np.ndarray,
    second_year: bool,
    org_sums: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Add the week's per-organization sums (``ORG_SUMS`` rows 2-5); return burnout and exhaustion.

    Burnout prevalence and mean exhaustion of each organization's workforce. Added unit by
    unit as ``np.bincount`` adds them, without fast-math: the same numbers.
    """
    n = org_sums.shape[1]
    org_burnout = np.empty(n)
    org_exhaustion = np.empty(n)
    agency = np.zeros(n)
    absent = np.zeros(n)
    headcount = np.zeros(n)
    burned = np.zeros(n)
    exhaustion = np.zeros(n)
    for u in range(unit_org.size):
        o = unit_org[u]
        agency[o] += unit_agency[u]
        absent[o] += unit_sums[S_HEADCOUNT, u] - unit_sums[S_PRESENT, u]
        headcount[o] += unit_sums[S_HEADCOUNT, u]
        burned[o] += unit_burned[u]
        exhaustion[o] += unit_sums[S_EXHAUSTION_SUM, u]
    for o in range(n):
        org_sums[2, o] += agency[o]
        if second_year:
            org_sums[5, o] += agency[o]
        org_sums[3, o] += absent[o]
        org_sums[4, o] += headcount[o]
        org_burnout[o] = burned[o] / max(headcount[o], 1.0)
        org_exhaustion[o] = exhaustion[o] / max(headcount[o], 1.0)
    return org_burnout, org_exhaustion


def market_parameters(market: Any) -> MarketParameters | None:
    """``market`` as settings: None or "fixed" (a fixed outside market), a mapping or settings."""
    if market is None or market == "fixed":
        return None
    if isinstance(market, MarketParameters):
        return market
    if isinstance(market, Mapping):
        return MarketParameters.from_kwargs(**market)
    raise ValueError(f"market = {market!r}; allowed: 'fixed', None or a mapping of settings")


class HealthSystem(WorkforceModel):
    """Many organizations stepped together, in a fixed outside market or one labour market.

    Args:
        organizations: groups of organizations (sim.system.config.OrganizationGroup fields:
            ``type``, ``size``, ``count``, ``sector``, ``pay``).
        market: settings of the labour market (sim.system.market.MarketParameters), or None /
            ``"fixed"`` for the single-organization model's fixed outside market.
        rng, pressure, interventions, burn_in_weeks, collect_data, **params: as
            :class:`sim.model.WorkforceModel` (``n_workers`` and ``organization`` come from
            ``organizations``).
    """

    def __init__(
        self,
        organizations: Sequence[Mapping[str, Any]],
        rng: int | np.random.Generator | None = None,
        pressure: Any = None,
        interventions: Sequence[Any] = (),
        burn_in_weeks: int = BURN_IN_WEEKS,
        collect_data: bool = True,
        market: Any = None,
        **params: Any,
    ) -> None:
        self.groups = parse_groups(organizations)
        taken = sorted({"n_workers", "organization"} & set(params))
        if taken:
            raise ValueError(f"{taken} are set by the organizations list, not as parameters")
        self.market_params = market_parameters(market)
        self.market: LabourMarket | None = None
        super().__init__(
            rng,
            pressure,
            interventions,
            burn_in_weeks,
            collect_data,
            n_workers=sum(g.size * g.count for g in self.groups),
            organization=self.groups[0].type,
            **params,
        )

    # ---------------------------------------------------------------------------------------
    def _build_layout(self) -> Layout:
        """Every organization's posts in one layout; the labour market sized on them."""
        self.system = build_system_layout(self.groups, self.params.posts_per_unit)
        layout = self.system.layout
        self.unit_org = self.system.unit_org
        self.n_orgs = self.system.n_orgs
        self.unit_sector = self.system.org_sector[self.unit_org]
        self.posts_by_role = np.bincount(layout.post_role, minlength=len(ROLES))
        n_units = layout.n_units
        self.org_sums = np.zeros((len(ORG_SUMS), self.n_orgs))
        self.org_burnout = np.zeros(self.n_orgs)
        self.org_exhaustion = np.zeros(self.n_orgs)
        self.unit_burned = np.zeros(n_units)
        post_sector = self.system.org_sector[self.unit_org[layout.post_unit]]
        # Nursing staff of long-term care (nurses, aides as allied staff; not physicians): the
        # only posts with a sector quit hazard, so the weekly work touches only them.
        self.post_ltc_nursing = (post_sector == LONG_TERM_CARE) & (layout.post_role != PHYSICIAN)
        self.ltc_nursing_posts = np.flatnonzero(self.post_ltc_nursing)
        self.sector_quit_hazard = np.ones(layout.post_unit.size)
        if self.market_params is not None:
            self.market = LabourMarket(
                self.market_params,
                self.posts_by_role,
                self.params.agency_premium,
                self.intervention_seed + 1,
                len(SECTORS),
            )
            self.params = self.params.replace(agency_premium=self.market.premium)
        return layout

    def _create_agents(self) -> None:
        """Mesa agent views only for small systems (the arrays are the truth)."""
        if self.params.n_workers <= AGENT_LIMIT:
            super()._create_agents()

    def apply_interventions(self) -> float:
        """The interventions' levers and cost, with float-pool hours staffed from the market.

        Float-pool hours (safe staffing, ratio mandates) are staffed by job seekers, then agency
        workers; hours and their cost are scaled down to the people found.
        """
        cost = super().apply_interventions()
        market = self.market
        if market is None:
            return cost
        self._write_quit_levers(multiply=True)
        per_nurse = ROLE_HOURS[NURSE] * (1.0 - self.params.admin_share)
        extra = self.modifiers.extra_clinical_hours
        need = int(np.ceil(extra.sum() / per_nurse))
        staffed = market.staff_float_pool(need, NURSE)
        if staffed < need:
            scale = staffed / need
            extra *= scale
            for intervention in self.interventions:
                if isinstance(intervention, SafeStaffing):
                    cost -= (1.0 - scale) * intervention.mechanism_cost(self)
                    intervention.hours *= scale
        return cost

    def _write_quit_levers(self, multiply: bool) -> None:
        """This week's sector quit hazards on the quit lever (a market system only).

        Nursing staff of long-term care quit ``early_quit_hazard_ltc`` times as often in their
        first ``early_tenure_weeks`` (short early spells; see MarketParameters). ``multiply``
        keeps what the interventions wrote; otherwise their levers are set (no intervention
        ran this week; no other post's lever is touched).
        """
        m = self.market.params  # type: ignore[union-attr]
        write_quit_levers(
            self.ltc_nursing_posts,
            self.workers.real[R_TENURE_WEEKS],
            float(m.early_tenure_weeks),
            float(m.early_quit_hazard_ltc),
            self.sector_quit_hazard,
            self.modifiers.post[P_QUIT_HAZARD],
            multiply,
        )

    def agency_cover_share(self) -> float:
        """Share of open hours the market's agency workers cover this week.

        At most ``agency_max_cover`` of last week's open hours (assumption: credentials and unit
        knowledge limit agency cover).
        """
        market = self.market
        if market is None:
            return super().agency_cover_share()
        m = market.params
        hours = float(market.stocks[AGENCY] @ ROLE_HOURS) * (1.0 - self.params.admin_share)
        open_hours = float(self._unit_sums[S_OPEN_HOURS].sum())
        if open_hours <= 0.0:
            return m.agency_max_cover
        return min(m.agency_max_cover, hours * m.agency_hours_factor / open_hours)

    def _recruit(
        self, leaving: np.ndarray, reasons: np.ndarray, key: np.uint64, search_weeks: float
    ) -> tuple[int, int, int]:
        """The model's vacancy pass and the market, long-term care's waits scaled.

        Long-term care's searches, reposts and onboarding set this week last
        ``time_to_fill_ltc`` times as long (nursing homes hire aides in weeks; assumption).
        """
        if self.market is None:
            return self._market_recruit(leaving, reasons, key, search_weeks)
        posts = self.ltc_nursing_posts
        events = self.workers.real[R_VACANCY_EVENT_WEEK]
        before = events[posts]
        counts = self._market_recruit(leaving, reasons, key, search_weeks)
        scale = float(self.market.params.time_to_fill_ltc)
        stretch_changed(posts, before, events, float(self.week), scale)
        return counts

    def _market_recruit(
        self, leaving: np.ndarray, reasons: np.ndarray, key: np.uint64, search_weeks: float
    ) -> tuple[int, int, int]:
        """The model's vacancy pass, then the market: leavers out, offers met by job seekers."""
        first = int(self.departure_log.size[0])
        n_starting, n_filled, n_leavers = super()._recruit(leaving, reasons, key, search_weeks)
        rows = self.departure_log.rows[:, first : first + n_leavers]
        leaver_org = self.unit_org[rows[D_UNIT]]
        self.org_sums[0] += np.bincount(leaver_org, minlength=self.n_orgs)
        market = self.market
        if market is None:
            return n_starting, n_filled, n_leavers
        resigned = rows[D_REASON] == RESIGNATION
        # The quits a sector hazard adds (the share 1 - 1/hazard of its leavers) are moves to
        # another employer through job seeking, not exits from the profession nor agency work
        # (assumption; the vacancy pass logs leavers in post order).
        hazard = self.sector_quit_hazard[np.flatnonzero(leaving)]
        moved = (market.rng.random(n_leavers) * hazard >= 1.0) & resigned
        rows[D_LEFT_PROFESSION] &= ~moved
        market.route_leavers(
            rows[D_ROLE],
            self.system.org_sector[leaver_org],
            resigned,
            rows[D_LEFT_PROFESSION] == 1,
            moved,
            self.external.state(self.week).job_market,
        )
        headcount = self.tallies.values[T_HEADCOUNT : T_HEADCOUNT + len(ROLES)]
        market.move_outside(np.maximum(self.posts_by_role - headcount, 0.0))
        if not n_filled:
            return n_starting, n_filled, n_leavers
        s = self.workers
        offered = self._accepted[:n_filled].copy()
        org = self.unit_org[s.unit[offered]]
        m = market.params
        pull = self.system.org_pay[org] ** m.pay_weight * np.exp(
            -m.burnout_weight * self.org_burnout[org]
        )
        accepted = market.accept(s.role[offered], pull)
        refused = offered[~accepted]
        # Assumption: an offer no job seeker takes is reposted as a new search of the usual
        # length (sim.recruitment.search_weeks); the time since posting keeps running.
        s.vacancy_phase[refused] = SEARCHING
        mean = max(search_weeks - 0.5, 0.1)
        s.real[R_VACANCY_EVENT_WEEK, refused] = self.week + market.rng.gamma(
            SEARCH_DURATION_SHAPE, mean / SEARCH_DURATION_SHAPE, refused.size
        )
        n_accepted = int(accepted.sum())
        self._fill_days[:n_accepted] = self._fill_days[:n_filled][accepted]
        hired_org = org[accepted]
        self.org_sums[1] += np.bincount(hired_org, minlength=self.n_orgs)
        market.hires_by_sector += np.bincount(
            self.system.org_sector[hired_org], minlength=len(SECTORS)
        )
        return n_starting, n_accepted, n_leavers

    def _advance_week(self, apply_interventions: bool) -> None:
        """One week of the model, then the per-organization sums and burnout prevalence.

        Sector quit hazards go on the levers first when no intervention writes them this week.
        """
        if self.market is not None and not (apply_interventions and self.interventions):
            self._write_quit_levers(multiply=False)
        week = self.week
        super()._advance_week(apply_interventions)
        s = self.workers
        self.unit_burned = flag_counts(s.chunks, s.unit, s.burned_out, self.n_units)
        self.org_burnout, self.org_exhaustion = org_sums_of_week(
            self.unit_org,
            self.unit_load[UL["agency_hours"]],
            self._unit_sums,
            self.unit_burned,
            SECOND_YEAR[0] <= week < SECOND_YEAR[1],
            self.org_sums,
        )

    def _reset_records(self) -> None:
        """Start every record at week 0, the market's flows and organization sums too."""
        super()._reset_records()
        self.org_sums[:] = 0.0
        if self.market is not None:
            self.market.reset_records()

    def apply_policy(self, policy: Policy) -> None:
        """Start ``policy`` now: its labour-market settings and its interventions."""
        if policy.market or policy.market_factors:
            if self.market is None:
                raise ValueError(f"policy {policy.name!r} needs a labour market (market=...)")
            old = self.market.params
            factors = {k: getattr(old, k) * f for k, f in policy.market_factors.items()}
            self.market.set_params(old.replace(**policy.market, **factors))
            self.params = self.params.replace(agency_premium=self.market.premium)
        self.start_interventions([*self.interventions, *policy.interventions(self)])

    # ---------------------------------------------------------------------------------------
    def people_by_role(self) -> np.ndarray:
        """Every person of each profession: in posts, onboarding, and outside (conservation)."""
        s = self.workers
        inside = np.bincount(
            s.role[s.filled | (s.vacancy_phase == OFFER_ACCEPTED)], minlength=len(ROLES)
        )
        outside = self.market.outside() if self.market is not None else 0
        return inside + outside
