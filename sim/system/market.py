"""One labour market per profession: where leavers go, where new hires come from.

Every person of a profession is in exactly one place each week: in a post (employed), between
accepting an offer and starting (onboarding), or in one of the outside places of
:data:`PLACES` (job seekers, agency work, a hospital float pool, another sector, out of the
profession, retired, in training, recruited abroad and not yet arrived, left training). The
posts are the model's arrays; the outside places are whole-number counts per profession, moved
by binomial draws from the market's own random stream. Leavers come from the model's departure
log; offers the model's searches produce are accepted only while job seekers are left, so
vacancy rates and time to fill follow the size of the pool.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.parameters import ValidatedParameters, _param
from sim.stored import stored_param, stored_point

FIT_RECORD = Path(__file__).with_name("market_fit.json")
"""The record of ``python -m experiments.system_fit``: its ``best`` gives the fitted defaults."""
_SYSTEM_FIT = "python -m experiments.system_fit"
_FITTED = stored_point(FIT_RECORD, "best", _SYSTEM_FIT)


def _fitted(name: str, low: float, high: float, source: str) -> Any:
    """A fitted setting: its default is the fit record's best value (no hand-copied number)."""
    where = f"sim/system/{FIT_RECORD.name}"
    return stored_param(
        _FITTED, FIT_RECORD, _SYSTEM_FIT, name, (low, high), f"fitted: {source} ({where})"
    )


PLACES: tuple[str, ...] = (
    "seeking",
    "agency",
    "float_pool",
    "other_sector",
    "out_of_profession",
    "retired",
    "left_training",
)
(SEEKING, AGENCY, FLOAT, OTHER_SECTOR, OUT_OF_PROFESSION, RETIRED, LEFT_TRAINING) = range(
    len(PLACES)
)
DESTINATIONS: tuple[str, ...] = (
    "job seeking",
    "agency",
    "other sector",
    "out of profession",
    "retired",
)
"""Where a leaver goes first (job seekers are hired again by any organization of the system)."""
_DESTINATION_PLACE = np.array([SEEKING, AGENCY, OTHER_SECTOR, OUT_OF_PROFESSION, RETIRED])


def weekly(rate_per_year: float) -> float:
    """Weekly probability of an event with a constant yearly hazard ``rate_per_year``."""
    return float(-np.expm1(-rate_per_year / 52.0))


