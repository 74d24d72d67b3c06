"""Paths a module builds from its own __file__ (ml_publish/repository_analysis/file_paths.py)."""

from __future__ import annotations

import ast

from ml_publish.repository_analysis.file_paths import file_relative_paths

SOURCE = """\
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "configs" / "base.yaml"
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
HERE = os.path.dirname(os.path.abspath(__file__))
REGISTRY = os.path.join(HERE, "weights.json")
CACHE = os.path.expanduser("~/.cache/x")


def labels():
    return open(os.path.join(HERE, "..", "data", "labels.txt")).read()
"""


def test_each_line_names_the_outermost_path_relative_to_the_file() -> None:
    assert file_relative_paths(ast.parse(SOURCE)) == [
        (5, ".."),
        (6, "../configs/base.yaml"),
        (8, "."),
        (9, "weights.json"),
        (14, "../data/labels.txt"),
    ]


def test_a_path_not_built_from_the_file_is_not_one() -> None:
    source = 'import os\nDATA = os.path.join("data", "x.txt")\nHOME = os.path.expanduser("~")\n'
    assert file_relative_paths(ast.parse(source)) == []
