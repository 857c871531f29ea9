"""Model parameters: defaults, allowed ranges, sources and validation.

Every parameter is a field of :class:`ModelParameters` with its allowed range and the source of
its default in the field metadata. Sources are cited by author and year as listed in the
project's evidence file; "assumption" marks a default that no listed source pins down, with why.

The calibrated fields (:data:`CALIBRATED_FIELDS`) take their defaults from the representative
point of the shipped ABC-SMC posterior, which ``python -m experiments.calibrate`` writes with
its provenance into ``sim/posteriors/default.json`` (docs/calibration.md): no calibrated number
is copied by hand into this file. The previous defaults, the block Nelder-Mead point fit, stay
in ``sim/posteriors/point_fit.json`` (``CALIBRATED_DEFAULTS = "point_fit"`` takes them).
"""

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import numpy as np

from sim.inputs import as_python, is_number, show
from sim.organization import ORGANIZATIONS
from sim.stored import stored_param, stored_point


def _param(default: Any, low: float | None, high: float | None, source: str) -> Any:
    """Declare a parameter with its default, inclusive bounds and source."""
    return field(default=default, metadata={"low": low, "high": high, "source": source})


CALIBRATED_DEFAULTS = "default"
"""The file of ``sim/posteriors/`` whose ``representative`` point gives the calibrated defaults.

``"point_fit"``: the block Nelder-Mead point fit. ``"default"``: the representative point that
``python -m experiments.calibrate`` writes with the shipped posterior (``default.json``); any
posterior's ``<name>.json`` written by the command has the same ``representative`` mapping.
Switching this one name switches every calibrated default (docs/calibration.md).
"""
DEFAULT_POSTERIOR_INFO = Path(__file__).with_name("posteriors") / f"{CALIBRATED_DEFAULTS}.json"
"""Where the calibrated defaults come from (its ``representative`` mapping)."""


_CALIBRATE = "python -m experiments.calibrate"


def _representative_point(path: Path = DEFAULT_POSTERIOR_INFO) -> dict[str, float]:
    """The calibrated point in ``path``: its ``representative`` mapping, the model defaults."""
    return stored_point(path, "representative", _CALIBRATE)


_REPRESENTATIVE = _representative_point()


def _calibrated(name: str, low: float, high: float, source: str) -> Any:
    """Declare a calibrated parameter: its default is the stored calibrated point."""
    where = f"sim/posteriors/{DEFAULT_POSTERIOR_INFO.name}"
    return stored_param(
        _REPRESENTATIVE,
        DEFAULT_POSTERIOR_INFO,
        _CALIBRATE,
        name,
        (low, high),
        f"calibrated ({where}; docs/calibration.md): {source}",
    )


def _choice(default: str, choices: tuple[str, ...], source: str) -> Any:
    """Declare a parameter that takes one of a fixed set of names."""
    return field(default=default, metadata={"choices": choices, "source": source})


