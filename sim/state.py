"""Worker and supervisor state as structures of numpy arrays, one element per post or unit.

The arrays are the truth; Mesa agents (sim.agents) are views on them. A post keeps its index for
the whole run; the person holding it changes when someone leaves and a new hire starts.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.jit import compiled, post_chunks
from sim.layout import (
    F_ABSENT,
    F_BURNED_OUT,
    F_FILLED,
    FLAG_FIELDS,
    R_AGE_YEARS,
    R_CONTRACTED_HOURS,
    R_COPING,
    R_CYNICISM,
    R_EMOTIONAL_OFFSET,
    R_ENGAGEMENT,
    R_EXHAUSTION,
    R_HOURS,
    R_INTENT,
    R_RECOGNITION,
    R_SENSITIVITY,
    R_TENURE_WEEKS,
    R_TRUST,
    R_VIOLENCE_FRAILTY,
    R_VIOLENCE_LOAD,
    R_WELLBEING,
    R_WELLBEING_TRAIT,
    REAL_FIELDS,
    VIOLENCE_TYPES,
)
from sim.layout import F as F
from sim.layout import R as R
from sim.organization import ROLES, UNIT_TYPES, Layout
from sim.rows import add_rows, zeros

if TYPE_CHECKING:
    from sim.parameters import ModelParameters

# Liu 2019 (meta-analysis, 331,544 health workers): past-year exposure verbal 57.6 %, threats
# 33.2 %, physical 24.4 %, sexual harassment 12.4 %. The yearly incident rates below apply in a
# reference setting (medical ward, nurse, average frailty); with the unit and role weights and the
# gamma frailty they land the organization-wide past-year exposure near those shares.
VIOLENCE_ANNUAL_RATES = np.array([2.6, 0.8, 0.5, 0.21])
# Assumption: relative strain of one incident of each type (physical assault worst).
VIOLENCE_SEVERITY = np.array([0.3, 0.6, 1.0, 0.8])
# Assumption: gamma frailty shape; exposure clusters in some people and posts (Liu 2019 shows
# "any" only a little above "verbal", so the types strike the same people).
VIOLENCE_FRAILTY_SHAPE = 0.6
RING_WEEKS = 52

# Vacancy phases of a post.
FILLED, SEARCHING, OFFER_ACCEPTED = 0, 1, 2


class WorkerState:
    """Per-post state as a structure of arrays (rows of ``real`` and ``flags``)."""

    # Row attributes (views into ``real`` and ``flags``) are added below the class.
    contracted_hours: np.ndarray
    violence_weight: np.ndarray
    age_years: np.ndarray
    tenure_weeks: np.ndarray
    coping: np.ndarray
    sensitivity: np.ndarray
    resource_state: np.ndarray
    wellbeing_trait: np.ndarray
    emotional_offset: np.ndarray
    violence_frailty: np.ndarray
    nonwork_base: np.ndarray
    dp_trait: np.ndarray
    md_trait: np.ndarray
    shift_fatigue: np.ndarray
    long_shift: np.ndarray
    rating_offset: np.ndarray
    life_strain: np.ndarray
    moral_distress: np.ndarray
    absence_weeks: np.ndarray
    exhaustion: np.ndarray
    cynicism: np.ndarray
    engagement: np.ndarray
    trust: np.ndarray
    wellbeing: np.ndarray
    recognition: np.ndarray
    violence_load: np.ndarray
    intent: np.ndarray
    hours: np.ndarray
    vacancy_event_week: np.ndarray
    search_started_week: np.ndarray
    filled: np.ndarray
    absent: np.ndarray
    burned_out: np.ndarray

    def __init__(self, unit: np.ndarray, role: np.ndarray) -> None:
        n = unit.size
        self.unit = unit.astype(np.intp)
        self.role = role.astype(np.int8)
        self.real = zeros(REAL_FIELDS, n)
        self.flags = zeros(FLAG_FIELDS, n, dtype=np.bool_)
        self.person_id = np.full(n, -1, dtype=np.int64)
        self.vacancy_phase = np.full(n, SEARCHING, dtype=np.int8)
        self.violence_ring = np.zeros((RING_WEEKS, len(VIOLENCE_TYPES), n), dtype=np.uint8)
        self.chunks = post_chunks(self.unit)  # runs of whole units for parallel loops (sim.jit)

    @classmethod
    def for_layout(cls, layout: Layout) -> "WorkerState":
        """Allocate arrays for every post of ``layout``."""
        role_hours = np.array([r.contracted_hours for r in ROLES])
        role_violence = np.array([r.violence_weight for r in ROLES])
        unit_violence = np.array([UNIT_TYPES[t].violence_weight for t in layout.unit_type_names])
        state = cls(layout.post_unit, layout.post_role)
        state.contracted_hours = role_hours[layout.post_role]
        state.violence_weight = unit_violence[layout.post_unit] * role_violence[layout.post_role]
        state.long_shift, mid = shift_patterns(layout.post_role)
        state.shift_fatigue = 1.0 + 0.5 * mid  # the long-shift increment is added by the model
        return state

    @property
    def size(self) -> int:
        """Number of posts."""
        return self.unit.size


def shift_patterns(post_role: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each post's shift pattern: (long, mid) indicators for 12-h+ and 9-11-h shifts.

    Fixed by the layout (a golden-ratio sequence over each role's posts, so every unit gets its
    share and arms sharing a seed share the roster); shares from sim.organization.ROLES.
    """
    long_share = np.array([r.long_shift_share for r in ROLES])[post_role]
    mid_share = np.array([r.mid_shift_share for r in ROLES])[post_role]
    rank = np.zeros(post_role.size)
    for r in range(len(ROLES)):
        posts = np.flatnonzero(post_role == r)
        rank[posts] = (np.arange(posts.size) * 0.6180339887498949) % 1.0
    long = (rank < long_share).astype(float)
    mid = ((rank >= long_share) & (rank < long_share + mid_share)).astype(float)
    return long, mid