@dataclass(frozen=True)
class MarketParameters(ValidatedParameters):
    """Settings of the labour market: fitted to published system figures or assumptions.

    The fitted ones (source "fitted") come from ``python -m experiments.system_fit``, whose
    record (targets, seeds, settings, result) is ``sim/system/market_fit.json``.
    """

    to_agency_share: float = _fitted(
        "to_agency_share",
        0.0,
        1.0,
        "share of resigning leavers staying in the profession who take agency work "
        "(experiments.system_fit, chiefly to Kaufman Hall 2022's 2 % contract labour before "
        "the pandemic; was 0.15, an assumption)",
    )
    to_other_sector_share: float = _param(
        0.10,
        0.0,
        1.0,
        "assumption: share of resigning leavers staying in the profession who "
        "work outside the system's organizations (other region, non-clinical work)",
    )
    agency_pay_elasticity: float = _param(
        1.0,
        0.0,
        5.0,
        "assumption: the agency share of movers scales with (premium / base "
        "premium) to this power; a pay cap makes agency work less attractive",
    )
    agency_offer_elasticity: float = _fitted(
        "agency_offer_elasticity",
        0.0,
        10.0,
        "the agency share of movers also scales with the scenario's outside job offers "
        "(sim.scenarios job_market: travel agencies' offers) to this power "
        "(experiments.system_fit, chiefly to Kaufman Hall 2022's 5-12 % in Feb 2021-Feb 2022)",
    )
    agency_return_rate: float = _param(
        0.25, 0.0, 5.0, "assumption: yearly rate at which agency workers seek a permanent post"
    )
    other_sector_return_rate: float = _param(
        0.10, 0.0, 5.0, "assumption: yearly rate of return from another sector to job seeking"
    )
    out_of_profession_return_rate: float = _param(
        0.02, 0.0, 1.0, "assumption: yearly rate of return to the profession (some come back)"
    )
    seeker_exit_rate: float = _fitted(
        "seeker_exit_rate",
        0.0,
        10.0,
        "yearly rate at which job seekers take work in another sector while they wait "
        "(experiments.system_fit, chiefly to NSI's hospital RN vacancy; was 0.5, an assumption)",
    )
    agency_max_cover: float = _fitted(
        "agency_max_cover",
        0.0,
        1.0,
        "agency staff cover at most this share of vacant hours (credentials, unit "
        "knowledge; experiments.system_fit, the contract-labour figures; was 0.5, assumed)",
    )
    agency_hours_factor: float = _param(
        0.9, 0.1, 1.5, "assumption: an agency worker gives 90 % of a contracted week"
    )
    training_places: float = _param(
        40.0,
        0.0,
        500.0,
        "assumption: training places a year per 1,000 budgeted posts, "
        "sized so graduates replace those who leave the profession or retire",
    )
    training_weeks: int = _param(156, 1, 520, "assumption: a three-year programme")
    first_year_attrition: float = _param(
        0.15, 0.0, 1.0, "assumption: share of students leaving in the first year"
    )
    international_cap: float = _param(
        5.0, 0.0, 500.0, "assumption: international recruits a year per 1,000 posts at most"
    )
    international_per_vacancy: float = _param(
        0.01, 0.0, 1.0, "assumption: recruits sought abroad per vacant post per week"
    )
    international_lag_weeks: int = _param(
        26, 1, 260, "assumption: visa, registration and travel take about six months"
    )
    pay_weight: float = _param(
        3.0,
        0.0,
        20.0,
        "assumption: pull of relative pay on where a job seeker accepts (weight on log pay)",
    )
    burnout_weight: float = _param(
        2.0,
        0.0,
        20.0,
        "assumption: push of an organization's burnout prevalence on job "
        "seekers (word of mouth; weight per unit of prevalence)",
    )
    initial_seeking: float = _param(
        0.02, 0.0, 1.0, "assumption: job seekers at the start, per budgeted post"
    )
    initial_agency: float = _param(
        0.03, 0.0, 1.0, "assumption: agency workers at the start, per budgeted post"
    )
    initial_other_sector: float = _param(
        0.05, 0.0, 2.0, "assumption: profession members in other sectors, per budgeted post"
    )
    initial_out_of_profession: float = _param(
        0.10, 0.0, 2.0, "assumption: former members who could return, per budgeted post"
    )
    agency_pay_cap: float = _param(
        5.0, 0.0, 5.0, "policy: cap on the agency premium over staff wages (5 = no cap)"
    )
    early_quit_hazard_ltc: float = _fitted(
        "early_quit_hazard_ltc",
        1.0,
        20.0,
        "multiplier on the quit probability of long-term care nursing staff in their "
        "first early_tenure_weeks (short early spells; experiments.system_fit, chiefly to "
        "Gandhi 2021's payroll turnover of about 100 % a year); the excess quits are moves to "
        "another employer, not exits from the profession",
    )
    time_to_fill_ltc: float = _fitted(
        "time_to_fill_ltc",
        0.05,
        2.0,
        "multiplier on long-term care's search and onboarding weeks (nursing homes "
        "hire aides in weeks, not the hospitals' three months; experiments.system_fit, "
        "chiefly to AHCA 2008's nursing-facility vacancy)",
    )
    early_tenure_weeks: float = _param(
        26.0,
        0.0,
        104.0,
        "assumption: the early spell is the first six months (a usual probationary period)",
    )