class ValidatedParameters:
    """Base of frozen parameter dataclasses: each field's range and source in its metadata.

    Subclasses are frozen dataclasses whose fields are declared with :func:`_param` or
    :func:`_choice`; construction validates every value (:func:`_validate_field`).
    """

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            checked = _validate_field(f, value)
            if checked is not value:  # numpy scalars and whole floats become Python values
                object.__setattr__(self, f.name, checked)

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Self:
        """Build parameters from keywords, rejecting unknown names with the valid list."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {unknown}; valid parameters are: {', '.join(sorted(names))}"
            )
        return cls(**kwargs)

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """Return one row per parameter: name, default, allowed range or choices, source."""
        rows = []
        for f in dataclasses.fields(cls):
            meta = f.metadata
            rows.append(
                {
                    "name": f.name,
                    "default": f.default,
                    "low": meta.get("low"),
                    "high": meta.get("high"),
                    "choices": meta.get("choices"),
                    "source": meta["source"],
                }
            )
        return rows

    def replace(self, **changes: Any) -> Self:
        """Return a validated copy with some values changed."""
        merged = {**dataclasses.asdict(self), **changes}
        return type(self).from_kwargs(**merged)


@dataclass(frozen=True)
class ModelParameters(ValidatedParameters):
    """All settings of one simulated organization; validated on construction."""

    # --- Organization
    n_workers: int = _param(
        600, 10, 5_000_000, "budgeted posts; a community hospital of ~600 posts (assumption)"
    )
    organization: str = _choice(
        "community_hospital", tuple(ORGANIZATIONS), "unit mix, see sim/organization.py"
    )
    posts_per_unit: float = _param(
        25.0, 5.0, 200.0, "assumption: typical nursing unit of 20-30 posts per nurse manager"
    )
    # --- Demand
    demand_level: float = _param(
        1.0, 0.2, 3.0, "patient demand relative to the budgeted posts' clinical hours"
    )
    demand_noise_sd: float = _param(
        0.05, 0.0, 0.5, "assumption: week-to-week census variation of about 5 %"
    )
    seasonality_amplitude: float = _param(
        0.06, 0.0, 0.5, "assumption: winter census peak about 6 % above the annual mean"
    )
    # --- Workload
    admin_share: float = _param(
        0.20, 0.0, 0.8, "assumption: about a fifth of clinical staff time goes to documentation"
    )
    overtime_cap_hours: float = _param(
        12.0, 0.0, 40.0, "assumption: at most one extra 12-hour shift a week"
    )
    agency_cover_share: float = _param(
        0.25, 0.0, 1.0, "assumption: agency staff cover a quarter of vacant posts' hours"
    )
    sick_leave_rate: float = _param(
        0.03, 0.0, 0.5, "assumption: ~3 % of staff absent in a week at low exhaustion"
    )
    ramp_up_weeks: float = _param(
        12.0, 0.0, 52.0, "assumption: orientation of about three months for new hires"
    )
    safe_load: float = _param(
        1.10, 0.8, 2.0, "assumption: above 10 % over budgeted load, safe care is at risk"
    )
    # --- Burnout dynamics (sim.wellbeing; Homer 1985's stock of exhaustion)
    exhaustion_rate: float = _calibrated(
        "exhaustion_rate",
        0.0,
        1.0,
        "burnout by role (Aiken 2023/2024, Shanafelt 2022); "
        "with recovery_rate, onset over months (evidence.md, time scales)",
    )
    recovery_rate: float = _param(
        0.02,
        0.0,
        1.0,
        "assumption from evidence.md 'Time scales' (Bernier 1998, Almen 2021): with work strain "
        "gone, a burned-out worker takes months to years to fall below the cut-off",
    )
    burnout_recovery_slowdown: float = _calibrated(
        "burnout_recovery_slowdown",
        0.0,
        0.95,
        "Homer 1985's second loop: share of recovery lost while burned out; with the resource "
        "state, set by burnout_persistence_12m (0.5, an assumption, before: 0.79 with the state)",
    )
    nonwork_strain: float = _calibrated(
        "nonwork_strain",
        0.0,
        3.0,
        "mean strain from outside work (caregiving, health, "
        "life events), set so that benign working conditions leave burnout near the general "
        "working population's 27.8 % (Shanafelt 2012)",
    )
    life_event_rate: float = _param(
        0.3,
        0.0,
        5.0,
        "assumption: about one major life event (bereavement, illness, separation, new "
        "caregiving) every three years per adult",
    )
    life_event_strain: float = _param(
        0.3,
        0.0,
        3.0,
        "assumption: mean strain of one life event at its start, fading with a half-life of "
        "half a year",
    )
    workload_effect: float = _calibrated(
        "workload_effect",
        0.0,
        10.0,
        "Aiken 2002, OR 1.23 per extra patient per nurse",
    )
    staffing_relief_scale: float = _param(
        0.1,
        0.01,
        1.0,
        "assumption: relief from staffing above budget saturates within about 10 % of budgeted "
        "load (Aiken 2002 observed ratios of about 4-8 patients per nurse, none far below)",
    )
    fatigue_weight: float = _calibrated(
        "fatigue_weight",
        0.0,
        2.0,
        "Dall'Ora 2015, emotional exhaustion aOR 1.26 "
        "for shifts of 12 h or more against 8 h or less",
    )
    long_shift_fatigue: float = _param(
        1.0,
        0.0,
        5.0,
        "Ergonomics 2019: long shifts roughly double fatigue (a 12-h shift pattern adds 1.0 to "
        "the fatigue of an 8-h pattern)",
    )
    overtime_effect: float = _param(
        3.0,
        0.0,
        10.0,
        "Ergonomics 2019 applied to overtime (assumption): one extra 12-h shift a week (12 of "
        "37.5 h) doubles fatigue, 1 / 0.32 = 3.1",
    )
    violence_effect: float = _param(
        1.0, 0.0, 10.0, "Liu 2019 exposure; strain per incident is an assumption"
    )
    moral_distress_effect: float = _param(
        0.4,
        0.0,
        10.0,
        "assumption: moral distress among the top contributors to burnout (seed 000); weight in "
        "strain equal to 0.8 of budgeted workload at full distress",
    )
    moral_distress_trait_mean: float = _calibrated(
        "moral_distress_trait_mean",
        0.0,
        1.0,
        "26.8 % of clinicians with moral distress 'distressing to worst possible' (2020)",
    )
    engagement_buffer: float = _param(
        0.8,
        0.0,
        3.0,
        "assumption (job demands-resources model): engaged workers feel the same demands as "
        "less straining; strain x exp(-buffer x (engagement - 0.5))",
    )
    wellbeing_restoration: float = _param(
        0.8,
        0.0,
        3.0,
        "assumption (dual continuum, Keyes 2002): flourishing speeds recovery; recovery x "
        "exp(restoration x (well-being - 0.6))",
    )
    burnout_contagion: float = _param(
        0.35, 0.0, 3.0, "Bakker 2005: colleagues' exhaustion predicts one's own (no coefficient)"
    )
    leadership_effect: float = _calibrated(
        "leadership_effect",
        0.0,
        10.0,
        "causal support of recovery by the leadership a "
        "supervisor delivers, fitted so that the simulated survey (sim.survey) reproduces Dyrbye "
        "2020 (nurses and allied staff: 7 % lower odds of burnout per point)",
    )
    physician_leadership_proximity: float = _calibrated(
        "physician_leadership_proximity",
        0.0,
        1.0,
        "share of the unit leader's leadership that reaches "
        "physicians (Shanafelt 2015 rated division chairs, leaders further from daily work; "
        "3.3 % lower likelihood of burnout per point through the simulated survey)",
    )
    rating_bias: float = _param(
        0.1,
        0.0,
        3.0,
        "assumption (common-method bias): a rater's own exhaustion lowers the leadership "
        "score they report by 0.1 x 48 points per unit of exhaustion (0-1): 1 SD of exhaustion "
        "(about 0.2) costs about a point",
    )
    rating_noise_sd: float = _param(
        4.0,
        0.0,
        24.0,
        "assumption: raters of one supervisor disagree by about 4 points (12-60 scale)",
    )
    recognition_effect: float = _param(
        0.3, 0.0, 10.0, "Hasselhorn 2004: effort-reward imbalance, burnout OR 2.6-13.2"
    )
    coping_sd: float = _calibrated(
        "coping_sd",
        0.0,
        2.0,
        "between-person spread of recovery (personal resources: stable trait x changing state)",
    )
    resource_state_share: float = _calibrated(
        "resource_state_share",
        0.0,
        0.95,
        "share of coping's log-variance that is a changing state of personal resources (Hobfoll "
        "1989), not a trait; set by burnout_persistence_12m (evidence.md 'Time scales', episodes "
        "of 1-3 years): 0.68 at 0.9, 0.96 at 0 (stable coping, the model before the state)",
    )
    resource_state_half_life_weeks: float = _calibrated(
        "resource_state_half_life_weeks",
        1.0,
        520.0,
        "assumption on the form: personal resources change over months (illness, sleep, "
        "bereavement); half-life of the state's AR(1), 13 weeks: persistence 0.68 (26 weeks: 0.75)",
    )
    # --- Sickness absence and patient safety
    long_absence_rate: float = _param(
        0.15,
        0.0,
        1.0,
        "assumption: yearly chance that a worker at full exhaustion starts long-term sick leave "
        "(rising from 0 at the burnout cut-off)",
    )
    long_absence_weeks: float = _param(
        12.0,
        1.0,
        104.0,
        "assumption: long-term sick leave for burnout lasts weeks to months (Almen 2021: "
        "symptoms outlast it)",
    )
    safety_incident_rate: float = _param(
        0.004,
        0.0,
        0.2,
        "assumption: weekly chance of an incident in one worker's care in a reference week "
        "(not burned out, no overtime, 8-h shifts); sets only the scale",
    )
    # --- Well-being trait (baseline positive mental health, latent MHC-SF item mean / 5)
    wellbeing_trait_mean: float = _calibrated(
        "wellbeing_trait_mean",
        0.0,
        1.0,
        "assumption: MHC-SF item mean near 3 of 5; Keyes 2002 and the Italian health-worker shares",
    )
    wellbeing_trait_sd: float = _calibrated(
        "wellbeing_trait_sd",
        0.0,
        0.5,
        "assumption: MHC-SF item mean near 3 of 5; Keyes 2002 and the Italian health-worker shares",
    )
    # --- Leadership and supervisors
    leadership_mean: float = _param(
        50.8, 12.0, 60.0, "Dyrbye 2021: 9-item mean 38.1 on 9-45, rescaled to 12-60"
    )
    leadership_sd: float = _param(11.2, 0.0, 24.0, "Dyrbye 2021: SD 8.4 on 9-45, rescaled to 12-60")
    leadership_score: float = _param(
        math.nan, 12.0, 60.0, "optional: fix every supervisor's score (NaN = drawn)"
    )
    supervisor_admin_share: float = _param(
        0.45, 0.0, 0.95, "assumption; seed 003 takeaway 7: leaders' time lost to administration"
    )
    supervisor_hours_per_report: float = _param(
        0.75, 0.0, 10.0, "assumption: people-leadership time a report needs each week"
    )
    supervisor_time_to_fill_weeks: float = _param(
        16.0, 0.0, 104.0, "assumption: managers take longer to replace than staff"
    )
    supervisor_recognition_rate: float = _param(
        0.30, 0.0, 1.0, "assumption: weekly chance a worker is recognized by a top leader"
    )
    peer_recognition_rate: float = _param(
        0.10, 0.0, 1.0, "assumption: weekly chance of recognition from peers"
    )
    # --- Violence from the public
    violence_level: float = _calibrated(
        "violence_level",
        0.0,
        10.0,
        "Liu 2019 past-year exposure by type",
    )
    # --- Turnover
    job_market: float = _calibrated(
        "job_market",
        0.2,
        5.0,
        "NSI 2023-2024 RN turnover (16.4-18.4 %)",
    )
    intent_effect: float = _param(
        1.0, 0.0, 5.0, "scales how strongly job attitudes drive intent (Aiken 2024 levels)"
    )
    turnover_contagion: float = _param(
        4.0, 0.0, 50.0, "assumption: colleagues' recent departures raise intent (Felps 2009)"
    )
    retirement: bool = _param(True, None, None, "retirement hazard rises after 55 (assumption)")
    # --- Recruitment
    time_to_fill_days: float = _calibrated(
        "time_to_fill_days", 1.0, 730.0, "NSI 2023-2024, 83-86 days to fill"
    )
    search_success_prob: float = _calibrated(
        "search_success_prob",
        0.05,
        1.0,
        "NSI 2023-2024 RN vacancy rate 9.6-9.9 %",
    )
    onboarding_weeks: float = _param(
        6.0, 0.0, 52.0, "assumption: notice period and credentialing before a start date"
    )
    # --- Costs
    overtime_premium: float = _param(0.5, 0.0, 3.0, "time-and-a-half pay (assumption)")
    agency_premium: float = _param(
        1.0, 0.0, 5.0, "assumption: agency hours cost about twice staff wages"
    )
    cost_scale: float = _param(1.0, 0.0, 10.0, "multiplier on all replacement costs")
    # --- Data
    record_agents: bool = _param(False, None, None, "weekly agent-level records (slow)")


CALIBRATED_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(ModelParameters) if f.metadata["source"].startswith("calib")
)
"""The fields whose defaults are the stored calibrated point (``DEFAULT_POSTERIOR_INFO``)."""
if set(_REPRESENTATIVE) != set(CALIBRATED_FIELDS):
    raise RuntimeError(
        f"{DEFAULT_POSTERIOR_INFO} calibrates {sorted(_REPRESENTATIVE)} but sim/parameters.py "
        f"takes {sorted(CALIBRATED_FIELDS)} from it: re-run the calibration with the same set"
    )


def _validate_field(f: dataclasses.Field, value: Any) -> Any:
    """Check one value's type and range; return it as a Python value, or raise ValueError.

    numpy scalars are accepted as the Python values they hold; a whole number given as a float
    for an integer parameter becomes an int. Python values of the right type come back as is.
    """
    name, meta = f.name, f.metadata
    expected = f.type
    if expected is bool:
        if not isinstance(value, bool | np.bool_):
            raise ValueError(f"parameter {name!r} = {show(value)}; allowed: true or false")
        return bool(value) if isinstance(value, np.bool_) else value
    if expected is str:
        choices = meta["choices"]
        if not isinstance(value, str) or value not in choices:
            raise ValueError(
                f"parameter {name!r} is {show(value)}; allowed values are: {', '.join(choices)}"
            )
        return value
    low, high = meta["low"], meta["high"]
    if not is_number(value):
        raise ValueError(
            f"parameter {name!r} must be a number in [{low}, {high}], got "
            f"{type(value).__name__} {show(value)}"
        )
    value = as_python(value)
    if math.isnan(value):
        if isinstance(f.default, float) and math.isnan(f.default):
            return value  # an optional setting left unset
        raise ValueError(f"parameter {name!r} is NaN; allowed range is [{low}, {high}]")
    if not low <= value <= high:
        raise ValueError(
            f"parameter {name!r} = {value!r} is out of range; allowed: [{low}, {high}]"
        )
    if expected is int:
        if not float(value).is_integer():
            raise ValueError(
                f"parameter {name!r} must be a whole number, got {value!r}; allowed: whole number "
                f"in [{low}, {high}]"
            )
        return value if isinstance(value, int) else int(value)
    return value
