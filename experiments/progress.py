"""Progress of a long job with its expected finish time, on stderr.

On a terminal a :mod:`tqdm` bar (elapsed, rate, time left) is redrawn in place. Elsewhere (a log
file, a cluster job's output, a pipe) a bar would write a line per update, so plain lines are
written instead, at most one every ``interval`` seconds plus the first and the last, each with
the time left and the expected finish as a clock time.
"""

import sys
import time
from datetime import datetime, timedelta
from typing import TextIO

from tqdm import tqdm


def duration(seconds: float) -> str:
    """``seconds`` as ``1 h 02 min``, ``3 min 05 s`` or ``12 s``."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


class Progress:
    """Progress over ``total`` steps, labelled ``label``.

    Args:
        label: What is progressing, the start of every line (e.g. ``compare: job 1/4``).
        total: Steps in all.
        stream: Where to write (default: stderr).
        interval: Least seconds between plain lines (when ``stream`` is not a terminal).
        position: Line of the bar on a terminal (several jobs of one command: one each).
    """

    def __init__(
        self,
        label: str,
        total: int,
        *,
        stream: TextIO | None = None,
        interval: float = 30.0,
        position: int = 0,
    ) -> None:
        self.label, self.total, self.interval = label, total, interval
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.began = self.last_line = time.monotonic()
        isatty = getattr(self.stream, "isatty", None)
        self.bar = None
        if isatty is not None and isatty():
            self.bar = tqdm(
                total=total, desc=label, file=self.stream, position=position, leave=True
            )

    def advance(self, note: str = "") -> None:
        """One more step done; ``note`` says what (shown beside the bar or in the line)."""
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(note, refresh=False)
            self.bar.update(1)
            return
        now = time.monotonic()
        first_or_last = self.done in (1, self.total)
        if first_or_last or now - self.last_line >= self.interval:
            self.last_line = now
            print(self.line(now, note), file=self.stream, flush=True)

    def line(self, now: float, note: str = "") -> str:
        """The progress line: steps done, elapsed, time left and expected finish."""
        elapsed = now - self.began
        text = (
            f"{self.label}: {self.done}/{self.total} ({note})"
            if note
            else (f"{self.label}: {self.done}/{self.total}")
        )
        text += f", {duration(elapsed)} elapsed"
        if 0 < self.done < self.total:
            left = elapsed / self.done * (self.total - self.done)
            finish = datetime.now() + timedelta(seconds=left)
            text += f", about {duration(left)} left (finish about {finish:%H:%M:%S})"
        return text

    def close(self) -> None:
        """End the bar (a no-op for plain lines)."""
        if self.bar is not None:
            self.bar.close()