class LabourMarket:
    """Outside places of every profession, their flows and the week's records.

    Args:
        params: the market's settings.
        posts_by_role: budgeted posts of each profession (the scale of the outside stocks).
        agency_premium: the model's agency premium over staff wages (before any cap).
        seed: seed of the market's own random stream.
    """

    def __init__(
        self,
        params: MarketParameters,
        posts_by_role: np.ndarray,
        agency_premium: float,
        seed: int,
        n_sectors: int,
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.posts_by_role = posts_by_role.astype(float)
        self.base_premium = agency_premium
        self.set_params(params)
        m = params
        n_roles = posts_by_role.size
        self.stocks = np.zeros((len(PLACES), n_roles), dtype=np.int64)
        for place, share in (
            (SEEKING, m.initial_seeking),
            (AGENCY, m.initial_agency),
            (OTHER_SECTOR, m.initial_other_sector),
            (OUT_OF_PROFESSION, m.initial_out_of_profession),
        ):
            self.stocks[place] = np.round(share * self.posts_by_role).astype(np.int64)
        # Training cohorts by weeks since intake (a steady pipeline at the start), and recruits
        # abroad by weeks to arrival.
        intake = m.training_places / 1000.0 * self.posts_by_role / 52.0
        cohort = np.floor(intake).astype(np.int64)
        self.training = np.repeat(cohort[None, :], m.training_weeks, axis=0)
        self.training[52:] = np.floor(intake * (1.0 - m.first_year_attrition)).astype(np.int64)
        self.abroad = np.zeros((m.international_lag_weeks, n_roles), dtype=np.int64)
        self.entered = np.zeros(n_roles, dtype=np.int64)  # people who joined since the start
        self.flows = np.zeros((n_sectors, len(DESTINATIONS)), dtype=np.int64)
        self.hires_by_sector = np.zeros(n_sectors, dtype=np.int64)
        self.graduates = np.zeros(n_roles, dtype=np.int64)
        self.international = np.zeros(n_roles, dtype=np.int64)

    def set_params(self, params: MarketParameters) -> None:
        """Use ``params`` from now on (a policy changes the market's settings).

        The agency premium is the model's, capped by ``agency_pay_cap``; the share of movers who
        take agency work scales with (capped / uncapped premium) ^ ``agency_pay_elasticity``
        (assumption).
        """
        self.params = params
        self.premium = min(self.base_premium, params.agency_pay_cap)
        ratio = self.premium / self.base_premium if self.base_premium > 0 else 1.0
        self.agency_share = min(params.to_agency_share * ratio**params.agency_pay_elasticity, 1.0)

    def reset_records(self) -> None:
        """Start the flow records now (after burn-in)."""
        self.flows[:] = 0
        self.hires_by_sector[:] = 0
        self.graduates[:] = 0
        self.international[:] = 0

    def outside(self) -> np.ndarray:
        """People of each profession outside the posts (stocks, training and abroad)."""
        return self.stocks.sum(axis=0) + self.training.sum(axis=0) + self.abroad.sum(axis=0)

    # -------------------------------------------------------------------------------------
    def route_leavers(
        self,
        role: np.ndarray,
        sector: np.ndarray,
        resigned: np.ndarray,
        left: np.ndarray,
        moved: np.ndarray,
        offers: float = 1.0,
    ) -> None:
        """Send this week's leavers to their first outside place.

        Retirements go to retired; leavers the model marks as leaving the profession
        (sim.turnover.leaves_profession) out of it; job-to-job moves (``moved``: the quits a
        sector's own hazard adds) to job seeking; other resignations to agency work
        (``to_agency_share``, scaled by the agency premium and by the outside job ``offers``
        of the week's scenario ^ ``agency_offer_elasticity``), another sector
        (``to_other_sector_share``) or job seeking (the rest; assumptions).
        """
        u = self.rng.random(role.size)
        other = self.params.to_other_sector_share
        agency = min(self.agency_share * offers**self.params.agency_offer_elasticity, 1.0 - other)
        movers = np.where(u < agency, 1, np.where(u < agency + other, 2, 0))
        movers[moved] = 0
        destination = np.where(~resigned, 4, np.where(left, 3, movers))
        np.add.at(self.stocks, (_DESTINATION_PLACE[destination], role), 1)
        np.add.at(self.flows, (sector, destination), 1)

    def move_outside(self, vacancies_by_role: np.ndarray) -> None:
        """One week of flows between outside places, training and international recruitment."""
        m, rng, s = self.params, self.rng, self.stocks
        # Returns (assumption rates): agency and other sectors to job seeking, some former
        # members back to the profession; job seekers who wait take work elsewhere.
        for origin, target, rate in (
            (AGENCY, SEEKING, m.agency_return_rate),
            (OTHER_SECTOR, SEEKING, m.other_sector_return_rate),
            (OUT_OF_PROFESSION, SEEKING, m.out_of_profession_return_rate),
            (SEEKING, OTHER_SECTOR, m.seeker_exit_rate),
        ):
            moved = rng.binomial(s[origin], weekly(rate))
            s[origin] -= moved
            s[target] += moved
        # Training: the week's intake (stochastic rounding), first-year attrition at one year,
        # graduation into job seeking after training_weeks (assumptions).
        intake = m.training_places / 1000.0 * self.posts_by_role / 52.0
        new = np.floor(intake + rng.random(intake.size)).astype(np.int64)
        if m.training_weeks > 52:
            dropped = rng.binomial(self.training[51], m.first_year_attrition)
            self.training[51] -= dropped
            s[LEFT_TRAINING] += dropped
        graduates = self.training[-1].copy()
        self.training[1:] = self.training[:-1]
        self.training[0] = new
        s[SEEKING] += graduates
        self.graduates += graduates
        # International recruitment: recruits sought per vacancy up to the yearly cap, arriving
        # after the lag (assumptions).
        cap = m.international_cap / 1000.0 * self.posts_by_role / 52.0
        wanted = np.minimum(m.international_per_vacancy * vacancies_by_role, cap)
        recruits = np.floor(wanted + rng.random(wanted.size)).astype(np.int64)
        arrivals = self.abroad[-1].copy()
        self.abroad[1:] = self.abroad[:-1]
        self.abroad[0] = recruits
        s[SEEKING] += arrivals
        self.international += arrivals
        self.entered += new + recruits

    def accept(self, role: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Which of this week's offers (by role, pull ``weight``) a job seeker accepts.

        Offers of a profession beyond its job seekers go to the most attractive organizations
        first (weighted sampling without replacement, Efraimidis-Spirakis keys u^(1/w));
        returns a bool per offer, and takes the accepted from the seekers.
        """
        accepted = np.ones(role.size, dtype=np.bool_)
        for r in range(self.stocks.shape[1]):
            offers = np.flatnonzero(role == r)
            seekers = int(self.stocks[SEEKING, r])
            if offers.size > seekers:
                keys = self.rng.random(offers.size) ** (1.0 / weight[offers])
                refused = offers[np.argsort(-keys, kind="stable")[seekers:]]
                accepted[refused] = False
            self.stocks[SEEKING, r] -= min(offers.size, seekers)
        return accepted

    def staff_float_pool(self, need: int, role: int) -> int:
        """Fill ``need`` float-pool places of ``role`` from job seekers, then agency.

        Returns the number staffed; surplus float staff go back to job seeking.
        """
        s = self.stocks
        short = need - int(s[FLOAT, role])
        if short < 0:
            s[SEEKING, role] -= short
            s[FLOAT, role] = need
            return need
        for origin in (SEEKING, AGENCY):
            take = min(short, int(s[origin, role]))
            s[origin, role] -= take
            s[FLOAT, role] += take
            short -= take
        return int(s[FLOAT, role])
