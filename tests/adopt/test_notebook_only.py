"""adopt's plan for a repository of notebooks only (tests/support/edge_repos.py): the module a
``%%writefile`` cell writes is named for a person to move, and the notebook server is no
dependency of the package. Plans only: nothing is applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.adopt.adoption import adopt
from ml_publish.adopt.operations import SetDependencies
from ml_publish.repository_analysis.notebook_cells import written_file
from tests.support.edge_repos import NOTEBOOKS, git, write_notebook_only
from tests.support.tiny_repos import write_repository

PACKAGE = "birdclef"


def test_a_module_a_notebook_writes_is_named_with_its_cell(tmp_path: Path) -> None:
    root = write_notebook_only(tmp_path / "birdclef")

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan

    [line] = [item for item in plan.needs_a_person if item.startswith("helpers ")]
    assert line == (
        "helpers (imported by 00_helpers.ipynb, 02_train.ipynb, inference/03_submit.ipynb) is "
        "the file helpers.py that cell 2 of 00_helpers.ipynb writes (%%writefile), which git "
        "does not track: the package cannot ship it; to ship it, save that cell's code as "
        f"{PACKAGE}/helpers.py and import it from there"
    )


def test_a_committed_module_is_not_named_as_written(tmp_path: Path) -> None:
    root = write_notebook_only(tmp_path / "birdclef")
    write_repository(root, {".gitignore": ".ipynb_checkpoints/\n", "helpers.py": "SR = 32000\n"})
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "helpers.py committed after all")

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan

    assert [item for item in plan.needs_a_person if "%%writefile" in item] == []


def test_the_notebook_server_in_requirements_is_no_dependency(tmp_path: Path) -> None:
    root = write_notebook_only(tmp_path / "birdclef")

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan

    [dependencies] = [op for op in plan.operations if isinstance(op, SetDependencies)]
    assert dependencies.requirements == ("numpy", "torch")
    left_out = [note for note in plan.notes if "runs the notebooks" in note]
    assert [note.split(": ")[1] for note in left_out] == ["jupyter", "ipykernel>=6"]
    assert "ipykernel>=6" in NOTEBOOKS["requirements.txt"]


@pytest.mark.parametrize(
    ("source", "written"),
    [
        ("%%writefile helpers.py\nimport torch\n", "helpers.py"),
        ("\n%%writefile -a src/model.py\nclass Net: ...\n", "src/model.py"),
        ("%%writefile --append utils.py\n", "utils.py"),
        ("%%bash\necho hi > helpers.py\n", None),
        ("x = 1\n%%writefile helpers.py\n", None),
    ],
)
def test_the_file_a_cell_writes(source: str, written: str | None) -> None:
    assert written_file(source) == written
