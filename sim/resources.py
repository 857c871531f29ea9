"""Job resources: leadership delivered, recognition, and trust (stage 4 of the weekly step)."""

import numpy as np

from sim.jit import compiled
from sim.modifiers import Modifiers
from sim.parameters import ModelParameters
from sim.state import SupervisorState

SUPERVISOR_WEEKLY_HOURS = 45.0  # assumption: a nurse manager's working week
# Assumption: recognition is smoothed over about 8 weeks (its felt effect outlasts the event).
RECOGNITION_SMOOTHING = 1.0 / 8.0
# Recognition normalised so that 0.3 events a week counts as fully recognized (assumption).
RECOGNITION_FULL = 0.3


def delivered_leadership(
    sup: SupervisorState,
    span: np.ndarray,
    week: int,
    params: ModelParameters,
    mods: Modifiers,
) -> None:
    """Update the leadership each supervisor actually delivers this week (12-60 scale).

    Seed 003 (takeaways 7 and 8): leaders' time goes to administration instead of people; the
    supervisor's own behaviour shapes the unit. Delivered = 12 + (rated + development points - 12)
    x time available for people / time needed x (1 - 0.5 x own exhaustion). Time needed is
    ``supervisor_hours_per_report`` per filled post; an acting (interim) lead has half the time.
    Form and the 0.5 weight are assumptions: burned-out leaders lead worse.
    """
    admin = np.minimum(params.supervisor_admin_share * mods.supervisor_admin_share, 0.95)
    available = SUPERVISOR_WEEKLY_HOURS * (1.0 - admin)
    needed = np.maximum(span * params.supervisor_hours_per_report, 1e-9)
    time_factor = np.minimum(1.0, available / needed)
    time_factor = np.where(sup.interim_until > week, 0.5 * time_factor, time_factor)
    rated = np.clip(sup.score + mods.leadership_points, 12.0, 60.0)
    sup.time_factor = time_factor
    sup.delivered = 12.0 + (rated - 12.0) * time_factor * (1.0 - 0.5 * sup.exhaustion)


@compiled
def recognition_probability(
    leadership_norm: float,
    unit_exhaustion: float,
    supervisor_rate: float,
    peer_rate: float,
    structured_extra: float,
) -> float:
    """Weekly chance of being recognized.

    Supervisor rate x delivered leadership (0-1) + peer rate x (1 - unit mean exhaustion) +
    structured recognition. Rewards offset effort (effort-reward imbalance, Hasselhorn 2004);
    the rates are assumptions.
    """
    return (
        supervisor_rate * leadership_norm + peer_rate * (1.0 - unit_exhaustion) + (structured_extra)
    )


@compiled
def next_trust(
    trust: float,
    leadership_norm: float,
    recognized: float,
    unanswered_strain: float,
    voice: float,
) -> float:
    """Trust in the organization one week on, moving toward its target over ~30 weeks.

    Target = 0.2 + 0.3 x leadership delivered (0-1) + 0.2 x recognition (0-1) - 0.6 x the unit's
    unanswered strain + voice (co-design). Seed 000: distrust and institutional demoralization
    grow when demands go unanswered. Weights are assumptions.
    """
    target = 0.2 + 0.3 * leadership_norm + 0.2 * recognized - 0.6 * unanswered_strain + voice
    return trust + (1.0 / 30.0) * (min(max(target, 0.0), 1.0) - trust)


def update_unanswered_strain(
    unanswered: np.ndarray, intensity: np.ndarray, overtime: np.ndarray
) -> np.ndarray:
    """Smoothed (half-year) overload that nobody has fixed: excess load plus overtime (0-1).

    Assumption: 0.3 over budgeted load or 12 overtime hours a week count as fully unanswered.
    """
    pressure = np.clip(np.maximum(intensity - 1.0, 0.0) / 0.3 + overtime / 24.0, 0.0, 1.0)
    return unanswered + (1.0 / 26.0) * (pressure - unanswered)
