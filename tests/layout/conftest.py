"""Every shape of tests/support/layout_repos.py, built once per session with ``python -m build``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.layout_repos import SHAPES, write_shape

# Two builds at a time: each spends much of its time installing its backend.
BUILDERS = 2


@dataclass(frozen=True)
class BuiltShape:
    """A shape's repository and what ``python -m build`` made of a copy of it."""

    root: Path
    wheel: Path | None
    error: str = ""


def build_shape(workspace: Path, name: str) -> BuiltShape:
    root = write_shape(workspace / "repositories" / name, SHAPES[name])
    # A copy keeps build output (egg-info, build/) out of the repository the tests read.
    copy = shutil.copytree(root, workspace / "copies" / name, symlinks=True)
    out = workspace / "dist" / name
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return BuiltShape(root, None, result.stdout[-2000:] + result.stderr[-2000:])
    return BuiltShape(root, next(out.glob("*.whl")))


@pytest.fixture(scope="session")
def built_shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltShape]:
    workspace = tmp_path_factory.mktemp("shapes")
    with ThreadPoolExecutor(BUILDERS) as pool:
        built = pool.map(lambda name: build_shape(workspace, name), SHAPES)
        return dict(zip(SHAPES, built))
