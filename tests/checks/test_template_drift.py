"""TPL checks, each on a tiny passing repository and a tiny failing one."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ml_publish import __version__
from ml_publish.template import resolve_answers
from tests.support.tiny_repos import GOOD_PACKAGE, GOOD_PYPROJECT, Files, audit

CHECKOUT = Path(__file__).resolve().parents[2]


def record(version: str = __version__, **answers: str) -> str:
    """A ``[tool.ml-publish.template]`` table: the template's defaults, ``answers`` over them."""
    lines = [f"{name} = {json.dumps(value)}" for name, value in {**DEFAULTS, **answers}.items()]
    table = f'\n[tool.ml-publish.template]\nversion = "{version}"\n'
    return table + "\n[tool.ml-publish.template.answers]\n" + "\n".join(lines) + "\n"


DEFAULTS = resolve_answers({}, no_input=True)
GOOD: Files = {"pyproject.toml": GOOD_PYPROJECT + record(), **GOOD_PACKAGE}
CONFLICT = "a\n<<<<<<< yours\nb\n||||||| base\nc\n=======\nd\n>>>>>>> theirs\n"


def with_record(text: str) -> Files:
    return {**GOOD, "pyproject.toml": GOOD_PYPROJECT + text}


def test_tpl101_template_recorded(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "TPL101").result == "pass"
    older = with_record(record("0.0.1", python_min="3.9"))
    assert audit(tmp_path / "older", older, "TPL101").result == "pass"
    # A project ml-publish made (it has [tool.ml-publish]) from before the record existed.
    made = GOOD_PYPROJECT + '\n[tool.ml-publish.release]\npublish = "workflow"\n'
    missing = audit(tmp_path / "missing", {**GOOD, "pyproject.toml": made}, "TPL101")
    assert missing.result == "fail"
    assert "has no [tool.ml-publish.template]; run ml-publish update --from" in missing.message
    # Any other repository (one that only runs the hooks) has nothing to update.
    other = audit(tmp_path / "other", {**GOOD, "pyproject.toml": GOOD_PYPROJECT}, "TPL101")
    assert other.result == "skip"
    assert "not a project made by ml-publish" in other.message


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (record("latest"), "version in [tool.ml-publish.template] must be the ml-publish"),
        (record(license="WTFPL"), "license = 'WTFPL' is not one of MIT, BSD-3-Clause"),
        (record(include_notebook="maybe"), "include_notebook = 'maybe' is not yes or no"),
        (record(colour="red"), "colour is not a question of the template"),
        (record().replace('demo_app = "none"\n', ""), "demo_app has no answer"),
        ('\n[tool.ml-publish.template]\nversion = "0.1.0"\n', "has no answers table"),
        ('\n[tool.ml-publish]\ntemplate = "0.1.0"\n', "must be a table"),
    ],
)
def test_tpl101_fails_on_a_broken_record(tmp_path: Path, table: str, message: str) -> None:
    result = audit(tmp_path, with_record(table), "TPL101")

    assert result.result == "fail"
    assert message in result.message


def test_tpl101_leaves_an_older_template_its_own_questions(tmp_path: Path) -> None:
    # The installed template may have added questions since, and dropped some.
    older = record("0.0.1", colour="red").replace('demo_app = "none"\n', "")

    assert audit(tmp_path, with_record(older), "TPL101").result == "pass"


def test_tpl102_template_current(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "TPL102").result == "pass"
    newer = with_record(record("999.0"))
    assert audit(tmp_path / "newer", newer, "TPL102").result == "pass"
    older = audit(tmp_path / "older", with_record(record("0.0.1")), "TPL102")
    assert older.result == "fail"
    assert f"ml-publish 0.0.1, and {__version__} is installed; run `ml-publish update`" in (
        older.message
    )


def test_tpl102_skips_where_ml_publish_is_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = with_record(record("0.0.1"))
    assert audit(tmp_path / "installed", older, "TPL102").result == "fail"
    # Run from a source tree on the path: no ml-publish distribution (its .dist-info) there.
    monkeypatch.setattr(sys, "path", [str(CHECKOUT)])

    result = audit(tmp_path / "source", older, "TPL102")

    assert result.result == "skip"
    assert "ml-publish is not installed in the environment that runs the check" in result.message


def test_tpl103_no_conflict_markers(tmp_path: Path) -> None:
    # A heading underline and markers inside a line are not conflicts.
    clean = {**GOOD, "README.md": "Title\n=======\n\nSee `<<<<<<< ours`.\n"}
    assert audit(tmp_path / "good", clean, "TPL103", git=True).result == "pass"
    conflicted = {**GOOD, "notes/ci.yml": CONFLICT, "data.bin": b"\0<<<<<<< x\n=======\n"}
    failed = audit(tmp_path / "bad", conflicted, "TPL103", git=True)
    assert failed.result == "fail"
    assert (
        failed.message == "resolve the conflicts marked with <<<<<<< at notes/ci.yml:2, then commit"
    )


def test_tpl103_skips_outside_git(tmp_path: Path) -> None:
    result = audit(tmp_path, {**GOOD, "ci.yml": CONFLICT}, "TPL103")

    assert result.result == "skip"
    assert "not a git repository" in result.message


def test_tpl103_passes_the_files_adopt_recorded_and_fails_new_markers(tmp_path: Path) -> None:
    baseline = '\n[tool.ml-publish.check.conflict-markers]\n"model.py.orig" = 1\n'
    recorded = {**with_record(record() + baseline), "model.py.orig": CONFLICT}
    assert audit(tmp_path / "recorded", recorded, "TPL103", git=True).result == "pass"
    # A second conflict in the recorded file, and markers in a file never recorded, fail.
    grown = {**recorded, "model.py.orig": CONFLICT + CONFLICT, "train.py": CONFLICT}
    failed = audit(tmp_path / "grown", grown, "TPL103", git=True)
    assert failed.result == "fail"
    assert failed.message == (
        "resolve the conflicts marked with <<<<<<< at model.py.orig:2, model.py.orig:10, "
        "train.py:2, then commit"
    )


def test_tpl103_needs_no_pyproject(tmp_path: Path) -> None:
    # A bare repository has no recorded conflicts to read, and its markers still fail.
    failed = audit(tmp_path, {"ci.yml": CONFLICT}, "TPL103", git=True)

    assert failed.result == "fail"
    assert failed.message == "resolve the conflicts marked with <<<<<<< at ci.yml:2, then commit"
