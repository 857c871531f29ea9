"""Results grouped by who can act."""

import pandas as pd

from analysis import labels, who_can_act


def _summary() -> pd.DataFrame:
    rows = [
        ("baseline", "recognition", -0.01),
        ("baseline", "scheduling_limits", 0.002),
        ("baseline", "mindfulness", -0.02),
        ("baseline", "organizational_bundle", -0.04),
    ]
    frame = pd.DataFrame(rows, columns=["scenario", "arm", "burnout_prevalence_mean"])
    frame["burnout_prevalence_low"] = frame["burnout_prevalence_mean"] - 0.01
    frame["burnout_prevalence_high"] = frame["burnout_prevalence_mean"] + 0.01
    actors = {
        "recognition": ("unit_leader",),
        "scheduling_limits": ("unit_leader",),
        "mindfulness": ("executive",),
        "organizational_bundle": ("unit_leader", "executive"),
    }
    return who_can_act.with_actors(frame, actors)


def test_each_group_names_its_best_arm_first():
    summary = _summary()
    assert list(summary["who_can_act"]) == [
        "unit leader",
        "unit leader",
        "executive",
        "unit leader + executive",
    ]
    lines = who_can_act.group_lines(summary)
    assert len(lines) == 3
    leader = next(line for line in lines if "the unit leader alone" in line)
    assert leader.index(labels.arm("recognition")) < leader.index("also")
    assert "-1.0 points" in leader
    both = next(line for line in lines if "together" in line)
    assert "lowers burnout prevalence most: -4.0 points" in both


def test_a_group_that_only_raises_burnout_says_so():
    summary = _summary()
    summary = summary[summary["arm"] == "scheduling_limits"]
    (line,) = who_can_act.group_lines(summary)
    assert "nothing lowers burnout prevalence" in line


def test_section_says_government_levers_need_the_system_model():
    section = who_can_act.section(_summary())
    assert section.title == "Who can act"
    assert "Government levers" in section.body
