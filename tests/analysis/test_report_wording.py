"""Reports for analysts: words for ids, US dollars, no 'inf', top lines, references, labels."""

import re

import numpy as np
import pandas as pd
import pytest

from analysis import labels, placement, references, wording


def test_money_in_words_with_the_currency_named():
    """Millions with one decimal, smaller amounts to the hundred, signs before the dollar."""
    assert wording.money(12_345_678) == "$12.3 million"
    assert wording.money(-21_873_000) == "-$21.9 million"
    assert wording.money(540_000) == "$540,000"
    assert wording.money(61_110) == "$61,100"
    assert wording.money(-20) == "$0"
    assert wording.estimate(-21_873e3, -23_602e3, -20_145e3, "money") == (
        "-$21.9 million (95 % interval -$23.6 to -$20.1 million)"
    )
    assert wording.money_range(-540_000, 1.2e6) == "-$540,000 to $1.2 million"


def test_ratios_that_are_not_defined_say_so_never_inf():
    """No departures avoided: not defined; negative: saves money; an infinite end: named."""
    assert wording.per_departure(np.nan, np.nan, np.nan) == "not defined: no departures avoided"
    assert wording.per_departure(-61_110, -80_000, -40_000) == (
        "saves $61,100 per departure avoided (95 % interval saves $80,000 to saves $40,000)"
    )
    text = wording.per_departure(723_900, 218_700, np.inf)
    assert "inf" not in text.replace("interval", "") and "upper end not defined" in text
    assert wording.estimate(2.0, 1.0, np.inf, decimals=0) == (
        "2 (95 % interval 1 or more, upper end not defined)"
    )
    assert wording.number(-0.04, 0) == "0"  # never "-0"


