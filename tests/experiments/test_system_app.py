"""The health-system experiment (experiments.system), its config module and quick preset."""

import json
import subprocess
import sys

import pandas as pd
import pytest
from hydra import compose, initialize_config_module

from experiments import system
from experiments.compare_config import group_options
from experiments.hydra_app import check_command_line

OUTPUTS = ("system.csv", "runs.csv", "organizations.csv", "flows.csv", "flows.png", "sectors.csv")
OUTPUTS += ("evidence.csv", "report.html")


def settings(*overrides: str) -> system.SystemSettings:
    with initialize_config_module(config_module=system.CONFIG_MODULE, version_base="1.3"):
        return system.settings_from(compose(system.CONFIG_NAME, overrides=list(overrides)))


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
    done = command("experiment=quick", "scenarios=[baseline]", f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(out.resolve())
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    assert not (out / "INCOMPLETE").exists()
    info = json.loads((out / "run_info.json").read_text())
    assert info["workers"] == 540 and len(info["seeds"]) == 1 and info["versions"]["mesa"]
    table = pd.read_csv(out / "system.csv")
    assert list(table["policy"]) == list(settings("experiment=quick").policies)
    assert set(table["actor"]) == {"none", "government", "executive"}
    assert (table.query("policy == 'no_policy'")["total_cost_vs_no_policy"] == 0).all()
    orgs = pd.read_csv(out / "organizations.csv")
    assert len(orgs) == 5 * len(table)


def test_quick_preset_is_the_tiny_system_for_a_year_with_one_seed():
    """experiment=quick (conf/system_app/experiment/) picks the tiny system and shortens the run."""
    quick = settings("experiment=quick")
    assert (quick.name, quick.burn_in_weeks, quick.horizon_weeks, len(quick.seeds)) == (
        "tiny",
        20,
        52,
        1,
    )
    assert settings("experiment=quick", "seeds=2").seeds == settings("seeds=2").seeds


def test_presets_and_systems_are_the_commands_own():
    """The command's groups list only its own options, not the main comparison's presets."""
    assert group_options("experiment", system.CONFIG_MODULE) == ["quick"]
    assert group_options("system", system.CONFIG_MODULE) == ["national", "region", "tiny"]


def test_default_is_the_region_of_about_forty_organizations():
    chosen = settings()
    assert chosen.name == "region"
    assert sum(g["count"] for g in chosen.organizations) == 44
    # every sector of the system, home care included
    assert {g["type"] for g in chosen.organizations} >= {"long_term_care", "home_care_agency"}
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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["experiment=pandemic"], "experiment=pandemic is not one of the valid names"),
        (["seedz=3"], "unknown argument 'seedz' (did you mean 'seed'?)"),
        (["--multirun", "seeds=1,0"], "'seeds' = 0"),
    ],
)
def test_bad_command_lines_stop_with_one_line(args, message, capsys):
    """The one-line check runs against the command's own config module, sweeps included."""
    with pytest.raises(SystemExit) as stop:
        check_command_line(
            system.COMMAND, system.CONFIG_NAME, system.settings_from, args, system.CONFIG_MODULE
        )
    assert message in str(stop.value) and "\n" not in str(stop.value)


@pytest.mark.slow  # a subprocess: about 3 s
def test_bad_setting_on_the_command_line_exits_with_the_message(tmp_path):
    out = tmp_path / "run"
    done = command("seeds=0", f"hydra.run.dir={out}")
    assert done.returncode != 0
    assert "'seeds' = 0" in done.stderr
    assert not (out / "system.csv").exists()


@pytest.mark.slow  # a subprocess: about 3 s
def test_help_and_config_printing_run_nothing(tmp_path):
    """--help names the preset; --cfg job prints the quick preset's config and simulates nothing."""
    shown = command("--help")
    assert shown.returncode == 0 and "experiment=quick" in shown.stdout
    printed = command("experiment=quick", f"hydra.run.dir={tmp_path / 'run'}", "--cfg", "job")
    assert printed.returncode == 0 and "name: tiny" in printed.stdout
    assert "horizon_weeks: 52" in printed.stdout and not (tmp_path / "run").exists()


@pytest.mark.slow  # a subprocess running two quick systems: about 10 s
def test_multirun_runs_one_experiment_per_point_and_prints_the_sweep_folder_last(tmp_path):
    """--multirun with the default (basic) launcher: a complete subfolder per point."""
    done = command(
        "--multirun",
        "experiment=quick",
        "scenarios=[baseline]",
        "policies=[no_policy,agency_pay_cap]",
        "seed=1,2",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str((tmp_path / "sweep").resolve())
    seeds = [pd.read_csv(tmp_path / "sweep" / p / "runs.csv")["seed"][0] for p in ("0", "1")]
    assert seeds[0] != seeds[1]
