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
