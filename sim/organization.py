"""The organization's structure: roles, unit types and how posts are laid out.

The layout is deterministic for a given size and organization type, so that runs with different
seeds (and intervention arms sharing seeds) compare the same organization.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Role:
    """A professional role and the parameters that differ by role."""

    name: str
    contracted_hours: float  # hours per week
    hourly_wage: float  # USD
    replacement_cost: float  # USD per leaver
    quit_floor_annual: float  # yearly quit probability at no intent to leave
    quit_intent_annual: float  # extra yearly quit probability at full intent
    strain_weight: float  # relative job strain at the same workload
    violence_weight: float  # relative exposure to violence from the public
    long_shift_share: float  # share of posts on shifts of 12 h or more
    mid_shift_share: float  # share of posts on shifts of 9-11 h (the rest work 8 h or less)


# Sources: hours and wages are assumptions (typical US full-time figures); replacement cost of
# an RN is NSI 2024 ($61,110); physician replacement is an assumption (2-3x salary, softer:
# Han 2019 gives $7,600 per physician per year attributable to burnout); quit rates are set so
# that annual RN turnover lands in NSI's 16-27 % and physician turnover near 6-7 % (unverified);
# violence weights follow Liu 2019 (nurses and physicians most exposed). Shift patterns: nurses
# as Dall'Ora 2015's 31,627 European RNs (15 % on shifts of 12 h or more, 50 % on 8 h or less);
# physicians (on-call and long days) and allied staff (mostly day work) are assumptions.
ROLES: tuple[Role, ...] = (
    Role("nurse", 37.5, 48.0, 61_110.0, 0.045, 0.30, 1.00, 1.00, 0.15, 0.35),
    Role("physician", 50.0, 140.0, 500_000.0, 0.03, 0.10, 1.05, 0.75, 0.25, 0.45),
    Role("allied", 37.5, 35.0, 30_000.0, 0.05, 0.30, 0.85, 0.55, 0.05, 0.25),
)
ROLE_NAMES: tuple[str, ...] = tuple(r.name for r in ROLES)


@dataclass(frozen=True)
class UnitType:
    """A kind of clinical unit: its role mix, staffing norm and exposure to violence."""

    name: str
    role_mix: tuple[float, float, float]  # nurse, physician, allied shares of posts
    patients_per_nurse: float  # staffing norm at budgeted load
    violence_weight: float  # relative rate of violence from patients and the public
    aides: bool = False  # allied staff are mostly frontline aides (long-term and home care)


# Liu 2019: violence is highest in emergency and psychiatric settings; the weights (2.6x) are an
# assumption that lands the organization-wide exposure near the meta-analysis. Staffing norms are
# assumptions in line with common ratios (med-surg 1:5, ICU 1:2).
UNIT_TYPES: dict[str, UnitType] = {
    u.name: u
    for u in (
        UnitType("medical", (0.70, 0.10, 0.20), 5.0, 1.0),
        UnitType("surgical", (0.68, 0.14, 0.18), 5.0, 0.8),
        UnitType("emergency", (0.62, 0.20, 0.18), 4.0, 2.6),
        UnitType("intensive_care", (0.75, 0.12, 0.13), 2.0, 1.0),
        UnitType("mental_health", (0.55, 0.10, 0.35), 6.0, 2.6),
        UnitType("long_term_care", (0.45, 0.03, 0.52), 10.0, 1.6, aides=True),
        UnitType("clinic", (0.45, 0.30, 0.25), 8.0, 0.5),
        # Home care (assumptions): a territory team of nurses (RNs and LPNs, about half of a
        # home health agency's field staff) and therapists and aides, with a medical director's
        # sliver of physician time; the norm counts patients visited per nurse a day (a
        # productivity standard of about six visits); violence in patients' homes as on a
        # medical ward (no setting-specific rate in evidence.md).
        UnitType("home_care", (0.50, 0.02, 0.48), 6.0, 1.0, aides=True),
    )
}

# Seavey 2004: replacing a frontline long-term care worker (nursing assistants, home health
# aides) costs at least $2,500 in direct costs (2004 dollars): $4,150 in 2024 dollars (x 1.66,
# US CPI-U annual averages 2004 and 2024, 188.9 and 313.7). It replaces the allied-staff figure
# for allied staff of units whose allied staff are mostly aides (``UnitType.aides``); nurses
# there keep NSI's hospital RN figure (no nursing-home or home-care figure in the evidence).
FRONTLINE_AIDE_REPLACEMENT_COST = 4_150.0


def replacement_costs(unit_type_names: tuple[str, ...]) -> np.ndarray:
    """US dollars per leaver by unit and role (units x roles).

    The role's figure, or Seavey's frontline figure for allied staff of aide-staffed units.
    """
    costs = np.tile([r.replacement_cost for r in ROLES], (len(unit_type_names), 1))
    aides = np.array([UNIT_TYPES[t].aides for t in unit_type_names], dtype=bool)
    costs[aides, ROLE_NAMES.index("allied")] = FRONTLINE_AIDE_REPLACEMENT_COST
    return costs


# Shares of units by type (assumption: typical mixes for each kind of organization).
ORGANIZATIONS: dict[str, dict[str, float]] = {
    "community_hospital": {
        "medical": 0.28,
        "surgical": 0.22,
        "emergency": 0.14,
        "intensive_care": 0.10,
        "mental_health": 0.08,
        "long_term_care": 0.06,
        "clinic": 0.12,
    },
    "academic_centre": {
        "medical": 0.25,
        "surgical": 0.25,
        "emergency": 0.12,
        "intensive_care": 0.18,
        "mental_health": 0.08,
        "clinic": 0.12,
    },
    "long_term_care": {"long_term_care": 0.85, "mental_health": 0.10, "clinic": 0.05},
    "primary_care_network": {"clinic": 0.85, "mental_health": 0.15},
    "home_care_agency": {"home_care": 1.0},
}


@dataclass(frozen=True)
class Layout:
    """Where each post sits: its unit and role, and each unit's type."""

    unit_type_names: tuple[str, ...]  # one per unit
    post_unit: np.ndarray  # unit index of each post
    post_role: np.ndarray  # role index of each post

    @property
    def n_units(self) -> int:
        """Number of units."""
        return len(self.unit_type_names)


def _largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``shares`` (Hamilton's method)."""
    raw = total * shares / shares.sum()
    counts = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def build_layout(n_posts: int, organization: str, posts_per_unit: float) -> Layout:
    """Lay out ``n_posts`` budgeted posts into units of about ``posts_per_unit`` posts."""
    mix = ORGANIZATIONS[organization]
    n_units = max(1, round(n_posts / posts_per_unit))
    type_counts = _largest_remainder(n_units, np.array(list(mix.values())))
    # Interleave unit types so that any prefix of units is a representative mix.
    unit_types: list[str] = []
    remaining = dict(zip(mix, type_counts.tolist(), strict=True))
    while len(unit_types) < n_units:
        for name in mix:
            if remaining[name] > 0:
                unit_types.append(name)
                remaining[name] -= 1
    unit_sizes = _largest_remainder(n_posts, np.ones(n_units))
    post_unit = np.repeat(np.arange(n_units), unit_sizes)
    post_role = np.empty(n_posts, dtype=np.int8)
    start = 0
    for unit, size in enumerate(unit_sizes.tolist()):
        mix_counts = _largest_remainder(size, np.array(UNIT_TYPES[unit_types[unit]].role_mix))
        post_role[start : start + size] = np.repeat(np.arange(len(ROLES)), mix_counts)
        start += size
    return Layout(tuple(unit_types), post_unit, post_role)
