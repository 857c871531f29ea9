"""Decision analysis as health economists report it (CHEERS 2022): net benefit, CEACs, EVPI.

Each arm is set against no intervention, for one effect measure at a time (:data:`EFFECTS`):

- **Incremental net benefit** at a willingness to pay ``w`` per unit of effect:
  ``INB = w * effect - incremental cost``, with the effect counted so that more is better
  (burnout-years averted, departures avoided) and the incremental cost the difference in total
  excess cost, the intervention's own cost included. No intervention has INB 0.
- **Uncertainty** is taken over posterior draws: the seeds of a draw are averaged first, which
  removes as much stochastic noise as the design allows, so each draw's INB stands for the
  expected INB given that parameter set. Draws count as equally likely samples of the posterior
  (``compare`` picks the rows by weight); a row drawn twice counts twice. Without draws each
  replicate counts as one draw and the results reflect stochastic noise only (the report says
  so; EVPI is then not computed: chance events of one organization are not worth researching).
- **Cost-effectiveness acceptability curve** (CEAC): the share of draws in which each arm, no
  intervention included, has the highest net benefit (ties split evenly).
- **EVPI** = ``E[max_j NB_j] - max_j E[NB_j]`` over draws; **partial EVPI** of a group of
  parameters replaces ``NB_j`` by its regression on that group's parameters (Strong, Oakley &
  Brennan 2014, Med Decis Making 34:311): an ordinary least-squares polynomial of low order
  (:func:`regression_fit`), capped at the EVPI (an estimate above it is the regression's
  overfitting). Unit: US dollars per organization over the horizon, undiscounted; the value of
  resolving the uncertainty for one organization's decision, not for a population of them.
  The noise left in a draw's mean of two seeds counts as uncertainty here, so the EVPI is a
  little high; the regression's fitted values carry less of it.
"""

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.uncertainty import DRAW, has_draws

REFERENCE = "none"
WEEKS_PER_YEAR = 52.0

EFFECTS: dict[str, tuple[str, str]] = {
    "burnout_year": (
        "burnout-year averted",
        "one worker spared a year of burnout: burnout-weeks averted (no intervention minus arm, "
        "summed over workers and weeks of the horizon) / 52",
    ),
    "departure": (
        "departure avoided",
        "one fewer worker leaving over the horizon (no intervention minus arm: quits and "
        "retirements)",
    ),
}
"""Effect measures of the decision analysis: (unit in words, definition)."""

PARAMETER_GROUPS: dict[str, tuple[str, ...]] = {
    # Groups are the research questions an analyst could fund, kept small enough for the
    # regression of partial EVPI at the main job's 15 posterior draws, some of which repeat a
    # parameter set (14 distinct in the default run): at least three distinct draws per
    # coefficient, so three calibrated parameters a group at most. One group "workload and
    # strain" of six calibrated parameters was never computed; it is split into the four below.
    "burnout dynamics": (
        "exhaustion_rate",
        "recovery_rate",
        "burnout_recovery_slowdown",
        "resource_state_half_life_weeks",
    ),
    "workload and hours": (
        "workload_effect",
        "fatigue_weight",
        "overtime_effect",
        "burnout_contagion",
    ),
    "personal resources and life": ("coping_sd", "resource_state_share", "nonwork_strain"),
    "moral distress": ("moral_distress_effect", "moral_distress_trait_mean"),
    "leadership": (
        "leadership_effect",
        "physician_leadership_proximity",
        "leadership_mean",
        "leadership_sd",
        "recognition_effect",
    ),
    "recruitment and labour market": (
        "job_market",
        "time_to_fill_days",
        "search_success_prob",
        "intent_effect",
        "turnover_contagion",
    ),
    "violence": ("violence_level", "violence_effect"),
    "well-being": ("wellbeing_trait_mean", "wellbeing_trait_sd", "wellbeing_restoration"),
}
"""Groups of calibrated parameters for partial EVPI; a posterior column in none is ``other``."""
OTHER_GROUP = "other"


def effect_values(diff: pd.DataFrame, effect: str) -> pd.Series:
    """The effect of :data:`EFFECTS` per run of a paired-difference table (more is better)."""
    if effect == "burnout_year":
        return diff["burnout_weeks_averted"] / WEEKS_PER_YEAR
    if effect == "departure":
        return diff["departures_avoided"].astype(float)
    raise ValueError(f"effect {effect!r} is unknown; allowed: {', '.join(EFFECTS)}")


