"""The decision analysis in words and tables: prices shown, best buys, EVPI cells."""

import numpy as np
import pandas as pd
import pytest

from analysis import decision, decision_figures, decision_report
from experiments import compare_config


def test_report_points_are_evenly_spread_grid_values():
    grid = [float(v) for v in range(0, 100_001, 5_000)]
    assert decision_report.report_points(grid) == [0.0, 25_000.0, 50_000.0, 75_000.0, 100_000.0]
    assert decision_report.report_points([7.0, 3.0, 3.0]) == [3.0, 7.0]


def made_up_tables(drawn: bool) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(0)
    rows = []
    for scenario in ("baseline", "pandemic_surge"):
        for replicate in range(20):
            for arm, effect in (("mindfulness", 1.0), ("safe_staffing", 3.0)):
                rows.append(
                    {
                        "scenario": scenario,
                        "arm": arm,
                        "replicate": replicate,
                        "draw": replicate // 2 if drawn else 0,
                        "departures_avoided": effect + rng.normal(0, 1),
                        "burnout_weeks_averted": 52 * effect + rng.normal(0, 5),
                        "total_cost": 50_000 * effect + rng.normal(0, 5_000),
                    }
                )
    diff = pd.DataFrame(rows)
    params = pd.DataFrame({"job_market": rng.uniform(0.5, 2, 10)})
    return decision.decision_tables(
        diff,
        {"burnout_year": [0.0, 50_000.0, 100_000.0], "departure": [0.0, 100_000.0]},
        params if drawn else None,
    )


def test_best_buy_lines_name_the_most_likely_arm_at_each_price():
    tables = made_up_tables(drawn=True)
    lines = decision_report.best_buy_lines(tables["ceac"], {"departure": [0.0, 100_000.0]})
    assert len(lines) == 2  # one per scenario
    assert lines[0].startswith(
        "At baseline, with no outside shock, at $0 per departure avoided, no intervention is "
        "the best buy with probability 100 %; at $100,000, safe staffing (float pool), "
    )


def test_evpi_table_is_in_dollars_and_says_when_not_computed():
    table = decision_report.evpi_table(made_up_tables(True)["evpi"], {"burnout_year": [50_000.0]})
    assert list(table.columns) == [
        "Scenario",
        "Willingness to pay",
        "EVPI",
        "Partial EVPI: recruitment and labour market",
    ]
    assert table["Willingness to pay"].iloc[0] == "$50,000 per burnout-year averted"
    assert all(cell.startswith("$") for cell in table["EVPI"])
    noise = decision_report.evpi_table(made_up_tables(False)["evpi"], {"departure": [0.0]})
    assert set(noise["EVPI"]) == {"not computed"}
    markdown = decision_report.decision_markdown(
        made_up_tables(False), {"departure": [0.0]}, "over one year"
    )
    assert "stochastic noise only" in markdown and "Not computed" in markdown


def test_decision_section_says_when_partial_evpi_has_no_parameters():
    summary = pd.DataFrame(
        {
            "scenario": ["baseline"],
            "arm": ["mindfulness"],
            "draws": [10],
            **{f"{m}_parameter_share": [0.5] for m in decision_report.SHARE_MEASURES},
        }
    )
    tables = made_up_tables(drawn=True)
    tables["evpi"] = tables["evpi"][tables["evpi"]["group"] == "all parameters"]
    wtp = {"departure": [0.0, 100_000.0]}
    body = decision_report.decision_section(tables, wtp, None, summary, "over one year").body
    assert "Partial EVPI is not computed" in body
    assert decision_report.EVPI_TITLE in body and "50 % of the variance" in body


def test_acceptability_figure_has_a_panel_per_scenario_and_effect(tmp_path):
    path = decision_figures.acceptability_curves(made_up_tables(True)["ceac"], tmp_path / "c.png")
    assert path.stat().st_size > 20_000


@pytest.mark.parametrize(
    "override",
    [
        "willingness_to_pay.departure=[-1]",
        "willingness_to_pay.burnout_year=[]",
        "willingness_to_pay.departure=[0,inf]",
        "willingness_to_pay.departure=[nan]",
        "+willingness_to_pay.qaly=[1]",
    ],
)
def test_willingness_to_pay_must_be_finite_and_not_negative(override):
    with pytest.raises(ValueError, match="willingness_to_pay"):
        compare_config.compose_config([override])
