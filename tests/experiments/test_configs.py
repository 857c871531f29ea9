"""Tests of the Hydra tree of the main comparison: every option composes, checks and builds."""

import dataclasses
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hydra import compose, initialize_config_module
from hydra.utils import instantiate
from hydra_plugins.hydra_submitit_launcher.config import SlurmQueueConf
from omegaconf import OmegaConf

from experiments import calibrate, compare, schema, system
from sim.interventions import build
from sim.parameters import ModelParameters
from sim.scenarios import make_scenario

CONF = Path(compare.__file__).resolve().parents[1] / "conf"


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONF / group).glob("*.yaml"))


def build_everything(cfg) -> None:
    """Build everything a run builds from the config: parameters, scenarios, interventions."""
    ModelParameters.from_kwargs(**schema.plain(cfg.model))
    for scenario in cfg.scenario.values():
        make_scenario(scenario.name)
    for arm in cfg.intervention.values():
        assert build(arm.build, **schema.build_settings(arm))


def test_every_group_has_its_options():
    """The groups hold the organizations, scenarios, interventions and experiments asked for."""
    assert options("organization") == [
        "academic_centre",
        "community_hospital",
        "home_care_agency",
        "long_term_care",
        "primary_care_network",
    ]
    assert options("scenario") == [
        "baseline",
        "pandemic_surge",
        "tight_labour_market",
        "violence_surge",
    ]
    from sim.interventions import valid_names

    assert options("intervention") == sorted(valid_names())
    assert {"main_comparison", "quick", "pandemic"} <= set(options("experiment"))


@pytest.mark.parametrize(
    "override",
    [f"organization={o}" for o in options("organization")]
    + [f"scenario=[{o}]" for o in options("scenario")]
    + [f"intervention=[{o}]" for o in options("intervention")]
    + [f"experiment={o}" for o in options("experiment")],
)
def test_every_option_composes_validates_and_instantiates(override):
    """Each option of each group composes on the defaults, passes the checks and builds."""
    cfg, facts = compare.compose_config([override])
    build_everything(cfg)
    group, _, choice = override.partition("=")
    if group in ("organization", "experiment"):
        assert facts["choices"][group] == choice
    else:
        assert list(getattr(cfg, group)) == [choice.strip("[]")]


def test_default_config_is_the_main_comparison():
    """The default runs no intervention, 12 interventions and 3 bundles, baseline and pandemic."""
    cfg, facts = compare.compose_config([])
    assert facts["launcher"] == "JoblibLauncher"
    assert facts["choices"]["experiment"] == "main_comparison"
    assert list(cfg.scenario) == ["baseline", "pandemic_surge"]
    assert len(schema.arm_names(cfg)) == 16
    assert cfg.horizon_weeks == 260 and cfg.replicates >= 20
    assert cfg.model.organization == "community_hospital"


def test_mesa_logger_is_quiet_in_job_logs():
    """Hydra's job logging sets Mesa's per-step logger to WARNING."""
    with initialize_config_module(config_module="conf", version_base="1.3"):
        cfg = compose("config", return_hydra_config=True)
    assert cfg.hydra.job_logging.loggers.MESA.level == "WARNING"


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("conf", "config"),
        (calibrate.CONFIG_MODULE, calibrate.CONFIG_NAME),  # importing each registers its schema
        (system.CONFIG_MODULE, system.CONFIG_NAME),
    ],
)
def test_cluster_launcher_is_submitit_slurm_with_known_settings(module, name):
    """hydra/launcher=cluster composes to the submitit SLURM launcher in every config module."""
    with initialize_config_module(config_module=module, version_base="1.3"):
        cfg = compose(name, overrides=["hydra/launcher=cluster"], return_hydra_config=True)
    launcher = OmegaConf.to_container(cfg.hydra.launcher)
    assert launcher["_target_"].endswith("submitit_launcher.SlurmLauncher")
    assert set(launcher) - {"_target_"} <= {f.name for f in dataclasses.fields(SlurmQueueConf)}
    assert launcher["cpus_per_task"] == 1 and launcher["timeout_min"] > 0
    assert type(instantiate(cfg.hydra.launcher)).__name__ == "SlurmLauncher"


def test_structured_schema_types_the_model_node():
    """The model node has one typed field per model parameter (from ModelParameters)."""
    fields = {f.name for f in dataclasses.fields(schema.ModelSchema)}
    assert fields == {f.name for f in dataclasses.fields(ModelParameters)} - {"record_agents"}


def test_sensitivity_config_still_composes():
    """conf/sensitivity.yaml (a separate primary config) is untouched by the comparison tree."""
    with initialize_config_module(config_module="conf", version_base="1.3"):
        cfg = compose("sensitivity", overrides=["n=8"])
    assert cfg.sensitivity.evaluator == "workforce" and cfg.n == 8


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("replicates=1", "replicates = 1 is out of range; allowed: a whole number in [2, 100000]"),
        ("model.demand_level=9", "'demand_level' = 9.0 is out of range; allowed: [0.2, 3.0]"),
        ("model.nonsense=2", "unknown argument 'model.nonsense'"),
        ("+extra=2", "unknown key(s) extra"),
        ("horizon_weeks=abc", "could not be converted to Integer"),
        (
            "intervention=[mindfulness,bogus]",
            "intervention: no option 'bogus' (no file conf/intervention/bogus.yaml); allowed: "
            "codesign, counselling,",
        ),
        ("organization=moon_base", "organization: no option 'moon_base'"),
        ("intervention.mindfulness.build=bogus", "intervention.mindfulness.build = 'bogus'"),
        ("++intervention.mindfulness.settings.uptake=1.5", "'uptake' = 1.5 is out of range"),
        ("scenario=[]", "scenario is empty"),
        ("batch=3", "batch is set by the driver"),
        ("model.demand_level=1.0,1.2", "a sweep needs --multirun"),
    ],
)
def test_bad_override_fails_before_any_simulation(override, named, tmp_path, monkeypatch):
    """A bad key, type, range or name stops the job with a message naming it; nothing runs."""

    def no_simulation(*args, **kwargs):
        raise AssertionError("simulated despite a bad override")

    monkeypatch.setattr(compare, "simulate_pair", no_simulation)
    overrides = ["experiment=quick", override, f"runs_dir={tmp_path / 'runs'}"]
    if override.startswith("intervention.mindfulness") or "settings.uptake" in override:
        overrides.insert(1, "intervention=[mindfulness]")
    with pytest.raises(compare.ConfigurationError) as error:
        compare.run([*overrides, f"output_dir={tmp_path / 'out'}"])
    assert named in str(error.value)
    assert not (tmp_path / "runs").exists() and not (tmp_path / "out").exists()


@pytest.mark.slow
def test_command_line_bad_override_exits_fast_with_a_clear_message(tmp_path):
    """The command exits non-zero within seconds, naming the key and its allowed range."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "experiments.compare", "replicates=0", f"runs_dir={tmp_path}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "replicates = 0 is out of range; allowed: a whole number in [2, 100000]" in done.stderr
    assert "Traceback" not in done.stderr
    assert time.perf_counter() - began < 30
    assert not any(tmp_path.iterdir())
