"""--cfg, --info and --help for compare and sensitivity; "did you mean" for compare's typos."""

import pytest
import yaml

from experiments import compare, inspect_options, sensitivity
from experiments.compare_config import CONFIG_MODULE, compose_config


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--cfg", "job", "replicates=4"], ("cfg", "job", ["replicates=4"])),
        (["-c", "hydra"], ("cfg", "hydra", [])),
        (["x=1", "--info"], ("info", "", ["x=1"])),
        (["--help"], ("help", "", [])),
        (["replicates=4"], None),
    ],
)
def test_requests_are_read_from_the_command_line(argv, expected):
    assert inspect_options.requested(argv) == expected


def test_cfg_needs_a_part():
    with pytest.raises(ValueError, match="allowed: job, hydra, all"):
        inspect_options.requested(["--cfg", "nosuch"])


@pytest.mark.parametrize(
    ("module", "name", "key"),
    [(compare, "config", "replicates"), (sensitivity, "sensitivity", "method")],
)
def test_each_command_prints_its_config_info_and_help(module, name, key):
    cfg = inspect_options.composed(
        CONFIG_MODULE, name, [f"{key}=" + ("7" if key == "replicates" else "morris")]
    )
    job = yaml.safe_load(inspect_options.text("cfg", "job", cfg, module.COMMAND, "", name))
    assert str(job[key]) in {"7", "morris"} and "hydra" not in job
    assert "hydra" in yaml.safe_load(inspect_options.text("cfg", "hydra", cfg, "", "", name))
    info = inspect_options.text("info", "", cfg, module.COMMAND, "", name)
    assert "Launcher:" in info and f"conf/{name}.yaml" in info
    usage = inspect_options.text("help", "", cfg, module.COMMAND, module.__doc__, name)
    assert usage.startswith(module.__doc__.strip()[:40]) and "== Config" in usage


def test_compare_typos_get_a_suggestion():
    with pytest.raises(
        ValueError, match=r"unknown argument 'replicate' \(did you mean 'replicates'"
    ):
        compose_config(["replicate=3"])