add_rows(WorkerState, "real", REAL_FIELDS)
add_rows(WorkerState, "flags", FLAG_FIELDS)


def hire(
    state: WorkerState,
    posts: np.ndarray,
    first_person_id: int,
    rng: np.random.Generator,
    params: "ModelParameters",
    initial: bool,
) -> None:
    """Put new people into ``posts``; ``initial`` draws a settled workforce, not new hires.

    Trait distributions are assumptions: coping and sensitivity log-normal with mean 1; the
    well-being trait N(``wellbeing_trait_mean``, ``wellbeing_trait_sd``) clipped to [0, 1] (an
    MHC-SF item mean near 3 of 5; mean and spread calibrated to Keyes 2002's and the Italian
    health workers' shares of flourishing, moderate and languishing, docs/calibration.md);
    age of the initial workforce ~ N(42, 10), of new hires 22 + Gamma(2, 4) (mean 30); tenure of
    the initial workforce exponential with mean 7 years (assumption), capped by working age.
    """
    k = posts.size
    if k == 0:
        return
    # Coping = stable trait x changing state (sim.wellbeing.next_resource_state): the trait keeps
    # 1 - resource_state_share of coping's log-variance, the state (drawn here from its stationary
    # distribution, stored on the log scale) the rest.
    share = params.resource_state_share
    coping_sd = params.coping_sd * np.sqrt(1.0 - share)
    wellbeing_trait_mean, wellbeing_trait_sd = (
        params.wellbeing_trait_mean,
        params.wellbeing_trait_sd,
    )
    normal = rng.standard_normal((5, k))
    uniform = rng.random((4, k))
    frailty = rng.gamma(VIOLENCE_FRAILTY_SHAPE, 1.0 / VIOLENCE_FRAILTY_SHAPE, k)
    _write_new_hires(
        state.real,
        state.flags,
        state.vacancy_phase,
        state.person_id,
        state.violence_ring,
        posts,
        first_person_id,
        coping_sd,
        initial,
        wellbeing_trait_mean,
        wellbeing_trait_sd,
        normal,
        uniform,
        frailty,
    )
    if share > 0.0:  # no draw when coping is stable: the same numbers as before the state
        state.resource_state[posts] = np.sqrt(share) * params.coping_sd * rng.standard_normal(k)
    else:
        state.resource_state[posts] = 0.0
    _draw_person_traits(state, posts, rng, params, initial)


