"""The template rendered for an adopted repository, with answers read from the repository."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.adopt.scaffold import render_scaffold
from tests.support.abandoned_repos import write_abandoned_repository
from tests.support.kaggle_repos import KERAS_SOLUTION
from tests.support.tiny_repos import write_repository


def test_without_a_license_the_scaffold_chooses_none(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "whale-id", ["flat-scripts"])

    scaffold = render_scaffold(analyse_repository(root), "whale_id", {})

    assert "LICENSE" not in scaffold.files
    pyproject = tomllib.loads(scaffold.files["pyproject.toml"].decode())
    assert "license" not in pyproject["project"] and "license-files" not in pyproject["project"]
    assert b"license:" not in scaffold.files["CITATION.cff"]
    assert "whale_id/pretrained.py" in scaffold.files
    assert not any(name.startswith("notebooks/") for name in scaffold.files)


def test_a_license_answer_gives_the_license(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "whale-id", ["flat-scripts"])

    scaffold = render_scaffold(analyse_repository(root), "whale_id", {"license": "Apache-2.0"})

    assert scaffold.licensed
    assert b"Apache License" in scaffold.files["LICENSE"]


def test_a_pytorch_package_s_own_model_keeps_the_template_s_modules_out(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "whale-id", ["flat-scripts", "requirements"])
    own = {"whale_id/model.py": "import torch\n\n\nclass Net(torch.nn.Module):\n    pass\n"}

    scaffold = render_scaffold(analyse_repository(root), "whale_id", {}, own)

    assert scaffold.own_modules_kept
    assert "whale_id/model.py" not in scaffold.files and "hubconf.py" not in scaffold.files


def test_a_keras_package_s_own_model_is_no_reason_to_leave_pytorch_modules_out(
    tmp_path: Path,
) -> None:
    # Without torch the template has no PyTorch modules to leave out: adopt says nothing of them.
    root = write_repository(tmp_path / "salt", KERAS_SOLUTION, git=True)
    own = {"salt/model.py": "from keras.layers import Dense\n"}

    scaffold = render_scaffold(analyse_repository(root), "salt", {}, own)

    assert not scaffold.own_modules_kept
    assert scaffold.answers["framework"] == "none"
