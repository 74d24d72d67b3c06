"""``update`` brings a project made before issue 23 the loader that survives training jobs.

The base is this checkout's template with the loader as it was before (``pretrained.py`` alone,
kept in tests/data, and no ``filelock`` dependency); the target is this checkout's template. The
project is rendered from the base, committed, updated with the real engine, and its new loader
then serves eight processes at once.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import ml_publish
from ml_publish import __version__
from ml_publish.template import render, resolve_answers
from ml_publish.template_files import template_dir
from ml_publish.update.sources import TemplateSource
from ml_publish.update.updating import Preparation, apply_update, plan_update, read_project_record
from tests.support.static_server import serving
from tests.support.loader_processes import SPAWN, download_in_child, start_child

OLD_LOADER = Path(__file__).parents[1] / "data" / "loader_before_issue_23" / "pretrained.py.jinja"
PACKAGE_DIR = Path("{{cookiecutter.repo_name}}") / "{{cookiecutter.package_name}}"
LOADER_MODULES = ("_cache.py", "_download.py", "_local.py")
# Each file's filelock requirement, and the text it replaced.
REQUIREMENT_EDITS = {
    "pyproject.toml": (
        '["filelock>=3.12"{% if cookiecutter.framework == "pytorch" %}, "torch',
        '[{% if cookiecutter.framework == "pytorch" %}"torch',
    ),
    ".pre-commit-config.yaml": ('["filelock>=3.12", {% if', "[{% if"),
}
BASE_VERSION = "0.0.9"


def template_before_issue_23(destination: Path) -> Path:
    """This checkout's template with the loader and dependencies it had before issue 23."""
    # The template reads ml-publish's version from the ml_publish/__init__.py beside it.
    (destination / "ml_publish").mkdir(parents=True)
    shutil.copy(ml_publish.__file__, destination / "ml_publish")
    ignore = shutil.ignore_patterns("__pycache__")
    base = shutil.copytree(template_dir(), destination / "template", ignore=ignore)
    shutil.copy(OLD_LOADER, base / PACKAGE_DIR / "pretrained.py")
    for name in LOADER_MODULES:
        (base / PACKAGE_DIR / name).unlink()
    for name, (now, before) in REQUIREMENT_EDITS.items():
        path = base / PACKAGE_DIR.parent / name
        text = path.read_text(encoding="utf-8")
        assert now in text, f"{name} no longer names filelock as this test expects"
        path.write_text(text.replace(now, before), encoding="utf-8")
    return base


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True)


@pytest.fixture
def old_project(tmp_path: Path) -> tuple[Path, Path]:
    """A committed project rendered by the template before issue 23, and that template."""
    base = template_before_issue_23(tmp_path / "base-template")
    answers = resolve_answers({"framework": "none"}, no_input=True, template=base)
    project = render(answers, tmp_path / "out", overwrite=False, template=base)
    git(project, "init", "--quiet")
    git(project, "add", "--all")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "new")
    return project, base


def test_update_brings_the_new_loader_its_modules_and_filelock(
    old_project: tuple[Path, Path], tmp_path: Path
) -> None:
    project, base = old_project
    package = project / "cell_segmentation"
    assert not (package / "_cache.py").exists()
    record = read_project_record(project)
    assert record is not None
    prepared = Preparation(
        project,
        record,
        record.answers,
        TemplateSource(BASE_VERSION, base),
        TemplateSource(__version__, template_dir()),
        (),
    )

    plan = plan_update(prepared, {})
    apply_update(plan)

    fresh = render(record.answers, tmp_path / "fresh", overwrite=False)
    for name in ("pretrained.py", *LOADER_MODULES):
        assert (package / name).read_text() == (fresh / "cell_segmentation" / name).read_text()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert "filelock>=3.12" in pyproject["project"]["dependencies"]
    assert "filelock>=3.12" in (project / ".pre-commit-config.yaml").read_text()
    assert_eight_processes_at_once_get_the_file(package, tmp_path)


def assert_eight_processes_at_once_get_the_file(package: Path, tmp_path: Path) -> None:
    """What the loader before issue 23 failed: 7 of 8 crashed on each other's partial file."""
    served = tmp_path / "served"
    served.mkdir()
    content = hashlib.sha256(b"seed").digest() * 10_000
    (served / "w.bin").write_bytes(content)
    with serving(served) as url:
        sha256 = hashlib.sha256(content).hexdigest()
        entry = {"name": "w", "url": f"{url}/w.bin", "sha256": sha256, "size": len(content)}
        registry = json.dumps({"format": 1, "weights": [{**entry, "file_name": "w.bin"}]})
        start = SPAWN.Barrier(8)
        args = (str(package / "pretrained.py"), registry, "w", str(tmp_path / "cache"), start)
        children = [start_child(download_in_child, *args) for _ in range(8)]
        for child in children:
            child.join()
    assert [child.exitcode for child in children] == [0] * 8
    assert (tmp_path / "cache" / "w.bin").read_bytes() == content
