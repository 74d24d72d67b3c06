"""LNT checks, each on a tiny passing repository and a tiny failing one."""

from __future__ import annotations

from pathlib import Path

from tests.support.tiny_repos import GOOD_PACKAGE, GOOD_PYPROJECT, Files, audit

BLACK = '\n[tool.black]\nline-length = 100\ntarget-version = ["py310"]\n'
MYPY = "\n[tool.mypy]\nstrict = true\n"
LENGTH = "[flake8]\nmax-line-length = 100\n"
FLAKE8 = LENGTH + "extend-ignore = E203\n"
MYPY_INI = "[mypy]\nstrict = True\n"
GOOD: Files = {"pyproject.toml": GOOD_PYPROJECT + BLACK + MYPY, ".flake8": FLAKE8, **GOOD_PACKAGE}


def with_file(name: str, text: str) -> Files:
    return {**GOOD, name: text}


def test_lnt101_black_configured(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "LNT101").result == "pass"
    failed = audit(tmp_path / "bad", with_file("pyproject.toml", GOOD_PYPROJECT), "LNT101")
    assert failed.result == "fail"
    assert "add [tool.black]" in failed.message


def test_lnt102_flake8_configured(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "LNT102").result == "pass"
    for name in ("setup.cfg", "tox.ini"):
        assert audit(tmp_path / name, {name: FLAKE8}, "LNT102").result == "pass"
    missing = audit(tmp_path / "none", {"pyproject.toml": GOOD_PYPROJECT}, "LNT102")
    assert missing.result == "fail"
    assert "add a .flake8 file" in missing.message
    toml_only = GOOD_PYPROJECT + "\n[tool.flake8]\nmax-line-length = 100\n"
    ignored = audit(tmp_path / "pyproject", {"pyproject.toml": toml_only}, "LNT102")
    assert ignored.result == "fail"
    assert "does not read pyproject.toml" in ignored.message


def test_lnt103_line_lengths_agree(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "LNT103").result == "pass"
    default = audit(tmp_path / "default", with_file(".flake8", "[flake8]\n"), "LNT103")
    assert default.result == "fail"
    assert "flake8 in .flake8 allows 79; set max-line-length = 100" in default.message
    # flake8 reads setup.cfg before .flake8, so setup.cfg's settings are the ones that count.
    shadowed = with_file("setup.cfg", FLAKE8.replace("100", "88"))
    failed = audit(tmp_path / "shadowed", shadowed, "LNT103")
    assert failed.result == "fail"
    assert "flake8 in setup.cfg allows 88" in failed.message


def test_lnt104_flake8_ignores_black_style(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "LNT104").result == "pass"
    replaced = LENGTH + "ignore = E203, W503, E704\n"
    assert audit(tmp_path / "replaced", with_file(".flake8", replaced), "LNT104").result == "pass"
    by_prefix = LENGTH + "extend-ignore = E2\n"  # flake8 matches codes by prefix
    assert audit(tmp_path / "prefix", with_file(".flake8", by_prefix), "LNT104").result == "pass"
    bare = audit(tmp_path / "bare", with_file(".flake8", LENGTH), "LNT104")
    assert bare.result == "fail"
    assert bare.message.startswith("add E203 to extend-ignore in .flake8")
    narrowed = LENGTH + "ignore = E203, E501\n"
    failed = audit(tmp_path / "narrowed", with_file(".flake8", narrowed), "LNT104")
    assert failed.result == "fail"
    assert failed.message.startswith("add E704, W503 to extend-ignore in .flake8")


def test_lnt105_mypy_configured_once(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "LNT105").result == "pass"
    assert audit(tmp_path / "ini", {"mypy.ini": MYPY_INI}, "LNT105").result == "pass"
    missing = audit(tmp_path / "none", {"pyproject.toml": GOOD_PYPROJECT}, "LNT105")
    assert missing.result == "fail"
    assert "[tool.mypy]" in missing.message
    twice = audit(tmp_path / "twice", with_file("mypy.ini", MYPY_INI), "LNT105")
    assert twice.result == "fail"
    assert "mypy.ini and pyproject.toml" in twice.message


def test_lnt103_skips_without_flake8_configuration(tmp_path: Path) -> None:
    skipped = audit(tmp_path, {"pyproject.toml": GOOD_PYPROJECT + BLACK}, "LNT103")
    assert skipped.result == "skip"
    assert "LNT102" in skipped.message


# ruff, alone or beside black and flake8: what counts, and how line lengths compare.
RUFF = "\n[tool.ruff]\nline-length = 100\n"
RUFF_E501 = RUFF + '\n[tool.ruff.lint]\nextend-select = ["E501"]\n'
RUFF_HOOKS = """\
repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.14.0
    hooks:
      - id: ruff-check
      - id: ruff-format
"""
RUFF_ONLY: Files = {
    "pyproject.toml": GOOD_PYPROJECT + RUFF + MYPY,
    ".pre-commit-config.yaml": RUFF_HOOKS,
    **GOOD_PACKAGE,
}
FORMAT_IN_CI = """\
on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: pip install ruff
      - run: ruff format --check .
"""


