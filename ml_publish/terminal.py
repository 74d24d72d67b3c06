"""What a person at a terminal sees while ml-publish works: a progress bar for each file sent or
received, and each release step's elapsed time.

Drawn on stderr only for a person watching: stderr is a terminal, ``CI`` is unset, ``TERM`` is
not "dumb" and the command was not asked to be quiet. ``NO_COLOR`` (https://no-color.org) gets
plain text: the file's line rewritten in place, and each step's time as a line of its own.
Anywhere else a display only says the command's lines, as they come, and draws nothing.

rich is imported only when a bar is drawn: the commands that never draw one start without it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TextIO

Report = Callable[[int], None]
Say = Callable[[str], None]
REFRESH_SECONDS = 0.1


def wants_progress(requested: bool, stream: TextIO) -> bool:
    """Whether to draw progress on ``stream``: asked for, a terminal, and not a CI log."""
    dumb = os.environ.get("TERM", "") in ("dumb", "unknown")
    return requested and stream.isatty() and not os.environ.get("CI") and not dumb


def for_person(requested: bool = True, say: Say = print) -> Display:
    """The display for this process: rich on a terminal, plain text with ``NO_COLOR``, else
    lines only."""
    stream = sys.stderr
    if not wants_progress(requested, stream):
        return Display(say)
    if os.environ.get("NO_COLOR"):
        return PlainDisplay(say, stream)
    return RichDisplay(say, stream)


def seconds_text(seconds: float) -> str:
    """``4.2 s`` or ``3 min 05 s``: an elapsed time as a person reads it."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def _ignore(count: int) -> None:
    pass


class Display:
    """Says each line as it comes and draws nothing: for pipes, CI logs and ``--quiet``.

    Use it as a context manager around the work; ``step`` and ``transfer`` mark its parts.
    """

    def __init__(self, say: Say = print) -> None:
        self.say = say

    def __enter__(self) -> Display:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        pass

    @contextmanager
    def step(self, heading: str) -> Iterator[None]:
        """A step of the work, announced by ``heading``."""
        self.say(heading)
        yield

    @contextmanager
    def transfer(self, name: str, size: int) -> Iterator[Report]:
        """A file of ``size`` bytes on its way; the block is given the callback for each
        chunk's byte count."""
        yield _ignore


class PlainDisplay(Display):
    """Plain text on a terminal (``NO_COLOR``): a file's line rewritten in place as it goes,
    and how long each step took."""

    def __init__(
        self, say: Say, stream: TextIO, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(say)
        self.stream = stream
        self.clock = clock

    @contextmanager
    def step(self, heading: str) -> Iterator[None]:
        started = self.clock()
        self.say(heading)
        yield
        self.say(f"    took {seconds_text(self.clock() - started)}")

    @contextmanager
    def transfer(self, name: str, size: int) -> Iterator[Report]:
        from rich.filesize import decimal

        started = drawn = self.clock()
        done = 0

        def draw() -> None:
            elapsed = self.clock() - started
            rate = decimal(int(done / elapsed)) if elapsed > 0 else "-"
            percent = 100 * done // size if size else 100
            line = f"{name}  {decimal(done)} / {decimal(size)}  {percent}%  {rate}/s"
            # Spaces, not an escape sequence, wipe what a longer line left.
            self.stream.write(f"\r{line:<70}")
            self.stream.flush()

        def report(count: int) -> None:
            nonlocal done, drawn
            done += count
            if self.clock() - drawn >= REFRESH_SECONDS or done >= size:
                drawn = self.clock()
                draw()

        draw()
        try:
            yield report
        finally:
            draw()
            self.stream.write("\n")
            self.stream.flush()


class RichDisplay(Display):
    """rich's live display on a terminal: a bar per file with bytes, rate and time left, and
    the running step with a spinner and its elapsed time. Lines said meanwhile print above it."""

    def __init__(self, say: Say, stream: TextIO) -> None:
        super().__init__(say)
        from rich.console import Console, Group
        from rich.live import Live
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        console = Console(file=stream)
        self._steps = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
        )
        self._files = Progress(
            TextColumn("  {task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        # Printed lines go above the live area only when they were bound for this terminal.
        self._live = Live(
            Group(self._steps, self._files),
            console=console,
            refresh_per_second=10,
            redirect_stdout=sys.stdout.isatty(),
            redirect_stderr=False,
        )

    def __enter__(self) -> Display:
        self._live.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._live.stop()

    @contextmanager
    def step(self, heading: str) -> Iterator[None]:
        self.say(heading)
        task = self._steps.add_task(heading.strip(), total=None)
        started = time.monotonic()
        self._live.refresh()
        try:
            yield
        finally:
            self._steps.remove_task(task)
        self.say(f"    took {seconds_text(time.monotonic() - started)}")

    @contextmanager
    def transfer(self, name: str, size: int) -> Iterator[Report]:
        from rich.filesize import decimal

        task = self._files.add_task(name, total=size)
        started = time.monotonic()
        self._live.refresh()  # drawn at once, and below at its end: even a quick file shows

        def report(count: int) -> None:
            self._files.advance(task, count)

        try:
            yield report
        finally:
            self._live.refresh()
            self._files.remove_task(task)
        took = seconds_text(time.monotonic() - started)
        self._live.console.print(f"  {name}  {decimal(size)} in {took}", highlight=False)

    def __repr__(self) -> str:
        return f"RichDisplay({self._live.console.file!r})"
