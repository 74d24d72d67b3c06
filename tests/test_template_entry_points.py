"""Plain cookiecutter reaches the template both through the root config and with --directory."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from ml_publish import __version__
from ml_publish.template import resolve_answers
from tests.support.processes import run

REPOSITORY = Path(__file__).resolve().parent.parent
COOKIECUTTER = [sys.executable, "-m", "cookiecutter", "--no-input", "--default-config"]


@pytest.mark.parametrize("how", [[], ["--directory", "template"]], ids=["root-config", "directory"])
def test_cookiecutter_renders_the_template(how: list[str], output_dir: Path) -> None:
    run([*COOKIECUTTER, *how, "-o", output_dir, REPOSITORY, "project_name=Pose Estimator"])

    project = output_dir / "pose-estimator"
    assert (project / "pose_estimator" / "__init__.py").is_file()
    assert (project / ".github" / "workflows" / "release.yml").is_file()
    # Recorded for ml-publish update as ml-publish new records it: every answer as text.
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    record = pyproject["tool"]["ml-publish"]["template"]
    answers = resolve_answers({"project_name": "Pose Estimator"}, no_input=True)
    assert record == {"version": __version__, "answers": answers}


def test_cookiecutter_refuses_a_bad_package_name_and_leaves_nothing(output_dir: Path) -> None:
    result = run(
        [*COOKIECUTTER, "-o", output_dir, REPOSITORY, "package_name=os"], expect_success=False
    )

    assert result.returncode != 0
    assert "package_name 'os' would shadow the standard-library module" in result.stderr
    assert list(output_dir.iterdir()) == []
