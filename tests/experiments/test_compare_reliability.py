"""Reliability of the main comparison job: output folders, the run store, incomplete markers."""

import errno
import hashlib
import io
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_compare_job import OUTPUTS, TINY, assert_same_tables, count_simulations

from experiments import compare, compare_outputs, job_folder
from experiments.progress import Progress
from experiments.run_store import InvalidRun, RunStore

ROOT = Path(compare.__file__).resolve().parents[1]
ONE_SCENARIO = [o for o in TINY if not o.startswith("scenario=")]


def assert_complete(folder: Path, scenario: str) -> None:
    """Every output is there, no marker is left, and the tables are of ``scenario`` only."""
    for name in OUTPUTS:
        assert (folder / name).stat().st_size > 0, name
    assert not (folder / job_folder.INCOMPLETE).exists()
    assert set(pd.read_csv(folder / "summary.csv")["scenario"]) == {scenario}
    assert set(pd.read_parquet(folder / "weekly.parquet")["scenario"]) == {scenario}
    info = json.loads((folder / "run_info.json").read_text())
    assert list(info["config"]["scenario"]) == [scenario]
    assert info["posterior"] is None
    outcomes = pd.read_csv(folder / "outcomes.csv")
    assert {"scenario", "arm", "replicate", "draw", "seed"} <= set(outcomes.columns)
    assert (outcomes["draw"] == -1).all() and set(outcomes["replicate"]) == {0, 1}


@pytest.mark.slow  # separate processes: about 10 s
def test_two_jobs_started_at_once_keep_their_own_outputs(tmp_path):
    """Two commands started together, default folders: two folders, each complete and its own."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    jobs = {
        scenario: subprocess.Popen(
            [sys.executable, "-m", "experiments.compare", *ONE_SCENARIO, f"scenario=[{scenario}]"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for scenario in ("baseline", "pandemic_surge")
    }
    folders = {}
    for scenario, job in jobs.items():
        out, err = job.communicate(timeout=300)
        assert job.returncode == 0, err
        folders[scenario] = Path(out.strip().splitlines()[-1])
    assert folders["baseline"] != folders["pandemic_surge"]
    for scenario, folder in folders.items():
        assert folder.parent.parent == tmp_path / "outputs" / "compare"
        assert_complete(folder, scenario)


@pytest.mark.slow  # two whole jobs; one job's own folder stays fast in the next test
def test_jobs_in_the_same_second_get_their_own_folders(tmp_path, monkeypatch):
    """With the clock stopped, a second job gets ``<time>_quick-2``, not the first's folder."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 1, 2, 3, 4, 5)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(job_folder, "datetime", Frozen)
    first = compare.run([*ONE_SCENARIO, "scenario=[baseline]"])
    second = compare.run([*ONE_SCENARIO, "scenario=[pandemic_surge]"])
    day = (tmp_path / "outputs" / "compare" / "2026-01-02").resolve()
    assert (first, second) == (day / "03-04-05_quick", day / "03-04-05_quick-2")
    assert_complete(first, "baseline")
    assert_complete(second, "pandemic_surge")


def test_hydra_run_dir_is_honoured(tmp_path):
    """``hydra.run.dir=...`` is the output folder when no ``output_dir`` is given."""
    given = tmp_path / "given folder"
    out = compare.run(
        [*ONE_SCENARIO, "scenario=[baseline]", f"hydra.run.dir={given}", f"runs_dir={tmp_path}/r"]
    )
    assert out == given.resolve()
    assert_complete(given, "baseline")


