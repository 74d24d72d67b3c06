"""The plan: which files move, which imports change, what stays and why, what needs a person."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.adopt.operations import (
    AddConsoleScript,
    CreateFile,
    MoveFile,
    Plan,
    RemoveCarriedFile,
    RewriteImports,
    SetDependencies,
    UntrackWeight,
)
from ml_publish.adopt.plan import make_plan
from ml_publish.errors import UsageError
from tests.support.abandoned_repos import write_abandoned_repository
from tests.support.tiny_repos import write_repository


def plan_for(tmp_path: Path, features: list[str], package: str | None = None) -> Plan:
    root = write_abandoned_repository(tmp_path / "whale-id", features)
    return make_plan(analyse_repository(root), package)


def of_type(plan: Plan, kind: type) -> list[object]:
    return [op for op in plan.operations if isinstance(op, kind)]


def test_modules_and_main_scripts_move_and_their_importers_follow(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, ["flat-scripts"])

    assert plan.package == "whale_id"
    assert of_type(plan, CreateFile) == [CreateFile("whale_id/__init__.py", "", "the package")]
    assert of_type(plan, MoveFile) == [
        MoveFile("models.py", "whale_id/models.py"),
        MoveFile("train.py", "whale_id/train.py"),
        MoveFile("utils.py", "whale_id/utils.py"),
    ]
    assert of_type(plan, RewriteImports) == [
        RewriteImports("evaluate.py", (("train", "whale_id.train"),)),
        RewriteImports("whale_id/models.py", (("utils", "whale_id.utils"),)),
        RewriteImports(
            "whale_id/train.py", (("models", "whale_id.models"), ("utils", "whale_id.utils"))
        ),
    ]
    # "train" alone would collide on a shared PATH: the command carries the project's name.
    assert of_type(plan, AddConsoleScript) == [
        AddConsoleScript("whale-id-train", "whale_id.train:main")
    ]
    assert plan.left_in_place == (
        ("evaluate.py", "a script that nothing imports; it stays and imports the package"),
    )


def test_subtrees_become_subpackages_with_their_own_utils(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, ["two-subtrees"], package="whales")

    assert CreateFile("whales/alice/__init__.py", "", "a subpackage") in (plan.operations)
    assert RewriteImports("alice/train_alice.py", (("utils", "whales.alice.utils"),)) in (
        plan.operations
    )
    assert RewriteImports("bob/infer_bob.py", (("utils", "whales.bob.utils"),)) in plan.operations


def test_notebooks_scripts_dirs_and_invalid_names_stay_but_import_the_package(
    tmp_path: Path,
) -> None:
    plan = plan_for(tmp_path, ["notebooks", "sys-path", "invalid-module-names"])

    rewritten = {op.path for op in plan.operations if isinstance(op, RewriteImports)}
    assert {"notebooks/eda.ipynb", "scripts/run.py", "train-v2.py", "01_preprocess.py"} <= rewritten
    moved = {op.source for op in plan.operations if isinstance(op, MoveFile)}
    assert moved == {"utils.py", "models.py"}
    assert (
        "scripts/run.py:2: sys.path is edited; the moved modules no longer need it (other "
        "imports may)"
    ) in (plan.needs_a_person)


def test_unparseable_and_shadowed_files_are_left_with_the_reason(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, ["python2", "models-package-beside-module"])
    left = dict(plan.left_in_place)

    assert left["legacy_print.py"].endswith("fix it (or adopt --modernize), then run adopt again")
    assert left["models.py"] == "never imported: the package models/ beside it shadows it"
    assert MoveFile("models/resnet.py", "whale_id/models/resnet.py") in plan.operations


def test_dependencies_are_relaxed_pinned_and_urls_left_out(tmp_path: Path) -> None:
    (dependencies,) = of_type(plan_for(tmp_path, ["requirements"]), SetDependencies)

    assert dependencies == SetDependencies(
        requirements=("albumentations>=1.3", "numpy>=1.24.2", "pandas", "torch>=1.13.1"),
        pinned=("numpy==1.24.2", "torch==1.13.1"),
        left_out=("timm @ git+https://github.com/rwightman/pytorch-image-models",),
    )


def test_the_pins_keep_the_index_their_local_versions_come_from(tmp_path: Path) -> None:
    (dependencies,) = of_type(plan_for(tmp_path, ["kaggle-src-configs-scripts"]), SetDependencies)

    # Without the index, pip install -r requirements-pinned.txt finds no torch==2.0.1+cu118.
    assert dependencies == SetDependencies(
        requirements=("torch>=2.0.1",),
        pinned=("torch==2.0.1+cu118",),
        left_out=(),
        pin_options=("--extra-index-url https://download.pytorch.org/whl/cu118",),
    )


def test_weights_are_untracked_and_a_missing_license_needs_a_person(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, ["committed-weights", "flat-scripts"])

    assert of_type(plan, UntrackWeight) == [UntrackWeight("best.pth", "best")]
    assert any(item.startswith("a LICENSE: adopt never picks one") for item in plan.needs_a_person)
    assert "train.py:19: the absolute path '/home/kaggler/input/train'" in "\n".join(
        plan.needs_a_person
    )


def test_the_plan_reads_as_a_list_of_operations(tmp_path: Path) -> None:
    text = plan_for(tmp_path, ["flat-scripts", "committed-weights"]).describe()

    assert text.splitlines()[:3] == [
        "Plan for package 'whale_id':",
        "  create    whale_id/__init__.py (the package)",
        "  move      models.py -> whale_id/models.py",
    ]
    assert "  weights   untrack best.pth, register it as 'best' (pending upload)" in text
    assert "Left where they are:\n  evaluate.py: a script that nothing imports" in text


@pytest.mark.parametrize(
    ("package", "error"),
    [("2fast", "'2fast' is not a usable package name"), ("x-y", "'x-y' is not a usable")],
)
def test_unusable_package_names_are_refused(tmp_path: Path, package: str, error: str) -> None:
    with pytest.raises(UsageError, match=error):
        plan_for(tmp_path, ["flat-scripts"], package=package)


def test_a_literal_setup_py_goes_and_a_computed_one_stays(tmp_path: Path) -> None:
    literal = plan_for(tmp_path / "literal", ["setup-py-literal"])
    computed = plan_for(tmp_path / "computed", ["setup-py-2016"])

    assert RemoveCarriedFile("setup.py", "pyproject.toml") in literal.operations
    assert not any(isinstance(op, RemoveCarriedFile) for op in computed.operations)
    assert dict(computed.left_in_place)["setup.py"] == (
        "kept for you to delete once checked (setup.py computes version, packages, "
        "install_requires; check them by hand)"
    )


def test_what_setup_py_computes_is_said_once(tmp_path: Path) -> None:
    root = write_repository(
        tmp_path / "repo",
        {
            "setup.py": "from setuptools import setup, find_packages\n"
            "setup(name='x', packages=find_packages(), install_requires=['numpy'])\n",
            "requirements.txt": "-f https://download.pytorch.org/whl/torch_stable.html\ntorch\n",
        },
        git=True,
    )

    plan = make_plan(analyse_repository(root))

    said = [*plan.notes, *(why for _, why in plan.left_in_place)]
    assert sum("setup.py computes packages" in line for line in said) == 1
    assert "requirements.txt:1: pip option -f left out of the metadata" in plan.notes


def test_notebook_cells_adopt_cannot_read_are_listed_before_anything_changes(
    tmp_path: Path,
) -> None:
    cells = [["%%bash\n", "ls\n"], ["import utils\n", "print 'done'\n"], ["x = !ls\n"]]
    notebook = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    root = write_repository(
        tmp_path / "whale-id",
        {"utils.py": "X = 1\n", "eda.ipynb": json.dumps(notebook)},
        git=True,
    )

    plan = make_plan(analyse_repository(root))

    assert (
        "eda.ipynb: cell(s) 2 are not Python adopt can read, IPython's magics aside (cell 2: a "
        "Python 2 print statement (line 2): print 'done'); left as they were, their imports "
        "unchecked"
    ) in plan.needs_a_person
