"""The dashboard is an optional extra: everything else imports and runs without solara."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Top-level modules of the [dashboard] extra (pyproject.toml); None in sys.modules blocks them.
DASHBOARD_EXTRA = ("solara", "altair", "ipyvue", "ipyvuetify", "solara_assets", "reacton")
BLOCK = f"import sys\nfor name in {DASHBOARD_EXTRA!r}:\n    sys.modules[name] = None\n"


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK + code], cwd=ROOT, capture_output=True, text=True
    )


@pytest.mark.slow  # a fresh interpreter checking the block itself; the main check stays fast
def test_blocking_works():
    """The block is real: with it, solara and Mesa's visualization cannot be imported."""
    done = _python("import mesa.visualization\n")
    assert done.returncode != 0
    assert "ImportError" in done.stderr or "ModuleNotFoundError" in done.stderr


@pytest.mark.slow  # one fresh interpreter per package: about 6 s
def test_every_module_outside_the_page_imports_without_the_dashboard_extra():
    """sim, analysis, experiments (all submodules), lessons and lesson figures need no solara."""
    code = (
        "import importlib, pkgutil\n"
        "names = []\n"
        "for package in ('sim', 'analysis', 'experiments', 'artifacts'):\n"
        "    module = importlib.import_module(package)\n"
        "    names.append(package)\n"
        "    for info in pkgutil.walk_packages(module.__path__, package + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "        names.append(info.name)\n"
        "for name in ('dashboard', 'dashboard.lessons', 'dashboard.lesson_figures',\n"
        "             'dashboard.server', 'dashboard.__main__'):\n"
        "    importlib.import_module(name)\n"
        "    names.append(name)\n"
        "assert not any(sys.modules.get(name) for name in " + repr(DASHBOARD_EXTRA) + ")\n"
        "print('\\n'.join(names))\n"
    )
    done = _python(code)
    assert done.returncode == 0, done.stderr
    imported = set(done.stdout.split())
    for name in ("sim.model", "analysis.report", "experiments.compare", "dashboard.lessons"):
        assert name in imported


@pytest.mark.slow  # a fresh interpreter; the extra's imports are checked fast above
def test_dashboard_command_without_the_extra_says_how_to_install_it():
    """Without solara the server command stops at once with the extra's install command."""
    done = _python(
        "from dashboard.server import main\nmain(['--port', '8765'])\n",
    )
    assert done.returncode == 2
    assert "[dashboard] extra" in done.stderr
    assert 'pip install -c constraints.txt -e ".[dashboard]"' in done.stderr
    assert "Teaching dashboard at" not in done.stdout
