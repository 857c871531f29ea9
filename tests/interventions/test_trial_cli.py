import json
import subprocess
import sys

import pytest

from experiments.trial import TrialConfig, parse_args, run_trial

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


def trial_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "experiments.trial", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_cli_prints_the_json_keys_and_writes_them_to_the_run_dir(tmp_path):
    """The Hydra app runs at small size, prints only the JSON report, and writes it too."""
    out = trial_command(
        "intervention=mindfulness",
        "model.n_workers=100",
        "replicates=1",
        "seed=4",
        f"hydra.run.dir={tmp_path}",
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    for key in KEYS:
        assert key in report
    assert len(report["smd_exhaustion_ci"]) == 2 and len(report["prevalence_difference_ci"]) == 2
    assert report["seed"] == 4 and report["config"]["n_workers"] == 100
    assert set(report["months"]) == {"baseline", "3", "6", "12"}
    assert json.loads((tmp_path / "trial.json").read_text()) == report
    record = json.loads((tmp_path / "run_info.json").read_text())
    assert "model.n_workers=100" in record["overrides"]


def test_cfg_job_prints_the_config_without_running():
    """``--cfg job`` shows the composed config, the chosen intervention and preset included."""
    out = trial_command("--config-name", "trial_quick", "--cfg", "job", "intervention=recognition")
    assert out.returncode == 0, out.stderr
    assert "recognition:" in out.stdout and "replicates: 2" in out.stdout
    assert "n_workers: 100" in out.stdout


@pytest.mark.slow  # a fresh interpreter; bad trial overrides stay fast in test_command_lines
def test_cli_bad_setting_exits_with_one_line():
    """A bad intervention setting stops the command before anything runs, naming the setting."""
    out = trial_command("intervention=mindfulness", "+settings.uptake=2")
    assert out.returncode == 1 and "'uptake' = 2" in out.stderr
    assert out.stdout == "" and len(out.stderr.strip().splitlines()) == 1


def test_parse_args_takes_overrides_and_the_old_spellings():
    """Overrides with model.* and +settings.*, and the old params.* / settings.* spellings."""
    config = parse_args(
        [
            "intervention=codesign",
            "seed=3",
            "randomize=units",
            "+settings.uptake=0.5",
            "model.job_market=1.2",
            "settings.eligibility=[0,1]",
            "params.demand_level=1.1",
            "n_workers=200",
        ]
    )
    assert config.seed == 3 and config.settings == {"uptake": 0.5, "eligibility": [0, 1]}
    assert config.params == {"job_market": 1.2, "demand_level": 1.1}
    assert config.n_workers == 200 and config.intervention == "codesign"
    with pytest.raises(ValueError, match="unknown argument 'colour'"):
        parse_args(["intervention=codesign", "colour=red"])


def test_unit_level_randomized_by_worker_warns_of_contamination():
    """Worker randomization of a unit-level intervention is flagged."""
    report = run_trial(
        TrialConfig(intervention="recognition", n_workers=100, replicates=1, randomize="workers")
    )
    assert report["randomize"] == "workers" and "contamination" in report["warnings"][0]


def test_system_level_uses_paired_runs():
    """An organization-wide intervention is compared between paired runs."""
    config = parse_args(["intervention=faster_recruitment", "model.n_workers=100", "replicates=1"])
    report = run_trial(config)
    assert report["design"] == "paired" and "two runs" in report["warnings"][0]
    assert report["months"]["12"]["n_treated"] > 0 and report["months"]["12"]["n_control"] > 0


def test_individual_trials_enrol_volunteers_before_randomizing():
    """Only those who consent are randomized; 'everyone' randomizes the whole workforce."""
    base = dict(intervention="counselling", n_workers=200, replicates=1)
    volunteers = run_trial(TrialConfig(**base))["months"]["baseline"]
    everyone = run_trial(TrialConfig(**base, enrol="everyone"))["months"]["baseline"]
    n_volunteers = volunteers["n_treated"] + volunteers["n_control"]
    assert 0 < n_volunteers < 0.5 * (everyone["n_treated"] + everyone["n_control"])
    assert volunteers["prevalence_control"] > everyone["prevalence_control"]  # high-risk only


def test_volunteers_are_eligible_and_follow_uptake():
    """Consent follows each component's eligibility and enrolment probability."""
    import numpy as np

    from experiments.trial import volunteers
    from sim.interventions import build
    from sim.model import WorkforceModel

    components = build("counselling") + build("mindfulness")
    model = WorkforceModel(rng=3, n_workers=300, interventions=components, collect_data=False)
    consent = volunteers(np.random.default_rng(0), model, components)
    s = model.workers
    assert not (consent[0] & ~(s.burned_out | (s.exhaustion >= 0.45))).any()
    assert 0.3 < consent[1].mean() < 0.7  # uptake 0.7, less at work pressure


def test_a_change_of_conditions_is_a_paired_trial_without_a_programme():
    """conditions=benign_work compares two runs of the same organization, no programme."""
    config = parse_args(["conditions=benign_work", "model.n_workers=100", "replicates=1"])
    assert config.intervention == "" and config.changes["violence_level"] == 0.0
    report = run_trial(config)
    assert report["design"] == "paired" and report["components"] == []
    assert report["conditions"]["name"] == "benign_work"


def test_bad_conditions_are_refused():
    """An unknown name, or a layout parameter for the treated run, stops the command."""
    with pytest.raises(ValueError, match="benign_work"):
        TrialConfig(conditions="paradise").validate()
    with pytest.raises(ValueError, match="lays out the organization"):
        TrialConfig(treated_params={"n_workers": 10}).validate()


def test_roles_limit_the_cohort_to_those_roles():
    """roles=[physician] enrols physicians only, as the trials Panagioti 2017 pooled."""
    config = parse_args(["intervention=safe_staffing", "model.n_workers=200", "replicates=1"])
    everyone = run_trial(config)["months"]["baseline"]
    config.roles = ["physician"]
    physicians = run_trial(config)["months"]["baseline"]
    n_all = everyone["n_treated"] + everyone["n_control"]
    assert 0 < physicians["n_treated"] + physicians["n_control"] < 0.3 * n_all
    with pytest.raises(ValueError, match="physician"):
        TrialConfig(intervention="mindfulness", roles=["surgeon"]).validate()
