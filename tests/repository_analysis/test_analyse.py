"""The read-only analysis of a whole abandoned repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ml_publish.repository_analysis.analyse import analyse_repository
from tests.support.abandoned_repos import FEATURES, snapshot, write_abandoned_repository
from tests.support.tiny_repos import write_repository


def imports_by_importer(root: Path) -> set[tuple[str, str, str]]:
    analysis = analyse_repository(root)
    return {(i.importer, i.statement.module, i.top) for i in analysis.local_imports}


def test_analysis_changes_nothing(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path, list(FEATURES))
    before = snapshot(root)

    analyse_repository(root)

    assert snapshot(root) == before


def test_scripts_modules_and_bare_imports_between_them(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path, ["flat-scripts"])
    analysis = analyse_repository(root)

    assert [f.path for f in analysis.scripts] == ["evaluate.py", "train.py"]
    assert imports_by_importer(root) == {
        ("train.py", "models", "models.py"),
        ("train.py", "utils", "utils.py"),
        ("models.py", "utils", "utils.py"),
        ("evaluate.py", "train", "train.py"),
    }


def test_subtrees_import_their_own_utils_and_notebooks_import_root_modules(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path, ["two-subtrees", "notebooks"])
    analysis = analyse_repository(root)

    assert {
        ("alice/train_alice.py", "utils", "alice/utils.py"),
        ("bob/infer_bob.py", "utils", "bob/utils.py"),
        ("notebooks/eda.ipynb", "utils", "utils.py"),
        ("notebooks/eda.ipynb", "models", "models.py"),
    } <= imports_by_importer(root)
    assert analysis.directories_without_init == ("alice", "bob")


def test_a_package_beside_a_module_of_the_same_name_wins(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path, ["models-package-beside-module", "flat-scripts"])
    analysis = analyse_repository(root)

    assert ("train.py", "models", "models/__init__.py") in imports_by_importer(root)
    assert analysis.shadowed_modules == ("models.py",)
    assert analysis.packages == ("models",)


def test_python_2_files_are_reported_with_reasons(tmp_path: Path) -> None:
    analysis = analyse_repository(write_abandoned_repository(tmp_path, ["python2"]))

    assert {f.path: f.facts.parse_error for f in analysis.unparseable} == {
        "cuda_async.py": "async= as a keyword argument, a syntax error since Python 3.7 (line 2)",
        "legacy_print.py": 'a Python 2 print statement (line 1): print "training done"',
        "mixed_tabs.py": "tabs mixed with spaces for indentation (line 3)",
    }


def test_risks_weights_shadowing_invalid_names_and_no_license(tmp_path: Path) -> None:
    features = ["committed-weights", "root-dataset-modules", "invalid-module-names", "flat-scripts"]
    analysis = analyse_repository(write_abandoned_repository(tmp_path, features))

    assert analysis.tracked_weights == (("best.pth", "a .pth file"),)
    assert dict(analysis.shadowing) == {"datasets": "a PyPI package", "evaluate": "a PyPI package"}
    assert analysis.invalid_module_names == ("01_preprocess.py", "train-v2.py")
    assert analysis.license_file is None


def test_git_state_and_uncommitted_changes(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "repo", ["flat-scripts"])
    (root / "utils.py").write_text("# edited\n", encoding="utf-8")
    (root / "notes.txt").write_text("todo\n", encoding="utf-8")
    plain = write_repository(tmp_path / "plain", {"train.py": "print(1)\n", "LICENSE": "MIT"})

    assert analyse_repository(root).uncommitted == ("utils.py", "notes.txt")
    not_git = analyse_repository(plain)
    assert (not_git.is_git, not_git.license_file) == (False, "LICENSE")
    assert [f.path for f in not_git.python_files] == ["train.py"]
    assert subprocess.run(["git", "-C", str(plain), "status"], capture_output=True).returncode != 0


def notebook_importing(*lines: str) -> str:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": list(lines)}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_a_notebook_importing_a_well_known_name_means_the_real_package(tmp_path: Path) -> None:
    files = {
        "datasets/__init__.py": "",
        "datasets/salt.py": "class Salt:\n    pass\n",
        "notebooks/hf.ipynb": notebook_importing("from datasets import load_dataset\n"),
        "notebooks/ours.ipynb": notebook_importing(
            "import sys\n", "sys.path.append('..')\n", "from datasets.salt import Salt\n"
        ),
    }
    root = write_repository(tmp_path / "repo", files, git=True)

    found = imports_by_importer(root)

    assert ("notebooks/ours.ipynb", "datasets.salt", "datasets/__init__.py") in found
    assert not any(importer == "notebooks/hf.ipynb" for importer, _, _ in found)


def test_notebook_cells_with_ipython_syntax_show_their_imports(tmp_path: Path) -> None:
    cells = [
        ["files = !ls\n", "for f in files:\n", "    !echo $f\n", "from utils import seed\n"],
        ["%%time\n", "import models\n"],
        ["%%bash\n", "python -c 'import features'\n"],
        ["import features\n", "print 'python 2'\n"],
    ]
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# EDA"]},
            *({"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells),
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    files = {
        "utils.py": "def seed():\n    pass\n",
        "models.py": "",
        "features.py": "",
        "eda.ipynb": json.dumps(notebook),
    }
    root = write_repository(tmp_path / "repo", files, git=True)

    analysis = analyse_repository(root)

    assert imports_by_importer(root) == {
        ("eda.ipynb", "utils", "utils.py"),
        ("eda.ipynb", "models", "models.py"),
    }
    assert analysis.notebooks[0].unreadable_cells == (
        (5, "a Python 2 print statement (line 2): print 'python 2'"),
    )


def test_a_module_finds_its_imports_where_the_scripts_that_reach_it_run(tmp_path: Path) -> None:
    files = {
        "alice/run_train.py": "from losses.dice import dice\n",
        "alice/losses/__init__.py": "",
        "alice/losses/dice.py": "from augment import flip\n",
        "alice/augment.py": "def flip():\n    pass\n",
        "bob/augment.py": "def flip():\n    pass\n",
        "augment.py": "def flip():\n    pass\n",
        "shared/losses.py": "from augment import flip\n",
        "bob/run.py": "import sys\nsys.path.append('..')\nfrom shared import losses\n",
        "train.py": "from shared import losses\n",
    }
    root = write_repository(tmp_path / "repo", files, git=True)

    found = imports_by_importer(root)

    # python alice/run_train.py puts alice/ first on sys.path, for dice.py too.
    assert ("alice/losses/dice.py", "augment", "alice/augment.py") in found
    # Reached from the root as well (train.py), a module is looked up from the root first.
    assert ("shared/losses.py", "augment", "augment.py") in found
