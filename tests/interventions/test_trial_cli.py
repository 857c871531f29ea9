import json
import subprocess
import sys

import pytest

from experiments.trial import TrialConfig, main, parse_args, run_trial

KEYS = (
    "smd_exhaustion",
    "smd_exhaustion_ci",
    "prevalence_difference",
    "prevalence_difference_ci",
    "smd_exhaustion_3m",
    "smd_exhaustion_6m",
    "prevalence_difference_3m",
    "prevalence_difference_6m",
    "config",
    "seed",
)


@pytest.mark.slow
def test_cli_prints_the_json_keys():
    """The command runs at small size and prints the report keys."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "experiments.trial",
            "intervention=mindfulness",
            "n_workers=100",
            "replicates=1",
            "seed=4",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    report = json.loads(out.stdout)
    for key in KEYS:
        assert key in report
    assert len(report["smd_exhaustion_ci"]) == 2 and len(report["prevalence_difference_ci"]) == 2
    assert report["seed"] == 4 and report["config"]["n_workers"] == 100
    assert set(report["months"]) == {"baseline", "3", "6", "12"}


def test_cli_bad_argument_exits_with_message():
    """A bad setting stops the command before anything runs, naming the setting."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "experiments.trial",
            "intervention=mindfulness",
            "settings.uptake=2",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "'uptake' = 2" in out.stderr


def test_parse_args():
    """key=value arguments, with settings.* and params.* groups."""
    config = parse_args(
        [
            "intervention=codesign",
            "seed=3",
            "randomize=units",
            "settings.uptake=0.5",
            "params.job_market=1.2",
            "settings.eligibility=[0,1]",
        ]
    )
    assert config.seed == 3 and config.settings == {"uptake": 0.5, "eligibility": [0, 1]}
    assert config.params == {"job_market": 1.2}
    with pytest.raises(ValueError, match="unknown argument 'colour'"):
        parse_args(["colour=red"])


def test_unit_level_randomized_by_worker_warns_of_contamination():
    """Worker randomization of a unit-level intervention is flagged."""
    report = run_trial(
        TrialConfig(intervention="recognition", n_workers=100, replicates=1, randomize="workers")
    )
    assert report["randomize"] == "workers" and "contamination" in report["warnings"][0]


def test_system_level_uses_paired_runs():
    """An organization-wide intervention is compared between paired runs."""
    report = main(["intervention=faster_recruitment", "n_workers=100", "replicates=1"])
    assert report["design"] == "paired" and "two runs" in report["warnings"][0]
    assert report["months"]["12"]["n_treated"] > 0 and report["months"]["12"]["n_control"] > 0
