"""The git adapter: the only module that runs git."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

GITHUB_REMOTE = re.compile(
    r"^(?:https://[^/]+/|git@[^:]+:|ssh://git@[^/]+/)(?P<repo>[^/]+/[^/]+?)(?:\.git)?/?$"
)


def git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def origin_repository(cwd: Path) -> str | None:
    """``owner/name`` of the ``origin`` remote, when it looks like a GitHub remote."""
    result = git(["remote", "get-url", "origin"], cwd)
    if result.returncode != 0:
        return None
    match = GITHUB_REMOTE.match(result.stdout.strip())
    return match["repo"] if match else None
