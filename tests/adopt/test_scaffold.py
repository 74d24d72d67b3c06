"""The template rendered for an adopted repository, with answers read from the repository."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.adopt.scaffold import answers_for, render_scaffold
from ml_publish.template_files import template_dir
from tests.support.abandoned_repos import write_abandoned_repository


def test_answers_come_from_setup_py_black_environment_and_requirements(tmp_path: Path) -> None:
    features = ["setup-py-2016", "existing-files", "environment-yml"]
    root = write_abandoned_repository(tmp_path / "whale-id", features)

    answers, licensed = answers_for(analyse_repository(root), "whale_id", {})

    assert answers["distribution_name"] == "whale-id"
    assert answers["description"] == "Humpback whale identification"
    assert answers["author_name"] == "A. Kaggler"
    assert answers["version"] == "0.3.0"  # setup.py reads it from utils.py with a regex
    assert answers["line_length"] == "120"
    assert answers["python_min"] == "3.10"
    assert answers["framework"] == "pytorch"
    assert not licensed


def test_a_recognised_license_file_is_kept_and_given_answers_win(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "cells", ["flat-scripts"])
    mit = (template_dir() / "templates" / "licenses" / "MIT.txt").read_text()
    (root / "LICENSE").write_text(mit.replace("{%", "").replace("%}", ""), encoding="utf-8")

    answers, licensed = answers_for(analyse_repository(root), "cells", {"line_length": "88"})

    assert (answers["license"], licensed) == ("MIT", True)
    assert answers["line_length"] == "88"


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
