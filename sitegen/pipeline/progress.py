"""Stage progress on stderr: bars on a terminal, plain lines anywhere else, or silence (`quiet=True`).

Library code reports through a `Reporter`; it never prints by itself. A CI log or a `nohup` run has no
terminal, where rich draws nothing until the end; there each stage writes one line when it starts and
one when it ends (elapsed time and its size: entities, pairs, iterations), and a long stage a line
at most every `PLAIN_EVERY` seconds in between, so the log shows where a build is.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

PLAIN_EVERY = 30.0  # seconds between in-stage progress lines in plain mode


class Reporter:
    """`plain`: None = decide from the stream (plain lines unless it is a terminal)."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None, plain: bool | None = None):
        self.quiet = quiet
        self._stream = stream if stream is not None else sys.stderr
        self._plain = not quiet and (plain if plain is not None else not _is_terminal(self._stream))
        self._start = time.perf_counter()
        self._progress = None
        if not quiet and not self._plain:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description:<28}"), BarColumn(),
                                      TextColumn("{task.percentage:>5.1f}%"), TimeElapsedColumn(),
                                      console=Console(file=self._stream), transient=False)

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
        elif self._plain:
            self._line(message)

    def _line(self, message: str) -> None:
        clock = time.perf_counter() - self._start
        self._stream.write(f"[{_clock(clock)}] {message}\n")
        self._stream.flush()

    @contextmanager
    def stage(self, name: str, timings: dict | None = None, **size) -> Iterator[StageTicker]:
        """Time a stage; the yielded ticker is a `progress(done, total)` callback.

        `size` describes the stage's input (entities=3402, pairs=...), shown when it starts; the
        ticker's `size(...)` describes its result, shown when it ends.
        """
        task = self._progress.add_task(name, total=1) if self._progress else None
        ticker = StageTicker(self._progress, task, self._line if self._plain else None, name)
        if self._plain:
            self._line(f"{name}: start{_sizes(size)}")
        start = time.perf_counter()
        ok = False
        try:
            yield ticker
            ok = True
        finally:
            elapsed = time.perf_counter() - start
            if timings is not None:
                timings[name] = round(elapsed, 3)
            if self._progress is not None:
                self._progress.update(task, completed=1, total=1,
                                      description=f"{name} ({'cached' if ticker.cached else f'{elapsed:.1f}s'})")
            elif self._plain:
                how = "failed" if not ok else "cached" if ticker.cached else "done"
                self._line(f"{name}: {how} in {elapsed:.1f}s{_sizes(ticker.result)}")


class StageTicker:
    def __init__(self, progress, task, line=None, name: str = ""):
        self._progress = progress
        self._task = task
        self._line = line
        self._name = name
        self._last_line = time.perf_counter()
        self.cached = True  # becomes False once the stage reports any work
        self.result: dict = {}

    def __call__(self, done: float, total: float) -> None:
        self.cached = False
        if self._progress is not None and total:
            self._progress.update(self._task, completed=done / total, total=1)
        elif self._line is not None and total and done < total:
            now = time.perf_counter()
            if now - self._last_line >= PLAIN_EVERY:
                self._last_line = now
                self._line(f"{self._name}: {100 * done / total:.0f}% ({_num(done)} of {_num(total)})")

    def computing(self) -> None:
        self.cached = False

    def size(self, **size) -> None:
        """What the stage produced (entities=..., pairs=..., iterations=...), for its end line."""
        self.result.update(size)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:d}:{s // 60 % 60:02d}:{s % 60:02d}"


def _num(v) -> str:
    return f"{v:,}" if isinstance(v, int) or float(v).is_integer() else f"{v:.4g}"


def _sizes(size: dict) -> str:
    """' (3,402 entities, 7,600,000 pairs)' from {'entities': 3402, 'pairs': 7600000}."""
    parts = [f"{_num(int(v) if float(v).is_integer() else v)} {k.replace('_', ' ')}" for k, v in size.items()
             if v is not None]
    return f" ({', '.join(parts)})" if parts else ""
