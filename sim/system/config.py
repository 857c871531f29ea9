"""A health system's organizations: what a system config lists and how their posts are laid out.

A system config is a list of organization groups, each with its type (a key of
:data:`sim.organization.ORGANIZATIONS`), sector, size in posts, count and relative pay. All posts
of all organizations share one layout (units numbered across organizations), with the
organization and sector of every unit alongside.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.inputs import is_number, show, whole_number
from sim.organization import ORGANIZATIONS, Layout, build_layout

SECTORS: tuple[str, ...] = ("hospital", "long_term_care", "primary_care", "home_care")
"""Sectors of the system (new sectors go last: a sector's index is its row in the flows)."""

# Sector each organization type belongs to unless a group says otherwise.
DEFAULT_SECTOR: dict[str, str] = {
    "community_hospital": "hospital",
    "academic_centre": "hospital",
    "long_term_care": "long_term_care",
    "primary_care_network": "primary_care",
    "home_care_agency": "home_care",
}

_GROUP_KEYS = ("type", "size", "count", "sector", "pay")
MAX_POSTS = 5_000_000  # the range of ModelParameters.n_workers


@dataclass(frozen=True)
class OrganizationGroup:
    """``count`` organizations of one type, size, sector and relative pay (1 = system mean)."""

    type: str
    size: int
    count: int = 1
    sector: str = ""
    pay: float = 1.0

    @classmethod
    def from_mapping(cls, index: int, group: Mapping[str, Any]) -> "OrganizationGroup":
        """Validate one group of a config; errors name ``organizations[index].key``."""
        where = f"organizations[{index}]"
        if not isinstance(group, Mapping):
            raise ValueError(f"{where} = {show(group)}; allowed: a mapping with {_GROUP_KEYS}")
        unknown = sorted(set(group) - set(_GROUP_KEYS))
        if unknown:
            raise ValueError(f"{where} has unknown key(s) {unknown}; allowed: {_GROUP_KEYS}")
        kind = group.get("type")
        if kind not in ORGANIZATIONS:
            raise ValueError(f"{where}.type = {show(kind)}; allowed: {', '.join(ORGANIZATIONS)}")
        sector = group.get("sector") or DEFAULT_SECTOR[kind]
        if sector not in SECTORS:
            raise ValueError(f"{where}.sector = {show(sector)}; allowed: {', '.join(SECTORS)}")
        pay = group.get("pay", 1.0)
        if not is_number(pay) or not 0.5 <= pay <= 2.0:
            raise ValueError(f"{where}.pay = {show(pay)}; allowed: a number in [0.5, 2.0]")
        return cls(
            type=kind,
            size=whole_number(f"{where}.size", group.get("size"), 10, MAX_POSTS),
            count=whole_number(f"{where}.count", group.get("count", 1), 1, 100_000),
            sector=sector,
            pay=float(pay),
        )


def parse_groups(groups: Sequence[Mapping[str, Any]]) -> tuple[OrganizationGroup, ...]:
    """Validate a config's list of organization groups (at least one; total posts in range)."""
    if isinstance(groups, str | bytes | Mapping) or not isinstance(groups, Sequence) or not groups:
        raise ValueError(f"organizations = {show(groups)}; allowed: a non-empty list of groups")
    parsed = tuple(OrganizationGroup.from_mapping(i, g) for i, g in enumerate(groups))
    total = sum(g.size * g.count for g in parsed)
    if total > MAX_POSTS:
        raise ValueError(f"organizations: {total} posts in all; allowed: at most {MAX_POSTS}")
    return parsed


@dataclass(frozen=True)
class SystemLayout:
    """The posts of every organization in one layout, and who owns each unit."""

    layout: Layout
    unit_org: np.ndarray  # organization index of each unit
    org_type: tuple[str, ...]  # one per organization
    org_sector: np.ndarray  # sector index (into SECTORS) of each organization
    org_pay: np.ndarray  # relative pay of each organization
    org_posts: np.ndarray  # budgeted posts of each organization

    @property
    def n_orgs(self) -> int:
        """Number of organizations."""
        return len(self.org_type)


def build_system_layout(groups: Sequence[OrganizationGroup], posts_per_unit: float) -> SystemLayout:
    """Lay out every organization's posts (sim.organization.build_layout) one after another.

    Organizations of the same type and size share one layout (it is deterministic), so a system
    of one organization has exactly the single-organization layout.
    """
    cache: dict[tuple[str, int], Layout] = {}
    names: list[str] = []
    post_unit: list[np.ndarray] = []
    post_role: list[np.ndarray] = []
    unit_org: list[np.ndarray] = []
    org_type: list[str] = []
    sector: list[int] = []
    pay: list[float] = []
    posts: list[int] = []
    n_units = 0
    for group in groups:
        key = (group.type, group.size)
        if key not in cache:
            cache[key] = build_layout(group.size, group.type, posts_per_unit)
        one = cache[key]
        for _ in range(group.count):
            names.extend(one.unit_type_names)
            post_unit.append(one.post_unit + n_units)
            post_role.append(one.post_role)
            unit_org.append(np.full(one.n_units, len(org_type), dtype=np.int64))
            n_units += one.n_units
            org_type.append(group.type)
            sector.append(SECTORS.index(group.sector))
            pay.append(group.pay)
            posts.append(group.size)
    layout = Layout(tuple(names), np.concatenate(post_unit), np.concatenate(post_role))
    return SystemLayout(
        layout,
        np.concatenate(unit_org),
        tuple(org_type),
        np.array(sector, dtype=np.int64),
        np.array(pay),
        np.array(posts, dtype=np.int64),
    )
