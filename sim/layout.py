"""Row layouts of the model's 2-D arrays, in one place.

Each layout is a tuple of names, one row each. ``row_index`` maps a name to its row (``R``,
``UI``, ... for Python code); the ``<PREFIX>_<NAME>`` integers are the same rows as plain module
constants, which numba's compiled loops read as compile-time constants (tests/sim/test_layout.py
checks every constant against its name). Numba's on-disk cache does not see edits to this
module: after changing a layout, touch the modules that use it (or clear ``__pycache__``).
"""

from sim.organization import ROLES
from sim.rows import row_index

N_ROLES = len(ROLES)
# Types of violence from patients and the public (Liu 2019), one row each of the violence ring.
VIOLENCE_TYPES = ("verbal", "threat", "physical", "sexual_harassment")
N_VIOLENCE_TYPES = len(VIOLENCE_TYPES)

# Worker state (sim.state.WorkerState): real-valued per-post state, one row each of ``real``
# (person-level rows are meaningful only where the post is filled), and boolean ``flags``.
REAL_FIELDS = (
    "contracted_hours",  # hours per week of the post's role
    "violence_weight",  # unit x role weight of the post
    "age_years",
    "tenure_weeks",
    "coping",  # trait multiplier on recovery
    "sensitivity",  # trait multiplier on strain
    "resource_state",  # log of personal resources now (changing part of coping), AR(1)
    "wellbeing_trait",  # baseline positive mental health, 0-1
    "emotional_offset",  # emotional vs functional well-being
    "violence_frailty",
    "nonwork_base",  # stable strain from outside work (caregiving, health)
    "dp_trait",  # personal tendency to depersonalization, 0-1
    "md_trait",  # personal moral sensitivity: moral distress at typical care, 0-1
    "shift_fatigue",  # fatigue of the post's shift pattern (8-h = 1)
    "long_shift",  # 1 where the post works shifts of 12 h or more (Dall'Ora 2015)
    "rating_offset",  # the worker's own leniency rating their supervisor (12-60 points)
    "life_strain",  # strain from recent life events, fading
    "moral_distress",  # 0-1
    "absence_weeks",  # weeks of long-term sick leave left (0 = at work)
    "exhaustion",  # 0-1, MBI emotional exhaustion / 54
    "cynicism",  # 0-1, MBI depersonalization / 30
    "engagement",  # 0-1
    "trust",  # 0-1, trust in the organization
    "wellbeing",  # 0-1, latent MHC-SF item mean / 5
    "recognition",  # smoothed weekly recognition events
    "violence_load",  # smoothed incident severity
    "intent",  # 0-1, probability-scale intent to leave
    "hours",  # hours worked last week
    "vacancy_event_week",  # when the vacancy's current phase ends
    "search_started_week",
)
# vacancy_due: an open post whose search or onboarding ends this week (set by the staffing pass,
# read by the vacancy pass to skip posts with nothing to do).
FLAG_FIELDS = ("filled", "absent", "burned_out", "vacancy_due")
R = row_index(REAL_FIELDS)
F = row_index(FLAG_FIELDS)
(
    R_CONTRACTED_HOURS,
    R_VIOLENCE_WEIGHT,
    R_AGE_YEARS,
    R_TENURE_WEEKS,
    R_COPING,
    R_SENSITIVITY,
    R_RESOURCE_STATE,
    R_WELLBEING_TRAIT,
    R_EMOTIONAL_OFFSET,
    R_VIOLENCE_FRAILTY,
    R_NONWORK_BASE,
    R_DP_TRAIT,
    R_MD_TRAIT,
    R_SHIFT_FATIGUE,
    R_LONG_SHIFT,
    R_RATING_OFFSET,
    R_LIFE_STRAIN,
    R_MORAL_DISTRESS,
    R_ABSENCE_WEEKS,
    R_EXHAUSTION,
    R_CYNICISM,
    R_ENGAGEMENT,
    R_TRUST,
    R_WELLBEING,
    R_RECOGNITION,
    R_VIOLENCE_LOAD,
    R_INTENT,
    R_HOURS,
    R_VACANCY_EVENT_WEEK,
    R_SEARCH_STARTED_WEEK,
) = range(len(REAL_FIELDS))
(
    F_FILLED,
    F_ABSENT,
    F_BURNED_OUT,
    F_VACANCY_DUE,
) = range(len(FLAG_FIELDS))

