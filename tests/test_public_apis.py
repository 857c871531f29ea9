"""The source tree uses Hydra and Mesa through their public APIs and keeps its modules small."""

import re
from pathlib import Path

import mesa
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("sim", "experiments", "analysis", "artifacts", "conf", "hydra_plugins")
MAX_LINES = 500

HYDRA_INTERNAL = re.compile(r"hydra[./]_internal|from hydra import _internal")
MESA_PRIVATE_LISTED = r"\._collection_steps|\._agent_records|\._seed\b|\._steps\b|mesa\.[a-z_.]*\._"


def mesa_private_names() -> set[str]:
    """Underscore attributes and methods of Mesa's Model, Agent and DataCollector objects."""
    model = mesa.Model(rng=0)
    objects = (model, mesa.Agent(model), mesa.DataCollector(model_reporters={"n": lambda m: 0}))
    return {
        name
        for obj in objects
        for name in dir(obj)
        if name.startswith("_") and not name.startswith("__")
    }


MESA_PRIVATE = re.compile(
    MESA_PRIVATE_LISTED
    + "|"
    + "|".join(rf"\.{re.escape(name)}\b" for name in sorted(mesa_private_names()))
)


def source_files(suffixes: tuple[str, ...]) -> list[Path]:
    """Files with one of ``suffixes`` under the source directories (caches left out)."""
    files = [
        path
        for folder in SOURCE_DIRS
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in suffixes and "__pycache__" not in path.parts
    ]
    assert len(files) > 20, f"the source tree was not found under {ROOT}"
    return files


def offending_lines(pattern: re.Pattern[str], suffixes: tuple[str, ...]) -> list[str]:
    """``path:line: text`` of every line of the source files that matches ``pattern``."""
    found = []
    for path in source_files(suffixes):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


@pytest.mark.parametrize(
    "line",
    [
        "from hydra._internal.core_plugins.basic_sweeper import BasicSweeper",
        "_target_: hydra._internal.utils.foo",
        "self._collection_steps.append(model.time)",
        "seed = model._seed",
        "self._agent_records[t] = rows",
        "model._event_list.pop_event()",
        "mesa.datacollection._private",
    ],
)
def test_the_patterns_catch_private_uses(line):
    """Each pattern flags the uses it is meant to forbid."""
    assert HYDRA_INTERNAL.search(line) or MESA_PRIVATE.search(line)


@pytest.mark.parametrize(
    "line", ["model.datacollector.collect(model)", "self._unit_sums = sums", "super().run_for(w)"]
)
def test_the_patterns_pass_public_uses(line):
    """The model's own underscore attributes and Mesa's public methods are not flagged."""
    assert not HYDRA_INTERNAL.search(line) and not MESA_PRIVATE.search(line)


def test_no_import_of_hydra_internals():
    """No module or config reaches into ``hydra._internal``."""
    assert offending_lines(HYDRA_INTERNAL, (".py", ".yaml")) == []


def test_no_private_mesa_attribute_is_used():
    """No module reads or writes an underscore attribute of Mesa's objects."""
    assert offending_lines(MESA_PRIVATE, (".py",)) == []


def test_no_module_over_500_lines():
    """Every Python module of the source tree has at most 500 lines."""
    long = {
        str(path.relative_to(ROOT)): n
        for path in source_files((".py",))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


SYS_ARGV_PATCH = re.compile(r"sys\.argv\s*=[^=]|sys\.argv\[[^\]]*\]\s*=[^=]")


# calibrate's entry respells the user's own `experiment=` for its @hydra.main app (it launches no
# batches through it); the calibration is being rebuilt on another branch (issue 13).
ARGV_RESPELLED = {"experiments/calibrate.py"}


def test_no_module_patches_sys_argv():
    """Jobs go to Hydra's launchers through its API (experiments.runner), not a faked argv."""
    assert SYS_ARGV_PATCH.search("sys.argv = ['x', *args]")
    assert not SYS_ARGV_PATCH.search("args = sys.argv[1:]")
    found = offending_lines(SYS_ARGV_PATCH, (".py",))
    assert [line for line in found if line.split(":", 1)[0] not in ARGV_RESPELLED] == []
