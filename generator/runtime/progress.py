"""Progress of a long stage: a rich progress bar on a terminal, plain log lines otherwise
(CI logs and redirected output get one line per tenth of the work, not control codes)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

# Below this many items a stage is over before a bar would tell anything.
MIN_ITEMS = 20


class StageProgress:
    def __init__(self, label: str, total: int, log: Callable[[str], None] = print,
                 stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.log = log
        self.started = time.perf_counter()
        self._next_line = 1
        stream = stream or sys.stderr
        self._bar: Progress | None = None
        if total >= MIN_ITEMS and stream.isatty():
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TimeRemainingColumn(), console=Console(file=stream),
                                 transient=True)
            self._task = self._bar.add_task(label, total=total)
            self._bar.start()

    def advance(self, count: int = 1) -> None:
        if count <= 0:
            return
        self.done += count
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)
        elif self.total >= MIN_ITEMS and self.done * 10 >= self._next_line * self.total:
            self._next_line = self.done * 10 // self.total + 1
            elapsed = time.perf_counter() - self.started
            rate = f", {self.done / elapsed:.1f}/s" if elapsed > 0 else ""
            self.log(f"{self.label}: {self.done}/{self.total} ({100 * self.done // self.total}%{rate})")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> StageProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
