"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit as a user's config names them.

The configuration points at a snapshot of this checkout, tagged as the release (see
hook_stand_ins), so pre-commit installs it into its own environment with pip, exactly as it
does for users, once for the whole session: the generated projects' own runs share the cache.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ml_publish import REPOSITORY_URL, __version__
from tests.support.hook_repository import CHECKOUT
from tests.support.hook_stand_ins import PRE_COMMIT, PreCommitSession
from tests.support.layout_repos import SHAPES, SRC_RUFF, write_shape
from tests.support.processes import run
from tests.support.tiny_repos import write_repository

HOOK_IDS = ("ml-publish-check", "no-weights-in-git", "weights-table")


class HookRunner:
    """``pre-commit run HOOK --all-files`` with a config naming ml-publish's hook repository."""

    def __init__(self, session: PreCommitSession, configs: Path) -> None:
        self.session = session
        self.configs = configs

    def config(self, hook_id: str) -> Path:
        entry = {"repo": REPOSITORY_URL, "rev": f"v{__version__}", "hooks": [{"id": hook_id}]}
        repository = self.session.stand_ins.repository(entry)
        config = {"repos": [{**entry, "repo": repository.as_uri()}]}
        path = self.configs / f"{hook_id}.yaml"
        path.write_text(yaml.safe_dump(config), encoding="utf-8")
        return path

    def run(self, hook_id: str, target: Path) -> subprocess.CompletedProcess[str]:
        command: list[str | Path] = [PRE_COMMIT, "run", hook_id, "--all-files", "--verbose"]
        return run(
            [*command, "--config", self.config(hook_id)],
            cwd=target,
            env={"PRE_COMMIT_HOME": str(self.session.home), "PRE_COMMIT_COLOR": "never"},
            expect_success=False,
        )


@pytest.fixture(scope="module")
def hooks(
    pre_commit_session: PreCommitSession, tmp_path_factory: pytest.TempPathFactory
) -> HookRunner:
    return HookRunner(pre_commit_session, tmp_path_factory.mktemp("hook-configs"))


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
