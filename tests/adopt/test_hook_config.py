"""An author's pre-commit configuration brought forward: migrate-config, new homes, revisions."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ml_publish.adopt.hook_config import CONFIG, bring_forward, brought_forward, migrated
from ml_publish.errors import OperationFailed

# The template's configuration, cut to what bringing forward reads: the revisions it pins and
# the ml-publish repository with its comment.
TEMPLATE = """\
# black, flake8 and mypy here run the versions pinned in the `dev` extra of pyproject.toml.
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v6.0.0
    hooks:
      - id: trailing-whitespace

  # The ml-publish release that generated this project: the audit, the weights guard, and the
  # README weights table kept in sync with demo/weights.json.
  - repo: https://github.com/ml-publish/ml-publish
    rev: v0.1.0
    hooks:
      - id: ml-publish-check
      - id: no-weights-in-git
      - id: weights-table

  - repo: https://github.com/psf/black-pre-commit-mirror
    rev: 26.10.1
    hooks:
      - id: black

  - repo: https://github.com/PyCQA/flake8
    rev: 7.5.0
    hooks:
      - id: flake8
"""
# A 2019 configuration: a bare list of repositories pinned with sha:, black and flake8 where
# they lived then (a bare hash for flake8), an isort mirror, a Python long gone.
OLD = """\
# Hooks from our lab's 2019 template.
-   repo: https://github.com/pre-commit/pre-commit-hooks
    sha: v2.2.3
    hooks:
    -   id: trailing-whitespace
        args: [--markdown-linebreak-ext=md]
    -   id: check-byte-order-marker
-   repo: https://github.com/ambv/black
    sha: 19.3b0
    hooks:
    -   id: black
        language_version: python3.7
-   repo: https://gitlab.com/pycqa/flake8
    sha: '0f85f8a1f7c5fcb8e4a0d38f89dbd3ab0d0de5b4'
    hooks:
    -   id: flake8
        args: [--max-line-length=120]  # wide screens
-   repo: https://github.com/pre-commit/mirrors-isort
    sha: v4.3.21
    hooks:
    -   id: isort
"""
BROUGHT_FORWARD = """\
# Hooks from our lab's 2019 template.
repos:
-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v6.0.0
    hooks:
    -   id: trailing-whitespace
        args: [--markdown-linebreak-ext=md]
    -   id: fix-byte-order-marker
-   repo: https://github.com/psf/black-pre-commit-mirror
    rev: 26.10.1
    hooks:
    -   id: black
        language_version: python3
-   repo: https://github.com/PyCQA/flake8
    rev: '7.5.0'
    hooks:
    -   id: flake8
        args: [--max-line-length=100]  # wide screens
-   repo: https://github.com/PyCQA/isort
    rev: 6.0.1
    hooks:
    -   id: isort

# The ml-publish release that generated this project: the audit, the weights guard, and the
# README weights table kept in sync with demo/weights.json.
- repo: https://github.com/ml-publish/ml-publish
  rev: v0.1.0
  hooks:
    - id: ml-publish-check
    - id: no-weights-in-git
    - id: weights-table