def test_lnt101_ruff_format_is_a_formatter(tmp_path: Path) -> None:
    assert audit(tmp_path / "hook", RUFF_ONLY, "LNT101").result == "pass"
    table = {"pyproject.toml": GOOD_PYPROJECT + RUFF + "\n[tool.ruff.format]\n", **GOOD_PACKAGE}
    assert audit(tmp_path / "table", table, "LNT101").result == "pass"
    in_ci = {**table, "pyproject.toml": GOOD_PYPROJECT, ".github/workflows/lint.yml": FORMAT_IN_CI}
    assert audit(tmp_path / "ci", in_ci, "LNT101").result == "pass"
    # [tool.ruff] configures the linter; it formats nothing until something runs ruff format.
    lint_only = {"pyproject.toml": GOOD_PYPROJECT + RUFF, **GOOD_PACKAGE}
    failed = audit(tmp_path / "lint-only", lint_only, "LNT101")
    assert failed.result == "fail"
    assert "or format with ruff" in failed.message


def test_lnt102_ruff_is_a_linter(tmp_path: Path) -> None:
    assert audit(tmp_path / "pyproject", RUFF_ONLY, "LNT102").result == "pass"
    ruff_toml: Files = {"ruff.toml": "line-length = 100\n", **GOOD_PACKAGE}
    assert audit(tmp_path / "ruff-toml", ruff_toml, "LNT102").result == "pass"
    hook_only: Files = {".pre-commit-config.yaml": RUFF_HOOKS}
    assert audit(tmp_path / "hook", hook_only, "LNT102").result == "pass"
    formatter_only = {".pre-commit-config.yaml": RUFF_HOOKS.replace("      - id: ruff-check\n", "")}
    failed = audit(tmp_path / "format-only", formatter_only, "LNT102")
    assert failed.result == "fail"
    assert "or lint with ruff" in failed.message


def test_lnt103_ruff_line_lengths(tmp_path: Path) -> None:
    # ruff alone: one line-length for both, E501 not even selected by default.
    assert audit(tmp_path / "ruff", RUFF_ONLY, "LNT103").result == "pass"
    lower = GOOD_PYPROJECT + RUFF_E501 + "\n[tool.ruff.lint.pycodestyle]\nmax-line-length = 88\n"
    failed = audit(tmp_path / "lower", {**RUFF_ONLY, "pyproject.toml": lower}, "LNT103")
    assert failed.result == "fail"
    assert failed.message.startswith("ruff format writes 100 columns but E501 allows 88")
    higher = lower.replace("max-line-length = 88", "max-line-length = 120")
    assert audit(tmp_path / "higher", {**RUFF_ONLY, "pyproject.toml": higher}, "LNT103").result == (
        "pass"
    )
    # black formats, ruff lints: ruff's E501 must allow black's lines, and no more.
    black_ruff = GOOD_PYPROJECT + BLACK + RUFF_E501.replace("100", "88") + MYPY
    mixed = audit(tmp_path / "mixed", {"pyproject.toml": black_ruff, **GOOD_PACKAGE}, "LNT103")
    assert mixed.result == "fail"
    assert mixed.message.endswith("but ruff allows 88; set line-length = 100 for ruff")
    unchecked = black_ruff.replace('extend-select = ["E501"]', 'ignore = ["E501"]')
    files: Files = {"pyproject.toml": unchecked, **GOOD_PACKAGE}
    assert audit(tmp_path / "unchecked", files, "LNT103").result == "pass"
    # ruff formats, flake8 lints.
    ruff_flake8: Files = {**RUFF_ONLY, ".flake8": "[flake8]\nmax-line-length = 88\n"}
    both = audit(tmp_path / "ruff-flake8", ruff_flake8, "LNT103")
    assert both.result == "fail"
    assert "ruff format formats to 100 columns (line-length in [tool.ruff]" in both.message
    assert both.message.endswith("flake8 in .flake8 allows 88; set max-line-length = 100")


def test_lnt104_applies_only_where_flake8_runs_beside_black_style(tmp_path: Path) -> None:
    skipped = audit(tmp_path / "ruff", RUFF_ONLY, "LNT104")
    assert skipped.result == "skip"
    assert "flake8 does not run here" in skipped.message
    beside_ruff = audit(tmp_path / "ruff-format", {**RUFF_ONLY, ".flake8": LENGTH}, "LNT104")
    assert beside_ruff.result == "fail"
    assert beside_ruff.message == (
        "add E203 to extend-ignore in .flake8; the style of ruff format triggers them"
    )


def test_lnt105_pyright_counts_once(tmp_path: Path) -> None:
    pyright = GOOD_PYPROJECT + '\n[tool.pyright]\ntypeCheckingMode = "strict"\n'
    assert audit(tmp_path / "pyright", {"pyproject.toml": pyright}, "LNT105").result == "pass"
    both = {"pyproject.toml": pyright + MYPY}
    assert audit(tmp_path / "both", both, "LNT105").result == "pass"
    twice = audit(
        tmp_path / "twice", {"pyproject.toml": pyright, "pyrightconfig.json": "{}"}, "LNT105"
    )
    assert twice.result == "fail"
    assert "pyright is configured in pyrightconfig.json and [tool.pyright]" in twice.message


def test_lnt103_reads_a_line_length_with_a_comment_after_it(tmp_path: Path) -> None:
    commented = "[flake8]\nmax-line-length = 100  # as black\nextend-ignore = E203\n"
    assert audit(tmp_path, with_file(".flake8", commented), "LNT103").result == "pass"
