"""The bundle's pure parts: what --exclude-preinstalled leaves out, the README's first paragraph."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ml_publish.bundle.kaggle import first_paragraph
from ml_publish.bundle.offline_check import FIND_FILES, run
from ml_publish.bundle.targets import KAGGLE_PREINSTALLED, Target, preinstalled_names
from ml_publish.bundle.wheelhouse import reachable
from ml_publish.wheel_downloads import ResolvedDistribution


def resolved(name: str, *requires: str, requested: bool = False) -> ResolvedDistribution:
    return ResolvedDistribution(name, "1.0", requires, requested)


def test_what_only_a_preinstalled_distribution_needs_is_left_out() -> None:
    graph = [
        resolved("leaf-counter", "torch", "filelock", "tqdm", requested=True),
        resolved("torch", "filelock", "sympy", "nvidia-cudnn-cu12"),
        resolved("sympy", "mpmath"),
        resolved("mpmath"),
        resolved("nvidia-cudnn-cu12"),
        resolved("filelock"),
        resolved("tqdm", "colorama"),
        resolved("colorama"),
    ]
    kept = reachable(graph, frozenset({"torch"}))
    assert kept == {"leaf-counter", "filelock", "tqdm", "colorama"}
    assert reachable(graph, frozenset()) == {d.name for d in graph}


def test_preinstalled_names() -> None:
    assert preinstalled_names(None) == frozenset()
    assert preinstalled_names([]) == frozenset(KAGGLE_PREINSTALLED)
    assert {"torch", "numpy", "pandas", "scikit-learn"} <= set(KAGGLE_PREINSTALLED)
    assert preinstalled_names(["My_Lib"]) == {"my-lib"}
    assert preinstalled_names(["kaggle", "my-lib"]) == {"my-lib", *KAGGLE_PREINSTALLED}


def test_target_options_for_pip() -> None:
    assert Target().pip_options() == [
        "--python-version",
        "3.11",
        "--platform",
        "manylinux2014_x86_64",
    ]
    assert Target("current", "current").pip_options() == []


def test_first_paragraph_skips_headings_badges_and_markup() -> None:
    readme = (
        "# Leaf Counter\n\n[![CI](https://x/badge.svg)](https://x)\n<p>logo</p>\n\n"
        "Counts leaves\nin photos.\n\nMore text.\n"
    )
    assert first_paragraph(readme) == "Counts leaves in photos."
    assert first_paragraph("# Title only\n") == ""


def test_what_a_preinstalled_distribution_requires_here_is_exposed_with_it(tmp_path: Path) -> None:
    """The verifying Python's black brings what black requires there (click, pathspec, ...),
    but not click when the bundle holds its own wheel of it."""
    script = [sys.executable, "-c", FIND_FILES]
    with_click = json.loads(run([*script, json.dumps(["black"]), "[]"], "finding them"))
    without = json.loads(run([*script, json.dumps(["black"]), json.dumps(["click"])], "finding"))
    names = {Path(path).name for path in with_click["found"]}
    assert {"black", "click", "pathspec", "mypy_extensions.py"} <= names
    assert "click" not in {Path(path).name for path in without["found"]}
    assert "pathspec" in {Path(path).name for path in without["found"]}
    # Only what is not installed is missing: here tomli, which black needs on Python < 3.11.
    assert "black" not in with_click["missing"] and "click" not in with_click["missing"]
