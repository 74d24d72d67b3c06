"""The hook baseline: legacy files excluded from exactly the pre-commit hooks they fail."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from ml_publish.adopt.hook_baseline import (
    BATCH_CHARACTERS,
    CONFIG,
    HookSettings,
    TEMPLATE_HEADER,
    TEMPLATE_WORKFLOWS,
    ToolHook,
    command_batches,
    named,
    start_on_copy,
    write_hook_baseline,
)
from ml_publish.template_files import template_dir
from tests.support.pre_commit_configs import TEMPLATE_CONFIG, hooks_of


def test_the_template_configuration_starts_with_the_header_the_baseline_looks_for() -> None:
    config = template_dir() / "{{cookiecutter.repo_name}}" / CONFIG

    assert config.read_text(encoding="utf-8").startswith(TEMPLATE_HEADER)
    workflows = config.parent / ".github" / "workflows"
    assert {f".github/workflows/{p.name}" for p in workflows.iterdir()} == TEMPLATE_WORKFLOWS


def test_a_tool_names_a_path_only_where_the_path_ends() -> None:
    assert named('Error: File "/s/README.md" is not formatted.', "/s/README.md")
    assert named("/s/train.py:3: teh ==> the", "/s/train.py")
    assert named("Fixing /s/notes.txt", "/s/notes.txt")
    assert not named("/s/train.py.orig:3: teh ==> the", "/s/train.py")


def messy_repository(root: Path) -> Path:
    files = {
        "README.md": "Title\n=====\n\n* one\n\nWe recieve data.\n",
        "clean.md": "# Title\n\n- one\n",
        "train.py": "import pdb  # noqa\n\npdb.set_trace()\n",
        "ok.py": "print('fine')\n",
        "configs/a.yaml": "a: 1\na: 2\n",
        "configs/b.yaml": "a: 1\n",
        "notes.txt": "trailing   \nno newline",
        "LICENSE": "Teh license text.\n",
        ".github/workflows/old.yml": "on: push\njobs: {}\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / CONFIG).write_text(TEMPLATE_CONFIG, encoding="utf-8")
    return root


def test_each_legacy_file_is_excluded_from_exactly_the_hooks_its_tools_fail(
    tmp_path: Path,
) -> None:
    root = messy_repository(tmp_path)
    legacy = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    before = {name: (root / name).read_bytes() for name in legacy if name != CONFIG}

    baseline = write_hook_baseline(
        root, [name for name in legacy if name != CONFIG], first_run=True
    )

    assert baseline.excluded == {
        "codespell": ("README.md",),
        "trailing-whitespace": ("notes.txt",),
        "end-of-file-fixer": ("notes.txt",),
        "check-yaml": ("configs/a.yaml",),
        "debug-statements": ("train.py",),
        "mdformat": ("README.md",),
        "python-check-blanket-noqa": ("train.py",),
        "zizmor": (".github/workflows/old.yml",),
    }
    # LICENSE has a typo too, but the hook's own exclude already keeps codespell off it.
    hooks = hooks_of((root / CONFIG).read_text(encoding="utf-8"))
    assert re.search(str(hooks["codespell"]["exclude"]), "LICENSE")
    assert not re.search(str(hooks["mdformat"]["exclude"]), "clean.md")
    # The tools ran on copies: no legacy file was touched.
    assert {name: (root / name).read_bytes() for name in before} == before
    assert "notes.txt: end-of-file-fixer, trailing-whitespace" in baseline.describe()


def test_running_it_again_changes_nothing(tmp_path: Path) -> None:
    root = messy_repository(tmp_path)
    legacy = ["README.md", "notes.txt", "train.py"]
    write_hook_baseline(root, legacy, first_run=True)
    first = (root / CONFIG).read_text(encoding="utf-8")

    write_hook_baseline(root, legacy, first_run=False)

    assert (root / CONFIG).read_text(encoding="utf-8") == first


AUTHORS_CONFIG = """\
# our hooks
repos:
-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v6.0.0
    hooks:
    -   id: trailing-whitespace
    -   id: check-merge-conflict
-   repo: https://github.com/PyCQA/isort
    rev: 6.0.1
    hooks:
    -   id: isort  # sorted like black
        args: [--profile, black]
-   repo: https://github.com/asottile/pyupgrade
    rev: v3.19.1
    hooks:
    -   id: pyupgrade
"""
AUTHORS_CONFIG_WITH_BASELINE = r"""# our hooks
repos:
-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v6.0.0
    hooks:
    -   id: trailing-whitespace
        # Legacy files adopted by ml-publish fail this hook today: fix them, then remove.
        exclude: |
          (?x)^(
              notes\.txt
          )$
    -   id: check-merge-conflict
        # Legacy files adopted by ml-publish fail this hook today: fix them, then remove.
        exclude: |
          (?x)^(
              model\.py\.orig
          )$
-   repo: https://github.com/PyCQA/isort
    rev: 6.0.1
    hooks:
    -   id: isort  # sorted like black
        # Legacy files adopted by ml-publish fail this hook today: fix them, then remove.
        exclude: |
          (?x)^(
              template_module\.py|
              unsorted\.py
          )$
        args: [--profile, black]
-   repo: https://github.com/asottile/pyupgrade
    rev: v3.19.1
    hooks:
    -   id: pyupgrade
