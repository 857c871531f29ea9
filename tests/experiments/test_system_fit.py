"""The system fit (experiments.system_fit): its config, its code path on a tiny system, and its
record against the market's defaults."""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest
from omegaconf import OmegaConf

from experiments import system_fit
from experiments.hydra_app import check_command_line
from experiments.system_fit import (
    FIT_FILE,
    FitPlan,
    fit,
    load_settings,
    run,
    to_coordinates,
    to_values,
)
from experiments.system_fit_uncertainty import jacobian, laplace
from sim.system import MarketParameters

TINY = (
    {"type": "community_hospital", "size": 150, "count": 2},
    {"type": "long_term_care", "size": 100, "pay": 0.9},
)


def tiny(max_evals: int = 3, **changes) -> system_fit.FitSettings:
    """The default settings on a tiny plan (no record written to sim/)."""
    settings = load_settings(["out=null"])
    plan = FitPlan(
        organizations=TINY,
        seeds=(1,),
        burn_in_weeks=8,
        horizon_weeks=20,
        scenarios=("baseline", "pandemic_surge"),
        max_evals=max_evals,
    )
    return dataclasses.replace(settings, plan=plan, **changes)


def command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "experiments.system_fit", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_default_config_is_the_fit_of_record():
    """The config's plan, bounds and start are those the shipped record was fitted with."""
    record = json.loads(FIT_FILE.read_text(encoding="utf-8"))
    settings = load_settings()
    plan = settings.plan
    assert {**plan.__dict__, "organizations": list(plan.organizations)} == {
        **record["plan"],
        "seeds": tuple(record["plan"]["seeds"]),
        "scenarios": tuple(record["plan"]["scenarios"]),
    }
    fitted = {f.name: {"low": f.low, "high": f.high, "target": f.target} for f in settings.fitted}
    assert fitted == record["fitted"]
    assert settings.start == record["start"]
    assert settings.uncertainty_step == record["uncertainty"]["step"]
    assert settings.out == system_fit.Path("sim/system/market_fit.json") and settings.jobs == 2


def test_coordinates_map_onto_the_bounds_and_back():
    fitted = load_settings().fitted
    values = to_values(fitted, np.array([-50.0, 50.0, 0.0, 0.0, 0.0, 0.0]))
    first, second = fitted[0], fitted[1]
    assert values[first.name] == pytest.approx(first.low)
    assert values[second.name] == pytest.approx(second.high)
    middle = {f.name: (f.low + f.high) / 2 for f in fitted}
    assert to_values(fitted, to_coordinates(fitted, middle)) == pytest.approx(middle)


def test_the_fit_runs_on_a_tiny_system_and_records_every_target():
    record, evidence = fit(tiny())
    assert set(record["best"]) == {f.name for f in load_settings().fitted}
    assert record["evaluations"] >= 3 and len(record["history"]) >= 3
    assert record["loss_best"] <= record["loss_start"] + 1e-9
    assert all({"band", "before", "after", "inside"} <= set(row) for row in record["targets"])
    assert len(evidence) == len(record["targets"])
    assert {row["figure"] for row in record["seed_spread"]} == set(evidence["figure"])
    assert set(record["uncertainty"]["settings"]) == set(record["best"])
    json.dumps(record)  # the record is plain JSON


def test_the_fit_reads_the_region_users_run():
    """The default plan is conf/system_app/system/region.yaml itself (no copy in conf/)."""
    region = OmegaConf.load(system_fit.SYSTEMS / "region.yaml")
    assert list(load_settings().plan.organizations) == OmegaConf.to_container(region.organizations)


def test_laplace_recovers_the_covariance_of_a_linear_misfit():
    """Misfits linear in the coordinates: J exact, covariance (J^T J)^-1, delta method SDs."""
    fitted = load_settings().fitted[:2]
    design = np.array([[2.0, 0.0], [1.0, 1.0], [0.0, 4.0]])
    x0 = np.array([0.3, -0.5])
    jac = jacobian(lambda x: design @ x - 1.0, x0, 0.25)
    assert jac == pytest.approx(design)
    result = laplace(fitted, x0, jac, 0.25)
    sd_x = np.sqrt(np.diag(np.linalg.inv(design.T @ design)))
    for k, f in enumerate(fitted):
        row = result["settings"][f.name]
        unit = 1 / (1 + np.exp(-x0[k]))
        assert row["identified"]
        assert row["sd"] == pytest.approx((f.high - f.low) * unit * (1 - unit) * sd_x[k], abs=1e-4)
        assert f.low < row["interval_95"][0] < row["value"] < row["interval_95"][1] < f.high


def test_laplace_reports_a_setting_no_figure_moves_as_not_identified():
    fitted = load_settings().fitted[:2]
    result = laplace(fitted, np.zeros(2), np.array([[1.0, 0.0], [2.0, 0.0]]), 0.25)
    free = result["settings"][fitted[1].name]
    assert not free["identified"] and free["sd"] is None
    assert free["interval_95"] == [fitted[1].low, fitted[1].high]
    assert result["settings"][fitted[0].name]["identified"]


