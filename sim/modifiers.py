"""Weekly modifiers: the levers that interventions pull.

The model resets every modifier to neutral at the start of a week; each intervention then writes
into them, and the mechanisms read them. Adding an intervention never touches the step loop.
Individual-level levers act on a person's appraisal of strain, coping and recovery;
organizational levers act on the job's demands and resources.
"""

import numpy as np

from sim.layout import POST_LEVERS, UNIT_LEVERS
from sim.layout import P as P
from sim.layout import U as U
from sim.rows import add_rows, zeros

# Neutral values of the levers (rows of sim.layout.POST_LEVERS and UNIT_LEVERS).
_NEUTRAL_POST = np.array([1.0, 1.0, 1.0, 1.0, 0.0])
_NEUTRAL_UNIT = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0])


class Modifiers:
    """This week's levers: rows of ``post`` (per post) and ``unit`` (per unit), and scalars."""

    strain_appraisal: np.ndarray
    coping: np.ndarray
    burnout_recovery: np.ndarray
    quit_hazard: np.ndarray
    recognition_extra: np.ndarray
    extra_clinical_hours: np.ndarray
    admin_share: np.ndarray
    supervisor_admin_share: np.ndarray
    leadership_points: np.ndarray
    violence_rate: np.ndarray
    incident_support: np.ndarray
    trust_target: np.ndarray
    engagement_target: np.ndarray
    long_shift_scale: np.ndarray

    def __init__(self, n_posts: int, n_units: int) -> None:
        self.post = zeros(POST_LEVERS, n_posts)
        self.unit = zeros(UNIT_LEVERS, n_units)
        self.reset()
        self.active = False  # True once an intervention writes levers (else all stay neutral)

    def reset(self) -> None:
        """Return every lever to neutral."""
        self.post[:] = _NEUTRAL_POST[:, None]
        self.unit[:] = _NEUTRAL_UNIT[:, None]
        self.overtime_cap_hours = np.inf  # cap on overtime (scheduling limits)
        self.time_to_fill = 1.0  # x time to fill vacancies (workforce planning)
        self.attention_load = np.zeros(self.unit.shape[1])  # programmes' attention per unit


add_rows(Modifiers, "post", POST_LEVERS)
add_rows(Modifiers, "unit", UNIT_LEVERS)
