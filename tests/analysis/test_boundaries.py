"""analysis/ is pure functions on data: it imports no experiment driver and leaves the backend."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANALYSIS = sorted(
    p.stem for p in (ROOT / "analysis").glob("*.py") if p.stem not in {"__init__", "lessons"}
)


def test_analysis_imports_no_experiments_and_keeps_the_backend() -> None:
    code = (
        "import sys, matplotlib\n"
        "matplotlib.use('pdf')\n"
        f"for name in {ANALYSIS!r}:\n"
        "    __import__('analysis.' + name)\n"
        "print(matplotlib.get_backend())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'experiments'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    backend, experiments = done.stdout.strip().splitlines()
    assert backend == "pdf"
    assert experiments == "[]"


def test_records_reexports_the_atomic_helpers() -> None:
    import artifacts.atomic
    import experiments.records

    for name in ("atomic_path", "write_text_atomic", "write_json_atomic", "save_npz_atomic"):
        assert getattr(experiments.records, name) is getattr(artifacts.atomic, name)
