"""On a terminal, adopt offers to register the pickled PyTorch weights it untracks as
safetensors; the conversion runs with real torch."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from tests.support.fresh_install import ml_publish_with_torch
from tests.support.processes import run
from tests.support.terminal import run_on_terminal
from tests.support.tiny_repos import write_repository
from tests.support.torch_files import TorchFiles
from tests.support.venvs import VirtualEnv


def test_on_a_terminal_adopt_offers_safetensors_for_pickled_weights(
    tmp_path: Path, project_tools: VirtualEnv, torch_files: TorchFiles
) -> None:
    root = write_repository(tmp_path / "leafnet", {"train.py": "print('training')\n"})
    shutil.copyfile(torch_files / "state_dict.pth", root / "model.pth")
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(root)], check=True)
    identity = ["git", "-c", "user.name=t", "-c", "user.email=t@x"]
    run([*identity, "add", "--all"], cwd=root)
    run([*identity, "commit", "--quiet", "-m", "trained"], cwd=root)
    python = ml_publish_with_torch(tmp_path / "venv", project_tools).python

    printed = run_on_terminal(
        ["adopt", "license=MIT"], cwd=root, env={}, typed="y\ny\n", python=python
    )

    assert (
        "1 weight file(s) are pickled PyTorch checkpoints (model.pth); register them converted "
        "to safetensors, which loads without running code from the file? [y/N]"
    ) in " ".join(printed.split())
    assert "register it as 'model' (converted to safetensors, pending upload)" in printed
    assert "Adopted into the package 'leafnet'" in printed, printed
    (entry,) = json.loads((root / "leafnet" / "weights.json").read_text())["weights"]
    source_sha256 = hashlib.sha256((torch_files / "state_dict.pth").read_bytes()).hexdigest()
    assert entry["file_name"].endswith(".safetensors")
    assert entry["meta"]["converted_from"] == {"file_name": "model.pth", "sha256": source_sha256}
    assert (root / ".ml-publish" / "weights" / entry["file_name"]).is_file()
