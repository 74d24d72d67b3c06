"""What ``sys.path`` edits add, read from their expressions without running them."""

from __future__ import annotations

import ast

import pytest

from ml_publish.repository_analysis.sys_path import WORKING_DIRECTORY as CWD
from ml_publish.repository_analysis.sys_path import sys_path_additions


def additions(source: str) -> list[str]:
    return sys_path_additions(ast.parse(source))


@pytest.mark.parametrize(
    ("source", "added"),
    [
        ('sys.path.append("..")', [f"{CWD}.."]),
        ("sys.path.insert(0, '../lib')", [f"{CWD}../lib"]),
        ("sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))", ["../lib"]),
        ("sys.path.append(os.path.dirname(os.path.abspath(__file__)))", ["."]),
        ("sys.path.append(os.path.abspath('../../'))", [f"{CWD}../.."]),
        ("sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'src'))", ["../src"]),
        ("sys.path.insert(0, Path(__file__).resolve().parent.parent / 'src')", ["../src"]),
        ("sys.path.extend(['a', 'b'])", [f"{CWD}a", f"{CWD}b"]),
        ("sys.path += ['vendor']", [f"{CWD}vendor"]),
        ("sys.path.append(os.environ['CAFFE_ROOT'])", []),
        ("sys.path.append('/opt/caffe/python')", []),
    ],
)
def test_sys_path_edits_are_evaluated_relative_to_their_file_or_the_working_directory(
    source: str, added: list[str]
) -> None:
    assert additions(source) == added


def test_names_bound_to_paths_and_helpers_that_add_their_argument_are_followed() -> None:
    init_paths = (
        "import os.path as osp\nimport sys\n\n\ndef add_path(path):\n"
        "    if path not in sys.path:\n        sys.path.insert(0, path)\n\n\n"
        "this_dir = osp.dirname(__file__)\nadd_path(osp.join(this_dir, '..', 'lib'))\n"
        "caffe = osp.join(os.environ['CAFFE'], 'python')\nadd_path(caffe)\n"
    )
    coco = 'import os\nROOT_DIR = os.path.abspath("../../")\nsys.path.append(ROOT_DIR)\n'

    assert additions(init_paths) == ["../lib"]
    assert additions(coco) == [f"{CWD}../.."]


def test_a_name_bound_to_a_path_from_file_stays_anchored_and_a_rebound_one_does_not() -> None:
    source = (
        "here = os.path.dirname(__file__)\nsys.path.append(os.path.join(here, 'lib'))\n"
        "here = 'vendor'\nsys.path.append(here)\n"
    )

    assert additions(source) == ["lib", f"{CWD}vendor"]