def summary_of(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A summary table with the columns top_line reads."""
    return pd.DataFrame(rows)


def test_top_line_names_the_arm_that_lowers_burnout_most_and_the_biggest_saver():
    """One sentence per scenario, computed from the summary, in labels and US dollars."""
    summary = summary_of(
        [
            {
                "scenario": "pandemic_surge",
                "arm": "integrated_bundle",
                "burnout_prevalence_mean": -0.106,
                "burnout_prevalence_high": -0.09,
                "total_cost_mean": 9e6,
                "total_cost_high": 12e6,
            },
            {
                "scenario": "pandemic_surge",
                "arm": "workload_redesign",
                "burnout_prevalence_mean": -0.03,
                "burnout_prevalence_high": -0.01,
                "total_cost_mean": -13.2e6,
                "total_cost_high": -10e6,
            },
            {
                "scenario": "baseline",
                "arm": "retention_pay",
                "burnout_prevalence_mean": 0.01,
                "burnout_prevalence_high": 0.02,
                "total_cost_mean": 2e5,
                "total_cost_high": 3e5,
            },
        ]
    )
    surge, base = wording.top_lines(summary, 260)
    assert surge == (
        "In a pandemic surge, the integrated bundle (individual and organizational) lowers "
        "burnout most (-10.6 points); workload and administrative redesign saves most money "
        "($13.2 million over five years, its own cost included)."
    )
    assert base.startswith("At baseline, with no outside shock, none of the interventions")
    assert "retention pay, costs $200,000 more over five years" in base


def test_labels_cover_every_arm_and_scenario_of_the_configs():
    """Every intervention and scenario config has a label of its own (not a fallback)."""
    from pathlib import Path

    conf = Path(labels.__file__).resolve().parents[1] / "conf"
    for path in (conf / "intervention").glob("*.yaml"):
        assert path.stem in labels.ARMS, path.stem
    for path in (conf / "scenario").glob("*.yaml"):
        assert path.stem in labels.SCENARIOS and path.stem in labels.SCENARIO_PHRASES
    assert labels.arm("new_thing") == "New thing"


def test_every_source_of_interventions_and_parameters_resolves_to_a_reference():
    """Each author-year citation in the model's sources has an anchor in docs/references.md."""
    from sim.interventions import describe
    from sim.parameters import ModelParameters

    known = references.entries()
    texts = [r["source"] for r in describe()] + [r["source"] for r in ModelParameters.describe()]
    for text in texts:
        plain = references.plain(text)
        assert "seed 0" not in plain and "evidence.md" not in plain, plain
        for match in references.CITATION.finditer(plain):
            if match.group("author") in {"NSI's", "US", "Arabia", "January"}:
                continue
            anchor = references.key(match.group("author"), match.group("year"))
            assert anchor in known, (match.group(0), text)
    assert references.plain("seed 003 takeaway 7") == "roundtable summary, takeaway 7"
    html = references.linked("Linzer 2015 (OR 5.9); seed 003 takeaway 7")
    assert '<a href="#ref-linzer-2015">Linzer 2015</a>' in html
    assert '<a href="#ref-source-roundtable">roundtable summary</a>, takeaway 7' in html


def test_brief_sources_are_listed_in_full():
    """The sources named in the issue are full references (author, year, journal)."""
    known = references.entries()
    for anchor, journal in [
        ("aiken-2002", "JAMA"),
        ("shanafelt-2015", "Mayo Clin Proc"),
        ("panagioti-2017", "JAMA Intern Med"),
        ("west-2016", "Lancet"),
        ("liu-2019", "Occup Environ Med"),
        ("dallora-2015", "BMJ Open"),
        ("griffiths-2014", "Med Care"),
        ("arnetz-2017", "J Occup Environ Med. 2017;59(1):18-27"),
        ("homer-1985", "System Dynamics Review"),
        ("shanafelt-2012", "Arch Intern Med"),
    ]:
        assert journal in known[anchor], anchor
    for anchor in ("dyrbye-2020", "panagioti-2018", "hasselhorn-2004", "linzer-2015"):
        assert anchor in known
    for anchor in ("keyes-2002", "nsi-2024", "ram-2024", "chambers-2013", "source-roundtable"):
        assert anchor in known


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_placed_labels_overlap_neither_each_other_nor_the_points(seed):
    """Crowded points: every number gets a box clear of the others and of every marker."""
    rng = np.random.default_rng(seed)
    points = rng.normal(200, 25, size=(15, 2))
    sizes = [(12.0, 9.0)] * len(points)
    boxes = placement.place_labels(points, sizes, (0.0, 0.0, 400.0, 400.0))
    m = placement.MARKER
    for i, box in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert placement.overlap(box, other) == 0.0
        for x, y in points:
            assert placement.overlap(box, (x - m, y - m, x + m, y + m)) == 0.0
        assert box[0] >= 0 and box[3] <= 400


def prose(html: str) -> str:
    """The report's readable text: no images, no command lines, no tags."""
    html = re.sub(r'src="data:[^"]*"', "", html)
    html = re.sub(r"<pre>.*?</pre>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_report_prose_has_labels_dollars_and_resolving_references(tmp_path):
    """A comparison's report: top lines first, no 'inf', no arm ids, links to references."""
    from analysis import comparison, report
    from tests.experiments.test_compare_analysis import made_up_weekly

    weekly, costs = made_up_weekly()
    weekly["arm"] = weekly["arm"].replace({"program": "workload_redesign"})
    costs["arm"] = costs["arm"].replace({"program": "workload_redesign"})
    summary = comparison.summarize(
        comparison.paired_differences(comparison.run_outcomes(weekly, costs)), 100, 0
    )
    summary.loc[:, "cost_per_avoided_departure_high"] = np.inf
    levels = {"none": "none", "workload_redesign": "organizational"}
    cited = references.cited(["Linzer 2015 (OR 5.9); seed 003 takeaway 7"])
    out = report.write_report(
        tmp_path / "report.html",
        title="T",
        intro="intro",
        top=wording.top_lines(summary, 52),
        headline=comparison.findings(summary),
        results=report.table(comparison.display_table(summary, levels)),
        figures=[],
        sections=[
            report.Section("Sources", references.linked("Linzer 2015; seed 003 takeaway 7")),
            report.Section("References", references.reference_list(cited, "docs/references.md")),
        ],
    )
    html = out.read_text()
    text = prose(html)
    assert html.index("In brief") < html.index("intro") < html.index("Main findings")
    assert "At baseline, with no outside shock, workload and administrative redesign" in text
    assert not re.search(r"\binf\b", text)
    assert not any(arm in text for arm in labels.ARMS if "_" in arm)
    assert "$2,000" in text and "upper end not defined" in text
    targets = re.findall(r'href="docs/references\.md#([a-z0-9-]+)"', html)
    assert targets == ["linzer-2015", "source-roundtable"]
    document = (references.PATH).read_text()
    for anchor in targets:
        assert f'<a id="{anchor}"></a>' in document
    for anchor in re.findall(r'href="#ref-([a-z0-9-]+)"', html):
        assert f'id="ref-{anchor}"' in html


def test_top_line_separates_the_largest_average_fall_from_the_surest_one():
    """With parameter uncertainty the arm with the largest mean fall may not be clear of zero:
    the sentence says so and names the best arm whose whole interval is below zero."""
    summary = summary_of(
        [
            {
                "scenario": "baseline",
                "arm": "integrated_bundle",
                "burnout_prevalence_mean": -0.069,
                "burnout_prevalence_high": 0.001,
                "total_cost_mean": 9e6,
                "total_cost_high": 12e6,
            },
            {
                "scenario": "baseline",
                "arm": "individual_bundle",
                "burnout_prevalence_mean": -0.035,
                "burnout_prevalence_high": -0.005,
                "total_cost_mean": 1e6,
                "total_cost_high": 2e6,
            },
        ]
    )
    (line,) = wording.top_lines(summary)
    assert "-6.9 points, but its interval includes no change" in line
    assert "individual bundle" in line.lower() and "clearly do (-3.5 points)" in line
