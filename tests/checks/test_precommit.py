"""PC checks, each on a tiny passing repository and a tiny failing one."""

from __future__ import annotations

from pathlib import Path

from tests.support.tiny_repos import GOOD_PYPROJECT, Files, audit

# Entries of the repos list, each with the indentation it has under "repos:".
HOOKS = """\
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v6.0.0
    hooks:
      - id: trailing-whitespace
      - id: check-added-large-files
"""
BLACK = """\
  - repo: https://github.com/psf/black-pre-commit-mirror
    rev: 24.1.0
    hooks:
      - id: black
"""
FLAKE8 = """\
  - repo: https://github.com/PyCQA/flake8
    rev: 7.0.0
    hooks:
      - id: flake8
"""
MYPY = """\
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.8.0
    hooks:
      - id: mypy
"""
RUFF = """\
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.14.0
    hooks:
      - id: ruff-check
      - id: ruff-format
"""
ML_PUBLISH = """\
  - repo: https://github.com/ml-publish/ml-publish
    rev: v0.4.0
    hooks:
      - id: no-weights-in-git
"""
LOCAL = """\
  - repo: local
    hooks:
      - id: pylint
        name: pylint
        entry: pylint
        language: system
"""
SHA = "a94f3e1c5b7d9028e6f4c3b2a1d0e9f8c7b6a5d4"
PINS = '\n[dependency-groups]\ndev = ["black==24.1.0", "flake8==7.0.0", "mypy==1.8.0"]\n'


def config(*entries: str) -> Files:
    return {".pre-commit-config.yaml": "repos:\n" + "".join(entries)}


GOOD = config(HOOKS, BLACK, FLAKE8, MYPY, LOCAL)


