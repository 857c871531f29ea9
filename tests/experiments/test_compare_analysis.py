"""Tests of the comparison's statistics, figures and report on made-up runs with known answers."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import comparison, figures, report

WEEKS = 52


def made_up_weekly(effect: float = -0.10, seeds: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weekly rows of two arms whose burnout differs by exactly ``effect`` in every week."""
    rng = np.random.default_rng(3)
    rows, costs = [], []
    for replicate in range(seeds):
        level = 0.4 + 0.05 * rng.standard_normal()
        for arm, shift, leavers, spend in (("none", 0.0, 2, 0.0), ("program", effect, 1, 5e4)):
            for week in range(1, WEEKS + 1):
                rows.append(
                    {
                        "scenario": "baseline",
                        "arm": arm,
                        "replicate": replicate,
                        "seed": 100 + replicate,
                        "week": week,
                        "burnout_prevalence": level + shift,
                        "flourishing_share": 0.3 - shift,
                        "headcount": 100,
                        "vacancies": 5 if arm == "none" else 4,
                        "leavers": leavers,
                        "total_cost": week * (1e4 if arm == "none" else 9e3) + spend,
                        "moral_distress_share": 0.25 + shift,
                        "absence_hours": 150.0 if arm == "none" else 120.0,
                        "safety_incidents": 1.0 if arm == "none" else 0.8,
                        "mean_intensity": 1.0 + 0.1 * shift,
                        "overtime_hours": 50.0,
                        "violence_incidents": 3.0,
                        "leadership_delivered": 45.0,
                        "engagement": 0.5 - shift,
                        "trust": 0.5,
                    }
                )
            costs.append(
                {
                    "scenario": "baseline",
                    "arm": arm,
                    "replicate": replicate,
                    "seed": 100 + replicate,
                    "cost_interventions": spend,
                    "cost_replacement": 6e4 * leavers,
                    "cost_overtime_premium": 1e4,
                    "cost_agency_premium": 1e4,
                    "cost_sick_pay": 4e3 if arm == "none" else 3e3,
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(costs)


def test_outcomes_over_the_horizon():
    """Means, departures per year, burnout-weeks and final cumulative cost of each run."""
    weekly, costs = made_up_weekly()
    outcomes = comparison.run_outcomes(weekly, costs).set_index(["arm", "replicate"])
    none = outcomes.loc[("none", 0)]
    assert none["departures"] == 2 * WEEKS
    assert none["annual_turnover_rate"] == pytest.approx(2 * WEEKS / 100)
    assert none["vacancies"] == 5
    assert none["total_cost"] == pytest.approx(WEEKS * 1e4)
    assert none["burnout_weeks"] == pytest.approx(none["burnout_prevalence"] * 100 * WEEKS)
    assert outcomes.loc[("program", 0), "intervention_cost"] == 5e4


def test_paired_differences_remove_between_seed_spread():
    """An effect that is the same in every replicate has a zero-width interval despite noise."""
    weekly, costs = made_up_weekly(effect=-0.10)
    diff = comparison.paired_differences(comparison.run_outcomes(weekly, costs))
    summary = comparison.summarize(diff, resamples=200, seed=1).iloc[0]
    assert summary["burnout_prevalence_mean"] == pytest.approx(-0.10)
    assert summary["burnout_prevalence_high"] - summary["burnout_prevalence_low"] < 1e-9
    assert summary["departures_avoided_mean"] == WEEKS
    assert summary["burnout_weeks_averted_mean"] == pytest.approx(0.10 * 100 * WEEKS)
    # Cost: 52 weeks x -1,000 plus 50,000 spend = -2,000; per avoided departure -2,000 / 52.
    assert summary["total_cost_mean"] == pytest.approx(-2000.0)
    assert summary["cost_per_avoided_departure_mean"] == pytest.approx(-2000.0 / WEEKS)


def test_mean_interval_is_the_t_interval():
    """The interval is mean +- t(0.975, n-1) s / sqrt(n)."""
    values = np.array([1.0, 2.0, 4.0, 7.0])
    mean, low, high = comparison.mean_interval(values)
    half = stats.t.ppf(0.975, 3) * values.std(ddof=1) / 2.0
    assert (mean, low, high) == pytest.approx((3.5, 3.5 - half, 3.5 + half))
    assert np.isnan(comparison.mean_interval(np.array([1.0]))[1])


def test_ratio_interval_when_departures_are_not_clearly_avoided():
    """No departures avoided on average: no ratio; often none avoided: an unbounded interval."""
    cost = np.full(10, 1000.0)
    assert np.isnan(comparison.ratio_interval(cost, np.full(10, -1.0), 100, 0)[0])
    mixed = np.array([5.0, -4.0, 3.0, -2.0, 1.0, -3.0, 4.0, -1.0, 2.0, 0.5])
    point, low, high = comparison.ratio_interval(cost, mixed, 500, 0)
    assert point == pytest.approx(1000.0 / mixed.mean())
    assert np.isinf(high) and np.isfinite(low)
    point, low, high = comparison.ratio_interval(cost, np.full(10, 4.0), 100, 0)
    assert point == low == high == 250.0


def test_missing_reference_run_is_an_error():
    """An arm without its no-intervention run of the same seed cannot be paired."""
    weekly, costs = made_up_weekly()
    outcomes = comparison.run_outcomes(weekly, costs)
    orphan = outcomes[~((outcomes["arm"] == "none") & (outcomes["replicate"] == 2))]
    with pytest.raises(ValueError, match="no 'none' run to pair"):
        comparison.paired_differences(orphan)


def test_tables_format_estimates_with_intervals():
    """Cells read 'mean (low to high)' with labels for ids; an infinite end is never 'inf'."""
    assert comparison.format_estimate(-0.052, -0.06, -0.044, 100, 1) == "-5.2 (-6.0 to -4.4)"
    assert comparison.format_estimate(2.0, 1.0, np.inf, 1, 0) == (
        "2 (1 or more, upper end not defined)"
    )
    assert comparison.format_estimate(np.nan, np.nan, np.nan, 1, 0) == "not available"
    weekly, costs = made_up_weekly()
    summary = comparison.summarize(
        comparison.paired_differences(comparison.run_outcomes(weekly, costs)), 100, 0
    )
    text = comparison.to_markdown(comparison.display_table(summary, {"program": "individual"}))
    lines = text.splitlines()
    assert len(lines) == 3 and lines[1].startswith("|:---")
    assert [cell.strip() for cell in lines[2].split("|")[1:4]] == [
        "Baseline (no outside shock)",
        "Program",
        "Individual",
    ]
    assert "Burnout prevalence (percentage points)" in lines[0]
    assert "-$2,000 (-$2,000 to -$2,000)" in lines[2]  # 52 weeks x $1,000 less, less $50,000
    lines = comparison.findings(summary)
    assert "Program, -10.0 points (95 % interval -10.0 to -10.0)" in lines[0]
    assert "most departures avoided over the horizon: Program, 52" in lines[1]
    assert "Program saves $2,000 (95 % interval $2,000 to $2,000)" in lines[2]


def test_figures_and_report_are_self_contained(tmp_path):
    """Three PNG figures are drawn and embedded in one HTML file that links to nothing."""
    weekly, costs = made_up_weekly()
    summary = comparison.summarize(
        comparison.paired_differences(comparison.run_outcomes(weekly, costs)), 100, 0
    )
    levels = {"none": "none", "program": "individual"}
    paths = [
        figures.trajectories(weekly, ["none", "program"], tmp_path / "t.png"),
        figures.ranked_effects(summary, levels, tmp_path / "r.png"),
        figures.cost_effectiveness_plane(summary, levels, tmp_path / "c.png"),
    ]
    for path in paths:
        assert path.read_bytes()[:4] == b"\x89PNG"
    out = report.write_report(
        tmp_path / "report.html",
        title="T <1>",
        intro="intro",
        headline=["a & b"],
        results=report.table(comparison.display_table(summary, levels)),
        figures=[report.Figure(p, f"figure {i}") for i, p in enumerate(paths)],
        sections=[report.Section("Assumptions", report.definitions({"x": "y"}))],
    )
    text = out.read_text()
    assert text.count("data:image/png;base64,") == 3
    assert "T &lt;1&gt;" in text and "a &amp; b" in text
    assert "http" not in text.replace("http-equiv", "")


def test_new_outcomes_and_mechanism_notes():
    """Absence days, safety incidents and moral distress are paired; raisers are explained."""
    weekly, costs = made_up_weekly(effect=0.02)  # the programme raises burnout a little
    outcomes = comparison.run_outcomes(weekly, costs)
    none = outcomes[outcomes["arm"] == "none"].iloc[0]
    assert none["sickness_absence_days"] == pytest.approx(150.0 * WEEKS / 7.5)
    assert none["safety_incidents"] == pytest.approx(1.0 * WEEKS)
    diff = comparison.paired_differences(outcomes)
    summary = comparison.summarize(diff, resamples=50)
    row = summary.iloc[0]
    assert row["absence_days_averted_mean"] == pytest.approx(30.0 * WEEKS / 7.5)
    assert row["safety_incidents_averted_mean"] == pytest.approx(0.2 * WEEKS)
    notes = comparison.mechanism_notes(summary)
    assert any("raises burnout prevalence" in n and "moral distress +8.0 %" in n for n in notes)
