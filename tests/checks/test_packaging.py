"""PKG checks, each on a tiny passing repository and a tiny failing one."""

from __future__ import annotations

from pathlib import Path

from tests.support.tiny_repos import GOOD_PACKAGE, GOOD_PYPROJECT, Files, audit

GOOD = {"pyproject.toml": GOOD_PYPROJECT, **GOOD_PACKAGE}


def with_pyproject(text: str) -> dict[str, str | bytes]:
    return {**GOOD, "pyproject.toml": text}


def test_pkg101_pyproject_is_valid(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PKG101").result == "pass"
    broken = audit(tmp_path / "bad", with_pyproject("[project\nname = 1"), "PKG101")
    assert broken.result == "fail"
    assert "not valid TOML" in broken.message
    missing = audit(tmp_path / "none", GOOD_PACKAGE, "PKG101")
    assert missing.result == "fail"
    assert "no pyproject.toml" in missing.message


def test_pkg102_build_system_declared(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PKG102").result == "pass"
    backendless = GOOD_PYPROJECT.replace('build-backend = "hatchling.build"\n', "")
    no_backend = audit(tmp_path / "no-backend", with_pyproject(backendless), "PKG102")
    assert no_backend.result == "fail"
    assert no_backend.message.startswith("add build-backend to [build-system]")
    requireless = GOOD_PYPROJECT.replace('requires = ["hatchling"]\n', "")
    no_requires = audit(tmp_path / "no-requires", with_pyproject(requireless), "PKG102")
    assert no_requires.result == "fail"
    assert no_requires.message.startswith("add requires to [build-system]")
    tableless = GOOD_PYPROJECT[GOOD_PYPROJECT.index("[project]") :]
    no_table = audit(tmp_path / "no-table", with_pyproject(tableless), "PKG102")
    assert no_table.result == "fail"
    assert no_table.message.startswith("add requires and build-backend to [build-system]")


def test_pkg103_project_table_complete(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PKG103").result == "pass"
    text = GOOD_PYPROJECT.replace('description = "Counts cells."\n', "").replace(
        'urls = { Source = "https://github.com/someone/cell-counter" }\n', ""
    )
    failed = audit(tmp_path / "bad", with_pyproject(text), "PKG103")
    assert failed.result == "fail"
    assert failed.message.startswith("add description, urls to [project]")


def test_pkg104_requires_python_uncapped(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PKG104").result == "pass"
    capped = GOOD_PYPROJECT.replace('">=3.10"', '">=3.10,<3.13"')
    failed = audit(tmp_path / "bad", with_pyproject(capped), "PKG104")
    assert failed.result == "fail"
    assert "caps the Python version" in failed.message


def test_pkg105_version_single_sourced(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PKG105").result == "pass"
    static = GOOD_PYPROJECT.replace('dynamic = ["version"]', 'version = "0.1.0"')
    twice = audit(tmp_path / "twice", with_pyproject(static), "PKG105")
    assert twice.result == "fail"
    assert "cell_counter/__init__.py" in twice.message
    unsourced = GOOD_PYPROJECT.replace(
        '[tool.hatch.version]\npath = "cell_counter/__init__.py"\n', ""
    )
    nowhere = audit(
        tmp_path / "nowhere",
        {"pyproject.toml": unsourced, "cell_counter/__init__.py": ""},
        "PKG105",
    )
    assert nowhere.result == "fail"
    assert "nothing supplies it" in nowhere.message
    # hatch reads the version from the file it names: a file without it fails the build.
    unversioned = audit(
        tmp_path / "unversioned", {**GOOD, "cell_counter/__init__.py": '"""Counts."""\n'}, "PKG105"
    )
    assert unversioned.result == "fail"
    assert unversioned.message == (
        "[tool.hatch.version] reads the version from cell_counter/__init__.py, which has no "
        '__version__ = "X.Y.Z" line; the build fails until it has one'
    )
    gone = {k: v for k, v in GOOD.items() if k != "cell_counter/__init__.py"}
    missing = audit(tmp_path / "missing", {**gone, "cell_counter/py.typed": ""}, "PKG105")
    assert missing.result == "fail"
    assert "names cell_counter/__init__.py, which does not exist" in missing.message


def test_pkg106_no_direct_references(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PKG106").result == "pass"
    text = GOOD_PYPROJECT.replace(
        'test = ["pytest>=8"]', 'test = ["pytest>=8", "timm @ git+https://github.com/x/timm"]'
    )
    failed = audit(tmp_path / "bad", with_pyproject(text), "PKG106")
    assert failed.result == "fail"
    assert "timm @ git+https://github.com/x/timm" in failed.message


def test_pkg107_no_local_versions(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PKG107").result == "pass"
    text = GOOD_PYPROJECT.replace('"torch>=2.1"', '"torch==2.1.0+cu121"')
    failed = audit(tmp_path / "bad", with_pyproject(text), "PKG107")
    assert failed.result == "fail"
    assert "torch==2.1.0+cu121" in failed.message


def test_pkg108_license_is_spdx_expression(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PKG108").result == "pass"
    table = GOOD_PYPROJECT.replace('license = "MIT"', 'license = { text = "MIT" }')
    failed = audit(tmp_path / "table", with_pyproject(table), "PKG108")
    assert failed.result == "fail"
    assert "SPDX expression" in failed.message
    classified = GOOD_PYPROJECT.replace(
        'license = "MIT"',
        'license = "MIT"\nclassifiers = ["License :: OSI Approved :: MIT License"]',
    )
    both = audit(tmp_path / "classifier", with_pyproject(classified), "PKG108")
    assert both.result == "fail"
    assert "License classifiers" in both.message


def test_pkg109_package_present(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PKG109").result == "pass"
    flat = {"pyproject.toml": GOOD_PYPROJECT, "train.py": "print('training')\n"}
    failed = audit(tmp_path / "bad", flat, "PKG109")
    assert failed.result == "fail"
    assert "ml-publish adopt" in failed.message
    # It says what the build backend looks for, as the backend would ship nothing.
    assert "looked for hatchling's default for the project name 'cell-counter': " in failed.message
    # A src layout is a package too, wherever the backend finds it.
    src = {"pyproject.toml": GOOD_PYPROJECT, "src/cell_counter/__init__.py": ""}
    assert audit(tmp_path / "src", src, "PKG109").result == "pass"


def test_pkg110_package_typed(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PKG110").result == "pass"
    untyped = {"pyproject.toml": GOOD_PYPROJECT, "cell_counter/__init__.py": ""}
    failed = audit(tmp_path / "bad", untyped, "PKG110")
    assert failed.result == "fail"
    assert "py.typed" in failed.message
    # A directory left at the root (adopt keeps code that is not Python 3 there) is not shipped.
    wheel = '\n[tool.hatch.build.targets.wheel]\npackages = ["cell_counter"]\n'
    left: Files = {**GOOD, "pyproject.toml": GOOD_PYPROJECT + wheel, "utils/__init__.py": ""}
    assert audit(tmp_path / "left", left, "PKG110").result == "pass"


MODEL_IMPORTS = """\
import json
from typing import TYPE_CHECKING

import cv2
import torch

from cell_counter import __version__
from . import helpers

try:
    import wandb
except ImportError:
    wandb = None

if TYPE_CHECKING:
    import pandas


def load_helpers():
    import pytest

    return pytest, json, cv2, torch, __version__, helpers


if __name__ == "__main__":
    import matplotlib
"""


def test_pkg111_imports_declared(tmp_path: Path) -> None:
    # cv2 from opencv-python-headless, pytest from the test extra; wandb is optional, pandas
    # only for type checkers, matplotlib only when run as a script.
    headless = GOOD_PYPROJECT.replace('["torch>=2.1"]', '["torch>=2.1", "opencv-python-headless"]')
    package: Files = {"cell_counter/model.py": MODEL_IMPORTS, "cell_counter/helpers.py": ""}
    good = {**with_pyproject(headless), **package}
    assert audit(tmp_path / "good", good, "PKG111").result == "pass"
    tensorflow = "import tensorflow as tf\nfrom sklearn.svm import SVC\nimport detectron2\n"
    bad = {**GOOD, **package, "cell_counter/tf_model.py": tensorflow}

    failed = audit(tmp_path / "bad", bad, "PKG111")

    assert failed.result == "fail"
    assert failed.message == (
        "the package imports what no dependency provides: cv2 (opencv-python; "
        "cell_counter/model.py:4), tensorflow (tensorflow; cell_counter/tf_model.py:1), "
        "sklearn (scikit-learn; cell_counter/tf_model.py:2); add them to [project] "
        "dependencies, or to an extra with the import in try/except ImportError"
    )


def test_pkg111_skips_dynamic_dependencies(tmp_path: Path) -> None:
    dynamic = GOOD_PYPROJECT.replace(
        'dynamic = ["version"]', 'dynamic = ["version", "dependencies"]'
    )
    files = {
        **with_pyproject(dynamic.replace('dependencies = ["torch>=2.1"]\n', "")),
        "cell_counter/model.py": "import cv2\n",
    }
    skipped = audit(tmp_path / "dynamic", files, "PKG111")
    assert (skipped.result, skipped.message) == (
        "skip",
        "the dependencies are dynamic; the build backend reads them elsewhere",
    )
