"""The health-system experiment (experiments.system) with its tiny preset."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from hydra import compose, initialize_config_module

from experiments import system

OUTPUTS = ("system.csv", "runs.csv", "organizations.csv", "flows.csv", "flows.png", "sectors.csv")
OUTPUTS += ("evidence.csv", "report.html")


def settings(*overrides: str, name: str = "system") -> system.SystemSettings:
    with initialize_config_module(config_module="conf", version_base="1.3"):
        return system.settings_from(compose(name, overrides=list(overrides)))


def command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "experiments.system", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow  # a subprocess running the quick system: about 5 s
def test_quick_run_writes_every_output_and_prints_the_folder_last(tmp_path):
    out = tmp_path / "run"
    done = command("--config-name", "system_quick", "scenarios=[baseline]", f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(out.resolve())
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    assert not (out / "INCOMPLETE").exists()
    info = json.loads((out / "run_info.json").read_text())
    assert info["workers"] == 480 and len(info["seeds"]) == 1 and info["versions"]["mesa"]
    table = pd.read_csv(out / "system.csv")
    assert list(table["policy"]) == list(settings(name="system_quick").policies)
    assert set(table["actor"]) == {"none", "government", "executive"}
    assert (table.query("policy == 'no_policy'")["total_cost_vs_no_policy"] == 0).all()
    orgs = pd.read_csv(out / "organizations.csv")
    assert len(orgs) == 4 * len(table)


def test_default_is_the_region_of_about_forty_organizations():
    chosen = settings()
    assert chosen.name == "region"
    assert sum(g["count"] for g in chosen.organizations) == 40
    assert chosen.scenarios == ("baseline", "pandemic_surge")
    national = settings("system=national")
    assert sum(g["count"] for g in national.organizations) == 5000
    assert sum(g["count"] * g["size"] for g in national.organizations) == 3_000_000


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("policies=[agency_pay_cap]", "no_policy"),
        ("policies=[no_policy,free_lunch]", "free_lunch"),
        ("scenarios=[heatwave]", "heatwave"),
        ("seeds=0", "'seeds'"),
        ("horizon_weeks=-3", "'horizon_weeks'"),
        ("+market.training_places=-1", "training_places"),
        ("model.n_workers=100", "model.n_workers"),
        ("model.job_market=99", "job_market"),
        ("system.organizations=[]", "organizations"),
    ],
)
def test_bad_settings_fail_before_any_simulation(override, named):
    with pytest.raises(ValueError) as error:
        settings(override)
    assert named in str(error.value)


@pytest.mark.slow  # a subprocess: about 3 s
def test_bad_setting_on_the_command_line_exits_with_the_message(tmp_path):
    out = tmp_path / "run"
    done = command("seeds=0", f"hydra.run.dir={out}")
    assert done.returncode != 0
    assert "'seeds' = 0" in done.stderr
    assert not (out / "system.csv").exists()
