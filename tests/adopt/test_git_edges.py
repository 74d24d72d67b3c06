"""adopt on a paper repository at git's edges (tests/support/edge_repos.py): a script that
imports from a git submodule stays beside it, and the submodule, the links, the executable
bits and a name that is not ASCII come through the apply as they were; the author the
template's files name is the one in git's history."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from ml_publish.adopt.adoption import adopt
from ml_publish.adopt.operations import CreateFile, MoveFile
from ml_publish.checks.runner import run_checks
from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.repository_analysis.template_answers import answers_for
from tests.support.edge_repos import (
    LINKS,
    SUBMODULE,
    git,
    index_entries,
    write_paper_with_submodule,
)

PACKAGE = "pointnet_again"


def test_a_script_importing_from_a_submodule_stays_and_the_rest_moves(tmp_path: Path) -> None:
    root = write_paper_with_submodule(tmp_path / "pointnet-again")

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan

    moved = {op.source: op.destination for op in plan.operations if isinstance(op, MoveFile)}
    assert moved == {
        "models/__init__.py": f"{PACKAGE}/models/__init__.py",
        "models/classes.py": f"{PACKAGE}/models/classes.py",
        "models/pointnet.py": f"{PACKAGE}/models/pointnet.py",
        "tools/évaluer.py": f"{PACKAGE}/tools/évaluer.py",
    }
    left = dict(plan.left_in_place)
    assert left["train.py"] == f"imports {SUBMODULE}/chamfer3d/__init__.py, which stays"
    assert "git submodule" in left[SUBMODULE]
    assert (
        f"{PACKAGE}/models/classes.py:3: the path built from __file__ names "
        "metadata/shape_names.txt, which stays; from the moved file it names "
        f"{PACKAGE}/metadata/shape_names.txt: point it at metadata/shape_names.txt"
    ) in plan.needs_a_person


def test_a_script_putting_a_submodule_not_checked_out_on_sys_path_stays(tmp_path: Path) -> None:
    original = write_paper_with_submodule(tmp_path / "original")
    root = tmp_path / "pointnet-again"
    git(tmp_path, "clone", "--quiet", str(original), str(root))  # no --recursive
    assert list((root / SUBMODULE).iterdir()) == []

    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan

    assert "train.py" not in {op.source for op in plan.operations if isinstance(op, MoveFile)}
    assert dict(plan.left_in_place)["train.py"] == (
        f"puts the git submodule {SUBMODULE}/ on sys.path, and it is not checked out (git "
        "submodule update --init): adopt cannot see what it imports from there"
    )


def test_adopt_keeps_the_submodule_links_and_modes_and_its_check_passes(tmp_path: Path) -> None:
    root = write_paper_with_submodule(tmp_path / "pointnet-again")
    before = index_entries(root)
    gitmodules = (root / ".gitmodules").read_bytes()

    adopt(root, answers={"license": "MIT"})

    after = index_entries(root)
    assert after[SUBMODULE] == before[SUBMODULE]
    assert before[SUBMODULE][0] == "160000"
    assert (root / ".gitmodules").read_bytes() == gitmodules
    assert (root / SUBMODULE / "chamfer3d" / "distance.py").is_file()
    assert {link: os.readlink(root / link) for link in LINKS} == LINKS
    assert [after[link][0] for link in LINKS] == ["120000"] * len(LINKS)
    for name in ("train.py", f"{PACKAGE}/tools/évaluer.py", "scripts/train.sh"):
        assert os.access(root / name, os.X_OK), f"{name} lost its executable bit"
    assert (root / "docs/résumé.md").read_text(encoding="utf-8") == "# Résumé\n"
    [undeclared] = run_checks(root, select=["PKG111"])
    assert undeclared.result == "pass", undeclared.message


def test_without_metadata_the_author_is_the_person_with_most_commits(tmp_path: Path) -> None:
    root = write_paper_with_submodule(tmp_path / "pointnet-again")
    (root / "NOTES.md").write_text("a collaborator's note\n", encoding="utf-8")
    git(root, "add", "NOTES.md")
    helper = ["-c", "user.name=Sam Helper", "-c", "user.email=sam@lab.example"]
    git(root, *helper, "commit", "--quiet", "-m", "notes")
    # More commits than anyone, but by a bot and by a container's default identity.
    for name, email in [
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
    ] * 3 + [("root", "root@3f2a9c1b.(none)")] * 3:
        identity = ["-c", f"user.name={name}", "-c", f"user.email={email}"]
        git(root, *identity, "commit", "--quiet", "--allow-empty", "-m", "bump")

    answers, _ = answers_for(analyse_repository(root), PACKAGE, {})
    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan

    assert (answers["author_name"], answers["author_email"]) == ("Léa Moreau", "lea@lab.example")
    [license_text] = [
        op.content for op in plan.operations if isinstance(op, CreateFile) and op.path == "LICENSE"
    ]
    assert f"Copyright (c) {date.today().year} Léa Moreau\n" in license_text