def rewrite_record(path: Path) -> None:
    """Make the completion record agree with the (changed) data file's checksum."""
    record_path = path.with_suffix(".json")
    record = json.loads(record_path.read_text())
    record["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    record_path.write_text(json.dumps(record))


def week_short(path: Path, record_too: bool) -> None:
    """Store the run again one week short (optionally with a matching record)."""
    with np.load(path) as stored:
        arrays = {key: stored[key] for key in stored.files}
    arrays["weekly"] = arrays["weekly"][:-1]
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.write_bytes(buffer.getvalue())
    if record_too:
        rewrite_record(path)


CORRUPTIONS = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "emptied": lambda p: p.write_bytes(b""),
    "week short": lambda p: week_short(p, record_too=False),
    "week short, record matching": lambda p: week_short(p, record_too=True),
    "record lost": lambda p: p.with_suffix(".json").unlink(),
}


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    """An uninterrupted run of the tiny comparison: (output folder, its runs folder)."""
    root = tmp_path_factory.mktemp("clean")
    out = compare.run([*TINY, f"output_dir={root / 'out'}", f"runs_dir={root / 'runs'}"])
    return out, root / "runs"


# Each case is a whole (tiny) comparison job; one stays in the fast set, all run in `make test`
# (every case is checked fast on the store alone below).
FAST_CORRUPTIONS = {"week short, record matching"}


@pytest.mark.parametrize(
    "corruption",
    [pytest.param(c, marks=() if c in FAST_CORRUPTIONS else pytest.mark.slow) for c in CORRUPTIONS],
)
def test_bad_stored_run_is_named_and_recomputed(
    corruption, clean_run, tmp_path, monkeypatch, capsys
):
    """A stored run cut short, emptied or a week short is named, recomputed, and the tables
    equal an uninterrupted run's."""
    clean, clean_runs = clean_run
    runs = tmp_path / "runs"
    runs.mkdir()
    for path in clean_runs.glob("*.*"):
        (runs / path.name).write_bytes(path.read_bytes())
    cfg, _ = compare.compose_config([*TINY, f"runs_dir={runs}"])
    replicate = compare.replicates_of(cfg)[1]
    bad = compare.run_path(cfg, "pandemic_surge", "organizational_bundle", replicate)
    CORRUPTIONS[corruption](bad)
    counts = count_simulations(monkeypatch)
    out = compare.run([*TINY, f"output_dir={tmp_path / 'out'}", f"runs_dir={runs}"])
    assert sum(counts) == 1  # that run alone
    assert f"stored run {bad} is invalid" in capsys.readouterr().err
    assert_same_tables(clean, out)
    assert compare.run_store(cfg).problem(bad.stem, replicate.seed) is None


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_the_store_names_what_is_wrong_with_a_bad_run(corruption, tmp_path):
    """Each corruption makes the stored run invalid, with a reason; a clean one is valid."""
    store = RunStore(tmp_path, {"weekly": (3, 2), "costs": (4,)})
    store.save("k", 7, weekly=np.arange(6.0).reshape(3, 2), costs=np.ones(4))
    assert store.problem("k", 7) is None and store.problem("k", 8) == "invalid (seed 7, expected 8)"
    CORRUPTIONS[corruption](store.data_path("k"))
    problem = store.problem("k", 7)
    assert problem.startswith("invalid (") and store.invalid("k", 7)
    with pytest.raises(InvalidRun, match=f"stored run .*k.npz is {re.escape(problem)}"):
        store.load("k", 7)
    calls = []
    store.load_or_recompute(
        "k",
        7,
        lambda: calls.append(store.save("k", 7, weekly=np.zeros((3, 2)), costs=np.ones(4))),
        "run k",
    )
    assert len(calls) == 1 and store.problem("k", 7) is None
    store.data_path("k").unlink()
    with pytest.raises(RuntimeError, match=r"run k is missing \("):
        store.load_or_recompute("k", 7, lambda: None, "run k")


