"""Each version's template: the installed one's, or unpacked from that version's wheel into the
user cache directory."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

import pytest

from ml_publish import __version__
from ml_publish.errors import UsageError
from ml_publish.template import template_variables
from ml_publish.template_files import template_dir
from ml_publish.update.sources import (
    cached_template,
    template_of,
    user_cache_dir,
    wanted,
)

TEMPLATE = "ml_publish/_template/template/"


def fake_wheel(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "ml-publish"


def test_the_installed_version_is_the_bundled_template(cache: Path) -> None:
    assert template_of(__version__).root == template_dir()
    assert user_cache_dir() == cache
    assert cached_template("0.2") == cache / "templates" / "0.2"


def test_a_wheel_is_unpacked_into_the_cache_once_and_used_from_there(
    cache: Path, tmp_path: Path
) -> None:
    config = (template_dir() / "cookiecutter.json").read_text()
    wheel = fake_wheel(
        tmp_path / "ml_publish-0.0.9-py3-none-any.whl",
        {
            f"{TEMPLATE}cookiecutter.json": config,
            "ml_publish/__init__.py": '__version__ = "0.0.9"\n',
            "ml_publish/cli.py": "",
        },
    )

    source = template_of("0.0.9", wheel=wheel)

    assert source.root == cache / "templates/0.0.9" / TEMPLATE.rstrip("/")
    assert list(template_variables(source.root)) == list(template_variables())
    assert not (cache / "templates/0.0.9/ml_publish/cli.py").exists()
    wheel.unlink()
    assert template_of("0.0.9").root == source.root  # cached: no download


@pytest.mark.parametrize(
    ("name", "members", "message"),
    [
        ("ml_publish-0.0.8-py3-none-any.whl", {}, "is ml-publish 0.0.8, but the base is 0.0.9"),
        ("other-0.0.9-py3-none-any.whl", {}, "is a wheel of other, not of ml-publish"),
        ("ml_publish-0.0.9.tar.gz", {}, "is not a wheel"),
        ("ml_publish-0.0.9-py3-none-any.whl", {"x.py": ""}, "is not an ml-publish wheel"),
    ],
)
def test_a_wrong_wheel_is_refused(
    cache: Path, tmp_path: Path, name: str, members: dict[str, str], message: str
) -> None:
    wheel = fake_wheel(tmp_path / name, members)

    with pytest.raises(UsageError, match=message):
        template_of("0.0.9", wheel=wheel)

    assert not (cache / "templates" / "0.0.9").exists()


def test_only_the_template_and_its_version_are_unpacked() -> None:
    assert wanted(PurePosixPath(f"{TEMPLATE}hooks/post_gen_project.py"))
    assert wanted(PurePosixPath("ml_publish/__init__.py"))
    assert not wanted(PurePosixPath("ml_publish/_template/../../../etc/passwd"))
    assert not wanted(PurePosixPath("/ml_publish/_template/x"))
    assert not wanted(PurePosixPath("ml_publish/cli.py"))
