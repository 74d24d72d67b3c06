"""The three report formats of ml-publish check, and when the text report is a rich table."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ml_publish.checks.base import CheckResult
from ml_publish.checks.report import render_json, render_markdown, render_plain
from tests.support.processes import run
from tests.support.terminal import run_on_terminal
from tests.support.tiny_repos import GOOD_PACKAGE, GOOD_PYPROJECT, write_repository

RESULTS = [
    CheckResult("PKG101", "PKG", "pyproject.toml exists and is valid TOML", "pass"),
    CheckResult("PKG110", "PKG", "The package ships a py.typed marker", "fail", "add py.typed"),
    CheckResult("WGT101", "WGT", "The weights registry is JSON", "skip", "no weights.json"),
]


def test_json_is_the_documented_stable_document() -> None:
    document = json.loads(render_json(RESULTS, "."))

    assert document["version"] == 1
    assert document["summary"] == {"pass": 1, "fail": 1, "skip": 1}
    assert document["checks"][1] == {
        "id": "PKG110",
        "family": "PKG",
        "title": "The package ships a py.typed marker",
        "result": "fail",
        "message": "add py.typed",
    }


def test_markdown_has_a_table_per_family() -> None:
    text = render_markdown(RESULTS, "my-repo")

    assert "## Packaging (PKG)" in text and "## Weights (WGT)" in text
    assert "| ❌ | PKG110 | The package ships a py.typed marker | add py.typed |" in text
    assert "1 passed, 1 failed, 1 skipped" in text


def test_plain_text_groups_by_family_and_shows_why() -> None:
    lines = render_plain(RESULTS).splitlines()

    assert lines == [
        "Packaging (PKG)",
        "  PASS  PKG101  pyproject.toml exists and is valid TOML",
        "  FAIL  PKG110  The package ships a py.typed marker",
        "        add py.typed",
        "Weights (WGT)",
        "  skip  WGT101  The weights registry is JSON",
        "        no weights.json",
        "1 passed, 1 failed, 1 skipped",
    ]


def output_on_a_terminal(repository: Path, env: dict[str, str]) -> str:
    """What ``ml-publish check`` prints when its output is a terminal."""
    arguments = ["check", str(repository), "--select", "PKG"]
    return run_on_terminal(arguments, cwd=repository, env=env)


def test_a_terminal_gets_a_rich_table_unless_no_color(tmp_path: Path) -> None:
    write_repository(tmp_path, {"pyproject.toml": GOOD_PYPROJECT, **GOOD_PACKAGE})
    terminal = {"TERM": "xterm-256color"}

    rich = output_on_a_terminal(tmp_path, {**terminal, "NO_COLOR": ""})
    plain = output_on_a_terminal(tmp_path, {**terminal, "NO_COLOR": "1"})

    assert "┃" in rich and "\x1b[" in rich and "PKG101" in rich
    assert "┃" not in plain and "\x1b[" not in plain
    assert "PASS  PKG101" in plain


def test_piped_output_is_plain(tmp_path: Path) -> None:
    write_repository(tmp_path, {"pyproject.toml": GOOD_PYPROJECT, **GOOD_PACKAGE})

    result = run([sys.executable, "-m", "ml_publish", "check", tmp_path, "--select", "PKG"])

    assert "  PASS  PKG101  pyproject.toml exists and is valid TOML" in result.stdout
    assert "\x1b[" not in result.stdout
