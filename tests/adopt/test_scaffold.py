"""The template rendered for an adopted repository, with answers read from the repository."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.adopt.scaffold import render_scaffold
from tests.support.abandoned_repos import write_abandoned_repository


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
