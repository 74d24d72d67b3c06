"""Imports of the package that its metadata does not declare: added, or left to a person."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ml_publish.adopt.adoption import adopt, plan_adoption
from ml_publish.adopt.operations import SetDependencies
from ml_publish.adopt.undeclared import pinned_in_development_files
from tests.support.abandoned_repos import write_abandoned_repository
from tests.support.processes import run
from tests.support.tiny_repos import write_repository


def dependencies_of(root: Path) -> list[str]:
    plan = plan_adoption(root, package=None, answers={}, allow_dirty=False)
    (operation,) = [op for op in plan.operations if isinstance(op, SetDependencies)]
    return list(operation.requirements)


def test_each_imported_distribution_is_added(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "flowers", ["undeclared-imports"])

    adoption = adopt(root, answers={"license": "MIT"})

    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == [
        "numpy>=1.20",
        "opencv-python",
        "Pillow",
        "protobuf",
        "PyYAML",
        "scikit-image",
        "scikit-learn",
        "tensorflow>=2.15.0",
        "filelock>=3.12",  # the template's loader's
    ]
    assert (
        "flowers/data.py:4 imports cv2, which no requirement declared: opencv-python added to "
        "[project.dependencies]"
    ) in adoption.plan.notes
    assert (
        "flowers/model.py:1 imports tensorflow, which no requirement declared: "
        "tensorflow>=2.15.0 added to [project.dependencies]"
    ) in adoption.plan.notes


def test_a_second_run_adds_nothing_more(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "flowers", ["undeclared-imports"])
    adopt(root, answers={"license": "MIT"})

    plan = plan_adoption(root, package=None, answers={}, allow_dirty=True)

    assert [note for note in plan.notes if "added to [project.dependencies]" in note] == []


def test_uncertain_and_unpublished_imports_need_a_person(tmp_path: Path) -> None:
    files = {
        "vision/__init__.py": "",
        "vision/detect.py": (
            "import detectron2\nimport einx_private_lib\nfrom google.colab import drive\n"
            "import utils\nfrom . import helpers\n"
        ),
        "vision/helpers.py": "import os\n",
        "utils.py": "def seed():\n    return 0\n",
        "train.py": "import vision.detect\n",
    }
    root = write_repository(tmp_path / "vision", files, git=True)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "code"], cwd=root)

    plan = plan_adoption(root, package=None, answers={}, allow_dirty=False)

    assert [item for item in plan.needs_a_person if "imports" in item] == [
        "vision/detect.py:1: imports detectron2, which no PyPI distribution provides "
        "(detectron2 is installed from its repository, not PyPI): say in the README how to "
        "install it",
        "vision/detect.py:2: imports einx_private_lib, which no dependency declares and whose "
        "distribution adopt cannot tell: add it to [project.dependencies]",
        "vision/detect.py:3: imports google.colab, which no PyPI distribution provides (only "
        "Google Colab provides it): say in the README how to install it",
    ]
    assert dependencies_of(root) == []


def test_pins_of_development_files_give_the_lower_bound(tmp_path: Path) -> None:
    write_repository(
        tmp_path,
        {
            "requirements-dev.txt": "tensorflow==2.15.0\nopencv_python==4.9.0.80\npytest\n",
            "requirements.txt": "numpy==1.26.0\n",
        },
    )

    assert pinned_in_development_files(tmp_path) == {
        "tensorflow": "tensorflow>=2.15.0",
        "opencv-python": "opencv_python>=4.9.0.80",
        "pytest": "pytest",
    }
