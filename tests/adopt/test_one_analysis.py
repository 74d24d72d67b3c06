"""adopt analyses a repository once per run: each answer a person gives at the terminal
(which package, convert the Python 2 files, a license, safetensors) makes a new plan from
that one analysis. The analyses are counted by tracing ``analyse_repository`` (see
tests/support/analysis_count.py); the plan is declined, so nothing is applied."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.abandoned_repos import snapshot, write_abandoned_repository
from tests.support.analysis_count import adopt_counting
from tests.support.fresh_install import ml_publish_with_torch
from tests.support.processes import run
from tests.support.tiny_repos import write_repository
from tests.support.torch_files import TorchFiles
from tests.support.venvs import VirtualEnv

WHICH_PACKAGE = "Which package is the one to publish (detector, tracker;"
MODERNIZE = "file(s) are not Python 3 (cuda_async.py, legacy_print.py, mixed_tabs.py)"
LICENSE = "The repository has no LICENSE. Add one ("
APPLY = "Apply this plan? [y/N]"


@pytest.mark.parametrize(
    ("arguments", "typed", "questions"),
    [
        (["license=MIT"], "\ny\nn\n", [WHICH_PACKAGE, MODERNIZE, APPLY]),
        (["--package", "detector"], "n\nMIT\nn\n", [MODERNIZE, LICENSE, APPLY]),
        ([], "\ny\nMIT\nn\n", [WHICH_PACKAGE, MODERNIZE, LICENSE, APPLY]),
    ],
    ids=["package-and-modernize", "license", "every-question"],
)
def test_every_answer_plans_from_the_one_analysis(
    tmp_path: Path, arguments: list[str], typed: str, questions: list[str]
) -> None:
    root = write_abandoned_repository(tmp_path / "traffic-cam", ["two-packages-yes", "python2"])
    before = snapshot(root)

    counted = adopt_counting(root, arguments, typed)

    asked = [question for question in questions if question in counted.printed]
    assert asked == questions, counted.printed
    assert counted.exit_code == 2  # the plan was declined
    assert counted.analyses == 1
    assert snapshot(root) == before


def test_the_answers_shape_the_plan(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "traffic-cam", ["two-packages-yes", "python2"])

    counted = adopt_counting(root, [], "detector\ny\nMIT\nn\n")

    plan = counted.printed[counted.printed.index("Plan for package") :]
    assert plan.startswith("Plan for package 'detector':\n")
    assert "python 3  legacy_print.py (print)" in plan
    assert "create    LICENSE (from the template)" in plan
    assert "a LICENSE: adopt never picks one" not in plan


def test_the_safetensors_offer_plans_from_the_one_analysis(
    tmp_path: Path, project_tools: VirtualEnv, torch_files: TorchFiles
) -> None:
    root = write_repository(tmp_path / "leafnet", {"train.py": "print('training')\n"})
    shutil.copyfile(torch_files / "state_dict.pth", root / "model.pth")
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(root)], check=True)
    identity = ["git", "-c", "user.name=t", "-c", "user.email=t@x"]
    run([*identity, "add", "--all"], cwd=root)
    run([*identity, "commit", "--quiet", "-m", "trained"], cwd=root)
    python = ml_publish_with_torch(tmp_path / "venv", project_tools).python

    counting = [str(python), "-m", "tests.support.analysis_count", str(root), "y\nn\n"]
    result = run([*counting, "license=MIT"], cwd=tmp_path)

    exit_code, analyses, printed = json.loads(result.stdout)
    assert "are pickled PyTorch checkpoints (model.pth); register them converted" in printed
    assert "register it as 'model' (converted to safetensors, pending upload)" in printed
    assert (exit_code, analyses) == (2, 1)


def test_modernize_plans_the_converted_files_from_the_one_analysis(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "traffic-cam", ["two-packages-yes", "python2"])
    arguments = ["license=MIT", "--dry-run", "--modernize", "--package", "detector"]

    counted = adopt_counting(root, arguments, "")

    assert counted.exit_code == 0
    assert "move      legacy_print.py -> detector/legacy_print.py" not in counted.printed
    assert "python 3  legacy_print.py (print)" in counted.printed
    assert counted.analyses == 1