# Levers interventions pull (sim.modifiers), per post. Multipliers are neutral at 1, additions 0.
POST_LEVERS = (
    "strain_appraisal",  # x strain as perceived (mindfulness)
    "coping",  # x recovery from exhaustion (resilience training)
    "burnout_recovery",  # x recovery when burned out (counselling)
    "quit_hazard",  # x quit probability (retention pay)
    "recognition_extra",  # + weekly recognition probability (structured recognition)
)
(
    P_STRAIN_APPRAISAL,
    P_COPING,
    P_BURNOUT_RECOVERY,
    P_QUIT_HAZARD,
    P_RECOGNITION_EXTRA,
) = range(len(POST_LEVERS))
# Per unit.
UNIT_LEVERS = (
    "extra_clinical_hours",  # + hours (float pool, safe staffing)
    "admin_share",  # x administrative share of staff time (workload redesign)
    "supervisor_admin_share",  # x supervisors' administrative share
    "leadership_points",  # + points on the 12-60 scale (leadership development)
    "violence_rate",  # x incidents from the public (violence prevention)
    "incident_support",  # share of an incident's strain taken off (support after incidents)
    "trust_target",  # + trust target (voice, co-design)
    "engagement_target",  # + engagement target (co-design)
    "long_shift_scale",  # x extra fatigue of 12-h shift patterns (scheduling limits)
)
P = row_index(POST_LEVERS)
U = row_index(UNIT_LEVERS)
(
    U_EXTRA_CLINICAL_HOURS,
    U_ADMIN_SHARE,
    U_SUPERVISOR_ADMIN_SHARE,
    U_LEADERSHIP_POINTS,
    U_VIOLENCE_RATE,
    U_INCIDENT_SUPPORT,
    U_TRUST_TARGET,
    U_ENGAGEMENT_TARGET,
    U_LONG_SHIFT_SCALE,
) = range(len(UNIT_LEVERS))

# Unit-level inputs of the worker pass, one row each of a (len, n_units) matrix.
UNIT_INPUTS = (
    "overtime",  # overtime hours per present worker
    "intensity",  # demand per clinical hour worked
    "admin_share",  # share of staff time on administration
    "care_gap",  # care left undone, 0-1 (drives moral distress)
    "leadership_norm",  # leadership delivered, 0-1
    "exhaustion_sum",  # sum of staff exhaustion at the start of the week
    "headcount",
    "unanswered_strain",
    "contagion",  # turnover contagion term of intent (log-odds)
    "violence_rate",  # multiplier on violence from the public
)
UI = row_index(UNIT_INPUTS)
(
    UI_OVERTIME,
    UI_INTENSITY,
    UI_ADMIN_SHARE,
    UI_CARE_GAP,
    UI_LEADERSHIP_NORM,
    UI_EXHAUSTION_SUM,
    UI_HEADCOUNT,
    UI_UNANSWERED_STRAIN,
    UI_CONTAGION,
    UI_VIOLENCE_RATE,
) = range(len(UNIT_INPUTS))

# Per-unit state carried from week to week (sim.unit_pass).
UNIT_STATE = ("care_gap", "unanswered_strain", "recent_leavers")
US = row_index(UNIT_STATE)
(
    US_CARE_GAP,
    US_UNANSWERED_STRAIN,
    US_RECENT_LEAVERS,
) = range(len(UNIT_STATE))

