"""Output folders of a job: unique by default, and marked incomplete until every output is written.

A job that is not given a folder gets ``outputs/<command>/<date>/<HH-MM-SS>_<name>``, created
exclusively: a second job started in the same second gets ``..._<name>-2`` (and so on), never
the first job's folder (in a Hydra config: ``${job_folder:<command>,<name>,${output_dir}}``,
which is ``output_dir`` when given). While a job writes a folder, the folder holds an
``INCOMPLETE`` file (what is running, since when); it is removed only after the last output is
written, so a folder without it is complete, and a job that failed (a full disk, a killed
process) leaves it behind.
"""

import os
import sys
import traceback
from datetime import datetime
from pathlib import Path

from omegaconf import OmegaConf

from experiments.records import write_text_atomic

INCOMPLETE = "INCOMPLETE"
"""Name of the marker file of a folder still being written (or whose job failed)."""

MAX_TRIES = 10_000


def unique_folder(parent: Path, name: str) -> Path:
    """Create ``parent/name`` (or ``name-2``, ``name-3``, ... if taken) and return it.

    The folder is created exclusively, so concurrent jobs never share one.
    """
    parent.mkdir(parents=True, exist_ok=True)
    for number in range(1, MAX_TRIES + 1):
        folder = parent / (name if number == 1 else f"{name}-{number}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(f"{parent / name}: {MAX_TRIES} folders of that name already exist")


def default_folder(command: str, name: str, root: Path = Path("outputs")) -> Path:
    """A new folder ``<root>/<command>/<date>/<HH-MM-SS>_<name>[-n]``, created exclusively."""
    now = datetime.now()
    return unique_folder(root / command / now.strftime("%Y-%m-%d"), f"{now:%H-%M-%S}_{name}")


_MADE: dict[tuple[str, str], str] = {}


def job_folder(command: str, name: str, chosen: str | None = None) -> str:
    """``chosen`` if given, else this process's new :func:`default_folder` (made once).

    The ``job_folder`` resolver of Hydra configs (``hydra.run.dir``): the folder is created when
    Hydra first resolves it, and the same folder is returned each time after that.
    """
    if chosen not in (None, ""):
        return str(chosen)
    if (command, name) not in _MADE:
        _MADE[command, name] = str(default_folder(command, str(name)))
    return _MADE[command, name]


OmegaConf.register_new_resolver("job_folder", job_folder, replace=True)


def mark_incomplete(folder: Path, command: str) -> Path:
    """Create ``folder`` if needed and write its ``INCOMPLETE`` marker."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (
        "This folder is incomplete: its job is still writing it, or failed before the end.\n"
        "The file is removed when every output is written.\n"
        f"command: {command}\n"
        f"process: {os.getpid()}\n"
        f"started: {datetime.now().isoformat(timespec='seconds')}\n"
    )
    return write_text_atomic(folder / INCOMPLETE, text)


def mark_complete(folder: Path) -> None:
    """Remove the ``INCOMPLETE`` marker: every output of ``folder`` is written."""
    (folder / INCOMPLETE).unlink(missing_ok=True)


def is_complete(folder: Path) -> bool:
    """Whether ``folder`` exists and holds no ``INCOMPLETE`` marker."""
    return folder.is_dir() and not (folder / INCOMPLETE).exists()


def command_line(module: str, args: list[str]) -> str:
    """The command as typed: ``python -m <module> <args>``."""
    return " ".join([Path(sys.executable).name, "-m", module, *args])


def failure_line(error: BaseException) -> str:
    """One line saying what failed: an OS error's reason and file, else the exception."""
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    return f"{type(error).__name__}: {error}".replace("\n", " ")


def record_failure(folder: Path, error: BaseException) -> None:
    """Append the error and its traceback to the folder's marker, if the disk still allows."""
    try:
        with open(folder / INCOMPLETE, "a", encoding="utf-8") as marker:
            marker.write("failed:\n" + "".join(traceback.format_exception(error)))
    except OSError:
        pass
