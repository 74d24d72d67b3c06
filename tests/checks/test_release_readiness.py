"""REL checks, each on a tiny passing repository and a tiny failing one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.tiny_repos import (
    GOOD_PACKAGE,
    GOOD_PYPROJECT,
    Files,
    audit,
    weight_entry,
    with_weights,
)

WORKFLOW = ".github/workflows/release.yml"
PUBLISH = "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
ID_TOKEN = "    permissions:\n      id-token: write\n"
TWINE_CHECK = "      - run: python -m twine check --strict dist/*\n"
RELEASE = f"""\
name: Release
on:
  push:
    tags: ["v*"]
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - run: python -m build
{TWINE_CHECK}      - uses: actions/upload-artifact@v5
        with: {{name: dist, path: dist/}}
  publish:
    needs: build
    runs-on: ubuntu-latest
{ID_TOKEN}    steps:
      - uses: actions/download-artifact@v6
        with: {{name: dist, path: dist/}}
{PUBLISH}"""
TESTS = "on: [push, pull_request]\njobs:\n  test:\n    steps:\n      - run: python -m pytest\n"
GOOD: Files = {"pyproject.toml": GOOD_PYPROJECT, **GOOD_PACKAGE, "README.md": "# Cell counter\n"}
CONTENT = b"unet weights"
PENDING = weight_entry("unet", CONTENT)
STAGED = f".ml-publish/weights/{PENDING['file_name']}"


def releasing(workflow: str) -> Files:
    return {".github/workflows/tests.yml": TESTS, WORKFLOW: workflow}


def test_rel101_release_workflow_present(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", releasing(RELEASE), "REL101").result == "pass"
    published = RELEASE.replace('push:\n    tags: ["v*"]', "release:\n    types: [published]")
    assert audit(tmp_path / "release", releasing(published), "REL101").result == "pass"
    tests_only: Files = {".github/workflows/tests.yml": TESTS}
    failed = audit(tmp_path / "bad", tests_only, "REL101")
    assert failed.result == "fail"
    assert "on: push: tags: ['v*']" in failed.message


def test_rel101_skips_when_workflows_do_not_parse(tmp_path: Path) -> None:
    skipped = audit(tmp_path, releasing("on: [push\n"), "REL101")
    assert skipped.result == "skip"
    assert "CI102" in skipped.message


def test_rel102_trusted_publishing(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", releasing(RELEASE), "REL102").result == "pass"
    password = "        with:\n          password: ${{ secrets.PYPI_API_TOKEN }}\n"
    token = audit(tmp_path / "token", releasing(RELEASE + password), "REL102")
    assert token.result == "fail"
    assert "drop the password input" in token.message
    no_oidc = audit(tmp_path / "no-oidc", releasing(RELEASE.replace(ID_TOKEN, "")), "REL102")
    assert no_oidc.result == "fail"
    assert "id-token: write" in no_oidc.message
    twine = RELEASE.replace(PUBLISH, "      - run: twine upload dist/*\n")
    unpublished = audit(tmp_path / "twine", releasing(twine), "REL102")
    assert unpublished.result == "fail"
    assert unpublished.message.startswith("publish with pypa/gh-action-pypi-publish")


def test_rel103_release_builds_and_checks(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", releasing(RELEASE), "REL103").result == "pass"
    unchecked = releasing(RELEASE.replace(TWINE_CHECK, ""))
    failed = audit(tmp_path / "bad", unchecked, "REL103")
    assert failed.result == "fail"
    assert "run twine check --strict dist/*" in failed.message


def test_rel104_pending_weights_staged(tmp_path: Path) -> None:
    staged = {**with_weights(PENDING), STAGED: CONTENT}
    assert audit(tmp_path / "good", staged, "REL104").result == "pass"
    missing = audit(tmp_path / "missing", with_weights(PENDING), "REL104")
    assert missing.result == "fail"
    assert f"unet (no {STAGED})" in missing.message
    truncated = audit(tmp_path / "truncated", {**staged, STAGED: CONTENT[:4]}, "REL104")
    assert truncated.result == "fail"
    assert "unet (size differs from the registry)" in truncated.message


def test_rel104_skips_without_registry(tmp_path: Path) -> None:
    skipped = audit(tmp_path, {**GOOD_PACKAGE, STAGED: CONTENT}, "REL104")
    assert skipped.result == "skip"
    assert "WGT101" in skipped.message


def test_rel105_uploaded_urls_public(tmp_path: Path) -> None:
    uploaded = {**PENDING, "status": "uploaded"}
    assert audit(tmp_path / "good", with_weights(uploaded), "REL105").result == "pass"
    draft_url = str(PENDING["url"]).replace("/v0.1.0/", "/untagged-3f2a9c/")
    draft = with_weights({**uploaded, "url": draft_url})
    failed = audit(tmp_path / "bad", draft, "REL105")
    assert failed.result == "fail"
    assert failed.message.startswith("unet: the URL is not a published release download")
    assert "ml-publish weights upload --publish" in failed.message


def test_rel105_accepts_http_only_from_the_github_server_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = "http://127.0.0.1:8123"
    url = str(PENDING["url"]).replace("https://github.com", local)
    files = with_weights({**PENDING, "status": "uploaded", "url": url})
    monkeypatch.delenv("GITHUB_SERVER_URL", raising=False)
    assert audit(tmp_path / "plain", files, "REL105").result == "fail"
    monkeypatch.setenv("GITHUB_SERVER_URL", local)  # a sandbox or test run's emulator
    assert audit(tmp_path / "sandbox", files, "REL105").result == "pass"


def test_rel106_readme_renders_on_pypi(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "REL106").result == "pass"
    unwritten: Files = {k: v for k, v in GOOD.items() if k != "README.md"}
    failed = audit(tmp_path / "bad", unwritten, "REL106")
    assert failed.result == "fail"
    assert "readme = 'README.md', which does not exist" in failed.message
    asciidoc = GOOD_PYPROJECT.replace('readme = "README.md"', 'readme = "README.adoc"')
    adoc: Files = {**GOOD, "pyproject.toml": asciidoc, "README.adoc": "= Cell counter\n"}
    unrendered = audit(tmp_path / "adoc", adoc, "REL106")
    assert unrendered.result == "fail"
    assert "not .adoc" in unrendered.message


def test_rel107_version_accepted_by_pypi(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "REL107").result == "pass"
    local: Files = {**GOOD, "cell_counter/__init__.py": '__version__ = "1.0+cu121"\n'}
    failed = audit(tmp_path / "bad", local, "REL107")
    assert failed.result == "fail"
    assert "cell_counter/__init__.py: '1.0+cu121'" in failed.message
    assert "PyPI refuses local versions" in failed.message


def test_rel107_reads_the_version_file_hatch_names(tmp_path: Path) -> None:
    # OpenMMLab's layout: __init__.py imports __version__ from version.py, where hatch reads it.
    pyproject = GOOD_PYPROJECT.replace(
        'path = "cell_counter/__init__.py"', 'path = "cell_counter/version.py"'
    )
    files: Files = {
        **GOOD,
        "pyproject.toml": pyproject,
        "cell_counter/__init__.py": "from .version import __version__\n",
        "cell_counter/version.py": '__version__ = "1.0+cu121"\n',
    }
    failed = audit(tmp_path / "bad", files, "REL107")
    assert failed.result == "fail"
    assert "cell_counter/version.py: '1.0+cu121'" in failed.message
    assert audit(tmp_path / "single", files, "PKG105").result == "pass"