def test_run_spoiled_after_the_jobs_is_recomputed_when_gathered(clean_run, tmp_path):
    """A run that turns bad between the jobs and the gathering is recomputed, not read."""
    clean, clean_runs = clean_run
    cfg, _ = compare.compose_config([*TINY, f"runs_dir={clean_runs}"])
    path = compare.run_path(cfg, "baseline", "none", compare.replicates_of(cfg)[0])
    saved = path.read_bytes()
    try:
        path.write_bytes(b"")
        weekly, _ = compare.gather(cfg)
    finally:
        path.write_bytes(saved)  # the fixture's store is shared: leave it as it was
        rewrite_record(path)
    pd.testing.assert_frame_equal(weekly, pd.read_parquet(clean / "weekly.parquet"))


def simulate_when_released(cfg, scenario: str, replicate, ready: Path) -> int:
    """Worker process: say it is ready, then simulate the pair (waiting for its claim)."""
    (ready / str(os.getpid())).touch()
    return compare.simulate_pair(cfg, scenario, replicate)


@pytest.mark.slow  # separate processes: about 10 s
def test_concurrent_jobs_neither_duplicate_nor_clash(tmp_path):
    """Two processes asked for the same pair at the same moment compute its arms once."""
    cfg, _ = compare.compose_config([*TINY, f"runs_dir={tmp_path / 'runs'}"])
    replicate = compare.replicates_of(cfg)[0]
    store = compare.run_store(cfg)
    ready = tmp_path / "ready"
    ready.mkdir()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        with store.claim(compare.pair_key(cfg, "baseline", replicate)):  # both must wait for it
            futures = [
                pool.submit(simulate_when_released, cfg, "baseline", replicate, ready)
                for _ in range(2)
            ]
            deadline = time.monotonic() + 120
            while len(list(ready.iterdir())) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)  # both are now blocked on the claim
        ran = sorted(future.result(timeout=120) for future in futures)
    assert ran == [0, 2]  # one computed both arms; the other found them stored
    for arm in ("none", "organizational_bundle"):
        key = compare.run_key(cfg, "baseline", arm, replicate)
        assert store.problem(key, replicate.seed) is None


def test_failed_job_leaves_its_folder_marked_incomplete(tmp_path, monkeypatch, capsys):
    """A full disk while writing the report: INCOMPLETE stays, one line, exit status 1."""
    out = tmp_path / "out"
    argv = [*ONE_SCENARIO, "scenario=[baseline]", f"output_dir={out}", f"runs_dir={tmp_path}/r"]

    def disk_full(path, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(compare_outputs.report, "write_report", disk_full)
    monkeypatch.setattr(sys, "argv", ["compare", *argv])
    with pytest.raises(SystemExit) as exit_:
        compare.main()
    message = str(exit_.value.code)
    assert "\n" not in message
    assert message.startswith("experiments.compare: failed: No space left on device")
    assert str(out.resolve()) in message and "INCOMPLETE" in message
    assert (out / "summary.csv").exists() and not (out / "report.html").exists()
    marker = (out / job_folder.INCOMPLETE).read_text()
    assert "failed:" in marker and "No space left on device" in marker
    monkeypatch.undo()
    counts = count_simulations(monkeypatch)
    assert compare.run(argv) == out.resolve()
    assert sum(counts) == 0  # the runs were stored before the failure
    assert_complete(out, "baseline")


def test_progress_lines_without_a_terminal_are_few_and_say_when_it_ends():
    """Not on a terminal: the first and last steps (and one per interval), with time left."""
    stream = io.StringIO()
    shown = Progress("compare: job 1/2", 5, stream=stream, interval=3600)
    for step in range(5):
        shown.advance(f"pair {step}")
    shown.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("compare: job 1/2: 1/5 (pair 0), ")
    assert "left (finish about " in lines[0]
    assert lines[1].startswith("compare: job 1/2: 5/5 (pair 4), ")


def test_progress_on_a_terminal_is_a_bar():
    """On a terminal the progress is one bar redrawn in place."""

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    shown = Progress("compare: job 1/1", 3, stream=stream)
    for _ in range(3):
        shown.advance("stored")
    shown.close()
    text = stream.getvalue()
    assert "\r" in text and "3/3" in text and "compare: job 1/1" in text