def draw_means(diff: pd.DataFrame, effect: str) -> pd.DataFrame:
    """Effect and incremental cost per scenario, arm and draw, the seeds of a draw averaged.

    Args:
        diff: Paired differences (:func:`analysis.comparison.paired_differences`): ``scenario``,
            ``arm``, ``replicate``, ``total_cost``, ``burnout_weeks_averted``,
            ``departures_avoided`` and, with a posterior, ``draw``.
        effect: A key of :data:`EFFECTS`.

    Returns:
        Columns ``scenario``, ``arm``, ``draw`` (the replicate when there are no draws),
        ``effect``, ``cost`` and ``runs`` (seeds averaged: a posterior row drawn for two
        replicate pairs has twice the runs, and counts twice in :func:`decision_tables`).
    """
    unit = DRAW if has_draws(diff) else "replicate"
    frame = pd.DataFrame(
        {
            "scenario": diff["scenario"].astype(str),
            "arm": diff["arm"].astype(str),
            DRAW: diff[unit].to_numpy(),
            "effect": effect_values(diff, effect).to_numpy(dtype=float),
            "cost": diff["total_cost"].to_numpy(dtype=float),
        }
    )
    grouped = frame.groupby(["scenario", "arm", DRAW], sort=True)
    return grouped.mean().join(grouped.size().rename("runs")).reset_index()


def net_benefit_matrix(
    means: pd.DataFrame, wtp: float, arms: Sequence[str] | None = None
) -> pd.DataFrame:
    """INB of each arm per draw at one willingness to pay: draws as rows, arms as columns.

    The reference arm is the first column (0 throughout); draws missing an arm are dropped.
    """
    wide = means.assign(inb=wtp * means["effect"] - means["cost"]).pivot(
        index=DRAW, columns="arm", values="inb"
    )
    order = list(arms) if arms is not None else list(wide.columns)
    wide = wide.reindex(columns=[a for a in order if a != REFERENCE]).dropna()
    wide.insert(0, REFERENCE, 0.0)
    return wide


