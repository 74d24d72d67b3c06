"""The pip adapter for wheels of another machine: resolve and download them for a target.

The only module that runs ``pip download`` or ``pip install --dry-run --report`` for a bundle.
pip runs as this interpreter's ``python -m pip``, so its own configuration (``pip.conf``,
``PIP_INDEX_URL``, ``PIP_FIND_LINKS``, proxies) chooses the indexes; wheels only
(``--only-binary=:all:``), never a resolver of ours. A download runs in the background while
the caller does other work, and is waited for when its wheels are needed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ml_publish.errors import OperationFailed
from ml_publish.transport.child_environment import tool_environment

NO_MATCH = re.compile(r"No matching distribution found for (\S+)")
# A dependency without a wheel deep in a ResolutionImpossible (tensorflow-datasets needing
# promise): pip says so among the conflict's explanation, which it logs at info level.
UNAVAILABLE = re.compile(r"no matching distributions available for your environment:\s*\n\s*(\S+)")
# Quiet but for the conflict's explanation: info-level logging, without progress bars.
LOGGING = ("--progress-bar", "off")


class WheelDownloadError(OperationFailed):
    """pip could not resolve or download the wheels; the message says why."""


class NoMatchingWheel(WheelDownloadError):
    """pip found no wheel of a requirement for the target; ``requirement`` names it."""

    def __init__(self, message: str, requirement: str) -> None:
        super().__init__(message)
        self.requirement = requirement


@dataclass(frozen=True)
class ResolvedDistribution:
    """One distribution pip's resolver chose, with the names its metadata requires."""

    name: str
    version: str
    requires: tuple[str, ...]
    requested: bool


def resolve_wheels(
    requirements: Sequence[str], target_options: Sequence[str], workspace: Path
) -> list[ResolvedDistribution]:
    """What pip would install for ``requirements`` on the target, wheels only, nothing
    downloaded but metadata: ``pip install --dry-run --report``."""
    from packaging.utils import canonicalize_name

    report = workspace / "pip-report.json"
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed"]
    command += [*LOGGING, "--report", str(report), "--only-binary", ":all:", *target_options]
    command += ["--target", str(workspace / "unused-target"), *requirements]
    WheelDownload(command, "pip install --dry-run", workspace).wait()
    chosen = json.loads(report.read_text(encoding="utf-8"))["install"]
    return [
        ResolvedDistribution(
            name=canonicalize_name(item["metadata"]["name"]),
            version=item["metadata"]["version"],
            requires=tuple(required_names(item["metadata"].get("requires_dist") or [])),
            requested=bool(item.get("requested")),
        )
        for item in chosen
    ]


def start_download(
    requirements: Sequence[str], target_options: Sequence[str], destination: Path, *, deps: bool
) -> WheelDownload:
    """Start ``pip download --only-binary=:all:`` of ``requirements`` for the target into
    ``destination``; ``wait()`` on the result gives the wheels."""
    destination.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", *LOGGING, "--only-binary", ":all:"]
    command += ([] if deps else ["--no-deps"]) + [*target_options, "--dest", str(destination)]
    return WheelDownload([*command, *requirements], "pip download", destination)


class WheelDownload:
    """A pip run in the background; ``wait`` raises what went wrong, or gives the wheels."""

    def __init__(self, command: list[str], what: str, destination: Path) -> None:
        self.what = what
        self.destination = destination
        self.errors: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")
        env = {**os.environ, **tool_environment(), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        self.process = subprocess.Popen(
            command, stdout=self.errors, stderr=subprocess.STDOUT, text=True, env=env
        )

    def wait(self) -> list[Path]:
        with self.errors:
            code = self.process.wait()
            self.errors.seek(0)
            stderr = self.errors.read()
        if code != 0:
            raise failure(stderr, self.what)
        return sorted(self.destination.glob("*.whl"))

    def stop(self) -> None:
        """End the run early (the caller failed meanwhile)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.errors.close()


def required_names(requires_dist: list[str]) -> list[str]:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    names: list[str] = []
    for line in requires_dist:
        try:
            names.append(canonicalize_name(Requirement(line).name))
        except InvalidRequirement:
            continue
    return names


def failure(stderr: str, what: str) -> WheelDownloadError:
    missing = NO_MATCH.search(stderr) or UNAVAILABLE.search(stderr)
    if missing:
        return NoMatchingWheel(f"{what}: no wheel of {missing[1]}", missing[1])
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")] or lines[-1:]
    reason = errors[-1].removeprefix("ERROR: ") if errors else "no output"
    return WheelDownloadError(f"{what} failed: {reason}")
