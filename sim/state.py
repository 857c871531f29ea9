"""Worker and supervisor state as structures of numpy arrays, one element per post or unit.

The arrays are the truth; Mesa agents (sim.agents) are views on them. A post keeps its index for
the whole run; the person holding it changes when someone leaves and a new hire starts.
"""

from dataclasses import dataclass

import numpy as np

from sim.jit import compiled
from sim.organization import ROLES, UNIT_TYPES, Layout
from sim.rows import add_rows, row_index, zeros

VIOLENCE_TYPES = ("verbal", "threat", "physical", "sexual_harassment")
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


# Real-valued per-post state, one row each of ``WorkerState.real`` (person-level rows are
# meaningful only where the post is filled).
REAL_FIELDS = (
    "contracted_hours",  # hours per week of the post's role
    "violence_weight",  # unit x role weight of the post
    "age_years",
    "tenure_weeks",
    "coping",  # trait multiplier on recovery
    "sensitivity",  # trait multiplier on strain
    "wellbeing_trait",  # baseline positive mental health, 0-1
    "emotional_offset",  # emotional vs functional well-being
    "violence_frailty",
    "exhaustion",  # 0-1, MBI emotional exhaustion / 54
    "cynicism",  # 0-1, MBI depersonalization / 30
    "engagement",  # 0-1
    "trust",  # 0-1, trust in the organization
    "wellbeing",  # 0-1, latent MHC-SF item mean / 5
    "recognition",  # smoothed weekly recognition events
    "violence_load",  # smoothed incident severity
    "intent",  # 0-1, probability-scale intent to leave
    "hours",  # hours worked last week
    "vacancy_event_week",  # when the vacancy's current phase ends
    "search_started_week",
)
FLAG_FIELDS = ("filled", "absent", "burned_out")
R = row_index(REAL_FIELDS)
F = row_index(FLAG_FIELDS)


class WorkerState:
    """Per-post state as a structure of arrays (rows of ``real`` and ``flags``)."""

    # Row attributes (views into ``real`` and ``flags``) are added below the class.
    contracted_hours: np.ndarray
    violence_weight: np.ndarray
    age_years: np.ndarray
    tenure_weeks: np.ndarray
    coping: np.ndarray
    sensitivity: np.ndarray
    wellbeing_trait: np.ndarray
    emotional_offset: np.ndarray
    violence_frailty: np.ndarray
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

    @classmethod
    def for_layout(cls, layout: Layout) -> "WorkerState":
        """Allocate arrays for every post of ``layout``."""
        role_hours = np.array([r.contracted_hours for r in ROLES])
        role_violence = np.array([r.violence_weight for r in ROLES])
        unit_violence = np.array([UNIT_TYPES[t].violence_weight for t in layout.unit_type_names])
        state = cls(layout.post_unit, layout.post_role)
        state.contracted_hours = role_hours[layout.post_role]
        state.violence_weight = unit_violence[layout.post_unit] * role_violence[layout.post_role]
        return state

    @property
    def size(self) -> int:
        """Number of posts."""
        return self.unit.size


add_rows(WorkerState, "real", REAL_FIELDS)
add_rows(WorkerState, "flags", FLAG_FIELDS)


def hire(
    state: WorkerState,
    posts: np.ndarray,
    first_person_id: int,
    rng: np.random.Generator,
    coping_sd: float,
    initial: bool,
    wellbeing_trait_mean: float,
    wellbeing_trait_sd: float,
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
        real[_R_AGE, i] = age
        real[_R_TENURE, i] = tenure
        real[_R_COPING, i] = np.exp(coping_sd * normal[0, j] - 0.5 * coping_sd * coping_sd)
        real[_R_SENSITIVITY, i] = np.exp(0.25 * normal[1, j] - 0.5 * 0.25 * 0.25)
        real[_R_TRAIT, i] = trait
        real[_R_EMOTIONAL, i] = 0.08 * normal[3, j]
        real[_R_FRAILTY, i] = frailty[j]
        # New hires start fresh (assumption): low exhaustion, hopeful engagement and trust.
        real[_R_EXHAUSTION, i] = 0.05 + 0.20 * uniform[0, j]
        real[_R_CYNICISM, i] = 0.15 * uniform[1, j]
        real[_R_ENGAGEMENT, i] = 0.65
        real[_R_TRUST, i] = 0.65
        real[_R_WELLBEING, i] = trait
        real[_R_RECOGNITION, i] = 0.15
        real[_R_VLOAD, i] = 0.0
        real[_R_INTENT, i] = 0.1
        real[_R_HOURS, i] = real[_R_CONTRACTED, i]
        flags[_F_FILLED, i] = True
        flags[_F_ABSENT, i] = False
        flags[_F_BURNED, i] = False
        phase[i] = FILLED
        person_id[i] = first_person_id + j
        violence_ring[:, :, i] = 0


_R_AGE, _R_TENURE, _R_COPING, _R_SENSITIVITY, _R_TRAIT, _R_EMOTIONAL, _R_FRAILTY = (
    R["age_years"],
    R["tenure_weeks"],
    R["coping"],
    R["sensitivity"],
    R["wellbeing_trait"],
    R["emotional_offset"],
    R["violence_frailty"],
)
_R_EXHAUSTION, _R_CYNICISM, _R_ENGAGEMENT, _R_TRUST, _R_WELLBEING, _R_RECOGNITION = (
    R["exhaustion"],
    R["cynicism"],
    R["engagement"],
    R["trust"],
    R["wellbeing"],
    R["recognition"],
)
_R_VLOAD, _R_INTENT, _R_HOURS, _R_CONTRACTED = (
    R["violence_load"],
    R["intent"],
    R["hours"],
    R["contracted_hours"],
)
_F_FILLED, _F_ABSENT, _F_BURNED = F["filled"], F["absent"], F["burned_out"]


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
    if v <= 0 or m <= 0 or m >= 1:
        return np.full(k, mean)
    v = min(v, 0.99 * m * (1 - m))
    nu = m * (1 - m) / v - 1
    return 12.0 + 48.0 * rng.beta(m * nu, (1 - m) * nu, k)
