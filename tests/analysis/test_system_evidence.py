"""Published system figures beside a system run (analysis/system_evidence.py)."""

import math

import pandas as pd
import pytest

from analysis.system_evidence import SYSTEM_FIGURES, evidence_table, sector_measures


def organizations() -> pd.DataFrame:
    """Two seeds of two organizations over two years, numbers chosen by hand (all nurses)."""
    row = dict(scenario="baseline", policy="no_policy", posts=100, wage_budget=1_000_000.0)
    frame = pd.DataFrame(
        [
            {**row, "sector": "hospital", "filled": 90, "leavers": 36, "left_profession": 4,
             "agency_pay": 40_000.0},
            {**row, "sector": "long_term_care", "filled": 80, "leavers": 160,
             "left_profession": 2, "agency_pay": 0.0},
            {**row, "sector": "hospital", "filled": 90, "leavers": 36, "left_profession": 0,
             "agency_pay": 0.0},
        ]
    )  # fmt: skip
    frame["agency_pay_second_year"] = frame["agency_pay"] / 2
    for kind in ("leavers", "left_profession", "filled", "posts"):
        frame[f"{kind}_nurse"] = frame[kind]
        frame[f"{kind}_allied"] = 0
    return frame


def test_pandemic_exits_are_the_excess_over_the_same_seeds_without_pandemic():
    base = organizations()
    surge = base.assign(scenario="pandemic_surge")
    surge["left_profession_nurse"] += 1
    m = sector_measures(pd.concat([base, surge]), weeks=104).set_index(["scenario", "sector"])
    assert m.loc[("pandemic_surge", "all"), "pandemic_exits"] == pytest.approx(3 / 300)
    assert math.isnan(m.loc[("baseline", "all"), "pandemic_exits"])


def test_measures_pool_the_seeds_per_sector_and_for_the_system():
    m = sector_measures(organizations(), weeks=104).set_index("sector")
    assert m.loc["hospital", "annual_turnover"] == pytest.approx(72 / 180 / 2)
    assert m.loc["hospital", "rn_turnover"] == pytest.approx(72 / 180 / 2)
    assert m.loc["long_term_care", "nursing_turnover"] == pytest.approx(160 / 80 / 2)
    assert m.loc["long_term_care", "rn_vacancy"] == pytest.approx(0.2)
    assert m.loc["long_term_care", "annual_turnover"] == pytest.approx(160 / 80 / 2)
    assert m.loc["all", "exits_from_workforce"] == pytest.approx(6 / 300 / 2)
    assert m.loc["hospital", "agency_cost_share"] == pytest.approx(40_000 / (4_000_000 + 40_000))
    second = m.loc["hospital", "agency_cost_share_second_year"]
    assert second == pytest.approx(20_000 / (2_000_000 + 20_000))


def test_every_figure_is_set_beside_the_model_and_judged():
    table = evidence_table(sector_measures(organizations(), weeks=104))
    assert len(table) == len(SYSTEM_FIGURES) and table["source"].str.len().min() > 10
    hospital = table[table["figure"].str.startswith("Annual RN turnover, hospitals")].iloc[0]
    assert hospital["model"] == pytest.approx(0.2) and not hospital["inside"]
    homes = table[table["figure"].str.contains("nursing homes")].iloc[0]
    assert homes["inside"] and homes["ratio"] == pytest.approx(1.0 / 1.11)
    assert homes["misfit"] == pytest.approx((1.0 - 1.11) / 0.17)
    pandemic = table[table["scenario"] == "pandemic_surge"]
    assert pandemic["model"].map(math.isnan).all() and not pandemic["inside"].any()


def test_home_care_turnover_is_checked_out_of_sample():
    """The home-care figure is reported beside the model but left out of the market's fit."""
    from experiments.system_fit import loss

    frame = organizations()
    home = frame.iloc[[0]].assign(sector="home_care", leavers=45, leavers_nurse=45)
    table = evidence_table(sector_measures(pd.concat([frame, home]), weeks=104))
    row = table[table["figure"].str.contains("home health")].iloc[0]
    assert row["model"] == pytest.approx(45 / 90 / 2) and not row["fitted"]
    fitted_only = table[table["fitted"]]
    assert loss(table) == pytest.approx(float((fitted_only["misfit"].fillna(10.0) ** 2).sum()))
    assert loss(table) < loss(table.assign(fitted=True))  # its misfit (+1.0) is left out
