"""Fixtures shared by the whole suite: the tools venv that generated projects are checked with."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.projects import hook_tool_requirements, render
from tests.support.venvs import VirtualEnv, create_venv

# The CPU build this machine offers; a generated project only asks for torch>=2.1.
TORCH_REQUIREMENT = "torch==2.13.0"


@pytest.fixture(scope="session")
def project_tools(tmp_path_factory: pytest.TempPathFactory) -> VirtualEnv:
    """One venv holding a generated project's dev tools at the versions the template pins.

    It is filled from a freshly rendered project's own ``dev`` and ``test`` extras and its
    pre-commit hook revisions, so the versions checked are the versions users get.
    """
    reference = render(tmp_path_factory.mktemp("reference"), {})
    tools = create_venv(tmp_path_factory.mktemp("project-tools") / "venv")
    tools.pip_install(TORCH_REQUIREMENT)
    tools.pip_install(
        f"{reference}[dev,test]", "hatchling", "editables", *hook_tool_requirements(reference)
    )
    return tools


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    """An empty directory to render projects into."""
    directory = tmp_path / "out"
    directory.mkdir()
    return directory
