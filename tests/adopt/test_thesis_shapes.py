"""adopt's plan for a thesis beside numbered experiments and for a Lightning project with its
logs committed (tests/support/thesis_repos.py): what the per-shape acceptance test of
test_adoption.py would not see. Plans only (nothing applied), and one ``weights add``."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

from ml_publish.adopt.adoption import adopt
from ml_publish.adopt.operations import (
    ForwardHookConfig,
    MoveFile,
    Plan,
    RewriteImports,
    SetDependencies,
    UntrackWeight,
)
from ml_publish.adopt.plan import make_plan
from ml_publish.repository_analysis.analyse import analyse_repository
from ml_publish.repository_analysis.dependencies import conda_requirement
from tests.support.abandoned_repos import write_abandoned_repository
from tests.support.processes import run
from tests.support.projects import render
from tests.support.venvs import VirtualEnv
from tests.support.thesis_repos import (
    CHECKPOINT_BYTES,
    LFS_POINTER,
    LFS_POINTER_CKPT,
    LIGHTNING,
    LISTING,
    THESIS,
)

TEMPLATE_HOOKS = Path(__file__).parents[2] / "template" / "{{cookiecutter.repo_name}}"


def plan_for(tmp_path: Path, shape: str) -> Plan:
    root = write_abandoned_repository(tmp_path / shape, [shape])
    return make_plan(analyse_repository(root), None)


def of_type(plan: Plan, kind: type) -> list[object]:
    return [op for op in plan.operations if isinstance(op, kind)]


def test_a_thesis_keeps_its_listing_and_its_sweep_finds_the_moved_modules(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, THESIS)
    package = "thesis_numbered_experiments"

    assert sorted(op.source for op in of_type(plan, MoveFile) if isinstance(op, MoveFile)) == [
        "src/metrics.py",
        "src/samplers.py",
    ]
    assert dict(plan.left_in_place)[LISTING] == (
        "in thesis/, beside a LaTeX document that includes its files by path"
    )
    renames = {(package + ".src.metrics"), (package + ".src.samplers")}
    rewritten = {
        op.path: {new for _, new in op.renames}
        for op in of_type(plan, RewriteImports)
        if isinstance(op, RewriteImports)
    }
    # sys.path.insert(0, "src") counts from the root too, where sweep.sh runs the script.
    assert rewritten["experiments/03_ablation/run_ablation.py"] == renames
    assert rewritten["experiments/01_baseline/run.py"] == renames


def test_the_notebook_server_of_an_environment_is_no_dependency(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, THESIS)

    [dependencies] = of_type(plan, SetDependencies)
    assert isinstance(dependencies, SetDependencies)
    assert dependencies.requirements == ("numpy>=1.26", "tqdm>=4.66.1")
    named = [note.split(": ")[1] for note in plan.notes if "runs the notebooks" in note]
    assert named == ["jupyterlab", "ipykernel=6.25", "notebook"]


def test_a_lightning_project_names_its_lfs_pointer_and_registers_its_checkpoint(
    tmp_path: Path,
) -> None:
    plan = plan_for(tmp_path, LIGHTNING)

    untracked = [op.path for op in of_type(plan, UntrackWeight) if isinstance(op, UntrackWeight)]
    assert untracked == ["lightning_logs/version_0/checkpoints/epoch=9-step=1000.ckpt"]
    pointer_lines = [line for line in plan.needs_a_person if "Git LFS pointer" in line]
    assert pointer_lines == [
        f"{LFS_POINTER_CKPT}: a Git LFS pointer, not the weights; fetch them (git lfs pull, "
        f"with git-lfs installed), then ml-publish weights add {LFS_POINTER_CKPT}"
    ]
    # evaluate.py would hide the PyPI distribution evaluate at the root; it moves, so it does not.
    assert [line for line in plan.needs_a_person if "evaluate.py" in line] == []


def test_black_from_psf_black_takes_the_tag_the_template_pins_for_black(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / LIGHTNING, [LIGHTNING])
    plan = adopt(root, dry_run=True, answers={"license": "MIT"}).plan
    # The template's configuration is Jinja: its mirror's rev is read from the text.
    template = (TEMPLATE_HOOKS / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    mirror = re.search(r"psf/black-pre-commit-mirror\n\s+rev: (\S+)", template)
    assert mirror is not None

    [forward] = of_type(plan, ForwardHookConfig)
    assert isinstance(forward, ForwardHookConfig)
    revs = {repo["repo"]: repo["rev"] for repo in yaml.safe_load(forward.text)["repos"]}
    assert revs["https://github.com/psf/black"] == mirror[1] != "20.8b1"


def test_weights_add_refuses_an_lfs_pointer_in_one_line(tmp_path: Path) -> None:
    root = render(tmp_path, {})
    (root / "last.ckpt").write_text(LFS_POINTER, encoding="utf-8")
    registry = root / "cell_segmentation" / "weights.json"
    before = registry.read_bytes()

    command: list[str | Path] = [sys.executable, "-m", "ml_publish", "weights", "-C", root]
    result = run([*command, "add", "last.ckpt", "--name", "best"], expect_success=False)

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"ml-publish: error: {root / 'last.ckpt'} is a Git LFS pointer, not the weights: "
        "fetch the file with git lfs pull (git-lfs installed), then add it"
    ]
    assert registry.read_bytes() == before
    assert not (root / ".ml-publish").exists()


def test_conda_pytorch_lightning_is_the_distribution_the_code_imports() -> None:
    # conda-forge's pytorch-lightning is PyPI's pytorch-lightning (import pytorch_lightning);
    # PyPI's lightning is another distribution, which does not provide that module.
    assert conda_requirement("pytorch-lightning=1.9.0") == "pytorch-lightning>=1.9.0"
    assert conda_requirement("lightning=2.2") == "lightning>=2.2"


def test_a_ckpt_torch_did_not_write_is_registered_as_it_is(tmp_path: Path) -> None:
    # Another framework's (or a damaged) .ckpt: no Lightning state dict to take out of it, and
    # no torch needed to say so.
    root = render(tmp_path, {})
    (root / "other.ckpt").write_bytes(CHECKPOINT_BYTES)

    command: list[str | Path] = [sys.executable, "-m", "ml_publish", "weights", "-C", root]
    run([*command, "add", "other.ckpt", "--name", "other"])

    registry = json.loads((root / "cell_segmentation" / "weights.json").read_text())
    [entry] = registry["weights"]
    assert entry["name"] == "other"
    assert entry["file_name"].endswith(".ckpt")
    assert entry["sha256"] == hashlib.sha256(CHECKPOINT_BYTES).hexdigest()


def test_strip_prefix_on_a_file_torch_cannot_load_is_one_line(
    tmp_path: Path, project_tools: VirtualEnv
) -> None:
    root = render(tmp_path, {})
    (root / "other.ckpt").write_bytes(CHECKPOINT_BYTES)
    registry = root / "cell_segmentation" / "weights.json"
    before = registry.read_bytes()

    command: list[str | Path] = [project_tools.python, "-m", "ml_publish", "weights", "-C", root]
    refused = run(
        [*command, "add", "other.ckpt", "--name", "other", "--strip-prefix", "model."],
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        expect_success=False,
    )

    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"ml-publish: error: {root / 'other.ckpt'} is not a checkpoint torch can load "
        "(RuntimeError); add it without --strip-prefix"
    ]
    assert registry.read_bytes() == before
