"""The ml-publish wheel carries the template and works installed, with no checkout."""

from __future__ import annotations

import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from ml_publish import REPOSITORY_URL, __version__
from tests.support.processes import run
from tests.support.venvs import VirtualEnv, create_venv

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, REPOSITORY])
    (wheel,) = dist.glob("*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> VirtualEnv:
    env = create_venv(tmp_path_factory.mktemp("installed") / "venv")
    env.pip_install(wheel)
    return env


def test_wheel_contains_one_copy_of_the_template(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    template_files = sorted((REPOSITORY / "template").rglob("*"), key=lambda p: p.as_posix())
    expected = {
        "ml_publish/_template/template/" + p.relative_to(REPOSITORY / "template").as_posix()
        for p in template_files
        if p.is_file() and "__pycache__" not in p.parts
    }

    assert "ml_publish/_template/cookiecutter.json" in names
    assert expected <= set(names)
    assert not [n for n in names if n.startswith("template/")]


def test_installed_ml_publish_renders_offline_from_anywhere(
    installed: VirtualEnv, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    result = run(
        [installed.bin("ml-publish"), "new", "--no-input", "-o", "generated"],
        cwd=elsewhere,
        # No index: rendering must not need the network.
        env={"PIP_NO_INDEX": "1", "PYTHONPATH": ""},
    )

    project = elsewhere / "generated" / "cell-segmentation"
    assert "Created" in result.stdout
    assert (project / "pyproject.toml").is_file()
    assert (project / "cell_segmentation" / "model.py").is_file()
    assert "MIT License" in (project / "LICENSE").read_text(encoding="utf-8")
    # pip byte-compiles the template inside the wheel; none of that reaches the project.
    assert not list(project.rglob("__pycache__"))
    # The template finds the installed ml-publish's version to pin its hooks to.
    hooks = (project / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert f"- repo: {REPOSITORY_URL}\n    rev: v{__version__}\n" in hooks


def test_installed_check_passes_the_project_it_generated(
    installed: VirtualEnv, tmp_path: Path
) -> None:
    run([installed.bin("ml-publish"), "new", "--no-input", "-o", tmp_path])
    project = tmp_path / "cell-segmentation"
    run(["git", "init", "--quiet"], cwd=project)
    run(["git", "add", "--all"], cwd=project)

    result = run([installed.bin("ml-publish"), "check"], cwd=project)

    assert " 0 failed" in result.stdout


def test_the_repository_url_is_the_one_in_the_metadata() -> None:
    pyproject = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))

    assert pyproject["project"]["urls"]["Source"] == REPOSITORY_URL


def test_installed_version_matches(installed: VirtualEnv) -> None:
    result = run([installed.bin("ml-publish"), "--version"])

    assert result.stdout.strip() == f"ml-publish {__version__}"
