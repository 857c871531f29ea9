"""The health-system report for analysts (analysis/system_report.py)."""

import pandas as pd

from analysis.report import render
from analysis.system_report import report_parts, results_table, top_lines


def summary() -> pd.DataFrame:
    """Two policies in one scenario, with the columns of system.csv the report reads."""
    base = {
        "scenario": "pandemic_surge",
        "vacancy_rate_hospital": 0.10,
        "vacancy_rate_long_term_care": 0.12,
        "vacancy_rate_primary_care": 0.09,
        "vacancy_rate_home_care": 0.08,
        "nurses_left_profession": 1400.0,
        "burnout_prevalence": 0.30,
        "sickness_absence_rate": 0.06,
        "cost_agency_premium": 2.9e8,
        "total_cost": 2.4e9,
    }
    zero = {f"{k}_vs_no_policy": 0.0 for k in base if k != "scenario"}
    mandate = {**base, "vacancy_rate_long_term_care": 0.19, "total_cost": 2.6e9}
    cap = {**base, "burnout_prevalence": 0.302, "total_cost": 2.3e9}
    return pd.DataFrame(
        [
            {**base, **zero, "policy": "no_policy", "actor": "none"},
            {**mandate, **zero, "policy": "ratio_mandate", "actor": "government",
             "vacancy_rate_long_term_care_vs_no_policy": 0.07, "total_cost_vs_no_policy": 2e8,
             "burnout_prevalence_vs_no_policy": -0.001},
            {**cap, **zero, "policy": "agency_pay_cap", "actor": "government",
             "burnout_prevalence_vs_no_policy": 0.002, "total_cost_vs_no_policy": -1e8},
        ]
    )  # fmt: skip


def test_top_line_names_the_largest_changes_and_the_spillover():
    (line,) = top_lines(summary())
    assert line.startswith("Pandemic surge")
    assert "Ratio mandate changes burnout most (-0.1 points)" in line
    assert "Agency pay cap changes total cost most (-$100.0 million)" in line
    assert "Ratio mandate moves the shortage into long-term care most (vacancies +7.0" in line


def test_results_show_each_change_beside_its_mean_in_readable_units():
    table = results_table(summary())
    mandate = table[table["Policy"] == "Ratio mandate"].iloc[0]
    assert mandate["Vacancies, long-term care"] == "19.0 % (+7.0 points)"
    assert mandate["Total cost, $ million"] == "2,600 (+200)"
    assert table.iloc[0]["Total cost, $ million"] == "2,400" and table.iloc[0]["Who can act"] == "–"


def test_the_report_renders_with_the_evidence_and_where_the_numbers_come_from(tmp_path):
    png = tmp_path / "flows.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")
    evidence = pd.DataFrame(
        [{"figure": "Turnover", "scenario": "baseline", "published": "(0.16, 0.18)",
          "model": 0.15, "inside": False, "source": "NSI", "note": "all roles"}]
    )  # fmt: skip
    page = render(**report_parts(summary(), evidence, png, {"Command": "python -m x"}))
    assert "In brief" in page and "Against published system data" in page
    assert "python -m x" in page and "data:image/png;base64," in page


def test_changes_carry_their_interval_over_seeds_when_there_is_one():
    """With the interval columns of system.csv, each change shows its 95 % interval."""
    with_bounds = summary()
    with_bounds["burnout_prevalence_vs_no_policy_low"] = [0.0, -0.012, -0.004]
    with_bounds["burnout_prevalence_vs_no_policy_high"] = [0.0, 0.010, 0.008]
    table = results_table(with_bounds)
    cap = table[table["Policy"] == "Agency pay cap"].iloc[0]
    assert cap["Burnout"] == "30.2 % (+0.2 points; -0.4 to +0.8)"
    (line,) = top_lines(with_bounds)
    assert "Ratio mandate changes burnout most (-0.1 points; -1.2 to +1.0)" in line