"""


def repository_with(tmp_path: Path, config: str) -> Path:
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    (tmp_path / CONFIG).write_text(config, encoding="utf-8")
    return tmp_path


def test_a_2019_configuration_is_brought_forward_keeping_every_hook_and_comment(
    tmp_path: Path,
) -> None:
    root = repository_with(tmp_path, OLD)

    forwarded = bring_forward(root, TEMPLATE, line_length=100, python_min="3.10")

    assert forwarded.text == BROUGHT_FORWARD
    assert forwarded.changes == (
        "pre-commit migrate-config rewrote the old format",
        "https://github.com/pre-commit/pre-commit-hooks: rev v2.2.3 -> v6.0.0 (the version the "
        "template pins)",
        "check-byte-order-marker is fix-byte-order-marker in pre-commit-hooks now",
        "https://github.com/ambv/black moved: now https://github.com/psf/black-pre-commit-mirror",
        "https://github.com/psf/black-pre-commit-mirror: rev 19.3b0 -> 26.10.1 (the version the "
        "template pins)",
        "black: language_version python3.7 -> python3 (older than the project's Python 3.10, no "
        "longer installable)",
        "https://gitlab.com/pycqa/flake8 moved: now https://github.com/PyCQA/flake8",
        "https://github.com/PyCQA/flake8: rev 0f85f8a1f7c5fcb8e4a0d38f89dbd3ab0d0de5b4 -> 7.5.0 "
        "(the version the template pins)",
        "flake8: --max-line-length=120 -> --max-line-length=100 (black's line length)",
        "https://github.com/pre-commit/mirrors-isort moved: now https://github.com/PyCQA/isort",
        "https://github.com/PyCQA/isort: rev v4.3.21 -> 6.0.1 (a release known to work)",
        "added the template's ml-publish hooks: ml-publish-check, no-weights-in-git, "
        "weights-table",
    )
    assert forwarded.unresolved == ()
    assert (root / CONFIG).read_text(encoding="utf-8") == OLD, "planning wrote nothing"


def test_bringing_forward_again_changes_nothing(tmp_path: Path) -> None:
    root = repository_with(tmp_path, BROUGHT_FORWARD)

    forwarded = bring_forward(root, TEMPLATE, line_length=100, python_min="3.10")

    assert (forwarded.text, forwarded.changes, forwarded.unresolved) == (BROUGHT_FORWARD, (), ())


def test_migrate_config_is_pre_commits_own(tmp_path: Path) -> None:
    root = repository_with(tmp_path, "")

    text = migrated("-   repo: https://example.org/x\n    sha: v1\n    hooks: []\n", root)

    assert text == "repos:\n-   repo: https://example.org/x\n    rev: v1\n    hooks: []\n"


def test_a_configuration_pre_commit_cannot_read_stops_with_its_reason(tmp_path: Path) -> None:
    root = repository_with(tmp_path, "")

    with pytest.raises(OperationFailed, match="pre-commit migrate-config failed on"):
        migrated("repos: [\n", root)


def test_a_repository_the_template_does_not_use_keeps_its_tag_and_a_hash_needs_a_person() -> None:
    config = """\
repos:
  - repo: https://github.com/asottile/pyupgrade
    rev: v2.7.2
    hooks:
      - id: pyupgrade
        args: [--py36-plus]
  - repo: https://github.com/PyCQA/isort
    rev: master
    hooks:
      - id: isort
  - repo: https://github.com/example/lint
    rev: 1a2b3c4
    hooks:
      - id: lint
  - repo: https://github.com/pre-commit/mirrors-pylint
    rev: v2.4.4
    hooks:
      - id: pylint
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v2.5.0
    hooks:
      - id: flake8
  - repo: https://github.com/ml-publish/ml-publish
    rev: v0.0.9
    hooks:
      - id: no-weights-in-git
