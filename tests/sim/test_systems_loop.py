"""The reinforcing loop: demand -> burnout -> quits -> vacancies -> workload of those who stay."""

import numpy as np

from sim import WorkforceModel


def mean_outcomes(weeks: int = 156, seeds: int = 3, **params) -> dict[str, float]:
    rows = []
    for seed in range(seeds):
        m = WorkforceModel(rng=seed, **params)
        m.run_for(weeks)
        df = m.datacollector.get_model_vars_dataframe().iloc[-104:]
        rows.append(
            {
                "turnover": m.summary()["annual_turnover_rate"],
                "vacancy_rate": df["vacancy_rate"].mean(),
                "overtime_per_worker": (df["overtime_hours"] / df["headcount"]).mean(),
                "burnout": df["burnout_prevalence"].mean(),
            }
        )
    return {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}


def test_more_demand_raises_burnout_turnover_and_vacancies():
    """Raising demand raises burnout, turnover and vacancies."""
    low = mean_outcomes(demand_level=1.0)
    high = mean_outcomes(demand_level=1.25)
    assert high["burnout"] > low["burnout"] + 0.05
    assert high["turnover"] > low["turnover"] + 0.02
    assert high["vacancy_rate"] > low["vacancy_rate"]
    assert high["overtime_per_worker"] > low["overtime_per_worker"]


def test_vacancies_left_by_leavers_load_those_who_stay():
    """At the same demand, slow refilling of leavers' posts raises stayers' overtime and burnout."""
    fast = mean_outcomes(demand_level=1.15, time_to_fill_days=7.0, search_success_prob=1.0)
    slow = mean_outcomes(demand_level=1.15)
    assert slow["vacancy_rate"] > fast["vacancy_rate"] + 0.03
    assert slow["overtime_per_worker"] > fast["overtime_per_worker"]
    assert slow["burnout"] > fast["burnout"]
