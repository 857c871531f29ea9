"""Weekly modifiers: the levers that interventions pull.

The model resets every modifier to neutral at the start of a week; each intervention then writes
into them, and the mechanisms read them. Adding an intervention never touches the step loop.
Individual-level levers act on a person's appraisal of strain, coping and recovery;
organizational levers act on the job's demands and resources.
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Modifiers:
    """Multipliers (1 = no change) and additions (0 = no change) for one week."""

    n_posts: int
    n_units: int
    # Individual level (per post)
    strain_appraisal: np.ndarray = field(init=False)  # x strain as perceived (mindfulness)
    coping: np.ndarray = field(init=False)  # x recovery from exhaustion (resilience)
    burnout_recovery: np.ndarray = field(init=False)  # x recovery when burned out (counselling)
    quit_hazard: np.ndarray = field(init=False)  # x quit probability (retention pay)
    recognition_extra: np.ndarray = field(init=False)  # + weekly recognition probability
    # Organizational level (per unit)
    extra_clinical_hours: np.ndarray = field(init=False)  # + hours (float pool, safe staffing)
    admin_share: np.ndarray = field(init=False)  # x administrative share of staff time
    supervisor_admin_share: np.ndarray = field(init=False)  # x supervisors' admin share
    leadership_points: np.ndarray = field(init=False)  # + points on the 12-60 scale
    violence_rate: np.ndarray = field(init=False)  # x incidents from the public
    incident_support: np.ndarray = field(init=False)  # share of incident strain taken off
    trust_target: np.ndarray = field(init=False)  # + trust target (voice, co-design)
    engagement_target: np.ndarray = field(init=False)  # + engagement target (co-design)
    # Organization-wide scalars
    overtime_cap_hours: float = field(init=False)  # cap on overtime (scheduling limits)
    time_to_fill: float = field(init=False)  # x time to fill vacancies (workforce planning)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Return every lever to neutral."""
        p, u = self.n_posts, self.n_units
        self.strain_appraisal = np.ones(p)
        self.coping = np.ones(p)
        self.burnout_recovery = np.ones(p)
        self.quit_hazard = np.ones(p)
        self.recognition_extra = np.zeros(p)
        self.extra_clinical_hours = np.zeros(u)
        self.admin_share = np.ones(u)
        self.supervisor_admin_share = np.ones(u)
        self.leadership_points = np.zeros(u)
        self.violence_rate = np.ones(u)
        self.incident_support = np.zeros(u)
        self.trust_target = np.zeros(u)
        self.engagement_target = np.zeros(u)
        self.overtime_cap_hours = np.inf
        self.time_to_fill = 1.0
