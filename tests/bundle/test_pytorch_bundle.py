"""A generated PyTorch project (CPU torch) bundled for this machine's Python and platform, with
torch left out as preinstalled, installed offline into a fresh venv and its weights loaded from
the bundle through ``get_model``; torch comes from the session's CPU-torch environment."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support.bundles import bundle, manifest_of
from tests.support.colour_weights import register_colour_classifier
from tests.support.venvs import VirtualEnv


def test_a_pytorch_project_installs_and_loads_offline_from_its_bundle(
    project_tools: VirtualEnv, rendered_project: Path, tmp_path: Path
) -> None:
    project = Path(shutil.copytree(rendered_project, tmp_path / rendered_project.name))
    subprocess.run(["git", "init", "--quiet"], cwd=project, check=True)
    register_colour_classifier(project_tools.python, project, "colours", tmp_path)
    args = ["--python", "current", "--platform", "current", "--exclude-preinstalled"]
    result = bundle(project, *args, "--verify-python", project_tools.python)
    assert "verified offline: colours loaded from the bundle by get_model" in result.stdout
    manifest = manifest_of(project / ".ml-publish" / "bundle")
    assert {"torch", "safetensors"} <= set(manifest["left_out_as_preinstalled"])
    names = {entry["name"] for entry in manifest["files"] if entry["kind"] == "dependency"}
    assert names == {"filelock"}