"""


def test_an_authors_own_configuration_gets_the_baseline_too(tmp_path: Path) -> None:
    files = {
        "notes.txt": "trailing   \n",
        "model.py.orig": "x = 1\n<<<<<<< HEAD\ny = 2\n=======\ny = 3\n>>>>>>> theirs\n",
        "unsorted.py": "import sys\nimport os\n\nprint(os, sys)\n",
        "sorted.py": "import os\nimport sys\n\nprint(os, sys)\n",
        # Not legacy (the template's), but held to isort all the same: only the author has it.
        "template_module.py": "import sys\nimport os\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / CONFIG).write_text(AUTHORS_CONFIG, encoding="utf-8")
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "--all"], check=True)

    legacy = ["notes.txt", "model.py.orig", "unsorted.py", "sorted.py"]
    baseline = write_hook_baseline(tmp_path, legacy, first_run=False)

    assert baseline.excluded == {
        "trailing-whitespace": ("notes.txt",),
        "check-merge-conflict": ("model.py.orig",),
        "isort": ("template_module.py", "unsorted.py"),
    }
    assert baseline.unchecked == ("pyupgrade",)
    assert "not checked by adopt (run them yourself): pyupgrade" in baseline.describe()
    assert (tmp_path / CONFIG).read_text(encoding="utf-8") == AUTHORS_CONFIG_WITH_BASELINE


def test_a_workflow_at_the_templates_path_is_the_authors_only_on_the_first_run(
    tmp_path: Path,
) -> None:
    root = messy_repository(tmp_path)
    (root / ".github/workflows/ci.yml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    workflows = [".github/workflows/ci.yml", ".github/workflows/old.yml"]

    assert write_hook_baseline(root, workflows, first_run=False).excluded == {
        "zizmor": (".github/workflows/old.yml",)
    }
    assert write_hook_baseline(root, workflows, first_run=True).excluded == {
        "zizmor": tuple(workflows)
    }
    # Listed once, it stays listed.
    assert write_hook_baseline(root, workflows, first_run=False).excluded == {
        "zizmor": tuple(workflows)
    }


def test_a_tool_that_fails_without_naming_a_file_holds_off_all_it_was_given(
    tmp_path: Path,
) -> None:
    (tmp_path / "data.json").write_text("not json\n", encoding="utf-8")
    # json.tool exits 1 with a message that names no file, as a tool crashing on one would.
    tool = ToolHook("check-json", "json.tool")

    collect = start_on_copy(
        tmp_path, tool, HookSettings("", ""), ["data.json"], tmp_path / "scratch"
    )

    assert collect() == {"data.json"}


def test_files_go_to_a_tool_in_batches_that_fit_a_command_line() -> None:
    names = [f"labels/{index:05d}-{'x' * 80}.txt" for index in range(1200)]
    batches = command_batches(names, 40)

    assert [name for batch in batches for name in batch] == names
    assert len(batches) > 1
    assert all(sum(40 + len(n) + 1 for n in batch) <= BATCH_CHARACTERS for batch in batches)


def test_a_failure_is_found_in_any_batch(tmp_path: Path) -> None:
    (tmp_path / "labels").mkdir()
    names = [f"labels/{index:04d}-{'y' * 60}.txt" for index in range(600)]
    for name in names:
        (tmp_path / name).write_text("0 0.5 0.5 0.1 0.1\n", encoding="utf-8")
    (tmp_path / names[-1]).write_text("0 0.5 0.5   \n", encoding="utf-8")  # trailing spaces

    whitespace = ToolHook("trailing-whitespace", "pre_commit_hooks.trailing_whitespace_fixer")
    collect = start_on_copy(tmp_path, whitespace, HookSettings("", ""), names, tmp_path / "scratch")

    assert collect() == {names[-1]}


def test_the_authors_pre_commit_hooks_run_on_the_files_their_definitions_select(
    tmp_path: Path,
) -> None:
    config = (
        "repos:\n- repo: https://github.com/pre-commit/pre-commit-hooks\n  rev: v6.0.0\n"
        "  hooks:\n  - id: requirements-txt-fixer\n  - id: check-json\n  - id: check-ast\n"
    )
    files = {
        "requirements.txt": "torch\nnumpy\n",
        "notes.txt": "zebra\napple\n",
        "data.json": "{not json",
        "ok.json": "{}",
        "legacy.py": "print 'hello'\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / CONFIG).write_text(config, encoding="utf-8")
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "--all"], check=True)

    baseline = write_hook_baseline(tmp_path, list(files), first_run=False)

    assert baseline.excluded == {
        "requirements-txt-fixer": ("requirements.txt",),
        "check-json": ("data.json",),
        "check-ast": ("legacy.py",),
    }
    assert baseline.unchecked == ()


def test_a_repository_named_relatively_is_asked_about_its_own_merge_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # adopt run inside the repository names it ".": check-merge-conflict, which asks git,
    # must still find the repository's git from the scratch copy, and fail only the file with
    # markers (it failed on every file, a crash, when GIT_DIR was the relative ".git").
    files = {
        "clean.py": "x = 1\n",
        "model.py.orig": "x = 1\n<<<<<<< HEAD\ny = 2\n=======\ny = 3\n>>>>>>> theirs\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / CONFIG).write_text(AUTHORS_CONFIG, encoding="utf-8")
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "--all"], check=True)
    monkeypatch.chdir(tmp_path)

    baseline = write_hook_baseline(Path("."), list(files), first_run=False)

    assert baseline.excluded["check-merge-conflict"] == ("model.py.orig",)
