"""Changing the working conditions of a running organization (a shock or a thought experiment).

An organization is built, and burned in, with one set of parameters. Some questions need the
same organization, with the same people, to go on under other conditions from a given week:
"how much of this burnout would go if health care's own stressors went?" (the trial command's
``conditions``), or a policy that changes a parameter overnight.
:meth:`sim.model.WorkforceModel.set_parameters` checks the new values here and then refreshes
what the weekly step derives from them. Weekly conditions (workload, violence, shifts, moral
distress, the job market, ...) act from the next week; trait distributions (sim.state) apply to
people hired from then on, as a change of who is recruited would.
"""

from collections.abc import Mapping
from typing import Any

from sim.parameters import ModelParameters

FIXED_AT_BUILD = ("n_workers", "organization", "posts_per_unit", "record_agents")
"""Parameters that lay out the organization itself; a running organization cannot change them."""

BENIGN_WORK: dict[str, float] = {
    "violence_level": 0.0,
    "moral_distress_effect": 0.0,
    "long_shift_fatigue": 0.0,
    "demand_level": 0.9,
}
"""Work without health care's own stressors, for the general working population's burnout
(Shanafelt 2012): no violence from the public, no moral distress from patient care, day shifts
of 8 h, and demand at 90 % of budgeted posts (no overtime). Administration, leadership,
recognition, colleagues and life outside work stay as they are."""

CONDITIONS: dict[str, dict[str, float]] = {"benign_work": BENIGN_WORK}
"""Named sets of conditions (the trial command's ``conditions=NAME``)."""


def changed_parameters(params: ModelParameters, changes: Mapping[str, Any]) -> ModelParameters:
    """``params`` with ``changes``, checked like any parameters.

    Raises:
        ValueError: For a parameter that lays out the organization (``FIXED_AT_BUILD``), an
            unknown name, or a value outside its range (named, with the allowed range).
    """
    fixed = sorted(set(changes) & set(FIXED_AT_BUILD))
    if fixed:
        raise ValueError(
            f"{', '.join(fixed)}: lays out the organization and cannot change while it runs; "
            f"allowed: any parameter but {', '.join(FIXED_AT_BUILD)}"
        )
    return params.replace(**changes)
