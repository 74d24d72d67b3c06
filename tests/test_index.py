"""The package index adapter against a real pypiserver: build, twine check, upload, look-ups."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ml_publish import index
from tests.support.index_faults import RecordingPackageIndex

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "Tiny_Model"
version = "{version}"
description = "A tiny model."
readme = "README.md"
"""


def tiny_project(root: Path, version: str) -> Path:
    (root / "tiny_model").mkdir(parents=True)
    (root / "tiny_model" / "__init__.py").write_text("")
    (root / "README.md").write_text("# Tiny model\n\nIt predicts.\n")
    (root / "pyproject.toml").write_text(PYPROJECT.format(version=version))
    return root


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Built sdists and wheels of two versions of a tiny project."""
    built = {}
    for version in ("1.0.0", "1.1.0"):
        root = tiny_project(tmp_path_factory.mktemp(version), version)
        built[version] = index.build(root, root / "dist", source_date_epoch=1_700_000_000)
    return built


def test_simple_index_of_an_upload_url() -> None:
    assert index.simple_index_url(index.PYPI_UPLOAD_URL) == "https://pypi.org/simple/"
    assert index.simple_index_url("https://test.pypi.org/legacy") == "https://test.pypi.org/simple/"
    assert index.simple_index_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/simple/"
    assert index.simple_index_url("https://pkgs.example/legacy/") == "https://pkgs.example/simple/"


def test_a_build_is_reproducible_and_passes_twine_check(
    dists: dict[str, list[Path]], tmp_path: Path
) -> None:
    names = [path.name for path in dists["1.0.0"]]
    assert names == ["tiny_model-1.0.0.tar.gz", "tiny_model-1.0.0-py2.py3-none-any.whl"]
    index.check(dists["1.0.0"])
    again = index.build(
        tiny_project(tmp_path, "1.0.0"), tmp_path / "dist", source_date_epoch=1_700_000_000
    )
    assert [d.sha256 for d in index.describe(again)] == [
        d.sha256 for d in index.describe(dists["1.0.0"])
    ]


def test_a_failed_build_or_check_says_which_tool_failed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[build-system]\nrequires = [")
    with pytest.raises(index.PackageIndexError, match="python -m build failed"):
        index.build(tmp_path, tmp_path / "dist")
    broken = tmp_path / "tiny_model-1.0.0-py3-none-any.whl"
    broken.write_bytes(b"not a zip")
    with pytest.raises(index.PackageIndexError, match="twine check failed"):
        index.check([broken])


def test_files_on_the_index_by_version_with_their_hashes(
    dists: dict[str, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    with RecordingPackageIndex() as server:
        assert index.files_on_index(server.simple_url, "tiny-model", "1.0.0") == {}
        monkeypatch.setenv("TWINE_USERNAME", server.username)
        monkeypatch.setenv("TWINE_PASSWORD", server.password)
        index.upload(dists["1.0.0"] + dists["1.1.0"], server.upload_url)
        found = index.files_on_index(server.simple_url, "TINY.model", "1.0")
        assert found == {d.name: d.sha256 for d in index.describe(dists["1.0.0"])}
        assert len(server.accepted_uploads()) == 4


def test_an_upload_refused_by_the_index_fails_without_showing_the_password(
    dists: dict[str, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    with RecordingPackageIndex() as server:
        monkeypatch.setenv("TWINE_USERNAME", server.username)
        monkeypatch.setenv("TWINE_PASSWORD", "wrong-" + server.password)
        with pytest.raises(index.PackageIndexError) as raised:
            index.upload(dists["1.0.0"], server.upload_url)
        assert "twine upload failed" in str(raised.value)
        assert "403" in str(raised.value) or "401" in str(raised.value)
        assert server.password not in str(raised.value)
        assert server.files() == {}


def test_tool_output_never_carries_the_password(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TWINE_PASSWORD", "pypi-s3cr3t-t0k3n")
    echo = tmp_path / "tiny_model-1.0.0.tar.gz"
    echo.write_text("")
    # A misbehaving tool that prints the secret: the error shows it masked.
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    (tmp_path / "python").write_text('#!/bin/sh\necho "token is $TWINE_PASSWORD"; exit 1\n')
    (tmp_path / "python").chmod(0o755)
    with pytest.raises(index.PackageIndexError) as raised:
        index.check([echo])
    assert "token is ***" in str(raised.value)
    assert "s3cr3t" not in str(raised.value)


def test_credentials_come_from_twine_variables_pypirc_or_trusted_publishing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for variable in (
        "TWINE_PASSWORD",
        "TWINE_USERNAME",
        "GITHUB_ACTIONS",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    problem = index.credentials_problem(None)
    assert problem is not None and "no credentials for https://upload.pypi.org/legacy/" in problem
    monkeypatch.setenv("TWINE_PASSWORD", "pypi-token")
    assert index.credentials_problem(None) is None
    monkeypatch.delenv("TWINE_PASSWORD")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_URL", "https://token.actions.example/")
    assert index.credentials_problem(None) is None
    monkeypatch.delenv("GITHUB_ACTIONS")
    (tmp_path / ".pypirc").write_text("[pypi]\nusername = __token__\npassword = pypi-abc\n")
    assert index.credentials_problem(None) is None
    assert index.credentials_problem("https://other.example/") is not None
