"""adopt's plan for a repository that brings its own pre-commit configuration and .flake8."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ml_publish.adopt.adoption import adopt, report
from ml_publish.adopt.operations import ForwardHookConfig, SettleFlake8
from tests.support.abandoned_repos import snapshot, write_abandoned_repository


def test_the_plan_lists_each_change_to_the_authors_tooling_and_a_dry_run_makes_none(
    tmp_path: Path,
) -> None:
    root = write_abandoned_repository(tmp_path / "retina", ["own-outdated-tooling"])
    before = snapshot(root)

    plan = adopt(root, dry_run=True).plan

    assert snapshot(root) == before
    (forward,) = [op for op in plan.operations if isinstance(op, ForwardHookConfig)]
    assert forward.changes[0] == "pre-commit migrate-config rewrote the old format"
    assert (
        "https://github.com/ambv/black moved: now https://github.com/psf/black-pre-commit-mirror"
        in forward.changes
    )
    (settle,) = [op for op in plan.operations if isinstance(op, SettleFlake8)]
    assert settle.changes == (
        "max-line-length = 100, black's line length (it allowed 120)",
        "extend-ignore += E203, which black's style triggers",
    )
    assert ".pre-commit-config.yaml" not in dict(plan.left_in_place)
    described = plan.describe()
    assert (
        "hooks     .pre-commit-config.yaml: brought forward, every hook and argument kept"
        in described
    )
    assert "flake8    .flake8: max-line-length = 100, black's line length" in described


def test_the_report_lists_the_changes_and_the_recorded_conflicts(tmp_path: Path) -> None:
    tooling = write_abandoned_repository(tmp_path / "retina", ["own-outdated-tooling"])
    markers = write_abandoned_repository(tmp_path / "markers", ["committed-conflict-markers"])

    printed = report(adopt(tooling, answers={"license": "MIT"}))
    conflicts = report(adopt(markers, answers={"license": "MIT"}))

    assert ".pre-commit-config.yaml brought forward:\n  pre-commit migrate-config" in printed
    assert (
        "  https://github.com/PyCQA/isort: rev v4.3.21 -> 6.0.1 (a release known to work)"
        in printed
    )
    assert (
        "conflict markers: files committed with them, recorded in [tool.ml-publish.check]:\n"
        "  docs/results.md: 1 conflict(s)\n  model.py.orig: 1 conflict(s)"
    ) in conflicts
    pyproject = (markers / "pyproject.toml").read_text(encoding="utf-8")
    assert "[tool.ml-publish.check.conflict-markers]" in pyproject
    assert '"docs/results.md" = 1\n"model.py.orig" = 1\n' in pyproject


def test_a_configuration_pre_commit_cannot_read_is_left_for_a_person(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "broken", ["flat-scripts"])
    (root / ".pre-commit-config.yaml").write_text("repos: [\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "add", "--all"], check=True)
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "x"],
        check=True,
    )

    adoption = adopt(root, answers={"license": "MIT"})

    (item,) = [i for i in adoption.plan.needs_a_person if "migrate-config" in i]
    assert item.startswith("pre-commit migrate-config failed on .pre-commit-config.yaml:")
    assert item.endswith("; fix it by hand")
    assert (root / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos: [\n"
