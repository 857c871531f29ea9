"""Health systems of many organizations sharing one labour market (issue 14)."""

from sim.system.config import SECTORS, OrganizationGroup, parse_groups
from sim.system.market import MarketParameters
from sim.system.model import HealthSystem

__all__ = ["SECTORS", "HealthSystem", "MarketParameters", "OrganizationGroup", "parse_groups"]