def test_pc101_config_present(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PC101").result == "pass"
    failed = audit(tmp_path / "bad", {"README.md": "# Cell counter\n"}, "PC101")
    assert failed.result == "fail"
    assert "add a .pre-commit-config.yaml" in failed.message


def test_pc102_config_parses(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PC102").result == "pass"
    broken = audit(tmp_path / "broken", {".pre-commit-config.yaml": "repos: [\n"}, "PC102")
    assert broken.result == "fail"
    assert "not valid YAML" in broken.message
    no_repos = config()  # "repos:" with nothing under it
    empty = audit(tmp_path / "empty", no_repos, "PC102")
    assert empty.result == "fail"
    assert "no repos list" in empty.message
    hookless = config(HOOKS, "  - repo: https://github.com/psf/black-pre-commit-mirror\n")
    partial = audit(tmp_path / "hookless", hookless, "PC102")
    assert partial.result == "fail"
    assert partial.message.startswith("repos entries 2 lack repo or hooks")


def test_pc103_no_dead_repositories(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PC103").result == "pass"
    gitlab = config(HOOKS, FLAKE8.replace("github.com/PyCQA", "gitlab.com/pycqa"))
    failed = audit(tmp_path / "gitlab", gitlab, "PC103")
    assert failed.result == "fail"
    assert "https://gitlab.com/pycqa/flake8 (use https://github.com/PyCQA/flake8)" in failed.message
    moved = config(BLACK.replace("psf/black-pre-commit-mirror", "ambv/black.git"))
    renamed = audit(tmp_path / "ambv", moved, "PC103")
    assert renamed.result == "fail"
    assert "ambv/black.git (use https://github.com/psf/black-pre-commit-mirror)" in renamed.message


def test_pc104_no_removed_hooks(tmp_path: Path) -> None:
    # The flake8 hook of PyCQA/flake8 is fine; only pre-commit-hooks dropped its own.
    assert audit(tmp_path / "good", GOOD, "PC104").result == "pass"
    removed = config(HOOKS + "      - id: flake8\n")
    failed = audit(tmp_path / "bad", removed, "PC104")
    assert failed.result == "fail"
    assert "flake8 (use the flake8 hook of https://github.com/PyCQA/flake8)" in failed.message


def test_pc105_revs_are_tags(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PC105").result == "pass"
    frozen = config(HOOKS.replace("rev: v6.0.0", f"rev: {SHA}  # frozen: v1.2.3"))
    assert audit(tmp_path / "frozen", frozen, "PC105").result == "pass"
    bare = audit(tmp_path / "sha", config(HOOKS.replace("v6.0.0", SHA)), "PC105")
    assert bare.result == "fail"
    assert f"pre-commit-hooks at {SHA}" in bare.message
    assert "autoupdate --freeze" in bare.message
    branch = audit(tmp_path / "branch", config(HOOKS, BLACK.replace("24.1.0", "master")), "PC105")
    assert branch.result == "fail"
    assert "https://github.com/psf/black-pre-commit-mirror at master" in branch.message
    assert "pre-commit-hooks" not in branch.message
    short = audit(tmp_path / "short", config(HOOKS.replace("v6.0.0", SHA[:7])), "PC105")
    assert short.result == "fail"
    assert f"at {SHA[:7]}" in short.message


def test_pc106_hook_versions_match_pins(tmp_path: Path) -> None:
    pinned = {**GOOD, "pyproject.toml": GOOD_PYPROJECT + PINS}
    assert audit(tmp_path / "good", pinned, "PC106").result == "pass"
    stale = config(HOOKS, BLACK.replace("24.1.0", "23.12.1"), FLAKE8, MYPY)
    failed = audit(tmp_path / "stale", {**pinned, **stale}, "PC106")
    assert failed.result == "fail"
    assert failed.message.endswith("black hook at 23.12.1, pinned 24.1.0")
    # ML repositories pin black with its jupyter extra; the pin still applies to the hook.
    jupyter = GOOD_PYPROJECT + PINS.replace('"black==24.1.0"', '"black[jupyter]==24.2.0"')
    extra = audit(tmp_path / "extra", {**GOOD, "pyproject.toml": jupyter}, "PC106")
    assert extra.result == "fail"
    assert "black hook at 24.1.0, pinned 24.2.0" in extra.message
    ruff_pin = GOOD_PYPROJECT + '\n[dependency-groups]\ndev = ["ruff==0.14.0"]\n'
    ruff_hook = config(HOOKS, RUFF.replace("v0.14.0", "v0.13.3"))
    stale_ruff = audit(tmp_path / "ruff", {**ruff_hook, "pyproject.toml": ruff_pin}, "PC106")
    assert stale_ruff.result == "fail"
    assert stale_ruff.message.endswith("ruff hook at v0.13.3, pinned 0.14.0")
    ruff_good = {**config(HOOKS, RUFF), "pyproject.toml": ruff_pin}
    assert audit(tmp_path / "ruff-good", ruff_good, "PC106").result == "pass"
    unpinned = audit(tmp_path / "unpinned", {**GOOD, "pyproject.toml": GOOD_PYPROJECT}, "PC106")
    assert unpinned.result == "skip"
    assert "not pinned" in unpinned.message


def test_pc107_weights_guard_hook(tmp_path: Path) -> None:
    assert audit(tmp_path / "good", GOOD, "PC107").result == "pass"
    guarded = config(HOOKS.replace("check-added-large-files", "check-yaml"), ML_PUBLISH)
    assert audit(tmp_path / "ml-publish", guarded, "PC107").result == "pass"
    unguarded = config(HOOKS.replace("check-added-large-files", "check-yaml"), BLACK)
    failed = audit(tmp_path / "bad", unguarded, "PC107")
    assert failed.result == "fail"
    assert "no-weights-in-git hook (or check-added-large-files)" in failed.message


def test_pc103_skips_without_config(tmp_path: Path) -> None:
    skipped = audit(tmp_path, {"pyproject.toml": GOOD_PYPROJECT}, "PC103")
    assert skipped.result == "skip"
    assert "PC102" in skipped.message
