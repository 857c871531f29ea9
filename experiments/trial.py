"""A simulated randomized trial of an intervention inside one simulated organization.

Published effect sizes come from trials, so the model is tested the same way: workers (or
units) of one organization are randomized into two arms, the intervention is delivered to the
treated arm only, and the people enrolled at week 0 are followed up at 3, 6 and 12 months
(weeks 13, 26, 52) while they stay in post. Emotional exhaustion is compared as a standardized
mean difference (Hedges' g, as pooled by Panagioti 2017) and burnout as a difference in
prevalence (as in West 2016), each with its 95 % interval; cluster-randomized trials inflate
the standard errors by the design effect; a baseline-adjusted SMD (ANCOVA on week-0
exhaustion) is reported beside the unadjusted one; replicate trials are pooled by inverse
variance. Replicate ``r`` runs with the runner's seed ``r`` of ``seed``
(:func:`experiments.runner.replicate_seeds`: child ``r`` of ``SeedSequence(seed)``, as every
experiment); the report's ``seeds`` lists them.

Interventions that act on the whole organization (faster recruitment) cannot be randomized
inside one: for them the cohort is randomized between two runs of the same organization with
the same seed, one with and one without the intervention (design ``paired``).

Usage (a Hydra app, ``conf/trial.yaml``; ``--help``, ``--cfg job`` and ``--multirun`` work)::

    python -m experiments.trial intervention=workload_redesign       # or: burnout-trial ...
    python -m experiments.trial intervention=mindfulness model.n_workers=1000 seed=3 \
        replicates=4 randomize=workers +settings.uptake=0.5 model.job_market=1.2
    python -m experiments.trial --config-name trial_quick intervention=mindfulness   # seconds

``+settings.KEY`` sets an intervention (or, as ``+settings.member.KEY``, a bundle member)
setting; ``model.KEY`` sets a model parameter (sim.parameters); ``scenario=`` picks a file of
``conf/scenario/`` (the outside pressure, the model's ``pressure=``). A bad key or value stops
the command with one line before anything runs.
Prints one JSON object and writes it to ``trial.json`` in the Hydra output folder.
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig

from analysis.trial import Estimate, ancova_g, hedges_g, pool, prevalence_difference
from experiments.hydra_app import (
    JsonCommand,
    ModelOverrides,
    job_fields,
    model_values,
)
from experiments.runner import replicate_seeds
from experiments.schema import InterventionArm, ScenarioChoice
from sim.conditions import CONDITIONS, changed_parameters
from sim.interventions import build
from sim.model import WorkforceModel
from sim.organization import ROLES
from sim.parameters import ModelParameters
from sim.scenarios import make_scenario

FOLLOW_UP_WEEKS = {3: 13, 6: 26, 12: 52}  # months -> weeks after the start (week 0)
RANDOMIZE = ("auto", "workers", "units")
ENROL = ("volunteers", "everyone")
ROLE_NAMES = tuple(r.name for r in ROLES)
MBI_EXHAUSTION_MAX = 54.0  # exhaustion 0-1 is MBI emotional exhaustion / 54 (sim.state)


@dataclass
class TrialConfig:
    """Settings of one simulated trial (every value is recorded in the output)."""

    intervention: str = ""
    n_workers: int = 600
    seed: int = 1
    replicates: int = 8
    randomize: str = "auto"
    enrol: str = "volunteers"
    scenario: str = "baseline"
    settings: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    conditions: str = ""
    treated_params: dict[str, Any] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)

    @property
    def changes(self) -> dict[str, Any]:
        """Model parameters the treated run takes at week 0: ``conditions`` then its own."""
        return {**CONDITIONS.get(self.conditions, {}), **self.treated_params}

    def validate(self) -> None:
        """Check every setting before anything runs (building also checks the settings)."""
        if self.conditions and self.conditions not in CONDITIONS:
            raise ValueError(
                f"conditions = {self.conditions!r}; allowed: {', '.join(CONDITIONS)} or empty"
            )
        if not self.intervention and not self.changes:
            raise ValueError(
                "intervention=NAME is required (or conditions=NAME, or treated_model.KEY=VALUE, "
                "for a change of working conditions)"
            )
        for name in ("n_workers", "replicates"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} = {value!r}; allowed: a whole number >= 1")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed = {self.seed!r}; allowed: a whole number >= 0")
        if self.randomize not in RANDOMIZE:
            raise ValueError(f"randomize = {self.randomize!r}; allowed: {', '.join(RANDOMIZE)}")
        unknown = sorted(set(self.roles) - set(ROLE_NAMES))
        if unknown:
            raise ValueError(
                f"roles = {self.roles!r}; allowed: a list of {', '.join(ROLE_NAMES)} (empty: all)"
            )
        if self.enrol not in ENROL:
            raise ValueError(f"enrol = {self.enrol!r}; allowed: {', '.join(ENROL)}")
        params = ModelParameters.from_kwargs(**{"n_workers": self.n_workers, **self.params})
        changed_parameters(params, self.changes)
        make_scenario(self.scenario)
        if self.intervention:
            build(self.intervention, **self.settings)


@dataclass
class TrialSchema:
    """The command's structured config (``trial_schema``; values in ``conf/trial.yaml``)."""

    intervention: dict[str, InterventionArm] = field(default_factory=dict)
    seed: int = 1
    replicates: int = 8
    randomize: str = "auto"
    enrol: str = "volunteers"
    scenario: dict[str, ScenarioChoice] = field(default_factory=dict)
    model: Any = field(default_factory=ModelOverrides)
    settings: dict[str, Any] = field(default_factory=dict)
    conditions: str = ""
    treated_model: Any = field(default_factory=ModelOverrides)
    roles: list[str] = field(default_factory=list)


