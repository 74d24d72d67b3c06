"""``ml-publish update`` end to end: real renders, real git, real pip against a real pypiserver.

A project made by this checkout's template is edited as people edit projects, committed, and
updated to the next release's template (see tests/support/template_versions.py): by that
release itself, installed, fetching this one's template as the base; or by this checkout with
``--to``, fetching the next one's.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from ml_publish.adopt.adoption import adopt
from ml_publish.release.citation import cited_release
from ml_publish.template import new_project
from ml_publish.update.updating import update_project
from ml_publish.weights.registration import add_weights
from tests.support.abandoned_repos import snapshot, write_abandoned_repository
from tests.support.fresh_install import build_dists
from tests.support.processes import run
from tests.support.template_versions import (
    CHECKOUT,
    DATA_TODO,
    MATRIX_COMMENT,
    NEW,
    NEW_DATA_TODO,
    NEW_DEFAULT,
    NEW_FILE,
    NEW_IGNORE,
    OLD,
    REMOVED_FILE,
    Releases,
    contributing,
)
from tests.support.terminal import run_on_terminal
from tests.support.venvs import VirtualEnv

ANSWERS = {"project_name": "Otter Tracker", "github_owner": "otter-lab"}
CI = ".github/workflows/ci.yml"
RELEASE = ".github/workflows/release.yml"


def commit_all(root: Path, message: str = "work") -> None:
    run(["git", "add", "--all"], cwd=root)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", message], cwd=root)


def ml_publish(
    root: Path, env: dict[str, str], *args: str | Path
) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "ml_publish", *args], cwd=root, env=env, expect_success=False)


def record(root: Path) -> dict[str, object]:
    document = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    table: dict[str, object] = document["tool"]["ml-publish"]["template"]
    return table


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def matrix_line(root: Path) -> str:
    return next(
        line for line in (root / CI).read_text().splitlines() if "python-version: [" in line
    )


@pytest.fixture(scope="module")
def otter_tracker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project ``ml-publish new`` made, with a registered weight, committed; copy it."""
    project = new_project(
        [f"{k}={v}" for k, v in ANSWERS.items()],
        output_dir=tmp_path_factory.mktemp("otter"),
        no_input=True,
    )
    run(["git", "init", "--quiet", "--initial-branch=main"], cwd=project)
    (project / "otter.pth").write_bytes(os.urandom(50_000))
    add_weights(project, project / "otter.pth", name="otter", repository="otter-lab/otter-tracker")
    (project / "otter.pth").unlink()
    commit_all(project, "Start from the ml-publish template")
    return project


@pytest.fixture
def edited(otter_tracker: Path, tmp_path: Path) -> Path:
    """The project after some work: lines the template also changes, lines it does not, a
    template file deleted."""
    root = shutil.copytree(otter_tracker, tmp_path / otter_tracker.name, symlinks=True)
    edit(root / CI, "name: CI\n", "name: Tests\n")
    edit(root / CI, matrix_line(root), matrix_line(root) + "  # ours")
    (root / ".gitignore").write_text((root / ".gitignore").read_text() + "scratch/\n")
    (root / RELEASE).unlink()
    edit(root / "pyproject.toml", '"pretrained-models"]', '"pretrained-models", "otters"]')
    edit(
        root / "README.md", "**TODO:** the command that reproduces", "`python train.py` reproduces"
    )
    commit_all(root, "Our own changes")
    return root