# Per-unit results of the week that the model keeps (sim.unit_pass).
UNIT_LOAD = ("demand_hours", "agency_hours", "worked_hours")
UL = row_index(UNIT_LOAD)
(
    UL_DEMAND_HOURS,
    UL_AGENCY_HOURS,
    UL_WORKED_HOURS,
) = range(len(UNIT_LOAD))

# Per-unit sums of the staffing pass (sim.staffing_pass.staffing_pass), read by the unit pass and
# the supervisors.
UNIT_SUMS = (
    "staff_hours",  # clinical hours of staff present (new hires less while ramping up)
    "open_hours",  # clinical hours of vacant posts and of posts on long-term sick leave
    "present",  # staff present
    "headcount",  # filled posts
    "exhaustion_sum",  # sum of staff exhaustion at the start of the week
)
(
    S_STAFF_HOURS,
    S_OPEN_HOURS,
    S_PRESENT,
    S_HEADCOUNT,
    S_EXHAUSTION_SUM,
) = range(len(UNIT_SUMS))

# Offsets into the flat tallies array that the worker pass accumulates (sim.weekly_pass).
T_HEADCOUNT = 0  # workers by role
T_BURNED = T_HEADCOUNT + N_ROLES  # burned-out workers by role
T_OVERTIME = T_BURNED + N_ROLES  # overtime hours by role
T_CLASSES = T_OVERTIME + N_ROLES  # workers flourishing, moderate, languishing
T_INCIDENTS = T_CLASSES + 3  # violence incidents by type
T_EXHAUSTION = T_INCIDENTS + N_VIOLENCE_TYPES
(
    T_ENGAGEMENT,
    T_TRUST,
    T_RECOGNIZED,
    T_INTENDING,
    T_HIGH_MD,  # workers with high moral distress
    T_CONTRACTED,  # contracted hours of the week's workforce
    T_FTE_WORKED,  # hours worked / 37.5
    T_INCIDENTS_EXPECTED,  # expected patient-safety incidents (sum of weekly probabilities)
    T_LONG_ABSENT,  # workers on long-term sick leave
) = range(T_EXHAUSTION + 1, T_EXHAUSTION + 10)
T_ABSENT_HOURS = T_LONG_ABSENT + 1  # contracted hours lost to sickness absence, by role
N_TALLIES = T_ABSENT_HOURS + N_ROLES

# One week's costs (sim.accounting.weekly_costs), US dollars.
COST_ITEMS = ("replacement", "overtime_premium", "agency_premium", "sick_pay", "interventions")
(
    C_REPLACEMENT,
    C_OVERTIME_PREMIUM,
    C_AGENCY_PREMIUM,
    C_SICK_PAY,
    C_INTERVENTIONS,
) = range(len(COST_ITEMS))

# One week's events (sim.week_close.week_events).
WEEKLY_EVENT_KEYS = (
    "overtime_hours",
    "agency_hours",
    "violence_incidents",
    "recognition_events",
    "leavers",
    "hires",
    "mean_intensity",
    "weekly_cost",
    "absence_hours",
    "safety_incidents",
)
(
    E_OVERTIME_HOURS,
    E_AGENCY_HOURS,
    E_VIOLENCE_INCIDENTS,
    E_RECOGNITION_EVENTS,
    E_LEAVERS,
    E_HIRES,
    E_MEAN_INTENSITY,
    E_WEEKLY_COST,
    E_ABSENCE_HOURS,
    E_SAFETY_INCIDENTS,
) = range(len(WEEKLY_EVENT_KEYS))

# Columns of the departures log (sim.turnover.DepartureLog, written by sim.recruitment).
DEPARTURE_COLUMNS = ("week", "person_id", "role", "unit", "reason", "burned_out", "left_profession")
(
    D_WEEK,
    D_PERSON_ID,
    D_ROLE,
    D_UNIT,
    D_REASON,
    D_BURNED_OUT,
    D_LEFT_PROFESSION,
) = range(len(DEPARTURE_COLUMNS))
