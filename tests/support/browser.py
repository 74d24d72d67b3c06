"""Pages loaded in headless Chromium (Debian's ``chromium``): the DOM after JavaScript ran, and a
screenshot of the same load.

Each load gets a new, empty profile, and every feature that would reach beyond this machine
(updates, sync, QUIC, background fetches) is off.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

WINDOW_SIZE = (1280, 900)
# Virtual time lets the page's scripts run this long (in page time) before the DOM is taken.
SCRIPT_BUDGET_MS = 5000
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    f"--window-size={WINDOW_SIZE[0]},{WINDOW_SIZE[1]}",
    f"--virtual-time-budget={SCRIPT_BUDGET_MS}",
)


@dataclass(frozen=True)
class Page:
    """One load of a page: its document title and ``<h1>`` texts (spaces collapsed), and a
    PNG screenshot of it."""

    title: str
    headings: list[str]
    screenshot: Path


class _TitleParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.headings: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("title", "h1"):
            self.open.append(tag)
            if tag == "h1":
                self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if "title" in self.open:
            self.title += data
        if "h1" in self.open:
            self.headings[-1] += data


def chromium() -> str:
    """The Chromium executable; fails the test, saying how to install it, when there is none."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            "headless Chromium is needed to load the demo apps' pages and is not installed: "
            "run `apt-get install chromium` (.ci/run does this when it runs as root)",
            pytrace=False,
        )
    return found


def load_page(url: str, screenshot: Path, timeout: float = 120) -> Page:
    """Load ``url`` once: read its rendered DOM and save a screenshot as ``screenshot``."""
    screenshot.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--dump-dom",
            f"--screenshot={screenshot}",
            url,
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    shown = f"{' '.join(command)} exited {result.returncode}\n--- stderr ---\n{result.stderr}"
    assert result.returncode == 0, shown
    assert screenshot.is_file(), f"no screenshot: {shown}"
    parser = _TitleParser()
    parser.feed(result.stdout)
    parser.close()
    return Page(
        title=" ".join(parser.title.split()),
        headings=[" ".join(heading.split()) for heading in parser.headings],
        screenshot=screenshot,
    )


def wait_for_page(
    url: str, screenshot: Path, ready: Callable[[Page], bool], timeout: float = 120
) -> Page:
    """Load ``url`` again and again until ``ready`` holds for a load, or time is up; return
    the last load.

    Apps that run their script once per browser session (Streamlit) show an empty page while a
    first run imports heavy modules, hence the reloads.
    """
    deadline = time.monotonic() + timeout
    while True:
        page = load_page(url, screenshot)
        if ready(page) or time.monotonic() > deadline:
            return page
        time.sleep(1)
