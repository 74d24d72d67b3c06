"""The template's answers read from a repository, given answers winning."""

from __future__ import annotations

from pathlib import Path

from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.repository_analysis.template_answers import answers_for
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
