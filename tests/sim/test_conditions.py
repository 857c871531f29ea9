"""Changing the parameters of a running organization (WorkforceModel.set_parameters)."""

import copy

import numpy as np
import pytest

from sim.conditions import BENIGN_WORK
from sim.model import WorkforceModel


def _model() -> WorkforceModel:
    return WorkforceModel(rng=5, n_workers=100, burn_in_weeks=26, collect_data=False)


def test_setting_the_same_values_changes_nothing():
    """Refreshing the derived arrays with unchanged parameters keeps the run bit-identical."""
    a = _model()
    b = copy.deepcopy(a)
    b.set_parameters(violence_level=a.params.violence_level)
    a.run_for(20)
    b.run_for(20)
    assert np.array_equal(a.workers.exhaustion, b.workers.exhaustion)


def test_benign_work_lowers_exhaustion_of_the_same_people():
    """Without health care's own stressors the same people end up less exhausted."""
    control = _model()
    treated = copy.deepcopy(control)
    treated.set_parameters(**BENIGN_WORK)
    assert treated.params.violence_level == 0.0
    assert treated.coefficients != control.coefficients  # moral distress, long shifts read weekly
    control.run_for(52)
    treated.run_for(52)
    assert treated.workers.exhaustion.mean() < control.workers.exhaustion.mean() - 0.01


def test_admin_share_changes_the_clinical_hours():
    """Less administration gives the same posts more clinical hours."""
    m = _model()
    before = m.base_clinical_hours.copy()
    m.set_parameters(admin_share=m.params.admin_share / 2)
    assert (m.base_clinical_hours > before).all()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"n_workers": 50}, "lays out the organization"),
        ({"violence_level": -1.0}, "violence_level"),
        ({"no_such_parameter": 1.0}, "unknown parameter"),
    ],
)
def test_bad_changes_are_refused_before_anything_changes(changes, message):
    """Layout parameters, unknown names and out-of-range values are refused, nothing changed."""
    m = _model()
    before = m.params
    with pytest.raises(ValueError, match=message):
        m.set_parameters(**changes)
    assert m.params is before