def test_update_merges_each_file_and_asks_the_new_question_on_a_terminal(
    edited: Path, releases: Releases, template_cache: Path
) -> None:
    before = {name: (edited / name).read_text() for name in (CI, ".gitignore", "README.md")}
    registry = (edited / "otter_tracker/weights.json").read_bytes()
    hubconf = (edited / "hubconf.py").read_bytes()
    line = matrix_line(edited).removesuffix("  # ours")

    # The next release, installed, updates to its own template; this one's is the base.
    printed = run_on_terminal(
        ["update"],
        cwd=edited,
        env=releases.environment(template_cache, new=True),
        typed="Matrix chat\ny\n",
    )

    assert f"Update from the template of ml-publish {OLD} to {NEW}:" in printed
    assert "New question: Where people ask for help [GitHub issues]:" in printed
    for planned in (
        f"conflict   {CI} (1 conflict)",
        f"keep       {RELEASE}: you deleted it, and it stays deleted",
        "merge      .gitignore",
        "merge      README.md",
        "replace    .pre-commit-config.yaml",
        f"create     {NEW_FILE}",
        f"delete     {REMOVED_FILE}",
        "merge      pyproject.toml",
    ):
        assert planned in printed
    assert "1 file(s) have conflicts" in printed
    conflict = (
        f"<<<<<<< yours\n{line}  # ours\n||||||| ml-publish {OLD}\n{line}\n=======\n"
        f"{line}{MATRIX_COMMENT}\n>>>>>>> ml-publish {NEW}\n"
    )
    assert (edited / CI).read_text() == before[CI].replace(f"{line}  # ours\n", conflict)
    assert (edited / ".gitignore").read_text() == before[".gitignore"].replace(
        ".pytest_cache/\n", f".pytest_cache/\n{NEW_IGNORE}\n"
    )
    assert (edited / "README.md").read_text() == before["README.md"].replace(
        DATA_TODO, NEW_DATA_TODO
    )
    assert "| `otter`" in (edited / "README.md").read_text()
    assert not (edited / RELEASE).exists() and not (edited / REMOVED_FILE).exists()
    assert (edited / NEW_FILE).read_text() == contributing("Otter Tracker", "Matrix chat")
    assert f"rev: v{NEW}\n" in (edited / ".pre-commit-config.yaml").read_text()
    assert (edited / "otter_tracker/weights.json").read_bytes() == registry
    assert (edited / "hubconf.py").read_bytes() == hubconf
    pyproject = tomllib.loads((edited / "pyproject.toml").read_text())
    assert pyproject["tool"]["pytest"]["ini_options"]["minversion"] == "8.4"
    assert "otters" in pyproject["project"]["keywords"]
    # Not recorded while conflict markers are left.
    assert record(edited)["version"] == OLD
    assert record(edited)["pending-version"] == NEW
    assert record(edited)["answers"] == {**ANSWERS_RECORDED, "support_channel": "Matrix chat"}


ANSWERS_RECORDED = {
    "project_name": "Otter Tracker",
    "repo_name": "otter-tracker",
    "package_name": "otter_tracker",
    "distribution_name": "otter-tracker",
    "description": "Code and pretrained weights for otter tracker.",
    "author_name": "Your Name",
    "author_email": "you@example.com",
    "github_owner": "otter-lab",
    "version": "0.1.0",
    "python_min": "3.10",
    "license": "MIT",
    "framework": "pytorch",
    "line_length": "100",
    "include_notebook": "yes",
    "demo_app": "none",
    "doi": "",
    "paper": "",
    "hf_repo": "",
}


def test_the_version_is_recorded_once_the_conflicts_are_resolved(
    edited: Path, releases: Releases, template_cache: Path
) -> None:
    env = releases.environment(template_cache, new=True)
    first = ml_publish(edited, env, "update", "--yes")
    assert first.returncode == 1, first.stderr
    assert f"{NEW_VARIABLE_LINE}" in first.stdout
    conflicted = (edited / CI).read_text()

    again = ml_publish(edited, env, "update", "--yes")

    assert again.returncode == 1
    start = conflicted.splitlines().index("<<<<<<< yours") + 1
    assert f"still has conflict markers in:\n  {CI}:{start}\n" in again.stdout
    assert (edited / CI).read_text() == conflicted
    theirs = conflicted.split("=======\n")[1].split(">>>>>>>")[0]
    resolved = conflicted.split("<<<<<<< yours\n")[0] + theirs + conflicted.split(f"{NEW}\n", 1)[1]
    (edited / CI).write_text(resolved)

    done = ml_publish(edited, env, "update", "--yes")

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Recorded the template of ml-publish {NEW}" in done.stdout
    assert record(edited)["version"] == NEW and "pending-version" not in record(edited)
    commit_all(edited, "Update to the template of the next release")
    settled = snapshot(edited)
    assert ml_publish(edited, env, "update", "--yes").returncode == 0
    assert snapshot(edited) == settled


NEW_VARIABLE_LINE = f"  support_channel = {NEW_DEFAULT!r}"


def test_dry_run_prints_the_plan_and_diffs_and_changes_nothing(
    edited: Path, releases: Releases, template_cache: Path
) -> None:
    before = snapshot(edited)

    result = ml_publish(
        edited, releases.environment(template_cache), "update", "--to", NEW, "--dry-run"
    )

    assert result.returncode == 0, result.stderr
    assert f"conflict   {CI} (1 conflict)" in result.stdout
    assert f"--- a/{CI}\n+++ b/{CI}\n" in result.stdout
    assert f"+{NEW_IGNORE}\n" in result.stdout
    assert result.stdout.endswith("--dry-run: nothing was changed\n")
    assert snapshot(edited) == before


def cookiecutter_project(output_dir: Path, *answers: str) -> Path:
    """A project plain cookiecutter rendered from this checkout, committed."""
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "--default-config"]
    run([*command, "-o", output_dir, CHECKOUT, *answers])
    (project,) = output_dir.iterdir()
    run(["git", "init", "--quiet", "--initial-branch=main"], cwd=project)
    commit_all(project, "Start from the template")
    return project


