"""The lint baseline: it holds whatever the legacy files are called and wherever mypy goes."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from ml_publish.adopt.baseline import flake8_pattern, mypy_errors, write_baseline
from tests.support.tiny_repos import write_repository

# Each violates flake8 (F401, E401) and would break a naive per-file-ignores entry.
ODD_FILES = [
    "feat_[svd_and_bow]_[v2].py",
    "run experiment.py",
    "a,b.py",
    "c:d.py",
    "x*y?.py",
    "#first.py",
    ";semi.py",
    "sub dir/[a] b.py",
]
LEGACY = "import os, sys\n"
CONFIG = {
    ".flake8": "[flake8]\nmax-line-length = 100\n",
    "pyproject.toml": '[project]\nname = "x"\n\n[tool.mypy]\nstrict = true\n',
}


def run_tool(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=root, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        ("feat_[svd_and_bow]_[v2].py", "feat_[[]svd_and_bow[]]_[[]v2[]].py"),
        ("x*y?.py", "x[*]y[?].py"),
        ("run experiment.py", "run?experiment.py"),
        ("a,b:c\td.py", "a?b?c?d.py"),
        ("#first.py", "[#]first.py"),
        (";semi.py", "[;]semi.py"),
        ("pkg/train.py", "pkg/train.py"),
    ],
)
def test_flake8_patterns_match_the_file_and_survive_the_config_parser(
    path: str, pattern: str
) -> None:
    assert flake8_pattern(path) == pattern


def test_flake8_passes_with_the_baseline_whatever_the_file_names(tmp_path: Path) -> None:
    root = write_repository(tmp_path, {**CONFIG, **{name: LEGACY for name in ODD_FILES}})
    assert run_tool(root, "flake8").returncode == 1

    baseline = write_baseline(root, "pkg", ODD_FILES, [], format_code=False)

    assert sorted(baseline.flake8) == sorted(ODD_FILES)
    result = run_tool(root, "flake8")
    assert result.returncode == 0, result.stdout + result.stderr


def test_new_files_are_still_checked(tmp_path: Path) -> None:
    root = write_repository(tmp_path, {**CONFIG, "x*y?.py": LEGACY})
    write_baseline(root, "pkg", ["x*y?.py"], [], format_code=False)
    (root / "xay.py").write_text(LEGACY, encoding="utf-8")

    assert "xay.py:1:1: F401" in run_tool(root, "flake8").stdout


def test_mypy_errors_count_every_legacy_module_mypy_reaches() -> None:
    stdout = (
        "utils.py:1: error: Function is missing a return type annotation  [no-untyped-def]\n"
        "pkg/a.py:5:3: error: Returning Any  [no-any-return]\n"
        "pkg/a.py:6: note: See https://mypy.readthedocs.io\n"
        "pkg/model.py:6: error: Template files stay strict  [misc]\n"
    )

    counts = mypy_errors(stdout, {"utils.py", "pkg/a.py"})

    assert counts == {"utils": 1, "pkg.a": 1}


def test_a_root_module_the_package_imports_gets_a_mypy_baseline(tmp_path: Path) -> None:
    root = write_repository(
        tmp_path,
        {
            **CONFIG,
            "pkg/__init__.py": "",
            "pkg/a.py": "import utils\n\n\ndef f() -> int:\n    return utils.g()\n",
            "utils.py": 'def g():\n    return 1\n\n\nx: int = "a"\n',
        },
    )

    baseline = write_baseline(
        root, "pkg", ["pkg/__init__.py", "pkg/a.py", "utils.py"], [], format_code=False
    )

    assert baseline.mypy == {"pkg.a": 2, "utils": 2}
    overrides = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["mypy"]["overrides"]
    assert overrides == [{"module": ["pkg.a", "utils"], "ignore_errors": True}]
    result = run_tool(root, "mypy", "pkg")
    assert result.returncode == 0, result.stdout
