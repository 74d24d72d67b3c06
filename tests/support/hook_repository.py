"""This checkout as a hook repository for pre-commit, at a stable commit.

pre-commit installs a hook repository once per (repository, revision), while a checkout with
uncommitted changes has no revision to name. A snapshot of the working tree, committed with a
fixed date, gives one revision per content: one install per test session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
FIXED_DATE = "2026-01-01T00:00:00+00:00"


def snapshot_checkout(destination: Path) -> tuple[Path, str]:
    """Copy the tracked and new files of this checkout to a fresh repository; its commit."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        check=True,
    )
    for name in filter(None, listing.stdout.split("\0")):
        source = CHECKOUT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": FIXED_DATE,
        "GIT_COMMITTER_DATE": FIXED_DATE,
        "GIT_AUTHOR_NAME": "ml-publish tests",
        "GIT_AUTHOR_EMAIL": "tests@ml-publish.invalid",
        "GIT_COMMITTER_NAME": "ml-publish tests",
        "GIT_COMMITTER_EMAIL": "tests@ml-publish.invalid",
    }
    for command in (["init", "--quiet"], ["add", "--all"], ["commit", "--quiet", "-m", "snapshot"]):
        subprocess.run(["git", *command], cwd=destination, env=env, check=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=destination, capture_output=True, text=True, check=True
    )
    return destination, head.stdout.strip()
