"""``update`` brings a project made before issue 27 the loader that reads ``<PACKAGE>_WEIGHTS_DIR``.

The base is this checkout's template with the loader and README as they were before (kept in
tests/data: ``pretrained.py`` and the README, and no ``_local.py``); the target is this
checkout's template. The project is rendered from the base, committed, updated with the real
engine, and its loader then uses a file in the directory in place, with no server to download
from.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import ml_publish
from ml_publish import __version__
from ml_publish.template import render, resolve_answers
from ml_publish.template_files import template_dir
from ml_publish.update.sources import TemplateSource
from ml_publish.update.updating import Preparation, apply_update, plan_update, read_project_record
from tests.support.weights_projects import generated_loader

BEFORE = Path(__file__).parents[1] / "data" / "loader_before_issue_27"
PROJECT_DIR = Path("{{cookiecutter.repo_name}}")
PACKAGE_DIR = PROJECT_DIR / "{{cookiecutter.package_name}}"
BASE_VERSION = "0.0.9"


def template_before_issue_27(destination: Path) -> Path:
    """This checkout's template with the loader and README it had before issue 27."""
    # The template reads ml-publish's version from the ml_publish/__init__.py beside it.
    (destination / "ml_publish").mkdir(parents=True)
    shutil.copy(ml_publish.__file__, destination / "ml_publish")
    ignore = shutil.ignore_patterns("__pycache__")
    base = shutil.copytree(template_dir(), destination / "template", ignore=ignore)
    shutil.copy(BEFORE / "pretrained.py.jinja", base / PACKAGE_DIR / "pretrained.py")
    shutil.copy(BEFORE / "README.md.jinja", base / PROJECT_DIR / "README.md")
    (base / PACKAGE_DIR / "_local.py").unlink()
    (base / PROJECT_DIR / "tests" / "test_weights_dir.py").unlink()
    return base


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True)


def test_update_brings_the_weights_dir_to_a_project_made_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = template_before_issue_27(tmp_path / "base-template")
    answers = resolve_answers({"framework": "none"}, no_input=True, template=base)
    project = render(answers, tmp_path / "out", overwrite=False, template=base)
    git(project, "init", "--quiet")
    git(project, "add", "--all")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "new")
    package = project / "cell_segmentation"
    assert not (package / "_local.py").exists()
    record = read_project_record(project)
    assert record is not None
    target = TemplateSource(__version__, template_dir())
    prepared = Preparation(
        project, record, record.answers, TemplateSource(BASE_VERSION, base), target, ()
    )

    apply_update(plan_update(prepared, {}))

    fresh = render(record.answers, tmp_path / "fresh", overwrite=False)
    for name in ("pretrained.py", "_local.py"):
        assert (package / name).read_text() == (fresh / "cell_segmentation" / name).read_text()
    readme = (project / "README.md").read_text()
    assert readme == (fresh / "README.md").read_text()
    assert "CELL_SEGMENTATION_WEIGHTS_DIR" in readme
    assert_a_local_file_is_used_in_place(package, tmp_path, monkeypatch)


def assert_a_local_file_is_used_in_place(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = hashlib.sha256(b"seed").digest() * 1_000
    local = tmp_path / "bundle" / "w" / "w.bin"
    local.parent.mkdir(parents=True)
    local.write_bytes(content)
    sha256 = hashlib.sha256(content).hexdigest()
    # Port 9 (discard) on this machine: a download would fail, so none happens.
    entry: dict[str, object] = {"name": "w", "url": "http://127.0.0.1:9/w.bin", "sha256": sha256}
    entry |= {"size": len(content), "file_name": "w.bin"}
    registry_text = json.dumps({"format": 2, "defaults": {}, "weights": [entry]})
    pretrained = generated_loader(package / "pretrained.py")
    registry = pretrained.Registry.from_text(registry_text)
    monkeypatch.setenv(pretrained.WEIGHTS_DIR_VARIABLE, str(tmp_path / "bundle"))

    assert registry.download("w", cache_dir=tmp_path / "cache", progress=False) == local