ConfigStore.instance().store(name="trial_schema", node=TrialSchema)


def settings_from(cfg: DictConfig) -> TrialConfig:
    """The checked :class:`TrialConfig` of a composed ``conf/trial.yaml``.

    Raises:
        ValueError: Naming the bad setting and what is allowed.
    """
    names = ("seed", "replicates", "randomize", "enrol", "conditions", "roles")
    treated = model_values(cfg.treated_model)
    # A change of working conditions needs no programme.
    fields = job_fields(cfg, names, intervention_optional=bool(cfg.conditions or treated))
    fields["roles"] = list(fields["roles"])
    config = TrialConfig(**fields, treated_params=treated)
    config.validate()
    return config


def assign_arms(
    rng: np.random.Generator,
    model: WorkforceModel,
    by: str,
    candidates: int = 100,
    cohort: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Randomize into two arms at week 0; return (treated posts mask, treated units mask).

    Workers: stratified by unit (half of each unit's posts in ``cohort``, default all, in
    random order, go to each arm).
    Units: stratified by unit type (each type's units in random order alternate between arms),
    with covariate-constrained randomization (Moulton 2004): of ``candidates`` such allocations
    the one with the smallest baseline difference in mean exhaustion is used, as cluster trials
    with few clusters do to avoid chance imbalance.
    """
    s = model.workers
    n_units = model.n_units
    unit_types = model.layout.unit_type_names
    if by == "workers":
        treated_posts = np.zeros(s.size, dtype=bool)
        in_cohort = np.ones(s.size, dtype=bool) if cohort is None else cohort
        for u in range(n_units):
            posts = rng.permutation(np.flatnonzero((s.unit == u) & in_cohort))
            treated_posts[posts[int(rng.integers(2)) :: 2]] = True
        return treated_posts, np.zeros(n_units, dtype=bool)
    exhaustion_sum = np.bincount(s.unit, s.exhaustion * s.filled, n_units)
    headcount = np.bincount(s.unit, s.filled, n_units)
    by_type = [np.flatnonzero(np.array(unit_types) == t) for t in sorted(set(unit_types))]
    best, best_gap = np.zeros(n_units, dtype=bool), np.inf
    for _ in range(candidates):
        order = np.concatenate([rng.permutation(units) for units in by_type])
        arm = np.zeros(n_units, dtype=bool)
        arm[order[int(rng.integers(2)) :: 2]] = True
        gap = abs(
            exhaustion_sum[arm].sum() / max(headcount[arm].sum(), 1)
            - exhaustion_sum[~arm].sum() / max(headcount[~arm].sum(), 1)
        )
        if gap < best_gap:
            best, best_gap = arm, gap
    return best[s.unit], best


def enrolled_roles(model: WorkforceModel, roles: list[str]) -> np.ndarray:
    """Posts whose role the trial enrols (all when ``roles`` is empty).

    Panagioti 2017 and West 2016 pooled trials of physicians; ``roles=[physician]`` enrols the
    same population (the programme still reaches everyone it reaches; only the cohort differs).
    """
    if not roles:
        return np.ones(model.workers.size, dtype=bool)
    return np.isin(model.workers.role, [ROLE_NAMES.index(r) for r in roles])


def volunteers(rng: np.random.Generator, model: WorkforceModel, components: list) -> np.ndarray:
    """Who consents to each component at week 0 (components x posts, bool).

    Individually randomized trials of programmes enrol volunteers: people who are eligible and
    say yes when asked, before they are randomized (West 2016 and Panagioti 2017 pooled such
    trials). Each filled post consents to a component with that component's own enrolment
    probability at week 0 (uptake, lowered by work pressure and stigma,
    :meth:`Intervention.enrolment_probability`), among those it is eligible for (its units,
    and high-risk workers for programmes offered only to them). The cohort is everyone who
    consents to at least one component; the effect is then the effect of being offered the
    programme among volunteers, not the diluted effect of offering it to a whole workforce
    (that is what ``enrol=everyone`` and the main job measure).
    """
    s = model.workers
    out = np.zeros((len(components), s.size), dtype=bool)
    for k, c in enumerate(components):
        eligible = s.filled & c.eligible_units[s.unit] & c.meets_eligibility(model)
        p = c.enrolment_probability(model)[s.unit]
        out[k] = eligible & (rng.random(s.size) < p)
    return out


def consent_given(component: Any) -> None:
    """Enrol everyone the component is offered to: they consented before randomization."""
    component.uptake, component.stigma, component.workload_sensitivity = 1.0, 0.0, 0.0


def _design(config: TrialConfig) -> tuple[str, str, list[str]]:
    """Design (within/paired), randomization unit, and warnings for this intervention."""
    if config.changes:
        return (
            "paired",
            "workers",
            [
                "working conditions change in the treated run: the cohort is randomized between "
                "two runs of the same organization (with and without the change)"
            ],
        )
    scopes = {c.acts_on for c in build(config.intervention, **config.settings)}
    warnings: list[str] = []
    if "organization" in scopes:
        return (
            "paired",
            "workers",
            [
                "acts on the whole organization: the cohort is randomized between two runs of "
                "the same organization (with and without), not inside one"
            ],
        )
    randomize = config.randomize
    if randomize == "auto":
        randomize = "units" if "units" in scopes else "workers"
    if randomize == "workers" and "units" in scopes:
        warnings.append(
            "unit-level components randomized by worker: control workers share their unit's "
            "changes (contamination); effects are biased toward zero"
        )
    return "within", randomize, warnings


@dataclass
class _Arms:
    """Who is in the cohort and which arm, and the models that measure each arm."""

    cohort_ids: np.ndarray
    baseline_exhaustion: np.ndarray
    treated: np.ndarray
    treated_model: WorkforceModel
    control_model: WorkforceModel


def _measure(arms: _Arms, cluster: bool) -> dict[str, Any]:
    """Compare the arms' cohort members still in post."""
    out: dict[str, Any] = {}
    samples = {}
    for arm, model, mask in (
        ("treated", arms.treated_model, arms.treated),
        ("control", arms.control_model, ~arms.treated),
    ):
        s = model.workers
        enrolled = mask & (arms.cohort_ids >= 0)
        stayed = enrolled & s.filled & (s.person_id == arms.cohort_ids)
        samples[arm] = (
            s.exhaustion[stayed],
            s.burned_out[stayed],
            s.unit[stayed],
            arms.baseline_exhaustion[stayed],
        )
        out[f"n_{arm}"] = int(stayed.sum())
        out[f"retained_{arm}"] = float(stayed.sum() / max(enrolled.sum(), 1))
        out[f"prevalence_{arm}"] = float(s.burned_out[stayed].mean()) if stayed.any() else None
    (et, bt, ut, xt), (ec, bc, uc, xc) = samples["treated"], samples["control"]
    ct, cc = (ut, uc) if cluster else (None, None)
    g = hedges_g(et, ec, ct, cc)
    out["smd_adjusted"] = ancova_g(et, ec, xt, xc, ct, cc)
    pd = prevalence_difference(bt, bc, ct, cc)
    out["smd"] = g
    out["pd"] = pd
    out["exhaustion_difference_mbi"] = float((et.mean() - ec.mean()) * MBI_EXHAUSTION_MAX)
    return out


def run_replicate(config: TrialConfig, seed: int, design: str, randomize: str) -> dict:
    """One simulated trial with simulation seed ``seed`` (a replicate's seed)."""
    rng = np.random.default_rng([seed, 20_170_101])  # the trial's own randomization stream
    components = build(config.intervention, **config.settings) if config.intervention else []
    kwargs = {"n_workers": config.n_workers, **config.params}
    treated_model = WorkforceModel(
        rng=seed, pressure=config.scenario, interventions=components, **kwargs
    )
    cohort = enrolled_roles(treated_model, config.roles)
    by_consent = (
        design == "within"
        and randomize == "workers"
        and config.enrol == "volunteers"
        and all(c.acts_on == "posts" for c in components)
    )
    if by_consent:
        consented = volunteers(rng, treated_model, components) & cohort
        cohort = consented.any(axis=0)
    treated_posts, treated_units = assign_arms(rng, treated_model, randomize, cohort=cohort)
    if design == "within":
        for k, c in enumerate(components):  # deliver to the treated arm only (set up again)
            if by_consent:
                consent_given(c)  # consent was asked before randomization, as trials do
                c.restrict(posts=treated_posts & consented[k])
            elif randomize == "units":
                c.restrict(units=treated_units)
            else:
                c.restrict(posts=treated_posts)
            c.setup(treated_model)
        control_model = treated_model
    else:
        control_model = WorkforceModel(rng=seed, pressure=config.scenario, **kwargs)
        if config.changes:  # same seed, same people: only the conditions differ from week 0
            treated_model.set_parameters(**config.changes)
    s = treated_model.workers
    arms = _Arms(
        np.where(s.filled & cohort, s.person_id, -1),
        s.exhaustion.copy(),
        treated_posts,
        treated_model,
        control_model,
    )
    cluster = design == "within" and randomize == "units"
    result: dict[str, Any] = {"seed": seed, "baseline": _measure(arms, cluster)}
    week = 0
    for month, target in FOLLOW_UP_WEEKS.items():
        for model in {id(m): m for m in (treated_model, control_model)}.values():
            model.run_for(target - week)
        week = target
        result[month] = _measure(arms, cluster)
    result["cost"] = float(sum(c.total_cost for c in components))
    result["n_treated_enrolled"] = int((treated_posts & (arms.cohort_ids >= 0)).sum())
    return result


def _num(x: float) -> float | None:
    """Round for the report; NaN (not estimable) becomes null so the JSON stays standard."""
    return round(float(x), 4) if np.isfinite(x) else None


def _ci(e: Estimate) -> list[float | None]:
    return [_num(x) for x in e.ci]


def run_trial(config: TrialConfig) -> dict[str, Any]:
    """Run every replicate and pool them; return the JSON-ready report."""
    config.validate()
    design, randomize, warnings = _design(config)
    seeds = replicate_seeds(config.seed, config.replicates)
    reps = [run_replicate(config, seed, design, randomize) for seed in seeds]
    report: dict[str, Any] = {
        "intervention": config.intervention,
        "components": [
            {"name": c.name, "level": c.level, "settings": _jsonable(c.settings)}
            for c in (build(config.intervention, **config.settings) if config.intervention else [])
        ],
        "conditions": {"name": config.conditions, "parameters": config.changes},
        "design": design,
        "randomize": randomize,
    }
    months: dict[str, Any] = {}
    for month in ["baseline", *FOLLOW_UP_WEEKS]:
        g = pool([r[month]["smd"] for r in reps])
        pd = pool([r[month]["pd"] for r in reps])
        adjusted = pool([r[month]["smd_adjusted"] for r in reps])
        months[str(month)] = {
            "smd_exhaustion": _num(g.value),
            "smd_exhaustion_ci": _ci(g),
            "prevalence_difference": _num(pd.value),
            "prevalence_difference_ci": _ci(pd),
            "smd_exhaustion_adjusted": _num(adjusted.value),
            "smd_exhaustion_adjusted_ci": _ci(adjusted),
            "exhaustion_difference_mbi": _mean(r[month]["exhaustion_difference_mbi"] for r in reps),
            "prevalence_treated": _mean(r[month]["prevalence_treated"] for r in reps),
            "prevalence_control": _mean(r[month]["prevalence_control"] for r in reps),
            "retained_treated": _mean(r[month]["retained_treated"] for r in reps),
            "retained_control": _mean(r[month]["retained_control"] for r in reps),
            "n_treated": int(sum(r[month]["n_treated"] for r in reps)),
            "n_control": int(sum(r[month]["n_control"] for r in reps)),
        }
    final = months["12"]
    for key in (
        "smd_exhaustion",
        "smd_exhaustion_ci",
        "smd_exhaustion_adjusted",
        "smd_exhaustion_adjusted_ci",
        "prevalence_difference",
        "prevalence_difference_ci",
    ):
        report[key] = final[key]
    for month in ("3", "6"):
        report[f"smd_exhaustion_{month}m"] = months[month]["smd_exhaustion"]
        report[f"smd_exhaustion_{month}m_ci"] = months[month]["smd_exhaustion_ci"]
        report[f"prevalence_difference_{month}m"] = months[month]["prevalence_difference"]
        report[f"prevalence_difference_{month}m_ci"] = months[month]["prevalence_difference_ci"]
    report["months"] = months
    cost = _mean(r["cost"] for r in reps)
    report["intervention_cost_usd"] = cost
    report["cost_per_treated_worker_usd"] = round(
        cost / max(_mean(r["n_treated_enrolled"] for r in reps), 1.0), 2
    )
    report["replicate_smd_exhaustion"] = [_num(r[12]["smd"].value) for r in reps]
    report["replicate_prevalence_difference"] = [_num(r[12]["pd"].value) for r in reps]
    report["warnings"] = warnings
    report["seed"] = config.seed
    report["seeds"] = [r["seed"] for r in reps]
    report["config"] = _jsonable(vars(config))
    return report


def _mean(values: Any) -> float | None:
    vals = [v for v in values if v is not None and np.isfinite(v)]
    return round(float(np.mean(vals)), 4) if vals else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


COMMAND = JsonCommand("experiments.trial", "trial", settings_from, run_trial, "trial.json")
parse_args = COMMAND.parse_args
main = COMMAND.main


if __name__ == "__main__":
    main()