"""
    forwarded = brought_forward(config, TEMPLATE, line_length=100, python_min="3.10")

    assert forwarded.text == config.replace("rev: master", "rev: 6.0.1").replace(
        "rev: v2.5.0", "rev: v6.0.0"
    ).replace("rev: v0.0.9", "rev: v0.1.0")
    assert forwarded.unresolved == (
        ".pre-commit-config.yaml: https://github.com/example/lint at 1a2b3c4 is not a release tag "
        "adopt knows; run pre-commit autoupdate --repo https://github.com/example/lint",
        ".pre-commit-config.yaml: the hook repository https://github.com/pre-commit/mirrors-pylint "
        "is gone; use a local hook running pylint",
        ".pre-commit-config.yaml: pre-commit-hooks no longer has flake8; use the flake8 hook of "
        "https://github.com/PyCQA/flake8",
    )


def test_quotes_stay_and_a_plain_value_yaml_would_misread_is_quoted() -> None:
    config = 'repos:\n  - repo: "https://github.com/ambv/black"\n    rev: "19.3b0"\n    hooks: []\n'
    template = TEMPLATE.replace("rev: 26.10.1", "rev: 26.10")

    forwarded = brought_forward(config, template, line_length=100, python_min="3.10")

    assert forwarded.text.splitlines()[1:3] == [
        '  - repo: "https://github.com/psf/black-pre-commit-mirror"',
        '    rev: "26.10"',
    ]
    plain = brought_forward(
        config.replace('"19.3b0"', "19.3b0"), template, line_length=100, python_min="3.10"
    )
    assert plain.text.splitlines()[2] == "    rev: '26.10'"


def test_default_language_version_too_old_becomes_python3() -> None:
    config = (
        "default_language_version:\n  python: python3.6\nrepos:\n"
        "  - repo: https://github.com/ml-publish/ml-publish\n    rev: v0.1.0\n    hooks: []\n"
    )

    forwarded = brought_forward(config, TEMPLATE, line_length=100, python_min="3.10")

    assert forwarded.text == config.replace("python3.6", "python3")
    assert forwarded.changes == (
        "default_language_version: python3.6 -> python3 (older than the project's Python 3.10, "
        "no longer installable)",
    )


# A Kaggle solution's configuration of 2022: black's own repository (not its mirror) with the
# author's line length, and isort at a tag whose environment no longer builds.
KAGGLE_2022 = """\
repos:
  - repo: https://github.com/psf/black
    rev: 22.3.0
    hooks:
      - id: black
        args: [--line-length=120]
  - repo: https://github.com/PyCQA/isort
    rev: 5.10.1
    hooks:
      - id: isort
        args: [--profile=black]
  - repo: https://github.com/ml-publish/ml-publish
    rev: v0.1.0
    hooks: []
"""


def test_black_s_own_repository_takes_the_template_s_black_and_a_broken_isort_a_good_tag() -> None:
    forwarded = brought_forward(KAGGLE_2022, TEMPLATE, line_length=120, python_min="3.10")

    # Left at 22.3.0, the hook would format otherwise than the black the dev extra pins
    # (PC106); isort 5.10.1 stops pre-commit with "The Poetry configuration is invalid".
    assert forwarded.text == KAGGLE_2022.replace("rev: 22.3.0", "rev: 26.10.1").replace(
        "rev: 5.10.1", "rev: 6.0.1"
    )
    assert forwarded.changes == (
        "https://github.com/psf/black: rev 22.3.0 -> 26.10.1 (the version the template pins)",
        "https://github.com/PyCQA/isort: rev 5.10.1 -> 6.0.1 (a release known to work; 5.10.1 "
        "no longer installs)",
    )
    assert forwarded.unresolved == ()


def test_a_broken_isort_named_in_lower_case_takes_the_good_tag_too() -> None:
    # isort's own README names its repository https://github.com/pycqa/isort (GitHub's URLs
    # ignore case); a Poetry project of 2022 copied it with 5.10.1.
    config = KAGGLE_2022.replace("PyCQA/isort", "pycqa/isort")

    forwarded = brought_forward(config, TEMPLATE, line_length=120, python_min="3.10")

    assert "    rev: 6.0.1\n" in forwarded.text
    assert forwarded.changes[1] == (
        "https://github.com/pycqa/isort: rev 5.10.1 -> 6.0.1 (a release known to work; 5.10.1 "
        "no longer installs)"
    )
    assert forwarded.unresolved == ()


@pytest.mark.parametrize("rev", ["5.11.5", "5.12.0", "4.3.21", "v5.13.2"])
def test_an_isort_tag_that_still_installs_is_kept(rev: str) -> None:
    config = KAGGLE_2022.replace("rev: 5.10.1", f"rev: {rev}")

    forwarded = brought_forward(config, TEMPLATE, line_length=120, python_min="3.10")

    assert f"rev: {rev}\n" in forwarded.text
