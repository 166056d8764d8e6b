"""Stage progress bars and timings (rich), or silence with `quiet=True`.

Library code reports through a `Reporter`; it never prints by itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Reporter:
    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self._progress = None
        if not quiet:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description:<28}"), BarColumn(),
                                      TextColumn("{task.percentage:>5.1f}%"), TimeElapsedColumn(),
                                      transient=False)

    def __enter__(self) -> Reporter:
        if self._progress:
            self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress:
            self._progress.stop()

    def log(self, message: str) -> None:
        if self._progress:
            self._progress.console.print(message, markup=False, highlight=False)

    @contextmanager
    def stage(self, name: str, timings: dict | None = None) -> Iterator[StageTicker]:
        """Time a stage; the yielded ticker is a `progress(done, total)` callback."""
        task = self._progress.add_task(name, total=1) if self._progress else None
        ticker = StageTicker(self._progress, task)
        start = time.perf_counter()
        try:
            yield ticker
        finally:
            elapsed = time.perf_counter() - start
            if timings is not None:
                timings[name] = round(elapsed, 3)
            if self._progress is not None:
                self._progress.update(task, completed=1, total=1,
                                      description=f"{name} ({'cached' if ticker.cached else f'{elapsed:.1f}s'})")


class StageTicker:
    def __init__(self, progress, task):
        self._progress = progress
        self._task = task
        self.cached = True  # becomes False once the stage reports any work

    def __call__(self, done: float, total: float) -> None:
        self.cached = False
        if self._progress is not None and total:
            self._progress.update(self._task, completed=done / total, total=1)

    def computing(self) -> None:
        self.cached = False
