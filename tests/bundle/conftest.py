"""One framework-neutral project bundled for Kaggle's target, shared by the bundle tests."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.bundles import bundle, plain_project_to_bundle


@dataclass(frozen=True)
class KaggleBundle:
    """The project, its bundle directory, and what ``ml-publish bundle`` printed."""

    project: Path
    directory: Path
    result: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def kaggle_bundle(plain_project: Path, tmp_path_factory: pytest.TempPathFactory) -> KaggleBundle:
    """The project (with requests as a dependency, which the target is said to have, and
    MarkupSafe, whose wheels are built per Python and platform) bundled for the default target
    with Kaggle's metadata, and verified offline by the command."""
    scratch = tmp_path_factory.mktemp("kaggle")
    project = plain_project_to_bundle(plain_project, scratch, "requests", "markupsafe")
    directory = project.parent / "leaf-bundle"
    result = bundle(
        project,
        directory,
        "--kaggle",
        "octo-org/leaf-counter-offline",
        "--exclude-preinstalled",
        "requests",
    )
    return KaggleBundle(project, directory, result)