def acceptability(nb: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Per arm (column), the weighted share of draws (rows) in which it has the highest NB."""
    nb = np.asarray(nb, dtype=float)
    best = np.isclose(nb, nb.max(axis=1, keepdims=True), rtol=0.0, atol=1e-9)
    return np.average(best / best.sum(axis=1, keepdims=True), axis=0, weights=weights)


def evpi(nb: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Expected value of perfect information: ``E[max_j NB_j] - max_j E[NB_j]`` over rows."""
    nb = np.asarray(nb, dtype=float)
    perfect = np.average(nb.max(axis=1), weights=weights)
    return float(perfect - np.average(nb, axis=0, weights=weights).max())


def regression_fit(y: np.ndarray, x: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Fitted values of ``y`` (draws by arms) regressed on parameters ``x`` (draws by p).

    Weighted least squares on standardized parameters with an intercept, linear terms and,
    when there are at least three draws per coefficient, their squares (no interactions): a
    low-order polynomial that a few dozen draws can fit without following the noise (a GAM or
    Gaussian process, Strong et al.'s choices, need hundreds of draws for several parameters).
    NaN when there are fewer than three draws per coefficient of the linear fit.
    """
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    n = x.shape[0]
    spread = x.std(axis=0)
    z = (x[:, spread > 0] - x[:, spread > 0].mean(axis=0)) / spread[spread > 0]
    p = z.shape[1]
    if n < 3 * (1 + p):
        return np.full_like(y, np.nan)
    design = np.column_stack([np.ones(n), z])
    if n >= 3 * (1 + 2 * p):
        design = np.column_stack([design, z**2])
    root = np.sqrt(np.ones(n) if weights is None else np.asarray(weights, dtype=float))
    coef = np.linalg.lstsq(design * root[:, None], y * root[:, None], rcond=None)[0]
    return design @ coef


def partial_evpi(nb: np.ndarray, x: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Partial EVPI of the parameters ``x`` by the regression method, capped at the EVPI."""
    fitted = regression_fit(nb, x, weights)
    if np.isnan(fitted).any():
        return float("nan")
    return min(evpi(fitted, weights), evpi(nb, weights))


def parameter_groups(columns: Sequence[str]) -> dict[str, list[str]]:
    """The groups of :data:`PARAMETER_GROUPS` present in ``columns`` (others: ``other``)."""
    grouped = {
        name: [c for c in columns if c in members] for name, members in PARAMETER_GROUPS.items()
    }
    known = {c for members in PARAMETER_GROUPS.values() for c in members}
    grouped[OTHER_GROUP] = [c for c in columns if c not in known]
    return {name: members for name, members in grouped.items() if members}


def decision_tables(
    diff: pd.DataFrame,
    wtp: Mapping[str, Sequence[float]],
    parameters: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Net benefit, acceptability and (partial) EVPI per scenario, effect and willingness to pay.

    Args:
        diff: Paired differences (see :func:`draw_means`).
        wtp: Willingness-to-pay grid per effect of :data:`EFFECTS`, US dollars per unit.
        parameters: The posterior's parameter sets, indexed by draw (``Posterior.draws``), for
            partial EVPI; ``None``: no partial EVPI.

    Returns:
        ``net_benefit`` (per arm: ``inb_mean``, ``inb_low``, ``inb_high`` the 2.5 and 97.5 %
        quantiles over draws, ``probability_cost_effective`` = share of draws with INB > 0),
        ``ceac`` (``probability_best`` per arm, no intervention included) and ``evpi`` (group
        ``all parameters`` and one row per parameter group, ``value`` in US dollars, NaN when
        the run has no posterior draws). Every row has ``scenario``, ``effect``, ``wtp``,
        ``draws`` and ``uncertainty`` (``parameters and noise`` or ``noise only``).
    """
    drawn = has_draws(diff)
    label = "parameters and noise" if drawn else "noise only"
    arms = list(dict.fromkeys(str(a) for a in diff["arm"]))
    rows: dict[str, list[dict[str, object]]] = {"net_benefit": [], "ceac": [], "evpi": []}
    for effect, grid in wtp.items():
        means = draw_means(diff, effect)
        for scenario, block in means.groupby("scenario", sort=False):
            groups = _group_values(block, parameters) if drawn else {}
            runs = block.groupby(DRAW)["runs"].min()
            for w in sorted({float(v) for v in grid}):
                nb = net_benefit_matrix(block, w, arms)
                head = {"scenario": scenario, "effect": effect, "wtp": w, "draws": len(nb)}
                head["uncertainty"] = label
                weights = runs.loc[nb.index].to_numpy(dtype=float)
                values = nb.to_numpy()
                spread = np.repeat(values, weights.astype(int), axis=0)
                low, high = np.quantile(spread, [0.025, 0.975], axis=0)
                for j, (arm, p) in enumerate(
                    zip(nb.columns, acceptability(values, weights), strict=True)
                ):
                    rows["ceac"].append({**head, "arm": arm, "probability_best": p})
                    if arm == REFERENCE:
                        continue
                    rows["net_benefit"].append(
                        {
                            **head,
                            "arm": arm,
                            "inb_mean": np.average(values[:, j], weights=weights),
                            "inb_low": low[j],
                            "inb_high": high[j],
                            "probability_cost_effective": np.average(
                                values[:, j] > 0, weights=weights
                            ),
                        }
                    )
                total = evpi(values, weights) if drawn else float("nan")
                rows["evpi"].append(
                    {**head, "group": "all parameters", "parameters": "", "value": total}
                )
                for group, (names, x) in groups.items():
                    value = partial_evpi(values, x.loc[nb.index].to_numpy(), weights)
                    rows["evpi"].append(
                        {**head, "group": group, "parameters": " ".join(names), "value": value}
                    )
    return {name: pd.DataFrame(table) for name, table in rows.items()}


def _group_values(
    block: pd.DataFrame, parameters: pd.DataFrame | None
) -> dict[str, tuple[list[str], pd.DataFrame]]:
    """Each parameter group's values per draw of ``block`` (draws as the index)."""
    if parameters is None:
        return {}
    draws = pd.Index(sorted(block[DRAW].unique()))
    missing = draws.difference(parameters.index)
    if len(missing):
        raise ValueError(f"draws {list(missing)[:3]} are not rows of the posterior's parameters")
    values = parameters.loc[draws]
    return {
        group: (names, values[names])
        for group, names in parameter_groups(list(parameters.columns)).items()
    }