def test_a_cookiecutter_project_updates_cleanly_and_passes_its_tools(
    tmp_path: Path, releases: Releases, template_cache: Path, project_tools: VirtualEnv
) -> None:
    root = cookiecutter_project(tmp_path, "project_name=Glacier Mapper", "framework=none")
    assert record(root)["version"] == OLD
    (root / ".gitignore").write_text((root / ".gitignore").read_text() + "scratch/\n")
    edit(
        root / "README.md", "**TODO:** the command that reproduces", "`python train.py` reproduces"
    )
    edit(
        root / "pyproject.toml",
        'dependencies = ["filelock>=3.12"]',
        'dependencies = ["filelock>=3.12", "numpy>=1.26"]',
    )
    commit_all(root)
    env = releases.environment(template_cache)

    result = ml_publish(root, env, "update", "--to", NEW, "--yes", "support_channel=Discord")

    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split()[:2] for line in result.stdout.splitlines() if line.startswith("  ")][
        :9
    ] == [
        ["replace", CI],
        ["replace", RELEASE],
        ["merge", ".gitignore"],
        ["replace", ".pre-commit-config.yaml"],
        ["create", NEW_FILE],
        ["merge", "README.md"],
        ["delete", REMOVED_FILE],
        ["merge", "pyproject.toml"],
        ["support_channel", "="],
    ]
    assert (root / NEW_FILE).read_text() == contributing("Glacier Mapper", "Discord")
    assert record(root)["version"] == NEW
    assert tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"] == [
        "filelock>=3.12",
        "numpy>=1.26",
    ]
    commit_all(root, "Update the template")
    settled = snapshot(root)
    again = ml_publish(root, env, "update", "--to", NEW, "--yes")
    assert again.returncode == 0 and "is up to date with the template" in again.stdout
    assert snapshot(root) == settled
    # Still a project that passes its own tools on the first commit after the update.
    project_tools.pip_install("--no-deps", "--no-build-isolation", "--editable", root)
    run([project_tools.bin("black"), "--check", "."], cwd=root)
    run([project_tools.bin("flake8")], cwd=root)
    run([project_tools.bin("mypy"), "glacier_mapper", "tests"], cwd=root)
    run([project_tools.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root)
    dists = build_dists(root, tmp_path / "dist", project_tools)
    run([project_tools.bin("twine"), "check", "--strict", dists.sdist, dists.wheel])
    checked = run([sys.executable, "-m", "ml_publish", "check", "--format", "json"], cwd=root)
    assert '"fail": 0' in checked.stdout


def test_an_adopted_repository_updates_too(
    tmp_path: Path, releases: Releases, template_cache: Path
) -> None:
    root = write_abandoned_repository(tmp_path / "whale-id", ["flat-scripts", "requirements"])
    adopt(root, answers={"license": "MIT"})
    commit_all(root, "Adopt the ml-publish layout")
    assert record(root)["version"] == OLD
    assert record(root)["answers"]["package_name"] == "whale_id"  # type: ignore[index]
    edit(root / CI, "name: CI\n", "name: Whale tests\n")
    commit_all(root)
    readme = (root / "README.md").read_bytes()
    env = releases.environment(template_cache)

    result = ml_publish(root, env, "update", "--to", NEW, "--yes")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "merge      .github/workflows/ci.yml" in result.stdout
    workflow = (root / CI).read_text()
    assert "name: Whale tests\n" in workflow and MATRIX_COMMENT in workflow
    assert not (root / REMOVED_FILE).exists()
    assert (root / NEW_FILE).read_text() == contributing("Whale Id", NEW_DEFAULT)
    assert NEW_IGNORE in (root / ".gitignore").read_text()
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"] == {"whale-id-train": "whale_id.train:main"}
    assert pyproject["tool"]["pytest"]["ini_options"]["minversion"] == "8.4"
    assert (root / "README.md").read_bytes() != readme  # the template's own sections, merged
    assert record(root)["version"] == NEW
    commit_all(root, "Update the template")
    settled = snapshot(root)
    assert ml_publish(root, env, "update", "--to", NEW, "--yes").returncode == 0
    assert snapshot(root) == settled


def test_offline_without_a_cached_base_one_line_and_nothing_written(
    otter_tracker: Path, tmp_path: Path, releases: Releases
) -> None:
    root = shutil.copytree(otter_tracker, tmp_path / "otter", symlinks=True)
    before = snapshot(root)
    offline = {**releases.environment(tmp_path / "empty-cache", new=True)}
    offline["PIP_INDEX_URL"] = f"http://127.0.0.1:{closed_port()}/simple/"

    result = ml_publish(root, offline, "update", "--yes")

    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert f"the template of ml-publish {OLD}, the base of this update, is not cached" in (
        result.stderr
    )
    assert "pass --base-wheel FILE" in result.stderr
    assert snapshot(root) == before
    # The wheel itself, handed over, is all it needs.
    handed = ml_publish(root, offline, "update", "--yes", "--base-wheel", releases.old_wheel)
    assert handed.returncode == 0, handed.stdout + handed.stderr
    assert record(root)["version"] == NEW


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_dirty_tree_is_refused_and_left_alone(
    otter_tracker: Path, tmp_path: Path, releases: Releases, template_cache: Path
) -> None:
    root = shutil.copytree(otter_tracker, tmp_path / "otter", symlinks=True)
    (root / "notes.txt").write_text("half-done\n")
    before = snapshot(root)

    result = ml_publish(root, releases.environment(template_cache), "update", "--to", NEW, "--yes")

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ml-publish: error: the tree has uncommitted changes (notes.txt); commit or stash them "
        "first, so the update's changes are the only ones git diff shows"
    ]
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["colour=red"], "unknown template variable 'colour'"),
        ([".", "=Discord"], "'=Discord' is not KEY=VALUE"),
        (["license=WTFPL"], "license must be one of MIT"),
        (["--to", "soon"], "--to 'soon' is not a version"),
        (["--to", "0.0.1"], f"newer than 0.0.1; upgrade ml-publish or pass --to {OLD}"),
        (["--base-wheel", "missing.whl"], "--base-wheel missing.whl does not exist"),
        (["--from", "0.1", "--base-wheel", "README.md"], "is not a wheel"),
        (["no/such/dir"], "no/such/dir is not a directory"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    otter_tracker: Path,
    tmp_path: Path,
    releases: Releases,
    template_cache: Path,
    arguments: list[str],
    message: str,
) -> None:
    root = shutil.copytree(otter_tracker, tmp_path / "otter", symlinks=True)
    before = snapshot(root)
    arguments = [word if word != "README.md" else str(root / word) for word in arguments]

    result = ml_publish(
        root, releases.environment(template_cache), "update", "--to", NEW, *arguments
    )

    assert result.returncode == 2, result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert snapshot(root) == before