# Stable personal traits beyond coping and sensitivity (assumptions, each in the sensitivity
# space through the parameter that scales it): strain from outside work is Gamma(shape 2) around
# ``nonwork_strain`` (caregiving and health are unequally spread); the tendency to
# depersonalization N(0.12, 0.08) (MBI depersonalization of about 4 of 30 when at ease); moral
# sensitivity Beta with mean ``moral_distress_trait_mean`` and SD 0.15.
NONWORK_SHAPE = 2.0
DP_TRAIT_MEAN, DP_TRAIT_SD = 0.12, 0.08
MD_TRAIT_SD = 0.15
# Work strain of a typical post at budgeted load (sim.wellbeing.work_strain), used only to start
# the initial workforce near its settled exhaustion (assumption; the burn-in does the rest).
TYPICAL_WORK_STRAIN = 0.9


def _beta_draw(rng: np.random.Generator, mean: float, sd: float, k: int) -> np.ndarray:
    """Beta draws with the given mean and SD (SD shrunk if the mean leaves no room)."""
    m = min(max(mean, 1e-3), 1 - 1e-3)
    v = min(sd * sd, 0.9 * m * (1 - m))
    nu = m * (1 - m) / v - 1.0
    return rng.beta(m * nu, (1 - m) * nu, k)


def _draw_person_traits(
    state: WorkerState,
    posts: np.ndarray,
    rng: np.random.Generator,
    params: "ModelParameters",
    initial: bool,
) -> None:
    """Draw the person-level traits of new holders of ``posts`` (see the constants above)."""
    k = posts.size
    normal = rng.standard_normal((3, k))
    state.nonwork_base[posts] = rng.gamma(NONWORK_SHAPE, params.nonwork_strain / NONWORK_SHAPE, k)
    state.dp_trait[posts] = np.clip(DP_TRAIT_MEAN + DP_TRAIT_SD * normal[0], 0.0, 1.0)
    state.md_trait[posts] = _beta_draw(rng, params.moral_distress_trait_mean, MD_TRAIT_SD, k)
    state.rating_offset[posts] = params.rating_noise_sd * normal[1]
    state.life_strain[posts] = 0.0
    state.absence_weeks[posts] = 0.0
    state.moral_distress[posts] = state.md_trait[posts]
    if initial:
        # Start near each person's settled exhaustion: the stock's equilibrium a S / (a S + b R)
        # at typical strain (Homer 1985 form, sim.wellbeing.next_exhaustion).
        a, b = params.exhaustion_rate, params.recovery_rate
        # Personal resources now (sim.wellbeing.next_resource_state) scale both sides.
        shift = 0.5 * params.resource_state_share * params.coping_sd**2
        x = state.resource_state[posts]
        sensitivity = state.sensitivity[posts] * np.exp(-x - shift)
        strain = sensitivity * TYPICAL_WORK_STRAIN + state.nonwork_base[posts]
        coping = state.coping[posts] * np.exp(x - shift)
        settled = a * strain / np.maximum(a * strain + b * coping, 1e-12)
        state.exhaustion[posts] = np.clip(settled + 0.05 * normal[2], 0.0, 1.0)
        state.cynicism[posts] = np.clip(
            state.dp_trait[posts] + 0.45 * (state.exhaustion[posts] - 0.4), 0.0, 1.0
        )


