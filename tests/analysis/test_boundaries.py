"""analysis/ is pure functions on data: no driver, dashboard or model; it keeps the backend."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Every module of analysis/, the package itself included: none is left out.
ANALYSIS = sorted(
    "analysis" if p.stem == "__init__" else f"analysis.{p.stem}"
    for p in (ROOT / "analysis").glob("*.py")
)


@pytest.mark.slow  # imports every analysis module in a fresh interpreter: about 4 s
def test_analysis_imports_no_experiments_and_keeps_the_backend() -> None:
    code = (
        "import sys, matplotlib\n"
        "matplotlib.use('pdf')\n"
        f"for name in {ANALYSIS!r}:\n"
        "    __import__(name)\n"
        "print(matplotlib.get_backend())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('experiments', 'dashboard')))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'analysis'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    backend, drivers, imported = done.stdout.strip().splitlines()
    assert backend == "pdf"
    assert drivers == "[]"
    assert set(ANALYSIS) <= set(ast.literal_eval(imported))


FORBIDDEN_MODULES = ("experiments", "dashboard", "mesa", "solara", "sim.model")


def _imports(path: Path) -> set[str]:
    """Modules and ``module.name`` pairs imported anywhere in ``path``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_analysis_holds_no_model_or_dashboard_code() -> None:
    """No module of analysis/ imports the model, Mesa, a driver or the dashboard."""
    for path in sorted((ROOT / "analysis").glob("*.py")):
        for name in _imports(path):
            assert not name.endswith(".WorkforceModel"), (path.name, name)
            assert not any(
                name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_MODULES
            ), (path.name, name)


def test_records_reexports_the_atomic_helpers() -> None:
    import artifacts.atomic
    import experiments.records

    for name in ("atomic_path", "write_text_atomic", "write_json_atomic", "save_npz_atomic"):
        assert getattr(experiments.records, name) is getattr(artifacts.atomic, name)
