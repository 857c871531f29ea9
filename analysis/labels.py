"""Words for people: the one place where arm, scenario, level and measure ids get their labels.

Tables, figures and the report show these labels; CSV and Parquet files keep the ids (they are
for machines). An id without a label here is shown with its underscores as spaces, so a new arm
or scenario still reads as words before it gets a label of its own.
"""

ARMS: dict[str, str] = {
    "none": "No intervention",
    "resilience_training": "Resilience and stress-management training",
    "mindfulness": "Group mindfulness programme",
    "counselling": "Counselling and employee assistance",
    "safe_staffing": "Safe staffing (float pool)",
    "workload_redesign": "Workload and administrative redesign",
    "leadership_development": "Leadership development for supervisors",
    "recognition": "Structured recognition",
    "violence_prevention": "Violence prevention",
    "scheduling_limits": "Scheduling limits",
    "codesign": "Co-design and staff engagement",
    "retention_pay": "Retention pay",
    "faster_recruitment": "Faster recruitment",
    "individual_bundle": "Individual bundle (training, mindfulness, counselling)",
    "organizational_bundle": "Organizational bundle (six workplace measures)",
    "integrated_bundle": "Integrated bundle (individual and organizational)",
}
"""Arms (interventions and bundles) as words."""

SCENARIOS: dict[str, str] = {
    "baseline": "Baseline (no outside shock)",
    "pandemic_surge": "Pandemic surge",
    "tight_labour_market": "Tight labour market",
    "violence_surge": "Violence surge",
}
"""Scenarios as titles."""

SCENARIO_PHRASES: dict[str, str] = {
    "baseline": "At baseline, with no outside shock",
    "pandemic_surge": "In a pandemic surge",
    "tight_labour_market": "In a tight labour market",
    "violence_surge": "In a surge of violence from the public",
}
"""Scenarios as the opening of a sentence ("In a pandemic surge, ...")."""

LEVELS: dict[str, str] = {
    "none": "None",
    "individual": "Individual",
    "organizational": "Organizational",
    "system": "System",
    "bundle": "Bundle",
}
"""Levels of intervention as words."""

MEASURES: dict[str, str] = {
    "burnout_prevalence": "Burnout prevalence (percentage points)",
    "flourishing_share": "Flourishing (percentage points)",
    "annual_turnover_rate": "Annual turnover (percentage points)",
    "vacancies": "Vacant posts",
    "total_cost": "Total cost, interventions included (US dollars)",
    "intervention_cost": "Cost of the interventions (US dollars)",
    "departures_avoided": "Departures avoided",
    "burnout_weeks_averted": "Burnout-weeks averted",
    "moral_distress_share": "High moral distress (percentage points)",
    "absence_days_averted": "Sickness-absence days averted",
    "sick_pay": "Sick pay (US dollars)",
    "safety_incidents_averted": "Patient-safety incidents averted",
    "cost_per_avoided_departure": "Cost per departure avoided (US dollars)",
}
"""Measures of the summary (differences from no intervention) as column titles."""

OUTCOMES: dict[str, str] = {
    "burnout_prevalence": "Burnout prevalence (%)",
    "flourishing_share": "Flourishing (%)",
    "annual_turnover_rate": "Annual turnover (%)",
    "vacancies": "Vacant posts",
    "total_cost": "Total excess cost (US dollars)",
    "intervention_cost": "Cost of the interventions (US dollars)",
    "departures": "Departures",
    "burnout_weeks": "Burnout-weeks",
    "moral_distress_share": "High moral distress (%)",
    "sickness_absence_days": "Sickness-absence days",
    "sick_pay": "Sick pay (US dollars)",
    "safety_incidents": "Patient-safety incidents",
}
"""Outcomes of one run (levels, not differences) as column titles."""


def words(name: str) -> str:
    """An id without a label: underscores as spaces, first letter capital."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def arm(name: object) -> str:
    """An arm's label (``"workload_redesign"`` -> ``"Workload and administrative redesign"``)."""
    return ARMS.get(str(name), words(str(name)))


def arm_in_sentence(name: object) -> str:
    """An arm's label inside a sentence: ``"the integrated bundle (...)"``, ``"retention pay"``."""
    label = arm(name)
    if "bundle" in str(name):
        return "the " + label[:1].lower() + label[1:]
    acronym = label.split(" ", 1)[0].isupper()
    return label if acronym else label[:1].lower() + label[1:]


def scenario(name: object) -> str:
    """A scenario's title."""
    return SCENARIOS.get(str(name), words(str(name)))


def scenario_phrase(name: object) -> str:
    """A scenario as the opening of a sentence."""
    return SCENARIO_PHRASES.get(str(name), f"In the {words(str(name)).lower()} scenario")


def level(name: object) -> str:
    """A level of intervention as a word."""
    return LEVELS.get(str(name), words(str(name)))


def measure(name: str) -> str:
    """A summary measure's title."""
    return MEASURES.get(name, words(name))


def outcome(name: str) -> str:
    """An outcome's title."""
    return OUTCOMES.get(name, words(name))