@compiled
def _write_new_hires(
    real: np.ndarray,
    flags: np.ndarray,
    phase: np.ndarray,
    person_id: np.ndarray,
    violence_ring: np.ndarray,
    posts: np.ndarray,
    first_person_id: int,
    coping_sd: float,
    initial: bool,
    wellbeing_trait_mean: float,
    wellbeing_trait_sd: float,
    normal: np.ndarray,
    uniform: np.ndarray,
    frailty: np.ndarray,
) -> None:
    """Write the traits and starting state of new people into ``posts`` (see :func:`hire`)."""
    for j in range(posts.size):
        i = posts[j]
        if initial:
            age = min(max(42.0 + 10.0 * normal[4, j], 22.0), 66.0)
            tenure = min(-7.0 * np.log1p(-uniform[2, j]), age - 21.0) * 52.0
        else:
            # Gamma(2, 4) as the sum of two exponentials with mean 4.
            age = min(22.0 - 4.0 * (np.log1p(-uniform[2, j]) + np.log1p(-uniform[3, j])), 62.0)
            tenure = 0.0
        trait = min(max(wellbeing_trait_mean + wellbeing_trait_sd * normal[2, j], 0.0), 1.0)
        real[R_AGE_YEARS, i] = age
        real[R_TENURE_WEEKS, i] = tenure
        real[R_COPING, i] = np.exp(coping_sd * normal[0, j] - 0.5 * coping_sd * coping_sd)
        real[R_SENSITIVITY, i] = np.exp(0.25 * normal[1, j] - 0.5 * 0.25 * 0.25)
        real[R_WELLBEING_TRAIT, i] = trait
        real[R_EMOTIONAL_OFFSET, i] = 0.08 * normal[3, j]
        real[R_VIOLENCE_FRAILTY, i] = frailty[j]
        # New hires start fresh (assumption): low exhaustion, hopeful engagement and trust.
        real[R_EXHAUSTION, i] = 0.05 + 0.20 * uniform[0, j]
        real[R_CYNICISM, i] = 0.15 * uniform[1, j]
        real[R_ENGAGEMENT, i] = 0.65
        real[R_TRUST, i] = 0.65
        real[R_WELLBEING, i] = trait
        real[R_RECOGNITION, i] = 0.15
        real[R_VIOLENCE_LOAD, i] = 0.0
        real[R_INTENT, i] = 0.1
        real[R_HOURS, i] = real[R_CONTRACTED_HOURS, i]
        flags[F_FILLED, i] = True
        flags[F_ABSENT, i] = False
        flags[F_BURNED_OUT, i] = False
        phase[i] = FILLED
        person_id[i] = first_person_id + j
        violence_ring[:, :, i] = 0


@dataclass
class SupervisorState:
    """Per-unit arrays for the unit's supervisor (nurse manager or clinical lead)."""

    score: np.ndarray  # rated leadership score, 12-60 (Shanafelt 2015 scale)
    exhaustion: np.ndarray
    coping: np.ndarray
    person_id: np.ndarray
    tenure_weeks: np.ndarray
    interim_until: np.ndarray  # week until which an acting lead covers the post
    delivered: np.ndarray  # leadership delivered last week, 12-60
    time_factor: np.ndarray  # share of needed people-leadership time available


def draw_leadership_scores(
    rng: np.random.Generator, k: int, mean: float, sd: float, fixed: float
) -> np.ndarray:
    """Draw rated leadership scores on the 12-60 scale.

    A beta distribution on [12, 60] matched to ``mean`` and ``sd`` (Dyrbye 2021's 9-item mean
    38.1, SD 8.4 rescaled to 12-60 gives 50.8 and 11.2: ratings crowd the top of the scale).
    """
    if not np.isnan(fixed):
        return np.full(k, fixed)
    m = (mean - 12.0) / 48.0
    v = (sd / 48.0) ** 2
    if sd < 1e-6 or m <= 0 or m >= 1:  # no spread to speak of (a tiny SD would overflow nu)
        return np.full(k, mean)
    v = min(v, 0.99 * m * (1 - m))
    nu = m * (1 - m) / v - 1
    return 12.0 + 48.0 * rng.beta(m * nu, (1 - m) * nu, k)
