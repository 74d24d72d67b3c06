"""A one-line progress display for uploads, shown on stderr only when a person is watching.

Plain ``\\r`` updates rather than a progress library: one line per file is all an upload needs,
and it keeps ml-publish free of a dependency its own lint environment would also need.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TextIO

from ml_publish.weights.table import human_size

REFRESH_SECONDS = 0.1


def wants_progress(requested: bool) -> bool:
    """Whether to draw progress: asked for, stderr is a terminal, and not in CI logs."""
    return requested and sys.stderr.isatty() and not os.environ.get("CI")


class ProgressLine:
    """Draws ``name  sent / size  percent  speed`` for the file being sent, or nothing."""

    def __init__(self, stream: TextIO | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self._name, self._size, self._sent = "", 0, 0
        self._started = self._drawn = 0.0

    @classmethod
    def for_stderr(cls, requested: bool) -> ProgressLine:
        return cls(sys.stderr if wants_progress(requested) else None)

    def start(self, name: str, size: int) -> Callable[[int], None]:
        """Begin a line for ``name``; returns the callback that reports bytes sent."""
        self._name, self._size, self._sent = name, size, 0
        self._started = self._drawn = self.clock()
        self._draw()
        return self.advance

    def advance(self, sent: int) -> None:
        self._sent += sent
        if self.clock() - self._drawn >= REFRESH_SECONDS or self._sent >= self._size:
            self._draw()

    def finish(self) -> None:
        """End the current line, leaving its last state visible."""
        if self.stream is not None and self._name:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()
        self._name = ""

    def _draw(self) -> None:
        if self.stream is None:
            return
        now = self.clock()
        self._drawn = now
        percent = 100 * self._sent // self._size if self._size else 100
        speed = self._sent / (now - self._started) if now > self._started else 0.0
        line = (
            f"{self._name}  {human_size(self._sent)} / {human_size(self._size)}  {percent}%"
            f"  {human_size(int(speed))}/s"
        )
        self.stream.write(f"\r{line}\033[K")
        self.stream.flush()
