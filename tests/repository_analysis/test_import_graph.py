"""Resolving import statements to repository files, as CPython's finder would."""

from __future__ import annotations

import pytest

from ml_publish.repository_analysis.import_graph import SourceTree, added_roots, resolve
from ml_publish.repository_analysis.python_files import ImportStatement
from ml_publish.repository_analysis.sys_path import WORKING_DIRECTORY

TREE = SourceTree(
    [
        "train.py",
        "utils.py",
        "models/unet.py",
        "models/blocks.py",
        "data/__init__.py",
        "data/loader.py",
        "data/sub/__init__.py",
        "data/sub/aug.py",
        "shapes.py",
        "shapes/extra.py",
        "team/train.py",
        "team/utils.py",
        "tools/run.py",
        "lib/model/config.py",
    ]
)


def absolute(module: str, *names: str) -> ImportStatement:
    return ImportStatement(module, names, 0, 1)


def relative(level: int, module: str, *names: str) -> ImportStatement:
    return ImportStatement(module, names, level, 1)


@pytest.mark.parametrize(
    ("importer", "statement", "top", "files"),
    [
        ("train.py", absolute("utils"), "utils.py", ("utils.py",)),
        # A dotted import into a directory without __init__.py (a namespace package).
        ("train.py", absolute("models.unet", "UNet"), "models", ("models/unet.py",)),
        # `from package import submodule` loads the submodule too.
        (
            "train.py",
            absolute("data", "loader"),
            "data/__init__.py",
            ("data/__init__.py", "data/loader.py"),
        ),
        (
            "train.py",
            absolute("data.sub.aug"),
            "data/__init__.py",
            ("data/__init__.py", "data/sub/__init__.py", "data/sub/aug.py"),
        ),
        # A module wins over a namespace directory of the same name.
        ("train.py", absolute("shapes"), "shapes.py", ("shapes.py",)),
        # A script's own directory comes first, so the team's utils is not the root's.
        ("team/train.py", absolute("utils"), "team/utils.py", ("team/utils.py",)),
        (
            "models/unet.py",
            relative(1, "blocks", "Block"),
            "models/blocks.py",
            ("models/blocks.py",),
        ),
        ("data/sub/aug.py", relative(2, "loader"), "data/loader.py", ("data/loader.py",)),
        (
            "data/loader.py",
            relative(1, "", "sub"),
            "data/__init__.py",
            ("data/__init__.py", "data/sub/__init__.py"),
        ),
    ],
)
def test_imports_resolve_to_the_files_python_would_load(
    importer: str, statement: ImportStatement, top: str, files: tuple[str, ...]
) -> None:
    found = resolve(TREE, importer, statement)

    assert found is not None
    assert (found.top, found.files) == (top, files)


@pytest.mark.parametrize(
    ("importer", "statement"),
    [
        ("train.py", absolute("numpy")),
        ("train.py", absolute("models.resnet")),  # no such module in models/
        ("train.py", relative(1, "utils")),  # a relative import in a top-level script
        ("data/loader.py", relative(3, "x")),  # above the repository
    ],
)
def test_imports_of_other_things_do_not_resolve(importer: str, statement: ImportStatement) -> None:
    assert resolve(TREE, importer, statement) is None


def test_a_sys_path_edit_adds_its_directory_to_the_search() -> None:
    statement = absolute("model.config", "cfg")
    assert resolve(TREE, "tools/run.py", statement) is None

    roots = added_roots("tools/run.py", ["../lib"])
    found = resolve(TREE, "tools/run.py", statement, roots)

    assert roots == ["lib"]
    assert found is not None and found.files == ("lib/model/config.py",)


def test_a_working_directory_entry_counts_from_the_file_then_from_the_root() -> None:
    # experiments/03_ablation/run.py does sys.path.insert(0, "src") and is run from the root.
    assert added_roots("tools/run.py", [f"{WORKING_DIRECTORY}lib"]) == ["tools/lib", "lib"]
    assert added_roots("tools/run.py", [f"{WORKING_DIRECTORY}.."]) == ["."]
    assert added_roots("run.py", [f"{WORKING_DIRECTORY}lib"]) == ["lib"]
    found = resolve(
        TREE,
        "tools/run.py",
        absolute("model.config", "cfg"),
        added_roots("tools/run.py", [f"{WORKING_DIRECTORY}lib"]),
    )
    assert found is not None and found.files == ("lib/model/config.py",)


def test_sys_path_edits_that_leave_the_repository_add_nothing() -> None:
    assert added_roots("train.py", ["..", "/opt/caffe/python"]) == []