def test_a_failed_fit_leaves_no_record(tmp_path, monkeypatch):
    """The record is written only when the search completes; the folder stays marked."""
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("simulation failed")
        return original(*args, **kwargs)

    original = system_fit.evaluate
    monkeypatch.setattr(system_fit, "evaluate", failing)
    out = tmp_path / "record.json"
    with pytest.raises(RuntimeError):
        run(tiny(out=out), tmp_path / "run", {"command": "test"})
    assert not out.exists() and not (tmp_path / "run" / "market_fit.json").exists()
    assert (tmp_path / "run" / "INCOMPLETE").exists()


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("jobs=0", "'jobs' = 0; allowed: a whole number in [1, 1000]"),
        ("seeds=[1,1]", "'seeds'"),
        ("seeds=[-1]", "'seeds[0]' = -1"),
        ("max_evals=0", "'max_evals' = 0"),
        ("horizon_weeks=0", "'horizon_weeks' = 0"),
        ("scenarios=[nowhere]", "'scenarios'"),
        ("region=[]", "'region'"),
        ("region=nowhere", "'region' = 'nowhere'; allowed: one of"),
        ("uncertainty_step=0", "'uncertainty_step' = 0"),
        ("start.seeker_exit_rate=9", "'start.seeker_exit_rate' = 9; allowed: a number in [0.05"),
        ("fitted.to_agency_share.high=0.001", "'fitted.to_agency_share.high' = 0.001"),
        ("fitted.to_agency_share.low=-1", "'fitted.to_agency_share.low' = -1"),
        ("+fitted.nothing={low:0,high:1,target:x}", "'fitted.nothing'"),
        ("out=fit.csv", "'out' = 'fit.csv'; allowed: null or a path ending in .json"),
    ],
)
def test_bad_settings_stop_with_one_line_before_any_work(override, named, capsys):
    with pytest.raises(SystemExit) as stop:
        check_command_line(
            system_fit.COMMAND,
            system_fit.CONFIG_NAME,
            system_fit.settings_from,
            [override],
            system_fit.CONFIG_MODULE,
        )
    message = str(stop.value)
    assert named in message and "\n" not in message, message


def test_the_quick_preset_is_tiny_short_and_writes_no_shipped_record():
    quick = load_settings(["experiment=quick"])
    assert sum(g.get("count", 1) * g["size"] for g in quick.plan.organizations) <= 500
    assert quick.plan.horizon_weeks <= 52 and quick.plan.max_evals <= 10
    assert quick.out is None and quick.jobs == 1


@pytest.mark.slow  # two subprocesses of the quick preset: about 40 s (launcher start included)
def test_quick_run_prints_its_folder_last_and_values_do_not_depend_on_jobs(tmp_path):
    """experiment=quick end to end, in this process (jobs=1) and through the launcher (jobs=2)."""
    shipped = FIT_FILE.stat().st_mtime_ns
    records = []
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        done = command("experiment=quick", f"jobs={jobs}", f"hydra.run.dir={out}")
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1] == str(out.resolve())
        for name in ("market_fit.json", "evidence.csv", "history.csv", "run_info.json"):
            assert (out / name).stat().st_size > 0, name
        assert not (out / "INCOMPLETE").exists()
        info = json.loads((out / "run_info.json").read_text())
        assert info["jobs"] == jobs and "experiment=quick" in info["command"]
        records.append(json.loads((out / "market_fit.json").read_text()))
    assert (tmp_path / "jobs2" / "jobs" / "round_0").is_dir()  # the launcher ran the jobs
    assert FIT_FILE.stat().st_mtime_ns == shipped  # out=null: nothing written to sim/
    for record in records:
        record.pop("seconds")
        record.pop("seconds_search")
    assert records[0] == records[1]


@pytest.mark.slow  # subprocesses: about 5 s
def test_help_and_config_printing_run_nothing(tmp_path):
    shown = command("--help")
    assert shown.returncode == 0 and "experiment=quick" in shown.stdout
    assert "Nelder-Mead" in shown.stdout
    printed = command("experiment=quick", f"hydra.run.dir={tmp_path / 'run'}", "--cfg", "job")
    assert printed.returncode == 0 and "horizon_weeks: 20" in printed.stdout
    assert not (tmp_path / "run").exists()
    bad = command("jobs=0", f"hydra.run.dir={tmp_path / 'bad'}")
    assert bad.returncode != 0 and "'jobs' = 0" in bad.stderr
    assert not (tmp_path / "bad").exists()


def test_the_market_defaults_are_the_recorded_fit():
    record = json.loads(FIT_FILE.read_text(encoding="utf-8"))
    defaults = MarketParameters()
    for name, value in record["best"].items():
        assert getattr(defaults, name) == pytest.approx(value, abs=1e-3), name
        assert MarketParameters.__dataclass_fields__[name].metadata["source"].startswith("fitted")