def test_a_project_without_a_record_reads_its_answers_back_with_from(
    otter_tracker: Path, tmp_path: Path, releases: Releases, template_cache: Path
) -> None:
    root = shutil.copytree(otter_tracker, tmp_path / "otter", symlinks=True)
    pyproject = (root / "pyproject.toml").read_text()
    start = pyproject.index("[tool.ml-publish.template]")
    end = pyproject.index("[tool.repo-review.ignore]")
    (root / "pyproject.toml").write_text(pyproject[:start] + pyproject[end:])
    commit_all(root, "As made before the template recorded itself")
    env = releases.environment(template_cache)

    refused = ml_publish(root, env, "update", "--to", NEW, "--yes")
    assert refused.returncode == 2
    assert "has no [tool.ml-publish.template]; pass --from VERSION" in refused.stderr

    result = ml_publish(root, env, "update", "--from", OLD, "--to", NEW, "--yes")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "read from the project" in result.stdout
    assert record(root)["answers"] == {**ANSWERS_RECORDED, "support_channel": NEW_DEFAULT}
    assert record(root)["version"] == NEW
    # The answers were right: only the template's own changes were made.
    assert "conflict" not in result.stdout and "keep " not in result.stdout


def test_an_answer_given_again_is_changed_with_the_same_template(
    otter_tracker: Path, tmp_path: Path
) -> None:
    root = shutil.copytree(otter_tracker, tmp_path / "otter", symlinks=True)

    plan = update_project(root, ["license=Apache-2.0"])

    assert [(c.action, c.path) for c in plan.changes] == [
        ("replace", "CITATION.cff"),
        ("replace", "LICENSE"),
        ("replace", "README.md"),
        ("replace", "pyproject.toml"),
    ]
    assert "Apache License" in (root / "LICENSE").read_text()
    assert record(root) == {
        "version": OLD,
        "answers": {**ANSWERS_RECORDED, "license": "Apache-2.0"},
    }
    commit_all(root)
    assert update_project(root).changes == ()


def test_a_released_citation_keeps_its_version_date_and_doi_through_update(
    otter_tracker: Path, tmp_path: Path
) -> None:
    root = shutil.copytree(otter_tracker, tmp_path / "otter", symlinks=True)
    citation = root / "CITATION.cff"
    released = cited_release(citation.read_text(), "0.3.0", date(2027, 1, 15), "10.5281/zenodo.9")
    citation.write_text(released)
    init = root / "otter_tracker" / "__init__.py"
    init.write_text(init.read_text().replace('"0.1.0"', '"0.3.0"'))
    commit_all(root, "Release v0.3.0")

    plan = update_project(root, ["license=Apache-2.0"])

    assert ("replace", "CITATION.cff") not in [(c.action, c.path) for c in plan.changes]
    assert citation.read_text() == released.replace('license: "MIT"', 'license: "Apache-2.0"')
