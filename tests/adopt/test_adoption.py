"""``adopt`` end to end on synthetic abandoned repositories: nothing lost, git can undo it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import black
import libcst
import pytest
from black.parsing import InvalidInput

from ml_publish.adopt.adoption import adopt, plan_adoption
from ml_publish.adopt.apply import apply_plan
from ml_publish.adopt.imports import rewrite_notebook, rewrite_source
from ml_publish.adopt.plan import AddConsoleScript, MoveFile, Plan, RewriteImports, module_of
from ml_publish.errors import OperationFailed, UsageError
from tests.support.abandoned_repos import FEATURES, snapshot, write_abandoned_repository
from tests.support.processes import run
from tests.support.terminal import run_on_terminal
from tests.support.venvs import VirtualEnv

EVERYDAY = ["flat-scripts", "requirements", "committed-weights", "existing-files"]


def git_status(root: Path) -> list[str]:
    return run(["git", "status", "--porcelain"], cwd=root).stdout.splitlines()


def commit_all(root: Path) -> None:
    run(["git", "add", "--all"], cwd=root)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "adopted"], cwd=root)


@pytest.fixture
def abandoned(tmp_path: Path) -> Path:
    return write_abandoned_repository(tmp_path / "whale-id", EVERYDAY)


def test_dry_run_changes_nothing_at_all(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "whale-id", list(FEATURES))
    before = snapshot(root)

    adoption = adopt(root, dry_run=True)

    assert snapshot(root) == before
    assert adoption.baseline is None
    assert "move      train.py -> whale_id/train.py" in adoption.plan.describe()


def test_a_dirty_tree_is_refused_and_left_alone(abandoned: Path) -> None:
    (abandoned / "utils.py").write_text("# half-done edit\n", encoding="utf-8")
    before = snapshot(abandoned)

    with pytest.raises(UsageError, match=r"uncommitted changes \(utils.py\).*--allow-dirty"):
        adopt(abandoned)

    assert snapshot(abandoned) == before


def test_a_directory_without_git_is_told_how_to_start(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("print(1)\n", encoding="utf-8")

    with pytest.raises(UsageError, match="not a git repository.*git init && git add --all"):
        adopt(tmp_path)

    assert [p.name for p in tmp_path.iterdir()] == ["train.py"]


def test_files_move_with_history_and_nothing_is_lost(abandoned: Path) -> None:
    before = snapshot(abandoned)

    adopt(abandoned)

    status = git_status(abandoned)
    assert "R  utils.py -> whale_id/utils.py" in status
    assert "D  best.pth" in status
    # Moved files are their originals once the import rewrite and black are applied again.
    renames = {"utils": "whale_id.utils", "models": "whale_id.models"}
    for name in ("utils.py", "models.py", "train.py"):
        expected = black.format_str(
            rewrite_source(before[name].decode(), renames), mode=black.Mode(line_length=120)
        )
        assert (abandoned / "whale_id" / name).read_text() == expected
    # Kept or merged, never dropped.
    assert (abandoned / "best.pth").read_bytes() == before["best.pth"]
    assert (abandoned / "README.md").read_text().startswith(before["README.md"].decode().rstrip())
    assert (abandoned / ".gitignore").read_text().startswith(before[".gitignore"].decode())
    for name in ("requirements.txt", "requirements-base.txt", "evaluate.py"):
        assert (abandoned / name).exists()


def test_metadata_dependencies_scripts_and_weights(abandoned: Path) -> None:
    adopt(abandoned)

    project = tomllib.loads((abandoned / "pyproject.toml").read_text())
    assert project["project"]["dependencies"] == [
        "albumentations>=1.3",
        "numpy>=1.24.2",
        "pandas",
        "torch>=1.13.1",
    ]
    assert project["project"]["scripts"] == {"train": "whale_id.train:main"}
    assert project["tool"]["black"]["line-length"] == 120
    pins = (abandoned / "requirements-pinned.txt").read_text().splitlines()
    assert pins[1:] == ["numpy==1.24.2", "torch==1.13.1"]
    registry = json.loads((abandoned / "whale_id" / "weights.json").read_text())
    (entry,) = registry["weights"]
    assert (entry["name"], entry["status"]) == ("best", "pending")
    assert (abandoned / ".ml-publish" / "weights" / entry["file_name"]).is_file()


def test_a_second_run_changes_nothing(abandoned: Path) -> None:
    adopt(abandoned)
    commit_all(abandoned)

    adopt(abandoned)

    assert git_status(abandoned) == []


def test_the_adopted_package_installs_imports_and_runs(
    abandoned: Path, project_tools: VirtualEnv
) -> None:
    adopt(abandoned)

    project_tools.pip_install("--no-deps", "--no-build-isolation", "--editable", abandoned)
    modules = "import whale_id.train, whale_id.utils, whale_id.models, whale_id.pretrained"
    run([project_tools.python, "-c", modules], cwd=abandoned.parent)
    result = run([project_tools.bin("train"), "--help"])
    assert "--epochs" in result.stdout
    run([project_tools.python, "evaluate.py"], cwd=abandoned)
    dist = abandoned.parent / "dist"
    run([project_tools.python, "-m", "build", "--no-isolation", "--outdir", dist, abandoned])
    run([project_tools.bin("twine"), "check", "--strict", *sorted(dist.iterdir())])


def test_black_flake8_and_mypy_pass_with_the_baseline(
    tmp_path: Path, project_tools: VirtualEnv
) -> None:
    root = write_abandoned_repository(
        tmp_path / "whale-id", ["flat-scripts", "python2", "two-subtrees", "invalid-module-names"]
    )

    baseline = adopt(root).baseline

    assert baseline is not None
    assert baseline.flake8["legacy_print.py"] == ("E999",)
    assert "whale_id.train" in baseline.mypy
    run([project_tools.bin("black"), "--check", "."], cwd=root)
    run([project_tools.bin("flake8")], cwd=root)
    run([project_tools.bin("mypy"), "whale_id", "tests"], cwd=root)
    assert "whale_id.pretrained" not in baseline.mypy  # template modules stay strict


def test_a_failure_midway_says_how_to_restore_and_that_works(abandoned: Path) -> None:
    before = snapshot(abandoned)
    plan = plan_adoption(abandoned, package=None, answers={}, allow_dirty=False)
    # Moving a file under train.py, which is a file: fails after the template files are made.
    broken = Plan(
        plan.package,
        (*plan.operations[:5], MoveFile("utils.py", "train.py/utils.py"), *plan.operations[5:]),
    )

    with pytest.raises(OperationFailed) as failure:
        apply_plan(abandoned, broken)

    message = str(failure.value)
    assert message.startswith("adopt stopped at 'move utils.py -> train.py/utils.py'")
    assert message.endswith("'git reset --hard && git clean -fd' restores it")
    assert "\n" not in message
    subprocess.run(
        "git reset --hard --quiet && git clean -fdq", shell=True, cwd=abandoned, check=True
    )
    assert snapshot(abandoned) == before


def test_notebooks_and_scripts_elsewhere_import_the_package(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "cells", ["notebooks", "sys-path"])

    plan = adopt(root).plan

    assert RewriteImports("scripts/run.py", (("utils", "cells.utils"),)) in plan.operations
    assert "from cells.utils import seed_everything" in (root / "scripts" / "run.py").read_text()
    notebook = json.loads((root / "notebooks" / "eda.ipynb").read_text())
    assert "from cells.utils import load_images\n" in notebook["cells"][1]["source"]


def adopt_cli(root: Path, *args: str) -> tuple[int, str, str]:
    result = run(
        [sys.executable, "-m", "ml_publish", "adopt", *args], cwd=root, expect_success=False
    )
    return result.returncode, result.stdout, result.stderr


def test_cli_dry_run_prints_the_plan(abandoned: Path) -> None:
    before = snapshot(abandoned)

    code, out, _ = adopt_cli(abandoned, "--dry-run")

    assert code == 0
    assert out.startswith("Plan for package 'whale_id':\n")
    assert out.rstrip().endswith("--dry-run: nothing was changed")
    assert snapshot(abandoned) == before


def test_cli_without_a_terminal_needs_yes(abandoned: Path) -> None:
    before = snapshot(abandoned)

    code, _, err = adopt_cli(abandoned)

    assert code == 2
    assert "pass --yes to apply the plan without a terminal" in err
    assert snapshot(abandoned) == before


def test_cli_applies_with_yes_and_a_license_answer(abandoned: Path) -> None:
    code, out, _ = adopt_cli(abandoned, "--yes", "license=MIT")

    assert code == 0, out
    assert "Adopted into the package 'whale_id':" in out
    assert "MIT License" in (abandoned / "LICENSE").read_text()
    assert "a LICENSE: adopt never picks one" not in out


def test_every_abandoned_shape_at_once_passes_check_and_stays_adopted(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "whale-id", list(FEATURES))

    adopt(root, answers={"license": "MIT"})
    commit_all(root)
    result = run([sys.executable, "-m", "ml_publish", "check", "--format", "json"], cwd=root)
    adopt(root)

    checks = json.loads(result.stdout)["checks"]
    assert [c["id"] for c in checks if c["result"] == "fail"] == []
    assert git_status(root) == []
    assert not (root / "setup.cfg").exists()
    assert "per-file-ignores" in (root / ".flake8").read_text()


MERGED = {"README.md", ".gitignore", "pyproject.toml"}


def expected_text(original: str, path: str, renames: dict[str, str], line_length: int) -> str:
    """What adopt may turn a legacy file into: imports rewritten, then black (when it parses)."""
    if path.endswith(".ipynb"):
        return rewrite_notebook(original, renames)
    try:
        rewritten = rewrite_source(original, renames)
        return black.format_str(rewritten, mode=black.Mode(line_length=line_length))
    except (InvalidInput, libcst.ParserSyntaxError):
        return original


def assert_nothing_lost(root: Path, before: dict[str, bytes], plan: Plan) -> None:
    """Every original file is byte-for-byte where adopt put it, or is a listed merge."""
    moved = {op.source: op.destination for op in plan.operations if isinstance(op, MoveFile)}
    renames = {
        op.path: dict(op.renames) for op in plan.operations if isinstance(op, RewriteImports)
    }
    line_length = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["black"][
        "line-length"
    ]
    for path, data in before.items():
        if path.startswith("git ") or path in MERGED:
            continue
        if path == "setup.py" and not (root / path).exists():
            # Its metadata is in pyproject.toml, its version in the package's __version__.
            carried = (root / "pyproject.toml").read_text()
            carried += (root / plan.package / "__init__.py").read_text()
            literals = re.findall(r"'([^']+)'", data.decode())
            assert all(value in carried for value in literals if value != "setuptools"), path
            continue
        if path in {"setup.cfg", "tox.ini"} and not (root / path).exists():
            carried = (root / ".flake8").read_text()
            assert all(
                line.split("=")[0].strip() in carried
                for line in data.decode().splitlines()[1:]
                if line.strip()
            ), path
            continue
        now = moved.get(path, path)
        current = (root / now).read_bytes()
        if current == data:
            continue
        expected = expected_text(data.decode(), path, renames.get(now, {}), line_length)
        assert current.decode() == expected, f"{path} -> {now} changed beyond imports and black"


def assert_installs_imports_and_lints(root: Path, plan: Plan, tools: VirtualEnv) -> None:
    """pip install -e, import every moved module, run each console script, black, flake8,
    mypy, then build the sdist and wheel and pass twine check --strict."""
    tools.pip_install("--no-deps", "--no-build-isolation", "--editable", root)
    modules = sorted(
        module_of(op.destination) for op in plan.operations if isinstance(op, MoveFile)
    )
    run([tools.python, "-c", "".join(f"import {m}\n" for m in [plan.package, *modules])])
    for script in (op.name for op in plan.operations if isinstance(op, AddConsoleScript)):
        run([tools.bin(script), "--help"])
    run([tools.bin("black"), "--check", "."], cwd=root)
    run([tools.bin("flake8")], cwd=root)
    run([tools.bin("mypy"), plan.package, "tests"], cwd=root)
    dist = root.parent / "dist"
    run([tools.python, "-m", "build", "--no-isolation", "--outdir", dist, root])
    run([tools.bin("twine"), "check", "--strict", *sorted(dist.iterdir())])


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_each_abandoned_shape_is_adopted_without_losing_anything(
    tmp_path: Path, feature: str, project_tools: VirtualEnv
) -> None:
    # A package name of its own, so the editable installs in the shared venv never overlap.
    root = write_abandoned_repository(tmp_path / f"adopted-{feature}", [feature])
    before = snapshot(root)

    adoption = adopt(root, answers={"license": "MIT"})

    assert_nothing_lost(root, before, adoption.plan)
    assert_installs_imports_and_lints(root, adoption.plan, project_tools)
    commit_all(root)
    result = run([sys.executable, "-m", "ml_publish", "check", "--format", "json"], cwd=root)
    failed = [c["id"] for c in json.loads(result.stdout)["checks"] if c["result"] == "fail"]
    assert failed == []
    adopt(root)
    assert git_status(root) == []


def test_on_a_terminal_adopt_asks_for_the_license_and_confirmation(abandoned: Path) -> None:
    printed = run_on_terminal(["adopt"], cwd=abandoned, env={}, typed="Apache-2.0\ny\n")

    assert "The repository has no LICENSE. Add one (MIT," in printed
    assert "Apply this plan? [y/N]" in printed
    assert "Adopted into the package 'whale_id'" in printed
    assert "Apache License" in (abandoned / "LICENSE").read_text()


def test_on_a_terminal_saying_no_changes_nothing(abandoned: Path) -> None:
    before = snapshot(abandoned)

    printed = run_on_terminal(["adopt"], cwd=abandoned, env={}, typed="none\nn\n")

    assert "Apply this plan? [y/N]" in printed and "Adopted" not in printed
    assert snapshot(abandoned) == before
