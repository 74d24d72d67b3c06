"""What is drawn for a person at a terminal, and where nothing is."""

from __future__ import annotations

import os
import pty
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from ml_publish.terminal import Display, PlainDisplay, RichDisplay, for_person, seconds_text


@contextmanager
def terminal_stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``sys.stderr`` is a pseudo-terminal, as when a person runs ml-publish (set inside the
    test: pytest puts its own capture back between a fixture and the test)."""
    controller, end = pty.openpty()
    with os.fdopen(end, "w") as stream, monkeypatch.context() as patch:
        patch.setattr("sys.stderr", stream)
        yield
    os.close(controller)


@pytest.mark.parametrize(
    ("requested", "environment", "chosen"),
    [
        (True, {}, RichDisplay),
        (True, {"NO_COLOR": "1"}, PlainDisplay),
        (True, {"CI": "true"}, Display),
        (True, {"TERM": "dumb"}, Display),
        (False, {}, Display),  # --quiet
    ],
)
def test_a_terminal_gets_bars_unless_ci_a_dumb_terminal_or_quiet(
    monkeypatch: pytest.MonkeyPatch,
    requested: bool,
    environment: dict[str, str],
    chosen: type[Display],
) -> None:
    for variable in ("CI", "NO_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    with terminal_stderr(monkeypatch):
        assert type(for_person(requested)) is chosen


def test_a_pipe_gets_lines_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    said: list[str] = []
    display = for_person(True, said.append)  # pytest's captured stderr is no terminal

    with display, display.step("[1/2] Build"), display.transfer("w.pth", 10) as report:
        report(10)

    assert type(display) is Display and said == ["[1/2] Build"]


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0.04, "0.0 s"), (4.25, "4.2 s"), (59.9, "59.9 s"), (185, "3 min 05 s")]
)
def test_elapsed_time_reads_as_a_person_says_it(seconds: float, shown: str) -> None:
    assert seconds_text(seconds) == shown
