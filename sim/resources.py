"""Job resources: leadership delivered, recognition, and trust (stage 4 of the weekly step)."""

import numpy as np

from sim.jit import compiled

SUPERVISOR_WEEKLY_HOURS = 45.0  # assumption: a nurse manager's working week
# Assumption: recognition is smoothed over about 8 weeks (its felt effect outlasts the event).
RECOGNITION_SMOOTHING = 1.0 / 8.0
# Recognition normalised so that 0.3 events a week counts as fully recognized (assumption).
RECOGNITION_FULL = 0.3


@compiled
def delivered_leadership(
    rated: float,
    exhaustion: float,
    span: float,
    admin_share: float,
    hours_per_report: float,
    interim: bool,
) -> tuple[float, float]:
    """Leadership a supervisor actually delivers this week (12-60 scale), and its time factor.

    Seed 003 (takeaways 7 and 8): leaders' time goes to administration instead of people; the
    supervisor's own behaviour shapes the unit. Delivered = 12 + (rated - 12) x time available
    for people / time needed x (1 - 0.5 x own exhaustion). Time needed is ``hours_per_report``
    per filled post; an acting (interim) lead has half the time. ``rated`` includes any
    leadership-development points. Form and the 0.5 weight are assumptions: burned-out leaders
    lead worse.
    """
    available = SUPERVISOR_WEEKLY_HOURS * (1.0 - admin_share)
    needed = max(span * hours_per_report, 1e-9)
    time_factor = min(1.0, available / needed)
    if interim:
        time_factor *= 0.5
    rated = min(max(rated, 12.0), 60.0)
    return 12.0 + (rated - 12.0) * time_factor * (1.0 - 0.5 * exhaustion), time_factor


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


@compiled
def work_pressure(intensity: float, overtime: float) -> float:
    """A unit's work pressure this week, 0-1: load over budget plus overtime.

    Assumption: 0.3 over budgeted load or 24 overtime hours a week count as full pressure.
    """
    return min(max(max(intensity - 1.0, 0.0) / 0.3 + overtime / 24.0, 0.0), 1.0)


@compiled
def work_pressures(intensity: np.ndarray, overtime: np.ndarray) -> np.ndarray:
    """:func:`work_pressure` of every unit (for code outside the compiled passes)."""
    out = np.empty(intensity.size)
    for u in range(intensity.size):
        out[u] = work_pressure(intensity[u], overtime[u])
    return out


@compiled
def next_unanswered_strain(unanswered: float, intensity: float, overtime: float) -> float:
    """Smoothed (half-year) overload that nobody has fixed: :func:`work_pressure` (0-1).

    Assumption: pressure that persists for about half a year counts as fully unanswered.
    """
    pressure = work_pressure(intensity, overtime)
    return unanswered + (1.0 / 26.0) * (pressure - unanswered)
