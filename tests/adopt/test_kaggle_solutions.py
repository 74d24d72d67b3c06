"""Kaggle solutions as their authors left them, adopted: a Keras repository written on Windows."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ml_publish.adopt.adoption import adopt
from tests.support.kaggle_repos import KERAS_SOLUTION
from tests.support.tiny_repos import write_repository


def test_a_windows_keras_repository_keeps_crlf_and_its_weights_are_registered(
    tmp_path: Path,
) -> None:
    root = write_repository(tmp_path / "salt", KERAS_SOLUTION)
    git = ["git", "-C", str(root), "-c", "user.name=a", "-c", "user.email=a@b"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)

    adoption = adopt(root, format_code=False, answers={"license": "MIT"})

    for path in ("README.rst", "EDA.ipynb", "kernel.py", "salt/model.py"):
        data = (root / path).read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n"), f"{path} lost its CRLF"
    readme = (root / "README.rst").read_bytes()
    assert readme.startswith(KERAS_SOLUTION["README.rst"].encode())  # type: ignore[union-attr]
    assert b"\r\nInstallation\r\n------------\r\n" in readme
    cell = json.loads((root / "EDA.ipynb").read_text())["cells"][0]["source"]
    assert cell == ["%matplotlib inline\n", "from salt.utils import *\n"]
    assert (
        (root / "kernel.py")
        .read_bytes()
        .startswith(
            b"import os\r\nfrom salt.utils import *\r\nfrom salt.model import build_unet\r\n"
        )
    )
    registry = json.loads((root / "salt" / "weights.json").read_text())
    assert [w["name"] for w in registry["weights"]] == ["unet_fold0"]
    # No torch: the template had no PyTorch modules to leave out for the author's model.py.
    assert not any("PyTorch modules" in note for note in adoption.plan.notes)
