"""The health-system table: means over seeds and paired changes with their intervals."""

import numpy as np
import pandas as pd
from scipy import stats

from analysis.system import system_table


def test_paired_changes_get_a_t_interval_over_seeds():
    """Each policy's change from no policy is the mean of same-seed differences, with its CI."""
    rng = np.random.default_rng(3)
    rows = []
    for seed in (1, 2, 3, 4):
        shared = rng.normal(0.3, 0.05)  # a seed's own level, common to both arms
        rows.append(
            {
                "scenario": "baseline",
                "policy": "no_policy",
                "actor": "none",
                "seed": seed,
                "burnout": shared,
            }
        )
        rows.append(
            {
                "scenario": "baseline",
                "policy": "mandate",
                "actor": "government",
                "seed": seed,
                "burnout": shared - 0.02 + rng.normal(0, 0.005),
            }
        )
    outcomes = pd.DataFrame(rows)  # fmt: skip
    table = system_table(outcomes, ["burnout"]).set_index("policy")
    paired = (
        outcomes[outcomes["policy"] == "mandate"]["burnout"].to_numpy()
        - outcomes[outcomes["policy"] == "no_policy"]["burnout"].to_numpy()
    )
    low, high = stats.ttest_1samp(paired, 0.0).confidence_interval(0.95)
    mandate = table.loc["mandate"]
    assert mandate["seeds"] == 4
    assert np.isclose(mandate["burnout_vs_no_policy"], paired.mean())
    assert np.isclose(mandate["burnout_vs_no_policy_low"], low)
    assert np.isclose(mandate["burnout_vs_no_policy_high"], high)
    assert high < 0  # pairing removes the seeds' own levels: the change is clear
    assert table.loc["no_policy", "burnout_vs_no_policy_low"] == 0.0


def test_one_seed_gives_no_interval():
    outcomes = pd.DataFrame(
        [{"scenario": "baseline", "policy": p, "actor": "none", "seed": 1, "burnout": b}
         for p, b in (("no_policy", 0.3), ("cap", 0.31))]
    )  # fmt: skip
    row = system_table(outcomes, ["burnout"]).set_index("policy").loc["cap"]
    assert np.isclose(row["burnout_vs_no_policy"], 0.01)
    assert np.isnan(row["burnout_vs_no_policy_low"]) and np.isnan(row["burnout_vs_no_policy_high"])
