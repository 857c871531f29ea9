"""compare's outputs with posterior draws, on made-up runs (no simulation): files and report."""

import numpy as np
import pandas as pd
import pytest
from omegaconf import open_dict

from experiments import compare, compare_config, compare_outputs
from sim.posterior import Posterior, save_posterior

ARMS = ("none", "individual_bundle", "organizational_bundle")
WEEKS, DRAWS = 6, 12
CHANNELS = ("mean_intensity", "overtime_hours", "violence_incidents", "leadership_delivered")


def made_up_runs(job_market: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weekly rows and run costs: 2 seeds per draw; the organizational bundle's effect on
    burnout and departures grows with the draw's ``job_market``, the other's does not."""
    rng = np.random.default_rng(7)
    rows, costs = [], []
    for replicate in range(2 * DRAWS):
        draw = replicate // 2
        for arm in ARMS:
            gain = {"none": 0.0, "individual_bundle": 0.02, "organizational_bundle": 0.0}[arm]
            if arm == "organizational_bundle":
                gain = 0.1 * (job_market[draw] - 1.0)
            noise = rng.normal(0.0, 0.002)
            for week in range(1, WEEKS + 1):
                rows.append(
                    {
                        "scenario": "baseline",
                        "arm": arm,
                        "replicate": replicate,
                        "seed": 1000 + replicate,
                        "draw": draw,
                        "week": week,
                        "burnout_prevalence": 0.4 - gain + noise,
                        "flourishing_share": 0.3,
                        "headcount": 100,
                        "vacancies": 5.0,
                        "leavers": 2.0 - 10 * gain,
                        "total_cost": 1e4 * week,
                        "moral_distress_share": 0.25,
                        "absence_hours": 100.0,
                        "safety_incidents": 1.0,
                        "engagement": 0.5,
                        "trust": 0.5,
                        "sickness_absence_rate": 0.03,
                        "safety_incident_rate": 2.0,
                        **dict.fromkeys(CHANNELS, 1.0),
                    }
                )
            spend = {"none": 0.0, "individual_bundle": 1e3, "organizational_bundle": 2e3}[arm]
            costs.append(
                {
                    "scenario": "baseline",
                    "arm": arm,
                    "replicate": replicate,
                    "seed": 1000 + replicate,
                    "cost_interventions": spend,
                    "cost_replacement": 1e4,
                    "cost_overtime_premium": 0.0,
                    "cost_agency_premium": 0.0,
                    "cost_sick_pay": 0.0,
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(costs)


@pytest.mark.parametrize("with_posterior", [True, False])
def test_compare_writes_decision_outputs(tmp_path, monkeypatch, with_posterior):
    rng = np.random.default_rng(3)
    draws = pd.DataFrame(
        {
            "job_market": rng.uniform(0.5, 1.5, DRAWS),
            "violence_level": rng.uniform(0.5, 1.5, DRAWS),
        }
    )
    weekly, costs = made_up_runs(draws["job_market"].to_numpy())
    if not with_posterior:
        weekly = weekly.drop(columns="draw")
    monkeypatch.setattr(compare, "gather", lambda cfg: (weekly, costs))
    cfg, _ = compare_config.compose_config(
        [
            "experiment=quick",
            "bootstrap=20",
            "willingness_to_pay.burnout_year=[0,20000,60000]",
            "willingness_to_pay.departure=[0,100000]",
        ]
    )
    if with_posterior:
        save_posterior(Posterior("toy", draws, np.ones(DRAWS), {}), tmp_path / "toy")
        with open_dict(cfg):
            cfg.posterior = str(tmp_path / "toy")
    out = tmp_path / "out"
    compare_outputs.write_outputs(cfg, [], {}, out, {})

    summary = pd.read_csv(out / "summary.csv")
    share = summary.set_index("arm")["burnout_prevalence_parameter_share"]
    evpi = pd.read_csv(out / "evpi.csv")
    ceac = pd.read_csv(out / "ceac.csv")
    net_benefit = pd.read_csv(out / "net_benefit.csv")
    assert (out / "figures" / "ceac.png").stat().st_size > 10_000
    assert set(ceac["wtp"]) == {0.0, 20000.0, 60000.0, 100000.0}
    assert np.allclose(ceac.groupby(["effect", "wtp"])["probability_best"].sum(), 1.0)
    assert set(net_benefit["arm"]) == set(ARMS[1:])
    page = (out / "report.html").read_text()
    assert "Decision analysis" in page and "Expected value of perfect information" in page
    markdown = (out / "summary.md").read_text()
    assert "Expected value of perfect information" in markdown
    if with_posterior:
        assert share["organizational_bundle"] > 0.9  # its effect is all parameters
        assert (summary["draws"] == DRAWS).all()
        assert (ceac["uncertainty"] == "parameters and noise").all()
        value = evpi[evpi["effect"] == "burnout_year"].pivot(
            index="wtp", columns="group", values="value"
        )
        assert value.loc[60000.0, "all parameters"] > 0
        assert (value["recruitment and labour market"] <= value["all parameters"] + 1e-9).all()
        assert (
            value.loc[60000.0, "recruitment and labour market"]
            > 5 * (value.loc[60000.0, "violence"])
        )
        assert "is parameter uncertainty" in page and "Not computed" not in page
    else:
        assert share.isna().all()
        assert evpi["value"].isna().all()
        assert "stochastic noise only" in page and "Not computed" in page
