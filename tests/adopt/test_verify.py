"""adopt's check of its own result: imports that will not resolve once installed stop it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ml_publish.adopt.adoption import carry_out, plan_adoption
from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.adopt.apply import apply_plan
from ml_publish.adopt.operations import AddConsoleScript, Plan, RewriteImports
from ml_publish.adopt.verify import verify_adoption
from ml_publish.errors import OperationFailed
from tests.support.abandoned_repos import write_abandoned_repository

MAIN = "\n\ndef main():\n    pass\n\n\nif __name__ == '__main__':\n    main()\n"


@pytest.fixture
def planned(tmp_path: Path) -> tuple[Path, Plan]:
    root = write_abandoned_repository(tmp_path / "whale-id", ["flat-scripts", "sys-path"])
    return root, plan_adoption(root, package=None, answers={}, allow_dirty=False)


def test_a_faithful_adoption_leaves_nothing_unresolved(planned: tuple[Path, Plan]) -> None:
    root, plan = planned
    before = analyse_repository(root)

    apply_plan(root, plan)

    assert verify_adoption(root, plan, before) == []


def test_a_moved_module_still_importing_a_bare_name_is_found(planned: tuple[Path, Plan]) -> None:
    root, plan = planned
    before = analyse_repository(root)
    skipped = [op for op in plan.operations if not isinstance(op, RewriteImports)]

    apply_plan(root, replace(plan, operations=tuple(skipped)))
    problems = [p.describe() for p in verify_adoption(root, plan, before)]

    assert problems == [
        "evaluate.py:1: train no longer resolves",
        "scripts/run.py:4: utils no longer resolves",
        "whale_id/models.py:1: utils was a module of the repository and is not installed with it",
        "whale_id/train.py:5: models was a module of the repository and is not installed with it",
        "whale_id/train.py:6: utils was a module of the repository and is not installed with it",
    ]


def test_a_console_script_naming_a_missing_function_is_found(planned: tuple[Path, Plan]) -> None:
    root, plan = planned
    before = analyse_repository(root)
    broken = replace(
        plan, operations=(*plan.operations, AddConsoleScript("evaluate", "whale_id.train:evaluate"))
    )

    apply_plan(root, plan)
    problems = [p.describe() for p in verify_adoption(root, broken, before)]

    assert problems == [
        "pyproject.toml:0: the console script evaluate names whale_id.train:evaluate, "
        "which does not exist"
    ]


def test_adopt_stops_with_each_unresolved_import_and_the_restore_line(
    planned: tuple[Path, Plan],
) -> None:
    root, plan = planned
    skipped = tuple(op for op in plan.operations if not isinstance(op, RewriteImports))

    with pytest.raises(OperationFailed) as failure:
        carry_out(root, replace(plan, operations=skipped), tree_was_clean=True, format_code=False)

    first, *lines = str(failure.value).splitlines()
    assert first.startswith("adopt's check of its own result found ")
    assert "'git reset --hard && git clean -fd' restores it" in first
    assert "  whale_id/train.py:5: models was a module of the repository" in "\n".join(lines)
