"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit through ``try-repo``.

pre-commit installs this checkout (a local repository, so no network but the package index)
into its own environment with pip, exactly as it does for users.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.hook_repository import CHECKOUT, snapshot_checkout
from tests.support.layout_repos import SHAPES, SRC_RUFF, write_shape
from tests.support.processes import run
from tests.support.tiny_repos import write_repository

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
HOOK_IDS = ("ml-publish-check", "no-weights-in-git", "weights-table")


class HookRunner:
    """``pre-commit try-repo`` of one snapshot of this checkout, with one pre-commit cache."""

    def __init__(self, repository: Path, revision: str, home: Path) -> None:
        self.repository = repository
        self.revision = revision
        self.home = home

    def run(self, hook_id: str, target: Path) -> subprocess.CompletedProcess[str]:
        return run(
            [
                PRE_COMMIT,
                "try-repo",
                self.repository,
                hook_id,
                "--ref",
                self.revision,
                "--all-files",
                "--verbose",
            ],
            cwd=target,
            env={"PRE_COMMIT_HOME": str(self.home)},
            expect_success=False,
        )


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> HookRunner:
    repository, revision = snapshot_checkout(tmp_path_factory.mktemp("hook-repository"))
    return HookRunner(repository, revision, tmp_path_factory.mktemp("pre-commit-home"))


def copy_project(rendered: Path, destination: Path) -> Path:
    return shutil.copytree(rendered, destination / rendered.name)


def test_the_hooks_file_declares_the_three_hooks() -> None:
    hooks = yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))

    assert [hook["id"] for hook in hooks] == list(HOOK_IDS)
    check = hooks[0]
    assert (check["pass_filenames"], check["always_run"]) == (False, True)


def test_ml_publish_check_passes_a_generated_project(
    hooks: HookRunner, rendered_project: Path, tmp_path: Path
) -> None:
    project = copy_project(rendered_project, tmp_path)

    result = hooks.run("ml-publish-check", project)

    assert result.returncode == 0, result.stdout
    assert "0 failed" in result.stdout


def test_ml_publish_check_passes_a_src_layout_ruff_repository(
    hooks: HookRunner, tmp_path: Path
) -> None:
    """A package made without ml-publish, as scientific-python/cookie makes them: src layout,
    hatch-vcs, ruff alone. The hook must not block its commits."""
    project = write_shape(tmp_path / "leaf-seg", SHAPES[SRC_RUFF])

    result = hooks.run("ml-publish-check", project)

    assert result.returncode == 0, result.stdout
    assert "0 failed" in result.stdout and "PASS  PKG109" in result.stdout
    assert "PASS  LNT101" in result.stdout and "PASS  LNT102" in result.stdout


def test_ml_publish_check_fails_a_bare_repository(hooks: HookRunner, tmp_path: Path) -> None:
    write_repository(tmp_path, {"train.py": "print('training')\n"}, git=True)

    result = hooks.run("ml-publish-check", tmp_path)

    assert result.returncode == 1
    assert "FAIL  PKG101" in result.stdout and "there is no pyproject.toml" in result.stdout


def test_no_weights_in_git_refuses_a_checkpoint(hooks: HookRunner, tmp_path: Path) -> None:
    write_repository(tmp_path, {"README.md": "# x\n", "best.pth": bytes(300_000)}, git=True)

    result = hooks.run("no-weights-in-git", tmp_path)

    assert result.returncode == 1
    assert "best.pth: a .pth file of 0.3 MB" in result.stdout
    assert "ml-publish weights add best.pth --name best" in result.stdout


def test_no_weights_in_git_passes_code_and_small_files(hooks: HookRunner, tmp_path: Path) -> None:
    write_repository(tmp_path, {"train.py": "print(1)\n", "tiny.pt": bytes(2_000)}, git=True)

    result = hooks.run("no-weights-in-git", tmp_path)

    assert result.returncode == 0, result.stdout


def test_weights_table_rewrites_a_stale_table_then_passes(
    hooks: HookRunner, rendered_project: Path, tmp_path: Path
) -> None:
    project = copy_project(rendered_project, tmp_path)
    readme = project / "README.md"
    original = readme.read_text(encoding="utf-8")
    readme.write_text(
        original.replace("No weights have been published yet.", "| stale | table |"),
        encoding="utf-8",
    )
    subprocess.run(["git", "add", "README.md"], cwd=project, check=True)

    first = hooks.run("weights-table", project)
    second = hooks.run("weights-table", project)

    assert first.returncode == 1
    assert "rewrote README.md from the weights registry" in first.stdout
    assert readme.read_text(encoding="utf-8") == original
    assert second.returncode == 0, second.stdout
