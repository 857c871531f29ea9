"""burnout-sim: an agent-based model of health-workforce burnout, well-being and retention."""

from sim.model import WorkforceModel
from sim.parameters import ModelParameters
from sim.scenarios import Scenario, Wave

__all__ = ["ModelParameters", "Scenario", "Wave", "WorkforceModel"]
__version__ = "0.1.0"
